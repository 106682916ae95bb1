import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

// Stages -> plan nodes. Each stage sees the columns of the table flowing in.
//   where e              -> filter
//   select items         -> project
//   extend name = e, ... -> project of every input column plus the new ones
//   sort items           -> sort (ascending unless written)
//   take n               -> limit
//   top n by items       -> topN (descending unless written); with 'per': Windows.swift
//   window ...           -> Windows.swift
//   distinct items       -> distinct over a project of the items
//   count, summarize     -> Summarize.swift;  join -> Join.swift;  chart -> Charts.swift

extension CheckContext {
    func checkStage(_ stage: Stage, input: Plan) -> Plan? {
        let row = Scope.row(input.schema)
        switch stage.kind {
        case .where(let condition):
            guard let predicate = bind(condition, in: row) else { return nil }
            guard conversionCost(predicate, to: .bool) != nil, let bool = convert(predicate, to: .bool) else {
                report(.whereNeedsBool(text: shown(predicate), type: predicate.type), at: condition.range)
                return nil
            }
            return Plan(.filter(input, predicate: bool), schema: input.schema)
        case .select(let items):
            return project(items, input)
        case .extend(let items):
            return extend(items, input)
        case .sort(let items):
            guard let keys = sortKeys(items, in: row, descendingByDefault: false) else { return nil }
            return Plan(.sort(input, keys: keys), schema: input.schema)
        case .take(let count):
            guard let n = rowCount(count, stage: stage.name.name) else { return nil }
            return Plan(.limit(input, count: n), schema: input.schema)
        case .top(let count, let items, let per):
            let n = rowCount(count, stage: stage.name.name)
            let keys = sortKeys(items, in: row, descendingByDefault: true)
            guard let n, let keys else { return nil }
            if !per.isEmpty { return topPerGroup(count: n, keys: keys, per: per, input) }
            return Plan(.topN(input, keys: keys, count: n), schema: input.schema)
        case .window(let window):
            return self.window(window, input)
        case .distinct(let items):
            guard let projected = project(items, input) else { return nil }
            return Plan(.distinct(projected), schema: projected.schema)
        case .count(let by):
            return count(by: by, input, stage: stage)
        case .summarize(let items, let by):
            return summarize(items, by: by, input)
        case .join(let source, let keys, let kind):
            return join(source, on: keys, kind: kind, left: input)
        case .chart:
            // checkPipeline turns the last stage, 'chart', into a ChartSpec; it never gets here.
            return input
        }
    }

    private func project(_ items: [NamedExpr], _ input: Plan) -> Plan? {
        guard let columns = checkItems(items, in: .row(input.schema)),
            checkDistinctNames(columns.map { ($0.field.name, $0.nameRange) })
        else { return nil }
        return Plan(.project(input, columns.map(\.expr)), schema: Schema(columns.map(\.field)))
    }

    // Items are checked in order, each seeing the columns so far, so `extend a = x + 1, b = a * 2`
    // works; a reference to an earlier new column is replaced by that column's expression,
    // since the project computes everything from its input.
    private func extend(_ items: [NamedExpr], _ input: Plan) -> Plan? {
        var fields = input.schema.fields
        var exprs = fields.indices.map { BoundExpr(.column($0), type: fields[$0].type, range: SourceRange.at(0)) }
        var namedHere: [(name: String, range: SourceRange)] = []
        var failedNames: Set<String> = []
        var failed = false
        for item in items {
            guard let name = item.name else {
                reportUnnamed(item.expr)
                failed = true
                continue
            }
            namedHere.append((name.name, name.range))
            // An item using a column whose own definition failed is not reported again.
            if !failedNames.isDisjoint(with: referencedNames(item.expr)) {
                failedNames.insert(name.name)
                continue
            }
            guard let bound = bind(item.expr, in: .row(Schema(fields))) else {
                failedNames.insert(name.name)
                failed = true
                continue
            }
            let computed = inline(bound, exprs)
            if let i = fields.firstIndex(where: { $0.name == name.name }) {
                fields[i] = Field(name.name, bound.type)
                exprs[i] = computed
            } else {
                fields.append(Field(name.name, bound.type))
                exprs.append(computed)
            }
        }
        let distinct = checkDistinctNames(namedHere)
        guard !failed, failedNames.isEmpty, distinct else { return nil }
        return Plan(.project(input, exprs), schema: Schema(fields))
    }

    /// `expr` with each column reference replaced by `columns[index]`.
    private func inline(_ expr: BoundExpr, _ columns: [BoundExpr]) -> BoundExpr {
        switch expr.kind {
        case .column(let i):
            if case .column = columns[i].kind { return BoundExpr(columns[i].kind, type: expr.type, range: expr.range) }
            return columns[i]
        case .literal: return expr
        case .call(let f, let args):
            return BoundExpr(.call(f, args.map { inline($0, columns) }), type: expr.type, range: expr.range)
        }
    }

    /// Every plain name an expression mentions.
    func referencedNames(_ expr: Expr) -> Set<String> {
        switch expr.kind {
        case .literal, .subquery: return []
        case .name(let name): return [name]
        case .unary(_, let x), .isNull(let x, _): return referencedNames(x)
        case .binary(_, let l, let r): return referencedNames(l).union(referencedNames(r))
        case .call(_, let args): return args.reduce(into: []) { $0.formUnion(referencedNames($1)) }
        case .inList(let x, let items, _):
            return items.reduce(into: referencedNames(x)) { $0.formUnion(referencedNames($1)) }
        case .between(let x, let lo, let hi, _):
            return referencedNames(x).union(referencedNames(lo)).union(referencedNames(hi))
        }
    }

    private func sortKeys(_ items: [SortItem], in scope: Scope, descendingByDefault: Bool) -> [SortKey]? {
        let keys = items.map { item in
            bind(item.expr, in: scope).map { expr in
                SortKey(expr: expr, descending: item.direction.map { $0 == .descending } ?? descendingByDefault)
            }
        }
        let bound = keys.compactMap { $0 }
        return bound.count == keys.count ? bound : nil
    }

    /// The row count of `take` and `top`: a non-negative integer literal or scalar `let`.
    private func rowCount(_ expr: Expr, stage: String) -> Int? {
        guard let value = bind(expr, in: .scalar) else { return nil }
        guard case .literal(.int(let n)) = value.kind, n >= 0 else {
            report(.needsCount(stage: stage, text: shown(expr)), at: expr.range)
            return nil
        }
        return Int(n)
    }
}
