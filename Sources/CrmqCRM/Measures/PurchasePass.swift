import Synchronization
import CrmqSemantics
import CrmqEngine
import CKernels

/// Where each customer row's purchases are summed: the row of the first customer with the
/// same id (duplicate ids share one summary), -1 for a customer without an id. Transactions
/// find that row by id through a direct array when ids are dense, a dictionary otherwise.
struct CustomerIndex {
    /// For each customer row, the slot (a row index) its summary is kept in, or -1.
    var slotOfRow: [Int32]
    private var direct: [Int32]
    private var base: Int64
    private var dictionary: [Int64: Int32]
    /// Ids are `base, base + 1, ...` in row order (the usual key): the slot is `id - base`.
    private var consecutive = false
    /// The number of slots when `consecutive`.
    private var consecutiveCount = 0

    init(ids: Column) {
        let n = ids.count
        direct = []
        base = 0
        dictionary = [:]
        if let sequence = ids.intSequence {
            // Ids stored as a sequence are consecutive: no pass over them, and no 64-bit copy.
            slotOfRow = Parallel.array(n) { (out: UnsafeMutableBufferPointer<Int32>, rows) in
                for i in rows { out[i] = Int32(truncatingIfNeeded: i) }
            }
            base = sequence.first
            consecutive = true
            consecutiveCount = n
            return
        }
        slotOfRow = [Int32](repeating: -1, count: n)
        guard case .int(let a) = ids.values else { return }
        let valid = ids.validity
        var lo = Int64.max, hi = Int64.min
        for i in 0..<n where valid?[i] ?? true {
            lo = min(lo, a[i])
            hi = max(hi, a[i])
        }
        guard lo <= hi else { return }
        // Dense-ish: a direct array at most ~2x the rows (plus slack) long.
        let span = hi.subtractingReportingOverflow(lo)
        if !span.overflow, span.partialValue < Int64(2 * n + 1024) {
            base = lo
            direct = [Int32](repeating: -1, count: Int(span.partialValue) + 1)
            consecutive = valid == nil && span.partialValue == Int64(n - 1)
            consecutiveCount = direct.count
            for i in 0..<n where valid?[i] ?? true {
                let k = Int(a[i] - lo)
                if k != i { consecutive = false }
                if direct[k] < 0 { direct[k] = Int32(i) }
                slotOfRow[i] = direct[k]
            }
        } else {
            dictionary.reserveCapacity(n)
            for i in 0..<n where valid?[i] ?? true {
                let slot = dictionary[a[i]] ?? Int32(i)
                if slot == Int32(i) { dictionary[a[i]] = slot }
                slotOfRow[i] = slot
            }
        }
    }

    /// The slot of the customer with this id, or -1 if there is none.
    @inline(__always) func slot(of id: Int64) -> Int32 {
        if consecutive {
            let k = id &- base
            return k >= 0 && k < Int64(consecutiveCount) ? Int32(truncatingIfNeeded: k) : -1
        }
        if !direct.isEmpty {
            let k = id &- base
            return k >= 0 && k < Int64(direct.count) ? direct[Int(k)] : -1
        }
        return dictionary[id] ?? -1
    }
}

/// Every customer's purchases before the as-of date, summed in one pass over
/// `transactions`: what recency, frequency, monetary, spend_12m and the stages share.
/// Indexed by customer row (customers sharing an id share the sums of the first).
///
/// A pass sums either everything (`.all`: one 32-byte record per customer) or only the
/// yearly spend (`.spend12m`: 8 bytes per customer, for spend_12m, share_of_wallet and clv),
/// whose accumulators fit the 32 MB L3 cache with room to spare and which touches only the
/// last year's purchases. Hand-written for speed: q3 (top 10 by share_of_wallet, 1M customers,
/// 12M transactions, 2 cores) went from 237-269 ms min / 250-297 ms median with the full pass
/// to 42 ms / 44-48 ms.
struct PurchaseSummary: Sendable {
    /// What a pass sums; `.all` includes `.spend12m`.
    enum Sums: Sendable { case spend12m, all }

    var asOf: Int32?
    var sums: Sums
    /// Revenue in [as-of - 365 days, as-of), per customer row (both kinds of pass).
    var revenue12m: [Double]
    /// Every sum per customer row; empty for a `.spend12m` summary.
    private var records: [Purchases]

