import CrmqSemantics

/// Kernels for date parts, truncation and calendar arithmetic, on days since 1970-01-01.
/// Null in gives null out.
enum DateKernels {
    /// Years a computed date may have (`CivilDate.years`).
    static let yearRange = Int64(CivilDate.years.lowerBound)...Int64(CivilDate.years.upperBound)

    static func call(_ fn: ScalarFunction, _ a: [Datum], _ cx: CallContext) throws(EngineError) -> Datum? {
        switch fn {
        case .year: return part(a[0], cx) { Int64(CivilDate(days: $0).year) }
        case .month: return part(a[0], cx) { Int64(CivilDate(days: $0).month) }
        case .day: return part(a[0], cx) { Int64(CivilDate(days: $0).day) }
        case .quarter: return part(a[0], cx) { Int64((CivilDate(days: $0).month - 1) / 3 + 1) }
        case .weekday: return part(a[0], cx) { Int64(weekday($0)) }
        case .dateTrunc:
            let unit: String = if case .string(let u)? = a[0].firstValue { u.lowercased() } else { "" }
            let valid = andValid(a[0].valid, a[1].valid, cx.n)
            if case .scalar(false) = valid { return .scalar(.null) }
            let out = perDay(a[1].dates, cx.n) { truncate($0, unit: unit) }
            // Only a week can start before 0000-01-01 (a Saturday).
            if unit == "week", firstRow(.array(out), .scalar(()), valid: valid, cx.n, { d, _ in !CivilDate.dayRange.contains(Int64(d)) })
                != nil
            {
                throw cx.error(.dateOutOfRange)
            }
            return makeDatum(.date(out), valid)
        case .addMonths:
            return try addMonths(a[0], a[1], cx)
        case .monthsBetween:
            let valid = andValid(a[0].valid, a[1].valid, cx.n)
            if case .scalar(false) = valid { return .scalar(.null) }
            return monthsBetween(a[0].dates, a[1].dates, valid, cx.n)
        case .makeDate:
            return try makeDate(a[0], a[1], a[2], cx)
        default:
            return nil
        }
    }

    /// ISO weekday, 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday).
    @inline(__always)
    static func weekday(_ d: Int32) -> Int {
        let r = (Int(d) % 7 + 7) % 7  // 0 = Thursday
        return (r + 3) % 7 + 1
    }

    static func truncate(_ d: Int32, unit: String) -> Int32 {
        switch unit {
        case "week": return d - Int32(weekday(d) - 1)
        case "year":
            let c = CivilDate(days: d)
            return CivilDate(year: c.year, month: 1, day: 1).days
        case "quarter":
            let c = CivilDate(days: d)
            return CivilDate(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1).days
        default:  // "month"
            let c = CivilDate(days: d)
            return CivilDate(year: c.year, month: c.month, day: 1).days
        }
    }

    /// Whole calendar months from a to b, the inverse of `add_months`: forward (b >= a),
    /// the largest m with add_months(a, m) <= b; backward, -months_between(b, a). So
    /// months_between(a, add_months(a, k)) == k for every k, and the function is
    /// antisymmetric. 2024-01-31 to 2024-02-29 is 1 month (add_months clamps to the end of
    /// February); 2024-01-31 to 2024-02-28 is 0.
    /// Forward (y on or after x): the month difference, less one when x's day (clamped to the
    /// end of y's month, where add_months puts it) is after y's day. Backward: minus the
    /// forward count from y to x. Both are computed and one chosen, without branches (the
    /// direction varies row by row).
    @inline(__always)
    static func monthsBetween(_ x: MonthDay, _ y: MonthDay) -> Int64 {
        @inline(__always) func bit(_ b: Bool) -> Int64 { Int64(unsafeBitCast(b, to: UInt8.self)) }
        let months = Int64(y.month &- x.month)
        let forward = months &- bit(Swift.min(x.day, y.monthLength) > y.day)
        let backward = months &+ bit(Swift.min(y.day, x.monthLength) > x.day)
        let back = y.month < x.month || (y.month == x.month && y.day < x.day)
        return back ? backward : forward
    }

    /// A date part per row; dates span few distinct days, so over a small range the part is
    /// computed once per day and looked up.
    static func part(_ a: Datum, _ cx: CallContext, _ f: (Int32) -> Int64) -> Datum {
        let valid = a.valid
        if case .scalar(false) = valid { return .scalar(.null) }
        return makeDatum(.int(perDay(a.dates, cx.n, f)), valid)
    }

    @inline(__always)
    static func perDay<R>(_ days: Vec<Int32>, _ n: Int, _ f: (Int32) -> R) -> [R] {
        guard case .array(let a) = days, n > 4096 else { return map1(days, n, f) }
        let (lo, hi) = dayRange(a)
        let span = Int(hi) - Int(lo)
        guard span < n / 4 else { return map1(days, n, f) }
        return lookUp(a, in: (0...span).map { f(lo + Int32($0)) }, from: lo)
    }

    /// The first and last day of a non-empty column (on every core).
    static func dayRange(_ a: [Int32]) -> (lo: Int32, hi: Int32) {
        let parts = Parallel.parts(a.count)
        var bounds = [(lo: Int32, hi: Int32)](repeating: (.max, .min), count: parts)
        a.withUnsafeBufferPointer { a in
            bounds.withUnsafeMutableBufferPointer { bounds in
                Parallel.forEach(a.count, parts: parts) { part, rows in
                    var lo = Int32.max, hi = Int32.min
                    for i in rows {
                        lo = Swift.min(lo, a[i])
                        hi = Swift.max(hi, a[i])
                    }
                    bounds[part] = (lo, hi)
                }
            }
        }
        return (bounds.map(\.lo).min()!, bounds.map(\.hi).max()!)
    }

