import Foundation
import CrmqSession

/// Draws a `Chart` as Unicode text for a terminal, every line at most `width` display
/// columns wide.
///
/// Bars and histogram bins are horizontal bars, one line per value, measured in eighths
/// of a cell (`█` then `▏▎▍▌▋▊▉`), with the label on the left and the value at the end,
/// over a value axis with round ticks:
/// ```
/// region  n
/// East   │██████████████████████████████▍ 629
/// North  │████████████████████████████▊ 598
///        └┬─────────┬─────────┬─────────┬──
///         0        200       400       600
/// ```
/// A line chart is drawn in Braille dots (2 × 4 per cell) with a y axis of round ticks,
/// x labels below and a marker on each point when there is room. Several series are told
/// apart by fill or marker (and colour when asked), named in a legend. A scatter chart is
/// the line chart's dots without the lines between them.
public enum TerminalChartRenderer {
    public static func render(_ chart: Chart, width: Int = 80, color: Bool = false) -> String {
        // Whatever a terminal or COLUMNS claims: a chart row of a billion cells helps nobody.
        let width = min(max(width, 30), 1000)
        var lines: [String] = []
        if let title = chart.title, !title.isEmpty {
            let t = DisplayText.cut(DisplayText.escapingControls(title), toWidth: width)
            lines.append(String(repeating: " ", count: max(0, (width - displayWidth(t)) / 2)) + t)
        }
        let hasData = !chart.xValues.isEmpty && chart.series.contains { $0.values.contains { $0 != nil } }
        if !hasData {
            lines.append("(nothing to chart: the query gave no values)")
            return lines.joined(separator: "\n") + "\n"
        }
        switch chart.kind {
        case .bar, .histogram: lines += bars(chart, width: width, color: color)
        case .line, .scatter: lines += line(chart, width: width, color: color)
        }
        return lines.map { trimmedRight($0) }.joined(separator: "\n") + "\n"
    }

    // MARK: - Bars

    static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    /// Fills telling series apart without colour; only the first has eighth blocks.
    static let fills = ["█", "▓", "▒", "░"]
    static let markers = ["●", "■", "▲", "◆", "▼", "✚"]
    static let palette = ["\u{1B}[36m", "\u{1B}[35m", "\u{1B}[33m", "\u{1B}[32m", "\u{1B}[34m", "\u{1B}[31m"]
    static let reset = "\u{1B}[0m"

    private static func bars(_ chart: Chart, width: Int, color: Bool) -> [String] {
        let several = chart.series.count > 1
        let labels = chart.xValues.map { DisplayText.cut(DisplayText.escapingControls($0), toWidth: max(6, width / 3)) }
        let labelWidth = labels.map(displayWidth).max() ?? 0
        let all = chart.series.flatMap { $0.values.compactMap { $0 } }
        let valueTexts = chart.series.map(valueText)
        let valueWidth = zip(chart.series, valueTexts).flatMap { series, text in
            series.values.compactMap { $0.map { displayWidth(text($0)) } }
        }.max() ?? 1
        let area = max(3, width - labelWidth - 3 - valueWidth)
        // Counts and other whole numbers get whole-number ticks.
        let scale = AxisScale(from: min(0, all.min() ?? 0), to: max(0, all.max() ?? 1), count: max(2, area / 10),
                              whole: all.allSatisfy { $0 == $0.rounded() })
        // Columns from the axis's start, as a fraction of the area: overflow-free for any doubles.
        let column = { (v: Double) -> Double in min(max(scale.fraction(v), 0), 1) * Double(area) }
        let zero = Int(column(0).rounded())

        var lines: [String] = []
        let xLabel = DisplayText.escapingControls(chart.xLabel)
        let head = several ? legend(chart, color: color, bars: true) : DisplayText.escapingControls(chart.yLabel)
        let headLine = pad(xLabel, labelWidth) + "  " + head
        lines.append(several ? headLine : DisplayText.cut(headLine, toWidth: width))
        for (row, label) in labels.enumerated() {
            for (k, series) in chart.series.enumerated() {
                let name = k == 0 ? pad(label, labelWidth) : String(repeating: " ", count: labelWidth)
                guard let v = series.values[row] else {
                    lines.append(name + " │" + String(repeating: " ", count: zero) + " null")
                    continue
                }
                let fill = color ? "█" : fills[k % fills.count]
                let cells = abs(column(v) - column(0))
                var bar: String
                if v >= 0 {
                    var full = min(area - zero, Int(cells.rounded(.down)))
                    var eighth = Int(((cells - Double(full)) * 8).rounded())
                    if eighth == 8 { full += 1; eighth = 0 }
                    if full >= area - zero { (full, eighth) = (area - zero, 0) }
                    bar = String(repeating: fill, count: full) + (fill == "█" ? eighths[eighth] : "")
                    if bar.isEmpty && v > 0 && zero < area { bar = fill == "█" ? "▏" : fill }
                    bar = String(repeating: " ", count: zero) + paint(bar, k, color)
                } else {
                    let full = min(zero, Int(cells.rounded()))
                    bar = String(repeating: " ", count: zero - full) + paint(String(repeating: fill, count: full), k, color)
                }
                lines.append(name + " │" + bar + " " + valueTexts[k](v))
            }
        }
        lines += axis(ticks: zip(scale.places, scale.labels).map { f, text in (Int((f * Double(area)).rounded()), text) },
                      length: area, indent: labelWidth + 1)
        return lines
    }

