import Synchronization

/// The least and greatest value of each zone of `RowTest.zone` rows of a column (zone k holds
/// rows `k * zone ..< (k + 1) * zone`).
struct ZoneBounds<T: Comparable & Sendable>: Sendable {
    var lo: [T]
    var hi: [T]

    /// Bounds of rows `start ..< end` (at most one zone long): those of the one or two zones
    /// they fall in, so never narrower than the rows' own.
    @inline(__always)
    func bounds(_ start: Int, _ end: Int) -> (lo: T, hi: T) {
        let z0 = start / RowTest.zone, z1 = (end - 1) / RowTest.zone
        return (Swift.min(lo[z0], lo[z1]), Swift.max(hi[z0], hi[z1]))
    }
}

/// A column's zone bounds, by its type.
enum ZoneMap: Sendable {
    case int(ZoneBounds<Int64>)
    case double(ZoneBounds<Double>)
    case date(ZoneBounds<Int32>)
}

/// Statistics of stored columns, remembered per column like a column store's:
///
/// - **Zone maps.** The first range test over a column (`where date >= "2025-01-01" and
///   date < "2026-01-01"`) reads the whole column for its zones' bounds; later tests read
///   only the rows of zones that straddle a bound. A zone wholly inside the range is taken
///   without reading it, one wholly outside skipped.
/// - **The greatest date** of a date column's valid rows: the as-of view reads `signup_date`
///   and `churn_date` again after every change of `asof`, and the default as-of date reads
///   `transactions.date`, while the columns stay the same (at 10M customers the view's two
///   scans were 10-15 ms of every query on `customers` after a `set asof`). A column that
///   has a zone map answers from it: the greatest of its zones' upper bounds.
///
/// One memo holds both, keyed by the column's storage. It holds the columns it describes, so
/// no other array can take their storage while they are remembered. Callers ask about stored
/// columns: the executor asks for zone maps only over a scan (of a stored table, or of the
/// as-of view of `customers`, whose columns may be computed), the as-of view and the default
/// as-of date about the stored dates. When a session stores, replaces or drops a table, the
/// columns no stored table holds any more are let go (`forget(keeping:)`).
public enum ColumnStatistics {
    /// Columns shorter than this are tested without a zone map (the scan of their bounds is short).
    static let minimumRows = 1 << 20
    /// Columns remembered at most, the least recently used let go first: the as-of view's two dates and the
    /// transactions' dates, a few range-tested columns, and room for a second set of tables.
    static let kept = 8

    /// What is known of one column: each statistic is filled on first use.
    private struct Entry {
        var column: Column
        var zones: ZoneMap?
        /// The greatest date, once known (nil inside: the column has no valid row).
        var greatestDate: Int32??
    }
    private static let memo = Mutex<[Entry]>([])

    /// Forgets every remembered column (tests; sessions use `forget(keeping:)`).
    static func forget() { memo.withLock { $0.removeAll() } }

    /// Forgets the remembered columns that are not among `stored` (the session's tables after
    /// one was stored, replaced or dropped): a replaced table's columns are freed with it, and
    /// the statistics of the tables that stay are kept.
    public static func forget(keeping stored: [Column]) {
        memo.withLock { entries in entries.removeAll { entry in !stored.contains { same($0, entry.column) } } }
    }

    /// Whether the memo holds this column (tests).
    static func holds(_ column: Column) -> Bool { memo.withLock { $0.contains { same($0.column, column) } } }

    /// The column's entry, moved to the back (the last to be let go), or nil.
    private static func entry(of column: Column) -> Entry? {
        memo.withLock { entries in
            guard let i = entries.firstIndex(where: { same($0.column, column) }) else { return nil }
            let entry = entries.remove(at: i)
            entries.append(entry)
            return entry
        }
    }

    /// The zone map of an int, double or date column without nulls of at least `minimumRows`
    /// rows; nil for any other.
    static func zoneMap(of column: Column) -> ZoneMap? {
        // (No zone maps of 8-bit columns: their row tests read the bytes, a block at a time without zones.)
        guard column.validity == nil, !column.isCompact, column.count >= minimumRows else { return nil }
        if let hit = entry(of: column)?.zones { return hit }
        let map: ZoneMap
        switch column.values {
        case .int(let a): map = .int(bounds(a))
        case .double(let a): map = .double(bounds(a))
        case .date(let a): map = .date(bounds(a))
        default: return nil
        }
        remember(column) { $0.zones = map }
        return map
    }

