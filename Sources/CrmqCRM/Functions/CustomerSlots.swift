import CrmqSemantics
import CrmqEngine

/// The customers of a transaction table numbered densely (slots `0..<count`), and each
/// row's slot, so per-customer sums are plain array updates with no boxing and no hashing
/// in the hot loop. Int ids in a compact range are their own slot (id - smallest id);
/// string ids are their dictionary codes; other int ids go through a hash map once.
///
/// A row whose slot is -1 does not count: its customer or date is null, or its date is
/// outside the window (from the `from` date, on or after the as-of date).
struct CustomerSlots {
    /// The days that count, `from ..< asof`, tested with one unsigned comparison: the
    /// hot loops below run it once per transaction.
    struct DayWindow {
        let from: Int32
        let span: UInt32

        init(from: Int32 = .min, before asof: Int32) {
            self.from = from
            span = asof > from ? UInt32(bitPattern: asof &- from) : 0
        }

        @inline(__always) func contains(_ day: Int32) -> Bool { UInt32(bitPattern: day &- from) < span }
    }

    private enum Keys {
        /// slot = id - base
        case dense(base: Int64)
        /// slot = code of `dictionary` (duplicate strings folded onto their first code)
        case codes(StringDictionary)
        /// slot -> id
        case hashed([Int64])
        /// The customer column is all null.
        case none
    }

    private let keys: Keys
    /// Each row's slot, or -1.
    let rows: [Int32]
    /// The number of slots (some may have no counted row).
    let count: Int

    /// - Parameters:
    ///   - customers: int or string ids.
    ///   - dates: the purchase dates; rows with a null date, or a date outside `window`, get -1.
    init(customers: Column, dates: Column, window: DayWindow, cancellation: CancellationFlag) throws(EngineError) {
        let n = customers.count
        var rows = [Int32](repeating: -1, count: n)
        guard case .date(let days) = dates.values else {
            self.keys = .none
            self.rows = rows
            self.count = 0
            return
        }
        // Valid rows: customer and date present, date in the window.
        let valid: [Bool]? = switch (customers.validity, dates.validity) {
        case (nil, nil): nil
        case (let c?, nil): c
        case (nil, let d?): d
        case (let c?, let d?): zip(c, d).map { $0 && $1 }
        }
        @inline(__always) func counts(_ i: Int) -> Bool { window.contains(days[i]) && (valid?[i] ?? true) }

        if let words = customers.int32s {
            (keys, count) = try Self.intSlots(words.values, days, window, valid, &rows, cancellation)
            self.rows = rows
            return
        }
        switch customers.values {
        case .int(let ids):
            (keys, count) = try Self.intSlots(ids, days, window, valid, &rows, cancellation)
        case .string(let codes, let dictionary):
            // A dictionary may hold a string twice; fold each onto its first code.
            var canonical = [Int32](repeating: 0, count: dictionary.count)
            for (c, s) in dictionary.values.enumerated() { canonical[c] = dictionary.codes[s] ?? Int32(c) }
            keys = .codes(dictionary)
            count = dictionary.count
            for start in stride(from: 0, to: n, by: cancellationStride) {
                try cancellation.check()
                for i in start..<min(n, start + cancellationStride) where counts(i) {
                    rows[i] = canonical[Int(codes[i])]
                }
            }
        default:
            keys = .none
            count = 0
        }
        self.rows = rows
    }

