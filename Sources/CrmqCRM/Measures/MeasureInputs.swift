import CrmqSemantics
import CrmqEngine

/// How the measures read their inputs: the as-of date, the settings, and numeric or
/// date columns as plain typed arrays with a validity mask (no per-row `Value`).
extension CRMInputs {
    /// A setting's current value, or its default when the session did not pass it.
    func setting(_ name: String) -> Value {
        if let v = settings[name] { return v }
        return CRM.settings.first { $0.name == name }?.defaultValue ?? .null
    }

    func intSetting(_ name: String) -> Int64 {
        switch setting(name) {
        case .int(let v): v
        case .double(let v): Int64(v)
        default: 0
        }
    }

    func doubleSetting(_ name: String) -> Double {
        switch setting(name) {
        case .int(let v): Double(v)
        case .double(let v): v
        default: 0
        }
    }

    /// The as-of date (days since 1970-01-01): the `asof` setting, or the day after the
    /// last dated transaction; nil when neither exists (no as-of date, no date measures).
    var asOf: Int32? {
        if case .date(let d) = setting("asof") { return d }
        return CRM.defaultAsOf(transactions: transactions)
    }
}

extension CRM {
    /// The as-of date when the `asof` setting is null: the day after the last dated
    /// transaction (days since 1970-01-01); nil without transactions or dates.
    public static func defaultAsOf(transactions: Table?) -> Int32? {
        guard let dates = transactions?.column(named: "date"), let last = ColumnStatistics.greatestDate(of: dates) else { return nil }
        return last + 1
    }
}

/// A numeric column (int, double or bool) as doubles, or nil for any other type.
struct NumericColumn {
    var values: [Double]
    var validity: [Bool]?

    init?(_ column: Column?) {
        guard let column else { return nil }
        switch column.values {
        case .double(let a): values = a
        case .int(let a): values = a.map(Double.init)
        case .bool(let a): values = a.map { $0 ? 1 : 0 }
        default: return nil
        }
        validity = column.validity
    }

    @inline(__always) func value(_ i: Int) -> Double? {
        if let v = validity, !v[i] { return nil }
        return values[i]
    }
}

/// Whether each customer had churned by the as-of date: `churned` true and `churn_date`
/// missing or before as-of. Null `churned` counts as not churned (active).
func churnedAsOf(_ customers: Table, asOf: Int32?) -> [Bool] {
    var out = [Bool](repeating: false, count: customers.rowCount)
    guard let churned = NumericColumn(customers.column(named: "churned")) else { return out }
    let dates = customers.column(named: "churn_date")
    for i in 0..<customers.rowCount where (churned.value(i) ?? 0) != 0 {
        if let asOf, let dates, case .date(let d) = dates.values, !dates.isNull(i), d[i] >= asOf { continue }
        out[i] = true
    }
    return out
}
