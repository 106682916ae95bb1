import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("count and summarize")
struct SummarizeTests {
    @Test func countAlone() {
        let c = check(P("customers", .count([])))
        #expect(c.plan.map(show) == "aggregate(scan(customers), [], [countRows()])")
        #expect(c.schema == ["n:int"])
    }

    @Test func countByAddsShare() {
        let c = check(P("customers", .count(["region", named("y", f("year", "signup_date"))])))
        #expect(c.plan.map(show) == "share(aggregate(scan(customers), [$2, year($3)], [countRows()]), $2)")
        #expect(c.schema == ["region:string", "y:int", "n:int", "share:double"])
    }

    @Test func countByKeyNamedNClashes() {
        let c = check(P("customers", .count([named("n", "region")])))
        #expect(c.messages == ["duplicate column name 'n'"])
        #expect(c.culprits == ["n"])
        #expect(c.diagnostics[0].notes.first?.message
            == "'count by' adds the columns 'n' and 'share' itself; name the key differently, as in 'count by n_value = region'")
        let share = check(P("customers", .count([named("share", "region")])))
        #expect(share.messages == ["duplicate column name 'share'"])
        #expect(share.culprits == ["share"])
    }

    @Test func bareAggregatesNeedNoProject() {
        let c = check(P("transactions", .summarize(
            [named("avg_amount", f("avg", "amount")), named("n", f("count"))], by: ["category"])))
        #expect(c.plan.map(show) == "aggregate(scan(transactions), [$4], [avg($3), countRows()])")
        #expect(c.schema == ["category:string", "avg_amount:double", "n:int"])
    }

    @Test func derivedItemNames() {
        let c = check(P("transactions", .summarize([I(nil, f("avg", "amount")), I(nil, f("count"))], by: [])))
        #expect(c.schema == ["avg_amount:double", "count:int"])
    }

    @Test func aggregatesInsideExpressions() {
        let c = check(P("customers", .summarize(
            [named("retention", 1 - f("avg", "churned")), named("sat", f("round", f("avg", "satisfaction"), 2))],
            by: ["region"])))
        #expect(c.plan.map(show)
            == "project(aggregate(scan(customers), [$2], [avg($5), avg($4)]), "
            + "[$0, subtract(intToDouble(1), $1), round($2, 2)])")
        #expect(c.schema == ["region:string", "retention:double", "sat:double"])
        guard case .project(let grouped, _)? = c.plan?.kind else {
            Issue.record("expected project")
            return
        }
        #expect(grouped.schema.names == ["region", "avg(churned)", "avg(satisfaction)"])
    }

    @Test func repeatedAggregateIsComputedOnce() {
        let c = check(P("transactions", .summarize(
            [named("a", f("sum", "amount")), named("b", f("sum", "amount") * 2)], by: [])))
        #expect(c.plan.map(show)
            == "project(aggregate(scan(transactions), [], [sum($3)]), [$0, multiply($0, intToDouble(2))])")
    }

    @Test func keysCanBeUsedInItems() {
        let c = check(P("customers", .summarize([named("label", f("concat", "region", .str("!")))], by: ["region"])))
        #expect(c.plan.map(show) == #"project(aggregate(scan(customers), [$2], []), [$0, concat($0, "!")])"#)
    }

    @Test func aggregateTypes() {
        let c = check(P("customers", .summarize([
            named("s", f("sum", "satisfaction")), named("sd", f("sum", "category_spend")),
            named("sb", f("sum", "satisfaction" > 5)), named("ab", f("avg", "satisfaction" > 5)),
            named("mn", f("min", "signup_date")), named("md", f("median", "satisfaction")),
            named("cd", f("count_distinct", "region")), named("cx", f("count", "region")),
            named("p", f("percentile", "category_spend", .dec("0.9"))), named("sdv", f("stddev", "satisfaction")),
        ], by: [])))
        #expect(c.schema == [
            "s:int", "sd:double", "sb:int", "ab:double", "mn:date", "md:double", "cd:int", "cx:int", "p:double",
            "sdv:double",
        ])
        #expect(c.plan.map(show)?.contains("percentile($6, 0.9)") == true)
        #expect(check(P("customers", .summarize([named("s", f("sum", "region"))], by: []))).messages
            == ["argument 1 of 'sum' must be a number or true/false, but 'region' is string"])
    }

    @Test func percentileNeedsAFractionLiteral() {
        let c = check(P("customers", .summarize([named("p", f("percentile", "satisfaction", .dec("1.5")))], by: [])))
        #expect(c.messages == ["'percentile' needs a number between 0 and 1 written as its second argument, but got 1.5"])
        #expect(c.ids == ["check.percentile-fraction"])
        #expect(c.culprits == ["1.5"])
        let column = check(P("customers", .summarize([named("p", f("percentile", "satisfaction", "churned"))], by: [])))
        #expect(column.ids == ["check.percentile-fraction"])
        #expect(check(P("customers", .summarize([named("p", f("percentile", "satisfaction", 1))], by: []))).messages == [])
        // A negative number is quoted like any other literal.
        let negative = checkText("customers | summarize p = percentile(satisfaction, -0.1)")
        #expect(negative.messages == ["'percentile' needs a number between 0 and 1 written as its second argument, but got -0.1"])
        let named = checkText("customers | summarize p = percentile(satisfaction, churned)")
        #expect(named.messages.first?.hasSuffix("but got 'churned'") == true)
    }

    // The CRM layer's definitions expand in place: retention_rate() is 1 - churn_rate(), and
    // both read the one avg(churned) column.
    @Test func crmRates() {
        let c = check(P("customers", .summarize(
            [named("customers", f("count")), named("retention", f("retention_rate")),
             named("churn", f("churn_rate")), named("nps", f("nps", "recommend"))], by: ["satisfaction"])))
        #expect(c.plan.map(show)
            == "project(aggregate(scan(customers), [$4], [countRows(), avg($5), avg(greaterEqual($7, 9)), avg(lessEqual($7, 6))]), "
            + "[$0, $1, subtract(intToDouble(1), $2), $2, multiply(intToDouble(100), subtract($3, $4))])")
        #expect(c.schema == ["satisfaction:int", "customers:int", "retention:double", "churn:double", "nps:double"])
        let none = check(P("transactions", .summarize([named("r", f("retention_rate"))], by: [])))
        #expect(none.messages == ["'retention_rate' needs a 'churned' column"])
    }

    @Test func columnNeitherAggregatedNorGrouped() {
        let c = check(P("customers", .summarize([named("r", "region"), named("n", f("count"))], by: ["churned"])))
        #expect(c.messages == ["'region' is neither aggregated nor in 'by'"])
        #expect(c.ids == ["check.not-grouped"])
        #expect(c.culprits == ["region"])
    }

    @Test func duplicateBetweenKeyAndItem() {
        let c = check(P("customers", .summarize([named("region", f("count"))], by: ["region"])))
        #expect(c.messages == ["duplicate column name 'region'"])
    }
}
