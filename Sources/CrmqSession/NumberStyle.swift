import Foundation

/// How a column of decimals is written for people to read (the table and Markdown views,
/// chart labels): every value with the same number of decimals, so that the decimal points
/// line up (`0.1720` under `0.1152`, not `0.172`). CSV and JSON keep full precision instead.
///
/// The decimals come from the column's values:
/// - 4 decimals, or more when every value is below 0.1, so that the largest still shows
///   4 significant digits, up to `maxDecimals` (0.1152, 0.01152, 0.001152);
/// - fewer when no value needs them (`7.0` and `8.5` stay as they are, not `7.0000`),
///   but at least one, so that a decimal never reads as a whole number (`3.0`);
/// - a column whose values are all below 1e-4, or mostly (the median) 1e15 or more, is
///   written in scientific notation with 4 significant digits (`2.0e-7`), as is any
///   single value of 1e15 or more;
/// - a value that is not zero but would round to zero at the column's decimals is written
///   in scientific notation (`1.0e-5` beside `5.0`), so it never reads as zero;
/// - zero is written without a sign (`0.0000`, never `-0.0000`).
public struct DecimalStyle: Sendable, Equatable {
    /// Decimals of every value written in fixed point; nil: scientific notation.
    public let decimals: Int?

    /// The most decimals a column gets (a typical magnitude of 0.001 or less).
    public static let maxDecimals = 6
    /// The decimals of a column of values between 0.1 and 10^15.
    public static let baseDecimals = 4

    public init(decimals: Int?) {
        self.decimals = decimals
    }

    /// The style that suits `values` (nulls left out by the caller).
    public init(_ values: some Sequence<Double>) {
        var sizes: [Double] = []
        var finite: [Double] = []
        for v in values where v.isFinite {
            finite.append(v)
            if v != 0 { sizes.append(abs(v)) }
        }
        guard !sizes.isEmpty else {
            decimals = 1
            return
        }
        sizes.sort()
        let largest = sizes[sizes.count - 1], typical = sizes[sizes.count / 2]
        if typical >= 1e15 || largest < 1e-4 {
            decimals = nil
            return
        }
        let wanted = min(Self.maxDecimals, max(Self.baseDecimals, 3 - Int(log10(largest).rounded(.down))))
        var needed = 1
        for v in finite where abs(v) < 1e15 && needed < wanted {
            needed = max(needed, Self.significantDecimals(of: v, upTo: wanted))
        }
        decimals = needed
    }

    /// The decimals `v` shows when rounded to `places`, trailing zeros left out.
    static func significantDecimals(of v: Double, upTo places: Int) -> Int {
        let text = fixed(v, places)
        var d = places
        for c in text.reversed() {
            guard d > 0, c == "0" else { break }
            d -= 1
        }
        return d
    }

    /// `x` as the column shows it.
    public func text(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        guard let decimals, abs(x) < 1e15 else {
            return x == 0 ? "0.0" : Self.scientific(x)
        }
        let text = Self.fixed(x, decimals)
        if !text.contains(where: { $0 >= "1" && $0 <= "9" }) {
            return x == 0 ? (text.hasPrefix("-") ? String(text.dropFirst()) : text) : Self.scientific(x)
        }
        return text
    }

    /// `x` with `places` decimals, rounded half away from zero as written in decimal
    /// (0.03875 -> 0.0388, although its binary value is a hair below).
    static func fixed(_ x: Double, _ places: Int) -> String {
        let scale = pow(10, Double(places))
        let r = (x * scale).rounded() / scale
        return String(format: "%.\(places)f", r.isFinite ? r : x)
    }

    /// `x` alone, as a one-value column shows it (scalar results, chart values).
    public static func text(_ x: Double) -> String {
        DecimalStyle([x]).text(x)
    }

    /// Scientific notation with 4 significant digits: `1.235e15`, `-2.0e-7`.
    static func scientific(_ x: Double) -> String {
        let a = abs(x)
        var e = Int(floor(log10(a)))
        // 10^e underflows for the smallest subnormals: scale in two steps.
        var m = e < -300 ? (a * 1e300) / pow(10, Double(e + 300)) : a / pow(10, Double(e))
        m = (m * 1000).rounded() / 1000
        if m >= 10 {
            m /= 10
            e += 1
        } else if m < 1 {
            m *= 10
            e -= 1
        }
        m = (m * 1000).rounded() / 1000
        return (x < 0 ? "-" : "") + m.description + "e" + String(e)
    }
}

