import Foundation
import CrmqSession

/// Draws a `Chart` as a standalone SVG document (for notebooks): a `viewBox` of
/// `width` × `height` user units and `width="100%"`, so it scales to the width of the page
/// it sits in (no fixed pixel size); no external references (generic font families,
/// inline styles); a `<title>` and `role="img"` with an `aria-label` for screen readers.
///
/// Text sizes are a fixed share of the width (`fontSize`: 1/32 of it for labels), so
/// they stay the same size relative to the chart at any scale: a label is at least 10 CSS
/// px high wherever the chart is drawn at least 320 px wide (a 375 px phone page).
///
/// Colours are presentation attributes, which a page's CSS overrides (a notebook's dark
/// scheme does): text and axes are `currentColor` (the root's `color`), grid lines and
/// tick labels the same colour made fainter with an opacity, and marks the palette colour
/// of their `series-k` class.
///
/// Structure (classes are stable; tests and notebook CSS may rely on them):
/// - `g.axis.y` / `g.axis.x`: a `line.domain`, and per tick a `line.tick` (grid lines
///   across the plot for y) and a `text.tick-label`; `text.axis-label` names the axis.
/// - bar: `rect.bar.series-k` per value, grouped side by side per category;
///   histogram: `rect.bar.bin` per bin, touching; scatter: `circle.dot.series-k` per point;
///   line: `polyline.line.series-k` per
///   unbroken run of values and `circle.point.series-k` per point (up to 100 points).
///   Each mark but a scatter dot (thousands of them) has a `<title>` child with its label and value.
/// - `g.legend` with a `rect.swatch.series-k` and `text` per series, only when there are
///   several (in rows, as many as the width needs).
/// - `text.chart-title` when the chart has a title.
public enum SVGChartRenderer {
    public static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]
    /// The colour of text and axes when no page sets one.
    public static let ink = "#1f2328"
    /// Width and height of the viewBox by default: a chart as wide as a phone's page.
    public static let defaultWidth = 420, defaultHeight = 280

    /// The size of labels (tick labels, axis labels, legend) in user units: 1/32 of the
    /// width, so that drawn 320 px wide (or wider) they are at least 10 px high.
    public static func fontSize(width: Int) -> Double {
        (Double(max(width, 160)) / 32 * 10).rounded(.up) / 10
    }

    public static func render(_ chart: Chart, width: Int = defaultWidth, height: Int = defaultHeight) -> String {
        let w = Double(max(width, 160)), h = Double(max(height, 120))
        let fs = fontSize(width: width)
        let metrics = Metrics(fontSize: fs)
        let name = chart.title ?? defaultName(chart)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="crmq-chart" viewBox="0 0 \(Int(w)) \(Int(h))" width="100%" \
            preserveAspectRatio="xMidYMid meet" role="img" aria-label="\(escape(name))" \
            font-family="sans-serif" font-size="\(f(fs))" color="\(ink)">
            <title>\(escape(name))</title>

            """
        var top = fs * 0.8
        if let title = chart.title, !title.isEmpty {
            let titleSize = (fs * 1.2).rounded()
            let room = Int((w - 2 * fs) / (titleSize * 0.6))
            let text = DisplayText.cut(DisplayText.escapingControls(title), toWidth: room)
            out += "<text class=\"chart-title\" x=\(q(w / 2)) y=\(q(titleSize * 1.3)) text-anchor=\"middle\" font-size=\"\(f(titleSize))\" font-weight=\"bold\" fill=\"currentColor\">\(escape(text))</text>\n"
            top = titleSize * 2
        }
        if chart.series.count > 1 {
            let (text, rows) = legend(chart, y: top, width: w, metrics)
            out += text
            top += Double(rows) * fs * 1.5
        }
        let values = chart.series.flatMap { $0.values.compactMap { $0 } }
        let includeZero = chart.kind != .line && chart.kind != .scatter
        let lo = values.min().map { includeZero ? min(0, $0) : $0 } ?? 0
        let hi = values.max().map { includeZero ? max(0, $0) : $0 } ?? 1
        let yScale = AxisScale(from: lo, to: hi, count: 5)
        let (yPlaces, yTexts) = (yScale.places, yScale.labels)
        let yLabelWidth = yTexts.map(metrics.width).max() ?? fs
        var plot = Plot(
            left: fs * 2 + yLabelWidth, right: w - fs, top: top + fs * 0.5, bottom: h - fs * 3.2,
            yScale: yScale)
        // Category labels that do not fit side by side are turned 45° (on a phone-wide
        // chart, eight region names), with room made for them below the plot.
        if let labels = categoryLabels(chart), !labels.isEmpty {
            let band = plot.width / Double(labels.count)
            let widest = labels.map(metrics.width).max() ?? 0
            let reach = widest * 0.71 + fs * 0.4
            let turnedBottom = h - (fs * 0.8 + reach + fs * 1.9)
            if widest + fs * 0.6 <= band {
                plot.every = 1
            } else if turnedBottom - plot.top >= h * 0.3 {
                plot.rotated = true
                plot.bottom = turnedBottom
                plot.left = max(plot.left, reach - band / 2 + fs * 0.3)
                plot.every = max(1, Int((fs * 1.55 / (plot.width / Double(labels.count))).rounded(.up)))
            } else {
                // No room below a short chart: level labels, every k-th.
                plot.every = max(1, Int(((widest + fs * 0.6) / band).rounded(.up)))
            }
        }

        // y axis with grid lines
        out += "<g class=\"axis y\">\n"
        for (place, text) in zip(yPlaces, yTexts) {
            let y = plot.bottom - place * (plot.bottom - plot.top)
            out += "<line class=\"tick\" x1=\(q(plot.left)) x2=\(q(plot.right)) y1=\(q(y)) y2=\(q(y)) stroke=\"currentColor\" stroke-opacity=\"0.15\"/>\n"
            out += "<text class=\"tick-label\" x=\(q(plot.left - fs * 0.4)) y=\(q(y + fs * 0.35)) text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.8\">\(escape(text))</text>\n"
        }
        out += "<line class=\"domain\" x1=\(q(plot.left)) x2=\(q(plot.left)) y1=\(q(plot.top)) y2=\(q(plot.bottom)) stroke=\"currentColor\" stroke-opacity=\"0.5\"/>\n"
        let yMid = (plot.top + plot.bottom) / 2
        let yLabel = DisplayText.cut(DisplayText.escapingControls(chart.yLabel), toWidth: Int((plot.bottom - plot.top) / metrics.charWidth))
        out += "<text class=\"axis-label\" x=\(q(fs)) y=\(q(yMid)) transform=\"rotate(-90 \(f(fs)) \(f(yMid)))\" text-anchor=\"middle\" fill=\"currentColor\">\(escape(yLabel))</text>\n"
        out += "</g>\n"

        if values.isEmpty || chart.xValues.isEmpty {
            out += "<text class=\"no-data\" x=\(q((plot.left + plot.right) / 2)) y=\(q(yMid)) text-anchor=\"middle\" fill=\"currentColor\" fill-opacity=\"0.6\">no data</text>\n"
        } else {
            switch chart.kind {
            case .bar: out += bars(chart, plot, metrics)
            case .histogram: out += histogram(chart, plot, metrics)
            case .line, .scatter: out += lines(chart, plot, metrics)
            }
        }
        let xLabel = DisplayText.cut(DisplayText.escapingControls(chart.xLabel), toWidth: Int((w - 2 * fs) / metrics.charWidth))
        out += "<text class=\"axis-label\" x=\(q((plot.left + plot.right) / 2)) y=\(q(h - fs * 0.5)) text-anchor=\"middle\" fill=\"currentColor\">\(escape(xLabel))</text>\n"
        out += "</svg>\n"
        return out
    }

    /// Sizes that follow the font size.
    struct Metrics {
        var fontSize: Double
        /// An estimate of a character's width in the sans-serif labels, for layout.
        var charWidth: Double { fontSize * 0.6 }
        func width(_ text: String) -> Double { Double(displayWidth(text)) * charWidth }
    }

    /// The plot area and its y scale.
    struct Plot {
        var left, right, top, bottom: Double
        var yScale: AxisScale
        var width: Double { right - left }
        /// How far a label may reach beyond the plot's sides (into the margins).
        var margin: Double { 8 }
        /// Category labels turned 45°, and every how many categories one is drawn.
        var rotated = false
        var every = 1
        func y(_ v: Double) -> Double { bottom - yScale.fraction(v) * (bottom - top) }
    }

    // MARK: - Marks

    private static func bars(_ chart: Chart, _ plot: Plot, _ m: Metrics) -> String {
        let n = chart.xValues.count
        let band = plot.width / Double(n)
        let groupWidth = band * 0.8
        let barWidth = groupWidth / Double(chart.series.count)
        var out = "<g class=\"marks\">\n"
        for (k, series) in chart.series.enumerated() {
            let valueText = TerminalChartRenderer.valueText(series)
            for (i, value) in series.values.enumerated() {
                guard let v = value else { continue }
                let x = plot.left + band * Double(i) + (band - groupWidth) / 2 + barWidth * Double(k)
                let y0 = plot.y(0), y1 = plot.y(v)
                out += "<rect class=\"bar series-\(k)\" x=\(q(x)) y=\(q(min(y0, y1))) width=\(q(max(barWidth - 1, 1))) height=\(q(abs(y0 - y1))) fill=\"\(color(k))\">"
                out += "<title>\(escape(chart.xValues[i])): \(escape(series.name)) \(escape(valueText(v)))</title></rect>\n"
            }
        }
        out += "</g>\n"
        // Category labels: turned, and every k-th, when they would crowd.
        let labels = categoryLabels(chart) ?? []
        out += "<g class=\"axis x\">\n"
        out += "<line class=\"domain\" x1=\(q(plot.left)) x2=\(q(plot.right)) y1=\(q(plot.y(0))) y2=\(q(plot.y(0))) stroke=\"currentColor\" stroke-opacity=\"0.5\"/>\n"
        for i in stride(from: 0, to: n, by: plot.every) {
            let x = plot.left + band * (Double(i) + 0.5)
            out += tick(x: x, text: labels[i], plot, m, anchor: anchor(x: x, width: m.width(labels[i]), plot))
        }
        out += "</g>\n"
        return out
    }

    private static func histogram(_ chart: Chart, _ plot: Plot, _ m: Metrics) -> String {
        let counts = chart.series.first?.values ?? []
        var edges = chart.binEdges ?? (0...counts.count).map(Double.init)
        // Edges among the smallest doubles may round to the same double (4.5e-324 and
        // 5.0e-324 are both 4.9e-324): then the bins are drawn evenly, named by their labels.
        let even = zip(edges, edges.dropFirst()).contains { $0 >= $1 }
        if even { edges = (0...counts.count).map(Double.init) }
        let lo = edges.first ?? 0, hi = edges.last ?? 1
        let x = { (v: Double) in plot.left + DecimalShift.fraction(v, from: lo, to: hi) * plot.width }
        let valueText = TerminalChartRenderer.valueText(ChartSeries(name: "count", values: counts))
        var out = "<g class=\"marks\">\n"
        for (k, value) in counts.enumerated() where k + 1 < edges.count {
            let v = value ?? 0
            let x0 = x(edges[k]), x1 = x(edges[k + 1])
            out += "<rect class=\"bar bin series-0\" x=\(q(x0)) y=\(q(plot.y(v))) width=\(q(max(x1 - x0 - 1, 0.5))) height=\(q(plot.y(0) - plot.y(v))) fill=\"\(color(0))\">"
            out += "<title>\(escape(chart.xValues[k])): \(escape(valueText(v)))</title></rect>\n"
        }
        out += "</g>\n"
        if even {
            let labels = chart.xValues.map { DisplayText.cut(DisplayText.escapingControls($0), toWidth: 24) }
            out += xAxis(spaced(labels.indices.map { (x(Double($0) + 0.5), labels[$0]) }, plot, m), plot, m)
            return out
        }
        let ticks = AxisScale(from: lo, to: hi, count: max(2, Int(plot.width / (m.fontSize * 5)))).ticks(within: lo, hi)
        out += xAxis(spaced(ticks.map { (x($0.value), $0.text) }, plot, m), plot, m)
        return out
    }

    private static func lines(_ chart: Chart, _ plot: Plot, _ m: Metrics) -> String {
        let n = chart.xValues.count
        let positions = chart.xPositions ?? chart.xValues.indices.map(Double.init)
        let xLo = positions.min() ?? 0, xHi = positions.max() ?? 0
        let inset = chart.xPositions == nil ? 0.5 : 0.0  // categories sit in the middle of their bands
        let x = { (p: Double) -> Double in
            if chart.xPositions == nil { return plot.left + (p - xLo + inset) / Double(max(n, 1)) * plot.width }
            return xHi > xLo ? plot.left + DecimalShift.fraction(p, from: xLo, to: xHi) * plot.width : (plot.left + plot.right) / 2
        }
        let radius = f(max(2.5, m.fontSize / 4))
        var out = "<g class=\"marks\">\n"
        for (k, series) in chart.series.enumerated() {
            var run: [String] = []
            func flush() {
                if run.count > 1, chart.kind == .line {
                    out += "<polyline class=\"line series-\(k)\" points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(color(k))\" stroke-width=\"2\"/>\n"
                }
                run = []
            }
            for (i, value) in series.values.enumerated() {
                guard let v = value else { flush(); continue }
                run.append(f(x(positions[i])) + "," + f(plot.y(v)))
            }
            flush()
            let valueText = TerminalChartRenderer.valueText(series)
            if chart.kind == .scatter {
                // Small, translucent dots, so that dense regions look dense.
                let r = f(max(1.5, m.fontSize / 6))
                for (i, value) in series.values.enumerated() {
                    guard let v = value else { continue }
                    out += "<circle class=\"dot series-\(k)\" cx=\(q(x(positions[i]))) cy=\(q(plot.y(v))) r=\"\(r)\" fill=\"\(color(k))\" fill-opacity=\"0.5\"/>\n"
                }
            } else if n <= 100 {
                for (i, value) in series.values.enumerated() {
                    guard let v = value else { continue }
                    out += "<circle class=\"point series-\(k)\" cx=\(q(x(positions[i]))) cy=\(q(plot.y(v))) r=\"\(radius)\" fill=\"\(color(k))\">"
                    out += "<title>\(escape(chart.xValues[i])): \(escape(series.name)) \(escape(valueText(v)))</title></circle>\n"
                }
            }
        }
        out += "</g>\n"
        // x ticks: round numbers over numeric positions (not dates); otherwise some of the x values.
        var ticks: [(x: Double, text: String)] = []
        if categoryLabels(chart) == nil {
            let scale = AxisScale(from: xLo, to: xHi, count: max(2, Int(plot.width / (m.fontSize * 4))),
                                  whole: positions.allSatisfy { $0 == $0.rounded() })
            ticks = spaced(scale.ticks(within: xLo, xHi).map { (x($0.value), $0.text) }, plot, m)
        } else {
            let labels = categoryLabels(chart) ?? []
            ticks = stride(from: 0, to: n, by: plot.every).map { (x(positions[$0]), labels[$0]) }
            // Every point at one x (all x equal): one label there, not several on top of each other.
            if chart.xPositions != nil, xHi == xLo { ticks = Array(ticks.prefix(1)) }
        }
        out += xAxis(ticks, plot, m)
        return out
    }

    /// The x labels of a chart whose x axis names categories (bars; a line over text or
    /// dates), cut to 14 characters; nil when the x axis has round numeric ticks.
    private static func categoryLabels(_ chart: Chart) -> [String]? {
        if chart.kind == .histogram { return nil }
        if chart.kind == .line || chart.kind == .scatter, let xs = chart.xPositions, !isDateLabels(chart.xValues),
           let lo = xs.min(), let hi = xs.max(), hi > lo { return nil }
        return chart.xValues.map { DisplayText.cut(DisplayText.escapingControls($0), toWidth: 14) }
    }

    private static func isDateLabels(_ values: [String]) -> Bool {
        values.first.map { $0.count == 10 && $0.filter { $0 == "-" }.count == 2 } ?? false
    }

    /// Every other tick, or every third ..., as needed for their labels not to touch, as
    /// they are anchored (a label aligned to the plot's edge reaches further in).
    private static func spaced(_ ticks: [(x: Double, text: String)], _ plot: Plot, _ m: Metrics) -> [(x: Double, text: String)] {
        guard ticks.count > 1 else { return ticks }
        let gap = abs(ticks[1].x - ticks[0].x)
        let widest = (ticks.map { m.width($0.text) }.max() ?? 0) + m.fontSize * 0.6
        func extent(_ t: (x: Double, text: String)) -> (Double, Double) {
            let w = m.width(t.text)
            switch anchor(x: t.x, width: w, plot) {
            case "start": return (t.x - m.fontSize * 0.3, t.x - m.fontSize * 0.3 + w)
            case "end": return (t.x + m.fontSize * 0.3 - w, t.x + m.fontSize * 0.3)
            default: return (t.x - w / 2, t.x + w / 2)
            }
        }
        var every = max(1, Int((widest / max(gap, 1)).rounded(.up)))
        while every < ticks.count {
            let kept = stride(from: 0, to: ticks.count, by: every).map { extent(ticks[$0]) }
            if zip(kept, kept.dropFirst()).allSatisfy({ $0.1 + m.fontSize * 0.6 <= $1.0 }) { break }
            every += 1
        }
        return stride(from: 0, to: ticks.count, by: every).map { ticks[$0] }
    }

    /// A label centred on its tick, or aligned to the plot's edge when centring would
    /// push it out of the chart.
    private static func anchor(x: Double, width: Double, _ plot: Plot) -> String {
        if x - width / 2 < plot.left - plot.margin { return "start" }
        if x + width / 2 > plot.right + plot.margin { return "end" }
        return "middle"
    }

    private static func tick(x: Double, text: String, _ plot: Plot, _ m: Metrics, anchor: String) -> String {
        let mark = "<line class=\"tick\" x1=\(q(x)) x2=\(q(x)) y1=\(q(plot.bottom)) y2=\(q(plot.bottom + m.fontSize * 0.3)) stroke=\"currentColor\" stroke-opacity=\"0.5\"/>\n"
        if plot.rotated {
            let lx = x + m.fontSize * 0.3, ly = plot.bottom + m.fontSize * 0.9
            return mark + "<text class=\"tick-label\" x=\(q(lx)) y=\(q(ly)) transform=\"rotate(-45 \(f(lx)) \(f(ly)))\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.8\">\(escape(text))</text>\n"
        }
        let labelX = anchor == "start" ? x - m.fontSize * 0.3 : anchor == "end" ? x + m.fontSize * 0.3 : x
        return "<line class=\"tick\" x1=\(q(x)) x2=\(q(x)) y1=\(q(plot.bottom)) y2=\(q(plot.bottom + m.fontSize * 0.3)) stroke=\"currentColor\" stroke-opacity=\"0.5\"/>\n"
            + "<text class=\"tick-label\" x=\(q(labelX)) y=\(q(plot.bottom + m.fontSize * 1.3)) text-anchor=\"\(anchor)\" fill=\"currentColor\" fill-opacity=\"0.8\">\(escape(text))</text>\n"
    }

    private static func xAxis(_ ticks: [(x: Double, text: String)], _ plot: Plot, _ m: Metrics) -> String {
        var out = "<g class=\"axis x\">\n"
        out += "<line class=\"domain\" x1=\(q(plot.left)) x2=\(q(plot.right)) y1=\(q(plot.bottom)) y2=\(q(plot.bottom)) stroke=\"currentColor\" stroke-opacity=\"0.5\"/>\n"
        for t in ticks {
            out += tick(x: t.x, text: t.text, plot, m, anchor: anchor(x: t.x, width: m.width(t.text), plot))
        }
        return out + "</g>\n"
    }

    /// The legend in rows as wide as the chart; returns it and the number of rows.
    private static func legend(_ chart: Chart, y: Double, width: Double, _ m: Metrics) -> (String, Int) {
        let names = chart.series.map { DisplayText.cut(DisplayText.escapingControls($0.name), toWidth: 24) }
        let fs = m.fontSize
        let swatch = (fs * 0.85).rounded()
        let items = names.map { swatch + fs * 0.4 + m.width($0) + fs }
        // Rows of items that fit, each centred.
        var rows: [[Int]] = [[]]
        var used = 0.0
        for (k, w) in items.enumerated() {
            if !rows[rows.count - 1].isEmpty, used + w > width - fs {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(k)
            used += w
        }
        var out = "<g class=\"legend\">\n"
        for (r, row) in rows.enumerated() {
            let total = row.reduce(0.0) { $0 + items[$1] } - fs
            var x = max(fs / 2, (width - total) / 2)
            let top = y + Double(r) * fs * 1.5
            for k in row {
                out += "<rect class=\"swatch series-\(k)\" x=\(q(x)) y=\(q(top)) width=\"\(f(swatch))\" height=\"\(f(swatch))\" fill=\"\(color(k))\"/>\n"
                out += "<text x=\(q(x + swatch + fs * 0.4)) y=\(q(top + swatch * 0.85)) fill=\"currentColor\">\(escape(names[k]))</text>\n"
                x += items[k]
            }
        }
        return (out + "</g>\n", rows.count)
    }

    // MARK: - Text

    private static func defaultName(_ chart: Chart) -> String {
        switch chart.kind {
        case .histogram: "histogram of \(chart.xLabel)"
        case .scatter: "scatter chart of \(chart.series.map(\.name).joined(separator: ", ")) against \(chart.xLabel)"
        case .bar, .line: "\(chart.kind.rawValue) chart of \(chart.series.map(\.name).joined(separator: ", ")) by \(chart.xLabel)"
        }
    }

    private static func color(_ k: Int) -> String { palette[k % palette.count] }

    /// A coordinate with one decimal, quoted as an attribute value.
    private static func q(_ v: Double) -> String { "\"" + f(v) + "\"" }

    private static func f(_ v: Double) -> String {
        // Positions are fractions of the plot, so always finite; a guard all the same.
        guard v.isFinite, abs(v) < 1e9 else { return "0" }
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
