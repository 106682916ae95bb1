import CrmqSemantics
import CrmqEngine

/// The tables and settings a CRM measure is computed from.
public struct CRMInputs: Sendable {
    public var customers: Table
    public var transactions: Table?
    public var interactions: Table?
    /// The current value of every setting (CRM ones included), by name.
    public var settings: [String: Value]
    public var cancellation: CancellationFlag

    public init(
        customers: Table, transactions: Table?, interactions: Table?, settings: [String: Value],
        cancellation: CancellationFlag
    ) {
        self.customers = customers
        self.transactions = transactions
        self.interactions = interactions
        self.settings = settings
        self.cancellation = cancellation
    }
}

/// A column of `customers` computed from the loaded tables, never stored: recency,
/// share_of_wallet, loyalty_stage ... Its rule is documented (docs/crm.md, `help <name>`).
public struct ComputedColumn: Sendable {
    public var name: String
    public var type: DataType
    /// One line: what it means.
    public var summary: String
    /// The rule, its thresholds (settings) and where it comes from in the theory.
    public var rule: String
    /// Tables besides `customers` it needs (e.g. `transactions`).
    public var needs: [String]
    /// Columns of `customers` it is computed from; without them the column does not exist.
    public var requires: [String]
    public var compute: @Sendable (CRMInputs) throws(EngineError) -> Column

    public init(
        name: String, type: DataType, summary: String, rule: String, needs: [String], requires: [String],
        compute: @escaping @Sendable (CRMInputs) throws(EngineError) -> Column
    ) {
        self.name = name
        self.type = type
        self.summary = summary
        self.rule = rule
        self.needs = needs
        self.requires = requires
        self.compute = compute
    }
}

extension CRM {
    /// The table that gets computed columns, and the tables they are computed from:
    /// a change to any of them (or to a CRM setting) makes cached columns stale.
    public static let customersTable = "customers"
    public static let inputTables: Set<String> = ["customers", "transactions", "interactions"]

    /// The columns the measures read from an input table besides `customers`, with the
    /// types they may have.
    static let inputColumns: [String: [(name: String, types: [DataType])]] = [
        "transactions": [("customer_id", [.int]), ("date", [.date]), ("amount", [.int, .double])],
        "interactions": [("customer_id", [.int]), ("date", [.date])],
    ]

    /// Why a loaded input table cannot feed the measures ("has no column 'date'"), nil when it can.
    public static func inputProblem(_ table: String, schema: Schema) -> String? {
        for (name, types) in inputColumns[table] ?? [] {
            guard let i = schema.index(of: name) else { return "has no column '\(name)'" }
            if !types.contains(schema[i].type) {
                return "has '\(name)' as \(schema[i].type), not "
                    + types.map(\.rawValue).joined(separator: " or ")
            }
        }
        return nil
    }

    /// The computed columns `customers` has when the tables they need are loaded,
    /// except those it stores itself (a stored column of the same name wins).
    public static func computedColumns(customers: Schema, loaded: Set<String>) -> [ComputedColumn] {
        CustomerMeasures.all.filter { c in
            customers.index(of: c.name) == nil && c.needs.allSatisfy(loaded.contains)
                && c.requires.allSatisfy { customers.index(of: $0) != nil }
        }
    }
}

extension CRM {
    /// The settings of the CRM measures (thresholds, as-of date, CLV parameters).
    public static let settings: [SettingSpec] = [
        SettingSpec(
            name: "asof", type: .date, defaultValue: .null,
            summary: "the date recency and 'last 12 months' count from"),
        SettingSpec(
            name: "margin", type: .double, defaultValue: .double(0.3),
            summary: "profit margin on revenue, for clv and clp",
            validate: { if case .double(let m) = $0, !(0...1).contains(m) { "margin must be between 0 and 1" } else { nil } }),
        SettingSpec(
            name: "discount_rate", type: .double, defaultValue: .double(0.1),
            summary: "yearly discount rate, for clv",
            validate: { if case .double(let d) = $0, !(0..<1).contains(d) { "discount_rate must be at least 0 and below 1" } else { nil } }),
        SettingSpec(
            name: "cost_per_contact", type: .double, defaultValue: .double(5),
            summary: "cost of one service contact, for clp",
            validate: { if case .double(let c) = $0, !(c >= 0) { "cost_per_contact must be at least 0" } else { nil } }),
        SettingSpec(
            name: "marketing_cost", type: .double, defaultValue: .double(10),
            summary: "yearly marketing cost per customer, for clp",
            validate: { if case .double(let c) = $0, !(c >= 0) { "marketing_cost must be at least 0" } else { nil } }),
        intSetting("clv_months", 36, in: 1...120,
            "months model_clv sums the expected purchases over"),
        intSetting("decline_days", 180, in: 1...3650,
            "idle days after which lifecycle is decline"),
        intSetting("identification_days", 90, in: 0...3650,
            "tenure below which lifecycle is identification"),
        intSetting("stability_days", 365, in: 0...3650,
            "tenure from which lifecycle can be stability"),
        intSetting("stability_purchases", 6, in: 1...1000,
            "12-month purchases for lifecycle stability"),
        intSetting("conative_intent", 6, in: 1...7,
            "repurchase_intent (1-7) for loyalty conative"),
        intSetting("affective_satisfaction", 7, in: 1...10,
            "satisfaction (1-10) for loyalty affective"),
        intSetting("affective_trust", 5, in: 1...7,
            "trust (1-7) for loyalty affective"),
        intSetting("action_purchases", 4, in: 1...1000,
            "12-month purchases for loyalty action"),
    ]

    /// An int threshold of a measure, validated against its range.
    private static func intSetting(_ name: String, _ value: Int64, in range: ClosedRange<Int64>, _ summary: String)
        -> SettingSpec
    {
        SettingSpec(
            name: name, type: .int, defaultValue: .int(value), summary: summary,
            validate: {
                if case .int(let v) = $0, !range.contains(v) {
                    "\(name) must be between \(range.lowerBound) and \(range.upperBound)"
                } else if $0.isNull {
                    "\(name) cannot be null"
                } else { nil }
            })
    }
}
