import CrmqSemantics

/// Rows mapped to dense group ids: rows with equal keys (nulls equal to each other) share an id
/// in `0..<count`. Used by aggregation, distinct, count_distinct and per-distinct-value evaluation.
struct Grouping {
    var ids: [Int32]
    var count: Int
    /// Ids ascend with the key (nulls last), so the groups need no sorting for output.
    var ordered: Bool
    /// The rows of each group, when the grouping counted them on the way (8-bit keys).
    var sizes: [Int]? = nil

    /// The first row of each group. Stops once every group is seen; rows in date order put the
    /// last date's groups at the end, so it polls `cancel` every chunk of rows (a scan of 120M
    /// ids without polling took 100 ms past Ctrl-C).
    func firstRows(cancel: CancellationFlag) throws(EngineError) -> [Int32] {
        var first = [Int32](repeating: -1, count: count)
        try first.withUnsafeMutableBufferPointer { (f) throws(EngineError) in
            try ids.withUnsafeBufferPointer { (ids) throws(EngineError) in
                var remaining = count
                var start = 0
                while start < ids.count, remaining > 0 {
                    try cancel.check()
                    let end = Swift.min(start + chunkSize, ids.count)
                    for i in start..<end where f[Int(ids[i])] < 0 {
                        f[Int(ids[i])] = Int32(i)
                        remaining -= 1
                        if remaining == 0 { break }
                    }
                    start = end
                }
            }
        }
        return first
    }
}

/// An open-addressing hash table (linear probing) from 64-bit keys to dense ids given in
/// insertion order.
struct Int64Interner {
    private var slotKeys: [Int64]
    private var slotIds: [Int32]
    private var shift: UInt64
    private var mask: Int
    private(set) var count = 0