    static let yearDays: Int32 = 365

    /// One customer's sums in a full pass. All zero bits is "no purchase" (the accumulators are
    /// calloc'ed); 32 bytes, so a purchase updates one cache line.
    struct Purchases: PurchaseSums {
        /// The last purchase day with its sign bit flipped, so unsigned order is date order (0: none).
        var last: UInt32
        /// Purchases before as-of (a purchase with a missing amount counts), and in the last year.
        var count: UInt32
        var count12m: UInt32
        /// Revenue before as-of (missing amounts add 0), and in the last year.
        var revenue: Double
        var revenue12m: Double

        static var yearOnly: Bool { false }

        @inline(__always) mutating func add(day: Int32, amount: Double, inYear: Bool) {
            count &+= 1
            last = max(last, UInt32(bitPattern: day) ^ 0x8000_0000)
            revenue += amount
            count12m &+= inYear ? 1 : 0
            revenue12m += inYear ? amount : 0
        }
    }

    /// One customer's revenue in the last year: all a `.spend12m` pass keeps.
    struct YearSpend: PurchaseSums {
        var revenue12m: Double

        static var yearOnly: Bool { true }

        @inline(__always) mutating func add(day: Int32, amount: Double, inYear: Bool) { revenue12m += amount }
    }

    // The sums of customer row i (of a `.all` summary).
    /// Last purchase day before as-of, `Int32.min` when none.
    @inline(__always) func lastDay(_ i: Int) -> Int32 {
        records[i].count == 0 ? .min : Int32(bitPattern: records[i].last ^ 0x8000_0000)
    }
    @inline(__always) func count(_ i: Int) -> Int64 { Int64(records[i].count) }
    @inline(__always) func count12m(_ i: Int) -> Int64 { Int64(records[i].count12m) }
    var counts: [Int64] { records.map { Int64($0.count) } }
    var revenues: [Double] { records.map(\.revenue) }
    var lastDays: [Int32] { records.indices.map(lastDay) }

    /// Computes the summary, or takes it from the memo when the inputs are the same tables and
    /// the remembered summary has the sums asked for.
    static func of(_ inputs: CRMInputs, _ sums: Sums = .all) throws(EngineError) -> PurchaseSummary {
        let key = MemoKey(inputs)
        if let hit = memo.withLock({ m in
            m.flatMap { $0.key == key && ($0.summary.sums == .all || sums == .spend12m) ? $0.summary : nil }
        }) { return hit }
        let summary = try compute(inputs, sums)
        memo.withLock { $0 = (key, summary) }
        return summary
    }

    /// The pass is serial, in row order (sums are the row-order float sums). Splitting the rows
    /// in two halves summed on both cores into their own accumulators, merged per customer,
    /// was measured and dropped: on the 2-core machine, back to back, q3 took min 50-53 ms /
    /// median 54-57 ms split against 42 ms / 44-48 ms serial (the merge, and the second set of
    /// accumulators' page faults and cache, cost more than the halved loop saves), and the
    /// full pass (two 32 MB record sets overflow L3) was no faster either. Splitting the
    /// customers instead (each core reads every row and adds only its own customers', no
    /// merge) was tried too: it needs the accumulator picked without a branch (LLVM's x86
    /// back end turns that select into a jump, mispredicted on half the rows), and even then,
    /// in a short two-loop form, measured no faster than this serial pass on the 2-core VM.
    /// `splitBytes`: accumulator bytes from which the pass is split by customer over the
    /// cores (`PassInput.sum`; tests force either way).
    static func compute(_ inputs: CRMInputs, _ sums: Sums = .all, splitBytes: Int = PassInput.splitBytes)
        throws(EngineError) -> PurchaseSummary
    {
        let n = inputs.customers.rowCount
        let asOf = inputs.asOf
        var summary = PurchaseSummary(asOf: asOf, sums: sums, revenue12m: [], records: [])
        guard let asOf, let ids = inputs.customers.column(named: "customer_id"), let t = inputs.transactions,
            let buyer = t.column(named: "customer_id"), let buyers = BuyerIds(buyer),
            let dates = t.column(named: "date"), case .date(let days) = dates.values
        else {
            // No purchase counts: zero sums.
            summary.revenue12m = [Double](repeating: 0, count: n)
            if sums == .all {
                summary.records = [Purchases](
                    repeating: Purchases(last: 0, count: 0, count12m: 0, revenue: 0, revenue12m: 0), count: n)
            }
            return summary
        }
        let amount = NumericColumn(t.column(named: "amount"))
        let input = PassInput(
            index: CustomerIndex(ids: ids), customers: n, buyers: buyers, buyerValid: buyer.validity, days: days,
            dateValid: dates.validity, amounts: amount?.values ?? [], amountValid: amount?.validity, asOf: asOf,
            yearStart: asOf &- yearDays, cancellation: inputs.cancellation, splitBytes: splitBytes)
        switch sums {
        case .spend12m:
            let acc = try input.sum(YearSpend.self)
            summary.revenue12m = input.finish(acc) { $0.revenue12m }
        case .all:
            let acc = try input.sum(Purchases.self)
            summary.records = input.finish(acc) { $0 }
            summary.revenue12m = summary.records.map(\.revenue12m)
        }
        return summary
    }

