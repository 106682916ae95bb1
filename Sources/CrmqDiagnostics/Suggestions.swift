/// "Did you mean" support: the nearest names by edit distance within a cutoff.
public enum Suggestions {
    /// Edit distance counting a swap of two neighbours as one edit (optimal string
    /// alignment), so `vpi` suggests `vip`; case-insensitive, so `Region` suggests `region`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var before = [Int](repeating: 0, count: y.count + 1)
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    cur[j] = Swift.min(cur[j], before[j - 2] + 1)
                }
            }
            (before, prev, cur) = (prev, cur, before)
        }
        return prev[y.count]
    }

    /// Candidates close enough to `name` to be what was meant, best first.
    /// The cutoff grows with the name's length: 1 edit for short names, up to a third of it.
    public static func closest(to name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let cutoff = Swift.max(1, Swift.min(4, name.count / 3))
        var scored: [(String, Int)] = []
        var seen = Set<String>()
        for c in candidates where !seen.contains(c) {
            seen.insert(c)
            let d = distance(name, c)
            let prefixHit = c.lowercased().hasPrefix(name.lowercased()) && name.count >= 3
            if d <= cutoff || prefixHit { scored.append((c, prefixHit ? Swift.min(d, cutoff) : d)) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return scored.prefix(limit).map(\.0)
    }

    /// A note for an unknown name: "did you mean 'x'?" when something is close,
    /// otherwise the list of candidates (shortened when long).
    public static func note(for name: String, among candidates: [String], kind: String) -> String {
        let close = closest(to: name, among: candidates)
        if let first = close.first {
            if close.count == 1 { return "did you mean '\(first)'?" }
            return "did you mean '\(first)'? (or " + close.dropFirst().map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
        if candidates.isEmpty { return "there are no \(kind)s" }
        let shown = candidates.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
        let more = candidates.count > 20 ? ", and \(candidates.count - 20) more" : ""
        return "the \(kind)s are \(shown)\(more)"
    }
}
