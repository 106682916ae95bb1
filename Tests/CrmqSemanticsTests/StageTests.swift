import Testing
import CrmqSyntax
import CrmqSource
@testable import CrmqSemantics

@Suite("stages")
struct StageTests {
    @Test func whereNeedsABoolCondition() {
        let ok = check(P("transactions", .where_("amount" > 50)))
        #expect(ok.schema.count == 5)
        let c = check(P("transactions", .where_("amount" + 1)))
        #expect(c.messages == ["'where' needs a true/false condition, but 'amount + 1' is double"])
        #expect(c.ids == ["check.where-not-bool"])
        #expect(c.culprits == ["amount + 1"])
    }

    @Test func selectNamesAndTypes() {
        let c = check(P("transactions", .select(["customer_id", named("cents", "amount" * 100), I(nil, f("year", "date"))])))
        #expect(c.schema == ["customer_id:int", "cents:double", "year_date:int"])
        #expect(c.plan.map(show) == "project(scan(transactions), [$1, multiply($3, intToDouble(100)), year($2)])")
    }

    @Test func derivedNamesOfNestedCalls() {
        let c = check(P("transactions", .select([I(nil, f("round", f("abs", "amount"), 2))])))
        #expect(c.schema == ["round_abs_amount:double"])
        #expect(check(P("transactions", .select([I(nil, f("AVG", "amount"))]))).ids == ["check.aggregate-outside-summarize"])
        #expect(check(P("transactions", .select([I(nil, f("ABS", "amount"))]))).schema == ["abs_amount:double"])
    }

    @Test func unnamedExpressionNeedsAName() {
        let c = check(P("transactions", .select([I(nil, "amount" * 2)])))
        #expect(c.messages == ["name this column: write 'name = ...'"])
        #expect(c.ids == ["check.unnamed-column"])
        #expect(c.culprits == ["amount * 2"])
        let fix = c.diagnostics[0].fixIts[0]
        #expect(fix.replacement == "name = ")
        #expect(fix.range.isEmpty && c.file.text(of: SourceRange(fix.range.start, fix.range.start + 6)) == "amount")
        #expect(check(P("transactions", .select([I(nil, f("round", .dec("2.5")))]))).ids == ["check.unnamed-column"])
    }

    @Test func duplicateOutputNamesNameBothPlaces() {
        let c = check(P("transactions", .select(["amount", named("amount", "txn_id")])))
        #expect(c.messages == ["duplicate column name 'amount'"])
        #expect(c.ids == ["check.duplicate-column"])
        let d = c.diagnostics[0]
        guard case .source(_, let second) = d.location, case .source(_, let first)? = d.notes.first?.location else {
            Issue.record("expected locations")
            return
        }
        #expect(c.file.text(of: second) == "amount")
        #expect(second.start > first.start)
        #expect(c.file.text(of: first) == "amount")
        #expect(d.notes[0].message == "'amount' is first named here")
    }

    @Test func extendAddsAndReplaces() {
        let c = check(P("transactions", .extend([named("amount", "amount" * 2), named("big", "amount" > 100)])))
        #expect(c.schema == ["txn_id:int", "customer_id:int", "date:date", "amount:double", "category:string", "big:bool"])
        #expect(c.plan.map(show)
            == "project(scan(transactions), [$0, $1, $2, multiply($3, intToDouble(2)), $4, "
            + "greater(multiply($3, intToDouble(2)), intToDouble(100))])")
    }

    @Test func extendItemsSeeEarlierOnes() {
        let c = check(P("transactions", .extend([named("a", "txn_id" + 1), named("b", "a" * 2)])))
        #expect(c.schema.suffix(2) == ["a:int", "b:int"])
        guard case .project(_, let exprs)? = c.plan?.kind else {
            Issue.record("expected project")
            return
        }
        #expect(show(exprs[6]) == "multiply(add($0, 1), 2)")
    }

    @Test func extendNeedsNames() {
        let c = check(P("transactions", .extend(["amount"])))
        #expect(c.messages == ["name this column: write 'name = ...'"])
        let dup = check(P("transactions", .extend([named("a", 1), named("a", 2)])))
        #expect(dup.messages == ["duplicate column name 'a'"])
    }

    @Test func sortTakeTop() {
        #expect(check(P("transactions", .sort(["amount", O("date", .descending)]))).plan.map(show)
            == "sort(scan(transactions), [$3, $2 desc])")
        #expect(check(P("transactions", .take(20))).plan.map(show) == "limit(scan(transactions), 20)")
        #expect(check(P("transactions", .take("threshold"))).plan.map(show) == "limit(scan(transactions), 50)")
        #expect(check(P("transactions", .top(10, ["amount", O("date", .ascending)]))).plan.map(show)
            == "topN(scan(transactions), [$3 desc, $2], 10)")
        #expect(check(P("transactions", .top(3, [O(f("abs", "amount"))]))).schema.count == 5)
    }

    @Test func takeNeedsANonNegativeInteger() {
        let negative = check(P("transactions", .take(.neg(1))))
        #expect(negative.messages == ["'take' needs a non-negative integer, but got -1"])
        #expect(negative.ids == ["check.count-not-integer"])
        #expect(negative.culprits == ["-1"])
        #expect(check(P("transactions", .take(.dec("2.5")))).messages == ["'take' needs a non-negative integer, but got 2.5"])
        #expect(check(P("transactions", .top("rate", ["amount"]))).messages
            == ["'top' needs a non-negative integer, but got 'rate'"])
        #expect(check(P("transactions", .take("amount"))).ids == ["check.unknown-name"])
    }

    @Test func distinctProjectsThenDedups() {
        let c = check(P("customers", .distinct(["region", named("y", f("year", "signup_date"))])))
        #expect(c.plan.map(show) == "distinct(project(scan(customers), [$2, year($3)]))")
        #expect(c.schema == ["region:string", "y:int"])
    }
}
