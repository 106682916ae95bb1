import Foundation
import Testing
import CrmqSource
import CrmqSemantics
import CrmqEngine
@testable import CrmqSession
@testable import CrmqRendering

/// Charts of any finite doubles (issue 11): every chart kind over values at the ends of
/// the doubles, drawn in terminals of every width and as SVG, without a trap, a NaN or an
/// infinite coordinate, and with labels of bounded length.
@Suite struct ExtremeChartTests {
    static let big = Double.greatestFiniteMagnitude
    static let tiny = Double.leastNonzeroMagnitude  // 4.9e-324

    /// Value sets that once trapped or could not be drawn, by name.
    static let valueSets: [(name: String, values: [Double])] = [
        ("1.5e308 alone", Array(repeating: 1.5e308, count: 5)),
        ("±1.7e308: the range overflows", [-1.7e308, 1.7e308, -1.7e308, 1.7e308, 0]),
        ("the largest doubles", [-big, big, big]),
        ("4.9e-324 alone", Array(repeating: tiny, count: 5)),
        ("0 and the smallest doubles", [0, tiny, 2 * tiny, 3 * tiny]),
        ("mostly the smallest double, some 0", [0, 0, 0, tiny, tiny, tiny, tiny]),
        ("all zero", [0, 0, 0]),
        ("all 7", [7, 7, 7]),
        ("all -1e-300", [-1e-300, -1e-300]),
        ("all 1e300", [1e300, 1e300]),
        ("1e-300 around 1", (0..<6).map { 1 + Double($0) * 1e-300 }),
        ("1 and the next doubles up", [1, 1.0.nextUp, 1.0.nextUp.nextUp]),
        ("1e15 to 1e15 + 10", (0...10).map { 1e15 + Double($0) }),
        ("the largest negative and the smallest positive", [-big, tiny]),
        ("1e-300 and 1e300", [1e-300, 1e300, -1e300]),
    ]

    static let file = SourceFile(name: "q", text: "")

    /// A table of x = 1 ... n (or `xs`) and v = `values`, and its chart.
    static func chart(_ values: [Double], _ style: ChartStyleKind, bins: Int? = nil, xs: [Double]? = nil) throws -> Chart {
        let x = xs.map { Column.from($0.map(Value.double), type: .double) }
            ?? Column.from((1...values.count).map { Value.int(Int64($0)) }, type: .int)
        let table = Table(
            schema: Schema([Field("x", xs == nil ? .int : .double), Field("v", .double)]),
            columns: [x, Column.from(values.map(Value.double), type: .double)])
        let spec = ChartSpec(style: style, x: style == .histogram ? 1 : 0, y: style == .histogram ? [] : [1],
                             bins: bins, title: nil, range: SourceRange(0, 0))
        do {
            return try ChartBuilder.chart(of: table, spec, file: file)
        } catch {
            Issue.record("\(style) of \(values) refused: \(error.message)")
            throw error
        }
    }

    /// Every chart of every value set: bar, line (over 1 ... n and over the values
    /// themselves), histogram with chosen and with 20 bins.
    static func allCharts() throws -> [(name: String, chart: Chart)] {
        var charts: [(String, Chart)] = []
        for (name, values) in valueSets {
            charts.append(("bar of \(name)", try chart(values, .bar)))
            charts.append(("line of \(name)", try chart(values, .line)))
            charts.append(("line over \(name)", try chart(values, .line, xs: values)))
            charts.append(("histogram of \(name)", try chart(values, .histogram)))
            charts.append(("histogram of \(name) in 20 bins", try chart(values, .histogram, bins: 20)))
        }
        return charts
    }

    @Test func everyKindDrawsInEveryTerminalWidth() throws {
        for (name, chart) in try Self.allCharts() {
            for width in [1, 10, 80, 1000, Int.max] {
                let text = TerminalChartRenderer.render(chart, width: width)
                let limit = min(max(width, 30), 1000)
                for line in text.split(separator: "\n") {
                    #expect(displayWidth(String(line)) <= limit, "\(name) at \(width): '\(line)'")
                }
                #expect(!text.lowercased().contains("nan") && !text.contains("inf"), "\(name) at \(width):\n\(text)")
                #expect(text.contains("│") || text.contains("┤"), "\(name) at \(width) draws an axis:\n\(text)")
            }
        }
    }

