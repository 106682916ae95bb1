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

/// Zone maps of stored columns, remembered per column like a column store's: the first range
/// test over a column (`where date >= "2025-01-01" and date < "2026-01-01"`) reads the whole
/// column for its zones' bounds, and later tests read only the rows of zones that straddle a
/// bound. A zone wholly inside the range is taken without reading it, one wholly outside
/// skipped. The executor asks for them only over a scan of a stored table, never for a
/// temporary column, since the memo holds the columns it describes (no other array can take
/// their storage); a session that stores, replaces or drops any table lets them all go.
public enum ZoneMaps {
    /// Columns shorter than this are tested without a map (the scan of their bounds is short).
    static let minimumRows = 1 << 20
    /// Columns remembered at most (the oldest is let go first).
    static let kept = 4
    private static let memo = Mutex<[(column: Column, map: ZoneMap)]>([])

    /// Forgets every remembered column.
    public static func forget() { memo.withLock { $0.removeAll() } }

    /// Whether the memo holds this column (tests).
    static func holds(_ column: Column) -> Bool { memo.withLock { $0.contains { same($0.column, column) } } }

    /// The zone map of an int, double or date column without nulls of at least `minimumRows`
    /// rows; nil for any other.
    static func of(_ column: Column) -> ZoneMap? {
        guard column.validity == nil, column.count >= minimumRows else { return nil }
        if let hit = memo.withLock({ entries in entries.first { same($0.column, column) }?.map }) { return hit }
        let map: ZoneMap
        switch column.values {
        case .int(let a): map = .int(bounds(a))
        case .double(let a): map = .double(bounds(a))
        case .date(let a): map = .date(bounds(a))
        default: return nil
        }
        memo.withLock { entries in
            entries.removeAll { same($0.column, column) }
            if entries.count >= kept { entries.removeFirst() }
            entries.append((column, map))
        }
        return map
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

    /// The same array (storage and length): the same column.
    private static func same(_ a: Column, _ b: Column) -> Bool {
        switch (a.values, b.values) {
        case (.int(let x), .int(let y)): return x.count == y.count && address(x) == address(y)
        case (.double(let x), .double(let y)): return x.count == y.count && address(x) == address(y)
        case (.date(let x), .date(let y)): return x.count == y.count && address(x) == address(y)
        default: return false
        }
    }

    private static func address<T>(_ a: [T]) -> UnsafeRawPointer? {
        a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}
