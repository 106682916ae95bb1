import Testing
import CrmqSource
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
import CrmqSession
@testable import CrmqRendering

/// The notebook documents: structure, escaping, tables, errors and charts, built from
/// results as a session reports them.
@Suite struct NotebookTests {
    static let file = SourceFile(name: "lesson.crmq", text: "customers | count\n")

    static func result(_ outcome: Outcome, prose: [String] = [], source: String = "customers | count") -> StatementResult {
        let file = SourceFile(name: "lesson.crmq", text: source)
        return StatementResult(
            file: file, range: SourceRange(0, file.bytes.count), outcome: outcome, elapsed: .zero, prose: prose)
    }

    static func notebook(_ results: [StatementResult], settings: Settings = Settings(), closing: [String] = []) -> Notebook {
        var builder = NotebookBuilder(title: "lesson.crmq", version: "9.9.9")
        for r in results { builder.add(r, settings: settings) }
        return builder.finish(closingProse: closing)
    }

    static func html(_ results: [StatementResult], closing: [String] = []) -> String {
        HTMLNotebookRenderer.render(notebook(results, closing: closing))
    }

    // MARK: Prose

    @Test func headingsListsEmphasisCodeAndLinks() {
        let html = ProseHTML.html([
            "# Title", "", "Some **bold**, *emphasis* and `code < 3`.", "", "## Part 1", "",
            "- one", "- two", "", "1. first", "2. second", "", "See [the docs](https://example.com/a?b=1&c=2).",
        ])
        #expect(html.contains("<h1>Title</h1>"))
        #expect(html.contains("<h2>Part 1</h2>"))
        #expect(html.contains("<strong>bold</strong>"))
        #expect(html.contains("<em>emphasis</em>"))
        #expect(html.contains("<code>code &lt; 3</code>"))
        #expect(html.contains("<ul><li>one</li><li>two</li></ul>"))
        #expect(html.contains("<ol><li>first</li><li>second</li></ol>"))
        #expect(html.contains(#"<a href="https://example.com/a?b=1&amp;c=2">the docs</a>"#))
    }

    @Test func rawHTMLInProseIsText() {
        let html = ProseHTML.html(["Hello <script>alert(1)</script> and <img src=x onerror=alert(1)> & more", "", "- still a list"])
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&amp; more"))
        #expect(html.contains("<li>still a list</li>"), "the HTML does not swallow what follows it")
    }

