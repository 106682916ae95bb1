import Foundation
import Testing

/// The command line as users call it: exit statuses, output formats, scripts, errors.
@Suite struct CommandLineTests {
    let data = ["--data", Binary.demo]

    @Test func oneStatementWithDashC() throws {
        let r = try Binary.run(data + ["-c", "customers | count"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("   n\n"))
        #expect(r.stderr == "")
    }

    @Test func aStatementMayStartWithAMinus() throws {
        let r = try Binary.run(data + ["-c", "-1 + 2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "1\n")
    }

    @Test func csvFormatCarriesFullPrecision() throws {
        let r = try Binary.run(data + ["--format", "csv", "-c", "1 / 3"])
        #expect(r.status == 0)
        #expect(r.stdout == "0.3333333333333333\n")
    }

    @Test func jsonFormat() throws {
        let r = try Binary.run(data + ["--format", "json", "-c", "customers | count"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\"n\":"))
    }

    /// `crmq help TOPIC` prints what `help TOPIC` prints in a session; several words are one topic.
    @Test func helpTopicFromTheCommandLine() throws {
        let r = try Binary.run(["help", "share", "of", "wallet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("share_of_wallet — "))
        let inSession = try Binary.run(data + ["-c", "help share of wallet"])
        #expect(r.stdout == inSession.stdout)
        let tenC = try Binary.run(["help", "10C"])
        #expect(tenC.status == 0)
        #expect(tenC.stdout.hasPrefix("ten_c — "))
    }

    @Test func unknownHelpTopicExitsOneWithDidYouMean() throws {
        let r = try Binary.run(["help", "share_of_walet"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("no help topic 'share_of_walet'"))
        #expect(r.stderr.contains("did you mean 'share_of_wallet'?"))
    }

    /// `crmq help run` still shows the usage of the subcommand, as swift-argument-parser's own
    /// help subcommand did; `crmq help` alone shows the usage and the topics.
    @Test func helpOfASubcommandAndAlone() throws {
        let run = try Binary.run(["help", "run"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("USAGE: crmq run"))
        let alone = try Binary.run(["help"])
        #expect(alone.status == 0)
        #expect(alone.stdout.contains("USAGE: crmq"))
        #expect(alone.stdout.contains("CRM concepts:"))
    }

    /// `--data` on a folder without transactions.csv: asking for a computed column says which
    /// table it needs instead of calling it unknown.
    @Test func computedColumnWithoutTransactionsNamesTheTable() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(
            atPath: Binary.demo + "/customers.csv", toPath: dir.appendingPathComponent("customers.csv").path)
        let r = try Binary.run(["--data", dir.path, "-c", "customers | count by loyalty_stage"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix(
            "<command>:1:22: error: 'loyalty_stage' is a computed column of customers and needs the transactions table, which is not loaded"))
        #expect(r.stderr.contains("--data on a folder that has transactions.csv"))
        #expect(!r.stderr.contains("unknown column"))
        // Columns made from customers alone are still there.
        let nps = try Binary.run(["--data", dir.path, "-c", "customers | count by nps_group"])
        #expect(nps.status == 0, "\(nps.stderr)")
        let settings = try Binary.run(["--data", dir.path, "-c", "set"])
        #expect(settings.stdout.contains("none: no transactions loaded"))
    }

    @Test func errorInDashCExitsOneWithLocation() throws {
        let r = try Binary.run(data + ["-c", "customers | where satisfation > 8"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("<command>:1:19: error: unknown column 'satisfation'"))
        #expect(r.stderr.contains("did you mean 'satisfaction'?"))
    }

    @Test func runStopsAtTheFirstErrorWithFileLineColumn() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("report.crmq")
        try """
            -- counts
            customers | count
            customers | sort nmae
            customers | count
            """.write(to: script, atomically: true, encoding: .utf8)
        let r = try Binary.run(data + ["run", script.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("\(script.path):3:18: error: unknown column 'nmae'"))
        // The first statement ran; the last did not.
        #expect(r.stdout.components(separatedBy: "   n\n").count == 2)
    }

    @Test func runReportsEveryParseErrorAndRunsNothing() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("bad.crmq")
        try "customers | count\ncustomers | wher x\ncustomers | selec y\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try Binary.run(data + ["run", script.path])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("bad.crmq:2:13: error:"))
        #expect(r.stderr.contains("bad.crmq:3:13: error:"))
    }

    @Test func missingScriptFile() throws {
        let r = try Binary.run(data + ["run", "/nonexistent/x.crmq"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent/x.crmq"))
    }

    @Test func standardInputIsAScript() throws {
        let r = try Binary.run(data, stdin: "let n = 2\ncustomers | take n | count\n")
        #expect(r.status == 0)
        #expect(r.stdout.contains("2"))
        #expect(!r.stdout.contains("crmq>"))
    }

    @Test func standardInputStopsAtErrorWithStatusOne() throws {
        let r = try Binary.run(data, stdin: "customers | count\nnosuchtable | count\ncustomers | count\n")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("<stdin>:2:1: error: unknown table 'nosuchtable'"))
    }

    /// Standard input that is not UTF-8 is refused, as 'run FILE' refuses such a file,
    /// instead of being decoded lossily.
    @Test func standardInputThatIsNotUTF8IsAnError() throws {
        // "customers | count" then a Latin-1 'é' (0xE9) in a string.
        let bytes = Data("customers | count\nlet s = \"caf".utf8) + Data([0xE9]) + Data("\"\n".utf8)
        let r = try Binary.run(data, stdinBytes: bytes)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "<stdin>: error: standard input is not UTF-8 text\n")
    }

    /// `;` ends a session command on the command line too.
    @Test func semicolonAfterASessionCommand() throws {
        let r = try Binary.run(data + ["-c", ".mode csv; customers | count"])
        #expect(r.status == 0)
        #expect(r.stdout == "n\n5000\n")
        let tables = try Binary.run(data + ["-c", ".tables; customers | count"])
        #expect(tables.status == 0)
        #expect(tables.stderr.isEmpty)
    }

    @Test func helpAndVersion() throws {
        let help = try Binary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE"))
        #expect(help.stdout.contains("Exit status"))
        let version = try Binary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func usageErrorExitStatus() throws {
        let r = try Binary.run(["--format", "yaml", "-c", "1"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("yaml"))
    }

    @Test func dataFolderWithBadCSVNamesTheCell() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a,b\n1,2\n3\n".write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let r = try Binary.run(["--data", dir.path, "-c", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("t.csv:3:"))
    }

    @Test func saveWritesAtomicallyAndLoadReadsItBack() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Binary.run(
            data + ["-c", "save (customers | where customer_id <= 3) to \"few.csv\"; load \"few.csv\"; few | count"],
            in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("3"))
        let written = try String(contentsOf: dir.appendingPathComponent("few.csv"), encoding: .utf8)
        #expect(written.hasPrefix("customer_id,"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["few.csv"])
    }

    @Test func defaultDataIsTheShippedSample() throws {
        let r = try Binary.run(["-c", ".tables"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("customers"))
        #expect(r.stdout.contains("transactions"))
    }

    @Test func quitInAScriptStopsWithStatusZero() throws {
        let r = try Binary.run(data, stdin: "customers | count\n.quit\nnosuchtable\n")
        #expect(r.status == 0)
        #expect(r.stderr == "")
    }

    /// The contract's chart example on the demo data fits 80 and 120 columns (COLUMNS when
    /// standard output is no terminal) and has its axes; other formats print the rows.
    @Test(arguments: [80, 120])
    func contractChartFitsTheTerminal(_ width: Int) throws {
        let query = "customers | summarize retention = retention_rate() by satisfaction | chart line satisfaction, retention"
        let r = try Binary.run(data + ["-c", query], environment: ["COLUMNS": String(width)])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "retention")
        #expect(lines.last?.trimmingCharacters(in: .whitespaces) == "satisfaction")
        #expect(lines.allSatisfy { $0.count <= width })
        #expect(lines.contains { $0.count > width - 10 }, "uses the width")
        #expect(lines[lines.count - 2].split(separator: " ") == (1...10).map { Substring(String($0)) })
        #expect(!r.stdout.contains("\u{1B}["), "no colour off a terminal")
        let csv = try Binary.run(data + ["--format", "csv", "-c", query])
        #expect(csv.stdout.hasPrefix("satisfaction,retention\n1,"))
    }
}