    @Test func everyKindDrawsAsWellFormedSVGWithFiniteCoordinates() throws {
        let numeric: Set<String> = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "font-size"]
        for (name, chart) in try Self.allCharts() {
            for width in [160, 420, 1000] {
                let text = SVGChartRenderer.render(chart, width: width, height: width * 2 / 3)
                let svg = try #require(SVGTree.parse(text), "\(name)")
                for e in [svg] + svg.descendants {
                    for (attribute, value) in e.attributes {
                        let lower = value.lowercased()
                        if numeric.contains(attribute) || attribute == "points" || attribute == "transform" || attribute == "viewBox" {
                            #expect(!lower.contains("nan") && !lower.contains("inf"), "\(name): \(attribute)=\(value)")
                        }
                        if numeric.contains(attribute), value != "100%" {
                            let n = Double(value)
                            #expect(n?.isFinite == true, "\(name): \(e.name) \(attribute)=\(value)")
                        }
                    }
                }
                for label in svg.all("text", class: "tick-label") {
                    #expect(label.text.count <= 26, "\(name): tick label '\(label.text)'")
                }
                // Level x labels do not overlap, however long (1.000000000000002e15).
                let charWidth = SVGChartRenderer.fontSize(width: width) * 0.6
                let spans = svg.all("g", class: "x").flatMap { $0.all("text", class: "tick-label") }
                    .filter { $0.attributes["transform"] == nil }
                    .compactMap { e -> (Double, Double)? in
                        guard let x = e.number("x") else { return nil }
                        let w = Double(displayWidth(e.text)) * charWidth
                        switch e.attributes["text-anchor"] {
                        case "start": return (x, x + w)
                        case "end": return (x - w, x)
                        default: return (x - w / 2, x + w / 2)
                        }
                    }
                #expect(zip(spans, spans.dropFirst()).allSatisfy { $0.1 <= $1.0 }, "\(name) at \(width): x labels overlap")
                #expect(!svg.all("rect", class: "bar").isEmpty || !svg.all("circle", class: "point").isEmpty
                        || !svg.all("polyline").isEmpty, "\(name) draws marks")
            }
        }
    }

    @Test func labelsAreBoundedAndDistinct() throws {
        for (name, values) in Self.valueSets {
            let axis = AxisScale(from: values.min()!, to: values.max()!, count: 6)
            #expect(axis.ticks.allSatisfy { $0.isFinite } && axis.lo.isFinite && axis.hi.isFinite && axis.lo <= axis.hi, "\(name)")
            let places = axis.places
            #expect(places == places.sorted() && Set(places).count == places.count, "\(name): ticks apart")
            #expect(Set(axis.labels).count == axis.labels.count, "\(name): \(axis.labels)")
            #expect(axis.labels.allSatisfy { $0.count <= 24 }, "\(name): \(axis.labels)")
            #expect(values.allSatisfy { (0...1).contains(axis.fraction($0)) }, "\(name)")
            let histogram = try Self.chart(values, .histogram, bins: 20)
            #expect(histogram.xValues.allSatisfy { $0.count <= 50 }, "\(name): \(histogram.xValues)")
        }
    }

    @Test func ticksOfExtremeRanges() {
        let wide = AxisScale(from: -1.7e308, to: 1.7e308, count: 5)
        #expect(wide.labels == ["-1e308", "0", "1e308"])
        #expect((wide.lo, wide.hi) == (-1.7e308, 1.7e308), "the axis ends at the values: ±2e308 is no double")
        #expect(wide.fraction(0) == 0.5)
        let close = AxisScale(from: 1e15, to: 1e15 + 10, count: 5)
        #expect(close.labels == ["1.0000000000000000e15", "1.0000000000000025e15", "1.0000000000000050e15",
                                 "1.0000000000000075e15", "1.0000000000000100e15"])
        let tiny = AxisScale(from: 0, to: Self.tiny, count: 3)
        #expect(tiny.labels.first == "0" && tiny.labels.allSatisfy { $0 == "0" || $0.hasSuffix("e-324") || $0.hasSuffix("e-323") })
        #expect(AxisScale(from: 0, to: 0.0003, count: 4).labels == ["0.0000", "0.0001", "0.0002", "0.0003"])
        #expect(AxisScale(from: 0, to: 0.00003, count: 4).labels == ["0", "1e-5", "2e-5", "3e-5"])
    }

    @Test func binsOfExtremeRangesAreFewAndFinite() {
        for (name, values) in Self.valueSets {
            for target in [1, 20, 100] {
                for exact in [false, true] {
                    let bins = Bins(values, target: target, integral: false, exact: exact)
                    #expect(bins.counts.count <= ChartLimits.maxBins * 2, "\(name)")
                    #expect(bins.counts.reduce(0, +) == values.count, "\(name): every value in a bin")
                    #expect(bins.edges.allSatisfy { $0.isFinite }, "\(name): \(bins.edges)")
                    if exact, values.min()! < values.max()! { #expect(bins.counts.count == target, "\(name)") }
                }
            }
        }
        // Whole numbers across all of Int64: Int(hi - lo) once trapped.
        let ints = [Double(Int64.min), Double(Int64.max), 0]
        for exact in [false, true] {
            let bins = Bins(ints, target: 20, integral: true, exact: exact)
            #expect(bins.counts.reduce(0, +) == 3 && bins.counts.count <= 20)
        }
    }

    @Test func scientificLabelsHaveOneExponentPerAxis() {
        let style = AxisStyle(scaled: [-1.5, -1, -0.5, 0, 0.5, 1, 1.5], digitExponent: -1, shift: 308)
        #expect(style.texts([-1.5, -0.5, 0, 1]) == ["-1.5e308", "-0.5e308", "0", "1.0e308"])
        let subnormal = AxisStyle(scaled: [4.5, 5], digitExponent: -1, shift: -324)
        #expect(subnormal.texts([4.5, 5]) == ["4.5e-324", "5.0e-324"])
    }
}
