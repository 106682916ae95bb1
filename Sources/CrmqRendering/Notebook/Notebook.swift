import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqSession

/// A script run as a notebook: its cells in order, each the prose (Markdown) above a
/// statement, the statement's text and what it produced. Built by `NotebookBuilder` from
/// the session's results; drawn by `HTMLNotebookRenderer` and `MarkdownNotebookRenderer`.
public struct Notebook: Sendable {
    /// The script's name, shown in the header.
    public var title: String
    /// The crmq version, shown in the footer.
    public var version: String
    public var cells: [NotebookCell]
    /// Comment lines after the last statement: prose that ends the document.
    public var closingProse: [String]

    public init(title: String, version: String, cells: [NotebookCell] = [], closingProse: [String] = []) {
        self.title = title
        self.version = version
        self.cells = cells
        self.closingProse = closingProse
    }

    /// How many cells show an error.
    public var failedCellCount: Int { cells.count(where: \.failed) }
}

/// One statement of the script: the prose above it, its text and its outputs.
public struct NotebookCell: Sendable {
    /// Markdown lines (the comment lines without `--`; "" for a paragraph break).
    public var prose: [String]
    public var source: String
    public var outputs: [NotebookOutput]

    public init(prose: [String], source: String, outputs: [NotebookOutput]) {
        self.prose = prose
        self.source = source
        self.outputs = outputs
    }

    public var failed: Bool {
        outputs.contains { if case .error = $0 { true } else { false } }
    }
}

/// One output of a cell, as display text: what the terminal would show, drawn natively by
/// each document format.
public enum NotebookOutput: Sendable {
    case table(NotebookTable)
    /// A chart and the rows it was drawn from.
    case chart(Chart, NotebookTable)
    /// A scalar result, as shown.
    case value(String)
    /// A confirmation ("loaded customers: 5,000 rows, 18 columns").
    case message(String)
    /// Preformatted text: help, or a result in `.mode csv` or `.mode json`.
    case text(String)
    /// Diagnostics, rendered like the terminal's without colour.
    case error(String)
}

/// A result table as the table view shows it: display texts, long results elided to their
/// first and last rows (the `max_rows` setting), cells cut at `max_cell_width`, and the
/// same footer ("1,000 rows (40 shown)").
public struct NotebookTable: Sendable {
    public var headers: [String]
    /// Whether each column is numeric (right-aligned).
    public var numeric: [Bool]
    /// The shown rows, each a display text per column; nil is the elision row (`…`).
    public var rows: [[String]?]
    public var footer: String

    public init(headers: [String], numeric: [Bool], rows: [[String]?], footer: String) {
        self.headers = headers
        self.numeric = numeric
        self.rows = rows
        self.footer = footer
    }

    /// The table view's rows of `table`, limited as `options` say (columns are never left
    /// out: a document scrolls sideways instead).
    public init(_ table: Table, options: RenderOptions) {
        let cut = { (s: String) in DisplayText.cut(s, toWidth: options.maxCellWidth) }
        let shown = TableRenderer.shownRows(table.rowCount, maxRows: options.maxRows)
        headers = table.schema.fields.map { cut(DisplayText.escapingControls($0.name)) }
        numeric = table.schema.fields.map(\.type.isNumeric)
        let columns = table.columns.map { DisplayText.texts(of: $0, rows: shown) }
        rows = shown.indices.map { i in shown[i] == nil ? nil : columns.map { cut($0[i] ?? "") } }
        footer = TableRenderer.footer(
            rowCount: table.rowCount, shownRows: shown.count(where: { $0 != nil }),
            columnCount: headers.count, shownColumns: headers.count)
    }
}

/// Collects a session's results into a `Notebook`, applying `.mode` as the terminal does.
public struct NotebookBuilder {
    public private(set) var notebook: Notebook
    private var mode: OutputMode = .table

    public init(title: String, version: String) {
        notebook = Notebook(title: title, version: version)
    }

    /// Adds the cell of one result; `settings` are the session's when it was produced
    /// (`max_rows` and `max_cell_width` limit tables as in the terminal).
    public mutating func add(_ result: StatementResult, settings: Settings) {
        let options = RenderOptions(maxRows: settings.int("max_rows"), maxCellWidth: settings.int("max_cell_width"))
        notebook.cells.append(NotebookCell(
            prose: result.prose, source: result.source, outputs: outputs(of: result.outcome, options: options)))
    }

    /// Ends the document with the script's closing prose.
    public mutating func finish(closingProse: [String]) -> Notebook {
        notebook.closingProse = closingProse
        return notebook
    }

    private mutating func outputs(of outcome: Outcome, options: RenderOptions) -> [NotebookOutput] {
        switch outcome {
        case .table(let table):
            switch mode {
            case .table, .markdown: return [.table(NotebookTable(table, options: options))]
            case .csv: return [.text(TableRenderer.render(table, format: .csv))]
            case .json: return [.text(TableRenderer.render(table, format: .json))]
            }
        case .chart(let chart, let table):
            return [.chart(chart, NotebookTable(table, options: options))]
        case .value(let value):
            switch mode {
            case .table, .markdown: return [.value(DisplayText.of(value))]
            case .csv: return [.value(value.exactText)]
            case .json: return [.value(JSONWriter.encode(value))]
            }
        case .message(let text):
            return text.isEmpty ? [] : [.message(text)]
        case .help(let text):
            return [.text(text)]
        case .display(let command):
            switch command {
            case .mode(let m):
                mode = m
                return []
            case .timer, .quit:
                return []
            case .output:
                return [.message("'.output' has no effect in a notebook: results stay in their cells")]
            case .history:
                return [.message("no history: '.history' lists what was typed in the interactive shell")]
            }
        case .diagnostics(let diagnostics):
            return [.error(DiagnosticRenderer.render(diagnostics, color: false))]
        }
    }
}

extension Notebook {
    /// The comment lines of `file` after its last statement, which ends at byte
    /// `lastStatementEnd` (nil: the script has no statement): the closing prose. None when
    /// code follows.
    public static func closingProse(of file: String, after lastStatementEnd: Int?) -> [String] {
        let bytes = Array(file.utf8)
        let start = lastStatementEnd ?? 0
        guard start <= bytes.count else { return [] }
        let rest = String(decoding: bytes[start...], as: UTF8.self)
        var lines: [String] = []
        // The statement's own line ends first: a comment there is a remark on its code.
        for line in rest.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(lastStatementEnd == nil ? 0 : 1) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("--") {
                var text = String(trimmed.dropFirst(2))
                if text.hasPrefix(" ") { text.removeFirst() }
                if text.hasSuffix("\r") { text.removeLast() }
                lines.append(text)
            } else if trimmed.allSatisfy({ $0 == "\r" }) {
                if !lines.isEmpty { lines.append("") }
            } else {
                return []  // more code: not the end
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }
}
