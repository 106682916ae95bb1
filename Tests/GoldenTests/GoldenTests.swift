import Foundation
import Testing
import CrmqEngine
import CrmqLoading
import CrmqSession
import CrmqRendering

/// Runs every golden file and compares what crmq prints with the expectation.
@Suite(.serialized)
struct GoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let casesFolder = root.appendingPathComponent("cases")
    static let dataFolder = root.appendingPathComponent("data")
    static let recording = ProcessInfo.processInfo.environment["CRMQ_GOLDEN_RECORD"] == "1"

    static func files() throws -> [GoldenFile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: casesFolder.path)
            .filter { $0.hasSuffix(".test") }.sorted()
        return try names.map { try GoldenFile(url: casesFolder.appendingPathComponent($0)) }
    }

    /// The fixture tables, read again for every case: a loaded table's compact columns keep
    /// their 64-bit form once a reader widens them (`SmallInts`), so tables shared between
    /// cases would make one case's `.tables` depend on which cases ran before it.
    static var fixtures: [NamedTable] {
        do {
            return try CSVReader.read(folder: dataFolder.path)
        } catch {
            fatalError("cannot load the golden fixtures: \(error)")
        }
    }

    /// What crmq prints for a case's input in a fresh session.
    static func run(_ input: String) -> String {
        // Relative paths in cases (load, save, .read) are relative to the data folder.
        _ = FileManager.default.changeCurrentDirectoryPath(dataFolder.path)
        let session = Session()
        for t in fixtures { session.register(t.table, as: t.name) }
        var out = ""
        let presenter = Presenter { text, _ in out += text }
        session.run(input, name: "query") { presenter.present($0, settings: session.settings) }
        // Timings differ from run to run.
        let timing = #/time: [0-9]+\.[0-9]+ m?s/#
        out = out.replacing(timing, with: "time: <elapsed>")
        return GoldenFile.trimmed(out.components(separatedBy: "\n")).joined(separator: "\n")
    }

    @Test("golden files", arguments: try files())
    func golden(_ file: GoldenFile) throws {
        var actual: [String] = []
        for c in file.cases {
            let output = Self.run(c.input)
            actual.append(output)
            if Self.recording { continue }
            guard let expected = c.expected else {
                Issue.record("\(file):\(c.line) '\(c.name)' has no expected output; run with CRMQ_GOLDEN_RECORD=1")
                continue
            }
            if output != expected {
                Issue.record("""
                    \(file):\(c.line) '\(c.name)' printed something else.
                    --- input
                    \(c.input)
                    --- expected
                    \(expected)
                    --- actual
                    \(output)
                    """)
            }
        }
        if Self.recording {
            try file.rewritten(with: actual).write(to: file.url, atomically: true, encoding: .utf8)
        }
    }

    @Test("there are enough golden cases")
    func enoughCases() throws {
        let count = try Self.files().reduce(0) { $0 + $1.cases.count }
        #expect(count >= 150, "only \(count) golden cases")
    }
}
