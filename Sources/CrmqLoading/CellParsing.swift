import CrmqSemantics

/// What a cell's text can be read as, for type inference. Cases are ordered from the
/// most specific reading; `bigInteger` is integer syntax beyond Int64 (read as double).
enum CellClass {
    case empty, int, bigInteger, double, bool, date, text
}

/// Byte-level readers of one cell's text `p[s..<e]`: no String is made for numbers.
enum CellParsing {
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Optional sign then digits, within Int64; nil otherwise (including overflow).
    @inline(__always)
    static func parseInt(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int64? {
        var i = s
        var negative = false
        if i < e && (p[i] == 0x2D || p[i] == 0x2B) {
            negative = p[i] == 0x2D
            i += 1
        }
        guard i < e else { return nil }
        var magnitude: UInt64 = 0
        // Up to 18 digits cannot overflow: no checks per digit.
        if e - i <= 18 {
            while i < e {
                let d = p[i] &- 0x30
                guard d < 10 else { return nil }
                magnitude = magnitude &* 10 &+ UInt64(d)
                i += 1
            }
            return negative ? -Int64(magnitude) : Int64(magnitude)
        }
        while i < e {
            let d = p[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            magnitude = a
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// True for integer syntax (sign, digits) of any length.
    static func isIntegerSyntax(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        if i < e && (p[i] == 0x2D || p[i] == 0x2B) { i += 1 }
        guard i < e else { return false }
        while i < e {
            guard isDigit(p[i]) else { return false }
            i += 1
        }
        return true
    }

    private static let powersOf10: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// A decimal number: `[+-]` digits with an optional `.` and fraction (either part may be
    /// missing, not both), then an optional exponent `e[+-]digits`. Correctly rounded. A
    /// number too large for a double (`1e999`) is none, and neither are `NaN` and `inf`:
    /// crmq's doubles are finite.
    @inline(__always)
    static func parseDouble(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
        var i = s
        var negative = false
        if i < e && (p[i] == 0x2D || p[i] == 0x2B) {
            negative = p[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0  // digits accumulated into `mantissa`, after leading zeros
        var dropped = false  // a nonzero digit beyond 19 significant ones
        var exponent = 0
        var digits = 0
        while i < e, isDigit(p[i]) {
            let d = UInt64(p[i] &- 0x30)
            if significant < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa * 10 + d
                    significant += 1
                }
            } else {
                exponent += 1
                if d != 0 { dropped = true }
            }
            digits += 1
            i += 1
        }
        if i < e && p[i] == 0x2E {
            i += 1
            while i < e, isDigit(p[i]) {
                let d = UInt64(p[i] &- 0x30)
                if significant < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa * 10 + d
                        significant += 1
                    }
                    exponent -= 1
                } else if d != 0 {
                    dropped = true
                }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < e && (p[i] | 0x20) == 0x65 {
            i += 1
            var expNegative = false
            if i < e && (p[i] == 0x2D || p[i] == 0x2B) {
                expNegative = p[i] == 0x2D
                i += 1
            }
            guard i < e else { return nil }
            var x = 0
            while i < e {
                let d = p[i] &- 0x30
                guard d < 10 else { return nil }
                if x < 100_000 { x = x * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -x : x
        }
        guard i == e else { return nil }
        // Clinger's fast path: an exact mantissa and an exact power of ten give one
        // correctly rounded operation.
        if !dropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            v = exponent < 0 ? v / powersOf10[-exponent] : v * powersOf10[exponent]
            return negative ? -v : v
        }
        if mantissa == 0 && !dropped { return negative ? -0.0 : 0.0 }
        return parseDoubleText(p, s, e)
    }

    /// The rare numbers beyond the fast path, read by the standard library.
    @inline(never)
    private static func parseDoubleText(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { return nil }
        return v
    }

    /// `true` or `false`, any case.
    @inline(__always)
    static func parseBool(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool? {
        if e - s == 4 && p[s] | 0x20 == 0x74 && p[s + 1] | 0x20 == 0x72 && p[s + 2] | 0x20 == 0x75
            && p[s + 3] | 0x20 == 0x65
        {
            return true
        }
        if e - s == 5 && p[s] | 0x20 == 0x66 && p[s + 1] | 0x20 == 0x61 && p[s + 2] | 0x20 == 0x6C
            && p[s + 3] | 0x20 == 0x73 && p[s + 4] | 0x20 == 0x65
        {
            return false
        }
        return nil
    }

    /// A valid calendar date `YYYY-MM-DD`, as days since 1970-01-01.
    @inline(__always)
    static func parseDate(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int32? {
        guard e - s == 10, p[s + 4] == 0x2D, p[s + 7] == 0x2D else { return nil }
        return CivilDateBytes.days(p, s)
    }

    /// The class of a non-empty cell's text.
    static func classify(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> CellClass {
        if s == e { return .empty }
        if parseInt(p, s, e) != nil { return .int }
        if isIntegerSyntax(p, s, e) { return parseDouble(p, s, e) != nil ? .bigInteger : .text }
        if parseDate(p, s, e) != nil { return .date }
        if parseBool(p, s, e) != nil { return .bool }
        if parseDouble(p, s, e) != nil { return .double }
        return .text
    }

    /// The first byte of `p[s..<e]` that is not valid UTF-8, or nil.
    static func firstInvalidUTF8(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        var i = s
        while i < e {
            let c = p[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            guard i + need < e else { return i }
            let b1 = p[i + 1]
            guard b1 >= lo && b1 <= hi else { return i }
            var k = 2
            while k <= need {
                guard p[i + k] & 0xC0 == 0x80 else { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }
}

/// `CivilDate.parse(bytes:)` on a raw buffer: the reader's cells are not array slices, and
/// making one per cell costs a retain and release in the hottest loop.
enum CivilDateBytes {
    @inline(__always)
    static func days(_ p: UnsafeBufferPointer<UInt8>, _ s: Int) -> Int32? {
        @inline(__always) func digit(_ k: Int) -> Int? {
            let d = p[s + k] &- 0x30
            return d < 10 ? Int(d) : nil
        }
        guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
            let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
        else { return nil }
        let y = y0 * 1000 + y1 * 100 + y2 * 10 + y3, m = m0 * 10 + m1, d = d0 * 10 + d1
        guard m >= 1, m <= 12, d >= 1, d <= CivilDate.daysIn(month: m, year: y) else { return nil }
        return CivilDate(year: y, month: m, day: d).days
    }
}

/// A cell reader for one fixed-width column type. The converter is generic over this
/// rather than taking a closure: the closure was called per cell, not inlined (12% of
/// loading time went to the call and its thunk).
protocol CellParser {
    associatedtype Value
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Value?
}

enum IntCells: CellParser {
    @inline(__always)
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int64? { CellParsing.parseInt(p, s, e) }
}

enum DoubleCells: CellParser {
    @inline(__always)
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
        CellParsing.parseDouble(p, s, e)
    }
}

enum BoolCells: CellParser {
    @inline(__always)
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool? { CellParsing.parseBool(p, s, e) }
}

enum DateCells: CellParser {
    @inline(__always)
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int32? { CellParsing.parseDate(p, s, e) }
}
