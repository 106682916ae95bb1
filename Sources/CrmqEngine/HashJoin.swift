import CrmqSemantics

/// Equi-join building on the right side. Keys of both sides are first turned into comparable
/// 64-bit integers (strings into byte-order ranks shared by both dictionaries), then into dense
/// ids assigned from the right side; several keys combine pairwise into one id. Right rows are
/// bucketed by id (a counting sort, so each bucket keeps right order) and left rows probe in
/// order, which gives the output order the plan promises.
enum HashJoin {
    static func run(
        left: Table, right: Table, keys: [PlanJoinKey], kind: PlanJoinKind, rightColumns: [Int],
        needed: Set<Int>? = nil, schema: Schema, cancel: CancellationFlag, budget: MemoryBudget = .unlimited
    ) throws(EngineError) -> Table {
        let nl = left.rowCount, nr = right.rowCount
        // Output columns nobody reads are not gathered (all-null placeholders instead).
        let leftCount = left.columns.count
        func wanted(_ output: Int) -> Bool { needed?.contains(output) ?? true }
        var leftIds = [Int32](repeating: 0, count: nl)
        var rightIds = [Int32](repeating: 0, count: nr)
        var count = 1
        for (k, pair) in keys.enumerated() {
            let m: (left: [Int32], right: [Int32], count: Int)
            let (l, r) = (left.columns[pair.left], right.columns[pair.right])
            if let sequence = r.intSequence, sequence.count > 0, l.type == .int {
                // Right keys stored as a sequence (customers by id): right row i has id i, and a
                // left key's id is its offset from the first, without a 64-bit copy of the keys.
                let lookup = ConsecutiveKeys(lo: sequence.first, hi: sequence[sequence.count - 1])
                let leftIds: [Int32]
                if let words = l.int32s {
                    leftIds = try probe(words.values, l.validity, lookup, cancel)
                } else if let small = l.smallInts {
                    leftIds = try probe(small.values, l.validity, lookup, cancel)
                } else if case .int(let a) = l.values {
                    leftIds = try probe(a, l.validity, lookup, cancel)
                } else {
                    leftIds = [Int32](repeating: -1, count: nl)
                }
                m = (
                    leftIds,
                    Parallel.array(nr) { (out: UnsafeMutableBufferPointer<Int32>, rows) in
                        for i in rows { out[i] = Int32(truncatingIfNeeded: i) }
                    },
                    nr)
                try cancel.check()
            } else {
                let (lk, rk) = comparableKeys(l, r)
                m = try matchIds(right: rk, left: lk, cancel: cancel)
            }
            if k == 0 {
                (leftIds, rightIds, count) = (m.left, m.right, m.count)
            } else {
                // The pair (ids so far, this key's id) as one key; -1 anywhere means no match.
                let c = Int64(m.count)
                let combine: (Int32, Int32) -> Int64 = { a, b in a < 0 || b < 0 ? -1 : Int64(a) * c + Int64(b) }
                let r = map2(.array(rightIds), .array(m.right), nr, combine)
                let l = map2(.array(leftIds), .array(m.left), nl, combine)
                let combined = try matchIds(
                    right: (r, map1(.array(r), nr) { $0 >= 0 }), left: (l, map1(.array(l), nl) { $0 >= 0 }),
                    cancel: cancel)
                (leftIds, rightIds, count) = (combined.left, combined.right, combined.count)
            }
        }
        if keys.isEmpty {
            // Every row pairs with every row: one id shared by all, or none when the right is empty.
            count = nr > 0 ? 1 : 0
            if nr == 0 { leftIds = [Int32](repeating: -1, count: nl) }
        }

        if let unique = try uniqueJoin(
            left: left, right: right, leftIds: leftIds, rightIds: rightIds, count: count, kind: kind,
            rightColumns: rightColumns, wanted: wanted, schema: schema, cancel: cancel)
        {
            return unique
        }

        // Right rows bucketed by id, each bucket in right order.
        var start = [Int](repeating: 0, count: count + 1)
        for id in rightIds where id >= 0 { start[Int(id) + 1] += 1 }
        for g in 0..<count { start[g + 1] += start[g] }
        var fill = Array(start.dropLast())
        var bucketed = [Int32](repeating: 0, count: start[count])
        for r in 0..<nr where rightIds[r] >= 0 {
            let id = Int(rightIds[r])
            bucketed[fill[id]] = Int32(r)
            fill[id] += 1
        }

        let keepUnmatched = kind == .left
        // The output's size is known before anything is allocated for it: a join that would
        // not fit fails here, at once, saying how many rows it would make.
        var outputRows = 0
        for l in 0..<nl {
            if l & 0xFFFF == 0 { try cancel.check() }
            let id = Int(leftIds[l])
            let matches = id >= 0 ? start[id + 1] - start[id] : 0
            outputRows &+= matches > 0 ? matches : (keepUnmatched ? 1 : 0)
        }
        let gathered = (0..<(leftCount + rightColumns.count)).filter(wanted).count
        try budget.check(rows: outputRows, columns: gathered, operation: "the join")

        var outLeft: [Int32] = [], outRight: [Int32] = []
        outLeft.reserveCapacity(outputRows)
        outRight.reserveCapacity(outputRows)
        // Polled by rows written as well as rows read: one left row may match millions.
        var nextCheck = 0
        for l in 0..<nl {
            if l & 0xFFFF == 0 || outLeft.count >= nextCheck {
                try cancel.check()
                nextCheck = outLeft.count + chunkSize
            }
            let id = Int(leftIds[l])
            if id >= 0, start[id] < start[id + 1] {
                for k in start[id]..<start[id + 1] {
                    outLeft.append(Int32(l))
                    outRight.append(bucketed[k])
                }
            } else if keepUnmatched {
                outLeft.append(Int32(l))
                outRight.append(-1)
            }
        }
        var columns: [Column] = []
        for (j, c) in left.columns.enumerated() {
            try cancel.check()
            columns.append(wanted(j) ? c.take(outLeft, cancel: cancel) : Column(.null(count: outLeft.count)))
        }
        for (j, i) in rightColumns.enumerated() {
            try cancel.check()
            columns.append(
                wanted(leftCount + j)
                    ? right.columns[i].take(outRight, mayHaveMissing: keepUnmatched, cancel: cancel)
                    : Column(.null(count: outLeft.count)))
        }
        try cancel.check()  // a gather cut short by Ctrl-C
        return Table(schema: schema, columns: columns, rowCount: outLeft.count)
    }

