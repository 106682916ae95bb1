import CrmqSemantics
import CrmqEngine

/// `customers` as it stood at the as-of date, which is what queries and measures see: a
/// customer who signed up after asof does not exist yet, and a churn dated on or after asof
/// has not happened yet (`churned` false, `churn_date` null). The as-of date is exclusive
/// like everywhere else in crmq: purchases count when dated before it, so with the default
/// (the day after the last transaction) every recorded purchase, signup and churn up to the
/// last transaction day is in the past.
extension CRM {
    /// The as-of date (days since 1970-01-01): the `asof` setting, or when it is null the day
    /// after the last dated transaction; nil when neither exists.
    public static func asOf(settings: [String: Value], transactions: Table?) -> Int32? {
        if case .date(let d) = settings["asof"] ?? .null { return d }
        return defaultAsOf(transactions: transactions)
    }

    /// `customers` as of `asOf` (see above). The same table, storage and all, when nothing
    /// changes (the usual case with the default as-of date), so caches keyed on it stay warm.
    public static func customersAsOf(_ customers: Table, asOf: Int32?) -> Table {
        guard let asOf else { return customers }
        var table = customers
        // Customers who signed up after asof are not rows yet. (The latest signup first, which
        // is remembered per column: most often nothing changes.)
        if let signup = customers.column(named: "signup_date"), case .date(let days) = signup.values,
            let latest = ColumnStatistics.greatestDate(of: signup), latest > asOf
        {
            var keep: [Int] = []
            keep.reserveCapacity(customers.rowCount)
            for i in 0..<customers.rowCount where signup.validity?[i] == false || days[i] <= asOf { keep.append(i) }
            table = table.gather(keep)
        }
        // Churn dated on or after asof is unknown then. (The latest churn date of the table as
        // given, remembered per column: a bound for the rows kept above, and the rows are
        // looked at below. Asking about the kept rows' column would remember a temporary.)
        guard let c = table.schema.index(of: "churned"), let d = table.schema.index(of: "churn_date"),
            case .date(let churnDays) = table.columns[d].values,
            let stored = customers.column(named: "churn_date"), let latest = ColumnStatistics.greatestDate(of: stored),
            latest >= asOf
        else { return table }
        let dates = table.columns[d]
        var later: [Int] = []
        for i in 0..<table.rowCount where churnDays[i] >= asOf && dates.validity?[i] != false { later.append(i) }
        guard !later.isEmpty else { return table }
        var churned = table.columns[c]
        if var small = churned.smallInts?.values {
            for i in later { small[i] = 0 }
            churned = Column(smallInts: small, validity: churned.validity)
        } else {
            switch churned.values {
            case .bool(var a): for i in later { a[i] = false }; churned = Column(.bool(a), validity: churned.validity)
            case .int(var a): for i in later { a[i] = 0 }; churned = Column(.int(a), validity: churned.validity)
            case .double(var a): for i in later { a[i] = 0 }; churned = Column(.double(a), validity: churned.validity)
            default: break
            }
        }
        var valid = dates.validity ?? [Bool](repeating: true, count: table.rowCount)
        for i in later { valid[i] = false }
        var columns = table.columns
        columns[c] = churned
        columns[d] = Column(dates.values, validity: valid)
        return Table(schema: table.schema, columns: columns, rowCount: table.rowCount)
    }
}
