import Foundation
import Testing
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

func read(_ text: String) throws -> Table {
    try CSVReader.read(bytes: Array(text.utf8), path: "t.csv")
}

func readBytes(_ bytes: [UInt8]) throws -> Table {
    try CSVReader.read(bytes: bytes, path: "t.csv")
}

/// The diagnostic reading `text` throws, or nil.
func failure(_ text: String) -> Diagnostic? {
    failure(bytes: Array(text.utf8))
}

func failure(bytes: [UInt8]) -> Diagnostic? {
    do {
        _ = try CSVReader.read(bytes: bytes, path: "t.csv")
        return nil
    } catch {
        return error
    }
}

/// "line:column" of a diagnostic at a place in a file.
func place(_ d: Diagnostic?) -> String {
    guard case .file(let path, let line, let column)? = d?.location else { return "no file location" }
    return "\(path):\(line):\(column)"
}

func values(_ t: Table, _ column: String) -> [Value] {
    let c = t.column(named: column)!
    return (0..<t.rowCount).map { c.value(at: $0) }
}

func types(_ t: Table) -> [DataType] { t.schema.fields.map(\.type) }

/// A fresh empty folder, removed when the test's scope ends.
final class TempFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "crmq-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
