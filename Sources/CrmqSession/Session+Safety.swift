import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM

// Safe mode (docs/safety.md).
extension Session {
    /// Refuses, in safe mode, a statement that would read or write a file it may not, or
    /// lift safe mode or its limits (docs/safety.md).
    func checkSafe(_ checked: CheckedStatement, statement: Statement, file: SourceFile) throws {
        guard let sandbox else { return }
        func refuse(_ reason: String) -> Diagnostic {
            Diagnostic(
                SessionMessage.refusedInSafeMode(statement: Self.statementText(statement, in: file), reason: reason),
                in: file, at: statement.range)
        }
        let outside = "it reads outside the folders allowed (\(sandbox.foldersText))"
        let written = sandbox.writeFiles.isEmpty
            ? "no file may be written but a notebook or the --output named on the command line"
            : "no file may be written but the --output named on the command line (\(sandbox.writeFiles.joined(separator: ", ")))"
        switch checked {
        case .load(let path, _):
            guard sandbox.mayRead(path) else { throw refuse(outside) }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                // Each CSV in the folder, which may be a link to somewhere else.
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                for name in names where !name.hasPrefix(".") && name.lowercased().hasSuffix(".csv") {
                    if !sandbox.mayRead(path + "/" + name) {
                        throw refuse("'\(name)' in it leads outside the folders allowed (\(sandbox.foldersText))")
                    }
                }
            }
        case .save(_, let path):
            guard sandbox.mayWrite(path) else { throw refuse(written) }
        case .connect:
            throw refuse("a script in safe mode may not reach a database or anything else on the network")
        case .dotCommand("read", let arguments):
            if let path = arguments.first, arguments.count == 1, !sandbox.mayRead(path) { throw refuse(outside) }
        case .dotCommand("output", let arguments):
            if let path = arguments.first, arguments.count == 1, !sandbox.mayWrite(path) { throw refuse(written) }
        case .set(let name, let expr):
            if name == "safe" {
                if try evaluateScalar(expr) == .bool(true) { return }
                throw refuse("safe mode cannot be turned off")
            }
            if name == "memory_limit", let ceiling = safeMemoryCeiling {
                let value = try evaluateScalar(expr)
                if let budget = MemoryLimit.parse(value).budget, budget.bytes > ceiling.bytes {
                    throw refuse("memory_limit cannot be raised above \(MemoryBudget.describe(ceiling.bytes))")
                }
            }
        default:
            break
        }
    }

    /// The statement as the error quotes it: its first line, shortened.
    static func statementText(_ statement: Statement, in file: SourceFile) -> String {
        var text = file.text(of: statement.range).trimmingCharacters(in: .whitespacesAndNewlines)
        if let newline = text.firstIndex(of: "\n") { text = String(text[..<newline]) + " …" }
        if text.count > 60 { text = String(text.prefix(57)) + "…" }
        return text
    }
}
