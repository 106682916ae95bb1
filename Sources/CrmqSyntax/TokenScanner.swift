import CrmqSource
import CrmqDiagnostics

/// The lexer's working state: a cursor over the bytes of one file, the tokens made so
/// far, and what is needed to decide where a statement ends.
struct TokenScanner {
    let file: SourceFile
    let bytes: [UInt8]
    var pos = 0
    var tokens: [Token] = []
    var diagnostics: [Diagnostic] = []

    /// Open `(` count; a newline inside brackets does not end a statement, but a blank
    /// line does (the parser then reports the unclosed bracket), so one missing `)` does
    /// not swallow the rest of a script.
    var depth = 0
    /// A newline that will end the statement, unless the next token is `|`.
    var pendingEnd: SourceRange?
    /// Comment lines waiting for the first token of the next statement.
    var comments: [String] = []
    var atStatementStart = true
    var lineHasToken = false
    var lineHasComment = false
    /// `help` topics may be symbols such as `+` or `|`, so a help line never continues.
    var statementIsHelp = false

    init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    mutating func run() {
        while pos < bytes.count {
            switch bytes[pos] {
            case .space, .tab, .carriageReturn:
                pos += 1
            case .newline:
                newline()
            case .minus where byte(at: pos + 1) == .minus:
                comment()
            default:
                token()
            }
        }
        tokens.append(
            Token(kind: .endOfFile, range: .at(bytes.count), text: "", leadingComments: finishedComments()))
    }

    // MARK: Lines, comments and statement ends

    private mutating func newline() {
        let blank = !lineHasToken && !lineHasComment
        if blank && !comments.isEmpty {
            // A blank line inside a run of comments is a paragraph break in a notebook.
            comments.append("")
        }
        if blank, depth > 0, let last = tokens.last, last.kind != .statementEnd {
            endStatement(at: SourceRange(pos, pos + 1), text: "\n")
        }
        if pendingEnd == nil, depth == 0, let last = tokens.last, last.kind != .statementEnd,
            statementIsHelp || !Self.continuesLine(last)
        {
            pendingEnd = SourceRange(pos, pos + 1)
        }
        pos += 1
        lineHasToken = false
        lineHasComment = false
    }

    private mutating func comment() {
        let start = pos + 2
        var end = start
        while end < bytes.count, bytes[end] != .newline { end += 1 }
        var textEnd = end
        if textEnd > start, bytes[textEnd - 1] == .carriageReturn { textEnd -= 1 }
        // A comment after code on the same line is a remark on that code, not prose.
        if !lineHasToken {
            var text = file.text(of: SourceRange(start, textEnd))
            if text.hasPrefix(" ") { text.removeFirst() }
            comments.append(text)
            lineHasComment = true
        }
        pos = end
    }

    private mutating func finishedComments() -> [String] {
        while comments.last == "" { comments.removeLast() }
        defer { comments = [] }
        return comments
    }

    /// Whether a line ending in `token` goes on: a trailing `|`, or a trailing comma (a list
    /// of items, which no statement can end with). A line ending in another operator still
    /// ends the statement, so the mistake is reported on its own line instead of
    /// swallowing the next statement.
    static func continuesLine(_ token: Token) -> Bool {
        token.kind == .symbol(.pipe) || token.kind == .symbol(.comma)
    }

    private mutating func endStatement(at range: SourceRange, text: String) {
        pendingEnd = nil
        depth = 0
        atStatementStart = true
        statementIsHelp = false
        guard let last = tokens.last, last.kind != .statementEnd else { return }
        tokens.append(Token(kind: .statementEnd, range: range, text: text))
    }

    // MARK: Tokens

