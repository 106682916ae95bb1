import CrmqSource

/// The kinds of token. Keywords are recognised case-insensitively by the lexer;
/// identifiers keep their case (column and table names are case-sensitive).
public enum TokenKind: Hashable, Sendable {
    case identifier
    case integer        // 42
    case decimal        // 4.2, .5, 1e3
    case string         // "text" with \" \\ \n \t escapes (single quotes also accepted)
    case keyword(Keyword)
    case symbol(Symbol)
    /// A `.command args...` line: the whole line is one token (REPL and script session commands).
    case dotCommand
    /// Ends a statement: a newline outside brackets not followed by a `|` line, or `;`.
    case statementEnd
    case endOfFile
    /// A character that starts no token; the lexer reports it and goes on.
    case invalid
}

/// The only reserved words: those of expressions. Statement words (`let`, `load`,
/// `save`, `set`, `help`, `to`, `as`) and operator words (`where`, `by`, `on`, `kind`,
/// `asc`, `desc`, ...) are contextual identifiers, so a column may still be called
/// `kind`, `count` or `date` (the data model has such columns).
public enum Keyword: String, CaseIterable, Sendable {
    case and, or, not, `in`, between, `is`, null, `true`, `false`
}

public enum Symbol: String, CaseIterable, Sendable {
    case pipe = "|"
    case comma = ","
    case leftParen = "("
    case rightParen = ")"
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    case percent = "%"
    case equalEqual = "=="
    case equal = "="
    case bangEqual = "!="
    case lessGreater = "<>"
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
}

/// One token with its byte range. `text` is the raw source text (for strings, with quotes).
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var range: SourceRange
    public var text: String
    /// Comment lines (`-- ...`, without the dashes) directly above this token, when
    /// it starts a statement: the statement's prose in a notebook.
    public var leadingComments: [String]

    public init(kind: TokenKind, range: SourceRange, text: String, leadingComments: [String] = []) {
        self.kind = kind
        self.range = range
        self.text = text
        self.leadingComments = leadingComments
    }
}
