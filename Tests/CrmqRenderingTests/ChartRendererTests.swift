import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CrmqSession
@testable import CrmqRendering

/// One element of a parsed SVG: name, attributes, text, children.
final class Element {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [Element] = []
    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }
    var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
    /// Every element below this one, depth first.
    var descendants: [Element] { children.flatMap { [$0] + $0.descendants } }
    func all(_ name: String, class c: String? = nil) -> [Element] {
        descendants.filter { $0.name == name && (c == nil || $0.classes.contains(c!)) }
    }
    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// Parses SVG text with Foundation's XMLParser; nil (and a recorded issue) when it is not well-formed XML.
final class SVGTree: NSObject, XMLParserDelegate {
    private var stack: [Element] = []
    private(set) var root: Element?

    static func parse(_ text: String) -> Element? {
        let tree = SVGTree()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = tree
        guard parser.parse() else {
            Issue.record("not well-formed XML: \(parser.parserError.map(String.init(describing:)) ?? "?")")
            return nil
        }
        return tree.root
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let e = Element(name: elementName, attributes: attributeDict)
        stack.last?.children.append(e)
        if stack.isEmpty { root = e }
        stack.append(e)
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
}

let regionsChart = Chart(
    kind: .bar, xLabel: "region", yLabel: "n", xValues: ["East", "North", "South", "West"], xPositions: nil,
    series: [ChartSeries(name: "n", values: [629, 598, nil, 610])], title: "Customers by region")

let twoSeries = Chart(
    kind: .line, xLabel: "satisfaction", yLabel: "value", xValues: (1...10).map(String.init),
    xPositions: (1...10).map(Double.init),
    series: [
        ChartSeries(name: "retention", values: [0.3, 0.21, 0.36, 0.57, nil, 0.69, 0.69, 0.72, 0.84, 0.98]),
        ChartSeries(name: "churn", values: [0.7, 0.79, 0.64, 0.43, 0.35, 0.31, 0.31, 0.28, 0.16, 0.02]),
    ], title: nil)

func histogramChart() -> Chart {
    var c = Chart(
        kind: .histogram, xLabel: "amount (bins of 50)", yLabel: "count", xValues: ["0–50", "50–100", "100–150"],
        xPositions: nil, series: [ChartSeries(name: "count", values: [40, 12, 3])], title: nil)
    c.binEdges = [0, 50, 100, 150]
    return c
}

@Suite struct SVGChartRendererTests {
    /// Every x/y/cx/cy/x1/x2/y1/y2 and polyline point lies inside the viewBox.
    func expectInside(_ svg: Element, width: Double, height: Double) {
        for e in svg.descendants {
            for a in ["x", "cx", "x1", "x2"] { if let v = e.number(a) { #expect(v >= 0 && v <= width, "\(e.name).\(a) = \(v)") } }
            for a in ["y", "cy", "y1", "y2"] { if let v = e.number(a) { #expect(v >= 0 && v <= height, "\(e.name).\(a) = \(v)") } }
            if let w = e.number("width"), let x = e.number("x") { #expect(x + w <= width + 0.01) }
            if let h = e.number("height"), let y = e.number("y") { #expect(y + h <= height + 0.01) }
            for point in (e.attributes["points"] ?? "").split(separator: " ") {
                let xy = point.split(separator: ",").compactMap { Double($0) }
                #expect(xy.count == 2 && xy[0] >= 0 && xy[0] <= width && xy[1] >= 0 && xy[1] <= height)
            }
        }
    }

    @Test func barChartStructure() throws {
        let text = SVGChartRenderer.render(regionsChart)
        let svg = try #require(SVGTree.parse(text))
        #expect(svg.name == "svg")
        #expect(svg.attributes["viewBox"] == "0 0 420 280")
        #expect(svg.attributes["role"] == "img")
        #expect(svg.attributes["aria-label"] == "Customers by region")
        #expect(svg.children.first?.name == "title")
        #expect(svg.children.first?.text == "Customers by region")
        // One bar per non-null value, all sitting on the zero line.
        let bars = svg.all("rect", class: "bar")
        #expect(bars.count == 3)
        let baselines = Set(bars.map { ($0.number("y")! + $0.number("height")!).rounded() })
        #expect(baselines.count == 1)
        // Taller bar for the larger value.
        #expect(bars[0].number("height")! > bars[1].number("height")!)
        let labels = svg.all("text", class: "tick-label").map(\.text)
        for region in ["East", "North", "South", "West"] { #expect(labels.contains(region)) }
        #expect(labels.contains("0") && labels.contains("600"))
        #expect(svg.all("text", class: "axis-label").map(\.text) == ["n", "region"])
        #expect(svg.all("text", class: "chart-title").count == 1)
        #expect(svg.all("g", class: "legend").isEmpty, "one series needs no legend")
        expectInside(svg, width: 420, height: 280)
    }

    @Test func lineChartWithSeveralSeries() throws {
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(twoSeries, width: 800, height: 400)))
        #expect(svg.attributes["viewBox"] == "0 0 800 400")
        // The null in 'retention' breaks its line in two.
        #expect(svg.all("polyline", class: "series-0").count == 2)
        #expect(svg.all("polyline", class: "series-1").count == 1)
        #expect(svg.all("circle", class: "point").count == 19)
        let legend = try #require(svg.all("g", class: "legend").first)
        #expect(legend.all("text").map(\.text) == ["retention", "churn"])
        #expect(legend.all("rect", class: "swatch").count == 2)
        // Points go left to right in x order.
        let xs = svg.all("circle", class: "series-1").compactMap { $0.number("cx") }
        #expect(xs == xs.sorted())
        let ticks = svg.all("g", class: "x").flatMap { $0.all("text", class: "tick-label") }.map(\.text)
        #expect(ticks.contains("2") && ticks.contains("10"))
        // Higher values are drawn higher (smaller y).
        let ys = svg.all("circle", class: "series-1").compactMap { $0.number("cy") }
        #expect(ys.first! < ys.last!)
        expectInside(svg, width: 800, height: 400)
    }

    @Test func histogramBinsTouch() throws {
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(histogramChart())))
        let bins = svg.all("rect", class: "bin")
        #expect(bins.count == 3)
        for (a, b) in zip(bins, bins.dropFirst()) {
            #expect(abs(a.number("x")! + a.number("width")! + 1 - b.number("x")!) < 0.2)
        }
        let ticks = svg.all("g", class: "x").flatMap { $0.all("text", class: "tick-label") }.map(\.text)
        #expect(ticks.contains("0") && ticks.count >= 3)
        #expect(ticks.compactMap(Double.init).allSatisfy { $0 >= 0 && $0 <= 150 })
        #expect(svg.attributes["aria-label"] == "histogram of amount (bins of 50)")
        expectInside(svg, width: 420, height: 280)
    }

    @Test func textIsEscapedAndNothingIsFetched() throws {
        var chart = regionsChart
        chart.title = "Sales <Q1> & \"more\" 'quoted'"
        chart.xValues[0] = "<script>alert(1)</script>"
        chart.xLabel = "a&b"
        let text = SVGChartRenderer.render(chart)
        #expect(!text.contains("<script>"))
        #expect(!text.contains("href") && !text.contains("url(") && !text.contains("@import"))
        let svg = try #require(SVGTree.parse(text))
        #expect(svg.children.first?.text == "Sales <Q1> & \"more\" 'quoted'")
        #expect(svg.all("text", class: "tick-label").contains { $0.text.hasPrefix("<script>") })
        #expect(svg.all("text", class: "axis-label").contains { $0.text == "a&b" })
        #expect(svg.attributes["font-family"] == "sans-serif")
    }

    @Test func emptyChartSaysSo() throws {
        let chart = Chart(kind: .bar, xLabel: "x", yLabel: "y", xValues: [], xPositions: nil,
                          series: [ChartSeries(name: "y", values: [])], title: nil)
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(chart)))
        #expect(svg.all("text", class: "no-data").count == 1)
        #expect(svg.all("rect", class: "bar").isEmpty)
    }

    @Test func negativeBarsHangBelowZero() throws {
        let chart = Chart(kind: .bar, xLabel: "x", yLabel: "y", xValues: ["a", "b"], xPositions: nil,
                          series: [ChartSeries(name: "y", values: [5, -3])], title: nil)
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(chart)))
        let bars = svg.all("rect", class: "bar")
        #expect(abs(bars[0].number("y")! + bars[0].number("height")! - bars[1].number("y")!) < 0.2)
        expectInside(svg, width: 420, height: 280)
    }

