import Foundation
import CrmqSession

/// Draws a `Chart` as a standalone SVG document (for notebooks): a `viewBox` of
/// `width` × `height`, no external references (generic font families, inline styles),
/// a `<title>` and `role="img"` with an `aria-label` for screen readers.
///
/// Structure (classes are stable; tests and notebook CSS may rely on them):
/// - `g.axis.y` / `g.axis.x`: a `line.domain`, and per tick a `line.tick` (grid lines
///   across the plot for y) and a `text.tick-label`; `text.axis-label` names the axis.
/// - bar: `rect.bar.series-k` per value, grouped side by side per category;
///   histogram: `rect.bar.bin` per bin, touching; line: `polyline.line.series-k` per
///   unbroken run of values and `circle.point.series-k` per point (up to 100 points).
///   Each mark has a `<title>` child with its label and value.
/// - `g.legend` with a swatch and `text` per series, only when there are several.
/// - `text.chart-title` when the chart has a title.
public enum SVGChartRenderer {
    public static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]
    static let charWidth = 6.6  // of the 11px sans-serif labels, for layout estimates

    public static func render(_ chart: Chart, width: Int = 640, height: Int = 360) -> String {
        let w = Double(max(width, 160)), h = Double(max(height, 120))
        let name = chart.title ?? defaultName(chart)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(w)) \(Int(h))" width="\(Int(w))" height="\(Int(h))" \
            role="img" aria-label="\(escape(name))" font-family="sans-serif" font-size="11">
            <title>\(escape(name))</title>
            <rect class="background" x="0" y="0" width="\(Int(w))" height="\(Int(h))" fill="#ffffff"/>

            """
        var top = 12.0
        if let title = chart.title, !title.isEmpty {
            out += "<text class=\"chart-title\" x=\(q(w / 2)) y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>\n"
            top = 36
        }
        if chart.series.count > 1 {
            out += legend(chart, y: top, width: w)
            top += 20
        }
        let values = chart.series.flatMap { $0.values.compactMap { $0 } }
        let includeZero = chart.kind != .line
        let lo = values.min().map { includeZero ? min(0, $0) : $0 } ?? 0
        let hi = values.max().map { includeZero ? max(0, $0) : $0 } ?? 1
        let (yTicks, yStep) = NiceNumbers.ticks(from: lo, to: hi, count: 6)
        let yTexts = yTicks.map { NiceNumbers.text($0, step: yStep) }
        let yLabelWidth = Double(yTexts.map(\.count).max() ?? 1) * charWidth
        let plot = Plot(
            left: 26 + yLabelWidth, right: w - 16, top: top + 6, bottom: h - 44,
            yLo: yTicks.first!, yHi: yTicks.last!)

        // y axis with grid lines
        out += "<g class=\"axis y\">\n"
        for (t, text) in zip(yTicks, yTexts) {
            let y = plot.y(t)
            out += "<line class=\"tick\" x1=\(q(plot.left)) x2=\(q(plot.right)) y1=\(q(y)) y2=\(q(y)) stroke=\"#e5e5e5\"/>\n"
            out += "<text class=\"tick-label\" x=\(q(plot.left - 6)) y=\(q(y + 4)) text-anchor=\"end\" fill=\"#444444\">\(escape(text))</text>\n"
        }
        out += "<line class=\"domain\" x1=\(q(plot.left)) x2=\(q(plot.left)) y1=\(q(plot.top)) y2=\(q(plot.bottom)) stroke=\"#888888\"/>\n"
        let yMid = (plot.top + plot.bottom) / 2
        out += "<text class=\"axis-label\" x=\"12\" y=\(q(yMid)) transform=\"rotate(-90 12 \(f(yMid)))\" text-anchor=\"middle\" fill=\"#222222\">\(escape(chart.yLabel))</text>\n"
        out += "</g>\n"

        if values.isEmpty || chart.xValues.isEmpty {
            out += "<text class=\"no-data\" x=\(q((plot.left + plot.right) / 2)) y=\(q(yMid)) text-anchor=\"middle\" fill=\"#888888\">no data</text>\n"
        } else {
            switch chart.kind {
            case .bar: out += bars(chart, plot)
            case .histogram: out += histogram(chart, plot)
            case .line: out += lines(chart, plot)
            }
        }
        out += "<text class=\"axis-label\" x=\(q((plot.left + plot.right) / 2)) y=\(q(h - 8)) text-anchor=\"middle\" fill=\"#222222\">\(escape(chart.xLabel))</text>\n"
        out += "</svg>\n"
        return out
    }

    /// The plot area and its y scale.
    struct Plot {
        var left, right, top, bottom: Double
        var yLo, yHi: Double
        var width: Double { right - left }
        func y(_ v: Double) -> Double { bottom - (v - yLo) / (yHi - yLo) * (bottom - top) }
    }

    // MARK: - Marks

    private static func bars(_ chart: Chart, _ plot: Plot) -> String {
        let n = chart.xValues.count
        let band = plot.width / Double(n)
        let groupWidth = band * 0.8
        let barWidth = groupWidth / Double(chart.series.count)
        var out = "<g class=\"marks\">\n"
        for (k, series) in chart.series.enumerated() {
            for (i, value) in series.values.enumerated() {
                guard let v = value else { continue }
                let x = plot.left + band * Double(i) + (band - groupWidth) / 2 + barWidth * Double(k)
                let y0 = plot.y(0), y1 = plot.y(v)
                out += "<rect class=\"bar series-\(k)\" x=\(q(x)) y=\(q(min(y0, y1))) width=\(q(max(barWidth - 1, 1))) height=\(q(abs(y0 - y1))) fill=\"\(color(k))\">"
                out += "<title>\(escape(chart.xValues[i])): \(escape(series.name)) \(escape(TerminalChartRenderer.valueText(v)))</title></rect>\n"
            }
        }
        out += "</g>\n"
        // Category labels: every k-th when they would crowd.
        let labels = chart.xValues.map { DisplayText.cut(DisplayText.escapingControls($0), toWidth: 14) }
        let widest = Double(labels.map(\.count).max() ?? 1) * charWidth + 6
        let every = max(1, Int((widest / band).rounded(.up)))
        out += "<g class=\"axis x\">\n"
        out += "<line class=\"domain\" x1=\(q(plot.left)) x2=\(q(plot.right)) y1=\(q(plot.y(0))) y2=\(q(plot.y(0))) stroke=\"#888888\"/>\n"
        for i in stride(from: 0, to: n, by: every) {
            let x = plot.left + band * (Double(i) + 0.5)
            out += "<line class=\"tick\" x1=\(q(x)) x2=\(q(x)) y1=\(q(plot.bottom)) y2=\(q(plot.bottom + 4)) stroke=\"#888888\"/>\n"
            out += "<text class=\"tick-label\" x=\(q(x)) y=\(q(plot.bottom + 16)) text-anchor=\"middle\" fill=\"#444444\">\(escape(labels[i]))</text>\n"
        }
        out += "</g>\n"
        return out
    }

    private static func histogram(_ chart: Chart, _ plot: Plot) -> String {
        let counts = chart.series.first?.values ?? []
        let edges = chart.binEdges ?? (0...counts.count).map(Double.init)
        let lo = edges.first ?? 0, hi = edges.last ?? 1
        let x = { (v: Double) in plot.left + (v - lo) / (hi - lo) * plot.width }
        var out = "<g class=\"marks\">\n"
        for (k, value) in counts.enumerated() where k + 1 < edges.count {
            let v = value ?? 0
            let x0 = x(edges[k]), x1 = x(edges[k + 1])
            out += "<rect class=\"bar bin series-0\" x=\(q(x0)) y=\(q(plot.y(v))) width=\(q(max(x1 - x0 - 1, 0.5))) height=\(q(plot.y(0) - plot.y(v))) fill=\"\(color(0))\">"
            out += "<title>\(escape(chart.xValues[k])): \(escape(TerminalChartRenderer.valueText(v)))</title></rect>\n"
        }
        out += "</g>\n"
        let (ticks, step) = NiceNumbers.ticks(from: lo, to: hi, count: max(2, Int(plot.width / 60)))
        out += xAxis(ticks.filter { $0 >= lo - step * 1e-9 && $0 <= hi + step * 1e-9 }.map { (x($0), NiceNumbers.text($0, step: step)) }, plot)
        return out
    }

    private static func lines(_ chart: Chart, _ plot: Plot) -> String {
        let n = chart.xValues.count
        let positions = chart.xPositions ?? chart.xValues.indices.map(Double.init)
        let xLo = positions.min() ?? 0, xHi = positions.max() ?? 0
        let inset = chart.xPositions == nil ? 0.5 : 0.0  // categories sit in the middle of their bands
        let span = chart.xPositions == nil ? Double(max(n, 1)) : max(xHi - xLo, 0)
        let x = { (p: Double) -> Double in
            span > 0 ? plot.left + (p - xLo + inset) / span * plot.width : (plot.left + plot.right) / 2
        }
        var out = "<g class=\"marks\">\n"
        for (k, series) in chart.series.enumerated() {
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    out += "<polyline class=\"line series-\(k)\" points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(color(k))\" stroke-width=\"2\"/>\n"
                }
                run = []
            }
            for (i, value) in series.values.enumerated() {
                guard let v = value else { flush(); continue }
                run.append(f(x(positions[i])) + "," + f(plot.y(v)))
            }
            flush()
            if n <= 100 {
                for (i, value) in series.values.enumerated() {
                    guard let v = value else { continue }
                    out += "<circle class=\"point series-\(k)\" cx=\(q(x(positions[i]))) cy=\(q(plot.y(v))) r=\"3\" fill=\"\(color(k))\">"
                    out += "<title>\(escape(chart.xValues[i])): \(escape(series.name)) \(escape(TerminalChartRenderer.valueText(v)))</title></circle>\n"
                }
            }
        }
        out += "</g>\n"
        // x ticks: round numbers over numeric positions (not dates); otherwise some of the x values.
        var ticks: [(Double, String)] = []
        let isDate = chart.xValues.first.map { $0.count == 10 && $0.filter { $0 == "-" }.count == 2 } ?? false
        if chart.xPositions != nil, !isDate, xHi > xLo {
            let integral = positions.allSatisfy { $0 == $0.rounded() }
            var (values, step) = NiceNumbers.ticks(from: xLo, to: xHi, count: max(2, Int(plot.width / 50)))
            if integral && step != step.rounded() {
                step = step < 1 ? 1 : 2
                values = stride(from: (xLo / step).rounded(.up) * step, through: xHi, by: step).map { $0 }
            }
            ticks = values.filter { $0 >= xLo - step * 1e-9 && $0 <= xHi + step * 1e-9 }.map { (x($0), NiceNumbers.text($0, step: step)) }
        } else {
            let labels = chart.xValues.map { DisplayText.cut(DisplayText.escapingControls($0), toWidth: 14) }
            let widest = Double(labels.map(\.count).max() ?? 1) * charWidth + 10
            let every = max(1, Int((widest / (plot.width / Double(max(n, 1)))).rounded(.up)))
            ticks = stride(from: 0, to: n, by: every).map { (x(positions[$0]), labels[$0]) }
        }
        out += xAxis(ticks, plot)
        return out
    }

    private static func xAxis(_ ticks: [(x: Double, text: String)], _ plot: Plot) -> String {
        var out = "<g class=\"axis x\">\n"
        out += "<line class=\"domain\" x1=\(q(plot.left)) x2=\(q(plot.right)) y1=\(q(plot.bottom)) y2=\(q(plot.bottom)) stroke=\"#888888\"/>\n"
        for t in ticks {
            out += "<line class=\"tick\" x1=\(q(t.x)) x2=\(q(t.x)) y1=\(q(plot.bottom)) y2=\(q(plot.bottom + 4)) stroke=\"#888888\"/>\n"
            out += "<text class=\"tick-label\" x=\(q(t.x)) y=\(q(plot.bottom + 16)) text-anchor=\"middle\" fill=\"#444444\">\(escape(t.text))</text>\n"
        }
        return out + "</g>\n"
    }

    private static func legend(_ chart: Chart, y: Double, width: Double) -> String {
        let names = chart.series.map { DisplayText.cut(DisplayText.escapingControls($0.name), toWidth: 24) }
        let total = names.reduce(0.0) { $0 + 18 + Double($1.count) * charWidth + 14 }
        var x = max(8, (width - total) / 2)
        var out = "<g class=\"legend\">\n"
        for (k, name) in names.enumerated() {
            out += "<rect class=\"swatch series-\(k)\" x=\(q(x)) y=\(q(y)) width=\"12\" height=\"12\" fill=\"\(color(k))\"/>\n"
            out += "<text x=\(q(x + 16)) y=\(q(y + 10)) fill=\"#222222\">\(escape(name))</text>\n"
            x += 18 + Double(name.count) * charWidth + 14
        }
        return out + "</g>\n"
    }

    // MARK: - Text

    private static func defaultName(_ chart: Chart) -> String {
        switch chart.kind {
        case .histogram: "histogram of \(chart.xLabel)"
        case .bar, .line: "\(chart.kind.rawValue) chart of \(chart.series.map(\.name).joined(separator: ", ")) by \(chart.xLabel)"
        }
    }

    private static func color(_ k: Int) -> String { palette[k % palette.count] }

    /// A coordinate with one decimal, quoted as an attribute value.
    private static func q(_ v: Double) -> String { "\"" + f(v) + "\"" }

    private static func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// Text for an XML text node or attribute value; control characters other than tab
    /// and line ends are not allowed in XML 1.0, so they are escaped as crmq shows them.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in DisplayText.escapingControls(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
