import CrmqSource
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// How results are written: the `.mode` command and `--format`.
public enum OutputMode: String, Sendable, CaseIterable {
    case table, csv, json, markdown
}

/// A presentation command the session does not carry out itself: the front end
/// (terminal, golden tests, notebook) applies it to how it draws what follows.
public enum DisplayCommand: Sendable, Equatable {
    case mode(OutputMode)
    /// `.output file` sends results to a file; `.output` alone back to standard output.
    case output(path: String?)
    case timer(Bool)
    /// `.quit`: the session runs nothing more (`Session.quitRequested`).
    case quit
    /// `.history`: the front end lists the statements entered so far (the REPL's history).
    case history
}

/// What one statement produced, in order. The session returns data; front ends draw it.
public enum Outcome: Sendable {
    /// Rows of a query.
    case table(Table)
    /// A query ending in `| chart ...`: the chart, and the rows it was drawn from.
    case chart(Chart, Table)
    /// The value of a scalar expression.
    case value(Value)
    /// A short confirmation or listing ("loaded customers: 5,000 rows, 18 columns").
    case message(String)
    /// Help text (plain text with simple Markdown: headings, code spans, lists).
    case help(String)
    case display(DisplayCommand)
    /// Errors (several for a script with several independent parse errors). The statement,
    /// and in a script everything after it, did not run.
    case diagnostics([Diagnostic])
}

/// One statement's outcome with where it came from and how long it took.
public struct StatementResult: Sendable {
    public var file: SourceFile
    public var range: SourceRange
    public var outcome: Outcome
    public var elapsed: Duration
    /// The comment lines directly above the statement (its prose in a notebook).
    public var prose: [String]
    public init(file: SourceFile, range: SourceRange, outcome: Outcome, elapsed: Duration, prose: [String] = []) {
        self.file = file
        self.range = range
        self.outcome = outcome
        self.elapsed = elapsed
        self.prose = prose
    }

    /// The statement's source text.
    public var source: String { file.text(of: range) }
}

extension Outcome {
    /// Whether this is a presentation command (`.mode`, `.timer`, ...) rather than a result.
    public var isDisplayCommand: Bool {
        if case .display = self { true } else { false }
    }
}
