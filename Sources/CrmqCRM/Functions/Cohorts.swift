import CrmqSemantics
import CrmqEngine

/// `cohorts(transactions [, customer = col, date = col, asof = date])`: customers grouped by
/// the month of their first purchase (the cohort), and for each month since, how many of
/// them bought (docs/crm.md).
enum Cohorts {
    static let roles: [TransactionRole] = [.customer, .date]

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "cohorts",
            usage: "cohorts(transactions [, customer = col, date = col, asof = date])",
            summary: "customers by month of first purchase (cohort) and the share of them buying each month since",
            example: "cohorts(transactions) | where period <= 12",
            options: roles.map(\.option) + [TransactionInput.asofOption],
            bind: bind),
        run: run)

    static let schema = Schema([
        Field("cohort", .string), Field("period", .int), Field("customers", .int), Field("active", .int),
        Field("rate", .double),
    ])

    @Sendable static func bind(_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    {
        TransactionInput.bind("cohorts", roles: roles, input: input, options: options).map { ($0, schema) }
    }

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        let customerColumn = TransactionInput.column(.customer, of: input, options: options)
        let dateColumn = TransactionInput.column(.date, of: input, options: options)
        guard let asof = TransactionInput.asof(options: options, settings: settings, dates: dateColumn),
            let range = DateRange(dateColumn), case .date(let days) = dateColumn.values
        else { return RFM.empty(schema) }
        let slots = try CustomerSlots(
            customers: customerColumn, dates: dateColumn, window: .init(before: asof), cancellation: cancellation)
        guard slots.count > 0 else { return RFM.empty(schema) }

        let months = MonthTable(range)
        let span = months.month(of: range.max) + 1
        let n = input.rowCount
        var cells = CohortCells(months: span)

        let words = (span + 63) / 64
        if span <= CohortCells.denseLimit, slots.count * words <= 1 << 25 {
            // One pass: each customer's months with a purchase, as bits; the lowest is its cohort.
            let parts = partCount(rows: n)
            let scratch = (0..<parts).map { _ in Scratch<UInt64>(zeroed: slots.count * words) }
            defer { withExtendedLifetime(scratch) {} }
            let rows = slots.rows
            Parallel.forEach(n, parts: parts) { part, range in
                let bits = scratch[part].pointer
                rows.withUnsafeBufferPointer { rows in
                    days.withUnsafeBufferPointer { days in
                        for start in stride(from: range.lowerBound, to: range.upperBound, by: cancellationStride) {
                            if cancellation.isCancelled { return }
                            for i in start..<min(range.upperBound, start + cancellationStride) {
                                let s = Int(rows[i])
                                if s < 0 { continue }
                                let m = months.month(of: days[i])
                                bits[s * words + (m >> 6)] |= 1 << UInt64(m & 63)
                            }
                        }
                    }
                }
            }
            try cancellation.check()
            let bits = scratch[0].buffer
            for other in scratch.dropFirst() {
                for w in 0..<bits.count { bits[w] |= other.pointer[w] }
            }
            precondition(!cells.dense.isEmpty, "CohortCells is a dense square up to denseLimit months")
            let months = span
            cells.dense.withUnsafeMutableBufferPointer { dense in
                cells.customers.withUnsafeMutableBufferPointer { customers in
                    for s in 0..<slots.count {
                        var cohort = -1
                        for w in 0..<words {
                            var x = bits[s * words + w]
                            while x != 0 {
                                let m = w * 64 + x.trailingZeroBitCount
                                x &= x - 1
                                if cohort < 0 {
                                    cohort = m
                                    customers[m] += 1
                                }
                                dense[cohort * months + m - cohort] += 1
                            }
                        }
                    }
                }
            }
        } else {
            // Very long histories: (customer, month) pairs, sorted and made unique.
            var pairs: [UInt64] = []
            for i in 0..<n where slots.rows[i] >= 0 {
                if i % cancellationStride == 0 { try cancellation.check() }
                pairs.append(UInt64(slots.rows[i]) << 32 | UInt64(months.month(of: days[i])))
            }
            try cancellation.check()
            pairs.sort()
            var previous: UInt64? = nil
            var cohort = 0
            var customer = -1
            for p in pairs where p != previous {
                previous = p
                let s = Int(p >> 32)
                let m = Int(p & 0xFFFF_FFFF)
                if s != customer {
                    customer = s
                    cohort = m
                    cells.customers[m] += 1
                }
                cells.add(cohort: cohort, period: m - cohort)
            }
        }
        return cells.table(months: months)
    }
}

