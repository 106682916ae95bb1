import CrmqSemantics

/// Evaluates bound expressions over one table, a whole column at a time. Literals stay
/// scalars; a function of scalars runs its kernel over one row and stays a scalar, so there
/// is a single evaluator for columns and constants alike.
struct ExpressionEvaluator {
    let table: Table
    let cancellation: CancellationFlag

    func evaluate(_ e: BoundExpr) throws(EngineError) -> Datum {
        try cancellation.check()
        switch e.kind {
        case .column(let i):
            let c = table.columns[i]
            if c.isNullType { return .scalar(.null) }
            return .column(c)
        case .literal(let v):
            return .scalar(coerce(v, to: e.type))
        case .call(let fn, let argExprs):
            var args: [Datum] = []
            args.reserveCapacity(argExprs.count)
            for a in argExprs { args.append(try evaluate(a)) }
            if args.allSatisfy(\.isScalar) {
                let one = zip(args, argExprs).map { d, a in Datum.column(materialize(d, type: a.type, count: 1)) }
                let cx = CallContext(n: 1, type: e.type, range: e.range)
                return .scalar(coerce(try call(fn, one, cx).firstValue ?? .null, to: e.type))
            }
            return try call(fn, args, CallContext(n: table.rowCount, type: e.type, range: e.range))
        }
    }

    /// The value of the expression for every row, as a column of its type.
    func column(_ e: BoundExpr) throws(EngineError) -> Column {
        materialize(try evaluate(e), type: e.type, count: table.rowCount)
    }

    func call(_ fn: ScalarFunction, _ args: [Datum], _ cx: CallContext) throws(EngineError) -> Datum {
        let d = try kernel(fn, args, cx)
        // A text result takes the dictionary of its type (a category's levels, or none).
        if cx.type.isText, case .column(let c) = d { return .column(conformed(c, to: cx.type)) }
        return d
    }

    private func kernel(_ fn: ScalarFunction, _ args: [Datum], _ cx: CallContext) throws(EngineError) -> Datum {
        if let d = try ArithmeticKernels.call(fn, args, cx) { return d }
        if let d = try ComparisonKernels.call(fn, args, cx) { return d }
        if let d = try LogicKernels.call(fn, args, cx) { return d }
        if let d = try DateKernels.call(fn, args, cx) { return d }
        if let d = try StringColumnKernels.call(fn, args, cx, cancel: cancellation) { return d }
        if let f = stringFunction(fn, cx) { return try perDistinct(args, cx, cancel: cancellation, f) }
        preconditionFailure("no kernel for \(fn)")
    }
}
