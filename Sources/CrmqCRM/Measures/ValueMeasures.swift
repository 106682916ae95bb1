import CrmqSemantics
import CrmqEngine

/// Customer lifetime value by the simple margin/retention/discount formula.
extension CustomerMeasures {
    static let clv = ComputedColumn(
        name: "clv", type: .double,
        summary: "customer lifetime value: m * r / (1 + d - r)",
        rule: """
            clv = m * r / (1 + d - r), the customer lifetime value of a customer who yields a \
            constant yearly margin m, stays each year with probability r, and whose future margins are \
            discounted at the yearly rate d (the infinite-horizon sum of m * r^t / (1 + d)^t for t = \
            1, 2, ...; Gupta and Lehmann's "customers as assets" formula). Here m = margin (0.3) * \
            spend_12m, d = discount_rate (0.1), and r = 0 for a customer who has churned by asof \
            (churned true and churn_date missing or before asof), otherwise the retention rate of the \
            whole customer base: the share of customers (with churned known) not churned by asof, as \
            retention_rate() computes it. A missing churned counts as active. Null when no customer \
            has churned known, or when 1 + d - r is 0 (no churn, no discount). Refunds can make it \
            negative.

            CLV judges a customer's worth over the whole relationship, not the last purchase. The \
            multiplier r / (1 + d - r) grows faster and faster as r nears 1, where it reaches 1 / d (10 \
            at the default d = 0.1): at d = 0.1 it is 2.67 for r = 0.8, 4.5 for r = 0.9 and 6.33 for \
            r = 0.95, so each point of retention is worth more the higher retention already is.
            """,
        needs: ["transactions"], requires: ["customer_id", "churned"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let s = try PurchaseSummary.of(inputs, .spend12m)
        let n = inputs.customers.rowCount
        let churned = churnedAsOf(inputs.customers, asOf: s.asOf)
        guard let known = NumericColumn(inputs.customers.column(named: "churned")) else { return Column(.null(count: n)) }
        var base = 0, lost = 0
        for i in 0..<n where known.value(i) != nil {
            base += 1
            if churned[i] { lost += 1 }
        }
        guard base > 0 else { return Column(.null(count: n)) }
        let retention = 1 - Double(lost) / Double(base)
        let margin = inputs.doubleSetting("margin"), d = inputs.doubleSetting("discount_rate")
        var out = [Double](repeating: 0, count: n)
        var valid = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let r = churned[i] ? 0 : retention
            let denominator = 1 + d - r
            guard denominator > 0 else { valid[i] = false; continue }
            out[i] = margin * s.revenue12m[i] * r / denominator
        }
        return Column(.double(out), validity: valid)
    }
}
