import CrmqSemantics
import CrmqEngine
import Dispatch
import Synchronization

/// `rfm(transactions [, customer = col, date = col, amount = col, asof = date, from = date])`: one row per
/// customer with a purchase before the as-of date; recency, frequency and monetary value,
/// their quintile scores and the segment they put the customer in (docs/crm.md).
enum RFM {
    static let roles: [TransactionRole] = [.customer, .date, .amount]

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "rfm",
            usage: "rfm(transactions [, customer = col, date = col, amount = col, asof = date, from = date])",
            summary: "recency, frequency, monetary value, their 1-5 scores and the RFM segment of each customer",
            example: "rfm(transactions) | count by rfm_segment",
            options: roles.map(\.option) + [TransactionInput.asofOption, TransactionInput.fromOption],
            bind: bind),
        details: details,
        run: run)

    /// `help rfm`: the columns, the scoring and the segment map, the map written out from `RFMSegments`.
    static var details: String {
        """
        One row per customer with a purchase before the as-of date (the asof option, else the asof \
        setting, else the day after the last transaction): recency (days since the last purchase), \
        frequency (purchases), monetary (their sum, rounded to cents), r_score, f_score, m_score, \
        rfm_score and rfm_segment.

        Over a period: with from = date, only purchases on or after that day count, so frequency         and monetary are the period's and rfm(transactions, from = date("2025-01-01")) | summarize         repeat_rate() is the repeat-purchase rate over it (customers with no purchase in the period         have no row).

        Scores: each measure is cut into quintiles, 1 to 5, where 5 is best: the most recent last \
        purchase, the most purchases, the highest spend. The customers are ordered by the measure, \
        ties broken by customer id, and split into five groups whose sizes differ by at most one (SQL's \
        NTILE(5)), so customers with equal values can get different scores. rfm_score = 100 * r_score + \
        10 * f_score + m_score (545 is R 5, F 4, M 5).

        Segments: from R and FM, the mean of F and M rounded half up (FM = (f_score + m_score + 1) / 2):

        """ + "\n" + RFMSegments.conditions.map { "  " + $0 }.joined(separator: "\n")
    }

    /// The output columns after the customer column.
    static let measureFields: [Field] = [
        Field("recency", .int), Field("frequency", .int), Field("monetary", .double),
        Field("r_score", .int), Field("f_score", .int), Field("m_score", .int),
        Field("rfm_score", .int), Field("rfm_segment", .category(RFMSegments.category)),
    ]

    @Sendable static func bind(_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    {
        TransactionInput.bind("rfm", roles: roles, input: input, options: options).flatMap { resolved in
            guard case .string(let name)? = resolved["customer"] else {
                preconditionFailure("TransactionInput.bind resolves every role to a column name")
            }
            if measureFields.contains(where: { $0.name == name }) {
                return .failure(TableFunctionProblem(
                    "rfm's customer column cannot be called '\(name)', a name of its output; rename it first "
                        + "(extend customer_id = \(name))",
                    option: options["customer"] == nil ? nil : "customer"))
            }
            let type = input[input.index(of: name)!].type
            let schema = Schema([Field(name, type == .string ? .string : .int)] + measureFields)
            return .success((resolved, schema))
        }
    }

    /// One customer's running totals (16 bytes, so an update touches one cache line; all
    /// zero bits is "no purchase yet").
    struct Totals {
        /// The latest purchase date, with its sign bit flipped so that unsigned order is date order.
        var last: UInt32
        var purchases: UInt32
        var amount: Double

        var lastDay: Int32 { Int32(bitPattern: last ^ 0x8000_0000) }
    }

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        let customerColumn = TransactionInput.column(.customer, of: input, options: options)
        let dateColumn = TransactionInput.column(.date, of: input, options: options)
        let amountColumn = TransactionInput.column(.amount, of: input, options: options)
        let customerName: String = if case .string(let s)? = options["customer"] { s } else { "customer_id" }
        let schema = Schema([Field(customerName, customerColumn.type == .string ? .string : .int)] + measureFields)

        guard let (asof, window) = TransactionInput.window(options: options, settings: settings, dates: dateColumn)
        else { return empty(schema) }
        let slots = try CustomerSlots(
            customers: customerColumn, dates: dateColumn, window: window, cancellation: cancellation)
        guard case .date(let days) = dateColumn.values, slots.count > 0 else { return empty(schema) }

        // One pass over the transactions, split across cores, each part with its own totals.
        let n = input.rowCount
        let parts = partCount(rows: n)
        let scratch = (0..<parts).map { _ in Scratch<Totals>(zeroed: slots.count) }
        defer { withExtendedLifetime(scratch) {} }
        let rows = slots.rows
        Parallel.forEach(n, parts: parts) { part, range in
            let t = scratch[part].pointer
            let valid = amountColumn.validity
            switch amountColumn.values {
            case .double(let a) where valid == nil:
                a.withUnsafeBufferPointer { a in accumulate(t, rows, days, range, cancellation) { a[$0] } }
            case .double(let a):
                accumulate(t, rows, days, range, cancellation) { valid![$0] ? a[$0] : 0 }
            case .int(let a):
                accumulate(t, rows, days, range, cancellation) { valid?[$0] ?? true ? Double(a[$0]) : 0 }
            default:
                accumulate(t, rows, days, range, cancellation) { _ in 0 }
            }
        }
        try cancellation.check()
        let totals = scratch[0].buffer
        for other in scratch.dropFirst() {
            for s in 0..<slots.count where other.pointer[s].purchases > 0 {
                let b = other.pointer[s]
                totals[s].last = max(totals[s].last, b.last)
                totals[s].purchases &+= b.purchases
                totals[s].amount += b.amount
            }
        }

        // The customers with a purchase, in id order: ties in every score go to the smaller id.
        var buyers: [Int32] = []
        for s in 0..<slots.count where totals[s].purchases > 0 { buyers.append(Int32(s)) }
        buyers = slots.orderedByID(buyers)
        let m = buyers.count
        try cancellation.check()

        var last = [Int64](repeating: 0, count: m)
        var recency = [Int64](repeating: 0, count: m)
        var frequency = [Int64](repeating: 0, count: m)
        var cents = [Int64](repeating: 0, count: m)
        var monetary = [Double](repeating: 0, count: m)
        for (p, s) in buyers.enumerated() {
            let t = totals[Int(s)]
            last[p] = Int64(t.lastDay)
            recency[p] = Int64(asof) - Int64(t.lastDay)
            frequency[p] = Int64(t.purchases)
            // Rounded to cents before ranking, so summation order cannot change a score.
            let c = (t.amount * 100).rounded()
            cents[p] = c.isFinite && abs(c) < 9.0e15 ? Int64(c) : (c < 0 ? Int64.min / 2 : Int64.max / 2)
            monetary[p] = c.isFinite ? c / 100 : t.amount
        }
        // 5 = best: the latest last purchase, the most purchases, the largest spend.
        let keys = [last, frequency, cents]
        let results = SendableBox([[UInt8]](repeating: [], count: 3))
        DispatchQueue.concurrentPerform(iterations: 3) { k in
            let s = (try? Quintiles.scores(keys[k], cancellation: cancellation)) ?? []
            results.lock.withLock { _ in results.value[k] = s }
        }
        try cancellation.check()
        let (r, f, ms) = (results.value[0], results.value[1], results.value[2])

        var rfmScore = [Int64](repeating: 0, count: m)
        var segment = [Int32](repeating: 0, count: m)
        for p in 0..<m {
            rfmScore[p] = Int64(r[p]) * 100 + Int64(f[p]) * 10 + Int64(ms[p])
            segment[p] = RFMSegments.segment(r: Int(r[p]), f: Int(f[p]), m: Int(ms[p]))
        }
        let columns: [Column] = [
            slots.idColumn(buyers, type: customerColumn.type),
            Column(.int(recency)), Column(.int(frequency)), Column(.double(monetary)),
            Column(.int(r.map(Int64.init))), Column(.int(f.map(Int64.init))), Column(.int(ms.map(Int64.init))),
            Column(.int(rfmScore)),
            Column(.string(codes: segment, dictionary: RFMSegments.dictionary)),
        ]
        return Table(schema: schema, columns: columns, rowCount: m)
    }

    /// Adds the rows of `range` to the totals; a null amount adds 0 (the purchase still counts).
    @inline(__always)
    static func accumulate(
        _ t: UnsafeMutablePointer<Totals>, _ rows: [Int32], _ days: [Int32], _ range: Range<Int>,
        _ cancellation: CancellationFlag, _ amount: (Int) -> Double
    ) {
        rows.withUnsafeBufferPointer { rows in
            days.withUnsafeBufferPointer { days in
                for start in stride(from: range.lowerBound, to: range.upperBound, by: cancellationStride) {
                    if cancellation.isCancelled { return }
                    for i in start..<min(range.upperBound, start + cancellationStride) {
                        let s = Int(rows[i])
                        if s < 0 { continue }
                        let day = UInt32(bitPattern: days[i]) ^ 0x8000_0000
                        t[s].last = max(t[s].last, day)
                        t[s].purchases &+= 1
                        t[s].amount += amount(i)
                    }
                }
            }
        }
    }

    static func empty(_ schema: Schema) -> Table {
        Table(schema: schema, columns: schema.fields.map { Column.from([], type: $0.type) }, rowCount: 0)
    }
}

