import Foundation
import Testing

/// The limits of docs/safety.md against the real binary: Ctrl-C stops a huge join and the
/// session lives on, safe mode in the shell, charts of extreme values, a huge COLUMNS.
@Suite struct LimitsTests {
    typealias Shell = InteractiveShellTests.Shell

    @Test func ctrlCStopsAHugeJoinAndTheLetResultsStay() throws {
        let shell = try Shell(data: Binary.demo)
        try shell.run("let keep = 42")
        // No limit, so the 539-million-row join runs until it is stopped; the progress line
        // (after 2 s) says it is running.
        try shell.run("set memory_limit = \"none\"")
        shell.terminal.sendLine("transactions | join transactions on category | count")
        try shell.terminal.expect("s (Ctrl-C cancels)", timeout: 60)
        shell.terminal.send(PseudoTerminal.ctrlC)
        try shell.terminal.expect("error: cancelled", timeout: 30)
        try shell.terminal.expect("\n" + InteractiveShellTests.prompt)
        let out = try shell.run("keep")
        #expect(out.contains("42") && !out.contains("error"), "\(out)")
        #expect(try shell.quit() == 0)
    }

    @Test func underALimitTheSameJoinFailsAtOnceSayingHowManyRows() throws {
        let r = try Binary.run(
            ["--data", Binary.demo, "-c", "set memory_limit = \"1GB\"; transactions | join transactions on category | count"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: the join would make 539,486,135 rows"), "\(r.stderr)")
    }

    @Test func theSafeShellSkipsTheInitFileAndWritesNoHistory() throws {
        let home = try Binary.temporaryFolder()
        try "set max_rows = 3\n".write(to: home.appendingPathComponent(".crmqrc"), atomically: true, encoding: .utf8)
        let shell = try Shell(home: home, arguments: ["--safe"])
        let out = try shell.run("set")
        #expect(out.contains("max_rows                40"), "\(out)")
        let refused = try shell.run("load \"/etc/passwd\"")
        #expect(refused.contains("error: safe mode refuses 'load \"/etc/passwd\"'"), "\(refused)")
        #expect(try shell.quit() == 0)
        #expect(!FileManager.default.fileExists(atPath: shell.historyFile.path))
    }

    static let extremeCharts = [
        "customers | extend v = 1.5e308 | chart line customer_id, v",
        "customers | extend v = 4.9e-324 | chart histogram v",
        "customers | extend v = 4.9e-324 | chart histogram v bins 20",
        "customers | take 3 | extend v = 1.5e308 * (customer_id - 2) | chart bar name, v",
        "customers | take 3 | extend v = 4.9e-324 * customer_id | chart histogram v",
        "customers | extend v = if(customer_id % 2 == 0, -1.7e308, 1.7e308) | chart histogram v bins 20",
        "customers | take 11 | extend v = 1e15 + customer_id | chart line v, v",
    ]

    @Test("a chart of extreme values is drawn, at any width", arguments: extremeCharts)
    func extremeChart(_ statement: String) throws {
        for columns in ["1", "10", "80", "9223372036854775807"] {
            let r = try Binary.run(["--data", Binary.demo, "-c", statement], environment: ["COLUMNS": columns])
            #expect(r.status == 0, "COLUMNS=\(columns): \(r.stderr)")
            #expect(r.stdout.contains("└"), "an axis at COLUMNS=\(columns):\n\(r.stdout)")
            #expect(!r.stdout.contains("nan") && !r.stdout.contains("inf"), "\(r.stdout)")
            let widest = r.stdout.split(separator: "\n").map(\.count).max() ?? 0
            #expect(widest <= max(30, min(Int(columns) ?? 80, 1000)), "COLUMNS=\(columns):\n\(r.stdout)")
        }
    }

    @Test func aNotebookThatMeetsExtremeValuesDrawsThem() throws {
        let folder = try Binary.temporaryFolder()
        let script = Self.extremeCharts.joined(separator: "\n") + "\ncustomers | count\n"
        try script.write(to: folder.appendingPathComponent("x.crmq"), atomically: true, encoding: .utf8)
        let cells = Self.extremeCharts.count + 1
        for out in ["x.html", "x.md"] {
            let r = try Binary.run(["notebook", "x.crmq", "-o", out, "--data", Binary.demo], in: folder)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("wrote \(out): \(cells) cells\n"), "\(r.stderr)")
            let document = try String(contentsOf: folder.appendingPathComponent(out), encoding: .utf8)
            #expect(!document.contains("cannot draw"), "no error cell")
            if out == "x.html" {
                #expect(document.components(separatedBy: "<svg").count - 1 == Self.extremeCharts.count)
                #expect(document.contains("1.5e308") && document.contains("4.5e-324"))
            } else {
                #expect(document.contains("1.50e308 ┤") && document.contains("4.5e-324–5.0e-324"))
            }
        }
    }

    @Test func aHugeCOLUMNSDrawsAChartOfAtMost1000Columns() throws {
        let r = try Binary.run(
            ["--data", Binary.demo, "-c", "customers | chart histogram satisfaction"],
            environment: ["COLUMNS": "9223372036854775807"])
        #expect(r.status == 0, "\(r.stderr)")
        let widest = r.stdout.split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest > 100 && widest <= 1000)
    }
}
