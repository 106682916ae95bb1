import CrmqSource

/// How serious a diagnostic is.
public enum Severity: String, Sendable {
    case error, warning, note
}

/// Where a diagnostic points: a range of crmq source, a cell of a data file, or nowhere.
public enum Location: Sendable {
    /// A range in crmq source text.
    case source(SourceFile, SourceRange)
    /// A place in a data file: 1-based physical line and column (column in characters).
    case file(path: String, line: Int, column: Int)
    /// A file as a whole (cannot be opened, is a folder with no CSV files, ...).
    case path(String)
}

/// A typed message from one stage. Each stage declares its messages in one file
/// (`ParserMessages.swift`, `CheckerMessages.swift`, ...) as an enum conforming to this.
public protocol DiagnosticMessage: Sendable {
    /// A stable id such as `parse.expected-expression`, usable in tests and docs.
    var id: String { get }
    /// The message text: lower-case start, no final period, culprits in single quotes.
    var message: String { get }
}

/// A secondary remark attached to a diagnostic, optionally with its own location.
public struct Note: Sendable {
    public var message: String
    public var location: Location?
    public init(_ message: String, at location: Location? = nil) {
        self.message = message
        self.location = location
    }
}

/// A suggested edit: replace `range` of the diagnostic's source with `replacement`.
public struct FixIt: Sendable {
    public var range: SourceRange
    public var replacement: String
    public init(range: SourceRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// One problem found by any stage: a value, rendered elsewhere (CrmqRendering).
public struct Diagnostic: Error, Sendable {
    public var id: String
    public var severity: Severity
    public var message: String
    public var location: Location?
    public var notes: [Note]
    public var fixIts: [FixIt]

    public init(
        id: String, severity: Severity = .error, message: String, location: Location? = nil,
        notes: [Note] = [], fixIts: [FixIt] = []
    ) {
        self.id = id
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
        self.fixIts = fixIts
    }

    public init(
        _ message: some DiagnosticMessage, severity: Severity = .error, at location: Location? = nil,
        notes: [Note] = [], fixIts: [FixIt] = []
    ) {
        self.init(
            id: message.id, severity: severity, message: message.message, location: location,
            notes: notes, fixIts: fixIts)
    }

    /// The same diagnostic in `file` at `range`.
    public init(
        _ message: some DiagnosticMessage, in file: SourceFile, at range: SourceRange,
        notes: [Note] = [], fixIts: [FixIt] = []
    ) {
        self.init(message, at: .source(file, range), notes: notes, fixIts: fixIts)
    }
}

/// Several diagnostics thrown together (a parse with several independent errors).
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