    /// The greatest date among a date column's valid rows; nil when it has none (or is not a
    /// date column).
    public static func greatestDate(of column: Column) -> Int32? {
        guard !column.isCompact, case .date(let days) = column.values else { return nil }
        if let hit = entry(of: column)?.greatestDate { return hit }
        let greatest: Int32?
        if case .date(let zones)? = zoneMap(of: column) {
            greatest = zones.hi.max()
        } else {
            greatest = scanGreatest(days, column.validity)
        }
        remember(column) { $0.greatestDate = .some(greatest) }
        return greatest
    }

    /// Updates the column's entry, adding it (and letting the least recently used go) if it has none.
    private static func remember(_ column: Column, _ update: (inout Entry) -> Void) {
        memo.withLock { entries in
            if let i = entries.firstIndex(where: { same($0.column, column) }) {
                update(&entries[i])
                return
            }
            if entries.count >= kept { entries.removeFirst() }
            var entry = Entry(column: column)
            update(&entry)
            entries.append(entry)
        }
    }

    /// Each zone's bounds, the zones spread over the cores.
    private static func bounds<T: Comparable & Sendable>(_ a: [T]) -> ZoneBounds<T> {
        let zones = (a.count + RowTest.zone - 1) / RowTest.zone
        var lo = [T](), hi = [T]()
        a.withUnsafeBufferPointer { a in
            lo = [T](unsafeUninitializedCapacity: zones) { lo, count in
                hi = [T](unsafeUninitializedCapacity: zones) { hi, count in
                    Parallel.forEach(zones, parts: Parallel.cores) { _, range in
                        for z in range {
                            let start = z * RowTest.zone, end = Swift.min(start + RowTest.zone, a.count)
                            var l = a[start], h = a[start]
                            for i in start..<end {
                                l = Swift.min(l, a[i])
                                h = Swift.max(h, a[i])
                            }
                            lo.initializeElement(at: z, to: l)
                            hi.initializeElement(at: z, to: h)
                        }
                    }
                    count = zones
                }
                count = zones
            }
        }
        return ZoneBounds(lo: lo, hi: hi)
    }

    /// The greatest of the valid rows, on every core, without a branch per row.
    private static func scanGreatest(_ days: [Int32], _ valid: [Bool]?) -> Int32? {
        let parts = Parallel.parts(days.count)
        var partial = [(greatest: Int32, seen: Bool)](repeating: (.min, false), count: parts)
        let noValidity = [Bool]()
        days.withUnsafeBufferPointer { days in
            (valid ?? noValidity).withUnsafeBufferPointer { validity in
                partial.withUnsafeMutableBufferPointer { partial in
                    Parallel.forEach(days.count, parts: parts) { part, rows in
                        var m = Int32.min
                        var seen = false
                        if valid != nil {
                            for i in rows {
                                m = Swift.max(m, validity[i] ? days[i] : .min)
                                seen = seen || validity[i]
                            }
                        } else {
                            for i in rows { m = Swift.max(m, days[i]) }
                            seen = !rows.isEmpty
                        }
                        partial[part] = (m, seen)
                    }
                }
            }
        }
        return partial.filter(\.seen).map(\.greatest).max()
    }

    /// The same arrays (values, length and validity): the same column.
    private static func same(_ a: Column, _ b: Column) -> Bool {
        guard let x = storage(a), let y = storage(b) else { return false }
        return x.kind == y.kind && x.values == y.values && x.count == y.count && x.validity == y.validity
    }

    /// Where a column's values and validity are stored, and the kind of its values (empty
    /// arrays of any type share one storage); nil for a column of the null type.
    private static func storage(_ c: Column)
        -> (kind: Int, values: UnsafeRawPointer?, count: Int, validity: UnsafeRawPointer?)?
    {
        let kind: Int, values: UnsafeRawPointer?
        if let small = c.smallInts { return (5, address(small.values), c.count, c.validity.flatMap(address)) }
        if let words = c.int32s { return (7, address(words.values), c.count, c.validity.flatMap(address)) }
        if let sequence = c.intSequence { return (6, UnsafeRawPointer(Unmanaged.passUnretained(sequence).toOpaque()), c.count, nil) }
        switch c.values {
        case .int(let a): (kind, values) = (0, address(a))
        case .double(let a): (kind, values) = (1, address(a))
        case .bool(let a): (kind, values) = (2, address(a))
        case .date(let a): (kind, values) = (3, address(a))
        case .string(let a, _): (kind, values) = (4, address(a))
        case .null: return nil
        }
        return (kind, values, c.count, c.validity.flatMap(address))
    }

    private static func address<T>(_ a: [T]) -> UnsafeRawPointer? {
        a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}