    init(expected: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        slotKeys = [Int64](repeating: 0, count: capacity)
        slotIds = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ k: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The id of `k`, adding it if new.
    @inline(__always)
    mutating func intern(_ k: Int64) -> Int32 {
        var s = slot(k)
        while true {
            let id = slotIds[s]
            if id < 0 { break }
            if slotKeys[s] == k { return id }
            s = (s + 1) & mask
        }
        let id = Int32(count)
        slotKeys[s] = k
        slotIds[s] = id
        count += 1
        if count * 2 > slotIds.count { grow() }
        return id
    }

    /// The id of `k`, or -1.
    @inline(__always)
    func find(_ k: Int64) -> Int32 {
        var s = slot(k)
        while true {
            let id = slotIds[s]
            if id < 0 { return -1 }
            if slotKeys[s] == k { return id }
            s = (s + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = slotKeys, oldIds = slotIds
        let capacity = oldIds.count * 2
        slotKeys = [Int64](repeating: 0, count: capacity)
        slotIds = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        for i in 0..<oldIds.count where oldIds[i] >= 0 {
            var s = slot(oldKeys[i])
            while slotIds[s] >= 0 { s = (s + 1) & mask }
            slotKeys[s] = oldKeys[i]
            slotIds[s] = oldIds[i]
        }
    }
}

/// A double as a 64-bit key where equal numbers (0.0 and -0.0, every NaN) have equal keys.
@inline(__always)
func doubleKey(_ x: Double) -> Int64 {
    if x == 0 { return 0 }
    if x.isNaN { return Int64(bitPattern: Double.nan.bitPattern) }
    return Int64(bitPattern: x.bitPattern)
}

/// Computes groupings of rows by one or several key columns.
enum Grouper {
    /// The largest id domain grouped through a direct array instead of a hash table.
    static func directLimit(_ n: Int) -> Int { Swift.min(1 << 26, Swift.max(1 << 16, n * 2)) }

    /// Groups by several columns: per-column ids combined pairwise (a tuple of ids becomes
    /// one id), so any number of keys reduces to grouping 64-bit integers.
    static func group(_ columns: [Column], rowCount n: Int, ordered: Bool, cancel: CancellationFlag)
        throws(EngineError) -> Grouping
    {
        guard var acc = try columns.first.map({ (c) throws(EngineError) in try group(c, ordered: ordered, cancel: cancel) })
        else {
            return Grouping(ids: [Int32](repeating: 0, count: n), count: n > 0 ? 1 : 0, ordered: true)
        }
        for c in columns.dropFirst() {
            let next = try group(c, ordered: ordered, cancel: cancel)
            acc = try combine(consume acc, next, cancel: cancel)
        }
        return acc
    }

    /// Groups by one column. With `ordered`, ids follow the key order where that comes for free
    /// (bool, string ranks, small int ranges); otherwise strings group by their dictionary codes.
    /// With `selected`, the rows grouped are those it lists (id k is row `selected[k]`'s), as if
    /// the column were gathered first.
    static func group(_ c: Column, ordered: Bool, through selected: [Int32]? = nil, cancel: CancellationFlag)
        throws(EngineError) -> Grouping
    {
        if let small = c.smallInts {
            if let selected {
                return try selected.withUnsafeBufferPointer { (rows) throws(EngineError) in
                    try groupSmallInts(small.values, valid: c.validity, rows: rows.count, row: SelectedRow(rows: rows), cancel: cancel)
                }
            }
            return try groupSmallInts(small.values, valid: c.validity, rows: c.count, row: SameRow(), cancel: cancel)
        }
        if let words = c.int32s {
            return try groupIntegers(words.values, valid: c.validity, through: selected, cancel: cancel)
        }
        if let selected, !c.isCompact, case .double = c.values {
            return try group(c.take(selected), ordered: ordered, cancel: cancel)
        }
        let n = selected?.count ?? c.count
        let valid = c.validity
        switch c.values {
        case .null:
            return Grouping(ids: [Int32](repeating: 0, count: n), count: n > 0 ? 1 : 0, ordered: true)
        case .bool(let a):
            let raw: [Int32] = try Parallel.array(n, cancel: cancel) { out, rows in
                for k in rows {
                    let i = selected.map { Int($0[k]) } ?? k
                    out.initializeElement(at: k, to: valid.map { !$0[i] } ?? false ? 2 : (a[i] ? 1 : 0))
                }
            }
            return try compact(consume raw, domain: 3, ordered: true, cancel: cancel)
        case .string(let codes, let dict):
            // Ranks merge duplicate entries and give byte order; codes are enough for equality.
            let table: [Int32]
            let distinct: Int
            if ordered {
                let r = StringRanks([dict])
                table = r.ranks[0]
                distinct = r.distinct
            } else {
                table = canonicalCodes(dict)
                distinct = dict.count
            }
            let nullSlot = Int32(distinct)
            let raw: [Int32] = try codes.withUnsafeBufferPointer { (codes) throws(EngineError) in
                try table.withUnsafeBufferPointer { (table) throws(EngineError) in
                    try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                        try withOptionalBuffer(selected) { (selected) throws(EngineError) in
                            try Parallel.array(n, cancel: cancel) { out, rows in
                                if let selected {
                                    for k in rows {
                                        let i = Int(selected[k])
                                        out.initializeElement(
                                            at: k, to: valid.map { $0[i] } ?? true ? table[Int(codes[i])] : nullSlot)
                                    }
                                } else if let valid {
                                    for i in rows {
                                        out.initializeElement(at: i, to: valid[i] ? table[Int(codes[i])] : nullSlot)
                                    }
                                } else {
                                    for i in rows { out.initializeElement(at: i, to: table[Int(codes[i])]) }
                                }
                            }
                        }
                    }
                }
            }
            return try compact(consume raw, domain: distinct + 1, ordered: true, cancel: cancel)
        case .int(let a):
            return try groupIntegers(a, valid: valid, through: selected, cancel: cancel)
        case .date(let a):
            return try groupIntegers(a, valid: valid, through: selected, cancel: cancel)
        case .double(let a):
            return try hashGroup(a.map(doubleKey), valid: valid, cancel: cancel)
        }
    }

    /// Integers in a small range index an array directly (and keep their order); others are
    /// hashed. The passes over the rows run on every core.
    /// With `dense: false` the ids of a direct range are `value - min` (null: one past the
    /// range), not renumbered: not every id in `0..<count` need occur (enough for counting
    /// distinct values, which only indexes an array by id).
    /// With `selected`, the rows grouped are those it lists, as in `group(_:ordered:through:cancel:)`.
    static func groupIntegers<T: FixedWidthInteger & SignedInteger>(
        _ a: [T], valid: [Bool]?, dense: Bool = true, through selected: [Int32]? = nil, cancel: CancellationFlag
    ) throws(EngineError) -> Grouping {
        if let selected {
            return try selected.withUnsafeBufferPointer { (rows) throws(EngineError) in
                try groupIntegers(a, valid: valid, dense: dense, rows: rows.count, row: SelectedRow(rows: rows), cancel: cancel)
            }
        }
        return try groupIntegers(a, valid: valid, dense: dense, rows: a.count, row: SameRow(), cancel: cancel)
    }

    /// Groups `n` rows, the k-th of which is row `row(k)` of `a`.
    private static func groupIntegers<T: FixedWidthInteger & SignedInteger, Row: RowIndex>(
        _ a: [T], valid: [Bool]?, dense: Bool, rows n: Int, row: Row, cancel: CancellationFlag
    ) throws(EngineError) -> Grouping {
        let parts = Parallel.parts(n)
        var bounds = [(lo: Int64, hi: Int64)](repeating: (.max, .min), count: parts)
        try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                try bounds.withUnsafeMutableBufferPointer { (bounds) throws(EngineError) in
                    // Called for each chunk of a part's rows: the part's bounds so far widen.
                    try Parallel.forEachChunk(n, parts: parts, cancel: cancel) { part, rows in
                        var (lo, hi) = bounds[part]
                        if let valid {
                            for k in rows where valid[row(k)] {
                                lo = Swift.min(lo, Int64(a[row(k)]))
                                hi = Swift.max(hi, Int64(a[row(k)]))
                            }
                        } else {
                            for k in rows {
                                lo = Swift.min(lo, Int64(a[row(k)]))
                                hi = Swift.max(hi, Int64(a[row(k)]))
                            }
                        }
                        bounds[part] = (lo, hi)
                    }
                }
            }
        }
        let lo = bounds.map(\.lo).min()!, hi = bounds.map(\.hi).max()!
        if lo > hi {  // all null (or empty)
            return Grouping(ids: [Int32](repeating: 0, count: n), count: n > 0 ? 1 : 0, ordered: true)
        }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < directLimit(n) else {
            return try hashGroup(
                (0..<n).map { Int64(a[row($0)]) }, valid: valid.map { v in (0..<n).map { v[row($0)] } }, cancel: cancel)
        }
        let nullSlot = Int32(span + 1)
        let raw: [Int32] = try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                try Parallel.array(n, cancel: cancel) { out, rows in
                    if let valid {
                        for k in rows {
                            let i = row(k)
                            out.initializeElement(at: k, to: valid[i] ? Int32(truncatingIfNeeded: Int64(a[i]) &- lo) : nullSlot)
                        }
                    } else {
                        for k in rows {
                            out.initializeElement(at: k, to: Int32(truncatingIfNeeded: Int64(a[row(k)]) &- lo))
                        }
                    }
                }
            }
        }
        if !dense { return Grouping(ids: raw, count: Int(span) + 2, ordered: true) }
        return try compact(consume raw, domain: Int(span) + 2, ordered: true, cancel: cancel)
    }

    /// Groups `n` rows of an 8-bit column, the k-th being row `row(k)`: one pass counts each of
    /// the 256 values and null (the groups' sizes, kept in the grouping), one writes each row's
    /// id, the values that occur numbered in ascending order, null last. (The general path's
    /// range pass, renumbering check and separate count read the ids twice more.)
    private static func groupSmallInts<Row: RowIndex>(
        _ a: [Int8], valid: [Bool]?, rows n: Int, row: Row, cancel: CancellationFlag
    ) throws(EngineError) -> Grouping {
        let slots = 257  // value + 128, and null
        let lanes = 4  // interleaved counters: a run of equal values does not wait on one counter
        let parts = Parallel.parts(n)
        var counts = [Int](repeating: 0, count: parts * lanes * slots)
        try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                try counts.withUnsafeMutableBufferPointer { (counts) throws(EngineError) in
                    try Parallel.forEachChunk(n, parts: parts, cancel: cancel) { part, rows in
                        let t = counts.baseAddress! + part * lanes * slots
                        if let valid {
                            for k in rows {
                                let i = row(k)
                                let s = valid[i] ? Int(a[i]) &+ 128 : 256
                                t[(k & 3) &* slots &+ s] &+= 1
                            }
                        } else {
                            for k in rows { t[(k & 3) &* slots &+ (Int(a[row(k)]) &+ 128)] &+= 1 }
                        }
                    }
                }
            }
        }
        var total = [Int](repeating: 0, count: slots)
        for l in 0..<(parts * lanes) {
            for s in 0..<slots { total[s] += counts[l * slots + s] }
        }
        var idOf = [Int32](repeating: -1, count: slots)
        var sizes: [Int] = []
        for s in 0..<slots where total[s] > 0 {
            idOf[s] = Int32(sizes.count)
            sizes.append(total[s])
        }
        let ids: [Int32] = try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try idOf.withUnsafeBufferPointer { (idOf) throws(EngineError) in
                try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                    try Parallel.array(n, cancel: cancel) { out, rows in
                        if let valid {
                            for k in rows {
                                let i = row(k)
                                out.initializeElement(at: k, to: idOf[valid[i] ? Int(a[i]) &+ 128 : 256])
                            }
                        } else {
                            for k in rows { out.initializeElement(at: k, to: idOf[Int(a[row(k)]) &+ 128]) }
                        }
                    }
                }
            }
        }
        return Grouping(ids: ids, count: sizes.count, ordered: true, sizes: sizes)
    }

    /// Ids in order of first appearance through a hash table; nulls form the last group.
    static func hashGroup(_ keys: [Int64], valid: [Bool]?, cancel: CancellationFlag) throws(EngineError)
        -> Grouping
    {
        let n = keys.count
        var table = Int64Interner(expected: Swift.min(n, 1 << 16))
        var ids = [Int32](repeating: -1, count: n)
        try cancel.chunks(n) { range in
            if let valid {
                for i in range where valid[i] { ids[i] = table.intern(keys[i]) }
            } else {
                for i in range { ids[i] = table.intern(keys[i]) }
            }
        }
        var count = table.count
        if let valid, valid.contains(false) {
            let nullId = Int32(count)
            for i in 0..<n where !valid[i] { ids[i] = nullId }
            count += 1
        }
        return Grouping(ids: ids, count: count, ordered: false)
    }

    /// Renumbers raw ids in `0..<domain` densely, keeping their order. When the ids in use are
    /// already `0..<count` (every value of a small range occurs; unused ones only at the end,
    /// such as the null slot of a column without nulls) the ids are kept as they are.
    /// `raw` is renumbered in place when the caller gives up its only reference (`consume`):
    /// a grouping of 100M rows then holds one array of ids, not two.
    static func compact(_ raw: consuming [Int32], domain: Int, ordered: Bool, cancel: CancellationFlag)
        throws(EngineError) -> Grouping
    {
        var raw = raw
        var map = [Int32](repeating: -1, count: domain)
        let parts = domain <= 1 << 16 ? Parallel.parts(raw.count) : 1
        if parts > 1 {
            // Each core marks the ids it sees in a small array of its own; the marks are merged.
            let marks = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: parts * domain)
            marks.initialize(repeating: 0)
            defer { marks.deallocate() }
            try raw.withUnsafeBufferPointer { (r) throws(EngineError) in
                try Parallel.forEachChunk(r.count, parts: parts, cancel: cancel) { part, rows in
                    let m = marks.baseAddress! + part * domain
                    for i in rows { m[Int(r[i])] = 1 }
                }
            }
            for part in 0..<parts {
                for i in 0..<domain where marks[part * domain + i] != 0 { map[i] = 0 }
            }
        } else {
            map.withUnsafeMutableBufferPointer { m in
                raw.withUnsafeBufferPointer { r in
                    for x in r { m[Int(x)] = 0 }
                }
            }
        }
        var next: Int32 = 0
        var identity = true
        for i in 0..<domain where map[i] == 0 {
            map[i] = next
            if next != Int32(i) { identity = false }
            next += 1
        }
        try cancel.check()
        if identity { return Grouping(ids: raw, count: Int(next), ordered: ordered) }
        try map.withUnsafeBufferPointer { (m) throws(EngineError) in
            try raw.withUnsafeMutableBufferPointer { (r) throws(EngineError) in
                try Parallel.forEachChunk(r.count, parts: Parallel.parts(r.count), cancel: cancel) { _, rows in
                    for i in rows { r[i] = m[Int(r[i])] }
                }
            }
        }
        return Grouping(ids: raw, count: Int(next), ordered: ordered)
    }

    /// One grouping by the pair of ids of two groupings.
    /// `a`'s ids are overwritten with the pairs' ids when the caller gives it up (`consume`).
    static func combine(_ a: consuming Grouping, _ b: Grouping, cancel: CancellationFlag) throws(EngineError) -> Grouping {
        let n = a.ids.count
        let domain = a.count * b.count
        if domain <= directLimit(n) {
            let bc = Int32(b.count)
            let ordered = a.ordered && b.ordered
            var raw: [Int32] = []
            swap(&raw, &a.ids)
            try raw.withUnsafeMutableBufferPointer { (x) throws(EngineError) in
                try b.ids.withUnsafeBufferPointer { (y) throws(EngineError) in
                    try Parallel.forEachChunk(n, parts: Parallel.parts(n), cancel: cancel) { _, rows in
                        for i in rows { x[i] = x[i] &* bc &+ y[i] }
                    }
                }
            }
            return try compact(consume raw, domain: domain, ordered: ordered, cancel: cancel)
        }
        let bc = Int64(b.count)
        let keys = map2(.array(a.ids), .array(b.ids), n) { Int64($0) * bc + Int64($1) }
        return try hashGroup(keys, valid: nil, cancel: cancel)
    }

    /// For each code, the first code with the same string (dictionaries may repeat a value).
    static func canonicalCodes(_ d: StringDictionary) -> [Int32] {
        if d.distinct == true { return (0..<Int32(d.count)).map { $0 } }
        let codes = d.codes
        if codes.count == d.count { return (0..<Int32(d.count)).map { $0 } }
        return d.values.map { codes[$0]! }
    }
}
