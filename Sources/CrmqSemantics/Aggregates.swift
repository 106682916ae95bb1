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
        if case .derived(let kind, _) = info.rule, kind == .retentionRate || kind == .churnRate,
            let period = arguments.first
        {
            return periodRate(kind, fname, period, range: range, collector)
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

    // The CRM rates read the input's `churned` column (0/1 or true/false); nps reads a 0-10 score.
    private func derived(
        _ kind: DerivedAggregate, _ fname: String, _ args: [BoundExpr], range: SourceRange, _ collector: any AggregateSink
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

// retention_rate(months = 12), retention_rate(from = date("2024-01-01")), and churn_rate the same.
extension CheckContext {
    /// The rate over a period from `start` to the as-of date: of the customers at the start
    /// (signed up by then or signup unknown, churned known, and not churned before it), the
    /// share not churned (retention) or churned (churn) at the as-of date. The input's
    /// `churned` is as of the as-of date already (the session's customers are). A churn
    /// without churn_date counts as one in the period, as in clv's yearly rate.
    fileprivate func periodRate(
        _ kind: DerivedAggregate, _ fname: String, _ period: Expr, range: SourceRange, _ collector: any AggregateSink
    ) -> BoundExpr? {
        guard case .binary(.equal, let key, let value) = period.kind, case .name(let option) = key.kind,
            ["months", "from"].contains(option), let bound = bind(value, in: .scalar), case .literal(let v) = bound.kind
        else {
            report(.ratePeriod(function: fname), at: period.range)
            return nil
        }
        guard let asOf = catalog.asOf else {
            report(.ratePeriodNeedsAsOf(function: fname), at: period.range)
            return nil
        }
        let start: BoundExpr
        switch (option, v) {
        case ("months", .int(let m)) where m > 0 && m <= 1200:
            start = .call(.addMonths, [.literal(.date(asOf), range: range), .literal(.int(-m), range: range)],
                          type: .date, range: range)
        case ("from", .date(let d)):
            start = .literal(.date(d), range: range)
        default:
            report(.ratePeriod(function: fname), at: period.range)
            return nil
        }
        let input = collector.input
        guard let c = input.index(of: "churned"), [.int, .double, .bool].contains(input[c].type) else {
            report(.missingColumn(function: fname, column: "churned"), at: range)
            return nil
        }
        func column(_ name: String) -> BoundExpr? {
            guard let i = input.index(of: name), input[i].type == .date else { return nil }
            return BoundExpr(.column(i), type: .date, range: range)
        }
        func call(_ f: ScalarFunction, _ args: BoundExpr...) -> BoundExpr { .call(f, args, type: .bool, range: range) }
        let no = BoundExpr.literal(.bool(false), range: range), yes = BoundExpr.literal(.bool(true), range: range)
        let churnedColumn = BoundExpr(.column(c), type: input[c].type, range: range)
        let churned: BoundExpr = switch input[c].type {
        case .bool: churnedColumn
        case .int: call(.notEqual, churnedColumn, .literal(.int(0), range: range))
        default: call(.notEqual, churnedColumn, .literal(.double(0), range: range))
        }
        var inBase = call(.isNotNull, churnedColumn)
        if let signup = column("signup_date") {
            inBase = call(.and, inBase, call(.coalesce, call(.lessEqual, signup, start), yes))
        }
        if let churnDate = column("churn_date") {
            let goneBefore = call(.and, churned, call(.coalesce, call(.less, churnDate, start), no))
            inBase = call(.and, inBase, call(.not, goneBefore))
        }
        let outcome = kind == .churnRate ? churned : call(.not, churned)
        let perCustomer = BoundExpr.call(
            .ifThenElse, [inBase, outcome, BoundExpr(.literal(.null), type: .bool, range: range)], type: .bool, range: range)
        let label = "\(fname)(\(text(period.range)))"
        return collector.column(
            for: BoundAggregate(function: .avg, arguments: [perCustomer], type: .double, range: range), label: label)
    }
}
