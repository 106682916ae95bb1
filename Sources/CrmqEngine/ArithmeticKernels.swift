import CrmqSemantics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Kernels for arithmetic, numeric functions and numeric casts. Null in gives null out.
enum ArithmeticKernels {
    static func call(_ fn: ScalarFunction, _ a: [Datum], _ cx: CallContext) throws(EngineError) -> Datum? {
        switch fn {
        case .add:
            return cx.type == .int
                ? try intBinary("+", a[0], a[1], cx) { $0.addingReportingOverflow($1) }
                : doubleBinary(a[0], a[1], cx, +)
        case .subtract:
            return cx.type == .int
                ? try intBinary("-", a[0], a[1], cx) { $0.subtractingReportingOverflow($1) }
                : doubleBinary(a[0], a[1], cx, -)
        case .multiply:
            return cx.type == .int
                ? try intBinary("*", a[0], a[1], cx) { $0.multipliedReportingOverflow(by: $1) }
                : doubleBinary(a[0], a[1], cx, *)
        case .divide:
            return finite(nonZeroDivisor(a[0], a[1], cx) { x, y in
                .double(map2(x.doubles, y.doubles, cx.n, /))
            }, cx)
        case .modulo:
            return nonZeroDivisor(a[0], a[1], cx) { x, y in
                // remainderReportingOverflow never traps: Int64.min % -1 gives 0.
                cx.type == .int
                    ? .int(map2(x.ints, y.ints, cx.n) { $0.remainderReportingOverflow(dividingBy: $1).partialValue })
                    : .double(map2(x.doubles, y.doubles, cx.n) { $0.truncatingRemainder(dividingBy: $1) })
            }
        case .negate:
            return cx.type == .int
                ? try intBinary("-", .scalar(.int(0)), a[0], cx) { $0.subtractingReportingOverflow($1) }
                : doubleUnary(a[0], cx) { -$0 }
        case .abs:
            if cx.type == .int {
                return try intBinary("abs", a[0], .scalar(.int(0)), cx) { x, _ in
                    x < 0 ? (0 as Int64).subtractingReportingOverflow(x) : (x, false)
                }
            }
            return doubleUnary(a[0], cx) { Swift.abs($0) }
        case .dateAddDays, .addDays:
            return try dateShift(a[0], a[1], cx, sign: 1)
        case .dateSubtractDays:
            return try dateShift(a[0], a[1], cx, sign: -1)
        case .dateDifference:
            return dateDifference(a[0], a[1], cx)
        case .daysBetween:
            return dateDifference(a[1], a[0], cx)
        case .round:
            return round(a, cx)
        case .floor: return doubleUnary(a[0], cx) { $0.rounded(.down) }
        case .ceil: return doubleUnary(a[0], cx) { $0.rounded(.up) }
        case .exp: return doubleUnary(a[0], cx) { Foundationless.exp($0) }
        case .sqrt: return doubleUnary(a[0], cx, domain: { $0 >= 0 }) { $0.squareRoot() }
        case .ln: return doubleUnary(a[0], cx, domain: { $0 > 0 }) { Foundationless.log($0) }
        case .log10: return doubleUnary(a[0], cx, domain: { $0 > 0 }) { Foundationless.log10($0) }
        case .power: return doubleBinary(a[0], a[1], cx) { Foundationless.pow($0, $1) }
        case .bin: return try bin(a[0], a[1], cx)
        case .intToDouble: return doubleUnary(a[0], cx) { $0 }
        case .toInt where !a[0].isString:
            return try toInt(a[0], cx)
        case .toDouble where !a[0].isString:
            return doubleUnary(a[0], cx) { $0 }
        default:
            return nil
        }
    }

