import CrmqSemantics
import CrmqEngine

/// A table function of the CRM layer: its signature for the checker and its implementation.
public struct CRMTableFunction: Sendable {
    public var signature: TableFunctionSignature
    /// What `help <name>` says beyond the usage: the output columns and the rules behind them.
    public var details: String
    /// The result over `input`, given the resolved options and the session's settings.
    public var run: @Sendable (
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table

    public init(
        signature: TableFunctionSignature, details: String = "",
        run: @escaping @Sendable (Table, [String: Value], [String: Value], CancellationFlag) throws(EngineError) -> Table
    ) {
        self.signature = signature
        self.details = details
        self.run = run
    }
}

extension CRM {
    /// Every table function, by name.
    public static let tableFunctions: [String: CRMTableFunction] = [
        "rfm": RFM.function,
        "cohorts": Cohorts.function,
        "kmeans": KMeans.function,
        "kmeans_elbow": KMeans.elbow,
        "kmeans_profile": KMeans.profile,
        "value_matrix": ValueMatrix.function,
        "regress": Regress.function,
        "rules": AssociationRules.function,
        "logit": Logit.function,
        "logit_gain": Logit.gain,
        "logit_score": Logit.score,
        "bgnbd_fit": ProbabilisticCLV.bgnbdFit,
        "bgnbd": ProbabilisticCLV.bgnbd,
        "expected_purchases_curve": ProbabilisticCLV.curve,
        "gamma_gamma_fit": ProbabilisticCLV.gammaGammaFit,
        "gamma_gamma": ProbabilisticCLV.gammaGamma,
        "clv_model": ProbabilisticCLV.clv,
    ]

    /// Runs the CRM table functions for the executor, with the session's settings and its
    /// stored tables (which `customers(asof = ...)` computes from).
    public struct Runner: TableFunctionRunner {
        let settings: [String: Value]
        let tables: [String: Table]
        public init(settings: [String: Value], tables: [String: Table] = [:]) {
            self.settings = settings
            self.tables = tables
        }
        public func run(_ name: String, input: Table, options: [String: Value], cancellation: CancellationFlag)
            throws(EngineError) -> Table
        {
            if name == CRM.customersAtDate.name, case .date(let d)? = options["asof"] {
                return try CRM.customers(asOf: d, tables: tables, settings: settings, cancellation: cancellation)
            }
            guard let f = CRM.tableFunctions[name] else { throw .missingTable(name + "()") }
            return try f.run(input, options, settings, cancellation)
        }
    }
}
