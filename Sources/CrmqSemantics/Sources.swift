import CrmqSource
import CrmqSyntax
import CrmqDiagnostics

/// A checked pipeline: rows, or (a pipeline with no stages whose source is no table)
/// one value computed over no columns.
enum CheckedPipeline {
    case table(Plan)
    case scalar(BoundExpr)
}

/// Table functions (`rfm(transactions)`, `cohorts(transactions)`, ...): calls that produce a
/// table and can only be a pipeline's source. Each entry checks its own arguments and
/// returns its plan; adding one means adding an entry here (and a plan node it can use).
enum TableFunctions {
    typealias Checker = @Sendable (CheckContext, _ name: Identifier, _ arguments: [Expr], _ range: SourceRange) -> Plan?

    static let checkers: [String: Checker] = [:]

    static var names: [String] { checkers.keys.sorted() }
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
                guard let next = checkStage(stage, input: plan) else { return nil }
                plan = next
            }
            return .table(plan)
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
            return checkPipeline(inner)
        case .call(let name, let arguments) where FunctionCatalog.function(named: name.name) == nil:
            if let checker = TableFunctions.checkers[name.name] {
                return checker(self, name, arguments, source.range).map { .table($0) }
            }
            // A typo of a scalar function is more likely than of a table function when nothing follows.
            let scalarNames = hasStages ? [] : FunctionCatalog.names
            let useAll = !Suggestions.closest(to: name.name, among: TableFunctions.names + scalarNames).isEmpty
            reportUnknown(
                .unknownTableFunction(name.name), name: name.name, at: name.range,
                among: useAll ? TableFunctions.names + scalarNames : TableFunctions.names, kind: "table function")
            return nil
        default:
            return bind(source, in: .scalar).map { .scalar($0) }
        }
    }
}
