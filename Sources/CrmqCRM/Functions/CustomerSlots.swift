import CrmqSemantics
import CrmqEngine

/// The customers of a transaction table numbered densely (slots `0..<count`), and each
/// row's slot, so per-customer sums are plain array updates with no boxing and no hashing
/// in the hot loop. Int ids in a compact range are their own slot (id - smallest id);
/// string ids are their dictionary codes; other int ids go through a hash map once.
///
/// A row whose slot is -1 does not count: its customer or date is null, or its date is
/// not before the as-of date.
struct CustomerSlots {
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
    ///   - dates: the purchase dates; rows with a null date, or a date on or after `before`, get -1.
    init(customers: Column, dates: Column, before asof: Int32, cancellation: CancellationFlag) throws(EngineError) {
        let n = customers.count
        var rows = [Int32](repeating: -1, count: n)
        guard case .date(let days) = dates.values else {
            self.keys = .none
            self.rows = rows
            self.count = 0
            return
        }
        // Valid rows: customer and date present, date before asof.
        let customerValid = customers.validity
        let dateValid = dates.validity
        @inline(__always) func counts(_ i: Int) -> Bool {
            days[i] < asof && (dateValid?[i] ?? true) && (customerValid?[i] ?? true)
        }

        switch customers.values {
        case .int(let ids):
            var lo = Int64.max
            var hi = Int64.min
            for i in 0..<n where counts(i) {
                lo = min(lo, ids[i])
                hi = max(hi, ids[i])
            }
            if lo > hi {
                keys = .dense(base: 0)
                count = 0
            } else if hi.subtractingReportingOverflow(lo).overflow == false, hi - lo < Int64(n) + (1 << 16),
                hi - lo < (1 << 27)
            {
                keys = .dense(base: lo)
                count = Int(hi - lo) + 1
                try rows.withUnsafeMutableBufferPointer { out throws(EngineError) in
                    for start in stride(from: 0, to: n, by: cancellationStride) {
                        try cancellation.check()
                        for i in start..<min(n, start + cancellationStride) where counts(i) {
                            out[i] = Int32(truncatingIfNeeded: ids[i] &- lo)
                        }
                    }
                }
            } else {
                var slotOf: [Int64: Int32] = [:]
                var idOf: [Int64] = []
                for start in stride(from: 0, to: n, by: cancellationStride) {
                    try cancellation.check()
                    for i in start..<min(n, start + cancellationStride) where counts(i) {
                        let id = ids[i]
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

    /// `slots` ordered by customer id: numbers ascending, strings in byte order.
    func orderedByID(_ slots: [Int32]) -> [Int32] {
        switch keys {
        case .dense, .none:
            return slots.sorted()
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
