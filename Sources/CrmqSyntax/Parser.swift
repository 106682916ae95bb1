import CrmqSource
import CrmqDiagnostics

/// Parses a whole source text into statements, recovering from errors so that
/// several independent problems are reported in one pass.
public enum Parser {
    /// The script (with every statement that parsed without error) and the
    /// diagnostics found, lexical ones included, in source order.
    public static func parse(_ file: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        let (tokens, lexical) = Lexer.tokenize(file)
        var parser = ParserState(file: file, tokens: tokens, lexicalErrors: lexical.compactMap(\.sourceRange))
        let script = parser.parseScript()
        // A lexical error in text the parser skipped after its own earlier error is a
        // consequence of that error (`load customers.csv`: the '.' is not news).
        let skipped = SortedRanges(parser.skipped)
        let independent = lexical.filter { d in
            guard let at = d.sourceRange?.start else { return true }
            return !skipped.containsStrictly(at)
        }
        let all = (independent + parser.diagnostics).enumerated().sorted {
            let a = $0.element.sourceRange?.start ?? 0, b = $1.element.sourceRange?.start ?? 0
            return a != b ? a < b : $0.offset < $1.offset
        }
        return (script, all.map(\.element))
    }
}

/// Thrown after a parse error has been reported, to unwind to the nearest recovery
/// point (the stage or the statement). Carries nothing: the diagnostic is already recorded.
struct ParseAbort: Error {}

/// The operators a pipeline stage may name, for "did you mean" notes and completion.
public let stageOperators = ["where", "select", "extend", "sort", "take", "top", "count", "summarize", "join", "distinct", "chart", "window"]

/// The words that start a statement other than a query.
public let statementWords = ["let", "load", "save", "set", "help", "explain"]

/// The parser's cursor over one file's tokens, with the diagnostics found so far.
struct ParserState {
    let file: SourceFile
    let tokens: [Token]
    /// Ranges of lexical errors: a statement touching one is reported, not kept.
    let lexicalErrors: [SourceRange]
    /// Tokens the lexer already reported as broken (an unterminated string swallows the
    /// rest of its line): a parse error at or inside one is a consequence, not news.
    let damagedTokens: [SourceRange]
    var index = 0
    var diagnostics: [Diagnostic] = []
    /// Where the last error was reported, until recovery records what it skipped.
    var lastErrorStart: Int?
    /// Source skipped by recovery, each from an error to where parsing resumed.
    var skipped: [SourceRange] = []
    /// The last consumed token, for "after 'where'" and carets at the end of a line.
    var previous: Token?
    /// Current recursion depth through brackets and prefix operators.
    var nesting = 0
    /// Deep enough for any real query, shallow enough not to exhaust the stack.
    static let maximumNesting = 200
    /// Stages of one pipeline; far more than any real query has.
    static let maximumStages = 500

    init(file: SourceFile, tokens: [Token], lexicalErrors: [SourceRange]) {
        self.file = file
        self.tokens = tokens
        self.lexicalErrors = lexicalErrors.sorted { $0.start < $1.start }
        let errorStarts = Set(lexicalErrors.map(\.start))
        self.damagedTokens = tokens.filter { errorStarts.contains($0.range.start) }.map(\.range)
    }

    // MARK: Cursor

    var current: Token { tokens[index] }

    func peek(_ distance: Int = 1) -> Token { tokens[min(index + distance, tokens.count - 1)] }

    var previousEnd: Int { previous?.range.end ?? 0 }

    /// At a statement end or the end of input.
    var isAtEnd: Bool { Self.endsStatement(current) }

    static func endsStatement(_ token: Token) -> Bool {
        token.kind == .statementEnd || token.kind == .endOfFile
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .endOfFile { index += 1 }
        previous = token
        return token
    }

    func isSymbol(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }

