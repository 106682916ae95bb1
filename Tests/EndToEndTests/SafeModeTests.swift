import Foundation
import Testing

/// `--safe` (docs/safety.md) against the real binary: a matrix of statements a script
/// someone else wrote may and may not run, on every entry point, and the notebook's
/// `--data`. Each case builds its own folders: data/ (a CSV), scripts/ (the script and a
/// CSV beside it), elsewhere/ (a CSV and a script that must stay out of reach) and a
/// link in data/ that points to elsewhere/.
@Suite struct SafeModeTests {
    struct Layout {
        let root: URL
        var data: String { root.appendingPathComponent("data").path }
        var scripts: String { root.appendingPathComponent("scripts").path }
        var elsewhere: String { root.appendingPathComponent("elsewhere").path }

        init() throws {
            root = try Binary.temporaryFolder()
            let fm = FileManager.default
            for folder in ["data", "scripts", "elsewhere"] {
                try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            let csv = "id,name\n1,a\n2,b\n"
            for path in ["data/customers.csv", "scripts/beside.csv", "elsewhere/secret.csv"] {
                try csv.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
            }
            try "customers | count\n".write(to: root.appendingPathComponent("scripts/inner.crmq"), atomically: true, encoding: .utf8)
            try "customers | count\n".write(to: root.appendingPathComponent("elsewhere/outer.crmq"), atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: data + "/link.csv", withDestinationPath: elsewhere + "/secret.csv")
        }

        /// Runs `statement` as `crmq run --safe --data data/ scripts/case.crmq`.
        func run(_ statement: String, extra: [String] = []) throws -> Binary.Result {
            let script = scripts + "/case.crmq"
            try (statement + "\n").write(toFile: script, atomically: true, encoding: .utf8)
            return try Binary.run(["run", script, "--safe", "--data", data] + extra, in: root)
        }
    }

    /// Statements safe mode runs, with the folder layout above (paths relative to `root`).
    static let allowed: [String] = [
        "customers | count",
        "load \"data/customers.csv\" as c",
        "load \"scripts\"",
        "load \"scripts/beside.csv\"",
        "load \"data/../scripts/beside.csv\"",
        ".read scripts/inner.crmq",
        "set safe = true",
        "set memory_limit = \"10MB\"",
        ".output",
        ".mode csv",
    ]

    /// Statements safe mode refuses, each naming the statement.
    static let refused: [String] = [
        "load \"/etc/passwd\"",
        "load \"elsewhere/secret.csv\"",
        "load \"data/../elsewhere/secret.csv\"",
        "load \"data/link.csv\"",
        "load \"/proc/self/environ\"",
        "save customers to \"data/out.csv\"",
        "save customers to \"/tmp/crmq-safe-test-never.csv\"",
        ".output elsewhere/x.txt",
        ".output data/customers.csv",
        ".read elsewhere/outer.crmq",
        ".read /etc/passwd",
        "set safe = false",
        "set memory_limit = \"none\"",
        "connect \"postgres://someone@127.0.0.1:1/db\"",
    ]

    @Test("safe mode allows", arguments: allowed)
    func allows(_ statement: String) throws {
        let layout = try Layout()
        let result = try layout.run(statement)
        #expect(result.status == 0, "\(statement): \(result.stderr)")
        #expect(!result.stderr.contains("safe.refused") && !result.stderr.contains("refuses"))
    }

    @Test("safe mode refuses", arguments: refused)
    func refuses(_ statement: String) throws {
        let layout = try Layout()
        let result = try layout.run(statement)
        #expect(result.status == 1)
        #expect(result.stderr.contains("case.crmq:1:1: error: safe mode refuses '\(statement)'"), "\(result.stderr)")
        // Nothing was written where it was refused.
        #expect(!FileManager.default.fileExists(atPath: layout.data + "/out.csv"))
        #expect(!FileManager.default.fileExists(atPath: layout.elsewhere + "/x.txt"))
        #expect(try String(contentsOfFile: layout.data + "/customers.csv", encoding: .utf8) == "id,name\n1,a\n2,b\n")
    }