    /// One summary, for the tables and as-of setting it was computed from: the session
    /// computes each column separately (and caches each), so the columns sharing this pass
    /// reuse it while the tables stay the same. (A `.spend12m` column computed first and a
    /// full one after make two passes; the full summary then serves both.)
    private static let memo = Mutex<(key: MemoKey, summary: PurchaseSummary)?>(nil)

    /// Forgets the remembered summary and the columns its key holds.
    static func forget() { memo.withLock { $0 = nil } }
}

extension CRM {
    /// Lets go of the columns the purchase pass's memo holds (its inputs and sums): a session
    /// calls it when it replaces or drops one of the CRM tables, so the old table's memory is
    /// freed with it. (The column statistics are let go on any table change:
    /// `ColumnStatistics.forget`.) The memo refills on use.
    public static func forgetRememberedColumns() {
        PurchaseSummary.forget()
    }
}

/// A customer's running sums in a purchase pass (`PurchaseSummary.Purchases` or `.YearSpend`):
/// a plain value whose all-zero bits mean "no purchase".
protocol PurchaseSums {
    /// Only purchases in the last year count (then `add` is called for them alone).
    static var yearOnly: Bool { get }
    mutating func add(day: Int32, amount: Double, inYear: Bool)
}

/// The customer ids of the transactions as they are stored: read in place, so that a pass
/// over 32-bit ids (`Int32s`) makes no 64-bit copy of them.
enum BuyerIds {
    case wide([Int64])
    case words([Int32])
    case bytes([Int8])

    /// Nil when the column is not of ints.
    init?(_ c: Column) {
        if let words = c.int32s {
            self = .words(words.values)
        } else if let small = c.smallInts {
            self = .bytes(small.values)
        } else if c.type == .int, case .int(let a) = c.values {
            self = .wide(a)
        } else {
            return nil
        }
    }

    var count: Int {
        switch self {
        case .wide(let a): a.count
        case .words(let a): a.count
        case .bytes(let a): a.count
        }
    }
}

/// The columns a purchase pass reads, as plain arrays.
struct PassInput {
    var index: CustomerIndex
    var customers: Int
    var buyers: BuyerIds
    var buyerValid: [Bool]?
    var days: [Int32]
    var dateValid: [Bool]?
    var amounts: [Double]
    var amountValid: [Bool]?
    var asOf: Int32
    var yearStart: Int32
    var cancellation: CancellationFlag
    var splitBytes: Int

    /// Rows are read in blocks this long; a block with no date in the counted window is
    /// skipped after reading only its dates (transactions are usually in date order, so a
    /// year-only pass reads the other columns of the last year's rows alone).
    static let block = 4096

