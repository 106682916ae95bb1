/// A notebook as Markdown: the prose as written, each statement in a fenced ```crmq block,
/// tables as GitHub tables (elided like the terminal, with its footer), charts as Unicode
/// text, and values, messages, help and errors in fenced text blocks.
public enum MarkdownNotebookRenderer {
    public static func render(_ notebook: Notebook) -> String {
        var blocks: [String] = []
        for cell in notebook.cells {
            if !cell.prose.isEmpty { blocks.append(cell.prose.joined(separator: "\n")) }
            if !cell.source.isEmpty { blocks.append(fenced(cell.source, info: "crmq")) }
            for output in cell.outputs { blocks.append(render(output)) }
        }
        if !notebook.closingProse.isEmpty { blocks.append(notebook.closingProse.joined(separator: "\n")) }
        blocks.append("---\n\n*Made with crmq \(notebook.version) from `\(notebook.title)`.*")
        return blocks.map { $0.trimmingTrailingNewlines }.joined(separator: "\n\n") + "\n"
    }

    static func render(_ output: NotebookOutput) -> String {
        switch output {
        case .table(let table):
            return render(table)
        case .chart(let chart, let table):
            if let text = ChartDrawing.text(chart) { return fenced(text, info: "text") }
            return "*\(ChartDrawing.caption(chart))*\n\n" + render(table)
        case .value(let text), .message(let text), .text(let text), .error(let text):
            return fenced(text, info: "text")
        }
    }

    /// A GitHub table of the shown rows (`…` for the elision row) and the table view's footer.
    static func render(_ table: NotebookTable) -> String {
        let columns = table.headers.indices.map { k in table.rows.map { $0?[k] ?? "…" } }
        return MarkdownRenderer.render(headers: table.headers, columns: columns, numeric: table.numeric, escapeMarkup: true)
            + "\n" + table.footer
    }

    /// Text in a fence longer than any run of backticks inside it.
    static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + info + "\n" + text.trimmingTrailingNewlines + "\n" + fence
    }
}
