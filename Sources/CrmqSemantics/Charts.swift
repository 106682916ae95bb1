import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

// chart kind [x [, y ...]] [bins n] [title "text"] -> ChartSpec over the rows flowing in.
//   bar, line:  x any column; y numeric, one series each. Omitted: x = the first column,
//               y = the numeric columns after x (for a written x alone: the numeric columns
//               other than x).
//   scatter:    x and y numeric, one point per row whose x and y are not null; omitted:
//               the first two numeric columns that are not identifiers.
//   histogram:  one numeric column, binned; omitted: the first numeric column that is not
//               an identifier (`id`, `..._id`), or the first numeric column.

/// Limits the checker and the session share.
public enum ChartLimits {
    /// `bins n` allows 1 ... maxBins.
    public static let maxBins = 200
}

extension CheckContext {
    func checkChart(_ chart: ChartStage, stage: Stage, input: Plan) -> ChartSpec? {
        let schema = input.schema
        let kind = chart.style.rawValue
        var indexes: [Int] = []
        var failed = false
        for column in chart.columns {
            guard let i = schema.index(of: column.name) else {
                reportUnknown(.unknownColumn(column.name), name: column.name, at: column.range,
                              among: schema.names, kind: "column")
                failed = true
                continue
            }
            indexes.append(i)
        }
        var bins: Int?
        if let written = chart.bins {
            if chart.style != .histogram {
                report(.chartBinsOnlyHistogram(kind: kind), at: written.range)
                failed = true
            } else if written.count < 1 || written.count > Int64(ChartLimits.maxBins) {
                report(.chartBinsRange(written.count), at: written.range)
                failed = true
            } else {
                bins = Int(written.count)
            }
        }
        if failed { return nil }
        let style = ChartStyleKind(rawValue: kind) ?? .bar
        let make = { (x: Int, y: [Int]) in
            ChartSpec(style: style, x: x, y: y, bins: bins, title: chart.title?.value, range: stage.range)
        }
        let isNumeric = { (i: Int) in schema[i].type.isNumeric }

        switch chart.style {
        case .histogram:
            if indexes.count > 1 {
                report(.histogramOneColumn(given: indexes.count), at: chart.columns[1].range.union(chart.columns.last!.range))
                return nil
            }
            if let x = indexes.first {
                guard isNumeric(x) else {
                    report(.histogramNotNumeric(column: schema[x].name, type: schema[x].type), at: chart.columns[0].range)
                    return nil
                }
                return make(x, [])
            }
            // Identifiers are numbers but not measures: skipped unless nothing else is numeric.
            let isId = { (i: Int) in schema[i].name.lowercased() == "id" || schema[i].name.lowercased().hasSuffix("_id") }
            let numeric = schema.fields.indices.filter(isNumeric)
            guard let x = numeric.first(where: { !isId($0) }) ?? numeric.first else {
                report(.chartNeedsNumeric(kind: kind, columns: describe(schema)), at: stage.range)
                return nil
            }
            return make(x, [])
        case .scatter:
            let isId = { (i: Int) in schema[i].name.lowercased() == "id" || schema[i].name.lowercased().hasSuffix("_id") }
            if let x = indexes.first, !isNumeric(x) {
                report(.scatterXNotNumeric(column: schema[x].name, type: schema[x].type), at: chart.columns[0].range)
                return nil
            }
            for (k, y) in indexes.enumerated().dropFirst() where !isNumeric(y) {
                report(.chartYNotNumeric(kind: kind, column: schema[y].name, type: schema[y].type),
                       at: chart.columns[k].range)
                failed = true
            }
            if failed { return nil }
            let measures = schema.fields.indices.filter { isNumeric($0) && !isId($0) && !indexes.contains($0) }
            let chosen = indexes + measures.prefix(max(0, 2 - indexes.count))
            guard chosen.count >= 2 else {
                report(.chartNeedsNumeric(kind: kind, columns: describe(schema)), at: stage.range,
                       notes: [Note("name the columns: 'chart scatter x, y' (both numbers)")])
                return nil
            }
            return make(chosen[0], Array(chosen.dropFirst()))
        case .bar, .line:
            if indexes.count > 1 {
                for (k, y) in indexes.enumerated().dropFirst() where !isNumeric(y) {
                    report(.chartYNotNumeric(kind: kind, column: schema[y].name, type: schema[y].type),
                           at: chart.columns[k].range)
                    failed = true
                }
                return failed ? nil : make(indexes[0], Array(indexes.dropFirst()))
            }
            guard schema.count > 0 else {
                report(.chartNeedsNumeric(kind: kind, columns: "no columns"), at: stage.range)
                return nil
            }
            let x = indexes.first ?? 0
            let candidates = indexes.isEmpty ? Array(schema.fields.indices.dropFirst()) : schema.fields.indices.filter { $0 != x }
            let y = candidates.filter(isNumeric)
            guard !y.isEmpty else {
                report(.chartNeedsNumeric(kind: kind, columns: describe(schema)), at: stage.range,
                       notes: [Note("name the columns: 'chart \(kind) x, y' (x any column, y a number)")])
                return nil
            }
            return make(x, y)
        }
    }

    /// "region (string), n (int)": the columns as messages list them.
    private func describe(_ schema: Schema) -> String {
        let shown = schema.fields.prefix(6).map { "\($0.name) (\($0.type))" }
        return shown.joined(separator: ", ") + (schema.count > 6 ? ", ..." : "")
    }
}
