import Synchronization
import CrmqEngine

/// The latest date in a date column, remembered per column like a column store's min/max
/// statistics. The as-of view reads `signup_date` and `churn_date` again after every change
/// of `asof`, and the default as-of date reads `transactions.date`, while the columns stay
/// the same: at 10M customers the two scans of the view were 10-15 ms of every query on
/// `customers` after a `set asof` (docs/performance.md).
enum LatestDate {
    /// The latest date among the column's non-null rows; nil when it has none (or is not
    /// a date column).
    static func of(_ column: Column) -> Int32? {
        guard case .date(let days) = column.values else { return nil }
        if let hit = memo.withLock({ entries in entries.first { same($0.column, column) }?.latest }) { return hit }
        let latest = scan(days, column.validity)
        memo.withLock { entries in
            entries.removeAll { same($0.column, column) }
            if entries.count >= kept { entries.removeFirst() }
            entries.append((column, latest))
        }
        return latest
    }

    /// Columns remembered: the two the as-of view reads and the transactions' dates, with room
    /// for a second set of tables. The memo holds the columns, so no other array can take their
    /// storage while they are remembered; a session that replaces a CRM table lets them all go
    /// (`CRM.forgetRememberedColumns`), so a reloaded table's old columns are not kept.
    static let kept = 6
    private static let memo = Mutex<[(column: Column, latest: Int32?)]>([])

    /// Forgets every remembered column (`CRM.forgetRememberedColumns`).
    static func forget() { memo.withLock { $0.removeAll() } }

    /// Whether the memo holds this column (tests).
    static func holds(_ column: Column) -> Bool { memo.withLock { $0.contains { same($0.column, column) } } }

    /// The maximum of the valid rows, on every core, without a branch per row.
    private static func scan(_ days: [Int32], _ valid: [Bool]?) -> Int32? {
        let parts = Parallel.parts(days.count)
        var partial = [(latest: Int32, seen: Bool)](repeating: (.min, false), count: parts)
        let noValidity = [Bool]()
        days.withUnsafeBufferPointer { days in
            (valid ?? noValidity).withUnsafeBufferPointer { validity in
                partial.withUnsafeMutableBufferPointer { partial in
                    Parallel.forEach(days.count, parts: parts) { part, rows in
                        var m = Int32.min
                        var seen = false
                        if valid != nil {
                            for i in rows {
                                m = max(m, validity[i] ? days[i] : .min)
                                seen = seen || validity[i]
                            }
                        } else {
                            for i in rows { m = max(m, days[i]) }
                            seen = !rows.isEmpty
                        }
                        partial[part] = (m, seen)
                    }
                }
            }
        }
        return partial.contains { $0.seen } ? partial.filter(\.seen).map(\.latest).max() : nil
    }

    /// The same arrays (storage and length), so the same column.
    private static func same(_ a: Column, _ b: Column) -> Bool {
        guard case .date(let x) = a.values, case .date(let y) = b.values else { return false }
        return address(x) == address(y) && x.count == y.count && a.validity.map(address) == b.validity.map(address)
    }

    private static func address<T>(_ a: [T]) -> UnsafeRawPointer? {
        a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}

extension CRM {
    /// Lets go of the columns that process-wide caches hold (the latest dates above, the
    /// purchase pass's inputs and sums): a session calls it when it replaces or drops one of
    /// the CRM tables, so the old table's memory is freed with it. The caches refill on use.
    public static func forgetRememberedColumns() {
        LatestDate.forget()
        PurchaseSummary.forget()
    }
}