    /// A chart scales to the page: a viewBox, width 100%, no fixed pixel size.
    @Test func scalesToThePage() throws {
        for chart in [regionsChart, twoSeries, histogramChart()] {
            let svg = try #require(SVGTree.parse(SVGChartRenderer.render(chart)))
            #expect(svg.attributes["viewBox"] == "0 0 \(SVGChartRenderer.defaultWidth) \(SVGChartRenderer.defaultHeight)")
            #expect(svg.attributes["width"] == "100%")
            #expect(svg.attributes["height"] == nil)
        }
    }

    /// Every label is at least 10 px high when the chart is drawn 320 px wide (a phone
    /// page of 375 px less its margins is 351 px): its font size is 1/32 of the width or more.
    @Test func labelsAreReadableOnAPhone() throws {
        var long = regionsChart
        long.series.append(ChartSeries(name: "vip", values: [1, 2, 3, 4]))
        for width in [300, 420, 640, 800] {
            for chart in [regionsChart, twoSeries, histogramChart(), long] {
                let svg = try #require(SVGTree.parse(SVGChartRenderer.render(chart, width: width, height: width * 2 / 3)))
                let base = try #require(svg.number("font-size"))
                let texts = svg.all("text")
                #expect(texts.count > 5)
                for text in texts {
                    let size = text.number("font-size") ?? base
                    #expect(size * 320 / Double(width) >= 10, "'\(text.text)' at \(size) of \(width)")
                }
            }
        }
    }