    /// `table[day - lo]` for every day of `a` (all within the table), on every core.
    static func lookUp<R>(_ a: [Int32], in table: [R], from lo: Int32) -> [R] {
        a.withUnsafeBufferPointer { a in
            table.withUnsafeBufferPointer { t in
                Parallel.array(a.count) { out, rows in
                    for i in rows { out.initializeElement(at: i, to: t[Int(a[i] &- lo)]) }
                }
            }
        }
    }

    /// months_between row by row: both operands' days looked up in `MonthDayTable`s, on every
    /// core (a generic kernel, not `map2`'s closure, so that the lookups stay inlined there).
    /// Months between a purchase and a signup are a few dozen: the result is usually stored in
    /// 8 bits (`narrowIntOutput`).
    static func monthsBetween(_ a: Vec<Int32>, _ b: Vec<Int32>, _ valid: Vec<Bool>, _ n: Int) -> Datum {
        struct Rows: IntRowKernel {
            let from: MonthDayTable, to: MonthDayTable
            let a: Vec<Int32>, b: Vec<Int32>
            let pa: UnsafeBufferPointer<Int32>?, pb: UnsafeBufferPointer<Int32>?

            @inline(__always) func at(_ v: Vec<Int32>, _ p: UnsafeBufferPointer<Int32>?, _ i: Int) -> Int32 {
                if let p { return p[i] }
                if case .scalar(let x) = v { return x }
                return 0
            }

            @inline(__always) func value(_ i: Int) -> Int64 { DateKernels.monthsBetween(from[at(a, pa, i)], to[at(b, pb, i)]) }
        }
        let from = MonthDayTable(a, n), to = MonthDayTable(b, n)
        let column = withOptionalBuffer(a.arrayValue) { pa in
            withOptionalBuffer(b.arrayValue) { pb in
                let rows = Rows(from: from, to: to, a: a, b: b, pa: pa, pb: pb)
                switch valid {
                case .array(let m): return narrowIntOutput(n, valid: m, rows)
                default: return narrowIntOutput(n, valid: nil, rows)
                }
            }
        }
        return .column(column)
    }

    /// add_months(d, k): calendar months, clamped to the last day of the target month.
    static func addMonths(_ a: Datum, _ b: Datum, _ cx: CallContext) throws(EngineError) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        @inline(__always) func shifted(_ d: Int32, _ k: Int64) -> Int32? { CivilDate.addingMonths(d, k) }
        if firstRow(a.dates, b.ints, valid: valid, cx.n, { shifted($0, $1) == nil }) != nil {
            throw cx.error(.dateOutOfRange)
        }
        return makeDatum(.date(map2(a.dates, b.ints, cx.n) { shifted($0, $1) ?? 0 }), valid)
    }

    /// date(y, m, d); a runtime error if the parts name no calendar date.
    static func makeDate(_ y: Datum, _ m: Datum, _ d: Datum, _ cx: CallContext) throws(EngineError) -> Datum {
        let valid = andValid([y.valid, m.valid, d.valid], cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        let ys = y.ints, ms = m.ints, ds = d.ints
        @inline(__always) func isDate(_ y: Int64, _ m: Int64, _ d: Int64) -> Bool {
            yearRange.contains(y) && (1...12).contains(m) && d >= 1
                && d <= CivilDate.daysIn(month: Int(m), year: Int(y))
        }
        let ok = map3(ys, ms, ds, cx.n, isDate)
        for i in 0..<cx.n where !ok[i] {
            if case .array(let v) = valid, !v[i] { continue }
            @inline(__always) func at(_ v: Vec<Int64>) -> Int64 {
                switch v {
                case .scalar(let x): x
                case .array(let a): a[i]
                }
            }
            if !yearRange.contains(at(ys)) { throw cx.error(.dateOutOfRange) }
            throw cx.error(.invalidDateParts(year: at(ys), month: at(ms), day: at(ds)))
        }
        let out = map3(ys, ms, ds, cx.n) { y, m, d in
            isDate(y, m, d) ? CivilDate(year: Int(y), month: Int(m), day: Int(d)).days : 0
        }
        return makeDatum(.date(out), valid)
    }
}

/// What whole-month arithmetic needs of a date: its month number (year * 12 + month - 1),
/// its day of the month and the length of its month.
struct MonthDay {
    var month: Int32
    var day: UInt8
    var monthLength: UInt8

    init(_ days: Int32) {
        let c = CivilDate(days: days)
        month = Int32(c.year * 12 + c.month - 1)
        day = UInt8(c.day)
        monthLength = UInt8(CivilDate.daysIn(month: c.month, year: c.year))
    }
}

/// `MonthDay` of every day in the range a date operand spans, when that range is short (dates
/// cluster in a few years), so that a row costs a lookup instead of a calendar conversion.
struct MonthDayTable {
    let lo: Int32
    let entries: [MonthDay]

    init(_ days: Vec<Int32>, _ n: Int) {
        var lo = Int32.max, hi = Int32.min
        switch days {
        case .scalar(let d): (lo, hi) = (d, d)
        case .array(let a): if !a.isEmpty { (lo, hi) = DateKernels.dayRange(a) }
        }
        self.lo = lo
        let span = Int(hi) - Int(lo)
        entries = lo <= hi && span < Swift.max(4096, n / 4) ? (0...span).map { MonthDay(lo + Int32($0)) } : []
    }

    @inline(__always)
    subscript(_ d: Int32) -> MonthDay {
        let k = Int(d) &- Int(lo)
        return k >= 0 && k < entries.count ? entries[k] : MonthDay(d)
    }
}