/// Quintile scores like SQL's `NTILE(5) OVER (ORDER BY key, id)`: the rows in key order
/// (ties in index order, which callers make id order) cut into 5 groups whose sizes differ
/// by at most one, the larger groups first; the first group scores 1.
enum Quintiles {
    static func scores(_ keys: [Int64], buckets: Int = 5, cancellation: CancellationFlag) throws(EngineError) -> [UInt8] {
        let n = keys.count
        var scores = [UInt8](repeating: 0, count: n)
        guard n > 0 else { return scores }
        // Group g (0-based) starts at g * q + min(g, r): the first r groups hold one more.
        let q = n / buckets
        let r = n % buckets
        let starts = (1..<buckets).map { $0 * q + min($0, r) }
        @inline(__always) func bucket(_ position: Int) -> UInt8 {
            var b: UInt8 = 1
            for s in starts where position >= s { b += 1 }
            return b
        }
        var lo = Int64.max
        var hi = Int64.min
        for k in keys {
            lo = min(lo, k)
            hi = max(hi, k)
        }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if !overflow, span < Int64(2 * n + (1 << 16)) {
            // Counting sort: stable, so equal keys keep index order.
            var next = [Int](repeating: 0, count: Int(span) + 2)
            for k in keys { next[Int(k - lo) + 1] += 1 }
            for v in 1..<next.count { next[v] += next[v - 1] }
            for (i, k) in keys.enumerated() {
                let v = Int(k - lo)
                scores[i] = bucket(next[v])
                next[v] += 1
            }
            return scores
        }
        try cancellation.check()
        if !overflow {
            // A stable radix sort of the offsets from the smallest key: ties keep index order.
            let order = try radixOrder(keys.map { UInt64(bitPattern: $0 &- lo) }, cancel: cancellation)
            for (position, i) in order.enumerated() { scores[Int(i)] = bucket(position) }
            return scores
        }
        let order = (0..<n).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        for (position, i) in order.enumerated() { scores[i] = bucket(position) }
        return scores
    }
}