/// Month numbers (0 = the month of the earliest date) of the dates in a range, by table
/// lookup when the range is not huge.
struct MonthTable {
    let firstMonth: Int
    let firstDay: Int32
    let table: [Int32]

    init(_ range: DateRange) {
        let first = CivilDate(days: range.min)
        firstMonth = first.year * 12 + first.month - 1
        firstDay = range.min
        let count = Int(range.max) - Int(range.min) + 1
        if count <= 1 << 22 {
            var table = [Int32](repeating: 0, count: count)
            var date = first
            var month = Int32(0)
            for i in 0..<count {
                table[i] = month
                date.day += 1
                if date.day > CivilDate.daysIn(month: date.month, year: date.year) {
                    date.day = 1
                    date.month += 1
                    if date.month > 12 {
                        date.month = 1
                        date.year += 1
                    }
                    month += 1
                }
            }
            self.table = table
        } else {
            self.table = []
        }
    }

    @inline(__always)
    func month(of day: Int32) -> Int {
        let i = Int(day) - Int(firstDay)
        if i < table.count { return Int(table[i]) }
        let d = CivilDate(days: day)
        return d.year * 12 + d.month - 1 - firstMonth
    }

    /// "YYYY-MM" of month number m.
    func label(_ m: Int) -> String {
        let absolute = firstMonth + m
        let year = absolute / 12
        let month = absolute % 12 + 1
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + (month < 10 ? "-0" : "-") + String(month)
    }
}

/// Cohort sizes and (cohort, period) counts of active customers.
struct CohortCells {
    /// Up to 100 years of months, cells are a dense square; beyond, a dictionary.
    static let denseLimit = 1200
    let months: Int
    var customers: [Int]
    var dense: [Int32]
    var sparse: [Int: Int] = [:]

    init(months: Int) {
        self.months = months
        customers = [Int](repeating: 0, count: months)
        dense = months <= Self.denseLimit ? [Int32](repeating: 0, count: months * months) : []
    }

    @inline(__always)
    mutating func add(cohort: Int, period: Int) {
        if dense.isEmpty {
            sparse[cohort * months + period, default: 0] += 1
        } else {
            dense[cohort * months + period] += 1
        }
    }

    func active(cohort: Int, period: Int) -> Int {
        dense.isEmpty ? sparse[cohort * months + period] ?? 0 : Int(dense[cohort * months + period])
    }

    /// Rows sorted by cohort and period; only cells where someone bought.
    func table(months table: MonthTable) -> Table {
        var cohortCodes: [Int32] = []
        var labels = StringDictionaryBuilder()
        var period: [Int64] = []
        var size: [Int64] = []
        var active: [Int64] = []
        var rate: [Double] = []
        for c in 0..<months where customers[c] > 0 {
            let code = labels.code(for: table.label(c))
            for k in 0..<(months - c) {
                let a = self.active(cohort: c, period: k)
                if a == 0 { continue }
                cohortCodes.append(code)
                period.append(Int64(k))
                size.append(Int64(customers[c]))
                active.append(Int64(a))
                rate.append(Double(a) / Double(customers[c]))
            }
        }
        if labels.values.isEmpty { _ = labels.code(for: "") }
        return Table(
            schema: Cohorts.schema,
            columns: [
                Column(.string(codes: cohortCodes, dictionary: labels.build())), Column(.int(period)),
                Column(.int(size)), Column(.int(active)), Column(.double(rate)),
            ],
            rowCount: period.count)
    }
}
