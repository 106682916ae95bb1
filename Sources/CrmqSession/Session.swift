import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM

/// A crmq session: the tables, `let` bindings and settings that statements see, and the
/// one entry point every front end uses (REPL, `crmq run`, `-c`, tests, benchmarks):
/// `run(_:emit:)` takes source text and reports one `StatementResult` per statement.
public final class Session: @unchecked Sendable {
    // @unchecked: a session is used from one thread at a time; only `cancellation`
    // is touched from elsewhere (a signal handler), and it is atomic.

    /// Tables by name: loaded files and `let`-bound query results.
    public private(set) var tables: [String: Table] = [:]
    /// Table names in the order they were made, for `.tables`.
    public private(set) var tableOrder: [String] = []
    /// Names that came from `let` rather than `load` (shown as such by `.tables`).
    public private(set) var letNames: Set<String> = []
    /// Scalar `let` bindings.
    public private(set) var scalars: [String: Value] = [:]
    public var settings = Settings() {
        // Only the CRM settings change what computed columns hold (not max_rows, ...).
        didSet {
            if CRM.settings.contains(where: { oldValue[$0.name] != settings[$0.name] }) { measures.invalidate() }
        }
    }
    /// Computed customer columns already computed for the current tables and settings.
    private var measures = MeasureCache()
    /// Set to stop the running statement (Ctrl-C); reset before each statement.
    public let cancellation = CancellationFlag()
    /// Nesting of `.read`, to refuse a script that reads itself forever.
    private var readDepth = 0
    /// Set by `.quit`: no further statement runs, in this script or any that read it.
    public private(set) var quitRequested = false
    /// Safe mode's limits on files (docs/safety.md); nil outside safe mode. Once set, no
    /// statement can lift it.
    public private(set) var sandbox: Sandbox?
    /// The folder `loadFolder` last loaded (`--data`, or the demo data): safe mode reads from it.
    public private(set) var dataFolder: String?
    /// Files named on the command line for output (`--output`): the only ones safe mode writes.
    public var commandLineOutputs: [String] = []
    /// Whether a path names the file results are being written to (the front end's
    /// `.output` file): a save there would replace it under the open output, and every
    /// later result would go to the file just unlinked.
    public var isCurrentOutput: ((String) -> Bool)?
    /// In safe mode, `memory_limit` may be lowered but not raised above what it was on entry.
    private var safeMemoryCeiling: MemoryBudget?

