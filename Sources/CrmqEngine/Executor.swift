import CrmqSemantics

/// Runs checked plans over the session's tables, a whole column at a time. Each operator
/// returns a fresh table; input tables are never changed (columns are values and dictionaries
/// immutable, so results may share them).
public struct Executor: Sendable {
    let tables: @Sendable (String) -> Table?
    let cancellation: CancellationFlag
    let tableFunctions: (any TableFunctionRunner)?
    /// Computes known definitions its own way (faster); nil: every definition runs as its plan.
    let definitions: (any DefinitionRunner)?
    /// Checked before a step allocates a result larger than its input (a join's output)
    /// or reorders a whole table (sort, filter, distinct).
    let budget: MemoryBudget

    public init(
        tables: @escaping @Sendable (String) -> Table?, cancellation: CancellationFlag,
        tableFunctions: (any TableFunctionRunner)? = nil, definitions: (any DefinitionRunner)? = nil,
        budget: MemoryBudget = .unlimited
    ) {
        self.definitions = definitions
        self.tables = tables
        self.cancellation = cancellation
        self.tableFunctions = tableFunctions
        self.budget = budget
    }

    public func execute(_ plan: Plan) throws(EngineError) -> Table {
        try execute(plan, needed: Set(0..<plan.schema.count))
    }

    /// The plan's rows, where only the output columns in `needed` are sure to be real: the
    /// others may come back as all-null placeholders. So a filter, sort or join gathers only
    /// the columns some node above reads (`Plan.inputNeeds`), and a `select` or `extend`
    /// computes only those.
    func execute(_ plan: Plan, needed: Set<Int>) throws(EngineError) -> Table {
        try cancellation.check()
        let inputNeeds = plan.inputNeeds(needed)
        switch plan.kind {
        case .scan(let name):
            guard let table = tables(name) else { throw .missingTable(name) }
            return table

        case .tableFunction(let name, let input, let options):
            guard let runner = tableFunctions else { throw .missingTable(name + "()") }
            let table = try runner.run(
                name, input: try execute(input, needed: inputNeeds[0]), options: options, cancellation: cancellation)
            return renamed(table, plan.schema)

        case .definition(let name, let arguments, let definition):
            if let fast = try definitions?.run(name, arguments: arguments, schema: plan.schema, cancellation: cancellation) {
                return fast
            }
            return try execute(definition, needed: needed)

        case .filter(let input, let predicate):
            let table = try execute(input, needed: inputNeeds[0])
            let selection = try Selection(table: table, cancellation: cancellation, remembersZones: input.isScan)
                .select(predicate)
            try budget.check(rows: selection.rows.count, columns: needed.count, operation: "the filter")
            return renamed(
                try table.take(selection.rows, keeping: needed, nonNull: selection.nonNull, cancel: cancellation),
                plan.schema)

        case .project(let input, let exprs):
            let table = try execute(input, needed: inputNeeds[0])
            let evaluator = ExpressionEvaluator(table: table, cancellation: cancellation)
            var columns: [Column] = []
            for (j, e) in exprs.enumerated() {
                if !needed.contains(j) {
                    columns.append(Column(.null(count: table.rowCount)))
                } else if case .column(let i) = e.kind {
                    // A column passed through stays as it is.
                    columns.append(table.columns[i])
                } else {
                    columns.append(try evaluator.column(e))
                }
            }
            return Table(schema: plan.schema, columns: columns, rowCount: table.rowCount)

        case .sort(let input, let keys):
            let table = try execute(input, needed: inputNeeds[0])
            try budget.check(rows: table.rowCount, columns: needed.count + 1, operation: "the sort")
            let order = try Sorting.permutation(try normalizedKeys(keys, over: table), n: table.rowCount, cancel: cancellation)
            return renamed(try table.take(order, keeping: needed, cancel: cancellation), plan.schema)

        case .limit(let input, let count):
            let table = try execute(input, needed: inputNeeds[0])
            let k = max(0, min(count, table.rowCount))
            return Table(schema: plan.schema, columns: table.columns.map { $0.prefix(k) }, rowCount: k)

        case .topN(let input, let keys, let count):
            let table = try execute(input, needed: inputNeeds[0])
            let rows = try Sorting.topN(
                try normalizedKeys(keys, over: table), n: table.rowCount, count: count, cancel: cancellation)
            return renamed(try table.take(rows, keeping: needed, cancel: cancellation), plan.schema)

        case .aggregate(let input, let keys, let aggregates):
            if case .filter(let filtered, let predicate) = input.kind {
                // The filter's rows are aggregated where they are (`Aggregation.run`).
                let table = try execute(filtered, needed: input.inputNeeds(inputNeeds[0])[0])
                let selection = try Selection(table: table, cancellation: cancellation, remembersZones: filtered.isScan)
                    .select(predicate)
                try budget.check(rows: selection.rows.count, columns: inputNeeds[0].count, operation: "the filter")
                return try Aggregation.run(
                    table, selected: selection.rows, nonNull: selection.nonNull, keys: keys, aggregates: aggregates,
                    schema: plan.schema, cancel: cancellation)
            }
            let table = try execute(input, needed: inputNeeds[0])
            return try Aggregation.run(
                table, keys: keys, aggregates: aggregates, schema: plan.schema, cancel: cancellation)

        case .appendShare(let input, let of):
            let table = try execute(input, needed: inputNeeds[0])
            return Table(
                schema: plan.schema, columns: table.columns + [share(table.columns[of])], rowCount: table.rowCount)

        case .join(let left, let right, let keys, let kind, let rightColumns):
            let l = try execute(left, needed: inputNeeds[0])
            let r = try execute(right, needed: inputNeeds[1])
            return try HashJoin.run(
                left: l, right: r, keys: keys, kind: kind, rightColumns: rightColumns, needed: needed,
                schema: plan.schema, cancel: cancellation, budget: budget)

        case .window(let input, let groups, let order, let computations):
            let table = try execute(input, needed: inputNeeds[0])
            try budget.check(rows: table.rowCount, columns: needed.count + 2, operation: "the window")
            return try Windowing.run(
                table, groups: groups, order: order, computations: computations, keeping: inputNeeds[0],
                needed: needed, schema: plan.schema, cancel: cancellation)

        case .topNPerGroup(let input, let groups, let keys, let count):
            let table = try execute(input, needed: inputNeeds[0])
            try budget.check(rows: table.rowCount, columns: 2, operation: "the top")
            let top = try Windowing.topPerGroup(
                table, groups: groups, keys: keys, count: count, keeping: needed, cancel: cancellation)
            return renamed(top, plan.schema)

        case .distinct(let input):
            let table = try execute(input, needed: inputNeeds[0])
            let grouping = try Grouper.group(table.columns, rowCount: table.rowCount, ordered: false, cancel: cancellation)
            var seen = [Bool](repeating: false, count: grouping.count)
            var rows: [Int32] = []
            rows.reserveCapacity(grouping.count)
            for (i, g) in grouping.ids.enumerated() where !seen[Int(g)] {
                seen[Int(g)] = true
                rows.append(Int32(i))
            }
            return renamed(try table.take(rows, cancel: cancellation), plan.schema)
        }
    }

