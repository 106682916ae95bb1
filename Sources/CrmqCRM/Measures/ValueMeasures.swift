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
            (churned true and churn_date missing or before asof), otherwise the yearly retention rate \
            of the customer base, retention_rate(months = 12): of the customers 12 calendar months \
            before asof (signed up by then, or signup_date missing, churned known, and no churn_date \
            before that day), the share not churned by asof. A churn without churn_date counts as one \
            in that year. Null when no customer was a customer a year before asof, or when \
            1 + d - r is 0 (no churn, no discount). Refunds can make it negative.

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
        guard let retention = yearlyRetention(inputs.customers, asOf: s.asOf) else { return Column(.null(count: n)) }
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

extension CustomerMeasures {
    /// The yearly retention rate at `asOf` (clv's r), the fast way to the CRM aggregate
    /// retention_rate(months = 12) over `customers` (CRM.aggregates, whose rule this follows
    /// to the letter; DefinitionTests holds the two equal): of the customers 12 calendar
    /// months before (churned known, signed up by then or signup unknown, no churn_date
    /// before then), 1 - the mean of churned at `asOf`; nil when there was no such customer
    /// or no as-of date. `customers` is already as of `asOf` (a churn dated later is not one).
    static func yearlyRetention(_ customers: Table, asOf: Int32?) -> Double? {
        guard let asOf, let churned = NumericColumn(customers.column(named: "churned")),
            let start = CivilDate.addingMonths(asOf, -12)
        else { return nil }
        let signup = customers.column(named: "signup_date"), churnDate = customers.column(named: "churn_date")
        let days: [Int32] = if let signup, case .date(let a) = signup.values { a } else { [] }
        let churnDays: [Int32] = if let churnDate, case .date(let a) = churnDate.values { a } else { [] }
        var base = 0
        var churnedSum = 0.0
        for i in 0..<customers.rowCount {
            guard let value = churned.value(i) else { continue }
            if !days.isEmpty, !signup!.isNull(i), days[i] > start { continue }
            // Gone before the year began (a churn without a date is taken to fall in the year).
            if !churnDays.isEmpty, !churnDate!.isNull(i), churnDays[i] < start { continue }
            base += 1
            churnedSum += value
        }
        return base == 0 ? nil : 1 - churnedSum / Double(base)
    }
}

/// Customer lifetime profitability, the course material's measure of a customer's worth.
extension CustomerMeasures {
    static let clp = ComputedColumn(
        name: "clp", type: .double,
        summary: "customer lifetime profit: margin * monetary - service and marketing costs",
        rule: """
            clp = margin (0.3) * monetary - cost_per_contact (5) * contacts - marketing_cost (10) * \
            tenure_days / 365, where monetary is the revenue before asof, contacts the number of the \
            customer's interactions dated before asof (0 when the interactions table is not loaded), \
            and tenure_days / 365 the years the customer has been marketed to. The CRM course material \
            judges a customer's worth by lifetime profit: the customer's lifetime purchases minus what \
            the firm spends on marketing to and serving them. Unlike clv it looks back, not forward. \
            Null when tenure_days is null (signup_date missing). The costs are settings.
            """,
        needs: ["transactions"], requires: ["customer_id", "signup_date"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let s = try PurchaseSummary.of(inputs)
        let n = inputs.customers.rowCount
        let tenure = tenure(inputs)
        let contacts = contactCounts(inputs, asOf: s.asOf), revenues = s.revenues
        let margin = inputs.doubleSetting("margin"), perContact = inputs.doubleSetting("cost_per_contact")
        let marketing = inputs.doubleSetting("marketing_cost")
        let days: [Int64] = if case .int(let a) = tenure.values { a } else { [] }
        var out = [Double](repeating: 0, count: n)
        var valid = [Bool](repeating: false, count: n)
        for i in 0..<n where !days.isEmpty && !tenure.isNull(i) {
            out[i] = margin * revenues[i] - perContact * Double(contacts[i]) - marketing * Double(days[i]) / 365
            valid[i] = true
        }
        return Column(.double(out), validity: valid)
    }

    /// Each customer row's interactions dated before `asOf` (customers sharing an id share the
    /// count of the first); all 0 without a usable interactions table.
    static func contactCounts(_ inputs: CRMInputs, asOf: Int32?) -> [Int64] {
        let n = inputs.customers.rowCount
        var counts = [Int64](repeating: 0, count: n)
        guard let asOf, let ids = inputs.customers.column(named: "customer_id"), let t = inputs.interactions,
            CRM.inputProblem("interactions", schema: t.schema) == nil,
            let who = t.column(named: "customer_id"), case .int(let people) = who.values,
            let dates = t.column(named: "date"), case .date(let days) = dates.values
        else { return counts }
        let index = CustomerIndex(ids: ids)
        var bySlot = [Int64](repeating: 0, count: n)
        for i in 0..<t.rowCount where !who.isNull(i) && !dates.isNull(i) && days[i] < asOf {
            let slot = index.slot(of: people[i])
            if slot >= 0 { bySlot[Int(slot)] += 1 }
        }
        for i in 0..<n where index.slotOfRow[i] >= 0 { counts[i] = bySlot[Int(index.slotOfRow[i])] }
        return counts
    }
}
