@testable import CrmqSemantics

// Compact text forms of checked expressions and plans, for readable assertions:
//   columns as $index, literals as values (strings quoted, dates as date(...)), calls as name(args).

func show(_ e: BoundExpr) -> String {
    switch e.kind {
    case .column(let i): return "$\(i)"
    case .literal(let v): return show(v)
    case .call(let f, let args): return "\(f.rawValue)(" + args.map(show).joined(separator: ", ") + ")"
    }
}

func show(_ v: Value) -> String {
    switch v {
    case .null: "null"
    case .string(let s): "\"\(s)\""
    case .date: "date(\(v.exactText))"
    default: v.exactText
    }
}

func show(_ a: BoundAggregate) -> String {
    "\(a.function.rawValue)(" + a.arguments.map(show).joined(separator: ", ") + ")"
}

func show(_ k: SortKey) -> String { show(k.expr) + (k.descending ? " desc" : "") }

func show(_ p: Plan) -> String {
    switch p.kind {
    case .scan(let table): return "scan(\(table))"
    case .filter(let input, let predicate): return "filter(\(show(input)), \(show(predicate)))"
    case .project(let input, let exprs): return "project(\(show(input)), [\(exprs.map(show).joined(separator: ", "))])"
    case .sort(let input, let keys): return "sort(\(show(input)), [\(keys.map(show).joined(separator: ", "))])"
    case .limit(let input, let count): return "limit(\(show(input)), \(count))"
    case .topN(let input, let keys, let count):
        return "topN(\(show(input)), [\(keys.map(show).joined(separator: ", "))], \(count))"
    case .aggregate(let input, let keys, let aggregates):
        return "aggregate(\(show(input)), [\(keys.map(show).joined(separator: ", "))], "
            + "[\(aggregates.map(show).joined(separator: ", "))])"
    case .appendShare(let input, let of): return "share(\(show(input)), $\(of))"
    case .join(let left, let right, let keys, let kind, let rightColumns):
        return "join(\(show(left)), \(show(right)), [\(keys.map { "$\($0.left)=$\($0.right)" }.joined(separator: ", "))], "
            + "\(kind.rawValue), \(rightColumns))"
    case .distinct(let input): return "distinct(\(show(input)))"
    case .tableFunction(let name, let input, let options):
        return "\(name)(\(show(input))\(options.keys.sorted().map { ", \($0) = \(options[$0]!)" }.joined()))"
    case .definition(let name, _, let plan): return "definition \(name)(\(show(plan)))"
    case .window(let input, let groups, let order, let computations):
        let shown = computations.map { c -> String in
            switch c {
            case .function(let f):
                return f.function.rawValue + "(" + f.arguments.map(show).joined(separator: ", ")
                    + (f.parameter != 0 ? "; \(f.parameter)" : "") + ")"
            case .aggregate(let a): return show(a)
            }
        }
        return "window(\(show(input)), [\(groups.map(show).joined(separator: ", "))], "
            + "[\(order.map(show).joined(separator: ", "))], [\(shown.joined(separator: ", "))])"
    case .topNPerGroup(let input, let groups, let keys, let count):
        return "topNPerGroup(\(show(input)), [\(groups.map(show).joined(separator: ", "))], "
            + "[\(keys.map(show).joined(separator: ", "))], \(count))"
    }
}
