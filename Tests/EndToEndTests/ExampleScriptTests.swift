import Foundation
import Testing

/// The teaching scripts of `examples/`, run as a teacher runs them: `crmq run FILE` on the
/// shipped sample data. Each must finish (exit 0), print results, and report no error.
@Suite struct ExampleScriptTests {
    static let folder = Binary.packageRoot.appendingPathComponent("examples")

    static func scripts() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".crmq") }.sorted()
    }

    @Test func thereAreTheNineScripts() throws {
        let names = try Self.scripts()
        #expect(names.count >= 9, "\(names)")
        for n in names {
            #expect(n.wholeMatch(of: /[0-9]{2}_[a-z0-9_]+\.crmq/) != nil, "\(n): name it NN_topic.crmq")
        }
        let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
        for n in names { #expect(readme.contains(n), "examples/README.md does not list \(n)") }
    }

    @Test("example script runs", arguments: try scripts())
    func runs(_ name: String) throws {
        // No --data: the scripts run on the data crmq opens by default.
        let r = try Binary.run(["run", "examples/" + name], in: Binary.packageRoot)
        #expect(r.status == 0, "\(name) exited \(r.status):\n\(r.stderr)")
        #expect(!r.stderr.contains("error:"), "\(name):\n\(r.stderr)")
        #expect(!r.stderr.contains("warning:"), "\(name):\n\(r.stderr)")
        #expect(r.stdout.contains(" row"), "\(name) printed no table")
    }

    /// Every statement has prose: the comment lines above it say what it shows.
    @Test("example script explains every statement", arguments: try scripts())
    func explained(_ name: String) throws {
        let lines = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            .components(separatedBy: "\n")
        #expect(lines.first?.hasPrefix("-- # ") == true, "\(name) starts with a '-- # Title' line")
        var previous = ""
        var unexplained: [Int] = []
        for (i, line) in lines.enumerated() {
            let starts = !line.isEmpty && !line.hasPrefix("--") && !line.hasPrefix("|") && !line.hasPrefix(" ")
            // A statement right after a blank line needs a comment somewhere above it in its block.
            if starts, previous.isEmpty {
                unexplained.append(i + 1)
            }
            if !line.hasPrefix("|") && !line.hasPrefix(" ") { previous = line }
        }
        #expect(unexplained.isEmpty, "\(name): statements without prose above them at lines \(unexplained)")
    }
}
