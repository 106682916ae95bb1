import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM
import CrmqSQL

/// A crmq session: the tables, `let` bindings and settings that statements see, and the
/// one entry point every front end uses (REPL, `crmq run`, `-c`, tests, benchmarks):
/// `run(_:emit:)` takes source text and reports one `StatementResult` per statement.
public final class Session: @unchecked Sendable {
    // @unchecked: a session is used from one thread at a time; only `cancellation`
    // is touched from elsewhere (a signal handler), and it is atomic.

    /// The tables and scalar `let` values (storage and catalog: TableStore, Session+Catalog).
    let store = TableStore()
    /// What runs plans and expressions. The statement loop knows it only as a `Backend`.
    let backend: any Backend
    /// The in-memory engine behind `backend`, told when settings and tables change (its caches).
    let memory: InMemoryBackend
    /// The connected database, whose tables queries read while connected (`connect`;
    /// Session+Connection).
    var remote: RemoteDatabase?

    /// Tables by name: loaded files and `let`-bound query results.
    public var tables: [String: Table] { store.tables }
    /// Table names in the order they were made, for `.tables`.
    public var tableOrder: [String] { store.order }
    /// Names that came from `let` rather than `load` (shown as such by `.tables`).
    public var letNames: Set<String> { store.letNames }
    /// Scalar `let` bindings.
    public var scalars: [String: Value] { store.scalars }
    public var settings = Settings() {
        didSet { memory.settings = settings }
    }
    /// Set to stop the running statement (Ctrl-C); reset before each statement.
    public let cancellation: CancellationFlag
    /// Nesting of `.read`, to refuse a script that reads itself forever.
    var readDepth = 0
    /// Set by `.quit`: no further statement runs, in this script or any that read it.
    public internal(set) var quitRequested = false
    /// Safe mode's limits on files (docs/safety.md); nil outside safe mode. Once set, no
    /// statement can lift it.
    public private(set) var sandbox: Sandbox?
    /// The folder `loadFolder` last loaded (`--data`, or the demo data): safe mode reads from it.
    public internal(set) var dataFolder: String?
    /// Files named on the command line for output (`--output`): the only ones safe mode writes.
    public var commandLineOutputs: [String] = []
    /// Opens database connections for `connect` (the command line gives PostgreSQL's);
    /// nil: `connect` says this crmq cannot connect.
    public var connector: DatabaseConnector?
    /// Whether a path names the file results are being written to (the front end's
    /// `.output` file): a save there would replace it under the open output, and every
    /// later result would go to the file just unlinked.
    public var isCurrentOutput: ((String) -> Bool)?
    /// In safe mode, `memory_limit` may be lowered but not raised above what it was on entry.
    var safeMemoryCeiling: MemoryBudget?

    public init() {
        let cancellation = CancellationFlag()
        self.cancellation = cancellation
        memory = InMemoryBackend(store: store, settings: Settings(), cancellation: cancellation)
        backend = memory
        // Weak both: the backend holds the store, so a strong capture would keep the two
        // alive forever, with every table the session made.
        store.changed = { [weak memory, weak self] name in
            memory?.tableChanged(name)
            // While connected, a name bound in the session is a local table (sent again
            // when a query next mixes it with the database's tables).
            self?.remote?.localNames.insert(name)
            self?.remote?.sent[name] = nil
        }
    }

    /// Turns safe mode on for the rest of the session (`--safe`; `set safe = true`).
    public func enterSafeMode(_ sandbox: Sandbox) {
        if self.sandbox == nil { safeMemoryCeiling = settings.memoryBudget }
        self.sandbox = sandbox
        settings["safe"] = .bool(true)
    }

    /// The folders safe mode reads from when a statement turns it on: the data folder and
    /// the folder of the script the statement is in (none for the REPL and `-c`).
    private func sandboxFor(_ file: SourceFile) -> Sandbox {
        var folders = dataFolder.map { [$0] } ?? []
        if !file.name.hasPrefix("<"), FileManager.default.fileExists(atPath: file.name) {
            folders.append(Sandbox.folder(ofScript: file.name))
        }
        return Sandbox(readFolders: folders, writeFiles: commandLineOutputs)
    }

    // MARK: - Running source

    /// Parses and runs every statement of `file`, reporting each result through `emit`
    /// as it is produced. Stops at the first error (syntax errors are all reported
    /// before anything runs). Returns false when an error stopped it.
    @discardableResult
    public func run(_ file: SourceFile, emit: (StatementResult) -> Void) -> Bool {
        let (script, parseDiagnostics) = Parser.parse(file)
        if !parseDiagnostics.isEmpty {
            emit(StatementResult(
                file: file, range: SourceRange(0, file.bytes.count),
                outcome: .diagnostics(parseDiagnostics), elapsed: .zero))
            return false
        }
        for statement in script.statements {
            if quitRequested { return true }
            if !runStatement(statement, in: file, emit: emit) { return false }
        }
        return true
    }

