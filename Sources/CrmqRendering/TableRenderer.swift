import CrmqSemantics
import CrmqEngine
import CrmqLoading

/// The ways a table can be written out: the `.mode` command and `--format`.
public enum TableFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal, rounded and shortened to fit (`TableRenderer`).
    case table
    /// Full precision, all rows (`CSVWriter`).
    case csv
    /// Full precision, all rows (`JSONWriter`).
    case json
    /// A GitHub table of all rows, rounded like the table view.
    case markdown
}

/// Limits of the table view; the other formats always show everything.
public struct RenderOptions: Sendable {
    /// Rows shown at most (the first half and the last half); 0 shows all.
    public var maxRows: Int
    /// Display columns of a cell at most; longer cells end in `…`. 0 means no limit.
    public var maxCellWidth: Int
    /// Display columns of the whole table at most (the terminal's width); columns in the
    /// middle are left out to fit. nil means no limit.
    public var maxWidth: Int?

    public init(maxRows: Int = 40, maxCellWidth: Int = 50, maxWidth: Int? = nil) {
        self.maxRows = maxRows
        self.maxCellWidth = maxCellWidth
        self.maxWidth = maxWidth
    }
}

/// Draws tables and values as text.
///
/// The table view:
/// ```
/// region   n   share
/// ──────  ───  ──────
/// East    629  0.1258
/// …         …       …
/// West    598  0.1196
/// 1,000 rows (40 shown)
/// ```
/// Two spaces between columns; a rule of `─` under each header; numbers right-aligned
/// (their headers too), everything else left-aligned; a column of decimals has one number
/// of decimals (`DecimalStyle`, chosen from the rows shown); a footer counting the rows. A long
/// result shows its first and last rows around a row of `…`; a wide one leaves out middle
/// columns behind a `…` column. Nothing is cut without a `…` to say so.
public enum TableRenderer {
    /// The table in `format`, ending with a newline.
    public static func render(_ table: Table, format: TableFormat, options: RenderOptions = RenderOptions()) -> String {
        switch format {
        case .table: renderTable(table, options: options)
        case .csv: encodeCSV(table)
        case .json: encodeJSON(table)
        case .markdown: MarkdownRenderer.render(table)
        }
    }

    /// A scalar result as shown: its display text (`DisplayText.of`) and a newline.
    public static func render(value: Value) -> String {
        DisplayText.of(value) + "\n"
    }

    /// The table view.
    public static func renderTable(_ table: Table, options: RenderOptions = RenderOptions()) -> String {
        let rows = shownRows(table.rowCount, maxRows: options.maxRows)
        let cut = { (s: String) in DisplayText.cut(s, toWidth: options.maxCellWidth) }

        // Cells are formatted for shown rows only: a 12-million-row result costs 40 rows.
        var columns: [TextColumn] = table.schema.fields.enumerated().map { k, field in
            let column = table.columns[k]
            let cells = DisplayText.texts(of: column, rows: rows).map { $0.map(cut) }
            return TextColumn(header: cut(DisplayText.escapingControls(field.name)), cells: cells,
                              rightAligned: field.type.isNumeric)
        }
        let totalColumns = columns.count
        if let maxWidth = options.maxWidth { columns = fitting(columns, into: maxWidth) }

        var lines: [String] = []
        lines.append(line(columns.map { ($0.header, $0) }))
        lines.append(columns.map { String(repeating: "─", count: $0.width) }.joined(separator: "  "))
        for r in rows.indices {
            lines.append(line(columns.map { ($0.cells[r] ?? "…", $0) }))
        }
        lines.append(footer(rowCount: table.rowCount, shownRows: rows.count(where: { $0 != nil }),
                            columnCount: totalColumns, shownColumns: columns.count(where: { !$0.isElision })))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows shown, in order, with nil for the elision row.
    static func shownRows(_ count: Int, maxRows: Int) -> [Int?] {
        guard maxRows > 0, count > maxRows else { return Array(0..<count) }
        let head = (maxRows + 1) / 2, tail = maxRows / 2
        return Array(0..<head) + [nil] + Array((count - tail)..<count)
    }

    private static func line(_ cells: [(String, TextColumn)]) -> String {
        var out = ""
        for (k, (text, column)) in cells.enumerated() {
            if k > 0 { out += "  " }
            let pad = String(repeating: " ", count: max(0, column.width - displayWidth(text)))
            // The last column is not padded on the right: no trailing spaces.
            out += column.rightAligned ? pad + text : (k == cells.count - 1 ? text : text + pad)
        }
        return out
    }

    /// Keeps columns from both ends, alternately, while they fit; the rest become one `…`
    /// column. The first column is always kept.
    static func fitting(_ columns: [TextColumn], into maxWidth: Int) -> [TextColumn] {
        func width(_ cs: [TextColumn]) -> Int { cs.reduce(0) { $0 + $1.width } + 2 * max(0, cs.count - 1) }
        guard width(columns) > maxWidth, columns.count > 1 else { return columns }
        let rowCount = columns[0].cells.count
        let elision = TextColumn(header: "…", cells: Array(repeating: "…", count: rowCount), rightAligned: false,
                                 isElision: true)
        var left = [columns[0]], right: [TextColumn] = []
        var nextLeft = 1, nextRight = columns.count - 1
        var takeRight = true
        while nextLeft <= nextRight {
            let candidate = takeRight ? columns[nextRight] : columns[nextLeft]
            let trial = takeRight ? left + [elision, candidate] + right : left + [candidate, elision] + right
            if width(trial) > maxWidth { break }
            if takeRight {
                right.insert(candidate, at: 0)
                nextRight -= 1
            } else {
                left.append(candidate)
                nextLeft += 1
            }
            takeRight.toggle()
        }
        if nextLeft > nextRight { return columns }
        return left + [elision] + right
    }

    static func footer(rowCount: Int, shownRows: Int, columnCount: Int, shownColumns: Int) -> String {
        var text = DisplayText.grouped(rowCount) + (rowCount == 1 ? " row" : " rows")
        if shownRows < rowCount { text += " (\(DisplayText.grouped(shownRows)) shown)" }
        if shownColumns < columnCount {
            text += ", \(DisplayText.grouped(columnCount)) columns (\(DisplayText.grouped(shownColumns)) shown)"
        }
        return text
    }
}

/// One column of the table view, as text.
struct TextColumn {
    var header: String
    /// nil is the elision row.
    var cells: [String?]
    var rightAligned: Bool
    var isElision = false
    var width: Int

    init(header: String, cells: [String?], rightAligned: Bool, isElision: Bool = false) {
        self.header = header
        self.cells = cells
        self.rightAligned = rightAligned
        self.isElision = isElision
        width = cells.reduce(displayWidth(header)) { max($0, $1.map(displayWidth) ?? 1) }
    }
}
