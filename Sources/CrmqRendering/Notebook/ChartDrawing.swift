import CrmqSession

/// The one place notebooks draw charts: `SVGChartRenderer` for HTML, `TerminalChartRenderer`
/// (without colour) for Markdown. A nil would make a chart cell show the rows it is drawn from.
enum ChartDrawing {
    /// Width and height of a chart in an HTML notebook, in SVG user units (it scales to
    /// the page's width; its labels are 1/32 of the width, at least 10 px on a phone).
    static let svgWidth = SVGChartRenderer.defaultWidth, svgHeight = SVGChartRenderer.defaultHeight
    /// Columns of a chart in a Markdown notebook.
    static let textWidth = 80

    /// Inline SVG for HTML.
    static func svg(_ chart: Chart) -> String? {
        SVGChartRenderer.render(chart, width: svgWidth, height: svgHeight)
    }

    /// Unicode text for a fenced block in Markdown.
    static func text(_ chart: Chart) -> String? {
        TerminalChartRenderer.render(chart, width: textWidth)
    }

    /// "Chart: line of retention by satisfaction", a caption for the chart's rows.
    static func caption(_ chart: Chart) -> String {
        let title = chart.title.map { $0 + ": " } ?? ""
        return "Chart: \(title)\(chart.kind.rawValue) of \(chart.yLabel) by \(chart.xLabel)"
    }
}