    /// Sums the transactions into one accumulator per customer slot (plus a spare at index
    /// `customers` that the rows which do not count go to, so the loop has no branch that
    /// depends on the data and the CPU overlaps the cache misses of many rows' random customer
    /// accesses: 80% of the pass's samples are that store).
    ///
    /// When the accumulators are far larger than the cache (10M customers: 320 MB), every
    /// update is a miss to memory, and one core waits on them alone. Then each core reads
    /// every row and adds only the rows of its own range of customer slots, the others going
    /// to spare slots of its own: both cores' misses overlap, and each customer's rows are
    /// still added in row order by one core, so the sums are the serial pass's bit for bit.
    /// (At 1M customers, with the accumulators in cache, this was measured no faster.) Past
    /// the cache the pass also prefetches each row's accumulator (`prefetchDistance`).
    func sum<S: PurchaseSums>(_: S.Type) throws(EngineError) -> Scratch<S> {
        let large = customers * MemoryLayout<S>.stride >= splitBytes
        let parts = large ? Parallel.cores : 1
        // Spare slots past the customers': `spares` for each part, the parts' 16 slots (at
        // least two cache lines) apart, so the cores never write one line.
        let scratch = Scratch<S>(zeroed: customers + parts * 16)
        Parallel.forEach(customers, parts: parts) { part, slots in
            accumulate(
                into: scratch.pointer, 0..<buyers.count, slots: slots, spare: customers + part * 16, prefetch: large)
        }
        try cancellation.check()
        return scratch
    }

    /// Accumulator bytes from which the pass is split by customer (see `sum`): past the
    /// 32 MB cache, with room for the other columns' lines.
    static let splitBytes = 64 << 20
    /// Rows that do not count are spread over this many spare slots (row i to spare i % 4),
    /// so that they do not all wait on one slot's previous addition.
    static let spares = 4

    private func accumulate<S: PurchaseSums>(
        into acc: UnsafeMutablePointer<S>, _ range: Range<Int>, slots: Range<Int>, spare: Int, prefetch: Bool
    ) {
        switch buyers {
        case .wide(let ids):
            ids.withUnsafeBufferPointer { accumulate(into: acc, range, slots: slots, spare: spare, prefetch: prefetch, buyers: $0) }
        case .words(let ids):
            ids.withUnsafeBufferPointer { accumulate(into: acc, range, slots: slots, spare: spare, prefetch: prefetch, buyers: $0) }
        case .bytes(let ids):
            ids.withUnsafeBufferPointer { accumulate(into: acc, range, slots: slots, spare: spare, prefetch: prefetch, buyers: $0) }
        }
    }

    private func accumulate<S: PurchaseSums, B: FixedWidthInteger>(
        into acc: UnsafeMutablePointer<S>, _ range: Range<Int>, slots: Range<Int>, spare: Int, prefetch: Bool,
        buyers: UnsafeBufferPointer<B>
    ) {
        let asOf = asOf, yearStart = yearStart
        let first = slots.lowerBound, past = slots.upperBound
        // The counted window of days: before as-of, and from the year start for a year-only pass.
        let from = S.yearOnly ? yearStart : Int32.min
        let plain = buyerValid == nil && dateValid == nil && amountValid == nil && !amounts.isEmpty
        let picked = UnsafeMutablePointer<Int>.allocate(capacity: Self.block)
        defer { picked.deallocate() }
        days.withUnsafeBufferPointer { days in
            amounts.withUnsafeBufferPointer { amounts in
                var start = range.lowerBound
                while start < range.upperBound {
                    if cancellation.isCancelled { return }
                    let end = Swift.min(start + Self.block, range.upperBound)
                    defer { start = end }
                    var lo = Int32.max, hi = Int32.min
                    for i in start..<end {
                        lo = Swift.min(lo, days[i])
                        hi = Swift.max(hi, days[i])
                    }
                    if hi < from || lo >= asOf { continue }
                    // The slot a row adds to: its customer's when it counts, else a spare,
                    // picked by masking rather than a select (which compiles to a branch).
                    @inline(__always) func slot(_ i: Int, _ found: Int, _ counts: Bool) -> Int {
                        let other = spare &+ (i & (Self.spares - 1))
                        return other &+ ((found &- other) & -Int(unsafeBitCast(counts, to: UInt8.self)))
                    }
                    let rows = end - start
                    if plain {
                        // The usual case, without a branch that depends on the data.
                        for i in start..<end {
                            let d = days[i]
                            let found = Int(index.slot(of: Int64(buyers[i])))
                            let ok = (found >= first ? 1 : 0) & (found < past ? 1 : 0) & (d < asOf ? 1 : 0)
                                & (d >= from ? 1 : 0)
                            picked[i - start] = slot(i, found, ok != 0)
                        }
                    } else {
                        for i in start..<end {
                            let d = days[i]
                            let found = Int(index.slot(of: Int64(buyers[i])))
                            let counted = found >= first && found < past && d < asOf && d >= from
                                && (buyerValid?[i] ?? true) && (dateValid?[i] ?? true)
                            picked[i - start] = slot(i, found, counted)
                        }
                    }
                    // The block's slots are known, so each row's line is asked for
                    // `ahead` rows before it is updated.
                    @inline(__always) func add(_ k: Int) {
                        let i = start &+ k, d = days[i]
                        let a = plain || (!amounts.isEmpty && (amountValid?[i] ?? true)) ? amounts[i] : 0
                        acc[picked[k]].add(day: d, amount: a, inYear: d >= yearStart)
                    }
                    var k = 0
                    if prefetch {
                        let ahead = Self.prefetchDistance
                        for k in 0..<Swift.min(ahead, rows) { crmq_prefetch_write(acc + picked[k]) }
                        while k < rows - ahead {
                            crmq_prefetch_write(acc + picked[k + ahead])
                            add(k)
                            k += 1
                        }
                    }
                    while k < rows {
                        add(k)
                        k += 1
                    }
                }
            }
        }
    }

