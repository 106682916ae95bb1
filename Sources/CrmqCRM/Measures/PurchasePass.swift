import Synchronization
import CrmqSemantics
import CrmqEngine

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

    init(ids: Column) {
        let n = ids.count
        slotOfRow = [Int32](repeating: -1, count: n)
        direct = []
        base = 0
        dictionary = [:]
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
            return k >= 0 && k < Int64(direct.count) ? Int32(truncatingIfNeeded: k) : -1
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
/// Arrays are indexed by customer row.
struct PurchaseSummary: Sendable {
    var asOf: Int32?
    /// Last purchase day before as-of (nil-free: `Int32.min` when none).
    var lastDay: [Int32]
    /// Purchases before as-of (a purchase with a missing amount counts).
    var count: [Int64]
    /// Revenue before as-of (missing amounts skipped).
    var revenue: [Double]
    /// Purchases and revenue in [as-of - 365 days, as-of).
    var count12m: [Int64]
    var revenue12m: [Double]

    static let yearDays: Int32 = 365

    /// One customer's running sums during the pass.
    struct Accumulator {
        var lastDay: Int32 = .min
        var count: Int32 = 0
        var count12m: Int32 = 0
        var revenue = 0.0
        var revenue12m = 0.0

        @inline(__always) mutating func add(day: Int32, amount: Double, inYear: Bool) {
            count &+= 1
            lastDay = max(lastDay, day)
            revenue += amount
            count12m &+= inYear ? 1 : 0
            revenue12m += inYear ? amount : 0
        }
    }

    /// Computes the summary, or takes it from the memo when the inputs are the same tables.
    static func of(_ inputs: CRMInputs) throws(EngineError) -> PurchaseSummary {
        let key = MemoKey(inputs)
        if let hit = memo.withLock({ m in m.flatMap { $0.key == key ? $0.summary : nil } }) { return hit }
        let summary = try compute(inputs)
        memo.withLock { $0 = (key, summary) }
        return summary
    }

    static func compute(_ inputs: CRMInputs) throws(EngineError) -> PurchaseSummary {
        let n = inputs.customers.rowCount
        let asOf = inputs.asOf
        var s = PurchaseSummary(
            asOf: asOf, lastDay: [Int32](repeating: .min, count: n), count: [Int64](repeating: 0, count: n),
            revenue: [Double](repeating: 0, count: n), count12m: [Int64](repeating: 0, count: n),
            revenue12m: [Double](repeating: 0, count: n))
        guard let asOf, let ids = inputs.customers.column(named: "customer_id"), let t = inputs.transactions,
            let buyer = t.column(named: "customer_id"), case .int(let buyers) = buyer.values,
            let dates = t.column(named: "date"), case .date(let days) = dates.values
        else { return s }
        let index = CustomerIndex(ids: ids)
        let amount = NumericColumn(t.column(named: "amount"))
        let amounts = amount?.values ?? []
        let amountValid = amount?.validity
        let buyerValid = buyer.validity, dateValid = dates.validity
        let yearStart = asOf &- yearDays
        let rows = t.rowCount
        // One interleaved record per customer: a purchase touches one cache line, not five.
        // The loop is nearly branch-free (a skipped row adds to a spare record at index n),
        // so the CPU can overlap the cache misses of many rows' random customer accesses.
        var acc = [Accumulator](repeating: Accumulator(), count: n + 1)
        let hasAmounts = !amounts.isEmpty
        var start = 0
        try acc.withUnsafeMutableBufferPointer { (acc) throws(EngineError) in
            while start < rows {
                try inputs.cancellation.check()
                let end = min(start + (1 << 16), rows)
                if buyerValid == nil, dateValid == nil, amountValid == nil, hasAmounts {
                    // The usual case, without a branch that depends on the data.
                    for i in start..<end {
                        let d = days[i]
                        let found = Int(index.slot(of: buyers[i]))
                        let ok = (found >= 0 ? 1 : 0) & (d < asOf ? 1 : 0)
                        acc[ok != 0 ? found : n].add(day: d, amount: amounts[i], inYear: d >= yearStart)
                    }
                } else {
                    for i in start..<end {
                        let d = days[i]
                        let found = Int(index.slot(of: buyers[i]))
                        let counted = found >= 0 && d < asOf && (buyerValid?[i] ?? true) && (dateValid?[i] ?? true)
                        let a = hasAmounts && (amountValid?[i] ?? true) ? amounts[i] : 0
                        acc[counted ? found : n].add(day: d, amount: a, inYear: d >= yearStart)
                    }
                }
                start = end
            }
        }
        s = PurchaseSummary(
            asOf: asOf, lastDay: acc[..<n].map(\.lastDay), count: acc[..<n].map { Int64($0.count) },
            revenue: acc[..<n].map(\.revenue), count12m: acc[..<n].map { Int64($0.count12m) },
            revenue12m: acc[..<n].map(\.revenue12m))
        // Duplicate customer ids: every row reads its slot's sums.
        for i in 0..<n {
            let slot = Int(index.slotOfRow[i])
            guard slot != i else { continue }
            if slot < 0 { continue }
            s.lastDay[i] = s.lastDay[slot]
            s.count[i] = s.count[slot]
            s.revenue[i] = s.revenue[slot]
            s.count12m[i] = s.count12m[slot]
            s.revenue12m[i] = s.revenue12m[slot]
        }
        return s
    }

    /// One summary, for the tables and as-of setting it was computed from: the session
    /// computes each column separately (and caches each), so the columns sharing this pass
    /// reuse it while the tables stay the same.
    private static let memo = Mutex<(key: MemoKey, summary: PurchaseSummary)?>(nil)
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
