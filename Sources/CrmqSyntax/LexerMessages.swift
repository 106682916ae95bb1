import CrmqDiagnostics

/// The lexer's messages: problems in the characters themselves, found before any grammar applies.
public enum LexMessage: DiagnosticMessage, Equatable {
    case unterminatedString
    case unterminatedQuotedName
    case unexpectedCharacter(String)
    case integerTooLarge(String)

    public var id: String {
        switch self {
        case .unterminatedString: "lex.unterminated-string"
        case .unterminatedQuotedName: "lex.unterminated-quoted-name"
        case .unexpectedCharacter: "lex.unexpected-character"
        case .integerTooLarge: "lex.integer-too-large"
        }
    }

    public var message: String {
        switch self {
        case .unterminatedString: "unterminated string"
        case .unterminatedQuotedName: "unterminated quoted name: a name that starts with '`' must end with '`' on the same line"
        case .unexpectedCharacter(let c): "unexpected character '\(c)'"
        case .integerTooLarge(let text): "integer literal '\(text)' is too large"
        }
    }
}