    /// The expression's value for every row of `table`.
    public func evaluate(_ expr: BoundExpr, over table: Table) throws(EngineError) -> Column {
        try ExpressionEvaluator(table: table, cancellation: cancellation).column(expr)
    }

    func normalizedKeys(_ keys: [SortKey], over table: Table) throws(EngineError) -> [NormalizedKey] {
        let evaluator = ExpressionEvaluator(table: table, cancellation: cancellation)
        var out: [NormalizedKey] = []
        for k in keys {
            try cancellation.check()
            out.append(try NormalizedKey(try evaluator.column(k.expr), descending: k.descending, cancel: cancellation))
        }
        return out
    }

    /// Each value divided by the total of all values, as doubles (null if the total is 0).
    func share(_ c: Column) -> Column {
        let x = Datum.column(c).doubles.array(c.count)
        var total = 0.0
        for i in 0..<c.count where !c.isNull(i) { total += x[i] }
        if total == 0 { return nullColumn(.double, count: c.count) }
        return Column(.double(x.map { $0 / total }), validity: c.validity)
    }

    /// The table under the plan's schema (same columns; names as the plan gives them).
    func renamed(_ t: Table, _ schema: Schema) -> Table {
        guard schema.count == t.columns.count else { return t }
        return Table(schema: schema, columns: t.columns, rowCount: t.rowCount)
    }
}

/// Computes a plan's named definitions (`PlanKind.definition`) without running their plans,
/// for the definitions it knows; the results must equal the plans'.
public protocol DefinitionRunner: Sendable {
    /// The definition's rows (columns named by `schema`), or nil to run its plan instead.
    func run(_ name: String, arguments: [String: Value], schema: Schema, cancellation: CancellationFlag)
        throws(EngineError) -> Table?
}

/// Runs table functions (`rfm`, `cohorts`, ...) for the executor; the layer that defines
/// them (CRM) implements it, so the engine knows none of them by name.
public protocol TableFunctionRunner: Sendable {
    /// The function's result over `input`, with the options the checker resolved.
    func run(_ name: String, input: Table, options: [String: Value], cancellation: CancellationFlag)
        throws(EngineError) -> Table
}

extension Plan {
    /// A scan of a stored table: its columns are the table's own, not temporaries.
    var isScan: Bool { if case .scan = kind { true } else { false } }
}