    @Test func unsafeLinksAndImagesLoadNothing() {
        let html = ProseHTML.html(["[run](javascript:alert(1)) [quote](x\" onclick=\"y) ![logo](https://example.com/l.png)"])
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("\" onclick"))
        #expect(!html.contains("<img"))
        #expect(html.contains(#"<a href="https://example.com/l.png">logo</a>"#))
    }

    /// Found by the statements fuzz target: a prose line of many `[` made the Markdown
    /// parser try links at every depth, exponentially (the notebook never rendered).
    @Test func deeplyNestedBracketsAreTextAndRenderAtOnce() {
        let brackets = String(repeating: "[", count: 100)
        let html = ProseHTML.html(["Acquisition sho\(brackets)uld be judged by value", "", "[a [link](https://example.com)] stays"])
        #expect(html.contains("sho\(brackets)uld be judged"), "\(html)")
        #expect(html.contains(#"<a href="https://example.com">link</a>"#), "\(html)")
        #expect(!html.contains("\u{F8FE}"))
    }

    /// A list item followed by a line of spaces trapped the Markdown parser (Ink 0.6 reads
    /// past the end of the text); the statements fuzzer found it with the prose
    /// `- allet: theasou s loyalty: retedion --` and a line of two spaces.
    @Test func aListItemFollowedByALineOfSpacesRenders() {
        for lines in [["- allet: theasou s loyalty: retedion --", " "], ["- a", " \t "], ["- a", "  ", "- b", "   "]] {
            let html = ProseHTML.html(lines)
            #expect(html.contains("<li>"), "\(lines): \(html)")
        }
    }

    /// A first line of exactly `---` with only blank space after it trapped the Markdown
    /// parser (Ink 0.6 reads it as the start of a metadata block, then past the end of the
    /// text); the statements fuzzer found it. It is a horizontal rule, as anywhere else.
    @Test func aFirstLineOfThreeDashesIsARule() {
        for lines in [["---", ""], ["---", "\u{0B}"], ["", "  ---", " \t"], ["---", "some prose"], ["---"]] {
            let html = ProseHTML.html(lines)
            #expect(html.contains("<hr"), "\(lines): \(html)")
        }
        #expect(ProseHTML.html(["---", "some prose"]).contains("some prose"))
        #expect(ProseHTML.withoutMetadata("----\n") == "----\n")
        #expect(ProseHTML.withoutMetadata("a\n---\n") == "a\n---\n")
    }

    @Test func aLineStartingWithCodeContinuesItsParagraph() {
        let html = ProseHTML.html(["`count(x)` counts the answers,", "`count()` the customers."])
        #expect(html == "<p><code>count(x)</code> counts the answers, <code>count()</code> the customers.</p>")
    }

    // MARK: The document

    @Test func documentIsSelfContained() {
        let html = Self.html([Self.result(.value(.int(3)), prose: ["# Lesson one"])])
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Lesson one — lesson.crmq</title>"))
        #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(html.contains("@media print"))
        #expect(html.contains("crmq 9.9.9"))
        for loader in ["<script", "<link", "<img", "src=", "@import", "url("] {
            #expect(!html.contains(loader), "the page loads nothing: found \(loader)")
        }
    }

    @Test func codeCellAndValuesAreEscaped() {
        let html = Self.html([
            Self.result(.value(.string("<script>x</script>")), source: "\"<script>x</script>\" | take 1"),
        ])
        #expect(html.contains("<pre class=\"code\"><code>&quot;&lt;script&gt;x&lt;/script&gt;&quot; | take 1</code></pre>")
            || html.contains("<pre class=\"code\"><code>\"&lt;script&gt;x&lt;/script&gt;\" | take 1</code></pre>"))
        #expect(html.contains("<div class=\"value\">&lt;script&gt;x&lt;/script&gt;</div>"))
        #expect(!html.contains("<script>"))
    }

    @Test func tableCell() {
        let t = table([("region", .string), ("n", .int)], [[.string("East <b>"), .int(629)], [.null, .null]])
        let html = Self.html([Self.result(.table(t))])
        #expect(html.contains("<thead><tr><th>region</th><th class=\"num\">n</th></tr></thead>"))
        #expect(html.contains("<tr><td>East &lt;b&gt;</td><td class=\"num\">629</td></tr>"))
        #expect(html.contains("<tr><td class=\"null\">null</td><td class=\"num null\">null</td></tr>"))
        #expect(html.contains("<p class=\"table-footer\">2 rows</p>"))
    }

    @Test func longTablesAreElidedLikeTheTerminal() {
        var settings = Settings()
        settings["max_rows"] = .int(4)
        let nb = Self.notebook([Self.result(.table(regions(10)))], settings: settings)
        guard case .table(let t)? = nb.cells.first?.outputs.first else {
            Issue.record("no table")
            return
        }
        #expect(t.rows.count == 5)
        #expect(t.rows[2] == nil)
        #expect(t.footer == "10 rows (4 shown)")
        let md = MarkdownNotebookRenderer.render(nb)
        #expect(md.contains("| r1     |  10 | 0.125 |\n| …      |   … |     … |\n| r8     |  80 | 1.000 |"))
        #expect(md.contains("\n\n10 rows (4 shown)\n"))
        #expect(HTMLNotebookRenderer.render(nb).contains("<tr class=\"elision\">"))
    }

    @Test func markdownTablesEscapeHTMLAndMarkdownInValuesAndNames() {
        let table = Table(
            schema: Schema([Field("<b>name</b>", .string)]),
            columns: [Column.from([.string("<script>alert(1)</script>"), .string("a|b \\| *c* & `d`")], type: .string)])
        let md = MarkdownNotebookRenderer.render(Self.notebook([Self.result(.table(table))]))
        #expect(!md.contains("<script>") && !md.contains("<b>"))
        #expect(md.contains("| &lt;b&gt;name&lt;/b&gt;"))
        #expect(md.contains("| &lt;script&gt;alert(1)&lt;/script&gt;"))
        // Every '|' in a value is escaped, even one after a backslash, so the row keeps one cell.
        #expect(md.contains("| a&#124;b &#92;&#124; &#42;c&#42; &amp; &#96;d&#96;"))
    }

    @Test func errorCell() {
        let file = SourceFile(name: "lesson.crmq", text: "customers | where satisfation > 8")
        let d = Diagnostic(id: "test.unknown", message: "unknown column 'satisfation'", location: .source(file, SourceRange(18, 29)))
        let r = StatementResult(file: file, range: SourceRange(0, file.bytes.count), outcome: .diagnostics([d]), elapsed: .zero)
        let nb = Self.notebook([r, Self.result(.value(.int(1)))])
        #expect(nb.failedCellCount == 1)
        let html = HTMLNotebookRenderer.render(nb)
        #expect(html.contains("<section class=\"cell failed\" id=\"cell-1\">"))
        #expect(html.contains("""
            <pre class="error" role="alert">lesson.crmq:1:19: error: unknown column 'satisfation'
              1 | customers | where satisfation &gt; 8
                |                   ^~~~~~~~~~~</pre>
            """))
        #expect(html.contains("1 with an error"))
        #expect(!html.contains("\u{1B}["), "no colour codes")
        let md = MarkdownNotebookRenderer.render(nb)
        #expect(md.contains("```text\nlesson.crmq:1:19: error: unknown column 'satisfation'\n"))
    }

    @Test func chartCell() {
        let chart = Chart(
            kind: .line, xLabel: "satisfaction", yLabel: "retention", xValues: ["1", "2"], xPositions: [1, 2],
            series: [ChartSeries(name: "retention", values: [0.5, 0.75])], title: nil)
        let rows = table([("satisfaction", .int), ("retention", .double)], [[.int(1), .double(0.5)], [.int(2), .double(0.75)]])
        let nb = Self.notebook([Self.result(.chart(chart, rows), source: "t | chart line satisfaction, retention")])
        let html = HTMLNotebookRenderer.render(nb)
        #expect(html.contains("<figure class=\"chart"))
        if ChartDrawing.svg(chart) != nil {
            #expect(html.contains("<svg"))
        } else {
            #expect(html.contains("<figcaption>Chart: line of retention by satisfaction</figcaption>"))
            #expect(html.contains("<td class=\"num\">0.75</td>"))
        }
        let md = MarkdownNotebookRenderer.render(nb)
        if ChartDrawing.text(chart) != nil {
            #expect(md.contains("```text\n"))
        } else {
            #expect(md.contains("*Chart: line of retention by satisfaction*"))
        }
    }

    @Test func markdownCells() {
        let md = MarkdownNotebookRenderer.render(Self.notebook(
            [Self.result(.help("nps — net promoter score\n"), prose: ["# NPS", "", "The *score*:"], source: "help nps")],
            closing: ["## Read more"]))
        #expect(md == """
            # NPS

            The *score*:

            ```crmq
            help nps
            ```

            ```text
            nps — net promoter score
            ```

            ## Read more

            ---

            *Made with crmq 9.9.9 from `lesson.crmq`.*

            """)
    }

    @Test func fencesOutgrowBackticksInside() {
        #expect(MarkdownNotebookRenderer.fenced("a ``` b", info: "text") == "````text\na ``` b\n````")
    }

    @Test func closingProse() {
        let text = "-- intro\nx | count -- remark\n\n-- ## Read more\n--\n-- `help x`\n"
        #expect(Notebook.closingProse(of: text, after: 19) == ["## Read more", "", "`help x`"])
        #expect(Notebook.closingProse(of: "x\n-- not the end\ny\n", after: 1) == [])
        #expect(Notebook.closingProse(of: "-- only prose\n", after: nil) == ["only prose"])
    }
}