/// The RFM segment map: R against FM, the mean of F and M rounded half up
/// (docs/crm.md has it as a table).
enum RFMSegments {
    static let names = [
        "Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising", "Need attention",
        "About to sleep", "At risk", "Cannot lose them", "Hibernating", "Lost",
    ]
    /// The segments as an ordered category, in the order of `names` (the usual listing, from
    /// Champions to Lost), so that counts by segment come out in that order.
    static let category = CategoryType(names)
    static let dictionary = StringDictionary.levels(of: category)

    /// grid[r - 1][fm - 1] is an index into `names`.
    static let grid: [[Int32]] = {
        func i(_ s: String) -> Int32 { Int32(names.firstIndex(of: s)!) }
        return [
            // FM:  1                       2                        3                        4                   5
            [i("Lost"), i("Hibernating"), i("At risk"), i("At risk"), i("Cannot lose them")],  // R = 1
            [i("Hibernating"), i("Hibernating"), i("At risk"), i("At risk"), i("Cannot lose them")],  // R = 2
            [i("About to sleep"), i("About to sleep"), i("Need attention"), i("Loyal customers"), i("Loyal customers")],  // R = 3
            [i("Promising"), i("Potential loyalists"), i("Potential loyalists"), i("Loyal customers"), i("Loyal customers")],  // R = 4
            [i("New customers"), i("Potential loyalists"), i("Potential loyalists"), i("Champions"), i("Champions")],  // R = 5
        ]
    }()

    static func fm(f: Int, m: Int) -> Int { (f + m + 1) / 2 }

    /// Each segment with the R and FM scores that give it, in the order of `names`:
    /// "Champions            R 5 and FM 4-5".
    static var conditions: [String] {
        func span(_ values: [Int]) -> String {
            // Runs of consecutive scores: [1, 2, 4] is "1-2 or 4".
            var runs: [(Int, Int)] = []
            for v in values.sorted() {
                if let last = runs.last, last.1 + 1 == v { runs[runs.count - 1].1 = v } else { runs.append((v, v)) }
            }
            return runs.map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)-\($0.1)" }.joined(separator: " or ")
        }
        let width = names.map(\.count).max() ?? 0
        return names.indices.map { segment in
            // The FM scores of the segment for each R, best R first; Rs with the same FMs merged.
            var byFM: [(rs: [Int], fms: [Int])] = []
            for r in stride(from: 5, through: 1, by: -1) {
                let fms = (1...5).filter { grid[r - 1][$0 - 1] == Int32(segment) }
                guard !fms.isEmpty else { continue }
                if let i = byFM.firstIndex(where: { $0.fms == fms }) { byFM[i].rs.append(r) } else { byFM.append(([r], fms)) }
            }
            let text = byFM.map { "R \(span($0.rs)) and FM \(span($0.fms))" }.joined(separator: ", or ")
            return names[segment] + String(repeating: " ", count: width + 2 - names[segment].count) + text
        }
    }

    static func segment(r: Int, f: Int, m: Int) -> Int32 { grid[r - 1][fm(f: f, m: m) - 1] }

    static func name(r: Int, f: Int, m: Int) -> String { names[Int(segment(r: r, f: f, m: m))] }
}