    /// The join when no two right rows share a key (a lookup table: customers by id, regions
    /// by name), else nil. Each left row then matches at most one right row, so left rows keep
    /// their places: when all of them stay (every row matched, or a left join) the left
    /// columns are reused as they are, and only the right columns are gathered.
    static func uniqueJoin(
        left: Table, right: Table, leftIds: [Int32], rightIds: [Int32], count: Int, kind: PlanJoinKind,
        rightColumns: [Int], wanted: (Int) -> Bool, schema: Schema, cancel: CancellationFlag
    ) throws(EngineError) -> Table? {
        var rowOfId = [Int32](repeating: -1, count: count)
        var identity = rightIds.count == count  // id r is right row r (keys in order, no nulls)
        var start = 0
        while start < rightIds.count {
            try cancel.check()
            let end = Swift.min(start + chunkSize, rightIds.count)
            for r in start..<end where rightIds[r] >= 0 {
                let id = rightIds[r]
                if rowOfId[Int(id)] >= 0 { return nil }
                rowOfId[Int(id)] = Int32(r)
                identity = identity && id == Int32(r)
            }
            start = end
        }
        try cancel.check()
        let nl = leftIds.count
        // Customers by id usually have their ids in row order: a left row's id is then
        // already its right row, without a lookup per row.
        let matchedRight: [Int32] = identity ? leftIds : try rowOfId.withUnsafeBufferPointer { (rows) throws(EngineError) in
            try leftIds.withUnsafeBufferPointer { (ids) throws(EngineError) in
                try Parallel.array(nl, cancel: cancel) { out, range in
                    for l in range {
                        let id = Int(ids[l])
                        out.initializeElement(at: l, to: id >= 0 ? rows[id] : -1)
                    }
                }
            }
        }
        try cancel.check()
        // Counted a chunk at a time, polling Ctrl-C (120M rows took up to 100 ms).
        var unmatched = 0
        try matchedRight.withUnsafeBufferPointer { (m) throws(EngineError) in
            try cancel.chunks(m.count) { rows in
                for l in rows where m[l] < 0 { unmatched += 1 }
            }
        }
        var leftColumns = left.columns
        var rightRows = matchedRight
        if unmatched > 0 && kind == .inner {
            var keep: [Int32] = []
            keep.reserveCapacity(nl - unmatched)
            for l in 0..<nl where matchedRight[l] >= 0 { keep.append(Int32(l)) }
            rightRows = keep.map { matchedRight[Int($0)] }
            leftColumns = []
            for (j, c) in left.columns.enumerated() {
                try cancel.check()
                leftColumns.append(wanted(j) ? c.take(keep, cancel: cancel) : Column(.null(count: keep.count)))
            }
        }
        var columns = leftColumns
        for (j, i) in rightColumns.enumerated() {
            try cancel.check()
            columns.append(
                wanted(left.columns.count + j)
                    ? right.columns[i].take(rightRows, mayHaveMissing: kind == .left && unmatched > 0, cancel: cancel)
                    : Column(.null(count: rightRows.count)))
        }
        try cancel.check()  // a gather cut short by Ctrl-C
        return Table(schema: schema, columns: columns, rowCount: rightRows.count)
    }

