import CrmqSource
import Testing

@testable import CrmqSyntax

@Suite struct LexerTests {
    @Test func everyTokenKind() {
        #expect(
            Syntax.kinds("name 42 4.2 \"s\" and | .x") == [
                .identifier, .integer, .decimal, .string, .keyword(.and), .symbol(.pipe), .invalid, .identifier,
                .endOfFile,
            ])
        #expect(Syntax.kinds(".tables") == [.dotCommand, .endOfFile])
        #expect(Syntax.kinds("a\nb") == [.identifier, .statementEnd, .identifier, .endOfFile])
    }

    @Test func everySymbol() {
        let text = Symbol.allCases.map(\.rawValue).joined(separator: " ")
        let expected = Symbol.allCases.map { TokenKind.symbol($0) }
        // `(` opens a bracket, so the line is one statement; `)` closes it.
        #expect(Array(Syntax.kinds(text).dropLast()) == expected)
        #expect(Syntax.kinds("a<>b<=c>=d==e!=f=g").filter { $0 != .identifier } == [
            .symbol(.lessGreater), .symbol(.lessEqual), .symbol(.greaterEqual), .symbol(.equalEqual),
            .symbol(.bangEqual), .symbol(.equal), .endOfFile,
        ])
    }

    @Test func keywordsAreCaseInsensitive() {
        #expect(Syntax.kinds("AND Or nOt IN Between IS NULL True FALSE").dropLast() == [
            .keyword(.and), .keyword(.or), .keyword(.not), .keyword(.in), .keyword(.between), .keyword(.is),
            .keyword(.null), .keyword(.true), .keyword(.false),
        ])
    }

    @Test func contextualWordsStayIdentifiers() {
        let words = "let load save set help to as where select extend sort take top count summarize join distinct by on kind asc desc date"
        let kinds = Syntax.kinds(words).dropLast()
        #expect(kinds.count == 23)
        #expect(kinds.allSatisfy { $0 == .identifier })
    }

    @Test func identifiers() {
        let (tokens, diagnostics) = Syntax.lex("_x9 客户 `odd name` café")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["_x9", "客户", "`odd name`", "café", ""])
        #expect(tokens.dropLast().allSatisfy { $0.kind == .identifier })
        #expect(Lexer.identifierName(of: "`odd name`") == "odd name")
        // A backquoted keyword is a name.
        #expect(Syntax.kinds("`in`") == [.identifier, .endOfFile])
    }

    @Test func numbers() {
        let (tokens, diagnostics) = Syntax.lex("42 4.2 0.5 .5 1e3 2.5e-3 7E+2")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.kind).dropLast() == [.integer, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal])
        #expect(tokens.map(\.text).dropLast() == ["42", "4.2", "0.5", ".5", "1e3", "2.5e-3", "7E+2"])
    }

    @Test func integerTooLarge() {
        let (tokens, diagnostics) = Syntax.lex("99999999999999999999")
        #expect(tokens[0].kind == .integer)
        #expect(diagnostics.map(\.message) == ["integer literal '99999999999999999999' is too large"])
        #expect(diagnostics.first?.id == "lex.integer-too-large")
        #expect(Syntax.lex("9223372036854775807").diagnostics.isEmpty)
    }

    @Test func stringsAndEscapes() {
        let (tokens, diagnostics) = Syntax.lex(#""a\"b" 'it\'s' "tab\tnl\nbs\\" 'say "hi"'"#)
        #expect(diagnostics.isEmpty)
        #expect(tokens.dropLast().allSatisfy { $0.kind == .string })
        #expect(tokens.dropLast().map { Lexer.stringValue(of: $0.text) } == ["a\"b", "it's", "tab\tnl\nbs\\", "say \"hi\""])
        #expect(tokens[0].text == #""a\"b""#)
    }

    @Test func unterminatedStringRecoversAtEndOfLine() {
        let (tokens, diagnostics) = Syntax.lex("x == \"abc\ny")
        #expect(diagnostics.map(\.message) == ["unterminated string"])
        #expect(diagnostics.first?.sourceRange == SourceRange(5, 6))
        #expect(tokens.map(\.kind) == [.identifier, .symbol(.equalEqual), .string, .statementEnd, .identifier, .endOfFile])
        #expect(Lexer.stringValue(of: tokens[2].text) == "abc")
    }

    @Test func unexpectedCharacter() {
        let (tokens, diagnostics) = Syntax.lex("a @ b")
        #expect(diagnostics.map(\.message) == ["unexpected character '@'"])
        #expect(diagnostics.first?.id == "lex.unexpected-character")
        #expect(tokens.map(\.kind) == [.identifier, .invalid, .identifier, .endOfFile])
        #expect(Syntax.lex("a ! b").diagnostics.map(\.message) == ["unexpected character '!'"])
        let emoji = Syntax.lex("a 😀 b")
        #expect(emoji.diagnostics.map(\.message) == ["unexpected character '😀'"])
        #expect(emoji.tokens[1].range == SourceRange(2, 6))
    }

    @Test func byteRangesWithMultibyteText() {
        let (tokens, _) = Syntax.lex("客户 | where 名 == \"é\"")
        #expect(tokens.map(\.range) == [
            SourceRange(0, 6), SourceRange(7, 8), SourceRange(9, 14), SourceRange(15, 18), SourceRange(19, 21),
            SourceRange(22, 26), SourceRange(26, 26),
        ])
        #expect(tokens[3].text == "名")
    }

    @Test func commentsAreSkipped() {
        #expect(Syntax.kinds("a -- b c\n-- d") == [.identifier, .endOfFile])
        #expect(Syntax.kinds("a--b") == [.identifier, .endOfFile])
        #expect(Syntax.kinds("a - b") == [.identifier, .symbol(.minus), .identifier, .endOfFile])
    }

    @Test func dotCommandIsOneLine() {
        let (tokens, _) = Syntax.lex(".mode csv\r\n.read \"my file.crmq\"\ncustomers")
        #expect(tokens.map(\.kind) == [.dotCommand, .statementEnd, .dotCommand, .statementEnd, .identifier, .endOfFile])
        #expect(tokens[0].text == ".mode csv")
        #expect(tokens[2].text == ".read \"my file.crmq\"")
        // Only at the start of a statement.
        #expect(Syntax.kinds("a .b").contains(.invalid))
        #expect(Syntax.kinds("  .tables") == [.dotCommand, .endOfFile])
    }

    /// `;` ends a session command as it ends any statement, unless it is inside quotes.
    @Test func semicolonEndsADotCommand() {
        let (tokens, diagnostics) = Syntax.lex(".mode csv; customers | count")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.kind) == [
            .dotCommand, .statementEnd, .identifier, .symbol(.pipe), .identifier, .endOfFile,
        ])
        #expect(tokens[0].text == ".mode csv")
        #expect(Syntax.lex(".tables;x").tokens.map(\.text) == [".tables", ";", "x", ""])
        #expect(Syntax.lex(".mode csv  ;x").tokens.map(\.text) == [".mode csv", ";", "x", ""])
        #expect(Syntax.lex(".output \"a;b.csv\"; x").tokens.map(\.text) == [".output \"a;b.csv\"", ";", "x", ""])
        #expect(Syntax.lex(".tables;\n.help").tokens.map(\.kind) == [.dotCommand, .statementEnd, .dotCommand, .endOfFile])
    }

    @Test func helpTopicMayBeADottedName() {
        let (tokens, diagnostics) = Syntax.lex("help .mode")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["help", ".mode", ""])
    }
}