    public init() {}

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
        store(table, as: name)
        letNames.remove(name)
    }

    /// Keeps a table under a name; computed columns made from the old one are dropped.
    private func store(_ table: Table, as name: String) {
        if tables[name] == nil { tableOrder.append(name) }
        tables[name] = table
        if CRM.inputTables.contains(name) { measures.invalidate() }
    }

    private func remove(_ name: String) {
        guard tables.removeValue(forKey: name) != nil else { return }
        tableOrder.removeAll { $0 == name }
        if CRM.inputTables.contains(name) { measures.invalidate() }
    }

    // MARK: - Statements

    /// What carrying out one statement came to.
    private enum Step {
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

    /// An executor over the session's tables as `plan` sees them: `customers` with the
    /// computed columns the plan reads (computed now, or taken from the cache).
    private func executor(for plan: Plan? = nil) throws(EngineError) -> Executor {
        var snapshot = tables
        if let plan {
            let usage = plan.scannedColumns()
            let computed = computedColumns
            if let customers = tables[CRM.customersTable], let used = usage[CRM.customersTable] {
                if computed.isEmpty {
                    snapshot[CRM.customersTable] = measures.asOfView(customers, inputs: crmInputs(customers))
                } else {
                    let needed = Set(used.filter { $0 >= customers.schema.count }.map { computed[$0 - customers.schema.count].name })
                    snapshot[CRM.customersTable] = try measures.customers(
                        customers, with: computed, needed: needed, inputs: crmInputs(customers))
                }
            }
            // Columns no node reads flow through filters, sorts and joins as free placeholders.
            for (name, used) in usage {
                if let table = snapshot[name] { snapshot[name] = Self.keeping(used, of: table) }
            }
        }
        let frozen = snapshot
        return Executor(
            tables: { frozen[$0] }, cancellation: cancellation,
            tableFunctions: CRM.Runner(settings: settings.all, tables: tables), budget: settings.memoryBudget)
    }

    /// `table` with the columns at `used` as they are and every other column an all-null
    /// placeholder, which costs nothing to filter, reorder or join. Only for columns no node
    /// of the plan reads (`Plan.scannedColumns`), so no result can show a placeholder.
    static func keeping(_ used: Set<Int>, of table: Table) -> Table {
        guard used.count < table.columns.count else { return table }
        let columns = table.columns.indices.map { i in
            used.contains(i) ? table.columns[i] : Column(.null(count: table.rowCount))
        }
        return Table(schema: table.schema, columns: columns, rowCount: table.rowCount)
    }

    private func crmInputs(_ customers: Table) -> CRMInputs {
        CRMInputs(
            customers: customers, transactions: tables["transactions"], interactions: tables["interactions"],
            settings: settings.all, cancellation: cancellation)
    }

    /// What keeps a computed column from existing now ("needs the transactions table, which
    /// is not loaded"), nil when it exists or `customers` stores a column of its name.
    func missingInputs(of column: ComputedColumn) -> (why: String, remedy: String?)? {
        guard let customers = tables[CRM.customersTable] else {
            return ("needs the customers table, which is not loaded", nil)
        }
        if customers.schema.index(of: column.name) != nil { return nil }
        if let table = column.needs.first(where: { tables[$0] == nil }) {
            return (
                "needs the \(table) table, which is not loaded",
                "load it with 'load \"path/\(table).csv\"', or start crmq with --data on a folder that has \(table).csv")
        }
        for table in column.needs {
            if let schema = tables[table]?.schema, let problem = CRM.inputProblem(table, schema: schema) {
                return (
                    "needs the \(table) table, but the loaded one \(problem)",
                    "load a \(table) table with the columns customer_id, date and amount (docs/crm.md)")
            }
        }
        let columnsMissing = column.requires.filter { customers.schema.index(of: $0) == nil }
        if !columnsMissing.isEmpty {
            return (
                "is made from the column\(columnsMissing.count == 1 ? "" : "s") "
                    + columnsMissing.map { "'\($0)'" }.joined(separator: ", ") + ", which customers does not have",
                "'help \(column.name)' gives its rule")
        }
        return nil
    }

    /// The computed columns `customers` has now.
    private var computedColumns: [ComputedColumn] {
        CRM.computedColumns(tables: tables)
    }

    private func execute(_ plan: Plan) throws(EngineError) -> Table {
        try executor(for: plan).execute(plan)
    }

    /// Evaluates a checked scalar expression (no columns) to one value.
    public func evaluateScalar(_ expr: BoundExpr) throws(EngineError) -> Value {
        let column = try executor().evaluate(expr, over: .singleRow)
        return column.value(at: 0)
    }

    private func carryOut(_ checked: CheckedStatement, statement: Statement, file: SourceFile) throws -> Outcome {
        switch checked {
        case .query(let plan):
            return .table(try execute(plan))
        case .chart(let plan, let spec):
            let table = try execute(plan)
            return .chart(try ChartBuilder.chart(of: table, spec, file: file), table)
        case .scalar(let expr):
            return .value(try evaluateScalar(expr))
        case .letTable(let name, let plan):
            let table = try execute(plan)
            store(table, as: name)
            letNames.insert(name)
            scalars[name] = nil
            return .message("\(name): \(Self.describe(table))")
        case .letScalar(let name, let expr):
            let value = try evaluateScalar(expr)
            scalars[name] = value
            remove(name)
            return .message("\(name) = \(value.exactText.isEmpty ? "null" : value.exactText)")
        case .load(let path, let alias):
            return try load(path: path, alias: alias, statement: statement, file: file)
        case .save(let plan, let path):
            if isCurrentOutput?(path) == true {
                throw Diagnostic(SessionMessage.saveOverOutput(path), in: file, at: statement.range)
            }
            let table = try execute(plan)
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
                let date = CRM.defaultAsOf(transactions: tables["transactions"])
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
        }
    }

    private func helpTopicRange(_ statement: Statement) -> SourceRange {
        if case .help(let topic?) = statement.kind { return topic.range }
        return statement.range
    }

    // MARK: - Loading

    private func load(path: String, alias: String?, statement: Statement, file: SourceFile) throws -> Outcome {
        var isDirectory: ObjCBool = false
        if alias != nil, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            throw Diagnostic(SessionMessage.aliasForFolder(path), in: file, at: statement.range)
        }
        let budget = settings.memoryBudget
        if let size = Self.csvBytes(at: path) {
            let (need, overflow) = size.multipliedReportingOverflow(by: Self.loadFactor)
            if overflow || need > budget.bytes {
                throw Diagnostic(
                    SessionMessage.loadTooLarge(path: path, bytes: size, need: overflow ? .max : need, limit: budget.bytes),
                    in: file, at: statement.range)
            }
        }
        // A FIFO or device has no size to check first: it is read up to the budget's share.
        let streamBytes = min(ReadLimits.defaultStreamBytes, budget.bytes / Self.loadFactor)
        let loaded = try CSVReader.load(path: path, limits: ReadLimits(streamBytes: streamBytes, cancellation: cancellation))
        for t in loaded { register(t.table, as: alias ?? t.name) }
        Allocator.releaseFreedMemory()
        return .message(loaded.map { "loaded \(alias ?? $0.name): \(Self.describe($0.table))" }.joined(separator: "\n"))
    }

    /// Loading a CSV file takes about this many times its size in memory while it is read
    /// (its text, and the columns made from it); `load` checks it against `memory_limit`.
    static let loadFactor = 2

    /// The bytes of the regular file at `path`, or of the CSV files in the folder at
    /// `path`; nil for anything else (a FIFO, a device, a missing file).
    static func csvBytes(at path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return Int(st.st_size)
        case S_IFDIR:
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            var total = 0
            for name in names where !name.hasPrefix(".") && name.lowercased().hasSuffix(".csv") {
                var f = stat()
                if stat(path + "/" + name, &f) == 0, f.st_mode & S_IFMT == S_IFREG { total &+= Int(f.st_size) }
            }
            return total
        default:
            return nil
        }
    }

    /// Loads every CSV of a folder (the `--data` option); returns the table names.
    public func loadFolder(_ path: String) throws(Diagnostic) -> [String] {
        let loaded = try CSVReader.read(folder: path)
        dataFolder = path
        for t in loaded { register(t.table, as: t.name) }
        Allocator.releaseFreedMemory()
        return loaded.map(\.name)
    }

    // MARK: - Session commands

    /// The session commands and what they do, for `.help` and completion.
    public static let dotCommands: [(name: String, usage: String, summary: String)] = [
        ("help", ".help", "list the session commands"),
        ("tables", ".tables", "list the tables and let-bound results with their sizes"),
        ("schema", ".schema [table]", "the columns and types of one table, or of all"),
        ("mode", ".mode table|csv|json|markdown", "how results are written"),
        ("timer", ".timer on|off", "print how long each statement took"),
        ("read", ".read FILE.crmq", "run a script in this session"),
        ("output", ".output [FILE]", "write results to a file; alone, back to the screen"),
        ("history", ".history", "list the statements entered in the REPL, oldest first"),
        ("quit", ".quit", "leave crmq (also .exit)"),
    ]

    private func dotCommand(
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
            return .table(tablesTable())
        case "schema":
            guard arguments.count <= 1 else { throw usage() }
            if let t = arguments.first, tables[t] == nil {
                throw Diagnostic(
                    SessionMessage.unknownTable(t), in: file, at: statement.range,
                    notes: [Note(Suggestions.note(for: t, among: tableOrder, kind: "table"))])
            }
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
    private func read(
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

    // MARK: - Safe mode

    /// Refuses, in safe mode, a statement that would read or write a file it may not, or
    /// lift safe mode or its limits (docs/safety.md).
    private func checkSafe(_ checked: CheckedStatement, statement: Statement, file: SourceFile) throws {
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

    // MARK: - Listings

    /// `.tables`: each table's rows and columns; `customers` counts its computed columns
    /// too, and says how many of its columns are computed.
    private func tablesTable() -> Table {
        let names = tableOrder
        let computed = computedColumns.count
        func extra(_ name: String) -> Int { name == CRM.customersTable ? computed : 0 }
        return Table(schema: Schema([
            Field("name", .string), Field("rows", .int), Field("columns", .int), Field("computed", .int),
            Field("from", .string),
        ]), columns: [
            Column.from(names.map { .string($0) }, type: .string),
            Column.from(names.map { .int(Int64(tables[$0]?.rowCount ?? 0)) }, type: .int),
            Column.from(names.map { .int(Int64((tables[$0]?.schema.count ?? 0) + extra($0))) }, type: .int),
            Column.from(names.map { .int(Int64(extra($0))) }, type: .int),
            Column.from(names.map { .string(letNames.contains($0) ? "let" : "load") }, type: .string),
        ])
    }

    /// `.schema`: the columns of one table or of all, with their types and null counts;
    /// `customers` also lists its computed columns, marked as computed in a column `kind`,
    /// with their meaning (the summary `help <column>` starts with).
    private func schemaTable(_ only: String?) throws(EngineError) -> Table {
        var t: [Value] = [], c: [Value] = [], ty: [Value] = [], nulls: [Value] = []
        var kind: [Value] = [], meaning: [Value] = []
        for name in only.map({ [$0] }) ?? tableOrder {
            guard var table = tables[name] else { continue }
            let stored = table.schema.count
            let computed = name == CRM.customersTable ? computedColumns : []
            if name == CRM.customersTable {
                table = try measures.customers(
                    table, with: computed, needed: Set(computed.map(\.name)), inputs: crmInputs(table))
            }
            for (i, f) in table.schema.fields.enumerated() {
                t.append(.string(name))
                c.append(.string(f.name))
                ty.append(.string(f.type.rawValue))
                nulls.append(.int(Int64(table.columns[i].nullCount)))
                kind.append(.string(i < stored ? "stored" : "computed"))
                meaning.append(.string(i < stored ? "" : computed[i - stored].summary))
            }
        }
        var fields = [Field("table", .string), Field("column", .string), Field("type", .string), Field("nulls", .int)]
        var columns = [
            Column.from(t, type: .string), Column.from(c, type: .string),
            Column.from(ty, type: .string), Column.from(nulls, type: .int),
        ]
        // Only a listing with computed columns needs to tell them apart.
        if kind.contains(.string("computed")) {
            fields += [Field("kind", .string), Field("meaning", .string)]
            columns += [Column.from(kind, type: .string), Column.from(meaning, type: .string)]
        }
        return Table(schema: Schema(fields), columns: columns)
    }

    /// `set` alone: every setting with its value, where the value comes from, its type and
    /// meaning. `asof` shows the date the measures use, which by default depends on the data.
    private func settingsTable() -> Table {
        let specs = Settings.specs
        var values: [Value] = [], origins: [Value] = []
        for spec in specs {
            let value = settings[spec.name] ?? .null
            if spec.name == "asof", value.isNull {
                let date = CRM.defaultAsOf(transactions: tables["transactions"])
                values.append(.string(date.map { Value.date($0).exactText } ?? ""))
                origins.append(.string(date == nil ? "none: no transactions loaded" : "default: day after last transaction"))
            } else {
                values.append(.string(value.exactText))
                origins.append(.string(value == spec.defaultValue ? "default" : "set"))
            }
        }
        return Table(schema: Schema([
            Field("setting", .string), Field("value", .string), Field("from", .string), Field("type", .string),
            Field("meaning", .string),
        ]), columns: [
            Column.from(specs.map { .string($0.name) }, type: .string),
            Column.from(values, type: .string),
            Column.from(origins, type: .string),
            Column.from(specs.map { .string($0.type.rawValue) }, type: .string),
            Column.from(specs.map { .string($0.summary) }, type: .string),
        ])
    }

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

extension Session: Catalog {
    public func tableSchema(_ name: String) -> Schema? {
        guard let schema = tables[name]?.schema else { return nil }
        guard name == CRM.customersTable else { return schema }
        return Schema(schema.fields + computedColumns.map { Field($0.name, $0.type) })
    }
    public var asOf: Int32? { CRM.asOf(settings: settings.all, transactions: tables["transactions"]) }

    public func tableFunction(_ name: String) -> TableFunctionSignature? {
        if name.lowercased() == CRM.customersAtDate.name { return CRM.customersAtDate }
        return CRM.tableFunctions[name.lowercased()]?.signature
    }
    public var tableFunctionNames: [String] { CRM.tableFunctions.keys.sorted() }
    public var tableNames: [String] { tableOrder }
    public func scalarValue(_ name: String) -> Value? { scalars[name] }
    public var scalarNames: [String] { scalars.keys.sorted() }
    public func settingType(_ name: String) -> DataType? { Settings.spec(name)?.type }
    public func unavailableColumn(_ name: String) -> (reason: String, remedy: String?)? {
        guard let c = CustomerMeasures.all.first(where: { $0.name == name }), let (why, remedy) = missingInputs(of: c)
        else { return nil }
        return ("'\(name)' is a computed column of customers and \(why)", remedy)
    }
    public func settingAlternativeType(_ name: String) -> DataType? { Settings.alsoInt.contains(name) ? .int : nil }
    public var settingNames: [String] { Settings.specs.map(\.name) }
}

/// Parse errors grouped by the stretch of source between two statements that parsed, each
/// stretch a result of its own (for `run(_:continueAfterErrors:emit:)`).
private struct ParseErrorStretches {
    private var results: [(start: Int, result: StatementResult)] = []

    init(file: SourceFile, statements: [Statement], diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        // The gaps between parsed statements; every parse error lies in one of them.
        var bounds = [0]
        for s in statements { bounds += [s.range.start, s.range.end] }
        bounds.append(file.bytes.count)
        var groups: [Int: [Diagnostic]] = [:]
        var order: [Int] = []
        for d in diagnostics {
            var offset = 0
            if case .source(_, let range)? = d.location { offset = range.start }
            var gap = 0
            while gap + 1 < bounds.count / 2, bounds[2 * (gap + 1)] <= offset { gap += 1 }
            if groups[gap] == nil { order.append(gap) }
            groups[gap, default: []].append(d)
        }
        for gap in order {
            let (range, prose) = Self.code(in: SourceRange(bounds[2 * gap], bounds[2 * gap + 1]), of: file)
            results.append((range.start, StatementResult(
                file: file, range: range, outcome: .diagnostics(groups[gap]!), elapsed: .zero, prose: prose)))
        }
        results.sort { $0.start < $1.start }
    }

    /// The results of the stretches that start before `offset`, taken out in order.
    mutating func before(_ offset: Int) -> [StatementResult] {
        let n = results.prefix { $0.start < offset }.count
        defer { results.removeFirst(n) }
        return results.prefix(n).map(\.result)
    }

    /// The lines of `gap` that are neither blank nor comments (the broken statements), and
    /// the comment lines directly above the first of them.
    private static func code(in gap: SourceRange, of file: SourceFile) -> (SourceRange, [String]) {
        var first: Int?, last: Int?
        var prose: [String] = []
        var comments: [String] = []
        var offset = gap.start
        for line in file.text(of: gap).split(separator: "\n", omittingEmptySubsequences: false) {
            let length = line.utf8.count
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("--") {
                if first == nil {
                    var text = String(trimmed.dropFirst(2))
                    if text.hasPrefix(" ") { text.removeFirst() }
                    if text.hasSuffix("\r") { text.removeLast() }
                    comments.append(text)
                }
            } else if trimmed.allSatisfy({ $0 == "\r" }) {
                if first == nil, !comments.isEmpty { comments.append("") }
            } else {
                if first == nil {
                    first = offset
                    prose = comments
                    while prose.last == "" { prose.removeLast() }
                }
                last = offset + length
            }
            offset += length + 1
        }
        guard let first, let last else { return (gap, []) }
        return (SourceRange(first, min(last, gap.end)), prose)
    }
}
