import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM

// The session commands (`.tables`, `.read`, ...).
extension Session {
    /// The session commands and what they do, for `.help` and completion.
    public static let dotCommands: [(name: String, usage: String, summary: String)] = [
        ("help", ".help", "list the session commands"),
        ("tables", ".tables", "list the tables and let-bound results with their sizes and memory"),
        ("schema", ".schema [table]", "the columns and types of one table, or of all"),
        ("mode", ".mode table|csv|json|markdown", "how results are written"),
        ("timer", ".timer on|off", "print how long each statement took"),
        ("read", ".read FILE.crmq", "run a script in this session"),
        ("output", ".output [FILE]", "write results to a file; alone, back to the screen"),
        ("history", ".history", "list the statements entered in the REPL, oldest first"),
        ("quit", ".quit", "leave crmq (also .exit)"),
    ]

    func dotCommand(
        _ name: String, _ arguments: [String], statement: Statement, file: SourceFile
    ) throws -> Outcome {
        func usage() -> Diagnostic {
            let u = Self.dotCommands.first { $0.name == name }?.usage ?? "." + name
            return Diagnostic(SessionMessage.commandUsage(u), in: file, at: statement.range)
        }
        switch name {
        case "help":
            return .help(Help.dotCommandsText)
        case "tables":
            guard arguments.isEmpty else { throw usage() }
            if let database = remote { return .table(remoteTablesTable(database)) }
            return .table(tablesTable())
        case "schema":
            guard arguments.count <= 1 else { throw usage() }
            if let t = arguments.first, tableSchema(t) == nil {
                throw Diagnostic(
                    SessionMessage.unknownTable(t), in: file, at: statement.range,
                    notes: [Note(Suggestions.note(for: t, among: tableNames, kind: "table"))])
            }
            if let database = remote { return .table(remoteSchemaTable(arguments.first, database)) }
            return .table(try schemaTable(arguments.first))
        case "mode":
            guard arguments.count == 1, let mode = OutputMode(rawValue: arguments[0].lowercased()) else { throw usage() }
            return .display(.mode(mode))
        case "timer":
            guard arguments.count == 1, ["on", "off"].contains(arguments[0].lowercased()) else { throw usage() }
            return .display(.timer(arguments[0].lowercased() == "on"))
        case "output":
            guard arguments.count <= 1 else { throw usage() }
            return .display(.output(path: arguments.first))
        case "history":
            guard arguments.isEmpty else { throw usage() }
            return .display(.history)
        case "quit", "exit":
            quitRequested = true
            return .display(.quit)
        default:
            let names = Self.dotCommands.map { "." + $0.name }
            throw Diagnostic(
                SessionMessage.unknownCommand("." + name), in: file, at: statement.range,
                notes: [Note(Suggestions.note(for: "." + name, among: names, kind: "command"))])
        }
    }

    /// `.read FILE`: runs the script in this session, its results reported as they come.
    func read(
        _ arguments: [String], statement: Statement, file: SourceFile, emit: (StatementResult) -> Void
    ) throws -> Step {
        guard arguments.count == 1 else {
            throw Diagnostic(SessionMessage.commandUsage(".read FILE.crmq"), in: file, at: statement.range)
        }
        let path = arguments[0]
        guard readDepth < 16 else {
            throw Diagnostic(SessionMessage.readTooDeep, in: file, at: statement.range)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(SessionMessage.cannotRead(path), in: file, at: statement.range)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(SessionMessage.notUTF8(path), in: file, at: statement.range)
        }
        readDepth += 1
        defer { readDepth -= 1 }
        return run(SourceFile(name: path, text: text), emit: emit) ? .shown : .stopped
    }
}
