import CrmqSemantics
import CrmqEngine
import CrmqCRM

/// The in-memory engine as a session's backend: runs plans with `Executor` over the
/// session's stored tables. What a plan scans as `customers` is the table as of the as-of
/// date with the computed columns the plan reads (computed by the CRM layer's fast passes,
/// cached until a CRM table or setting changes); columns no node reads become free all-null
/// placeholders.
final class InMemoryBackend: Backend, @unchecked Sendable {
    // @unchecked: used from one thread at a time, like its session; only `cancellation`
    // is touched from elsewhere, and it is atomic.

    private let store: TableStore
    let cancellation: CancellationFlag
    /// The session's settings: the CRM ones decide the computed columns, `memory_limit` the
    /// executor's budget.
    var settings: Settings {
        // Only the CRM settings change what computed columns hold (not max_rows, ...).
        didSet {
            if CRM.settings.contains(where: { oldValue[$0.name] != settings[$0.name] }) { measures.invalidate() }
        }
    }
    /// Computed customer columns already computed for the current tables and settings.
    private var measures = MeasureCache()
    /// How many definitions the fast passes computed (for tests: the fast path was taken).
    private(set) var fastDefinitionRuns = 0

    init(store: TableStore, settings: Settings, cancellation: CancellationFlag) {
        self.store = store
        self.settings = settings
        self.cancellation = cancellation
    }

    /// A stored table was added, replaced or removed.
    func tableChanged(_ name: String) {
        // Column statistics (zone maps, greatest dates) hold stored columns of any table (a `let`
        // too): those of the table that went are let go, the others kept.
        ColumnStatistics.forget(keeping: store.tables.values.flatMap(\.columns))
        guard CRM.inputTables.contains(name) else { return }
        measures.invalidate()
        CRM.forgetRememberedColumns()
    }

    func run(_ plan: Plan) throws(EngineError) -> Table {
        try executor(for: plan).execute(plan)
    }

    func evaluate(_ expr: BoundExpr) throws(EngineError) -> Value {
        try executor().evaluate(expr, over: .singleRow).value(at: 0)
    }

    func cancel() { cancellation.cancel() }

    /// The computed columns `customers` has now.
    var computedColumns: [ComputedColumn] { CRM.computedColumns(tables: store.tables) }

    /// An executor over the stored tables, where columns no node of `plan` reads are
    /// placeholders, and which computes the definition of `customers` with the fast passes.
    private func executor(for plan: Plan? = nil) throws(EngineError) -> Executor {
        let tables = store.tables
        var snapshot = tables
        if let plan {
            // Columns no node reads flow through filters, sorts and joins as free placeholders.
            for (name, used) in plan.scannedColumns() {
                if let table = snapshot[name] { snapshot[name] = Self.keeping(used, of: table) }
            }
        }
        let frozen = snapshot
        return Executor(
            tables: { frozen[$0] }, cancellation: cancellation,
            tableFunctions: CRM.Runner(settings: settings.all, tables: tables),
            definitions: FastDefinitions(backend: self), budget: settings.memoryBudget)
    }

    /// `customers` as the definition of `arguments` makes it (`CRM.expand`), computed by the
    /// purchase pass and the other fast measures and cached; nil when the arguments are not
    /// the current settings or the schema is not the current one (the plan runs instead).
    fileprivate func fastCustomers(arguments: [String: Value], schema: Schema) throws(EngineError) -> Table? {
        guard let customers = store[CRM.customersTable] else { return nil }
        var current = CRM.frozenSettings(settings.all, defaultAsOf: store.defaultAsOf)
        let columns = arguments["columns"]?.exactText ?? ""
        current["columns"] = .string(columns)
        let computed = computedColumns
        guard current == arguments,
            schema.fields.map(\.name) == customers.schema.fields.map(\.name) + computed.map(\.name)
        else { return nil }
        fastDefinitionRuns += 1
        if computed.isEmpty { return measures.asOfView(customers, inputs: crmInputs(customers)) }
        let needed = Set(columns.split(separator: ",").map(String.init))
        return try measures.customers(customers, with: computed, needed: needed, inputs: crmInputs(customers))
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

    fileprivate func crmInputs(_ customers: Table) -> CRMInputs {
        CRMInputs(
            customers: customers, transactions: store["transactions"], interactions: store["interactions"],
            settings: settings.all, cancellation: cancellation)
    }
}

/// The in-memory engine's way to the definitions it knows (`PlanKind.definition`).
private struct FastDefinitions: DefinitionRunner, @unchecked Sendable {
    let backend: InMemoryBackend
    func run(_ name: String, arguments: [String: Value], schema: Schema, cancellation: CancellationFlag)
        throws(EngineError) -> Table?
    {
        guard name == CRM.customersTable else { return nil }
        return try backend.fastCustomers(arguments: arguments, schema: schema)
    }
}