    func isKeyword(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

    /// Whether the current token is the contextual word `word` (case-insensitive, not backquoted).
    func isWord(_ word: String) -> Bool { Self.isWord(current, word) }

    static func isWord(_ token: Token, _ word: String) -> Bool {
        token.kind == .identifier && !token.text.hasPrefix("`") && token.text.lowercased() == word
    }

    mutating func eat(_ symbol: Symbol) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func eatWord(_ word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    // MARK: Errors

    /// Records `message` at `culprit` (the current token by default) and returns the
    /// abort to throw. An invalid token was already reported by the lexer, so an error
    /// it causes is not reported twice.
    mutating func fail(_ message: ParseMessage, at culprit: Token? = nil, notes: [Note] = []) -> ParseAbort {
        let token = culprit ?? current
        var message = message, notes = notes
        if token.kind == .statementEnd, token.text == "\n", let open = unclosedBracket(before: token) {
            // A line end inside brackets ends a statement only at a blank line: whatever
            // else is unfinished there, the bracket left open is the mistake to report.
            message = .expectedClosingParen
            notes = [Note("to close '(' here", at: .source(file, open.range))]
        }
        let caret = caretRange(for: token)
        lastErrorStart = caret.start
        let damaged = isDamaged(caret.start)
        if token.kind != .invalid && !damaged {
            diagnostics.append(Diagnostic(message, in: file, at: caret, notes: notes))
        }
        return ParseAbort()
    }

    /// Whether `offset` is at or inside a damaged token. The ranges are in source order and
    /// apart, so bisection finds the last starting at or before it: garbage input makes
    /// thousands of both damaged tokens and errors, and a scan per error was quadratic.
    func isDamaged(_ offset: Int) -> Bool {
        let after = damagedTokens.partitioningIndex { $0.start > offset }
        return after > 0 && offset <= damagedTokens[after - 1].end
    }

    /// The innermost `(` of `end`'s statement that is still open at `end`.
    func unclosedBracket(before end: Token) -> Token? {
        // Tokens are in source order: the first at or after `end`, by bisection.
        var low = 0, high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            if tokens[mid].range.start < end.range.start { low = mid + 1 } else { high = mid }
        }
        var i = low
        var closers = 0
        while i > 0 {
            i -= 1
            let t = tokens[i]
            switch t.kind {
            case .statementEnd: return nil
            case .symbol(.rightParen): closers += 1
            case .symbol(.leftParen):
                if closers == 0 { return t }
                closers -= 1
            default: break
            }
        }
        return nil
    }

    /// Where the caret goes for `token`: right after the previous token when the line
    /// ended, so "expected X" points at the gap rather than at the next line.
    func caretRange(for token: Token) -> SourceRange {
        if token.kind == .endOfFile || (token.kind == .statementEnd && token.text != ";") {
            return .at(previousEnd)
        }
        return token.range
    }

    /// How a token is named in messages: "end of line", "'|'", "name 'foo'", ...
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfFile: return "end of input"
        case .statementEnd: return token.text == ";" ? "';'" : "end of line"
        case .identifier: return "name '\(Lexer.identifierName(of: token.text))'"
        case .integer, .decimal: return "number \(token.text)"
        case .string:
            let value = Lexer.stringValue(of: token.text)
            return "string \"\(value.count > 30 ? value.prefix(30) + "..." : value)\""
        case .keyword, .symbol, .invalid: return "'\(token.text)'"
        case .dotCommand: return "command '\(token.text.split(separator: " ").first ?? "")'"
        }
    }

    /// The previous token as the "after ..." part of a message.
    var afterPrevious: String {
        guard let previous else { return "the start" }
        switch previous.kind {
        case .identifier, .keyword, .symbol: return "'\(previous.text)'"
        default: return describe(previous)
        }
    }

    /// The source text from `start` to the end of the last consumed token, quoted.
    func quotedText(from start: Int) -> String {
        "'\(file.text(of: SourceRange(start, previousEnd)))'"
    }

    /// A new expression node, unless its tree is deeper than the nesting limit: a chain
    /// such as `1 + 1 + ... + 1` is as deep as it is long, though not nested in brackets,
    /// and the checker and executor recurse over the tree.
    mutating func node(_ kind: ExprKind, range: SourceRange) throws(ParseAbort) -> Expr {
        let e = Expr(kind, range: range)
        guard e.depth <= Self.maximumNesting else { throw fail(.nestedTooDeeply) }
        return e
    }

    /// Runs `body` one nesting level deeper, failing once the limit is passed.
    mutating func nested<T>(_ body: (inout ParserState) throws(ParseAbort) -> T) throws(ParseAbort) -> T {
        guard nesting < Self.maximumNesting else { throw fail(.nestedTooDeeply) }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    // MARK: Recovery

    /// Skips the rest of the statement (panic mode after an error outside a stage).
    mutating func skipToStatementEnd() {
        while !isAtEnd { advance() }
        noteSkipped()
    }

    /// Records the text from the last error to the recovery point as skipped.
    private mutating func noteSkipped() {
        if let start = lastErrorStart { skipped.append(SourceRange(start, current.range.start)) }
        lastErrorStart = nil
    }

    /// Skips the rest of a failed stage that began at token `start`: up to the next `|`
    /// at its bracket depth, the statement end, or, in a parenthesised pipeline, the `)`
    /// that closes it.
    mutating func skipStage(from start: Int, nested: Bool) {
        var depth = 0
        for token in tokens[start..<index] {
            if token.kind == .symbol(.leftParen) { depth += 1 }
            if token.kind == .symbol(.rightParen) { depth = max(0, depth - 1) }
        }
        defer { noteSkipped() }
        while !isAtEnd {
            switch current.kind {
            case .symbol(.pipe) where depth == 0:
                return
            case .symbol(.leftParen):
                depth += 1
            case .symbol(.rightParen):
                if depth == 0 && nested { return }
                depth = max(0, depth - 1)
            default:
                break
            }
            advance()
        }
    }

    /// Whether a lexical error lies inside `range`.
    func hasLexicalError(in range: SourceRange) -> Bool {
        let first = lexicalErrors.partitioningIndex { $0.start >= range.start }
        return first < lexicalErrors.count && lexicalErrors[first].start < max(range.end, range.start + 1)
    }
}

/// Ranges sorted by start, asked whether one holds an offset strictly inside, in log time:
/// garbage input makes thousands of both ranges and questions.
struct SortedRanges {
    private let ranges: [SourceRange]
    /// The largest end among ranges[0...i]: a range holding an offset starts before it.
    private let reach: [Int]

    init(_ ranges: [SourceRange]) {
        self.ranges = ranges.sorted { $0.start < $1.start }
        var reach: [Int] = []
        reach.reserveCapacity(self.ranges.count)
        for r in self.ranges { reach.append(max(reach.last ?? Int.min, r.end)) }
        self.reach = reach
    }

    /// Whether some range has start < offset < end.
    func containsStrictly(_ offset: Int) -> Bool {
        let after = ranges.partitioningIndex { $0.start >= offset }
        return after > 0 && offset < reach[after - 1]
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for a predicate false on a prefix
    /// of the array and true on the rest (bisection).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

extension Diagnostic {
    /// The source range this diagnostic points at, if it points into source text.
    var sourceRange: SourceRange? {
        if case .source(_, let range) = location { return range }
        return nil
    }
}