    /// Colours a page can switch: text and axes in currentColor, marks by series class.
    @Test func coloursFollowThePage() throws {
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(twoSeries)))
        for text in svg.all("text") { #expect(text.attributes["fill"] == "currentColor", "\(text.text)") }
        for line in svg.all("line") { #expect(line.attributes["stroke"] == "currentColor") }
        #expect(svg.all("rect", class: "background").isEmpty, "no fixed background: the page's shows through")
        for mark in svg.all("circle") + svg.all("polyline") {
            #expect(mark.attributes["class"]?.contains("series-") == true)
        }
    }

    /// Category labels that would crowd are turned rather than dropped, and stay inside.
    @Test func crowdedCategoryLabelsAreTurned() throws {
        let names = ["Central", "Coastal", "East", "Highlands", "Islands", "North", "South", "West"]
        let chart = Chart(kind: .bar, xLabel: "region", yLabel: "n", xValues: names, xPositions: nil,
                          series: [ChartSeries(name: "n", values: [570, 460, 700, 440, 220, 1100, 860, 610])], title: nil)
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(chart)))
        let labels = svg.all("g", class: "x").flatMap { $0.all("text", class: "tick-label") }
        #expect(labels.map(\.text) == names)
        #expect(labels.allSatisfy { $0.attributes["transform"]?.hasPrefix("rotate(-45") == true })
        expectInside(svg, width: 420, height: 280)
        // A chart too short to make room for turned labels keeps them level, every other.
        let short = try #require(SVGTree.parse(SVGChartRenderer.render(chart, width: 420, height: 140)))
        let kept = short.all("g", class: "x").flatMap { $0.all("text", class: "tick-label") }
        #expect(kept.count < names.count && kept.allSatisfy { $0.attributes["transform"] == nil })
        for bar in short.all("rect", class: "bar") { #expect((bar.number("height") ?? -1) >= 0) }
        expectInside(short, width: 420, height: 140)
        // Few short labels stay level.
        let level = try #require(SVGTree.parse(SVGChartRenderer.render(regionsChart)))
        #expect(level.all("text", class: "tick-label").allSatisfy { $0.attributes["transform"] == nil })
    }

    /// CRMQ_SVG_OUT=/some/dir writes the test charts there to look at.
    /// Every sample chart is well-formed SVG with a title; with CRMQ_SVG_OUT set, the
    /// samples are also written there to look at.
    @Test func samplesAreWellFormedAndCanBeWritten() throws {
        let dir = ProcessInfo.processInfo.environment["CRMQ_SVG_OUT"]
        for (name, chart) in [("bar", regionsChart), ("line", twoSeries), ("histogram", histogramChart())] {
            let svg = SVGChartRenderer.render(chart)
            let root = try #require(SVGTree.parse(svg), "\(name) is not well-formed")
            #expect(root.name == "svg", "\(name)")
            if let dir { try svg.write(toFile: dir + "/\(name).svg", atomically: true, encoding: .utf8) }
        }
    }
}

