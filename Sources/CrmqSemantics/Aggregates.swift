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
        let collector: AggregateCollector
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
        case .collect(let c):
            collector = c
        }
        let inner = Scope(columns: .row(collector.input), aggregates: .inside(fname))
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
                return collector.column(for: aggregate, label: label)
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
            return collector.column(for: aggregate, label: label)
        case .percentile:
            return percentile(fname, args[0], fraction: arguments[1], label: label, range: range, collector)
        case .derived(let kind, _):
            return derived(kind, fname, args, range: range, collector)
        default:
            return nil
        }
    }

    private func percentile(
        _ fname: String, _ x: BoundExpr, fraction: Expr, label: String, range: SourceRange, _ collector: AggregateCollector
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

    // The CRM rates read the input's `churned` column (0/1 or true/false); nps reads a 0-10 score.
    private func derived(
        _ kind: DerivedAggregate, _ fname: String, _ args: [BoundExpr], range: SourceRange, _ collector: AggregateCollector
    ) -> BoundExpr? {
        func avg(_ x: BoundExpr, label: String) -> BoundExpr {
            collector.column(for: BoundAggregate(function: .avg, arguments: [x], type: .double, range: range), label: label)
        }
        func double(_ v: Double) -> BoundExpr { .literal(.double(v), range: range) }
        switch kind {
        case .churnRate, .retentionRate:
            guard let i = collector.input.index(of: "churned"),
                [.int, .double, .bool].contains(collector.input[i].type)
            else {
                report(.missingColumn(function: fname, column: "churned"), at: range)
                return nil
            }
            let churned = avg(BoundExpr(.column(i), type: collector.input[i].type, range: range), label: "avg(churned)")
            if kind == .churnRate { return churned }
            return .call(.subtract, [double(1), churned], type: .double, range: range)
        case .nps:
            let score = args[0]
            guard score.type.isNumeric || score.type == .null else {
                report(.argumentType(function: fname, position: 1, expected: "a number", text: shown(score),
                                     type: score.type), at: score.range)
                return nil
            }
            let type = concrete(score.type)
            let x = convert(score, to: type)!
            func threshold(_ v: Int64) -> BoundExpr {
                type == .int ? .literal(.int(v), range: range) : double(Double(v))
            }
            let written = text(score.range)
            let promoters = avg(.call(.greaterEqual, [x, threshold(9)], type: .bool, range: range),
                                label: "avg(\(written) >= 9)")
            let detractors = avg(.call(.lessEqual, [x, threshold(6)], type: .bool, range: range),
                                 label: "avg(\(written) <= 6)")
            let difference = BoundExpr.call(.subtract, [promoters, detractors], type: .double, range: range)
            return .call(.multiply, [double(100), difference], type: .double, range: range)
        case .repeatRate:
            // Buyers only: rows with frequency 0 (or null) give null, which avg skips.
            guard let i = collector.input.index(of: "frequency"), collector.input[i].type.isNumeric else {
                report(.missingColumn(function: fname, column: "frequency"), at: range, notes: [
                    Note("customers has frequency when transactions are loaded, and so does rfm(transactions)"),
                ])
                return nil
            }
            let type = collector.input[i].type
            let frequency = BoundExpr(.column(i), type: type, range: range)
            func atLeast(_ v: Int64) -> BoundExpr {
                let bound: BoundExpr = type == .int ? .literal(.int(v), range: range) : double(Double(v))
                return .call(.greaterEqual, [frequency, bound], type: .bool, range: range)
            }
            let again = BoundExpr.call(
                .ifThenElse, [atLeast(1), atLeast(2), BoundExpr(.literal(.null), type: .bool, range: range)],
                type: .bool, range: range)
            return avg(again, label: "avg(if(frequency >= 1, frequency >= 2, null))")
        }
    }
}