    /// Key values as 64-bit integers, with their validity (nil: no nulls).
    typealias Keys = (values: [Int64], valid: [Bool]?)

    /// Both sides' key columns as 64-bit integers that are equal exactly when the values are.
    static func comparableKeys(_ l: Column, _ r: Column) -> (Keys, Keys) {
        func valid(_ c: Column) -> [Bool]? {
            if c.isNullType { return [Bool](repeating: false, count: c.count) }
            return c.validity
        }
        if !l.isCompact, case .string(let lc, let ld) = l.values, !r.isCompact, case .string(let rc, let rd) = r.values {
            let ranks = StringRanks([ld, rd])
            let lr = ranks.ranks[0], rr = ranks.ranks[1]
            return (
                (map1(.array(lc), lc.count) { Int64(lr[Int($0)]) }, valid(l)),
                (map1(.array(rc), rc.count) { Int64(rr[Int($0)]) }, valid(r))
            )
        }
        func ints(_ c: Column) -> [Int64] {
            // A 32-bit column's keys are widened for the join only, not kept (`Int32s`).
            if let words = c.int32s { return map1(.array(words.values), c.count) { Int64($0) } }
            return switch c.values {
            case .int(let a): a
            case .date(let a): a.map { Int64($0) }
            case .bool(let a): a.map { $0 ? 1 : 0 }
            case .double(let a): a.map(doubleKey)
            case .string(let codes, _): codes.map { Int64($0) }
            case .null(let n): [Int64](repeating: 0, count: n)
            }
        }
        return ((ints(l), valid(l)), (ints(r), valid(r)))
    }