/// How the numbers along one chart axis are written, all in one style: with the same
/// decimals (those the tick step needs), and thousands grouped on all of them or on none
/// (grouped when the largest has five digits or more: `5,000 10,000 15,000`, but
/// `0 500 1000 1500`). Where the largest is 1e15 or more, or below 1e-4, every label is
/// written in scientific notation with the exponent of the largest and the digits the
/// step needs (`-1.5e308 -1.0e308 ... 1.5e308`, `1.000000000000002e15`,
/// `0 0.5e-323 1.0e-323`). Labels have at most 17 digits after the point.
public struct AxisStyle: Sendable, Equatable {
    public let decimals: Int
    public let grouped: Bool
    /// The common exponent of scientific labels; nil: fixed point.
    public let exponent: Int?
    /// The values this style is given are the real ones divided by 10^shift.
    let shift: Int

    /// The style of ticks (or bin edges) that are multiples of `step`.
    public init(_ values: [Double], step: Double) {
        self.init(scaled: values, digitExponent: DecimalShift.digitExponent(step), shift: 0)
    }

    /// The style of `values` × 10^`shift`, multiples of a step whose last digit is
    /// 10^`digitExponent` × 10^`shift`.
    public init(scaled values: [Double], digitExponent: Int, shift: Int) {
        let largest = values.lazy.filter(\.isFinite).map(abs).max() ?? 0
        let last = digitExponent + shift
        let top = largest > 0 ? Int(log10(largest).rounded(.down)) + shift : last
        self.shift = shift
        if top >= 15 || top < -4 {
            exponent = top
            decimals = min(17, max(0, top - last))
            grouped = false
        } else {
            exponent = nil
            decimals = min(17, max(0, -last))
            grouped = largest >= 10_000
        }
    }

    public func texts(_ values: [Double]) -> [String] { values.map(text) }

    public func text(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v < 0 ? "-inf" : "inf") }
        if let exponent { return scientific(v, exponent: exponent) }
        let v = DecimalShift.scale(v, by: shift)
        let scale = pow(10, Double(decimals))
        var r = (v * scale).rounded() / scale
        if !r.isFinite { r = v }
        if r == 0 { r = 0 }  // no "-0"
        var text = String(format: "%.\(decimals)f", r)
        guard grouped, abs(r) >= 1000, abs(r) < 1e15 else { return text }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Array(parts[0])
        var out = ""
        for (k, c) in whole.enumerated() {
            if k > 0, (whole.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count == 2 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    /// `v` (divided by 10^shift) as a mantissa with `decimals` decimals × 10^`exponent`.
    /// The digits come from printf's exact decimal expansion of `v`, not from dividing
    /// it by a power of ten (which would show 1.0000000000000024e15 for 1e15 + 2.5).
    private func scientific(_ v: Double, exponent: Int) -> String {
        // The last digit shown, as a power of ten of `v`.
        let last = exponent - shift - decimals
        guard v != 0 else { return "0" }
        let own = Int(log10(abs(v)).rounded(.down))
        var digits: String, lowest: Int  // v ≈ digits × 10^lowest
        if own < last {
            let n = DecimalShift.scale(abs(v), by: -last).rounded()
            (digits, lowest) = (String(Int(n)), last)
        } else {
            // "d.ddde±x": the digits, and the power of ten of the last one.
            let text = String(format: "%.\(own - last)e", abs(v))
            let parts = text.split(separator: "e")
            digits = parts[0].filter(\.isNumber)
            lowest = (Int(parts[1]) ?? 0) - (own - last)
        }
        digits = String(digits.drop { $0 == "0" })
        if digits.isEmpty { return "0" }
        // Place the point: `decimals` digits after it, zeros padded on either side.
        let places = exponent - shift - lowest
        if places < decimals { digits += String(repeating: "0", count: decimals - places) }
        if places > decimals { digits = String(digits.dropLast(places - decimals)) }
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let point = digits.count - decimals
        let mantissa = decimals == 0
            ? digits : String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        return (v < 0 ? "-" : "") + mantissa + "e" + String(exponent)
    }
}
