import Foundation
import Ink

/// Notebook prose (Markdown) as HTML, through Ink: headings, paragraphs, lists, emphasis,
/// code, links, block quotes and tables. Everything that is not Markdown is text: raw HTML
/// in the prose is escaped, links keep only `http`, `https`, `mailto`, relative and `#`
/// targets, and images become links (a notebook loads nothing from outside).
public enum ProseHTML {
    /// Stands in for `<` while Ink parses, so that Ink never sees HTML; it becomes `&lt;`
    /// after, in text, code and link targets alike. A private-use character that prose
    /// does not contain (one that does is kept as its character reference).
    private static let lessThan: Character = "\u{F8FF}"
    /// Stands in for a `[` nested deeper than `maxBracketDepth`, which Ink then reads as
    /// text: Ink tries every `[` as the start of a link, and its time grows exponentially
    /// with the nesting (a line of 100 `[` never finished). Markdown needs no deeper
    /// nesting than a link inside an image.
    private static let deepBracket: Character = "\u{F8FE}"
    static let maxBracketDepth = 2

    /// `text` with each `[` nested deeper than `maxBracketDepth` replaced by `deepBracket`.
    static func flatteningDeepBrackets(_ text: String) -> String {
        var depth = 0
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "[":
                depth += 1
                out.append(depth > maxBracketDepth ? deepBracket : c)
            case "]":
                depth = max(0, depth - 1)
                out.append(c)
            case "\n" where out.hasSuffix("\n"):
                depth = 0  // a blank line ends the paragraph and any link in it
                out.append(c)
            default:
                out.append(c)
            }
        }
        return out
    }

    public static func html(_ markdownLines: [String]) -> String {
        html(joiningCodeLines(markdownLines).joined(separator: "\n"))
    }

    /// Ink ends a paragraph at a line that starts with a code span; such a line continues
    /// the paragraph above it, so it is joined to it (fenced blocks are left as they are).
    static func joiningCodeLines(_ lines: [String]) -> [String] {
        var out: [String] = []
        var inFence = false
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
            } else if !inFence, trimmed.hasPrefix("`"), let previous = out.last,
                !previous.trimmingCharacters(in: .whitespaces).isEmpty, !previous.hasSuffix("  "),
                !previous.drop(while: { $0 == " " }).hasPrefix("```")
            {
                out[out.count - 1] = previous + " " + trimmed
                continue
            }
            out.append(line)
        }
        return out
    }

    public static func html(_ markdown: String) -> String {
        // Lines of nothing but spaces or tabs are blank lines to Markdown; Ink 0.6 reads past
        // the end of the text on one after a list item ("- a", then " "), which the
        // statements fuzzer found, so they are made empty first.
        let blanked = markdown.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.allSatisfy { $0 == " " || $0 == "\t" } ? "" : line }
            .joined(separator: "\n")
        var input = withoutMetadata(blanked).replacingOccurrences(of: String(lessThan), with: "&#xF8FF;")
            .replacingOccurrences(of: String(deepBracket), with: "&#xF8FE;")
        input = flatteningDeepBrackets(input.replacingOccurrences(of: "<", with: String(lessThan)))
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .links) { html, markdown in link(html: html, markdown: markdown) })
        parser.addModifier(Modifier(target: .images) { _, markdown in image(markdown: markdown) })
        // Ink lets `<` through as HTML; with `<` replaced none reaches here, but be sure.
        parser.addModifier(Modifier(target: .html) { _, markdown in escape(String(markdown)) })
        let out = parser.html(from: input)
        return out.replacingOccurrences(of: String(lessThan), with: "&lt;")
            .replacingOccurrences(of: String(deepBracket), with: "[")
    }

    /// The text with a first line of exactly `---` written `***`, the same horizontal rule. Ink
    /// 0.6 reads such a line as the start of a metadata block, and traps reading past the end
    /// of the text when only blank space follows it (found by the statements fuzzer); prose
    /// has no metadata.
    static func withoutMetadata(_ markdown: String) -> String {
        // Ink skips leading white space (newlines too) before it looks for the block.
        guard let start = markdown.firstIndex(where: { !$0.isWhitespace }), markdown[start...].hasPrefix("---\n")
        else { return markdown }
        return markdown.replacingCharacters(in: start..<markdown.index(start, offsetBy: 3), with: "***")
    }

    /// `<a href="URL">text</a>` with the URL checked and escaped for an attribute.
    private static func link(html: String, markdown: Substring) -> String {
        guard let url = target(ofLink: markdown) else { return html }
        let prefix = "<a href=\"\(url)\">"
        guard html.hasPrefix(prefix), html.hasSuffix("</a>") else { return html }
        let text = html.dropFirst(prefix.count).dropLast(4)
        guard let safe = safeURL(url) else { return "<span class=\"link\">\(text)</span>" }
        return "<a href=\"\(safe)\">\(text)</a>"
    }

    /// An image is not loaded: its alternative text becomes a link to it.
    private static func image(markdown: Substring) -> String {
        guard markdown.hasPrefix("!"), let url = target(ofLink: markdown.dropFirst()) else {
            return escape(String(markdown))
        }
        var alt = markdown.dropFirst(2)
        if let close = alt.firstIndex(of: "]") { alt = alt[..<close] }
        let text = escape(String(alt).replacingOccurrences(of: String(lessThan), with: "<"))
        let label = text.isEmpty ? "image" : text
        guard let safe = safeURL(url) else { return label }
        return "<a href=\"\(safe)\">\(label)</a>"
    }

    /// The target of `[text](target)`, as Ink read it; nil for reference links.
    private static func target(ofLink markdown: Substring) -> Substring? {
        guard markdown.hasSuffix(")") else { return nil }
        var depth = 0
        var i = markdown.startIndex
        while i < markdown.endIndex {
            switch markdown[i] {
            case "[": depth += 1
            case "]":
                depth -= 1
                let next = markdown.index(after: i)
                if depth == 0, next < markdown.endIndex, markdown[next] == "(" {
                    return markdown[markdown.index(after: next)..<markdown.index(before: markdown.endIndex)]
                }
            default: break
            }
            i = markdown.index(after: i)
        }
        return nil
    }

    /// The URL escaped for an attribute, or nil when its scheme could run something.
    static func safeURL(_ url: Substring) -> String? {
        let raw = url.replacingOccurrences(of: String(lessThan), with: "<")
            .trimmingCharacters(in: .whitespaces)
        let lower = raw.lowercased()
        if let colon = lower.firstIndex(of: ":") {
            let scheme = lower[..<colon]
            let isScheme = scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
            if isScheme, !["http", "https", "mailto"].contains(String(scheme)) { return nil }
        }
        return escapeAttribute(raw)
    }

    /// Text for HTML content: `&`, `<`, `>` as character references.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Text for an attribute value in double quotes.
    public static func escapeAttribute(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