@Suite struct TerminalChartRendererTests {
    func expectFits(_ text: String, _ width: Int) {
        for line in text.split(separator: "\n") {
            #expect(displayWidth(String(line)) <= width, "too wide at \(width): \(line)")
        }
    }

    @Test func everyChartFitsItsWidth() {
        for width in [30, 40, 80, 120, 200] {
            for chart in [regionsChart, twoSeries, histogramChart()] {
                let text = TerminalChartRenderer.render(chart, width: width)
                expectFits(text, width)
                if ProcessInfo.processInfo.environment["CRMQ_SHOW_CHARTS"] != nil { print(text) }
            }
        }
    }

    @Test func barsInEighths() {
        let text = TerminalChartRenderer.render(regionsChart, width: 80)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].trimmingCharacters(in: .whitespaces) == "Customers by region")
        #expect(lines[1] == "region  n")
        #expect(lines[2].hasPrefix("East  │████"))
        #expect(lines[2].hasSuffix(" 629"))
        #expect(lines[4] == "South │ null")
        // The axis: a corner, ticks, and round labels.
        #expect(lines[6].hasPrefix("      └───"))
        #expect(lines[7].hasPrefix("      0"))
        #expect(lines[7].contains("600"))
        // The bar lengths keep the ratio of the values within an eighth of a cell.
        func cells(_ line: String) -> Double {
            line.reduce(0.0) { n, c in
                if c == "█" { return n + 1 }
                if let k = TerminalChartRenderer.eighths.firstIndex(of: String(c)) { return n + Double(k) / 8 }
                return n
            }
        }
        #expect(abs(cells(lines[2]) / cells(lines[3]) - 629.0 / 598.0) < 0.01)
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!TerminalChartRenderer.render(twoSeries, width: 80).contains("\u{1B}["))
        let coloured = TerminalChartRenderer.render(twoSeries, width: 80, color: true)
        #expect(coloured.contains("\u{1B}[36m") && coloured.contains("\u{1B}[35m"))
    }

    @Test func lineChartAxesAndLegend() {
        let text = TerminalChartRenderer.render(twoSeries, width: 80)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "● retention   ■ churn")
        #expect(lines.contains { $0.hasPrefix("1.00 ┤") })
        #expect(lines.contains { $0.hasPrefix("0.00 ┤") })
        #expect(lines.last?.trimmingCharacters(in: .whitespaces) == "satisfaction")
        let xLabels = lines[lines.count - 2]
        #expect(xLabels.split(separator: " ") == (1...10).map { Substring(String($0)) })
        #expect(text.contains("●") && text.contains("■"))
        #expect(text.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "drawn in Braille")
    }

    @Test func severalBarSeriesHaveDistinctFills() {
        var chart = regionsChart
        chart.series.append(ChartSeries(name: "vip", values: [100, 200, 300, 400]))
        let text = TerminalChartRenderer.render(chart, width: 60)
        #expect(text.contains("█ n   ▓ vip"))
        #expect(text.contains("▓▓"))
        expectFits(text, 60)
    }

    @Test func noData() {
        let chart = Chart(kind: .line, xLabel: "x", yLabel: "y", xValues: [], xPositions: nil,
                          series: [ChartSeries(name: "y", values: [])], title: nil)
        #expect(TerminalChartRenderer.render(chart).hasPrefix("(nothing to chart"))
    }
}

