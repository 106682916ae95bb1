import CrmqSemantics
import CrmqEngine

/// The computed customer columns of crmq-language.md, each with its documented rule.
public enum CustomerMeasures {
    public static let all: [ComputedColumn] = [
        recency, frequency, monetary, spend12m, shareOfWallet, tenureDays, lifecycleStage, loyaltyStage, npsGroup,
        clv, clp, satisfactionGap, modelCLV,
    ]

    /// satisfaction_gap = perceived_quality - expectation (Kotler: satisfaction is the
    /// feeling from comparing perceived performance with expectation).
    static let satisfactionGap = ComputedColumn(
        name: "satisfaction_gap", type: .int,
        summary: "perceived_quality - expectation (Kotler)",
        rule: """
            satisfaction_gap = perceived_quality - expectation. Kotler defines satisfaction as the feeling \
            that comes from comparing a product's perceived performance with the customer's expectation: \
            a positive gap delights, a negative one disappoints. Null when either answer is missing.
            """,
        needs: [], requires: ["perceived_quality", "expectation"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let executor = Executor(tables: { _ in nil }, cancellation: inputs.cancellation)
        let schema = inputs.customers.schema
        guard let q = schema.index(of: "perceived_quality"), let e = schema.index(of: "expectation"),
            schema[q].type == .int, schema[e].type == .int
        else { return Column(.null(count: inputs.customers.rowCount)) }
        let expr = BoundExpr(.call(.subtract, [
            BoundExpr(.column(q), type: .int, range: .at(0)), BoundExpr(.column(e), type: .int, range: .at(0)),
        ]), type: .int, range: .at(0))
        return try executor.evaluate(expr, over: inputs.customers)
    }
}
