import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// Builds a `Chart` from a query's rows and its checked `chart` stage.
///   bar:       one bar per row, labelled by x; at most `maxBars`.
///   line:      one point per row; over numbers or dates the x positions are numeric,
///              rows whose x is null are left out and the points are put in x order;
///              otherwise the rows are evenly spaced in their order.
///   scatter:   one dot per row whose x is not null, at (x, y): the line's points, unjoined.
///   histogram: the non-null values of x counted into bins (`Bins`): with round edges,
///              and exactly `bins n` of them when n is written.
public enum ChartBuilder {
    public static let maxBars = 50
    public static let maxPoints = 10_000
    /// Points of a scatter chart: enough for every customer of the demo data.
    public static let maxScatterPoints = 100_000

    public static func chart(of table: Table, _ spec: ChartSpec, file: SourceFile) throws(Diagnostic) -> Chart {
        switch spec.style {
        case .histogram: return try histogram(of: table, spec, file: file)
        case .bar, .line, .scatter: return try categorical(table, spec, file: file)
        }
    }

    private static func categorical(_ table: Table, _ spec: ChartSpec, file: SourceFile) throws(Diagnostic) -> Chart {
        let kind: ChartKind = spec.style == .bar ? .bar : spec.style == .scatter ? .scatter : .line
        let xColumn = table.columns[spec.x]
        let xType = table.schema[spec.x].type
        var rows = Array(0..<table.rowCount)
        var positions: [Double]?
        if kind == .bar, rows.count > maxBars {
            throw Diagnostic(SessionMessage.tooManyBars(rows.count), in: file, at: spec.range, notes: [
                Note("group the rows first ('count by', 'summarize ... by'), or keep the largest: '| top \(maxBars) by ...'"),
            ])
        }
        if kind == .line || kind == .scatter, xType.isNumeric || xType == .date {
            rows = rows.filter { !xColumn.isNull($0) }
            let position = { (i: Int) -> Double in number(xColumn.value(at: i)) ?? 0 }
            rows = rows.enumerated().sorted { a, b in
                let pa = position(a.element), pb = position(b.element)
                return pa != pb ? pa < pb : a.offset < b.offset
            }.map(\.element)
            positions = rows.map(position)
        }
        if kind == .scatter, rows.count > maxScatterPoints {
            throw Diagnostic(SessionMessage.tooManyPoints(rows.count), in: file, at: spec.range, notes: [
                Note("a scatter chart draws at most \(maxScatterPoints.grouped) points: sample the rows first, e.g. '| where customer_id % 10 == 0'"),
            ])
        }
        if kind == .line, rows.count > maxPoints {
            throw Diagnostic(SessionMessage.tooManyPoints(rows.count), in: file, at: spec.range, notes: [
                Note("summarize the rows first, e.g. by month: 'summarize ... by m = date_trunc(\"month\", date)'"),
            ])
        }
        let series = spec.y.map { y in
            ChartSeries(name: table.schema[y].name, values: rows.map { number(table.columns[y].value(at: $0)) })
        }
        return Chart(
            kind: kind, xLabel: table.schema[spec.x].name,
            yLabel: series.count == 1 ? series[0].name : "value",
            xValues: labels(xColumn, rows: rows), xPositions: positions, series: series,
            title: spec.title)
    }

    private static func histogram(of table: Table, _ spec: ChartSpec, file: SourceFile) throws(Diagnostic) -> Chart {
        let column = table.columns[spec.x]
        let field = table.schema[spec.x]
        let values = (0..<table.rowCount).compactMap { number(column.value(at: $0)) }
        let bins = Bins(values, target: spec.bins ?? sturges(values.count), integral: field.type == .int,
                        exact: spec.bins != nil)
        let single = field.type == .int && bins.step == 1
        // One style for every edge, and for the step in the axis label; but a step written
        // in the edges' exponent (0.000000000000002e15) reads better on its own (2).
        let digits = DecimalShift.digitExponent(bins.unit)
        let style = AxisStyle(scaled: bins.scaledEdges, digitExponent: digits, shift: bins.shift)
        let stepStyle = style.exponent == nil ? style : AxisStyle(scaled: [bins.step], digitExponent: digits, shift: bins.shift)
        var chart = Chart(
            kind: .histogram, xLabel: "\(field.name) (bins of \(stepStyle.text(bins.scaledStep)))",
            yLabel: "count",
            xValues: bins.counts.indices.map { k in
                let lo = style.text(bins.scaledEdges[k])
                return single ? lo : lo + "–" + style.text(bins.scaledEdges[k + 1])
            },
            xPositions: nil, series: [ChartSeries(name: "count", values: bins.counts.map { Double($0) })],
            title: spec.title)
        chart.binEdges = bins.edges
        return chart
    }

    /// Sturges' rule: ⌈log₂ n⌉ + 1 bins (14 for 5,000 values).
    static func sturges(_ n: Int) -> Int {
        n <= 1 ? 1 : Int(ceil(log2(Double(n)))) + 1
    }