    /// The slots of int customer ids, stored in any width: dense ids index an array (`id -
    /// base`), others a dictionary. Writes each counted row's slot into `rows`.
    private static func intSlots<T: FixedWidthInteger & SignedInteger>(
        _ ids: [T], _ days: [Int32], _ window: DayWindow, _ valid: [Bool]?, _ rows: inout [Int32],
        _ cancellation: CancellationFlag
    ) throws(EngineError) -> (Keys, Int) {
        let n = ids.count
        let keys: Keys
        let count: Int
        @inline(__always) func counts(_ i: Int) -> Bool { window.contains(days[i]) && (valid?[i] ?? true) }
        let parts = partCount(rows: n)
        let bounds = Scratch<Int64>(zeroed: 2 * parts)
        Parallel.forEach(n, parts: parts) { part, range in
            let (lo, hi) = Self.bounds(ids, days, window, valid, range)
            bounds.pointer[2 * part] = lo
            bounds.pointer[2 * part + 1] = hi
        }
        try cancellation.check()
        var lo = Int64.max
        var hi = Int64.min
        for p in 0..<parts {
            lo = min(lo, bounds.pointer[2 * p])
            hi = max(hi, bounds.pointer[2 * p + 1])
        }
        if lo > hi {
            keys = .dense(base: 0)
            count = 0
        } else if hi.subtractingReportingOverflow(lo).overflow == false, hi - lo < Int64(n) + (1 << 16),
            hi - lo < (1 << 27)
        {
            keys = .dense(base: lo)
            count = Int(hi - lo) + 1
            let base = lo
            rows.withUnsafeMutableBufferPointer { out in
                let out = SendablePointer(out.baseAddress!)
                Parallel.forEach(n, parts: parts) { _, range in
                    Self.denseSlots(ids, days, window, valid, base, range, out.pointer, cancellation)
                }
            }
            try cancellation.check()
        } else {
            var slotOf: [Int64: Int32] = [:]
            var idOf: [Int64] = []
            for start in stride(from: 0, to: n, by: cancellationStride) {
                try cancellation.check()
                for i in start..<min(n, start + cancellationStride) where counts(i) {
                    let id = Int64(ids[i])
                    if let s = slotOf[id] {
                        rows[i] = s
                    } else {
                        let s = Int32(idOf.count)
                        slotOf[id] = s
                        idOf.append(id)
                        rows[i] = s
                    }
                }
            }
            keys = .hashed(idOf)
            count = idOf.count
        }
        return (keys, count)
    }

    /// The smallest and largest id of the counted rows of `range` (max > min when there is none).
    private static func bounds<T: FixedWidthInteger & SignedInteger>(
        _ ids: [T], _ days: [Int32], _ window: DayWindow, _ valid: [Bool]?, _ range: Range<Int>
    ) -> (Int64, Int64) {
        var lo = Int64.max
        var hi = Int64.min
        ids.withUnsafeBufferPointer { ids in
            days.withUnsafeBufferPointer { days in
                if let valid {
                    for i in range where window.contains(days[i]) && valid[i] {
                        lo = min(lo, Int64(ids[i]))
                        hi = max(hi, Int64(ids[i]))
                    }
                } else {
                    for i in range {
                        let take = window.contains(days[i])
                        lo = min(lo, take ? Int64(ids[i]) : .max)
                        hi = max(hi, take ? Int64(ids[i]) : .min)
                    }
                }
            }
        }
        return (lo, hi)
    }

    /// Writes id - base, or -1, for the rows of `range`.
    private static func denseSlots<T: FixedWidthInteger & SignedInteger>(
        _ ids: [T], _ days: [Int32], _ window: DayWindow, _ valid: [Bool]?, _ base: Int64, _ range: Range<Int>,
        _ out: UnsafeMutablePointer<Int32>, _ cancellation: CancellationFlag
    ) {
        ids.withUnsafeBufferPointer { ids in
            days.withUnsafeBufferPointer { days in
                for start in stride(from: range.lowerBound, to: range.upperBound, by: cancellationStride) {
                    if cancellation.isCancelled { return }
                    let chunk = start..<min(range.upperBound, start + cancellationStride)
                    if let valid {
                        for i in chunk {
                            out[i] = window.contains(days[i]) && valid[i] ? Int32(truncatingIfNeeded: Int64(ids[i]) &- base) : -1
                        }
                    } else {
                        for i in chunk { out[i] = window.contains(days[i]) ? Int32(truncatingIfNeeded: Int64(ids[i]) &- base) : -1 }
                    }
                }
            }
        }
    }

    /// `slots` (ascending) ordered by customer id: numbers ascending, strings in byte order.
    func orderedByID(_ slots: [Int32]) -> [Int32] {
        switch keys {
        case .dense, .none:
            return slots
        case .codes(let dictionary):
            return slots.sorted { a, b in
                dictionary.values[Int(a)].utf8.lexicographicallyPrecedes(dictionary.values[Int(b)].utf8)
            }
        case .hashed(let ids):
            return slots.sorted { ids[Int($0)] < ids[Int($1)] }
        }
    }

    /// The ids of `slots`, as a column of the customer column's type.
    func idColumn(_ slots: [Int32], type: DataType) -> Column {
        switch keys {
        case .dense(let base):
            return Column(.int(slots.map { base + Int64($0) }))
        case .codes(let dictionary):
            return Column(.string(codes: slots, dictionary: dictionary))
        case .hashed(let ids):
            return Column(.int(slots.map { ids[Int($0)] }))
        case .none:
            return Column.from([], type: type == .string ? .string : .int)
        }
    }
}

/// A pointer handed to the parts of a parallel pass, each writing its own rows.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
