import CrmqSemantics
import CrmqEngine

/// `rfm(transactions [, customer = col, date = col, amount = col, asof = date])`: one row per
/// customer with a purchase before the as-of date; recency, frequency and monetary value,
/// their quintile scores and the segment they put the customer in (docs/crm-functions.md).
enum RFM {
    static let roles: [TransactionRole] = [.customer, .date, .amount]

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "rfm",
            usage: "rfm(transactions [, customer = col, date = col, amount = col, asof = date])",
            summary: "recency, frequency, monetary value, their 1-5 scores and the RFM segment of each customer",
            example: "rfm(transactions) | count by rfm_segment",
            options: roles.map(\.option) + [TransactionInput.asofOption],
            bind: bind),
        run: run)

    /// The output columns after the customer column.
    static let measureFields: [Field] = [
        Field("recency", .int), Field("frequency", .int), Field("monetary", .double),
        Field("r_score", .int), Field("f_score", .int), Field("m_score", .int),
        Field("rfm_score", .int), Field("rfm_segment", .string),
    ]

    @Sendable static func bind(_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    {
        TransactionInput.bind("rfm", roles: roles, input: input, options: options).flatMap { resolved in
            guard case .string(let name)? = resolved["customer"] else { fatalError("customer resolved") }
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

    /// One customer's running totals (16 bytes, so an update touches one cache line).
    struct Totals {
        var last: Int32 = .min
        var purchases: Int32 = 0
        var amount: Double = 0
    }

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        let customerColumn = TransactionInput.column(.customer, of: input, options: options)
        let dateColumn = TransactionInput.column(.date, of: input, options: options)
        let amountColumn = TransactionInput.column(.amount, of: input, options: options)
        let customerName: String = if case .string(let s)? = options["customer"] { s } else { "customer_id" }
        let schema = Schema([Field(customerName, customerColumn.type == .string ? .string : .int)] + measureFields)

        guard let asof = TransactionInput.asof(options: options, settings: settings, dates: dateColumn) else {
            return empty(schema)
        }
        let slots = try CustomerSlots(
            customers: customerColumn, dates: dateColumn, before: asof, cancellation: cancellation)
        guard case .date(let days) = dateColumn.values, slots.count > 0 else { return empty(schema) }

        // One pass over the transactions.
        var totals = [Totals](repeating: Totals(), count: slots.count)
        let n = input.rowCount
        try totals.withUnsafeMutableBufferPointer { t throws(EngineError) in
            try slots.rows.withUnsafeBufferPointer { rows throws(EngineError) in
                try days.withUnsafeBufferPointer { days throws(EngineError) in
                    func pass(_ amount: (Int) -> Double?) throws(EngineError) {
                        for start in stride(from: 0, to: n, by: cancellationStride) {
                            try cancellation.check()
                            for i in start..<min(n, start + cancellationStride) {
                                let s = Int(rows[i])
                                if s < 0 { continue }
                                t[s].last = max(t[s].last, days[i])
                                t[s].purchases &+= 1
                                if let a = amount(i) { t[s].amount += a }
                            }
                        }
                    }
                    let valid = amountColumn.validity
                    switch amountColumn.values {
                    case .double(let a):
                        if let valid {
                            try pass { valid[$0] ? a[$0] : nil }
                        } else {
                            try a.withUnsafeBufferPointer { a throws(EngineError) in try pass { a[$0] } }
                        }
                    case .int(let a):
                        try pass { valid?[$0] ?? true ? Double(a[$0]) : nil }
                    default:
                        try pass { _ in nil }
                    }
                }
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
            last[p] = Int64(t.last)
            recency[p] = Int64(asof) - Int64(t.last)
            frequency[p] = Int64(t.purchases)
            // Rounded to cents before ranking, so summation order cannot change a score.
            let c = (t.amount * 100).rounded()
            cents[p] = c.isFinite && abs(c) < 9.0e15 ? Int64(c) : (c < 0 ? Int64.min / 2 : Int64.max / 2)
            monetary[p] = c.isFinite ? c / 100 : t.amount
        }
        // 5 = best: the latest last purchase, the most purchases, the largest spend.
        let r = try Quintiles.scores(last, cancellation: cancellation)
        let f = try Quintiles.scores(frequency, cancellation: cancellation)
        let ms = try Quintiles.scores(cents, cancellation: cancellation)

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
        let q = n / buckets
        let r = n % buckets
        let big = r * (q + 1)
        @inline(__always) func bucket(_ position: Int) -> UInt8 {
            UInt8(position < big ? position / (q + 1) + 1 : r + (position - big) / q + 1)
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
        let indexBits = UInt64(n).bitWidth - UInt64(n).leadingZeroBitCount
        if !overflow, UInt64(span).bitWidth - UInt64(span).leadingZeroBitCount + indexBits <= 64 {
            // (key - lo, index) packed in one integer: one sort of plain numbers.
            var packed = keys.enumerated().map { i, k in (UInt64(k - lo) << indexBits) | UInt64(i) }
            packed.sort()
            let mask = (UInt64(1) << indexBits) - 1
            for (position, x) in packed.enumerated() { scores[Int(x & mask)] = bucket(position) }
            return scores
        }
        let order = (0..<n).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        for (position, i) in order.enumerated() { scores[i] = bucket(position) }
        return scores
    }
}

/// The RFM segment map: R against FM, the mean of F and M rounded half up
/// (docs/crm-functions.md has it as a table).
enum RFMSegments {
    static let names = [
        "Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising", "Need attention",
        "About to sleep", "At risk", "Cannot lose them", "Hibernating", "Lost",
    ]
    static let dictionary = StringDictionary(names)

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

    static func segment(r: Int, f: Int, m: Int) -> Int32 { grid[r - 1][fm(f: f, m: m) - 1] }

    static func name(r: Int, f: Int, m: Int) -> String { names[Int(segment(r: r, f: f, m: m))] }
}
