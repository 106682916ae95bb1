import Testing
import CrmqSource
@testable import CrmqSemantics

/// The plans of `window` and `top ... per`: one window node computing each window function
/// and aggregate once, under a project that places the items as `extend` does.
@Suite("window stages")
struct WindowCheckTests {
    @Test func aWindowIsAWindowNodeUnderAProject() {
        let c = checkText("transactions | window r = rank(), s = running_sum(amount) / sum(amount) by customer_id sort amount desc")
        #expect(c.schema == ["txn_id:int", "customer_id:int", "date:date", "amount:double", "category:string",
                             "r:int", "s:double"])
        #expect(c.plan.map(show) == "project(window(scan(transactions), [$1], [$3 desc], "
            + "[rank(), running_sum($3), sum($3)]), [$0, $1, $2, $3, $4, $5, divide($6, $7)])")
    }

    @Test func aRepeatedCallIsComputedOnceAndANameReplacesItsColumnInPlace() {
        let c = checkText("transactions | window amount = amount - lag(amount, 1, 0), b = lag(amount, 1, 0) sort date")
        #expect(c.schema == ["txn_id:int", "customer_id:int", "date:date", "amount:double", "category:string", "b:double"])
        #expect(c.plan.map(show) == "project(window(scan(transactions), [], [$2], [lag($3, intToDouble(0); 1)]), "
            + "[$0, $1, $2, subtract($3, $5), $4, $5])")
    }

    @Test func typesOfTheFunctions() {
        let c = checkText("transactions | window a = row_number(), b = percent_rank(), c = cume_dist(), d = ntile(4), "
            + "e = lead(category), f = running_sum(customer_id), g = running_sum(amount > 10), h = share(customer_id) sort date")
        #expect(Array(c.schema.suffix(8)) == ["a:int", "b:double", "c:double", "d:int", "e:string", "f:int", "g:int", "h:double"])
    }

    @Test func topPerGroup() {
        let c = checkText("transactions | top 2 by amount per customer_id, year(date)")
        #expect(c.plan.map(show) == "topNPerGroup(scan(transactions), [$1, year($2)], [$3 desc], 2)")
        #expect(checkText("transactions | top 2 by amount").plan.map(show) == "topN(scan(transactions), [$3 desc], 2)")
    }

    @Test func windowFunctionsOnlyInTheItemsOfAWindow() {
        #expect(checkText("transactions | where rank() > 1").ids == ["check.window-outside-window"])
        #expect(checkText("transactions | top 3 by row_number() per customer_id").ids == ["check.window-outside-window"])
        #expect(checkText("transactions | window x = lag(lead(amount)) sort date").ids == ["check.nested-window"])
        #expect(checkText("transactions | window x = row_number() sort lag(amount)").ids == ["check.window-key"])
        #expect(checkText("transactions | window x = cume_dist()").ids == ["check.window-needs-order"])
        #expect(checkText("transactions | window x = ntile(2.5) sort date").ids == ["check.ntile-count"])
        #expect(checkText("transactions | window x = lead(amount, amount) sort date").ids == ["check.window-offset"])
    }
}