    @Test func loadingAFolderWithALinkOutIsRefused() throws {
        let layout = try Layout()
        try FileManager.default.removeItem(atPath: layout.data + "/link.csv")
        try FileManager.default.createSymbolicLink(
            atPath: layout.scripts + "/out.csv", withDestinationPath: layout.elsewhere + "/secret.csv")
        let result = try layout.run("load \"scripts\"")
        #expect(result.status == 1)
        #expect(result.stderr.contains("'out.csv' in it leads outside the folders allowed"))
    }

    @Test func theOutputNamedOnTheCommandLineIsWrittenAndNothingElse() throws {
        let layout = try Layout()
        let out = layout.root.appendingPathComponent("result.csv").path
        let result = try layout.run(
            // The save comes after `.output` alone: saving onto the open output is refused.
            ".mode csv\ncustomers | count\n.output\nsave (customers | count) to \"result.csv\"\n.output \(out)\ncustomers | count",
            extra: ["--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "n\n2\n")
    }

    @Test func everyEntryPointIsSafe() throws {
        let layout = try Layout()
        let statement = "load \"/etc/passwd\""
        let runs: [Binary.Result] = [
            try Binary.run(["--safe", "--data", layout.data, "-c", statement], in: layout.root),
            try Binary.run(["--data", layout.data, "-c", statement], in: layout.root, environment: ["CRMQ_SAFE": "1"]),
            try Binary.run(["--safe", "--data", layout.data], stdin: statement, in: layout.root),
        ]
        for r in runs {
            #expect(r.status == 1)
            #expect(r.stderr.contains("error: safe mode refuses 'load \"/etc/passwd\"'"), "\(r.stderr)")
        }
        // CRMQ_SAFE=0 is off.
        let off = try Binary.run(["--data", layout.data, "-c", "set safe = false"], in: layout.root, environment: ["CRMQ_SAFE": "0"])
        #expect(off.status == 0, "\(off.stderr)")
        // A notebook in safe mode: the refused statement's cell shows the error, the document is written.
        try (statement + "\n").write(toFile: layout.scripts + "/nb.crmq", atomically: true, encoding: .utf8)
        let notebook = layout.root.appendingPathComponent("nb.md").path
        let nb = try Binary.run(["notebook", layout.scripts + "/nb.crmq", "-o", notebook, "--safe", "--data", layout.data], in: layout.root)
        #expect(nb.status == 1)
        #expect(try String(contentsOfFile: notebook, encoding: .utf8).contains("safe mode refuses"))
    }
    // The shell in safe mode: LimitsTests.theSafeShellSkipsTheInitFileAndWritesNoHistory.
}

/// `crmq notebook` starts as `crmq run` does: `--data`, `--no-data`, the same errors.
@Suite struct NotebookDataTests {
    @Test func notebookHonoursDataAndNoData() throws {
        let folder = try Binary.temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("d"), withIntermediateDirectories: true)
        try "id\n1\n2\n3\n".write(to: folder.appendingPathComponent("d/only.csv"), atomically: true, encoding: .utf8)
        try ".tables\n".write(to: folder.appendingPathComponent("t.crmq"), atomically: true, encoding: .utf8)

        let missing = try Binary.run(["notebook", "t.crmq", "-o", "t.md", "--data", "/nonexistent"], in: folder)
        let runMissing = try Binary.run(["run", "t.crmq", "--data", "/nonexistent"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.stderr == runMissing.stderr)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("t.md").path))

        let data = try Binary.run(["notebook", "t.crmq", "-o", "t.md", "--data", "d"], in: folder)
        #expect(data.status == 0, "\(data.stderr)")
        let md = try String(contentsOf: folder.appendingPathComponent("t.md"), encoding: .utf8)
        #expect(md.contains("| only |") && !md.contains("customers"))

        let none = try Binary.run(["notebook", "t.crmq", "-o", "t.md", "--no-data"], in: folder)
        #expect(none.status == 0, "\(none.stderr)")
        #expect(!(try String(contentsOf: folder.appendingPathComponent("t.md"), encoding: .utf8)).contains("| only |"))
    }
}