    private mutating func token() {
        let first = bytes[pos]
        if let end = pendingEnd {
            if first == .pipe {
                pendingEnd = nil
            } else {
                endStatement(at: end, text: "\n")
            }
        }
        if first == .semicolon {
            endStatement(at: SourceRange(pos, pos + 1), text: ";")
            pos += 1
            lineHasToken = true
            return
        }
        let start = pos
        let kind = scanToken()
        let range = SourceRange(start, pos)
        let isStart = atStatementStart
        let leading = isStart ? finishedComments() : []
        if !isStart { comments = [] }
        let text = file.text(of: range)
        tokens.append(Token(kind: kind, range: range, text: text, leadingComments: leading))
        if isStart, kind == .identifier, text.lowercased() == "help" { statementIsHelp = true }
        atStatementStart = false
        lineHasToken = true
    }

    /// Scans one token starting at `pos`, leaving `pos` after it.
    private mutating func scanToken() -> TokenKind {
        let b = bytes[pos]
        if b == .dot, atStatementStart, isIdentifierStart(at: pos + 1) {
            // A session command runs to the end of the line or to a `;` outside double
            // quotes (which group an argument), where the statement ends as usual.
            let start = pos
            var quoted = false
            while pos < bytes.count, bytes[pos] != .newline {
                if bytes[pos] == .doubleQuote { quoted.toggle() }
                if bytes[pos] == .semicolon && !quoted { break }
                pos += 1
            }
            let atSemicolon = pos < bytes.count && bytes[pos] == .semicolon
            while pos > start + 1, bytes[pos - 1] == .carriageReturn
                || (atSemicolon && (bytes[pos - 1] == .space || bytes[pos - 1] == .tab))
            {
                pos -= 1
            }
            return .dotCommand
        }
        if b == .dot, statementIsHelp, isIdentifierStart(at: pos + 1) {
            // `help .mode`: a session command's name as a help topic.
            pos += 1
            scanIdentifierTail()
            return .identifier
        }
        if isDigit(b) || (b == .dot && isDigit(byte(at: pos + 1))) { return scanNumber() }
        if b == .doubleQuote || b == .singleQuote { return scanString() }
        if b == .backquote { return scanQuotedName() }
        if isIdentifierStart(at: pos) {
            let start = pos
            scanIdentifierTail()
            let word = file.text(of: SourceRange(start, pos)).lowercased()
            if let keyword = Keyword(rawValue: word) { return .keyword(keyword) }
            return .identifier
        }
        if let symbol = scanSymbol() {
            if symbol == .leftParen { depth += 1 }
            if symbol == .rightParen { depth = max(0, depth - 1) }
            return .symbol(symbol)
        }
        let (scalar, length) = decodeScalar(at: pos)
        let range = SourceRange(pos, pos + length)
        pos += length
        diagnostics.append(Diagnostic(LexMessage.unexpectedCharacter(String(scalar)), in: file, at: range))
        return .invalid
    }

    private mutating func scanIdentifierTail() {
        while pos < bytes.count {
            let (scalar, length) = decodeScalar(at: pos)
            guard isIdentifierContinue(scalar) else { break }
            pos += length
        }
    }

    // number := digits [ '.' digits ] [ ('e'|'E') ['+'|'-'] digits ] | '.' digits [exponent]
    private mutating func scanNumber() -> TokenKind {
        let start = pos
        var isDecimal = false
        skipDigits()
        if byte(at: pos) == .dot, isDigit(byte(at: pos + 1)) {
            isDecimal = true
            pos += 1
            skipDigits()
        }
        if byte(at: pos) == .lowerE || byte(at: pos) == .upperE {
            var next = pos + 1
            if byte(at: next) == .plus || byte(at: next) == .minus { next += 1 }
            if isDigit(byte(at: next)) {
                isDecimal = true
                pos = next
                skipDigits()
            }
        }
        if isDecimal { return .decimal }
        let text = file.text(of: SourceRange(start, pos))
        if Int64(text) == nil {
            diagnostics.append(Diagnostic(LexMessage.integerTooLarge(text), in: file, at: SourceRange(start, pos)))
        }
        return .integer
    }

    private mutating func skipDigits() {
        while isDigit(byte(at: pos)) { pos += 1 }
    }