    /// A value as a number: ints, doubles (finite), dates (days since 1970), bools (1/0).
    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .double(let v): v.isFinite ? v : nil
        case .date(let d): Double(d)
        case .bool(let b): b ? 1 : 0
        case .null, .string: nil
        }
    }

    /// The x values of `rows` as labels: doubles all with the same decimals
    /// (`DecimalStyle`), null as "null", other values as written.
    static func labels(_ column: Column, rows: [Int]) -> [String] {
        let doubles = rows.compactMap { r -> Double? in
            if case .double(let v) = column.value(at: r) { v } else { nil }
        }
        let style = DecimalStyle(doubles)
        return rows.map { r in
            switch column.value(at: r) {
            case .null: "null"
            case .double(let v): style.text(v)
            case let value: value.exactText
            }
        }
    }
}

/// Histogram bins: `counts[k]` values fall in `edges[k] ..< edges[k + 1]` (the last bin
/// also takes its upper edge, except for single-value bins of whole numbers).
///
/// Without `exact` (no `bins n` written) the edges are multiples of a round step (1, 2,
/// 2.5 or 5 times a power of ten; whole numbers for integer columns), about `target`
/// bins spanning the values. With `exact` there are exactly `target` bins: of a round
/// step when one gives that many, otherwise of the narrowest width with a few significant
/// digits that spans the values in `target` bins (the first and last bins hold values).
/// Over whole numbers the bins stay whole numbers wide, so there are `target` bins only
/// when such widths can span the values in that many: fewer whole values than `target`
/// give one bin each, and otherwise the fewest bins of the narrowest whole width that
/// needs no more than `target`.
///
/// Any finite doubles are binned: values beyond 1e100 or below 1e-100 in size are binned
/// divided by a power of ten (`shift`), so that no width or count overflows, and a spread
/// of a few units in the last place is widened until the edges are distinct doubles.
struct Bins {
    /// The width of the bins, divided by 10^shift.
    var step: Double
    var edges: [Double]
    var counts: [Int]
    /// The step whose decimals the edges need (their labels): `step` itself for round
    /// bins, a power of ten for exact bins of a width that is not round. Like `step`,
    /// divided by 10^shift.
    var unit: Double
    /// The power of ten the values were divided by; `scaledEdges` and `scaledStep` are
    /// the edges and the step so divided (`edges` are the real ones, within the doubles).
    var shift = 0
    var scaledEdges: [Double]
    var scaledStep: Double { step }

    init(_ values: [Double], target: Int, integral: Bool, exact: Bool = false) {
        guard let rawLo = values.min(), let rawHi = values.max() else {
            step = 1
            edges = []
            scaledEdges = []
            counts = []
            unit = 1
            return
        }
        let shift = integral ? 0 : DecimalShift.shift(forLargest: max(abs(rawLo), abs(rawHi)))
        let values = shift == 0 ? values : values.map { DecimalShift.scale($0, by: -shift) }
        var lo = values.min()!, hi = values.max()!
        let target = max(1, target)
        if hi > lo, !integral {
            let narrowest = max(abs(lo), abs(hi)).ulp * 4 * Double(max(target, 16))
            if hi - lo < narrowest {
                let mid = lo / 2 + hi / 2
                (lo, hi) = (mid - narrowest / 2, mid + narrowest / 2)
            }
        }
        var start: Double, step: Double, count: Int, unit: Double
        if hi > lo, exact, let round = Self.roundStep(lo, hi, count: target, integral: integral) {
            step = round
            unit = round
            start = (lo / step).rounded(.down) * step
            count = target
        } else if hi > lo, exact {
            (start, step, count, unit) = Self.exactBins(lo, hi, count: target, integral: integral)
        } else {
            step = hi > lo
                ? Self.step(lo, hi, target: target, integral: integral)
                : NiceNumbers.nearestStep(lo == 0 ? 1e-9 : abs(lo) / 10)
            if integral { step = max(1, step.rounded(.down)) }
            unit = step
            start = (lo / step).rounded(.down) * step
            count = Self.count(lo, hi, step: step, integral: integral)
        }
        count = max(1, min(count, ChartLimits.maxBins * 2))
        var counts = Array(repeating: 0, count: count)
        for v in values {
            let k = DecimalShift.clampedInt(((v - start) / step).rounded(.down))
            counts[min(max(k, 0), count - 1)] += 1
        }
        self.step = step
        self.unit = unit
        self.shift = shift
        let digits = DecimalShift.digitExponent(unit)
        self.scaledEdges = (0...count).map { AxisScale.clean(start + Double($0) * step, digits: digits) }
        self.edges = scaledEdges.map {
            let e = DecimalShift.scale($0, by: shift)
            return e.isFinite ? e : e < 0 ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude
        }
        self.counts = counts
    }

