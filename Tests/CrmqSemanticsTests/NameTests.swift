import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("names")
struct NameTests {
    @Test func columnResolvesToItsIndex() {
        let c = check(P("customers", .where_("satisfaction" >= 8)))
        #expect(c.plan.map(show) == "filter(scan(customers), greaterEqual($4, 8))")
    }

    @Test func scalarLetIsInlinedAsLiteral() {
        let c = check(P("transactions", .where_("amount" > "threshold")))
        #expect(c.plan.map(show) == "filter(scan(transactions), greater($3, intToDouble(50)))")
    }

    @Test func columnWinsOverScalarLet() {
        var catalog = FixtureCatalog()
        catalog.scalars["region"] = .int(1)
        let c = check(P("customers", .where_("region" == .str("North"))), catalog: catalog)
        #expect(c.plan.map(show) == #"filter(scan(customers), equal($2, "North"))"#)
    }

    @Test func unknownColumnSuggestsTheClosest() {
        let c = check(P("customers", .where_("satisfation" > 5)))
        #expect(c.messages == ["unknown column 'satisfation'"])
        #expect(c.ids == ["check.unknown-column"])
        #expect(c.culprits == ["satisfation"])
        #expect(c.notes == ["did you mean 'satisfaction'?"])
    }

    @Test func caseSlipIsSuggested() {
        let c = check(P("customers", .select(["Region"])))
        #expect(c.messages == ["unknown column 'Region'"])
        #expect(c.notes == ["did you mean 'region'?"])
    }

    @Test func nothingCloseListsTheColumns() {
        let c = check(P("transactions", .select(["zzzzzz"])))
        #expect(c.notes == ["the columns are 'txn_id', 'customer_id', 'date', 'amount', 'category'"])
    }

    @Test func laterStagesSeeTheNewSchema() {
        let c = check(P("customers", .select(["name"]), .where_("region" == .str("North"))))
        #expect(c.messages == ["unknown column 'region'"])
        #expect(c.notes == ["the columns are 'name'"])
    }

    @Test func unknownTableSuggestsTables() {
        let c = check(P("custmers", .take(5)))
        #expect(c.messages == ["unknown table 'custmers'"])
        #expect(c.ids == ["check.unknown-table"])
        #expect(c.culprits == ["custmers"])
        #expect(c.notes == ["did you mean 'customers'?"])
    }

    @Test func tableUsedAsValue() {
        let c = check(P(.name("customers") + 1))
        #expect(c.messages == ["'customers' is a table, not a value"])
        #expect(c.culprits == ["customers"])
    }

    @Test func unknownNameInScalarExpression() {
        let c = check(P(.name("thresold") * 2))
        #expect(c.messages == ["unknown name 'thresold'"])
        #expect(c.notes == ["did you mean 'threshold'?"])
    }
}