    /// Dense ids for the right side's keys, and for each left key the id of an equal right key
    /// (or -1). Nulls get -1 on both sides. A small key range uses a direct array (customer
    /// ids are dense), others a hash table; the left side, usually the long one, is probed on
    /// every core.
    static func matchIds(right: Keys, left: Keys, cancel: CancellationFlag) throws(EngineError)
        -> (left: [Int32], right: [Int32], count: Int)
    {
        let nr = right.values.count, nl = left.values.count
        var lo = Int64.max, hi = Int64.min
        right.values.withUnsafeBufferPointer { v in
            withOptionalBuffer(right.valid) { valid in
                for i in 0..<nr where valid?[i] ?? true {
                    lo = min(lo, v[i])
                    hi = max(hi, v[i])
                }
            }
        }
        var rightIds = [Int32](repeating: -1, count: nr)
        if lo > hi { return ([Int32](repeating: -1, count: nl), rightIds, 0) }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if !overflow, span < Grouper.directLimit(nr) {
            var slots = [Int32](repeating: -1, count: Int(span) + 1)
            var count: Int32 = 0
            try cancel.chunks(nr) { range in
                for i in range where right.valid?[i] ?? true {
                    let s = Int(right.values[i] &- lo)
                    if slots[s] < 0 {
                        slots[s] = count
                        count += 1
                    }
                    rightIds[i] = slots[s]
                }
            }
            // Right keys lo, lo + 1, ... in first-appearance order (customer ids in row order)
            // are their own ids less lo: the probe then reads no table.
            let consecutive = Int(count) == slots.count
                && slots.withUnsafeBufferPointer { s in s.indices.allSatisfy { s[$0] == Int32($0) } }
            let leftIds =
                consecutive
                ? try probe(left, ConsecutiveKeys(lo: lo, hi: hi), cancel)
                : try slots.withUnsafeBufferPointer { (slots) throws(EngineError) in
                    try probe(left, DirectSlots(slots: slots, lo: lo, hi: hi), cancel)
                }
            try cancel.check()
            return (leftIds, rightIds, Int(count))
        }
        var table = Int64Interner(expected: min(nr, 1 << 16))
        try cancel.chunks(nr) { range in
            for i in range where right.valid?[i] ?? true { rightIds[i] = table.intern(right.values[i]) }
        }
        let leftIds = try probe(left, table, cancel)
        try cancel.check()
        return (leftIds, rightIds, table.count)
    }

    /// `ids.id(key)` for every left key, -1 for a null, on every core. (A generic lookup, not
    /// a closure: only a generic parameter is still inlined in a loop run on another core.)
    private static func probe<Lookup: KeyLookup>(_ left: Keys, _ ids: Lookup, _ cancel: CancellationFlag)
        throws(EngineError) -> [Int32]
    {
        try probe(left.values, left.valid, ids, cancel)
    }

    /// The same for keys stored in any integer width.
    private static func probe<T: FixedWidthInteger, Lookup: KeyLookup>(
        _ keys: [T], _ valid: [Bool]?, _ ids: Lookup, _ cancel: CancellationFlag
    ) throws(EngineError) -> [Int32] {
        try keys.withUnsafeBufferPointer { (v) throws(EngineError) in
            try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                try Parallel.array(v.count, cancel: cancel) { out, rows in
                    if let valid {
                        for i in rows { out.initializeElement(at: i, to: valid[i] ? ids.id(Int64(v[i])) : -1) }
                    } else {
                        for i in rows { out.initializeElement(at: i, to: ids.id(Int64(v[i]))) }
                    }
                }
            }
        }
    }
}

/// Finds the id of a key, or -1.
protocol KeyLookup {
    func id(_ key: Int64) -> Int32
}

/// Keys in `lo...hi` looked up in an array indexed by `key - lo`.
struct DirectSlots: KeyLookup {
    let slots: UnsafeBufferPointer<Int32>
    let lo: Int64, hi: Int64
    @inline(__always) func id(_ key: Int64) -> Int32 { key >= lo && key <= hi ? slots[Int(key &- lo)] : -1 }
}

/// Keys in `lo...hi` whose id is `key - lo`.
struct ConsecutiveKeys: KeyLookup {
    let lo: Int64, hi: Int64
    @inline(__always) func id(_ key: Int64) -> Int32 { key >= lo && key <= hi ? Int32(truncatingIfNeeded: key &- lo) : -1 }
}

extension Int64Interner: KeyLookup {
    @inline(__always) func id(_ key: Int64) -> Int32 { find(key) }
}
