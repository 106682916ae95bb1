import Foundation
import Testing

/// The examples of README.md and docs/tour.md run as written on the demo data: every
/// plain ``` block (not ```sh or ```text) that is not a shell transcript.
@Suite struct DocumentationExampleTests {
    static func blocks(in file: String) throws -> [(line: Int, code: String)] {
        let text = try String(contentsOf: Binary.packageRoot.appendingPathComponent(file), encoding: .utf8)
        var blocks: [(Int, String)] = []
        var current: [String]? = nil
        var inTagged = false
        var start = 0
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            guard line.hasPrefix("```") else {
                current?.append(line)
                continue
            }
            if inTagged {
                inTagged = false
            } else if let lines = current {
                blocks.append((start, lines.joined(separator: "\n")))
                current = nil
            } else if line == "```" {
                current = []
                start = i + 1
            } else {
                inTagged = true  // ```sh, ```text: not crmq to run
            }
        }
        return blocks.filter { $0.0 > 0 && !$0.1.hasPrefix("crmq>") }
    }

    @Test(arguments: ["README.md", "docs/tour.md"])
    func examplesRun(_ file: String) throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let found = try Self.blocks(in: file)
        #expect(!found.isEmpty)
        for (line, code) in found {
            let r = try Binary.run(["--data", Binary.demo], stdin: code + "\n", in: dir)
            #expect(r.status == 0, "\(file):\(line): the example fails:\n\(code)\n\(r.stderr)")
        }
    }
}
