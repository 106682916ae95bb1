import Foundation

/// One golden case: crmq input and the exact text it must print (results and errors
/// interleaved, errors rendered as users see them).
struct GoldenCase: Sendable, CustomStringConvertible {
    var name: String
    var input: String
    /// nil when the file has no expectation yet (a failure unless recording).
    var expected: String?
    /// 1-based line of the case's `===` header in its file.
    var line: Int
    var description: String { name }
}

/// A golden file: `Tests/GoldenTests/cases/*.test`.
///
///     # comments before the first case describe the file
///     === a name for the case
///     customers | count
///     ---
///     n
///     ...
///
/// A case runs in a fresh session holding the fixture tables of `Tests/GoldenTests/data`.
/// Its input is named `query` in diagnostics. Set CRMQ_GOLDEN_RECORD=1 to rewrite the
/// expectations from what crmq prints now.
struct GoldenFile: Sendable, CustomStringConvertible {
    var url: URL
    var preamble: [String]
    var cases: [GoldenCase]
    var description: String { url.lastPathComponent }

    static let header = "=== "
    static let separator = "---"

    init(url: URL) throws {
        self.url = url
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var preamble: [String] = []
        var cases: [GoldenCase] = []
        var i = 0
        while i < lines.count, !lines[i].hasPrefix(Self.header) {
            preamble.append(lines[i])
            i += 1
        }
        while i < lines.count {
            let name = String(lines[i].dropFirst(Self.header.count))
            let line = i + 1
            i += 1
            var input: [String] = []
            while i < lines.count, lines[i] != Self.separator, !lines[i].hasPrefix(Self.header) {
                input.append(lines[i])
                i += 1
            }
            var expected: [String]? = nil
            if i < lines.count, lines[i] == Self.separator {
                i += 1
                var out: [String] = []
                while i < lines.count, !lines[i].hasPrefix(Self.header) {
                    out.append(lines[i])
                    i += 1
                }
                expected = out
            }
            cases.append(GoldenCase(
                name: name, input: Self.trimmed(input).joined(separator: "\n"),
                expected: expected.map { Self.trimmed($0).joined(separator: "\n") }, line: line))
        }
        self.preamble = preamble
        self.cases = cases
    }

    /// Lines without trailing blank lines.
    static func trimmed(_ lines: [String]) -> [String] {
        var l = lines
        while let last = l.last, last.trimmingCharacters(in: .whitespaces).isEmpty { l.removeLast() }
        return l
    }

    /// The file's text with `actual` outputs as expectations.
    func rewritten(with actual: [String]) -> String {
        var out = preamble.map { $0 + "\n" }.joined()
        for (c, a) in zip(cases, actual) {
            out += Self.header + c.name + "\n" + c.input + "\n" + Self.separator + "\n"
            out += a.isEmpty ? "" : a + "\n"
            out += "\n"
        }
        return out
    }
}
