/// The kinds of chart `chart` draws.
public enum ChartKind: String, Sendable, CaseIterable {
    case bar, line, histogram, scatter
}

/// A chart as data: what `query | chart ...` produces. The session builds it from the
/// query's rows; renderers draw it in a terminal (Unicode) or a notebook (SVG).
public struct Chart: Sendable, Equatable {
    public var kind: ChartKind
    /// Label of the x axis (a column name, or e.g. "amount (bins of 10)").
    public var xLabel: String
    /// Label of the y axis (the single series' name, or "value" for several).
    public var yLabel: String
    /// The categories or x positions, in order, as shown (for bars and histogram bins:
    /// category labels; for lines: the x values as text).
    public var xValues: [String]
    /// Numeric x positions for line charts over numbers or dates (nil: categorical).
    public var xPositions: [Double]?
    /// One or more series, each with a y value per x (nil where the row had null).
    public var series: [ChartSeries]
    public var title: String?
    /// For a histogram: the bin edges, one more than the bins (bin k is
    /// `binEdges[k] ..< binEdges[k + 1]`); nil for other kinds.
    public var binEdges: [Double]? = nil

    public init(
        kind: ChartKind, xLabel: String, yLabel: String, xValues: [String], xPositions: [Double]?,
        series: [ChartSeries], title: String?
    ) {
        self.kind = kind
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xValues = xValues
        self.xPositions = xPositions
        self.series = series
        self.title = title
    }
}

/// One named series of y values, aligned with `Chart.xValues`.
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double?]
    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }
}
