import CrmqSource
import CrmqDiagnostics
import CrmqSemantics

/// What can go wrong while a checked plan runs. Type errors cannot happen here (the
/// checker ruled them out); these depend on the data.
public enum EngineError: Error, Sendable, Equatable {
    /// The user (Ctrl-C) or a caller stopped the statement.
    case cancelled
    /// A data-dependent failure at an expression's source range.
    case runtime(EngineMessage, range: SourceRange)
    /// A table the plan scans is gone (dropped since checking).
    case missingTable(String)
    /// A limit (`MemoryBudget`) the statement would exceed; nothing in it is at fault, so the
    /// session reports it at the whole statement.
    case limit(EngineMessage)
    /// A table function found its data unfit as a whole (a model over a constant column);
    /// the plan keeps no range for it, so the session reports it at the whole statement.
    case data(EngineMessage)
}

/// Runtime error messages of the engine.
public enum EngineMessage: DiagnosticMessage, Equatable {
    case integerOverflow(operation: String)
    case invalidDate(text: String)
    case invalidDateParts(year: Int64, month: Int64, day: Int64)
    /// A date computed outside 0000-01-01 ... 9999-12-31.
    case dateOutOfRange
    case invalidPercentile(Double)
    case invalidBinWidth
    /// A step would need more memory than the budget (`set memory_limit`).
    case memoryLimit(operation: String, rows: Int, bytes: Int, limit: Int)
    /// What a table function says is wrong with the data it was given, naming the culprit.
    case tableFunction(String)

    public var id: String {
        switch self {
        case .integerOverflow: "run.integer-overflow"
        case .invalidDate: "run.invalid-date"
        case .invalidDateParts: "run.invalid-date-parts"
        case .dateOutOfRange: "run.date-out-of-range"
        case .invalidPercentile: "run.invalid-percentile"
        case .invalidBinWidth: "run.invalid-bin-width"
        case .memoryLimit: "run.memory-limit"
        case .tableFunction: "run.table-function"
        }
    }

    public var message: String {
        switch self {
        case .integerOverflow("int"): "the number is outside the range of int (64-bit whole numbers)"
        case .integerOverflow(let op): "integer overflow in '\(op)'; cast to double with double(x) for larger values"
        case .invalidDate(let t): "'\(t)' is not a date; dates are written YYYY-MM-DD"
        case .invalidDateParts(let y, let m, let d):
            "\(y)-\(m < 10 && m >= 0 ? "0" : "")\(m)-\(d < 10 && d >= 0 ? "0" : "")\(d) is not a calendar date"
        case .dateOutOfRange: "date out of range: dates run from 0000-01-01 to 9999-12-31"
        case .invalidPercentile(let p): "percentile \(p) is outside 0 to 1"
        case .invalidBinWidth: "bin width must be greater than 0"
        case .tableFunction(let message): message
        case .memoryLimit(let operation, let rows, let bytes, let limit):
            "\(operation) would make \(rows.grouped) rows (about \(MemoryBudget.describe(bytes))), "
                + "more than the memory limit of \(MemoryBudget.describe(limit)); "
                + "narrow it first, or raise the limit with 'set memory_limit'"
        }
    }
}

