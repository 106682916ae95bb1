import CrmqSource
import CrmqDiagnostics

/// Draws diagnostics the way compilers do:
/// ```
/// query.crmq:3:19: error: unknown column 'satisfation'
///   3 | customers | where satisfation > 8
///     |                   ^~~~~~~~~~~
/// note: did you mean 'satisfaction'?
/// ```
/// The first line names the place (`file:line:column:` for crmq source and data files,
/// `path:` for a file as a whole), the severity and the message. For crmq source, the
/// line follows with a caret under the first character of the range and `~` under the
/// rest of it on that line (a range over several lines is underlined to the end of its
/// first). Columns in the snippet are display columns: tabs expanded, wide characters
/// counted twice. Notes follow, each with its own place and snippet when it has one;
/// fix-its are notes `fix: replace with '...'`.
public enum DiagnosticRenderer {
    /// Tab stops of the source snippet.
    static let tabWidth = 4

    /// One diagnostic, ending with a newline. `color` adds ANSI colours (for terminals).
    public static func render(_ diagnostic: Diagnostic, color: Bool = false) -> String {
        let style = Style(enabled: color)
        var out = ""
        out += header(diagnostic.location, label: style.severity(diagnostic.severity), message: diagnostic.message)
        if case .source(let file, let range)? = diagnostic.location { out += snippet(file, range, style) }
        for note in diagnostic.notes {
            out += header(note.location, label: style.severity(.note), message: note.message)
            if case .source(let file, let range)? = note.location { out += snippet(file, range, style) }
        }
        for fix in diagnostic.fixIts {
            out += style.severity(.note) + " " + describe(fix, in: diagnostic.location) + "\n"
        }
        return out
    }

    /// Several diagnostics, in order.
    public static func render(_ diagnostics: [Diagnostic], color: Bool = false) -> String {
        diagnostics.map { render($0, color: color) }.joined()
    }

    private static func header(_ location: Location?, label: String, message: String) -> String {
        switch location {
        case .source(let file, let range)?:
            let lc = file.lineColumn(of: range.start)
            return "\(file.name):\(lc.line):\(lc.column): \(label) \(message)\n"
        case .file(let path, let line, let column)?:
            return "\(path):\(line):\(column): \(label) \(message)\n"
        case .path(let path)?:
            return "\(path): \(label) \(message)\n"
        case nil:
            return "\(label) \(message)\n"
        }
    }

    /// The source line of the range's start with the caret line under it.
    static func snippet(_ file: SourceFile, _ range: SourceRange, _ style: Style) -> String {
        let start = min(max(0, range.start), file.bytes.count)
        let lineIndex = file.lineIndex(of: start)
        let lineNumber = lineIndex + 1
        let lineStart = file.lineStarts[lineIndex]
        let text = file.lineText(lineNumber)
        let lineBytes = Array(text.utf8)
        let startInLine = min(start - lineStart, lineBytes.count)
        let endInLine = min(max(range.end, start) - lineStart, lineBytes.count)

        let before = String(decoding: lineBytes[0..<startInLine], as: UTF8.self)
        let inside = String(decoding: lineBytes[startInLine..<endInLine], as: UTF8.self)
        let (shownBefore, column) = expandingTabs(before, from: 0)
        let (shownInside, endColumn) = expandingTabs(inside, from: column)
        let (shownAfter, _) = expandingTabs(String(decoding: lineBytes[endInLine...], as: UTF8.self), from: endColumn)

        let number = String(lineNumber)
        let gutter = "  " + String(repeating: " ", count: number.count) + " |"
        let underline = max(1, displayWidth(shownInside))
        let marks = "^" + String(repeating: "~", count: underline - 1)
        return "  \(number) | " + shownBefore + shownInside + shownAfter + "\n"
            + gutter + " " + String(repeating: " ", count: displayWidth(shownBefore)) + style.caret(marks) + "\n"
    }

    /// Text with tabs replaced by spaces to the next tab stop, and the display column
    /// after it, counting from `column`.
    private static func expandingTabs(_ text: String, from column: Int) -> (String, Int) {
        var out = ""
        var col = column
        for c in text {
            if c == "\t" {
                let n = tabWidth - col % tabWidth
                out += String(repeating: " ", count: n)
                col += n
            } else {
                out.append(c)
                col += displayWidth(c)
            }
        }
        return (out, col)
    }

    private static func describe(_ fix: FixIt, in location: Location?) -> String {
        var old = ""
        if case .source(let file, _)? = location { old = file.text(of: fix.range) }
        if fix.replacement.isEmpty && !old.isEmpty { return "fix: remove '\(old)'" }
        if fix.range.isEmpty { return "fix: insert '\(fix.replacement)'" }
        return "fix: replace with '\(fix.replacement)'"
    }
}

/// ANSI styling of diagnostics, or none.
struct Style {
    var enabled: Bool

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
    }

    /// `error:` in bold red, `warning:` in bold magenta, `note:` in bold cyan.
    func severity(_ s: Severity) -> String {
        switch s {
        case .error: wrap("error:", "1;31")
        case .warning: wrap("warning:", "1;35")
        case .note: wrap("note:", "1;36")
        }
    }

    func caret(_ text: String) -> String { wrap(text, "32") }
}