    /// How many rows ahead a pass over accumulators past the cache prefetches a row's line.
    /// The out-of-order core alone keeps only about ten rows' misses in flight; asking 64 rows
    /// ahead took `customers | count by loyalty_stage` at 10M customers from 1.61-1.77 s to
    /// 1.25-1.42 s (min of 7, interleaved runs; 32 rows: 1.18-1.60 s). At 1M customers, with
    /// the accumulators in cache, it cost q3 a few percent, so smaller passes do not prefetch.
    static let prefetchDistance = 64

    /// The accumulators as an array per customer row: a customer sharing its id with an
    /// earlier row reads that row's sums; one without an id has none (its slot never receives any).
    func finish<S, T>(_ acc: Scratch<S>, _ value: (S) -> T) -> [T] {
        let slots = index.slotOfRow
        return (0..<customers).map { i in
            let slot = Int(slots[i])
            return value(acc.pointer[slot >= 0 ? slot : i])
        }
    }
}

/// The inputs a purchase summary depends on. Array `==` returns at once for the same
/// storage, so comparing keys of unchanged tables is cheap, and the memo holding them keeps
/// that storage alive (no address is reused while it is remembered).
private struct MemoKey: Equatable, Sendable {
    var asof: Value
    var customerIDs: Column?
    var buyers: Column?
    var dates: Column?
    var amounts: Column?

    init(_ inputs: CRMInputs) {
        asof = inputs.setting("asof")
        customerIDs = inputs.customers.column(named: "customer_id")
        buyers = inputs.transactions?.column(named: "customer_id")
        dates = inputs.transactions?.column(named: "date")
        amounts = inputs.transactions?.column(named: "amount")
    }

    static func == (l: MemoKey, r: MemoKey) -> Bool {
        l.asof == r.asof && same(l.customerIDs, r.customerIDs) && same(l.buyers, r.buyers)
            && same(l.dates, r.dates) && same(l.amounts, r.amounts)
    }

    private static func same(_ l: Column?, _ r: Column?) -> Bool {
        guard let l, let r else { return l == nil && r == nil }
        guard l.validity == r.validity else { return false }
        if l.isCompact || r.isCompact {
            // Compared in their stored form, never widened (that would keep a 64-bit copy of
            // 120M purchases' customer ids). A column stored differently counts as changed:
            // the summary is made again, never reused wrongly.
            if let a = l.smallInts, let b = r.smallInts { return a === b || a.values == b.values }
            if let a = l.int32s, let b = r.int32s { return a === b || a.values == b.values }
            if let a = l.intSequence, let b = r.intSequence { return a.first == b.first && a.count == b.count }
            return false
        }
        switch (l.values, r.values) {
        case (.int(let a), .int(let b)): return same(a, b) || a == b
        case (.double(let a), .double(let b)):
            return same(a, b) || a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
        case (.bool(let a), .bool(let b)): return same(a, b) || a == b
        case (.date(let a), .date(let b)): return same(a, b) || a == b
        case (.null(let a), .null(let b)): return a == b
        default: return false
        }
    }

    /// The same storage (the common case: an unchanged table).
    private static func same<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
