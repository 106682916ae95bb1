import CrmqSemantics
import CrmqEngine

/// The behavioural columns: recency, frequency, monetary (RFM), spend_12m, share_of_wallet
/// and tenure_days. All count only purchases dated before the as-of date.
extension CustomerMeasures {
    static let asOfRule = """
        Only purchases dated before the as-of date count: the asof setting, or when it is null the \
        day after the last transaction. Transactions without a date or of a customer_id not in \
        customers are ignored.
        """

    static let recency = ComputedColumn(
        name: "recency", type: .int,
        summary: "days since the last purchase (RFM's R)",
        rule: """
            recency = asof - the date of the customer's last purchase before asof, in days (1 for a \
            purchase the day before asof). Null for a customer with no purchase before asof. RFM \
            analysis: the more recent the last purchase, the likelier the next one.

            \(asOfRule)
            """,
        needs: ["transactions"], requires: ["customer_id"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let s = try PurchaseSummary.of(inputs)
        guard let asOf = s.asOf else { return Column(.null(count: inputs.customers.rowCount)) }
        let last = s.lastDays
        return Column(.int(last.map { $0 == .min ? 0 : Int64(asOf) - Int64($0) }), validity: last.map { $0 != .min })
    }

    static let frequency = ComputedColumn(
        name: "frequency", type: .int,
        summary: "purchases before the as-of date (RFM's F)",
        rule: """
            frequency = the number of the customer's transactions dated before asof (a transaction \
            with a missing amount still counts); 0 when there is none. RFM analysis: customers who buy \
            often are likelier to buy again.

            \(asOfRule)
            """,
        needs: ["transactions"], requires: ["customer_id"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        Column(.int(try PurchaseSummary.of(inputs).counts))
    }

    static let monetary = ComputedColumn(
        name: "monetary", type: .double,
        summary: "revenue before the as-of date (RFM's M)",
        rule: """
            monetary = the sum of amount over the customer's transactions dated before asof (missing \
            amounts are skipped; refunds, negative amounts, reduce it); 0.0 when there is none. RFM \
            analysis: the customer's value so far.

            \(asOfRule)
            """,
        needs: ["transactions"], requires: ["customer_id"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        Column(.double(try PurchaseSummary.of(inputs).revenues))
    }

    static let spend12m = ComputedColumn(
        name: "spend_12m", type: .double,
        summary: "revenue in the 12 months before the as-of date",
        rule: """
            spend_12m = the sum of amount over the customer's transactions dated in [asof - 365 days, \
            asof); 0.0 when there is none. The customer's yearly spend with us: the numerator of \
            share_of_wallet and the yearly revenue behind clv.

            \(asOfRule)
            """,
        needs: ["transactions"], requires: ["customer_id"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        Column(.double(try PurchaseSummary.of(inputs, .spend12m).revenue12m))
    }

    static let shareOfWallet = ComputedColumn(
        name: "share_of_wallet", type: .double,
        summary: "our share of wallet: spend_12m / category_spend",
        rule: """
            share_of_wallet = spend_12m / category_spend, where category_spend is the customer's \
            yearly spend in the whole category, with every vendor. Null when category_spend is missing \
            or not above 0. Not capped: above 1 means category_spend understates what the customer \
            spends. The course material calls share of wallet (customer share) the quality of the \
            market, market share its quantity; with retention it measures loyalty.
            """,
        needs: ["transactions"], requires: ["customer_id", "category_spend"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let spend = try PurchaseSummary.of(inputs, .spend12m).revenue12m
        let n = inputs.customers.rowCount
        guard let category = NumericColumn(inputs.customers.column(named: "category_spend")) else {
            return Column(.null(count: n))
        }
        var out = [Double](repeating: 0, count: n)
        var valid = [Bool](repeating: false, count: n)
        for i in 0..<n {
            guard let c = category.value(i), c > 0 else { continue }
            out[i] = spend[i] / c
            valid[i] = true
        }
        return Column(.double(out), validity: valid)
    }

    static let tenureDays = ComputedColumn(
        name: "tenure_days", type: .int,
        summary: "days from signup to the as-of date",
        rule: """
            tenure_days = asof - signup_date, in days (0 for a signup on asof). Null when signup_date \
            is missing or after asof (not yet a customer then), and when there is no as-of date (asof \
            null and no dated transaction). The length of the relationship, which places the customer \
            in the lifecycle.
            """,
        needs: [], requires: ["signup_date"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        tenure(inputs)
    }

    /// tenure_days, also read by lifecycle_stage.
    static func tenure(_ inputs: CRMInputs) -> Column {
        let n = inputs.customers.rowCount
        guard let asOf = inputs.asOf, let signup = inputs.customers.column(named: "signup_date"),
            case .date(let days) = signup.values
        else { return Column(.null(count: n)) }
        var out = [Int64](repeating: 0, count: n)
        var valid = [Bool](repeating: false, count: n)
        for i in 0..<n where !signup.isNull(i) && days[i] <= asOf {
            out[i] = Int64(asOf) - Int64(days[i])
            valid[i] = true
        }
        return Column(.int(out), validity: valid)
    }
}