    /// Int arithmetic with overflow as a runtime error (rows that are null don't count).
    @inline(__always)
    static func intBinary(
        _ op: String, _ a: Datum, _ b: Datum, _ cx: CallContext,
        _ f: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)
    ) throws(EngineError) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        let x = a.ints, y = b.ints
        var overflow = false
        let out = map2(x, y, cx.n) { x, y in
            let r = f(x, y)
            if r.overflow { overflow = true }
            return r.partialValue
        }
        // The overflow flag is cheap to keep; only when it is set do we look for a non-null culprit.
        if overflow, firstRow(x, y, valid: valid, cx.n, { f($0, $1).overflow }) != nil {
            throw cx.error(.integerOverflow(operation: op))
        }
        return makeDatum(.int(out), valid)
    }

    @inline(__always)
    static func doubleBinary(_ a: Datum, _ b: Datum, _ cx: CallContext, _ f: (Double, Double) -> Double) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        return finiteDatum(map2(a.doubles, b.doubles, cx.n, f), valid, cx.n)
    }

    /// A double function; rows outside `domain` (sqrt of a negative, log of 0) become null,
    /// and so do results that are not finite (exp(1000)), as with every double result.
    @inline(__always)
    static func doubleUnary(
        _ a: Datum, _ cx: CallContext, domain: ((Double) -> Bool)? = nil, _ f: (Double) -> Double
    ) -> Datum {
        var valid = a.valid
        if case .scalar(false) = valid { return .scalar(.null) }
        let x = a.doubles
        if let domain { valid = andValid(valid, .array(map1(x, cx.n, domain)), cx.n) }
        return finiteDatum(map1(x, cx.n, f), valid, cx.n)
    }

    /// A double result with its non-finite values made null.
    static func finite(_ d: Datum, _ cx: CallContext) -> Datum {
        guard case .column(let c) = d else {
            if case .scalar(.double(let x)) = d, !x.isFinite { return .scalar(.null) }
            return d
        }
        return .column(c.finite())
    }

    /// Division and modulo: a zero divisor gives null.
    static func nonZeroDivisor(
        _ a: Datum, _ b: Datum, _ cx: CallContext, _ compute: (Datum, Datum) -> ColumnValues
    ) -> Datum {
        var valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        let nonZero: Vec<Bool> =
            if cx.type == .int {
                switch b.ints {
                case .scalar(let y): .scalar(y != 0)
                case .array(let ys): .array(map1(.array(ys), cx.n) { $0 != 0 })
                }
            } else {
                switch b.doubles {
                case .scalar(let y): .scalar(y != 0)
                case .array(let ys): .array(map1(.array(ys), cx.n) { $0 != 0 })
                }
            }
        valid = andValid(valid, nonZero, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        return makeDatum(compute(a, b), valid)
    }

    static func dateShift(_ a: Datum, _ b: Datum, _ cx: CallContext, sign: Int64) throws(EngineError) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        let d = a.dates, k = b.ints
        @inline(__always) func shifted(_ d: Int32, _ k: Int64) -> (Int32, Bool) {
            let (m, o1) = k.multipliedReportingOverflow(by: sign)
            let (r, o2) = Int64(d).addingReportingOverflow(m)
            return (Int32(truncatingIfNeeded: r), o1 || o2 || !CivilDate.dayRange.contains(r))
        }
        if firstRow(d, k, valid: valid, cx.n, { shifted($0, $1).1 }) != nil {
            throw cx.error(.dateOutOfRange)
        }
        return makeDatum(.date(map2(d, k, cx.n) { shifted($0, $1).0 }), valid)
    }

    static func dateDifference(_ a: Datum, _ b: Datum, _ cx: CallContext) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        return makeDatum(.int(map2(a.dates, b.dates, cx.n) { Int64($0) - Int64($1) }), valid)
    }

    /// round(x[, digits]), half away from zero; negative digits round to tens, hundreds, ...
    static func round(_ a: [Datum], _ cx: CallContext) -> Datum {
        let digits: Datum = a.count > 1 ? a[1] : .scalar(.int(0))
        let valid = andValid(a[0].valid, digits.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        return finiteDatum(map2(a[0].doubles, digits.ints, cx.n, roundHalfAway), valid, cx.n)
    }

    @inline(__always)
    static func roundHalfAway(_ x: Double, _ digits: Int64) -> Double {
        if digits == 0 { return x.rounded(.toNearestOrAwayFromZero) }
        if !x.isFinite { return x }
        let p = Foundationless.pow(10, Double(Swift.min(Swift.max(digits, -400), 400).magnitude))
        // 10^309 and beyond is infinite: every finite x rounds to 0 at such a place.
        if digits < 0 && !p.isFinite { return 0 }
        if digits > 0 {
            let scaled = x * p
            // Beyond 2^52 a double has no fraction left to round.
            if !scaled.isFinite || Swift.abs(scaled) >= 4_503_599_627_370_496 { return x }
            return scaled.rounded(.toNearestOrAwayFromZero) / p
        }
        return (x / p).rounded(.toNearestOrAwayFromZero) * p
    }

    /// bin(x, width): x rounded down to a multiple of width; width must be positive.
    static func bin(_ a: Datum, _ b: Datum, _ cx: CallContext) throws(EngineError) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        if cx.type == .int {
            let x = a.ints, w = b.ints
            if firstRow(x, w, valid: valid, cx.n, { _, w in w <= 0 }) != nil { throw cx.error(.invalidBinWidth) }
            @inline(__always) func binned(_ x: Int64, _ w: Int64) -> (partialValue: Int64, overflow: Bool) {
                guard w > 0 else { return (0, false) }
                var q = x / w
                if x % w != 0 && x < 0 { q -= 1 }
                return q.multipliedReportingOverflow(by: w)
            }
            return try intBinary("bin", a, b, cx, binned)
        }
        let x = a.doubles, w = b.doubles
        if firstRow(x, w, valid: valid, cx.n, { _, w in !(w > 0) }) != nil { throw cx.error(.invalidBinWidth) }
        return finiteDatum(map2(x, w, cx.n) { ($0 / $1).rounded(.down) * $1 }, valid, cx.n)
    }

    /// int(x) of a double (truncating toward zero) or a bool.
    static func toInt(_ a: Datum, _ cx: CallContext) throws(EngineError) -> Datum {
        var valid = a.valid
        if case .scalar(false) = valid { return .scalar(.null) }
        guard case .column(let c) = a, !c.isCompact, case .double(let xs) = c.values else {
            return makeDatum(.int(map1(a.bools, cx.n) { $0 ? 1 : 0 }), valid)
        }
        // NaN has no integer value: null. Out-of-range values are an overflow.
        valid = andValid(valid, .array(map1(.array(xs), cx.n) { !$0.isNaN }), cx.n)
        let inRange: (Double) -> Bool = { $0 >= -9.223_372_036_854_775_808e18 && $0 < 9.223_372_036_854_775_808e18 }
        if firstRow(.array(xs), .scalar(0), valid: valid, cx.n, { x, _ in !inRange(x) }) != nil {
            throw cx.error(.integerOverflow(operation: "int"))
        }
        return makeDatum(.int(map1(.array(xs), cx.n) { inRange($0) ? Int64($0) : 0 }), valid)
    }
}

extension Datum {
    /// Whether the datum is of a string type (casts from strings parse once per distinct value).
    var isString: Bool {
        switch self {
        case .scalar(let v): v.type == .string
        case .column(let c): c.type == .string
        }
    }

    /// The value of the first row (scalars: the value).
    var firstValue: Value? {
        switch self {
        case .scalar(let v): v
        case .column(let c): c.count > 0 ? c.value(at: 0) : nil
        }
    }
}

/// libm without Foundation.
enum Foundationless {
    #if canImport(Glibc)
        @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
        @inline(__always) static func log(_ x: Double) -> Double { Glibc.log(x) }
        @inline(__always) static func log10(_ x: Double) -> Double { Glibc.log10(x) }
        @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    #else
        @inline(__always) static func exp(_ x: Double) -> Double { Darwin.exp(x) }
        @inline(__always) static func log(_ x: Double) -> Double { Darwin.log(x) }
        @inline(__always) static func log10(_ x: Double) -> Double { Darwin.log10(x) }
        @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
    #endif
}