@Suite struct NiceNumberTests {
    @Test func steps() {
        #expect(NiceNumbers.nearestStep(0.13) == 0.1)
        #expect(NiceNumbers.nearestStep(64.7) == 50)
        #expect(NiceNumbers.nearestStep(2.9) == 2.5)
        #expect(NiceNumbers.nearestStep(8) == 10)
    }

    @Test func ticksCoverTheRange() {
        let (ticks, step) = NiceNumbers.ticks(from: 0.21, to: 0.98, count: 5)
        #expect(step == 0.2)
        #expect(ticks == [0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(NiceNumbers.texts([0.30000000000000004], step: 0.1) == ["0.3"])
        #expect(NiceNumbers.texts([12500], step: 2500) == ["12,500"])
        let flat = NiceNumbers.ticks(from: 5, to: 5, count: 5).ticks
        #expect(flat.first! < 5 && flat.last! > 5)
    }
}

@Suite struct HistogramBinTests {
    /// A spread of decimals, deterministic (no random numbers).
    static let amounts: [Double] = (0..<500).map { i in
        let x = Double(i) * 0.618033988749895
        return 3.7 + (x - x.rounded(.down)) * 1234.56 + Double(i % 7) * 0.013
    }

    /// `bins n` is exactly n bins over decimals, whatever n and range.
    @Test func binsNIsExactlyN() {
        for values in [Self.amounts, [0.5, 4999.25, 17, 2500], [-3.25, 7.5, 0.001], [1e-3, 2e-3, 1.7e-3], [12, 13.5]] {
            for n in [1, 2, 3, 5, 7, 10, 13, 20, 33, 50, 200] {
                let bins = Bins(values, target: n, integral: false, exact: true)
                #expect(bins.counts.count == n, "\(n) bins over \(values.min()!)...\(values.max()!)")
                #expect(bins.edges.count == n + 1)
                #expect(bins.counts.reduce(0, +) == values.count)
                #expect(bins.edges.first! <= values.min()! && bins.edges.last! >= values.max()!)
                // The first and the last bin hold values: no empty bins padded on.
                #expect(bins.counts.first! > 0 && bins.counts.last! > 0, "\(n): \(bins.counts)")
                // Equal widths.
                let widths = zip(bins.edges.dropFirst(), bins.edges).map { $0 - $1 }
                #expect(widths.allSatisfy { abs($0 - bins.step) < 1e-9 * max(1, bins.step) })
            }
        }
    }

    /// Round edges when a round step gives exactly n bins.
    @Test func roundEdgesWhenTheyFit() {
        let bins = Bins([0.5, 4999.25, 17, 2500], target: 20, integral: false, exact: true)
        #expect(bins.step == 250 && bins.edges.first == 0 && bins.edges.last == 5000)
    }

    /// Whole numbers stay in whole-number bins: one bin per value when there are fewer
    /// values than n, otherwise the narrowest whole width that needs no more than n bins.
    @Test func wholeNumbers() {
        let scores = Bins((1...10).map(Double.init), target: 20, integral: true, exact: true)
        #expect(scores.counts == Array(repeating: 1, count: 10) && scores.step == 1)
        let exact = Bins((0...100).map(Double.init), target: 20, integral: true, exact: true)
        #expect(exact.counts.count == 20 && exact.step == 5)
        let ages = Bins((18...80).map(Double.init), target: 20, integral: true, exact: true)
        #expect(ages.counts.count <= 20 && ages.step == ages.step.rounded() && ages.counts.reduce(0, +) == 63)
        #expect(ages.counts.last! > 0)
    }

    /// Without `bins`, about Sturges' number of round bins.
    @Test func defaultBinsAreRound() {
        let bins = Bins(Self.amounts, target: ChartBuilder.sturges(Self.amounts.count), integral: false)
        #expect([50.0, 100, 200, 250].contains(bins.step), "\(bins.step)")
        #expect(abs(bins.counts.count - 10) <= 3, "\(bins.counts.count)")
    }

    /// The bin labels of a histogram share one style.
    @Test func labelsShareOneStyle() {
        let bins = Bins([0, 9_999, 25_000], target: 5, integral: false, exact: true)
        let style = AxisStyle(bins.edges, step: bins.unit)
        #expect(bins.edges.map(style.text) == ["0", "5,000", "10,000", "15,000", "20,000", "25,000"])
    }
}

