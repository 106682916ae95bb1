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
        // A string ends at its line's end: the next line could not close it.
        #expect(Lexer.isComplete("customers | where name == \"abc"))
        #expect(Lexer.isComplete("customers | where name == \"abc\""))
        #expect(Lexer.isComplete("help +"))
        #expect(Lexer.isComplete(".mode csv"))
        #expect(Lexer.isComplete("customers | where (a))"))
        // A blank line ends an open bracket.
        #expect(Lexer.isComplete("customers | where (a\n"))
        #expect(Lexer.isComplete("customers | where (a\n   \t"))
        #expect(!Lexer.isComplete("customers | where (a\n-- a comment is not blank"))
    }

    @Test func openConstructNamesWhatIsOpen() {
        #expect(Lexer.openConstruct("customers |") == .pipe)
        #expect(Lexer.openConstruct("customers\n| where x |") == .pipe)
        #expect(Lexer.openConstruct("customers | select a,") == .comma)
        #expect(Lexer.openConstruct("customers | where a in (1,") == .bracket)
        #expect(Lexer.openConstruct("customers | where (a or\n (b") == .bracket)
        #expect(Lexer.openConstruct("customers | count") == nil)
        #expect(Lexer.openConstruct("help |") == nil)
        #expect(Lexer.openConstruct("customers | where (a\n") == nil)
        #expect(OpenConstruct.bracket.symbol == "(" && OpenConstruct.pipe.symbol == "|" && OpenConstruct.comma.symbol == ",")
    }

    @Test func aBlankLineEndsAnOpenBracket() {
        // The statement ends at the blank line; the next one starts after it.
        #expect(ends("customers | where (a > 1\n\ncustomers | count") == 1)
        #expect(ends("customers | where (a > 1\n  and b\n  \ncustomers") == 1)
        // A comment line is not blank; lines inside brackets still continue.
        #expect(ends("f(a,\n-- note\n b)\nc") == 1)
        // Outside brackets a blank line before a `|` line still continues.
        #expect(ends("customers\n\n| count") == 0)
    }
}
