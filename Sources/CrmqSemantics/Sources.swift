import CrmqSource
import CrmqSyntax
import CrmqDiagnostics

/// A checked pipeline: rows, or (a pipeline with no stages whose source is no table)
/// one value computed over no columns.
enum CheckedPipeline {
    case table(Plan)
    case scalar(BoundExpr)
    /// Rows ending in `| chart ...` (only a statement's own query may be one).
    case chart(Plan, ChartSpec)
}

// pipeline := source ('|' stage)*
// source   := table-name | let-name | '(' pipeline ')' | table-function '(' args ')' | scalar-expression
extension CheckContext {
    func checkPipeline(_ pipeline: Pipeline) -> CheckedPipeline? {
        let hasStages = !pipeline.stages.isEmpty
        guard let source = checkSource(pipeline.source, hasStages: hasStages) else { return nil }
        switch source {
        case .scalar(let value):
            if !hasStages { return .scalar(value) }
            report(.notATable(text(value.range)), at: pipeline.source.range)
            return nil
        case .table(var plan):
            for stage in pipeline.stages {
                // The parser keeps 'chart' last.
                if case .chart(let chart) = stage.kind {
                    return checkChart(chart, stage: stage, input: plan).map { .chart(plan, $0) }
                }
                guard let next = checkStage(stage, input: plan) else { return nil }
                plan = next
            }
            return .table(plan)
        case .chart(_, let spec):
            report(.chartNotATable(user: "a query's source"), at: spec.range)
            return nil
        }
    }

    func checkSource(_ source: Expr, hasStages: Bool) -> CheckedPipeline? {
        switch source.kind {
        case .name(let name):
            if let schema = catalog.tableSchema(name) { return .table(Plan(.scan(table: name), schema: schema)) }
            if let value = catalog.scalarValue(name) { return .scalar(.literal(value, range: source.range)) }
            let candidates = catalog.tableNames + (hasStages ? [] : catalog.scalarNames)
            reportUnknown(.unknownTable(name), name: name, at: source.range, among: candidates, kind: "table")
            return nil
        case .subquery(let inner):
            let checked = checkPipeline(inner)
            if case .chart(_, let spec) = checked {
                report(.chartNotATable(user: "a query in brackets"), at: spec.range)
                return nil
            }
            return checked
        case .call(let name, let arguments) where function(named: name.name) == nil:
            if let signature = catalog.tableFunction(name.name) {
                return checkTableFunction(signature, name: name, arguments: arguments, range: source.range)
                    .map { .table($0) }
            }
            // A typo of a scalar function is more likely than of a table function when nothing follows.
            let tableFunctions = catalog.tableFunctionNames
            let scalarNames = hasStages ? [] : functionNames
            let useAll = !Suggestions.closest(to: name.name, among: tableFunctions + scalarNames).isEmpty
            reportUnknown(
                .unknownTableFunction(name.name), name: name.name, at: name.range,
                among: useAll ? tableFunctions + scalarNames : tableFunctions, kind: "table function")
            return nil
        default:
            return bind(source, in: .scalar).map { .scalar($0) }
        }
    }
}

// table-function := name '(' source { ',' option '=' (name { '+' name } | literal) } ')'
extension CheckContext {
    /// The names of `a + b + c` (a list of columns, written as in a model formula), or nil
    /// when the expression is anything else.
    static func addedNames(_ e: Expr) -> [String]? {
        switch e.kind {
        case .name(let n): return [n]
        case .binary(.add, let l, let r):
            guard let left = addedNames(l), let right = addedNames(r) else { return nil }
            return left + right
        default: return nil
        }
    }

    /// Checks a table-function call: its first argument is the input table (unless the
    /// function reads a table of its own, `signature.source`), the rest are named options
    /// (`customer = cust_id`), which the function itself then checks.
    func checkTableFunction(
        _ signature: TableFunctionSignature, name: Identifier, arguments: [Expr], range: SourceRange
    ) -> Plan? {
        let input: Plan
        let optionArguments: ArraySlice<Expr>
        let inputRange: SourceRange
        if let source = signature.source {
            guard let schema = catalog.tableSchema(source) else {
                reportUnknown(.unknownTable(source), name: source, at: name.range, among: catalog.tableNames, kind: "table")
                return nil
            }
            input = Plan(.scan(table: source), schema: schema)
            optionArguments = arguments[...]
            inputRange = range
        } else {
            guard let first = arguments.first else {
                report(.tableFunctionNeedsTable(signature.name, usage: signature.usage), at: range)
                return nil
            }
            switch checkSource(first, hasStages: true) {
            case .table(let plan)?: input = plan
            case .scalar?, .chart?:
                report(.tableFunctionNeedsTable(signature.name, usage: signature.usage), at: first.range)
                return nil
            case nil: return nil
            }
            optionArguments = arguments.dropFirst()
            inputRange = first.range
        }
        var options: [String: TableFunctionOption] = [:]
        var optionRanges: [String: SourceRange] = [:]
        var failed = false
        for argument in optionArguments {
            guard case .binary(.equal, let key, let value) = argument.kind, case .name(let option) = key.kind else {
                report(.tableFunctionOptionForm(signature.name, usage: signature.usage), at: argument.range)
                failed = true
                continue
            }
            guard signature.options.contains(option) else {
                reportUnknown(
                    .unknownTableFunctionOption(option, function: signature.name), name: option, at: key.range,
                    among: signature.options, kind: "option")
                failed = true
                continue
            }
            optionRanges[option] = argument.range
            if case .name(let column) = value.kind {
                options[option] = .name(column)
            } else if let columns = Self.addedNames(value) {
                options[option] = .names(columns)
            } else if let bound = bind(value, in: .scalar), case .literal(let v) = bound.kind {
                options[option] = .value(v)
            } else {
                report(.tableFunctionOptionValue(option), at: value.range)
                failed = true
            }
        }
        if failed { return nil }
        switch signature.bind(input.schema, options) {
        case .success(let bound):
            return Plan(.tableFunction(name: signature.name, input: input, options: bound.options), schema: bound.schema)
        case .failure(let problem):
            let at = problem.option.flatMap { optionRanges[$0] } ?? inputRange
            report(.tableFunctionProblem(problem.message), at: at, notes: problem.notes.map { Note($0) })
            return nil
        }
    }
}