    private mutating func scanString() -> TokenKind {
        let start = pos
        let quote = bytes[pos]
        pos += 1
        while pos < bytes.count {
            let b = bytes[pos]
            if b == quote {
                pos += 1
                return .string
            }
            if b == .newline { break }
            if b == .backslash, byte(at: pos + 1) != .newline, pos + 1 < bytes.count {
                pos += 2
                continue
            }
            pos += 1
        }
        if pos > start + 1, bytes[pos - 1] == .carriageReturn { pos -= 1 }
        // The string swallowed the rest of the line, brackets included; reopening
        // them on the next line would glue the following statement to this one.
        depth = 0
        diagnostics.append(Diagnostic(LexMessage.unterminatedString, in: file, at: SourceRange(start, start + 1)))
        return .string
    }

    private mutating func scanQuotedName() -> TokenKind {
        let start = pos
        pos += 1
        while pos < bytes.count, bytes[pos] != .newline {
            if bytes[pos] == .backquote {
                pos += 1
                return .identifier
            }
            pos += 1
        }
        if pos > start + 1, bytes[pos - 1] == .carriageReturn { pos -= 1 }
        depth = 0
        diagnostics.append(Diagnostic(LexMessage.unterminatedQuotedName, in: file, at: SourceRange(start, start + 1)))
        return .identifier
    }

    private mutating func scanSymbol() -> Symbol? {
        let next = byte(at: pos + 1)
        let (symbol, length): (Symbol?, Int) =
            switch bytes[pos] {
            case .pipe: (.pipe, 1)
            case .comma: (.comma, 1)
            case .leftParen: (.leftParen, 1)
            case .rightParen: (.rightParen, 1)
            case .plus: (.plus, 1)
            case .minus: (.minus, 1)
            case .star: (.star, 1)
            case .slash: (.slash, 1)
            case .percent: (.percent, 1)
            case .equal: next == .equal ? (.equalEqual, 2) : (.equal, 1)
            case .bang: next == .equal ? (.bangEqual, 2) : (nil, 0)
            case .less:
                next == .equal ? (.lessEqual, 2) : next == .greater ? (.lessGreater, 2) : (.less, 1)
            case .greater: next == .equal ? (.greaterEqual, 2) : (.greater, 1)
            default: (nil, 0)
            }
        pos += length
        return symbol
    }

    // MARK: Characters

    private func byte(at offset: Int) -> UInt8 {
        offset < bytes.count ? bytes[offset] : 0
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= .zero && b <= .nine }

    private func isIdentifierStart(at offset: Int) -> Bool {
        guard offset < bytes.count else { return false }
        let b = bytes[offset]
        if b < 0x80 { return b == .underscore || isASCIILetter(b) }
        return decodeScalar(at: offset).0.properties.isAlphabetic
    }

    private func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let b = UInt8(scalar.value)
            return b == .underscore || isASCIILetter(b) || isDigit(b)
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .decimalNumber: return true
        default: return properties.isAlphabetic
        }
    }

    private func isASCIILetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    /// The scalar starting at `offset` and its length in bytes; a malformed
    /// sequence counts as one replacement character per byte.
    private func decodeScalar(at offset: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[offset]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, offset + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var decoder = UTF8()
        var iterator = bytes[offset..<(offset + length)].makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return (scalar, length) }
        return ("\u{FFFD}", 1)
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let semicolon = UInt8(ascii: ";")
    static let pipe = UInt8(ascii: "|")
    static let comma = UInt8(ascii: ",")
    static let leftParen = UInt8(ascii: "(")
    static let rightParen = UInt8(ascii: ")")
    static let star = UInt8(ascii: "*")
    static let slash = UInt8(ascii: "/")
    static let percent = UInt8(ascii: "%")
    static let equal = UInt8(ascii: "=")
    static let bang = UInt8(ascii: "!")
    static let less = UInt8(ascii: "<")
    static let greater = UInt8(ascii: ">")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let backquote = UInt8(ascii: "`")
    static let backslash = UInt8(ascii: "\\")
    static let underscore = UInt8(ascii: "_")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
}