    /// `└──┬───┬──` and the tick labels under it. The rule starts `indent` columns in; a
    /// tick's column counts from the corner (0).
    private static func axis(ticks: [(column: Int, text: String)], length: Int, indent: Int) -> [String] {
        let placed = place(ticks, width: indent + 1 + length, offset: indent)
        var rule = Array(repeating: "─", count: length + 1)
        for t in placed.kept where t > 0 && t < rule.count { rule[t] = "┬" }
        rule[0] = "└"
        return [String(repeating: " ", count: indent) + rule.joined(), placed.line]
    }

    /// Labels centred under their columns (plus `offset`), dropping any that would touch
    /// the one before; returns the line and the columns kept.
    private static func place(_ labels: [(column: Int, text: String)], width: Int, offset: Int) -> (line: String, kept: [Int]) {
        var line = ""
        var used = 0
        var kept: [Int] = []
        for (column, text) in labels {
            let w = displayWidth(text)
            var start = offset + column - w / 2
            start = min(max(start, 0), max(0, width - w))
            if start < used + (used == 0 ? 0 : 1) { continue }
            line += String(repeating: " ", count: start - used) + text
            used = start + w
            kept.append(column)
        }
        return (line, kept)
    }

    // MARK: - Lines

    private static func line(_ chart: Chart, width: Int, color: Bool) -> [String] {
        let n = chart.xValues.count
        let rows = width >= 100 ? 16 : 12
        let all = chart.series.flatMap { $0.values.compactMap { $0 } }
        let yScale = AxisScale(from: all.min()!, to: all.max()!, count: rows / 3 + 1)
        let yTexts = yScale.labels
        let labelWidth = yTexts.map(displayWidth).max() ?? 1
        let plotWidth = max(4, width - labelWidth - 2)
        let dotsX = plotWidth * 2, dotsY = rows * 4

        // x of each point in dots.
        let positions = chart.xPositions ?? chart.xValues.indices.map(Double.init)
        let xLo = positions.min() ?? 0, xHi = positions.max() ?? 0
        let dotX: (Double) -> Int = { p in
            xHi > xLo ? Int((DecimalShift.fraction(p, from: xLo, to: xHi) * Double(dotsX - 1)).rounded()) : dotsX / 2
        }
        let dotY: (Double) -> Int = { v in  // from the top
            dotsY - 1 - Int((min(max(yScale.fraction(v), 0), 1) * Double(dotsY - 1)).rounded())
        }

        // Each cell: the dots set (Braille bits), the series that drew there last, a marker.
        var bits = Array(repeating: Array(repeating: 0, count: plotWidth), count: rows)
        var owner = Array(repeating: Array(repeating: -1, count: plotWidth), count: rows)
        var marker = Array(repeating: Array(repeating: -1, count: plotWidth), count: rows)
        // A scatter chart's points stay single dots: markers would hide how dense they are.
        let showMarkers = chart.kind == .line && n <= plotWidth / 3
        let joined = chart.kind == .line
        func set(_ x: Int, _ y: Int, _ k: Int) {
            guard x >= 0, x < dotsX, y >= 0, y < dotsY else { return }
            let (cx, cy) = (x / 2, y / 4)
            let (sx, sy) = (x % 2, y % 4)
            let bit = sy == 3 ? (sx == 0 ? 6 : 7) : (sx == 0 ? sy : sy + 3)
            bits[cy][cx] |= 1 << bit
            owner[cy][cx] = k
        }
        for (k, series) in chart.series.enumerated() {
            var previous: (Int, Int)?
            for (i, value) in series.values.enumerated() {
                guard let v = value else { previous = nil; continue }
                let p = (dotX(positions[i]), dotY(v))
                if joined, let q = previous {
                    let steps = max(abs(p.0 - q.0), abs(p.1 - q.1), 1)
                    for s in 0...steps {
                        let t = Double(s) / Double(steps)
                        set(q.0 + Int((Double(p.0 - q.0) * t).rounded()), q.1 + Int((Double(p.1 - q.1) * t).rounded()), k)
                    }
                } else {
                    set(p.0, p.1, k)
                }
                if showMarkers { marker[p.1 / 4][p.0 / 2] = k }
                previous = p
            }
        }

        var tickAtRow: [Int: String] = [:]
        for (f, text) in zip(yScale.places, yTexts) {
            tickAtRow[Int(((1 - f) * Double(dotsY - 1)).rounded()) / 4] = text
        }
        var lines: [String] = []
        let head = chart.series.count > 1 ? legend(chart, color: color, bars: false) : DisplayText.escapingControls(chart.yLabel)
        lines.append(head)
        for r in 0..<rows {
            var text = ""
            if let tick = tickAtRow[r] {
                text = String(repeating: " ", count: labelWidth - displayWidth(tick)) + tick + " ┤"
            } else {
                text = String(repeating: " ", count: labelWidth) + " │"
            }
            // Colour codes only where the colour changes.
            var current = -1
            for c in 0..<plotWidth {
                var glyph = " ", series = -1
                if marker[r][c] >= 0 {
                    (glyph, series) = (markers[marker[r][c] % markers.count], marker[r][c])
                } else if bits[r][c] != 0 {
                    (glyph, series) = (String(UnicodeScalar(0x2800 + bits[r][c])!), owner[r][c])
                }
                if color, series != current, series >= 0 {
                    text += (current >= 0 ? reset : "") + palette[series % palette.count]
                    current = series
                } else if color, series < 0, current >= 0 {
                    text += reset
                    current = -1
                }
                text += glyph
            }
            if current >= 0 { text += reset }
            lines.append(text)
        }

        // x ticks: round numbers over numeric positions; otherwise some of the x values.
        var xTicks: [(column: Int, text: String)] = []
        let labelRoom = (chart.xValues.map(displayWidth).max() ?? 1) + 2
        if let xs = chart.xPositions, !isDateLabels(chart.xValues), xHi > xLo {
            // Whole-number x (1 ... 10) gets whole-number ticks, not 2.5, 5.0, 7.5.
            let xScale = AxisScale(from: xLo, to: xHi, count: max(2, plotWidth / 6),
                                   whole: xs.allSatisfy { $0 == $0.rounded() })
            xTicks = xScale.ticks(within: xLo, xHi).map { (dotX($0.value) / 2 + 1, $0.text) }
        } else {
            let fit = max(1, plotWidth / labelRoom)
            let every = max(1, Int((Double(n) / Double(fit)).rounded(.up)))
            var indexes = Array(stride(from: 0, to: n, by: every))
            if let last = indexes.last, last != n - 1, n - 1 - last >= every / 2 + 1 { indexes.append(n - 1) }
            xTicks = indexes.map { (dotX(positions[$0]) / 2 + 1, DisplayText.cut(DisplayText.escapingControls(chart.xValues[$0]), toWidth: 16)) }
        }
        lines += axis(ticks: xTicks, length: plotWidth, indent: labelWidth + 1)
        let xLabel = DisplayText.escapingControls(chart.xLabel)
        lines.append(String(repeating: " ", count: max(0, labelWidth + 2 + (plotWidth - displayWidth(xLabel)) / 2)) + xLabel)
        return lines
    }

