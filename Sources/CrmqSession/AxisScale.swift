import Foundation

/// Chart arithmetic over any finite doubles. A chart's values may be as large as 1.7e308
/// (so that `hi - lo` overflows), as small as 4.9e-324 (so that a tenth of it is 0), or
/// spread over a few units in the last place (1 and the next double up). Axes and bins
/// are therefore worked out on the values divided by a power of ten (`DecimalShift`) that
/// brings them near 1 when they are that extreme, and positions are fractions of a range
/// computed without overflow (`fraction`).
public enum DecimalShift {
    /// The power of ten a chart's values are divided by before ticks or bins are chosen:
    /// 0 for magnitudes from 1e-100 to 1e100, otherwise that of the largest magnitude.
    public static func shift(forLargest magnitude: Double) -> Int {
        guard magnitude.isFinite, magnitude > 0, magnitude > 1e100 || magnitude < 1e-100 else { return 0 }
        return Int(log10(magnitude).rounded(.down))
    }

    /// `v` × 10^`power`, in steps that neither overflow nor underflow on the way
    /// (10^324 is not a double, but 4.9e-324 × 10^324 is about 4.9).
    public static func scale(_ v: Double, by power: Int) -> Double {
        var v = v, p = power
        while p != 0, v != 0, v.isFinite {
            let s = max(-300, min(300, p))
            v *= pow(10, Double(s))
            p -= s
        }
        return v
    }

    /// Where `v` lies between `lo` (0) and `hi` (1), without overflow when `hi - lo` does
    /// not fit in a double; 0.5 for an empty range.
    public static func fraction(_ v: Double, from lo: Double, to hi: Double) -> Double {
        guard hi > lo else { return 0.5 }
        let span = hi - lo
        let f = span.isFinite ? (v - lo) / span : (v / 2 - lo / 2) / (hi / 2 - lo / 2)
        return f.isFinite ? f : 0.5
    }

    /// The exponent of the last significant digit of a round step (0.25 -> -2, 500 -> 2):
    /// its multiples need no digits below 10^e.
    public static func digitExponent(_ step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        let top = Int(log10(step).rounded(.down))
        var e = top
        while e > top - 17 {
            let m = scale(step, by: -e)
            if abs(m - m.rounded()) <= 1e-9 * max(1, abs(m)) { break }
            e -= 1
        }
        return e
    }

    /// `n` as an Int, clamped to ±`limit` (a bin or tick count from a division that may
    /// be huge; `Int(1e300)` traps).
    static func clampedInt(_ n: Double, limit: Int = 1 << 40) -> Int {
        guard n.isFinite else { return n > 0 ? limit : -limit }
        return Int(max(-Double(limit), min(Double(limit), n)))
    }
}

/// A numeric axis with round ticks covering `lo ... hi`: the ticks are multiples of a
/// round step (1, 2, 2.5 or 5 × 10ⁿ), all labelled in one style (`AxisStyle`: fixed
/// decimals, or scientific notation for huge or tiny magnitudes), and the axis runs from
/// the first tick to the last, or to the value itself where the next multiple of the step
/// is beyond the largest double. A range narrower than 64 units in the last place of its
/// values is widened to that, so that neighbouring ticks are distinct doubles with
/// distinct labels; all-equal values get a tenth of their size either side (1 around 0).
public struct AxisScale: Sendable, Equatable {
    /// Ends of the axis (finite, lo ≤ hi: among the smallest doubles they may be equal,
    /// although the ticks between them are told apart by `fraction` and their labels).
    public let lo: Double, hi: Double
    /// Tick positions (finite, ascending) and their labels.
    public let ticks: [Double]
    public let labels: [String]
    /// The step between ticks (approximate where the values are extreme: for tolerances).
    public let step: Double
    /// The ticks divided by 10^shift, and the exponent of the step's last digit there.
    let scaledTicks: [Double]
    /// The ends divided by 10^shift, which `fraction` works with.
    let scaledLo: Double, scaledHi: Double
    let shift: Int
    let digitExponent: Int

    /// About `count` ticks over `lo ... hi`; with `whole`, a step of 1 or 2 instead of one
    /// below 1 or of 2.5 (whole-number data gets whole-number ticks).
    public init(from lo: Double, to hi: Double, count: Int, whole: Bool = false) {
        var a = lo.isFinite ? min(lo, hi) : 0, b = hi.isFinite ? max(lo, hi) : 1
        if !(a.isFinite && b.isFinite) { (a, b) = (0, 1) }
        let shift = DecimalShift.shift(forLargest: max(abs(a), abs(b)))
        var sa = DecimalShift.scale(a, by: -shift), sb = DecimalShift.scale(b, by: -shift)
        let unpadded = (sa, sb)
        if sa == sb {
            let pad = sa == 0 ? 1 : abs(sa) / 10
            sa -= pad
            sb += pad
        }
        let largest = max(abs(sa), abs(sb))
        let narrowest = largest.ulp * 64
        if sb - sa < narrowest {
            let mid = sa / 2 + sb / 2
            (sa, sb) = (mid - narrowest / 2, mid + narrowest / 2)
        }
        var (digits, step) = Self.roundStep((sb - sa) / Double(max(1, count - 1)))
        if whole, shift == 0, step != step.rounded() {
            (digits, step) = step < 1 ? (0, 1) : (0, 2)
            (sa, sb) = unpadded  // multiples of 1 or 2 around the values themselves
        }
        self.init(scaledFrom: sa, to: sb, step: step, digits: digits, shift: shift, data: (a, b))
    }

