import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

/// Parse errors grouped by the stretch of source between two statements that parsed, each
/// stretch a result of its own (for `run(_:continueAfterErrors:emit:)`).
struct ParseErrorStretches {
    private var results: [(start: Int, result: StatementResult)] = []

    init(file: SourceFile, statements: [Statement], diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        // The gaps between parsed statements; every parse error lies in one of them.
        var bounds = [0]
        for s in statements { bounds += [s.range.start, s.range.end] }
        bounds.append(file.bytes.count)
        var groups: [Int: [Diagnostic]] = [:]
        var order: [Int] = []
        for d in diagnostics {
            var offset = 0
            if case .source(_, let range)? = d.location { offset = range.start }
            var gap = 0
            while gap + 1 < bounds.count / 2, bounds[2 * (gap + 1)] <= offset { gap += 1 }
            if groups[gap] == nil { order.append(gap) }
            groups[gap, default: []].append(d)
        }
        for gap in order {
            let (range, prose) = Self.code(in: SourceRange(bounds[2 * gap], bounds[2 * gap + 1]), of: file)
            results.append((range.start, StatementResult(
                file: file, range: range, outcome: .diagnostics(groups[gap]!), elapsed: .zero, prose: prose)))
        }
        results.sort { $0.start < $1.start }
    }

    /// The results of the stretches that start before `offset`, taken out in order.
    mutating func before(_ offset: Int) -> [StatementResult] {
        let n = results.prefix { $0.start < offset }.count
        defer { results.removeFirst(n) }
        return results.prefix(n).map(\.result)
    }

    /// The lines of `gap` that are neither blank nor comments (the broken statements), and
    /// the comment lines directly above the first of them.
    private static func code(in gap: SourceRange, of file: SourceFile) -> (SourceRange, [String]) {
        var first: Int?, last: Int?
        var prose: [String] = []
        var comments: [String] = []
        var offset = gap.start
        for line in file.text(of: gap).split(separator: "\n", omittingEmptySubsequences: false) {
            let length = line.utf8.count
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("--") {
                if first == nil {
                    var text = String(trimmed.dropFirst(2))
                    if text.hasPrefix(" ") { text.removeFirst() }
                    if text.hasSuffix("\r") { text.removeLast() }
                    comments.append(text)
                }
            } else if trimmed.allSatisfy({ $0 == "\r" }) {
                if first == nil, !comments.isEmpty { comments.append("") }
            } else {
                if first == nil {
                    first = offset
                    prose = comments
                    while prose.last == "" { prose.removeLast() }
                }
                last = offset + length
            }
            offset += length + 1
        }
        guard let first, let last else { return (gap, []) }
        return (SourceRange(first, min(last, gap.end)), prose)
    }
}
