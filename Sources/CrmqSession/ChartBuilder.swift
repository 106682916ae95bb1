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
///   histogram: the non-null values of x counted into bins with round edges.
public enum ChartBuilder {
    public static let maxBars = 50
    public static let maxPoints = 10_000

    public static func chart(of table: Table, _ spec: ChartSpec, file: SourceFile) throws(Diagnostic) -> Chart {
        switch spec.style {
        case .histogram: return histogram(of: table, spec)
        case .bar, .line: return try categorical(table, spec, file: file)
        }
    }

    private static func categorical(_ table: Table, _ spec: ChartSpec, file: SourceFile) throws(Diagnostic) -> Chart {
        let kind: ChartKind = spec.style == .bar ? .bar : .line
        let xColumn = table.columns[spec.x]
        let xType = table.schema[spec.x].type
        var rows = Array(0..<table.rowCount)
        var positions: [Double]?
        if kind == .bar, rows.count > maxBars {
            throw Diagnostic(SessionMessage.tooManyBars(rows.count), in: file, at: spec.range, notes: [
                Note("group the rows first ('count by', 'summarize ... by'), or keep the largest: '| top \(maxBars) by ...'"),
            ])
        }
        if kind == .line, xType.isNumeric || xType == .date {
            rows = rows.filter { !xColumn.isNull($0) }
            let position = { (i: Int) -> Double in number(xColumn.value(at: i)) ?? 0 }
            rows = rows.enumerated().sorted { a, b in
                let pa = position(a.element), pb = position(b.element)
                return pa != pb ? pa < pb : a.offset < b.offset
            }.map(\.element)
            positions = rows.map(position)
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
            xValues: rows.map { label(xColumn.value(at: $0)) }, xPositions: positions, series: series,
            title: spec.title)
    }

    private static func histogram(of table: Table, _ spec: ChartSpec) -> Chart {
        let column = table.columns[spec.x]
        let field = table.schema[spec.x]
        let values = (0..<table.rowCount).compactMap { number(column.value(at: $0)) }
        let bins = Bins(values, target: spec.bins ?? sturges(values.count), integral: field.type == .int)
        let single = field.type == .int && bins.step == 1
        var chart = Chart(
            kind: .histogram, xLabel: "\(field.name) (bins of \(NiceNumbers.text(bins.step, step: bins.step)))",
            yLabel: "count",
            xValues: bins.counts.indices.map { k in
                let lo = NiceNumbers.text(bins.edges[k], step: bins.step)
                return single ? lo : lo + "–" + NiceNumbers.text(bins.edges[k + 1], step: bins.step)
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

    /// An x value as a label: doubles rounded to 4 decimals, null as "null".
    static func label(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .double(let v) where v.isFinite && abs(v) < 1e15:
            ((v * 10_000).rounded() / 10_000).description
        default: value.exactText
        }
    }
}

/// Histogram bins: `counts[k]` values fall in `edges[k] ..< edges[k + 1]` (the last bin
/// also takes its upper edge, except for single-value bins of whole numbers). The edges are
/// multiples of a round step (1, 2, 2.5 or 5 times a power of ten; whole numbers for
/// integer columns), about `target` bins spanning the values.
struct Bins {
    var step: Double
    var edges: [Double]
    var counts: [Int]

    init(_ values: [Double], target: Int, integral: Bool) {
        guard let lo = values.min(), let hi = values.max() else {
            step = 1
            edges = []
            counts = []
            return
        }
        var step = hi > lo
            ? Self.step(lo, hi, target: target, integral: integral)
            : NiceNumbers.nearestStep(max(abs(lo) / 10, 1e-9))
        if integral { step = max(1, step.rounded(.down)) }
        let start = (lo / step).rounded(.down) * step
        // Bins are half-open, except that the last one also takes a maximum on its upper
        // edge (0–500, ..., 4500–5000 for 1 ... 5000); whole-number bins of 1 are single values.
        var count = integral && step == 1
            ? Int(hi - start) + 1 : max(1, Int(((hi - start) / step).rounded(.up)))
        count = max(1, min(count, ChartLimits.maxBins * 2))
        var counts = Array(repeating: 0, count: count)
        for v in values {
            let k = Int(((v - start) / step).rounded(.down))
            counts[min(max(k, 0), count - 1)] += 1
        }
        self.step = step
        self.edges = (0...count).map { NiceNumbers.clean(start + Double($0) * step, step: step) }
        self.counts = counts
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
                let count = Int((hi / step).rounded(.down) - (lo / step).rounded(.down)) + 1
                let miss = abs(count - target)
                if miss < bestMiss || (miss == bestMiss && step > best) { (best, bestMiss) = (step, miss) }
            }
        }
        return best
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
    /// the last at or above `hi`.
    public static func ticks(from lo: Double, to hi: Double, count: Int) -> (ticks: [Double], step: Double) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { return ([0, 1], 1) }
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) / 10
            lo -= pad
            hi += pad
        }
        let step = nearestStep((hi - lo) / Double(max(1, count - 1)))
        let first = (lo / step).rounded(.down)
        let last = (hi / step).rounded(.up)
        let n = Int(last - first)
        let ticks = (0...max(1, n)).map { clean((first + Double($0)) * step, step: step) }
        return (ticks, step)
    }

    /// Multiples of `step` covering `lo ... hi`.
    public static func ticks(from lo: Double, to hi: Double, step: Double) -> [Double] {
        let first = (lo / step).rounded(.down), last = max((hi / step).rounded(.up), first + 1)
        return stride(from: first, through: last, by: 1).map { clean($0 * step, step: step) }
    }

    /// `v` with the float noise of `k * step` removed (0.30000000000000004 -> 0.3).
    public static func clean(_ v: Double, step: Double) -> Double {
        let d = decimals(step)
        let scale = pow(10, Double(d))
        let r = (v * scale).rounded() / scale
        return r == 0 ? 0 : r
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

    /// A multiple of `step` as text with just the decimals the step needs; thousands
    /// grouped from 10,000 (`12,500`).
    public static func text(_ v: Double, step: Double) -> String {
        let d = decimals(step)
        let text = String(format: "%.\(d)f", clean(v, step: step))
        guard d == 0, abs(v) >= 10_000, abs(v) < 1e15 else { return text == "-0" ? "0" : text }
        return Int(v.rounded()).grouped
    }
}