    /// Multiples of `step` covering `lo ... hi` (a step that suits them: not extreme).
    public init(from lo: Double, to hi: Double, step: Double) {
        self.init(scaledFrom: min(lo, hi), to: max(lo, hi), step: step,
                  digits: DecimalShift.digitExponent(step), shift: 0, data: (min(lo, hi), max(lo, hi)))
    }

    private init(scaledFrom sa: Double, to sb: Double, step: Double, digits: Int, shift: Int, data: (Double, Double)) {
        let first = (sa / step).rounded(.down)
        let last = max((sb / step).rounded(.up), first + 1)
        let n = DecimalShift.clampedInt(last - first, limit: 1000)
        var scaled: [Double] = [], real: [Double] = []
        for k in 0...max(1, n) {
            let t = Self.clean((first + Double(k)) * step, digits: digits)
            let r = DecimalShift.scale(t, by: shift)
            guard r.isFinite else { continue }  // beyond the largest double
            scaled.append(t)
            real.append(r)
        }
        let realFirst = DecimalShift.scale(first * step, by: shift)
        let realLast = DecimalShift.scale((first + Double(max(1, n))) * step, by: shift)
        self.lo = realFirst.isFinite ? min(realFirst, data.0) : data.0
        self.hi = realLast.isFinite ? max(realLast, data.1) : data.1
        let dataLo = DecimalShift.scale(data.0, by: -shift), dataHi = DecimalShift.scale(data.1, by: -shift)
        self.scaledLo = realFirst.isFinite ? min(first * step, dataLo) : dataLo
        self.scaledHi = realLast.isFinite ? max((first + Double(max(1, n))) * step, dataHi) : dataHi
        self.ticks = real
        self.scaledTicks = scaled
        self.shift = shift
        self.digitExponent = digits
        self.step = DecimalShift.scale(step, by: shift)
        self.labels = AxisStyle(scaled: scaled, digitExponent: digits, shift: shift).texts(scaled)
    }

    /// Where each tick lies along the axis (`fraction` of the tick, but exact where the
    /// tick itself is not a double: 4.5e-324 and 5.0e-324 are both 4.9e-324).
    public var places: [Double] {
        scaledTicks.map { DecimalShift.fraction($0, from: scaledLo, to: scaledHi) }
    }

    /// Where `v` lies along the axis: 0 at `lo`, 1 at `hi`.
    public func fraction(_ v: Double) -> Double {
        DecimalShift.fraction(DecimalShift.scale(v, by: -shift), from: scaledLo, to: scaledHi)
    }

    /// The ticks within `lo ... hi` (a hair of the step beyond counts), labelled in the
    /// style that suits just them.
    public func ticks(within lo: Double, _ hi: Double) -> [(value: Double, text: String)] {
        let tolerance = abs(step) * 1e-9
        let kept = ticks.indices.filter { ticks[$0] >= lo - tolerance && ticks[$0] <= hi + tolerance }
        let scaled = kept.map { scaledTicks[$0] }
        let style = AxisStyle(scaled: scaled, digitExponent: digitExponent, shift: shift)
        return zip(kept, scaled).map { (ticks[$0], style.text($1)) }
    }

    /// The round step nearest to `raw` (1, 2, 2.5 or 5 × 10ⁿ) and the exponent of its last
    /// digit; `raw` is a moderate positive number here.
    static func roundStep(_ raw: Double) -> (digits: Int, step: Double) {
        guard raw > 0, raw.isFinite else { return (0, 1) }
        let e = Int(log10(raw).rounded(.down))
        let power = pow(10, Double(e))
        let f = raw / power
        let (m, extra): (Double, Int) = f < 1.5 ? (1, 0) : f < 2.25 ? (2, 0) : f < 3.5 ? (2.5, -1) : f < 7.5 ? (5, 0) : (10, 1)
        let digits = m == 10 ? e + 1 : e + extra
        return (digits, m * power)
    }

    /// `v` with the float noise of a multiple of a step removed (0.30000000000000004 ->
    /// 0.3), where the step's last digit is 10^`digits`.
    static func clean(_ v: Double, digits: Int) -> Double {
        guard digits < 0 else { return v == 0 ? 0 : v }
        let scale = pow(10, Double(-digits))
        // Beyond 2^52 the product itself is rounded: `v` is as clean as a double gets.
        guard abs(v * scale) < 0x1p52 else { return v }
        let r = (v * scale).rounded() / scale
        return r == 0 ? 0 : r
    }
}
