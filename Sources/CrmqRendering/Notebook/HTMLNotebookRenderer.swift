/// A notebook as one self-contained HTML page: inline CSS, no scripts, nothing loaded from
/// elsewhere. It reads on a phone (tables scroll sideways inside their cell, prose wraps),
/// prints without cut-off tables or cells split across pages where avoidable, and follows
/// the reader's light or dark preference.
public enum HTMLNotebookRenderer {
    public static func render(_ notebook: Notebook) -> String {
        let e = ProseHTML.escape
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="crmq \(e(notebook.version))">
            <title>\(e(documentTitle(notebook)))</title>
            <style>
            \(NotebookStyle.css)</style>
            </head>
            <body>
            <header class="doc-header"><span class="doc-script">\(e(notebook.title))</span><span class="doc-kind">crmq notebook</span></header>
            <main>

            """
        for (k, cell) in notebook.cells.enumerated() {
            out += render(cell, number: k + 1)
        }
        if !notebook.closingProse.isEmpty {
            out += "<section class=\"prose closing\">\n\(ProseHTML.html(notebook.closingProse))\n</section>\n"
        }
        let failed = notebook.failedCellCount
        let cells = notebook.cells.count
        var summary = "\(cells) \(cells == 1 ? "cell" : "cells")"
        if failed > 0 { summary += ", \(failed) with an error" }
        out += """
            </main>
            <footer class="doc-footer">Made with crmq \(e(notebook.version)) from <code>\(e(notebook.title))</code> · \(summary)</footer>
            </body>
            </html>

            """
        return out
    }

    /// The first heading of the prose, then the script's name.
    static func documentTitle(_ notebook: Notebook) -> String {
        let heading = notebook.cells.first?.prose.first { $0.hasPrefix("# ") }
        guard let heading else { return notebook.title }
        return String(heading.dropFirst(2)).trimmingSpaces + " — " + notebook.title
    }

    static func render(_ cell: NotebookCell, number: Int) -> String {
        var out = "<section class=\"cell\(cell.failed ? " failed" : "")\" id=\"cell-\(number)\">\n"
        if !cell.prose.isEmpty {
            out += "<div class=\"prose\">\n\(ProseHTML.html(cell.prose))\n</div>\n"
        }
        if !cell.source.isEmpty {
            out += "<pre class=\"code\"><code>\(ProseHTML.escape(cell.source))</code></pre>\n"
        }
        if !cell.outputs.isEmpty {
            out += "<div class=\"output\">\n"
            for output in cell.outputs { out += render(output) }
            out += "</div>\n"
        }
        return out + "</section>\n"
    }

    static func render(_ output: NotebookOutput) -> String {
        let e = ProseHTML.escape
        switch output {
        case .table(let table):
            return render(table)
        case .chart(let chart, let table):
            if let svg = ChartDrawing.svg(chart) {
                return "<figure class=\"chart\">\n\(svg)\n</figure>\n"
            }
            return "<figure class=\"chart chart-rows\">\n<figcaption>\(e(ChartDrawing.caption(chart)))</figcaption>\n"
                + render(table) + "</figure>\n"
        case .value(let text):
            return "<div class=\"value\">\(e(text))</div>\n"
        case .message(let text):
            return "<p class=\"message\">\(e(text).replacingOccurrences(of: "\n", with: "<br>\n"))</p>\n"
        case .text(let text):
            return "<pre class=\"text\">\(e(text.trimmingTrailingNewlines))</pre>\n"
        case .error(let text):
            return "<pre class=\"error\" role=\"alert\">\(e(text.trimmingTrailingNewlines))</pre>\n"
        }
    }

    /// A real table: numbers right-aligned, the elision row as `…`, the footer below it.
    static func render(_ table: NotebookTable) -> String {
        let e = ProseHTML.escape
        func cell(_ tag: String, _ text: String, _ k: Int) -> String {
            let classes = [table.numeric[k] ? "num" : nil, tag == "td" && text == "null" ? "null" : nil].compactMap { $0 }
            let attribute = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
            return "<\(tag)\(attribute)>\(e(text))</\(tag)>"
        }
        var out = "<div class=\"table-scroll\"><table>\n<thead><tr>"
        out += table.headers.enumerated().map { cell("th", $1, $0) }.joined()
        out += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            if let row {
                out += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n"
            } else {
                out += "<tr class=\"elision\">" + table.headers.indices.map { cell("td", "…", $0) }.joined() + "</tr>\n"
            }
        }
        out += "</tbody>\n</table></div>\n"
        out += "<p class=\"table-footer\">\(e(table.footer))</p>\n"
        return out
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }

    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