@Suite struct AxisStyleTests {
    /// One style per axis: the same decimals and the same grouping on every tick.
    @Test func oneStylePerAxis() {
        #expect(NiceNumbers.texts([0, 5000, 10000, 15000], step: 5000) == ["0", "5,000", "10,000", "15,000"])
        #expect(NiceNumbers.texts([0, 500, 1000, 1500], step: 500) == ["0", "500", "1000", "1500"])
        #expect(NiceNumbers.texts([0, 0.5, 1, 1.5], step: 0.5) == ["0.0", "0.5", "1.0", "1.5"])
        #expect(NiceNumbers.texts([-0.25, 0, 0.25], step: 0.25) == ["-0.25", "0.00", "0.25"])
        #expect(NiceNumbers.texts([-1e-17, 0.1], step: 0.1) == ["0.0", "0.1"], "no -0.0")
        #expect(NiceNumbers.texts([10_000, 12_500.5], step: 0.5) == ["10,000.0", "12,500.5"])
    }

    /// Every axis of the drawn charts: tick labels of one axis have the same decimals.
    @Test func svgAxesHaveOneStyle() throws {
        for chart in [regionsChart, twoSeries, histogramChart()] {
            let svg = try #require(SVGTree.parse(SVGChartRenderer.render(chart)))
            for axis in svg.all("g", class: "axis") where chart.kind != .bar || axis.attributes["class"] == "axis y" {
                let labels = axis.all("text", class: "tick-label").map(\.text)
                let decimals = Set(labels.map { $0.split(separator: ".").dropFirst().first?.count ?? 0 })
                #expect(decimals.count == 1, "\(labels)")
            }
        }
    }

    /// Values beside bars: whole numbers per series stay whole, decimals share decimals.
    @Test func barValuesPerSeries() {
        var chart = regionsChart
        chart.series = [ChartSeries(name: "gap", values: [0, -1.5, 0.6, -0.125])]
        let text = TerminalChartRenderer.render(chart, width: 80)
        for value in ["0.000", "-1.500", "0.600", "-0.125"] { #expect(text.contains(" " + value + "\n"), "\(value)") }
    }
}

/// Two far-apart points and one close to the first: a scatter chart draws three dots and
/// nothing between them.
let scatterChart = Chart(
    kind: .scatter, xLabel: "satisfaction", yLabel: "recommend", xValues: ["1", "10", "2"],
    xPositions: [1, 10, 2], series: [ChartSeries(name: "recommend", values: [0, 10, nil])], title: nil)

@Suite struct ScatterChartTests {
    @Test func terminalDotsAreNotJoined() {
        let text = TerminalChartRenderer.render(scatterChart, width: 60)
        let braille = text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        // One Braille dot per point with a y value; a line would fill the cells between.
        #expect(braille.count == 2)
        #expect(braille.allSatisfy { [1, 2, 4, 8, 16, 32, 64, 128].contains($0.value - 0x2800) })
        #expect(!text.contains("●"))
        #expect(text.contains("satisfaction"))
        for line in text.split(separator: "\n") { #expect(displayWidth(String(line)) <= 60) }
    }

    @Test func svgDrawsDotsWithoutLines() throws {
        let svg = try #require(SVGTree.parse(SVGChartRenderer.render(scatterChart)))
        #expect(svg.all("polyline").isEmpty)
        let dots = svg.all("circle", class: "dot")
        #expect(dots.count == 2)
        // The higher value is drawn higher and further right.
        #expect(dots[1].number("cy")! < dots[0].number("cy")! && dots[1].number("cx")! > dots[0].number("cx")!)
        #expect(svg.attributes["aria-label"] == "scatter chart of recommend against satisfaction")
        // A numeric x axis with round ticks, not a label per point.
        let ticks = svg.all("g", class: "x").flatMap { $0.all("text", class: "tick-label") }.map(\.text)
        #expect(ticks.contains("2") && ticks.contains("10") && ticks.allSatisfy { Double($0) != nil })
    }
}