    /// Bins of `step` from the multiple of `step` at or below `lo` to `hi`: the last bin
    /// takes a maximum on its upper edge; single-value bins of whole numbers do not.
    static func count(_ lo: Double, _ hi: Double, step: Double, integral: Bool) -> Int {
        let start = (lo / step).rounded(.down) * step
        if integral && step == 1 { return DecimalShift.clampedInt(hi - start) + 1 }
        return max(1, DecimalShift.clampedInt(((hi - start) / step).rounded(.up)))
    }

    /// The round step whose bins over `lo ... hi` come closest to `target` in number
    /// (the wider one on a tie).
    static func step(_ lo: Double, _ hi: Double, target: Int, integral: Bool) -> Double {
        let raw = (hi - lo) / Double(max(1, target))
        let power = (log10(raw)).rounded(.down)
        var best = NiceNumbers.nearestStep(raw), bestMiss = Int.max
        for e in [power - 1, power, power + 1] {
            for m in [1.0, 2, 2.5, 5] {
                let step = m * pow(10, e)
                if integral && step != step.rounded() { continue }
                let miss = abs(count(lo, hi, step: step, integral: integral) - target)
                if miss < bestMiss || (miss == bestMiss && step > best) { (best, bestMiss) = (step, miss) }
            }
        }
        return best
    }

    /// A round step giving exactly `count` bins over `lo ... hi`, nil when none does.
    static func roundStep(_ lo: Double, _ hi: Double, count: Int, integral: Bool) -> Double? {
        let raw = (hi - lo) / Double(count)
        let power = (log10(raw)).rounded(.down)
        for e in [power - 1, power, power + 1] {
            for m in [1.0, 2, 2.5, 5] {
                let step = m * pow(10, e)
                if integral && step != step.rounded() { continue }
                if Self.count(lo, hi, step: step, integral: integral) == count { return step }
            }
        }
        return nil
    }

    /// `count` bins over `lo ... hi` whose width is a multiple of a power of ten `unit`
    /// small enough that the last bin holds `hi` (with n × unit ≤ the raw width it always
    /// does). Over whole numbers, bins of whole widths: at most `count` of them.
    static func exactBins(_ lo: Double, _ hi: Double, count: Int, integral: Bool)
        -> (start: Double, step: Double, count: Int, unit: Double)
    {
        if integral {
            let values = DecimalShift.clampedInt(hi - lo) + 1
            if values <= count { return (lo, 1, values, 1) }
            // Bins of width w ≥ 2 from lo: the last takes its upper edge.
            let w = max(2, ((hi - lo) / Double(count)).rounded(.up))
            return (lo, w, max(1, DecimalShift.clampedInt(((hi - lo) / w).rounded(.up))), 1)
        }
        // The coarsest unit (fewest digits in the labels) whose last bin still holds hi;
        // the finest tried always does.
        let raw = (hi - lo) / Double(count)
        let finest = log10(raw / Double(count)).rounded(.down)
        var e = log10(raw).rounded(.down)
        while true {
            let unit = pow(10, e)
            let start = (lo / unit).rounded(.down) * unit
            let step = NiceNumbers.clean((((hi - start) / Double(count)) / unit).rounded(.up) * unit, step: unit)
            if e <= finest || start + Double(count - 1) * step < hi { return (start, step, count, unit) }
            e -= 1
        }
    }
}

/// Round numbers for axes and bins, shared by the chart builder and the renderers.
public enum NiceNumbers {
    /// The round step (1, 2, 2.5 or 5 × 10ⁿ) nearest to `raw`.
    public static func nearestStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        let f = raw / power
        let nice: Double = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10
        return nice * power
    }

    /// Round ticks covering `lo ... hi`, about `count` of them: the first at or below `lo`,
    /// the last at or above `hi` (`AxisScale`, which also labels them).
    public static func ticks(from lo: Double, to hi: Double, count: Int) -> (ticks: [Double], step: Double) {
        let axis = AxisScale(from: lo, to: hi, count: count)
        return (axis.ticks, axis.step)
    }

    /// Multiples of `step` covering `lo ... hi`.
    public static func ticks(from lo: Double, to hi: Double, step: Double) -> [Double] {
        AxisScale(from: lo, to: hi, step: step).ticks
    }

    /// `v` with the float noise of `k * step` removed (0.30000000000000004 -> 0.3).
    public static func clean(_ v: Double, step: Double) -> Double {
        AxisScale.clean(v, digits: DecimalShift.digitExponent(step))
    }

    /// The decimals a multiple of `step` needs.
    public static func decimals(_ step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        var d = 0
        var s = step
        while d < 10, abs(s - s.rounded()) > 1e-9 * max(1, abs(s)) {
            s *= 10
            d += 1
        }
        return d
    }

    /// Multiples of `step` as text in one style (`AxisStyle`): the decimals the step
    /// needs, thousands grouped on all of them or none.
    public static func texts(_ values: [Double], step: Double) -> [String] {
        let style = AxisStyle(values, step: step)
        return values.map(style.text)
    }
}
