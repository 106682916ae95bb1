import Testing

@testable import CrmqSyntax

@Suite struct ExpressionParsingTests {
    private func expr(_ text: String) -> String { Syntax.render(text) }

    @Test func literals() {
        #expect(expr("42") == "42")
        #expect(expr("4.2") == "4.2")
        #expect(expr("\"North\"") == "\"North\"")
        #expect(expr("true") == "true")
        #expect(expr("FALSE") == "false")
        #expect(expr("null") == "null")
        #expect(expr("`odd name`") == "odd name")
    }

    @Test func arithmeticPrecedence() {
        #expect(expr("1 + 2 * 3") == "(+ 1 (* 2 3))")
        #expect(expr("(1 + 2) * 3") == "(* (+ 1 2) 3)")
        #expect(expr("a - b - c") == "(- (- a b) c)")
        #expect(expr("a / b % c") == "(% (/ a b) c)")
        #expect(expr("-a * b") == "(* (- a) b)")
        #expect(expr("- -a") == "(- (- a))")
    }

    @Test func logicalPrecedence() {
        #expect(expr("a or b and c") == "(or a (and b c))")
        #expect(expr("not a and b") == "(and (not a) b)")
        #expect(expr("not not a") == "(not (not a))")
        #expect(expr("a == 1 or b < 2 and c >= 3") == "(or (== a 1) (and (< b 2) (>= c 3)))")
        #expect(expr("a + 1 > b * 2") == "(> (+ a 1) (* b 2))")
    }

    @Test func comparisonOperators() {
        #expect(expr("a = 1") == "(== a 1)")
        #expect(expr("a == 1") == "(== a 1)")
        #expect(expr("a != 1") == "(!= a 1)")
        #expect(expr("a <> 1") == "(!= a 1)")
        #expect(expr("a < 1") == "(< a 1)")
        #expect(expr("a <= 1") == "(<= a 1)")
        #expect(expr("a > 1") == "(> a 1)")
        #expect(expr("a >= 1") == "(>= a 1)")
    }

    @Test func inBetweenIsNull() {
        #expect(expr("region in (\"North\", \"South\")") == "(in region [\"North\", \"South\"])")
        #expect(expr("region NOT IN (1)") == "(not-in region [1])")
        #expect(expr("x between 1 and 10") == "(between x 1 10)")
        #expect(expr("x not between 1 + 1 and 10 and y") == "(and (not-between x (+ 1 1) 10) y)")
        #expect(expr("x is null") == "(is-null x)")
        #expect(expr("x IS NOT NULL or y") == "(or (is-not-null x) y)")
        #expect(expr("not x in (1)") == "(not (in x [1]))")
    }

    @Test func calls() {
        #expect(expr("count()") == "count()")
        #expect(expr("round(avg(x), 2)") == "round(avg(x), 2)")
        #expect(expr("date(\"2025-01-01\")") == "date(\"2025-01-01\")")
        #expect(expr("if(a > 1, \"hi\", \"lo\")") == "if((> a 1), \"hi\", \"lo\")")
    }

    @Test func subqueries() {
        #expect(expr("(customers | take 5)") == "{customers | take 5}")
        #expect(expr("(customers)") == "customers")
        #expect(expr("x in ((a | take 1))") == "(in x [{a | take 1}])")
    }

    @Test func ranges() throws {
        let (script, _) = Syntax.parse("  a + f(b, 2) * 3")
        guard case .query(let pipeline) = try #require(script.statements.first).kind else {
            Issue.record("not a query")
            return
        }
        #expect(pipeline.source.range == .init(2, 17))
        guard case .binary(_, let left, let right) = pipeline.source.kind else {
            Issue.record("not a binary expression: \(pipeline.source.kind)")
            return
        }
        #expect(left.range == .init(2, 3))
        #expect(right.range == .init(6, 17))
        #expect(script.statements[0].range == .init(2, 17))
    }
}