    /// Runs one statement and reports its result; false when it failed.
    private func runStatement(_ statement: Statement, in file: SourceFile, emit: (StatementResult) -> Void) -> Bool {
        cancellation.reset()
        let clock = ContinuousClock()
        let start = clock.now
        switch execute(statement, in: file, emit: emit) {
        case .show(let outcome):
            emit(StatementResult(
                file: file, range: statement.range, outcome: outcome, elapsed: clock.now - start,
                prose: statement.leadingComments))
            if case .diagnostics = outcome { return false }
            return true
        case .shown:
            return true
        case .stopped:
            return false
        }
    }

    /// Runs `file` statement by statement in reading order, as a notebook shows it. Parse
    /// errors are reported where they are, one result per broken stretch of source between
    /// statements that parsed (with the comment lines above it as prose), instead of all
    /// before anything runs. With `continueAfterErrors` a failure does not stop the script:
    /// its diagnostics are reported and the next statement runs; without it, the first
    /// failure (a statement or a broken stretch) ends the run. Returns false when anything
    /// failed.
    @discardableResult
    public func run(_ file: SourceFile, continueAfterErrors: Bool, emit: (StatementResult) -> Void) -> Bool {
        let (script, parseDiagnostics) = Parser.parse(file)
        var pending = ParseErrorStretches(file: file, statements: script.statements, diagnostics: parseDiagnostics)
        var succeeded = true
        for statement in script.statements {
            if quitRequested { return succeeded }
            for broken in pending.before(statement.range.start) {
                emit(broken)
                succeeded = false
                if !continueAfterErrors { return false }
            }
            if !runStatement(statement, in: file, emit: emit) {
                succeeded = false
                if !continueAfterErrors { return false }
            }
        }
        if quitRequested { return succeeded }
        for broken in pending.before(file.bytes.count + 1) {
            emit(broken)
            succeeded = false
            if !continueAfterErrors { break }
        }
        return succeeded
    }

    /// Runs source text given as a string (a REPL entry, `-c`).
    @discardableResult
    public func run(_ text: String, name: String, emit: (StatementResult) -> Void) -> Bool {
        run(SourceFile(name: name, text: text), emit: emit)
    }

    /// Adds a table under a name, replacing one of that name (fixtures, benchmarks, `--data`).
    public func register(_ table: Table, as name: String) {
        store.store(table, as: name, fromLet: false)
    }

    // MARK: - Statements

    /// What carrying out one statement came to.
    enum Step {
        /// An outcome for the caller to report.
        case show(Outcome)
        /// Everything was reported already (a `.read` script reports its own statements).
        case shown
        /// An error was reported already (inside `.read`); stop.
        case stopped
    }

    private func execute(
        _ statement: Statement, in file: SourceFile, emit: (StatementResult) -> Void
    ) -> Step {
        let checked: CheckedStatement
        do {
            checked = try Checker(catalog: self, file: file).check(statement)
        } catch {
            return .show(.diagnostics(error.diagnostics))
        }
        do {
            try checkSafe(checked, statement: statement, file: file)
            if case .dotCommand("read", let arguments) = checked {
                return try read(arguments, statement: statement, file: file, emit: emit)
            }
            return .show(try carryOut(checked, statement: statement, file: file))
        } catch let error as EngineError {
            return .show(.diagnostics([diagnostic(for: error, in: file, statement: statement)]))
        } catch let error as Diagnostic {
            return .show(.diagnostics([error]))
        } catch let error as DiagnosticList {
            return .show(.diagnostics(error.diagnostics))
        } catch {
            return .show(.diagnostics([Diagnostic(
                SessionMessage.internalError(String(describing: error)), in: file, at: statement.range)]))
        }
    }

    private func execute(_ plan: Plan, statement: Statement, file: SourceFile) throws -> Table {
        if let database = remote {
            // What the CRM definitions read decides where the plan runs: a plan over local
            // tables alone (customers loaded since connecting, with transactions) runs here.
            let expanded = try expandedForDatabase(plan, database, definingTableFunctions: false)
            if readsOnlyLocalTables(expanded, database) { return try backend.run(expanded) }
            let defined = try expandedForDatabase(plan, database)
            if defined.containsTableFunction { return try runAcross(defined, database, statement: statement, file: file) }
            return try runInDatabase(defined, database, statement: statement, file: file)
        }
        return try backend.run(try expanded(plan))
    }

    /// The rewrite pass of the CRM layer: what `plan` reads as `customers` (as of asof, with
    /// computed columns) and, with asof set, as `transactions` and `interactions`, expanded
    /// into plain plans over the stored tables (`CRM.expand`).
    func expanded(_ plan: Plan) throws(DiagnosticList) -> Plan {
        try CRM.expand(plan, stored: tables.mapValues(\.schema), settings: settings.all, defaultAsOf: store.defaultAsOf)
    }

