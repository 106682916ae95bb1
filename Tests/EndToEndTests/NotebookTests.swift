import Foundation
import Testing

/// `crmq notebook`, run as a teacher runs it: every teaching script renders to HTML and
/// Markdown, errors stay in their cells, and the HTML renders in a real browser.
@Suite struct NotebookTests {
    static func scripts() throws -> [String] { try ExampleScriptTests.scripts() }

    @Test("example script renders as a notebook", arguments: try scripts())
    func examplesRender(_ name: String) throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for ext in ["html", "md"] {
            let out = folder.appendingPathComponent("notebook." + ext).path
            let r = try Binary.run(["notebook", "examples/" + name, "-o", out], in: Binary.packageRoot)
            #expect(r.status == 0, "\(name) → .\(ext) exited \(r.status):\n\(r.stderr)")
            #expect(!r.stderr.contains("error:"), "\(name):\n\(r.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.contains(ext == "html" ? "<table>" : "| ---"), "\(name) → .\(ext) has no table")
            #expect(!text.contains("error:"), "\(name) → .\(ext) has a failing cell")
            // The script's first line is its title.
            #expect(text.contains(ext == "html" ? "<h1>" : "\n# ") || text.hasPrefix("# "))
        }
    }

    @Test func errorsStayInTheirCellsAndTheRunGoesOn() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("lesson.crmq")
        try """
            -- # A lesson
            customers | count

            -- A typo:
            customers | where satisfation > 8 | count

            -- A broken line:
            customers | where satisfaction > | count

            -- Still runs:
            customers | count by region
            -- The end.

            """.write(to: script, atomically: true, encoding: .utf8)
        let md = folder.appendingPathComponent("lesson.md").path
        let r = try Binary.run(["notebook", script.path, "-o", md])
        #expect(r.status == 1, "a failing cell makes the status 1")
        #expect(r.stderr.contains("error: unknown column 'satisfation'"), "\(r.stderr)")
        #expect(r.stderr.contains("4 cells, 2 with an error"), "\(r.stderr)")
        let text = try String(contentsOfFile: md, encoding: .utf8)
        #expect(text.contains("note: did you mean 'satisfaction'?"))
        #expect(text.contains("```crmq\ncustomers | where satisfaction > | count\n```\n\n```text\n"))
        #expect(text.contains("| region "), "the statements after the errors ran")
        #expect(text.contains("The end."))

        let bailed = folder.appendingPathComponent("bailed.html").path
        let b = try Binary.run(["notebook", script.path, "-o", bailed, "--bail"])
        #expect(b.status == 1)
        let html = try String(contentsOfFile: bailed, encoding: .utf8)
        #expect(html.contains("unknown column 'satisfation'"), "the document ends with the failing cell")
        #expect(!html.contains("satisfaction &gt; | count"), "nothing after the first error ran")
        #expect(html.hasSuffix("</html>\n"))
    }

    /// A bracket left open ends at the next blank line: the error points at it, and the
    /// prose and cells after it still appear (a notebook goes on; `crmq run` stops there).
    @Test func anUnclosedBracketEndsAtTheBlankLineAndTheNotebookGoesOn() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("open.crmq")
        try """
            -- # Brackets
            customers | where (satisfaction > 8
              and churned == 0

            -- After the broken cell:
            customers | count by region
            -- The end.

            """.write(to: script, atomically: true, encoding: .utf8)
        let md = folder.appendingPathComponent("open.md").path
        let r = try Binary.run(["notebook", script.path, "-o", md])
        #expect(r.status == 1)
        #expect(r.stderr.contains("open.crmq:3:19: error: ')' expected"), "\(r.stderr)")
        #expect(r.stderr.contains("open.crmq:2:19: note: to close '(' here"), "\(r.stderr)")
        #expect(r.stderr.contains("2 cells, 1 with an error"), "\(r.stderr)")
        let text = try String(contentsOfFile: md, encoding: .utf8)
        #expect(text.contains("After the broken cell:"), "\(text)")
        #expect(text.contains("| region "), "the statement after the blank line ran: \(text)")
        #expect(text.contains("The end."), "\(text)")

        let run = try Binary.run(["run", script.path])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("\(script.path):3:19: error: ')' expected"), "\(run.stderr)")
        #expect(run.stderr.contains("\(script.path):2:19: note: to close '(' here"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "\(run.stdout)")
    }

    /// docs/notebooks.md shows docs/notebook-example.md as what the example script renders to.
    @Test func theDocumentedExampleIsCurrent() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("example.md").path
        let r = try Binary.run(["notebook", "docs/notebook-example.crmq", "-o", out], in: Binary.packageRoot)
        #expect(r.status == 1, "the example shows a failing cell: \(r.stderr)")
        let made = try String(contentsOfFile: out, encoding: .utf8)
        let committed = try String(
            contentsOf: Binary.packageRoot.appendingPathComponent("docs/notebook-example.md"), encoding: .utf8)
        #expect(made == committed, "re-render it: crmq notebook docs/notebook-example.crmq -o docs/notebook-example.md")
    }

    @Test func theOutputNamesTheFormat() throws {
        let r = try Binary.run(["notebook", "examples/07_nps.crmq", "-o", "/tmp/notebook.pdf"], in: Binary.packageRoot)
        #expect(r.status == 64)
        #expect(r.stderr.contains("must end in .html or .md"), "\(r.stderr)")
        let missing = try Binary.run(["notebook", "no-such-script.crmq", "-o", "/tmp/x.md"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read the script"))
    }

    // MARK: In a browser

    /// Chromium from Debian (scripts/lib/setup.sh installs it for the test command).
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs headless Chromium on a page; returns its standard error (the console with logging on).
    static func chromium(_ arguments: [String], page: URL, in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium, "chromium is not installed: run scripts/test, which installs it"))
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + folder.appendingPathComponent("profile").path,
        ] + arguments + [page.absoluteString]
        let out = folder.appendingPathComponent("chromium.out"), err = folder.appendingPathComponent("chromium.err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    /// Width and height from a PNG's header, nil when the file is not a PNG.
    static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { return nil }
        func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    @Test func theHTMLRendersInABrowser() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("notebook.html")
        let r = try Binary.run(["notebook", "examples/07_nps.crmq", "-o", page.path], in: Binary.packageRoot)
        #expect(r.status == 0, "\(r.stderr)")

        // A phone-sized screenshot, and one of a blank page to compare it with: a PNG of
        // one colour compresses to a few kilobytes, a page of text and tables to far more.
        let shot = folder.appendingPathComponent("phone.png"), blankShot = folder.appendingPathComponent("blank.png")
        let run = try Self.chromium(
            ["--enable-logging=stderr", "--v=0", "--screenshot=" + shot.path, "--window-size=375,1200"],
            page: page, in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let blankPage = folder.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blankPage, atomically: true, encoding: .utf8)
        _ = try Self.chromium(["--screenshot=" + blankShot.path, "--window-size=375,1200"], page: blankPage, in: folder)

        let png = try Data(contentsOf: shot), blank = try Data(contentsOf: blankShot)
        let size = try #require(Self.pngSize(png), "the screenshot is not a PNG")
        #expect(size.width == 375 && size.height == 1200, "\(size)")
        #expect(png.count > 10 * blank.count, "the screenshot looks blank: \(png.count) bytes, a blank page \(blank.count)")

        // No console errors (an uncaught exception, a resource that failed to load).
        let console = run.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "console: \(console)")

        // The DOM the browser built has the cells and tables.
        let dom = try Self.chromium(["--dump-dom"], page: page, in: folder)
        #expect(dom.stdout.contains("<h1>Net Promoter Score</h1>"))
        #expect(dom.stdout.components(separatedBy: "<section class=\"cell").count - 1 == 7)
        #expect(dom.stdout.contains("<table>"))
    }

    /// Measures a page as headless Chromium lays it out 375 px wide. Headless windows are
    /// at least 500 px wide, so the page is shown in a 375 px frame of a second page whose
    /// script writes what the browser laid out into its own DOM, read back with
    /// `--dump-dom` (the frame's load comes before the page's, and the dump after it).
    /// The notebook itself has no script.
    static func measure(_ page: URL, in folder: URL, dark: Bool) throws -> [String: Any] {
        let wrapper = #"""
            <!DOCTYPE html>
            <html><body style="margin:0">
            <iframe id="phone" src="PAGE" style="width:375px;height:1200px;border:0"></iframe>
            <script>
            const frame = document.getElementById('phone');
            frame.addEventListener('load', () => {
              const d = frame.contentDocument, w = frame.contentWindow;
              const r = { viewport: w.innerWidth, scrollWidth: d.documentElement.scrollWidth };
              const svgs = [...d.querySelectorAll('figure.chart svg')];
              r.charts = svgs.map(s => {
                const b = s.getBoundingClientRect();
                return { left: b.left, right: b.right, width: b.width,
                         viewBox: s.getAttribute('viewBox'), widthAttribute: s.getAttribute('width') };
              });
              const texts = [...d.querySelectorAll('figure.chart svg text')];
              r.texts = texts.length;
              r.smallestFont = 1e9;
              for (const t of texts) {
                // The drawn size: the font size in user units times the scale of the
                // viewBox (and of any rotation) on the screen.
                const m = t.getScreenCTM();
                const px = parseFloat(w.getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
                if (px < r.smallestFont) { r.smallestFont = px; r.smallestText = t.textContent; }
              }
              const body = w.getComputedStyle(d.body);
              r.background = body.backgroundColor;
              r.color = body.color;
              r.chartText = texts.length ? w.getComputedStyle(texts[0]).fill : '';
              const line = d.querySelector('figure.chart svg line');
              r.chartLine = line ? w.getComputedStyle(line).stroke : '';
              const bar = d.querySelector('figure.chart svg .bar');
              r.barFill = bar ? w.getComputedStyle(bar).fill : '';
              r.header = d.querySelector('.doc-script').textContent;
              const out = document.createElement('pre');
              out.id = 'measurements';
              out.textContent = JSON.stringify(r);
              document.body.appendChild(out);
            });
            </script>
            </body></html>
            """#
        let measuring = folder.appendingPathComponent(dark ? "measure-dark.html" : "measure-light.html")
        try wrapper.replacingOccurrences(of: "PAGE", with: page.lastPathComponent)
            .write(to: measuring, atomically: true, encoding: .utf8)
        let scheme = dark ? ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] : ["--blink-settings=preferredColorScheme=1"]
        let run = try chromium(
            ["--dump-dom", "--allow-file-access-from-files", "--window-size=800,1300"] + scheme, page: measuring, in: folder)
        let dom = run.stdout
        guard let start = dom.range(of: "<pre id=\"measurements\">"),
              let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            Issue.record("no measurements in the page: \(run.stderr)")
            return [:]
        }
        let json = dom[start.upperBound..<end.lowerBound]
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// Charts on a phone: they fit the 375 px page, their labels are at least 10 px high,
    /// the dark scheme switches page and chart colours, and the header names the script
    /// without the folders of the machine that rendered it.
    @Test func chartsFitAPhoneInLightAndDark() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("charts.crmq")
        try """
            -- # Charts on a phone
            customers | count by region | chart bar region, n title "Customers by region"

            customers | summarize retention = retention_rate(), share = count() / 5000.0 by satisfaction | chart line satisfaction, retention, share

            transactions | chart histogram amount bins 20

            transactions | summarize revenue = sum(amount) by m = date_trunc("month", date) | chart line m, revenue

            """.write(to: script, atomically: true, encoding: .utf8)
        // Given by its absolute path from another folder: the page names just the file.
        let page = folder.appendingPathComponent("charts.html")
        let r = try Binary.run(["notebook", script.path, "-o", page.path], in: Binary.packageRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains(folder.path), "the page shows the folder it was rendered in")

        let light = try Self.measure(page, in: folder, dark: false)
        let dark = try Self.measure(page, in: folder, dark: true)
        for m in [light, dark] {
            #expect(m["header"] as? String == "charts.crmq")
            let viewport = try #require(m["viewport"] as? Double)
            #expect(viewport == 375)
            #expect((m["scrollWidth"] as? Double ?? .infinity) <= viewport, "the page scrolls sideways")
            let charts = try #require(m["charts"] as? [[String: Any]])
            #expect(charts.count == 4)
            for chart in charts {
                #expect(chart["widthAttribute"] as? String == "100%")
                #expect((chart["viewBox"] as? String)?.hasPrefix("0 0 ") == true)
                let left = try #require(chart["left"] as? Double), right = try #require(chart["right"] as? Double)
                #expect(left >= 0 && right <= viewport, "a chart overflows the page: \(left)...\(right)")
                #expect((chart["width"] as? Double ?? 0) > 300, "a chart is not as wide as the page")
            }
            #expect((m["texts"] as? Double ?? 0) > 40)
            let smallest = try #require(m["smallestFont"] as? Double)
            #expect(smallest >= 10, "'\(m["smallestText"] ?? "")' is drawn \(smallest) px high")
        }
        // The dark scheme changes the page and the chart's text, lines and marks.
        for key in ["background", "color", "chartText", "chartLine", "barFill"] {
            let l = light[key] as? String, d = dark[key] as? String
            #expect(l != nil && !(l ?? "").isEmpty && l != d, "\(key): light \(l ?? "-"), dark \(d ?? "-")")
        }
        #expect(light["background"] as? String == "rgb(255, 255, 255)")
        #expect(dark["background"] as? String == "rgb(13, 17, 23)")
        #expect(dark["chartText"] as? String == dark["color"] as? String, "chart text follows the page's text colour")

        // Screenshots at 375 px in both schemes (what a reader sees; not blank).
        for (name, scheme) in [("light", ["--blink-settings=preferredColorScheme=1"]),
                               ("dark", ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"])] {
            let shot = folder.appendingPathComponent(name + ".png")
            let run = try Self.chromium(["--screenshot=" + shot.path, "--window-size=375,1200"] + scheme, page: page, in: folder)
            #expect(run.status == 0)
            let png = try Data(contentsOf: shot)
            #expect(Self.pngSize(png).map { $0.width == 375 } == true)
            #expect(png.count > 20_000, "the \(name) screenshot looks blank")
        }
    }

    /// The header and footer name the script as it was given on the command line.
    @Test func theHeaderNamesTheScriptAsGiven() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("rfm.html").path
        let r = try Binary.run(["notebook", "examples/03_rfm.crmq", "-o", page], in: Binary.packageRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<span class=\"doc-script\">examples/03_rfm.crmq</span>"))
        #expect(!html.contains(Binary.packageRoot.path))
        // An absolute path inside the current folder is shown relative to it.
        let absolute = Binary.packageRoot.appendingPathComponent("examples/03_rfm.crmq").path
        let a = try Binary.run(["notebook", absolute, "-o", page], in: Binary.packageRoot)
        #expect(a.status == 0)
        let again = try String(contentsOfFile: page, encoding: .utf8)
        #expect(again.contains("<span class=\"doc-script\">examples/03_rfm.crmq</span>"))
        #expect(!again.contains(Binary.packageRoot.path))
    }
}
