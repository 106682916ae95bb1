import CrmqSource
import CrmqDiagnostics

/// Turns source text into tokens, deciding where statements end and which comment
/// lines belong to which statement.
public enum Lexer {
    /// Every token of `file`, always ending with one `endOfFile` token, and the lexical errors.
    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var scanner = TokenScanner(file: file)
        scanner.run()
        return (scanner.tokens, scanner.diagnostics)
    }

    /// What keeps a REPL entry open after its last line, nil when it is finished: the
    /// REPL asks for another line and its continuation prompt names this. `text` is the
    /// lines typed so far, without the last one's line end. A blank line inside a bracket
    /// ends the statement (the parser then reports the bracket), as in a script. A string
    /// never keeps an entry open: strings end at their line's end, so the next line could
    /// not close one, and the "unterminated string" error comes at once.
    public static func openConstruct(_ text: String) -> OpenConstruct? {
        var scanner = TokenScanner(file: SourceFile(name: "<repl>", text: text + "\n"))
        scanner.run()
        if scanner.depth > 0 { return .bracket }
        let meaningful = scanner.tokens.last { $0.kind != .endOfFile }
        guard let last = meaningful, last.kind != .statementEnd, !scanner.statementIsHelp else { return nil }
        switch last.kind {
        case .symbol(.pipe): return .pipe
        case .symbol(.comma): return .comma
        default: return nil
        }
    }

    /// Whether `text` is a finished entry, or the REPL should ask for another line
    /// (`openConstruct`).
    public static func isComplete(_ text: String) -> Bool {
        openConstruct(text) == nil
    }

    /// The value of a string token: quotes removed, escapes decoded. An unterminated
    /// string (already reported) yields what was written up to the end of its line.
    static func stringValue(of text: String) -> String {
        var chars = Array(text)
        guard let quote = chars.first else { return "" }
        chars.removeFirst()
        if chars.count >= 1, chars.last == quote, !endsWithEscape(chars.dropLast()) { chars.removeLast() }
        var value = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let next = chars[i + 1]
                switch next {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\"", "'", "\\": value.append(next)
                // An unknown escape is kept as written, so Windows paths survive.
                default: value.append(c); value.append(next)
                }
                i += 2
            } else {
                value.append(c)
                i += 1
            }
        }
        return value
    }

    private static func endsWithEscape(_ chars: ArraySlice<Character>) -> Bool {
        var backslashes = 0
        for c in chars.reversed() {
            guard c == "\\" else { break }
            backslashes += 1
        }
        return backslashes % 2 == 1
    }

    /// The name an identifier token stands for: backquotes removed.
    static func identifierName(of text: String) -> String {
        guard text.hasPrefix("`") else { return text }
        var name = text.dropFirst()
        if name.hasSuffix("`") { name = name.dropLast() }
        return String(name)
    }
}

/// What an unfinished entry is waiting for (`Lexer.openConstruct`).
public enum OpenConstruct: Sendable, Equatable {
    /// A `(` not yet closed.
    case bracket
    /// The last line ends with `|`: the next stage is to come.
    case pipe
    /// The last line ends with a comma: the next item of a list is to come.
    case comma

    /// The character that is open, as the continuation prompt shows it.
    public var symbol: String {
        switch self {
        case .bracket: "("
        case .pipe: "|"
        case .comma: ","
        }
    }
}
