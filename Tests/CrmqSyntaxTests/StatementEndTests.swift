import CrmqSource
import Testing

@testable import CrmqSyntax

@Suite struct StatementEndTests {
    private func ends(_ text: String) -> Int {
        Syntax.kinds(text).filter { $0 == .statementEnd }.count
    }

    @Test func newlineEndsAStatement() {
        #expect(ends("a\nb\nc") == 2)
        #expect(ends("a\n\n\nb") == 1)
        #expect(ends("\n\na\n\n") == 0)
    }

    @Test func semicolonEndsAStatement() {
        #expect(Syntax.kinds("a; b") == [.identifier, .statementEnd, .identifier, .endOfFile])
        #expect(ends("a;;\n; b;") == 2)
        #expect(ends(";a") == 0)
    }

    @Test func openBracketsContinue() {
        #expect(ends("f(a,\n b\n)\nc") == 1)
    }

    @Test func aTrailingPipeOrCommaContinues() {
        #expect(ends("customers |\n where x") == 0)
        #expect(ends("customers | select a,\n b") == 0)
        // Any other trailing operator ends the statement, so its error stays on its line.
        #expect(ends("customers | where a and\n b") == 1)
        #expect(ends("customers | where a >\n 1") == 1)
    }

    @Test func nextLineStartingWithPipeContinues() {
        #expect(ends("customers\n  | where x\n  | take 5\nnext") == 1)
    }

    @Test func commentsAndBlankLinesBetweenPipelineLines() {
        #expect(ends("customers\n-- keep the north\n\n  | where region == \"North\"\n  -- then\n  | take 5") == 0)
        let (tokens, _) = Syntax.lex("customers\n-- keep\n| take 5")
        #expect(tokens.allSatisfy { $0.leadingComments.isEmpty })
    }

    @Test func helpLinesNeverContinue() {
        #expect(ends("help +\ncustomers") == 1)
        #expect(ends("help |\ncustomers") == 1)
    }

    @Test func leadingCommentsAttachToTheFirstToken() {
        let text = "-- # Title\n--\n-- first para\n\n-- second para\n\ncustomers | count\n-- tail\n\n-- more\n"
        let (tokens, _) = Syntax.lex(text)
        #expect(tokens[0].leadingComments == ["# Title", "", "first para", "", "second para"])
        #expect(tokens.last?.kind == .endOfFile)
        #expect(tokens.last?.leadingComments == ["tail", "", "more"])
    }

    @Test func commentsBetweenStatements() {
        let (tokens, _) = Syntax.lex("a\n-- about b\nb -- not prose\n-- about c\nc")
        let firsts = tokens.filter { $0.kind == .identifier }
        #expect(firsts.map(\.leadingComments) == [[], ["about b"], ["about c"]])
    }

    @Test func isComplete() {
        #expect(Lexer.isComplete(""))
        #expect(Lexer.isComplete("customers | count"))
        #expect(Lexer.isComplete("customers | count;"))
        #expect(!Lexer.isComplete("customers |"))
        #expect(!Lexer.isComplete("customers | -- more to come"))
        #expect(!Lexer.isComplete("customers | where f(a,"))
        #expect(!Lexer.isComplete("customers | where (a"))
        #expect(!Lexer.isComplete("customers | select a,"))
        #expect(Lexer.isComplete("customers | where a and"))
        #expect(Lexer.isComplete("customers | where a =="))
        #expect(!Lexer.isComplete("customers | where name == \"abc"))
        #expect(Lexer.isComplete("customers | where name == \"abc\""))
        #expect(Lexer.isComplete("help +"))
        #expect(Lexer.isComplete(".mode csv"))
        #expect(Lexer.isComplete("customers | where (a))"))
    }
}