    private static func isDateLabels(_ values: [String]) -> Bool {
        guard let first = values.first else { return false }
        return first.count == 10 && first.filter { $0 == "-" }.count == 2 && first.first?.isNumber == true
    }

    // MARK: - Pieces

    private static func legend(_ chart: Chart, color: Bool, bars: Bool) -> String {
        chart.series.enumerated().map { k, s in
            let key = bars ? (color ? "█" : fills[k % fills.count]) : markers[k % markers.count]
            return paint(key, k, color) + " " + DisplayText.escapingControls(s.name)
        }.joined(separator: "   ")
    }

    /// How the values of a series are written beside bars and on marks: as whole numbers
    /// when they all are, otherwise all with the same decimals (`DecimalStyle`).
    static func valueText(_ series: ChartSeries) -> (Double) -> String {
        let all = series.values.compactMap { $0 }
        if all.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e15 }) {
            return { String(Int64($0)) }
        }
        return DecimalStyle(all).text
    }

    private static func paint(_ text: String, _ series: Int, _ color: Bool) -> String {
        guard color, !text.isEmpty, series >= 0 else { return text }
        return palette[series % palette.count] + text + reset
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - displayWidth(text)))
    }

    private static func trimmedRight(_ line: String) -> String {
        var l = line
        while l.last == " " { l.removeLast() }
        return l
    }
}
