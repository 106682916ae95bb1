import CrmqSemantics
import CrmqEngine

extension CustomerMeasures {
    /// model_clv: the probabilistic CLV of `clv_model` (BG/NBD and Gamma-Gamma fitted on the
    /// transactions before asof, in weeks, over clv_months months) as a column of customers.
    static let modelCLV = ComputedColumn(
        name: "model_clv", type: .double,
        summary: "model CLV: BG/NBD expected purchases times Gamma-Gamma expected value, over clv_months",
        rule: """
            model_clv = margin × Σ over months m = 1 ... clv_months (36) of E[purchases in month m] × \
            E[value of a purchase] / (1 + discount_rate)^(m / 12): the value clv_model(transactions) gives \
            the customer, from a BG/NBD model (Fader, Hardie and Lee 2005) of their repeat purchases and a \
            Gamma-Gamma model of their purchase values, both fitted by maximum likelihood on every customer's \
            purchases before asof, in weeks. Unlike clv, it ignores churned: it infers from each customer's \
            own history whether they are still buying (P(alive)). Null for a customer with no purchase \
            before asof, and for everyone when the models cannot be fitted (no repeat purchases, too little \
            history; clv_model(transactions) then says why). 'help clv_models' compares the two.
            """,
        needs: ["transactions"], requires: ["customer_id"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let n = inputs.customers.rowCount
        guard let transactions = inputs.transactions,
            let asof = CRM.asOf(settings: inputs.settings, transactions: transactions),
            let idColumn = inputs.customers.column(named: "customer_id")
        else { return Column(.null(count: n)) }
        let months = if case .int(let m)? = inputs.settings["clv_months"] { Double(m) } else { Double(ProbabilisticCLV.defaultMonths) }
        let options: [String: Value] = [
            "customer": .string("customer_id"), "date": .string("date"), "amount": .string("amount"),
            "asof": .date(asof), "from": .null, "period": .string("week"), "months": .double(months),
            "on_error": .string("empty"),
        ]
        let model = try ProbabilisticCLV.run(
            "clv_model", .clv, transactions, options, inputs.settings, inputs.cancellation)
        return ProbabilisticCLV.joined(model, value: "model_clv", onto: idColumn)
    }
}
