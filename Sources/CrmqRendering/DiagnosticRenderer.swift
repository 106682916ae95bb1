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

    /// The source line of the range's start with the caret line under it. A line longer
    /// than `wholeLineBytes` is shown as a window around the range (`…` where it is cut):
    /// at most `contextCharacters` before the range, `rangeCharacters` of it and
    /// `contextCharacters` after, so a diagnostic costs the same on a line of any length.
    static func snippet(_ file: SourceFile, _ range: SourceRange, _ style: Style) -> String {
        let bytes = file.bytes
        let start = min(max(0, range.start), bytes.count)
        let lineIndex = file.lineIndex(of: start)
        let lineNumber = lineIndex + 1
        let lineStart = file.lineStarts[lineIndex]
        var lineEnd = lineIndex + 1 < file.lineStarts.count ? file.lineStarts[lineIndex + 1] - 1 : bytes.count
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        lineEnd = max(lineEnd, lineStart)
        let rangeStart = min(start, lineEnd)
        let rangeEnd = min(max(range.end, start), lineEnd)

        if lineEnd - lineStart <= wholeLineBytes {
            let (shownBefore, column) = expandingTabs(window(bytes, from: lineStart, to: rangeStart).text, from: 0)
            let (shownInside, endColumn) = expandingTabs(window(bytes, from: rangeStart, to: rangeEnd).text, from: column)
            let (shownAfter, _) = expandingTabs(window(bytes, from: rangeEnd, to: lineEnd).text, from: endColumn)
            return lines(lineNumber, shownBefore, shownInside, shownAfter, style)
        }
        // Only a bounded slice of bytes on each side is decoded: a character is at most a
        // few bytes, except for long grapheme clusters, which are simply cut.
        let byteWindow = 4 * (contextCharacters + rangeCharacters)
        let before = window(bytes, from: max(lineStart, rangeStart - byteWindow), to: rangeStart)
        let inside = window(bytes, from: rangeStart, to: min(rangeEnd, rangeStart + byteWindow))
        let after = window(bytes, from: rangeEnd, to: min(lineEnd, rangeEnd + byteWindow))

        var beforeText = before.text
        if before.text.count > contextCharacters {
            beforeText = "…" + String(before.text.suffix(contextCharacters))
        } else if before.cut {
            beforeText = "…" + before.text
        }
        var insideText = inside.text
        var insideCut = rangeEnd > rangeStart + byteWindow
        if insideText.count > rangeCharacters {
            insideText = String(insideText.prefix(rangeCharacters))
            insideCut = true
        }
        var afterText = after.text
        if insideCut {
            afterText = "…"
        } else if after.text.count > contextCharacters || lineEnd > rangeEnd + byteWindow {
            afterText = String(after.text.prefix(contextCharacters)) + "…"
        }

        let (shownBefore, column) = expandingTabs(beforeText, from: 0)
        let (shownInside, endColumn) = expandingTabs(insideText, from: column)
        let (shownAfter, _) = expandingTabs(afterText, from: endColumn)
        return lines(lineNumber, shownBefore, shownInside, shownAfter, style)
    }

    /// The numbered source line and the caret line under the range.
    private static func lines(_ lineNumber: Int, _ shownBefore: String, _ shownInside: String, _ shownAfter: String, _ style: Style) -> String {
        let number = String(lineNumber)
        let gutter = "  " + String(repeating: " ", count: number.count) + " |"
        let underline = max(1, displayWidth(shownInside))
        let marks = "^" + String(repeating: "~", count: underline - 1)
        return "  \(number) | " + shownBefore + shownInside + shownAfter + "\n"
            + gutter + " " + String(repeating: " ", count: displayWidth(shownBefore)) + style.caret(marks) + "\n"
    }

    /// Lines up to this many bytes are shown whole.
    static let wholeLineBytes = 240
    /// Characters of a long line shown on each side of a diagnostic's range.
    static let contextCharacters = 60
    /// Characters of a long range underlined.
    static let rangeCharacters = 80

    /// The bytes `from..<to` as text, moved forward off UTF-8 continuation bytes at the
    /// start when the slice begins inside a line (`cut`).
    private static func window(_ bytes: [UInt8], from: Int, to: Int) -> (text: String, cut: Bool) {
        guard from < to else { return ("", false) }
        var lo = from
        let cut = from > 0 && bytes[from - 1] != UInt8(ascii: "\n")
        if cut { while lo < to, bytes[lo] & 0xC0 == 0x80 { lo += 1 } }
        return (String(decoding: bytes[lo..<to], as: UTF8.self), cut)
    }

    /// Text with tabs replaced by spaces to the next tab stop, and the display column
    /// after it, counting from `column`.
    private static func expandingTabs(_ text: String, from column: Int) -> (String, Int) {
        if isPrintableASCII(text) { return (text, column + text.utf8.count) }
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
