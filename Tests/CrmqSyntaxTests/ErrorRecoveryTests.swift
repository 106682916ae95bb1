import CrmqDiagnostics
import CrmqSource
import Testing

@testable import CrmqSyntax

@Suite struct ErrorRecoveryTests {
    /// Each diagnostic as "id message @start..<end".
    private func report(_ text: String) -> [String] {
        Syntax.parse(text).diagnostics.map { "\($0.id) \($0.message) @\($0.sourceRange?.description ?? "-")" }
    }

    @Test func expectedExpressionAtEndOfLine() {
        #expect(report("customers | where\ncustomers") == [
            "parse.expected-expression expected an expression after 'where', found end of line @17..<17"
        ])
        #expect(Syntax.messages("customers | where a and") == ["expected an expression after 'and', found end of input"])
        #expect(Syntax.messages("t | where ;") == ["expected an expression after 'where', found ';'"])
        #expect(Syntax.messages("t | select a, | take 1") == ["expected an expression after ',', found '|'"])
    }

    @Test func lexicalErrorInSkippedTextIsNotReportedAgain() {
        // The '.' would be an unexpected character, but the parser gave up on the
        // statement at 'customers' already.
        #expect(Syntax.messages("load customers.csv") == [
            "expected a file path in quotes after 'load', found name 'customers'"
        ])
        // A lexical error before any parse error is still reported, and so is the next stage's.
        #expect(Syntax.messages("customers | where x @ 5 | selec a") == [
            "unexpected character '@'", "unknown operator 'selec'",
        ])
    }

    @Test func aStatementStartingWithAPipeSaysHowToContinue() {
        let d = Syntax.parse("customers;\n| count").diagnostics
        #expect(d.map(\.message) == ["a statement cannot start with '|'"])
        #expect(d.first?.notes.first?.message.contains("end its line with '|'") == true)
    }

    @Test func aLineEndingInAnOperatorIsAnErrorOnThatLine() {
        #expect(report("customers | where satisfaction >\ntransactions | take 2") == [
            "parse.expected-expression expected an expression after '>', found end of line @32..<32"
        ])
    }

    @Test func twoBadStagesGiveTwoErrors() {
        let (script, diagnostics) = Syntax.parse("customers | wher x > 1 | take 5 | selec name")
        #expect(diagnostics.map(\.message) == ["unknown operator 'wher'", "unknown operator 'selec'"])
        #expect(diagnostics.map { $0.notes.map(\.message) } == [["did you mean 'where'?"], ["did you mean 'select'?"]])
        #expect(diagnostics.map(\.sourceRange) == [SourceRange(12, 16), SourceRange(34, 39)])
        // A statement with errors is not handed on to be run.
        #expect(script.statements.isEmpty)
    }

    @Test func badStatementThenGoodOne() {
        let (script, diagnostics) = Syntax.parse("customers | where\ncustomers | count\n) oops\nvip | take 1")
        #expect(diagnostics.map(\.message) == [
            "expected an expression after 'where', found end of line", "a statement cannot start with ')'",
        ])
        #expect(script.statements.map { Syntax.render($0.kind) } == ["customers | count", "vip | take 1"])
    }

    @Test func unknownOperatorWithNothingClose() {
        let diagnostics = Syntax.parse("customers | frobnicate").diagnostics
        #expect(diagnostics.map(\.message) == ["unknown operator 'frobnicate'"])
        #expect(diagnostics.first?.notes.first?.message.hasPrefix("the operators are 'where', 'select'") == true)
        #expect(Syntax.messages("t | chart bars x, y") == ["unknown chart kind 'bars'"])
        #expect(Syntax.messages("t | chart bar x, y | take 3") == ["'chart' must be the last stage, but 'take' follows it"])
    }

    @Test func unclosedParenNotePointsAtOpener() throws {
        let text = "customers | where (a > 1 or b | take 5"
        let diagnostics = Syntax.parse(text).diagnostics
        #expect(diagnostics.map(\.message) == ["')' expected"])
        #expect(diagnostics.first?.id == "parse.expected-closing-paren")
        #expect(diagnostics.first?.sourceRange == .at(38))
        let note = try #require(diagnostics.first?.notes.first)
        #expect(note.message == "to close '(' here")
        guard case .source(_, let range) = note.location else {
            Issue.record("note has no source location")
            return
        }
        #expect(range == SourceRange(18, 19))
        #expect(Syntax.messages("t | where f(a b)") == ["')' expected"])
    }

    @Test func noCascadeFromLexicalErrors() {
        #expect(Syntax.messages("t | where a @ b | take 5") == ["unexpected character '@'"])
        #expect(Syntax.messages("t | where @") == ["unexpected character '@'"])
        #expect(Syntax.messages("t | where f(\"abc)\nt | count") == ["unterminated string"])
        let (script, _) = Syntax.parse("t | where name == \"abc\nok | count")
        #expect(script.statements.map { Syntax.render($0.kind) } == ["ok | count"])
    }

    @Test func noCascadeInsideSubquery() {
        let (_, diagnostics) = Syntax.parse("t | join (orders | wher x | take 1) on id | take 2")
        #expect(diagnostics.map(\.message) == ["unknown operator 'wher'"])
        #expect(Syntax.messages("t | where (a | bogus) > 1 | sort x dsc") ==
            ["unknown operator 'bogus'", "expected '|' or end of line after the 'sort' stage, found name 'dsc'"])
    }

    /// `top by x` lacks the count, not a second 'by'.
    @Test func topNeedsACount() {
        #expect(report("customers | top by satisfaction") == [
            "parse.top-needs-count expected the number of rows after 'top', as in 'top 10 by amount' @16..<18"
        ])
        #expect(Syntax.render("t | top `by` by x") == "t | top by by x")
    }

    @Test func topNeedsBy() {
        #expect(report("customers | top 10 share_of_wallet") == [
            "parse.expected-by expected 'by' after 'top 10' @19..<34"
        ])
    }

    @Test func extendNeedsName() {
        #expect(report("t | extend a + 1") == [
            "parse.extend-needs-name 'extend' needs a name: write 'extend name = expression' @11..<12"
        ])
    }

    @Test func statementCannotStart() {
        #expect(Syntax.messages(")") == ["a statement cannot start with ')'"])
        #expect(Syntax.messages("| where x") == ["a statement cannot start with '|'"])
        #expect(Syntax.messages("and x") == ["a statement cannot start with 'and'"])
    }

    @Test func reservedWordAsName() {
        let expected = ["'in' is a reserved word; quote it as `in` to use it as a name"]
        #expect(Syntax.messages("let in = 5") == expected)
        #expect(Syntax.messages("t | select in = 1") == expected)
        #expect(Syntax.messages("t | join u on in") == expected)
        #expect(Syntax.parse("t | select `in` = 1").diagnostics.isEmpty)
    }

    @Test func chainedComparison() {
        #expect(report("t | where a < b < c + 1") == [
            "parse.chained-comparison comparisons do not chain; to test both, write 'a < b and b < c + 1' @16..<17"
        ])
        #expect(Syntax.messages("t | where a < b < ") == ["comparisons do not chain; to test both, write 'a < b and b < ...'"])
    }

    @Test func statementTails() {
        #expect(Syntax.messages("customers where x") == ["missing '|' before 'where'"])
        #expect(Syntax.messages("customers)") == ["')' has no matching '('"])
        #expect(Syntax.messages("customers 5") == ["expected the end of the statement, found number 5"])
        #expect(Syntax.messages("t | take 5 6") == ["expected '|' or end of line after the 'take' stage, found number 6"])
        #expect(Syntax.messages("(t | take 5 6)") == ["expected '|' or ')' after the 'take' stage, found number 6"])
    }

    @Test func statementMessages() {
        #expect(Syntax.messages("let x 5") == ["expected '=' after 'let x', found number 5"])
        #expect(Syntax.messages("let = 5") == ["expected a name after 'let', found '='"])
        #expect(Syntax.messages("load customers") == ["expected a file path in quotes after 'load', found name 'customers'"])
        #expect(Syntax.messages("load \"a.csv\" as") == ["expected a name after 'as', found end of input"])
        #expect(Syntax.messages("save x \"y\"") == ["expected 'to' after 'save x', found string \"y\""])
        #expect(Syntax.messages("save 5 to \"y\"") == ["expected a name or '(query)' after 'save', found number 5"])
        #expect(Syntax.messages("set x 5") == ["expected '=' or 'to' after 'set x', found number 5"])
        // Words make one topic (`help share of wallet`); anything else after the first does not.
        #expect(Syntax.messages("help share of wallet") == [])
        #expect(Syntax.messages("help a + b") == ["'help' takes one topic, found '+' after it"])
        #expect(Syntax.messages("help \"a\" b") == ["'help' takes one topic, found name 'b' after it"])
    }

    @Test func stageMessages() {
        #expect(Syntax.messages("t | join orders") == ["expected 'on' after 'join orders', found end of input"])
        #expect(Syntax.messages("t | join 5 on x") == ["expected a table, a call or '(query)' after 'join', found number 5"])
        let kind = Syntax.parse("t | join o on id kind outer").diagnostics
        #expect(kind.map(\.message) == ["unknown join kind 'outer'"])
        #expect(kind.first?.notes.map(\.message) == ["the join kinds are 'inner', 'left'"])
        #expect(Syntax.messages("t | where x in 1") == ["expected '(' after 'in', found number 1"])
        #expect(Syntax.messages("t | where x between 1 or 2") == ["expected 'and' after 'between 1', found 'or'"])
        #expect(Syntax.messages("t | where x is 1") == ["expected 'null' after 'is', found number 1"])
        #expect(Syntax.messages("t | | take 1") == ["expected an operator after '|', found '|'"])
    }

    @Test func foundTokenDescriptions() {
        #expect(Syntax.messages("t | where | take 1") == ["expected an expression after 'where', found '|'"])
        #expect(Syntax.messages("t 'abc'") == ["expected the end of the statement, found string \"abc\""])
        #expect(Syntax.messages("t foo") == ["expected the end of the statement, found name 'foo'"])
        #expect(Syntax.messages("t 42") == ["expected the end of the statement, found number 42"])
    }

    @Test func severalErrorsAcrossStatements() {
        let text = "a | where\nb | sort x y\nc | count\nd |"
        let (script, diagnostics) = Syntax.parse(text)
        #expect(diagnostics.count == 3)
        #expect(script.statements.count == 1)
    }
}
