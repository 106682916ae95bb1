import CrmqDiagnostics
import CrmqEngine

/// Errors the session itself reports (commands, files, help, cancellation).
public enum SessionMessage: DiagnosticMessage {
    case cancelled
    case unknownHelpTopic(String)
    case unknownCommand(String)
    case commandUsage(String)
    case unknownTable(String)
    case cannotRead(String)
    case notUTF8(String)
    case readTooDeep
    case aliasForFolder(String)
    case badSetting(String)
    case internalError(String)
    case tooManyBars(Int)
    case tooManyPoints(Int)
    case refusedInSafeMode(statement: String, reason: String)
    case saveOverOutput(String)
    case loadTooLarge(path: String, bytes: Int, need: Int, limit: Int)
    case connection(String)
    case notConnected

    public var id: String {
        switch self {
        case .cancelled: "session.cancelled"
        case .unknownHelpTopic: "session.unknown-help-topic"
        case .unknownCommand: "session.unknown-command"
        case .commandUsage: "session.command-usage"
        case .unknownTable: "session.unknown-table"
        case .cannotRead: "session.cannot-read"
        case .notUTF8: "session.not-utf8"
        case .readTooDeep: "session.read-too-deep"
        case .aliasForFolder: "session.alias-for-folder"
        case .badSetting: "session.bad-setting"
        case .internalError: "session.internal-error"
        case .tooManyBars: "session.chart-too-many-bars"
        case .tooManyPoints: "session.chart-too-many-points"
        case .refusedInSafeMode: "safe.refused"
        case .saveOverOutput: "save.over-output"
        case .loadTooLarge: "load.memory-limit"
        case .connection: "connect.error"
        case .notConnected: "connect.not-connected"
        }
    }

    public var message: String {
        switch self {
        case .cancelled: "cancelled"
        case .connection(let m): m
        case .notConnected: "'explain sql' shows the SQL a connected database would run; connect first with connect \"postgres://user@host/database\""
        case .unknownHelpTopic(let t): "no help topic '\(t)'"
        case .unknownCommand(let c): "unknown command '\(c)'"
        case .commandUsage(let u): "usage: \(u)"
        case .unknownTable(let t): "unknown table '\(t)'"
        case .cannotRead(let p): "cannot read '\(p)': no such file, or not readable"
        case .notUTF8(let p): "'\(p)' is not UTF-8 text"
        case .readTooDeep: "'.read' nested more than 16 deep; does a script read itself?"
        case .aliasForFolder(let p): "'\(p)' is a folder: each CSV in it is named after its file, so 'as' cannot name them"
        case .badSetting(let m): m
        case .internalError(let m): "internal error: \(m) (please report it)"
        case .tooManyBars(let n):
            "'chart bar' draws at most \(ChartBuilder.maxBars) bars, but there are \(Session.count(n, "row"))"
        case .tooManyPoints(let n):
            "'chart line' draws at most \(Session.count(ChartBuilder.maxPoints, "point")), but there are \(Session.count(n, "row"))"
        case .saveOverOutput(let path):
            "cannot save to '\(path)': results are being written to it (.output or --output); save under another name, or end the output with '.output' first"
        case .refusedInSafeMode(let statement, let reason):
            "safe mode refuses '\(statement)': \(reason)"
        case .loadTooLarge(let path, let bytes, let need, let limit):
            "loading '\(path)' (\(MemoryBudget.describe(bytes))) would take about \(MemoryBudget.describe(need)), "
                + "more than the memory limit of \(MemoryBudget.describe(limit)); raise it with 'set memory_limit'"
        }
    }
}