    /// Evaluates a checked scalar expression (no columns) to one value.
    public func evaluateScalar(_ expr: BoundExpr) throws(EngineError) -> Value {
        try backend.evaluate(expr)
    }

    private func carryOut(_ checked: CheckedStatement, statement: Statement, file: SourceFile) throws -> Outcome {
        switch checked {
        case .query(let plan):
            return .table(try execute(plan, statement: statement, file: file))
        case .chart(let plan, let spec):
            let table = try execute(plan, statement: statement, file: file)
            return .chart(try ChartBuilder.chart(of: table, spec, file: file), table)
        case .scalar(let expr):
            return .value(try evaluateScalar(expr))
        case .letTable(let name, let plan):
            if let database = remote, let rows = try letInDatabase(name, plan, database, statement: statement, file: file) {
                return .message("\(name): \(Self.count(rows, "row")), \(Self.count(plan.schema.count, "column"))")
            }
            let table = try execute(plan, statement: statement, file: file)
            store.store(table, as: name, fromLet: true)
            return .message("\(name): \(Self.describe(table))")
        case .letScalar(let name, let expr):
            let value = try evaluateScalar(expr)
            store.store(value, as: name)
            return .message("\(name) = \(value.exactText.isEmpty ? "null" : value.exactText)")
        case .load(let path, let alias):
            return try load(path: path, alias: alias, statement: statement, file: file)
        case .save(let plan, let path):
            if isCurrentOutput?(path) == true {
                throw Diagnostic(SessionMessage.saveOverOutput(path), in: file, at: statement.range)
            }
            let table = try execute(plan, statement: statement, file: file)
            try TableWriter.save(table, to: path, cancellation: cancellation)
            return .message("saved \(Self.count(table.rowCount, "row")) to \(path)")
        case .set(let name, let expr):
            let value = try evaluateScalar(expr)
            if let spec = Settings.spec(name), let problem = spec.validate(value) {
                // The caret goes under the value, which is what is wrong.
                throw Diagnostic(SessionMessage.badSetting(problem), in: file, at: expr.range)
            }
            if name == "safe", value == .bool(true), sandbox == nil {
                enterSafeMode(sandboxFor(file))
            }
            settings[name] = value
            if value.isNull, name == "asof" {
                let date = defaultAsOf
                return .message("asof = null: " + (date.map { "the day after the last transaction, \(Value.date($0).exactText)" }
                    ?? "no as-of date until transactions are loaded"))
            }
            return .message("\(name) = \(value.isNull ? "null" : value.exactText)")
        case .listSettings:
            return .table(settingsTable())
        case .help(let topic):
            guard let topic else { return .help(Help.index) }
            if let text = Help.text(for: topic) { return .help(text) }
            throw Diagnostic(
                SessionMessage.unknownHelpTopic(topic), in: file, at: helpTopicRange(statement),
                notes: Help.unknownTopicNotes(topic).map { Note($0) })
        case .dotCommand(let name, let arguments):
            return try dotCommand(name, arguments, statement: statement, file: file)
        case .explain(.query(let plan)):
            if let database = remote, !readsOnlyLocalTables(plan, database) {
                return .message(try expandedForDatabase(plan, database).description)
            }
            return .message(try expanded(plan).description)
        case .explainSQL(let plan):
            guard let database = remote else {
                throw Diagnostic(SessionMessage.notConnected, in: file, at: statement.range)
            }
            return .message(try compileForDatabase(
                try expandedForDatabase(plan, database), database, send: false, statement: statement, file: file).description)
        case .connect(let url):
            return try connect(url, statement: statement, file: file)
        case .disconnect:
            return disconnect()
        case .explain(.scalar(let expr)):
            return .message("value " + expr.text(over: Schema([])))
        case .explain:
            return .message("")
        }
    }

    private func helpTopicRange(_ statement: Statement) -> SourceRange {
        if case .help(let topic?) = statement.kind { return topic.range }
        return statement.range
    }

    // MARK: - Loading
    // MARK: - Messages

    static func count(_ n: Int, _ noun: String) -> String {
        "\(n.grouped) \(noun)\(n == 1 ? "" : "s")"
    }

    static func describe(_ table: Table) -> String {
        "\(count(table.rowCount, "row")), \(count(table.schema.count, "column"))"
    }

    private func diagnostic(for error: EngineError, in file: SourceFile, statement: Statement) -> Diagnostic {
        switch error {
        case .cancelled:
            // A plain message: nothing in the statement is wrong, so nothing is underlined.
            return Diagnostic(SessionMessage.cancelled)
        case .runtime(let message, let range):
            return Diagnostic(message, in: file, at: range)
        case .missingTable(let name):
            return Diagnostic(SessionMessage.unknownTable(name), in: file, at: statement.range)
        case .limit(let message), .data(let message):
            return Diagnostic(message, in: file, at: statement.range)
        }
    }
}
