import CrmqDiagnostics
import CrmqSource
import CrmqSyntax

// Aggregate calls. They are allowed only in the items of `summarize`, where each call
// becomes a column of the aggregate node (AggregateCollector) and the item is computed
// from those columns and the `by` keys. Their arguments see the input rows, without aggregates.

extension CheckContext {
    func bindAggregate(
        _ info: FunctionInfo, _ fname: String, _ arguments: [Expr], range: SourceRange, in scope: Scope
    ) -> BoundExpr? {
        let collector: any AggregateSink
        switch scope.aggregates {
        case .outsideSummarize:
            report(.aggregateOutsideSummarize(fname), at: range)
            return nil
        case .inBy:
            report(.aggregateInBy(fname), at: range)
            return nil
        case .inside(let outer):
            report(.nestedAggregate(inner: fname, outer: outer), at: range)
            return nil
        case .insideWindow(let outer):
            report(.nestedWindow(inner: "aggregate '\(fname)'", outer: "window function '\(outer)'"), at: range)
            return nil
        case .inWindowKeys(let clause):
            report(.windowKey(kind: "aggregate", name: fname, clause: clause), at: range)
            return nil
        case .collect(let c):
            collector = c
        case .window(let w):
            collector = w
        }
        if case .defined(let definition) = info.rule {
            return bindDefined(definition, fname, arguments, range: range, in: scope, collector: collector)
        }
        // In a definition's body (scope.expansion), each aggregate is labelled after the call
        // and points at it: see bindDefined.
        let collecting: any AggregateSink = scope.expansion.map { ExpansionSink(base: collector, expansion: $0) }
            ?? collector
        let inner = Scope(columns: .row(collector.input), aggregates: .inside(fname), parameters: scope.parameters)
        let bound = arguments.map { bind($0, in: inner) }
        let args = bound.compactMap { $0 }
        guard args.count == bound.count else { return nil }
        let label = "\(fname)(" + arguments.map { text($0.range) }.joined(separator: ", ") + ")"

        switch info.rule {
        case .aggregate(let overloads):
            let candidates = overloads.filter { $0.parameters.count == args.count }
            // min and max of a category pick by level and keep the category.
            if let category = args.first?.type, category.category != nil,
                let extreme = candidates.first(where: { [.min, .max].contains($0.function) })
            {
                let aggregate = BoundAggregate(function: extreme.function, arguments: args, type: category, range: range)
                return collecting.column(for: aggregate, label: label)
            }
            let chosen = candidates.first { overload in
                zip(args, overload.parameters).allSatisfy { arg, p in p == nil || arg.type == p || arg.type == .null }
            }
            guard let chosen else {
                reportArgumentMismatch(fname, candidates.map(\.parameters), args)
                return nil
            }
            let typed = zip(args, chosen.parameters).map { arg, p in p.map { convert(arg, to: $0)! } ?? arg }
            let aggregate = BoundAggregate(function: chosen.function, arguments: typed, type: chosen.result, range: range)
            return collecting.column(for: aggregate, label: label)
        case .percentile:
            return percentile(fname, args[0], fraction: arguments[1], label: label, range: range, collecting)
        default:
            return nil
        }
    }

    private func percentile(
        _ fname: String, _ x: BoundExpr, fraction: Expr, label: String, range: SourceRange, _ collector: any AggregateSink
    ) -> BoundExpr? {
        guard x.type.isNumeric || x.type == .null else {
            report(.argumentType(function: fname, position: 1, expected: "a number", text: shown(x), type: x.type),
                   at: x.range)
            return nil
        }
        var p: Double?
        switch fraction.kind {
        case .literal(.integer(let v)): p = Double(v)
        case .literal(.decimal(let text)): p = Double(text)
        default: p = nil
        }
        guard let p, p >= 0, p <= 1 else {
            report(.percentileFraction(shown(fraction)), at: fraction.range)
            return nil
        }
        let arguments = [convert(x, to: concrete(x.type))!, BoundExpr.literal(.double(p), range: fraction.range)]
        let aggregate = BoundAggregate(function: .percentile, arguments: arguments, type: .double, range: range)
        return collector.column(for: aggregate, label: label)
    }
}

/// The sink of a defined aggregate's body: labels its aggregates after the call
/// (`retention_rate(months = 12): avg(...)`, so two calls with other arguments stay apart and
/// one call written twice is computed once) and points them at the call.
final class ExpansionSink: AggregateSink {
    let base: any AggregateSink
    let expansion: Scope.Expansion

    init(base: any AggregateSink, expansion: Scope.Expansion) {
        self.base = base
        self.expansion = expansion
    }

    var input: Schema { base.input }

    func column(for aggregate: BoundAggregate, label: String) -> BoundExpr {
        base.column(for: aggregate.relocated(to: expansion.range), label: "\(expansion.label): \(label)")
    }
}
