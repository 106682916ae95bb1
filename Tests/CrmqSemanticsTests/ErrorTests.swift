import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("several errors, no cascades")
struct ErrorTests {
    @Test func independentErrorsInOneSelect() {
        let c = check(P("customers", .select(["satisfation", "regin", "name"])))
        #expect(c.messages == ["unknown column 'satisfation'", "unknown column 'regin'"])
        #expect(c.culprits == ["satisfation", "regin"])
    }

    @Test func bothSidesOfAnOperator() {
        let c = check(P("customers", .where_(("regin" == .str("North")) && ("satisfation" > 5))))
        #expect(c.messages == ["unknown column 'regin'", "unknown column 'satisfation'"])
    }

    @Test func failedPartIsNotReportedAgain() {
        // The unknown column makes the comparison, the 'and' and the where fail, silently.
        let c = check(P("customers", .where_((f("lower", "regin") == 5) && .bool(true))))
        #expect(c.messages == ["unknown column 'regin'"])
        let call = check(P("customers", .select([named("x", f("round", "nope" + 1, 2))])))
        #expect(call.messages == ["unknown column 'nope'"])
    }

    @Test func laterStagesAreNotCheckedAfterAFailure() {
        let c = check(P("customers", .where_("bogus" > 1), .select(["bogus2"])))
        #expect(c.messages == ["unknown column 'bogus'"])
    }

    @Test func extendDoesNotCascadeThroughAFailedColumn() {
        let c = check(P("customers", .extend([named("a", "bogus" + 1), named("b", "a" * 2), named("c", "nope")])))
        #expect(c.messages == ["unknown column 'bogus'", "unknown column 'nope'"])
    }

    @Test func summarizeItemsReportIndependently() {
        let c = check(P("customers", .summarize(
            [named("a", f("avg", "satisfation")), named("b", "region"), named("c", f("sum", "region"))], by: [])))
        #expect(c.messages == [
            "unknown column 'satisfation'", "'region' is neither aggregated nor in 'by'",
            "argument 1 of 'sum' must be a number or true/false, but 'region' is string",
        ])
    }

    @Test func everyDiagnosticHasASourceLocation() {
        let c = check(P("customers", .select(["a", named("b", "c" + 1)])))
        #expect(c.diagnostics.count == 2)
        #expect(c.culprits.allSatisfy { $0 != "<no location>" })
    }
}
