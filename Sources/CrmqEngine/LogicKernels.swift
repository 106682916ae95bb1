import CrmqSemantics

/// Kernels for SQL three-valued logic, null tests and the choosing functions (if, coalesce,
/// least, greatest), which are the ones that do not simply propagate nulls.
enum LogicKernels {
    static func call(_ fn: ScalarFunction, _ a: [Datum], _ cx: CallContext) throws(EngineError) -> Datum? {
        switch fn {
        case .and: return and(a[0], a[1], cx)
        case .or: return or(a[0], a[1], cx)
        case .not:
            let valid = a[0].valid
            if case .scalar(false) = valid { return .scalar(.null) }
            return makeDatum(.bool(map1(a[0].bools, cx.n) { !$0 }), valid)
        case .isNull, .isNotNull:
            let isNull = fn == .isNull
            switch a[0].valid {
            case .scalar(let v): return .scalar(.bool(v != isNull))
            case .array(let m): return .column(Column(.bool(map1(.array(m), cx.n) { $0 != isNull })))
            }
        case .ifThenElse:
            return select(definitelyTrue(a[0], cx.n), a[1], a[2], cx)
        case .coalesce:
            var acc = a[0]
            for next in a.dropFirst() {
                if case .scalar(true) = acc.valid { break }
                acc = select(acc.valid, acc, next, cx)
            }
            return acc
        case .least, .greatest:
            var acc = a[0]
            for next in a.dropFirst() {
                // Keep acc where it is non-null and next is null or not better; nulls are skipped.
                let better = definitelyTrue(
                    ComparisonKernels.compare(fn == .least ? .lessEqual : .greaterEqual, acc, next, cx), cx.n)
                let keep = map3(acc.valid, next.valid, better, cx.n) { $0 && (!$1 || $2) }
                acc = select(.array(keep), acc, next, cx)
            }
            return acc
        default:
            return nil
        }
    }

    /// Rows where a bool datum is true (not false, not null).
    static func definitelyTrue(_ d: Datum, _ n: Int) -> Vec<Bool> {
        switch (d.valid, d.bools) {
        case (.scalar(false), _): return .scalar(false)
        case (.scalar(true), let v): return v
        case (let valid, let v): return .array(map2(valid, v, n) { $0 && $1 })
        }
    }

    /// Rows where a bool datum is false (not true, not null).
    static func definitelyFalse(_ d: Datum, _ n: Int) -> Vec<Bool> {
        switch (d.valid, d.bools) {
        case (.scalar(false), _): return .scalar(false)
        case (.scalar(true), .scalar(let b)): return .scalar(!b)
        case (let valid, let v): return .array(map2(valid, v, n) { $0 && !$1 })
        }
    }

    /// SQL `and`: false if either is false, else null if either is null, else true.
    static func and(_ a: Datum, _ b: Datum, _ cx: CallContext) -> Datum {
        let aT = definitelyTrue(a, cx.n), bT = definitelyTrue(b, cx.n)
        let aF = definitelyFalse(a, cx.n), bF = definitelyFalse(b, cx.n)
        let value = map2(aT, bT, cx.n) { $0 && $1 }
        let known = map3(aF, bF, andValid(a.valid, b.valid, cx.n), cx.n) { $0 || $1 || $2 }
        return makeDatum(.bool(value), .array(known))
    }

    /// SQL `or`: true if either is true, else null if either is null, else false.
    static func or(_ a: Datum, _ b: Datum, _ cx: CallContext) -> Datum {
        let aT = definitelyTrue(a, cx.n), bT = definitelyTrue(b, cx.n)
        let value = map2(aT, bT, cx.n) { $0 || $1 }
        let known = map3(aT, bT, andValid(a.valid, b.valid, cx.n), cx.n) { $0 || $1 || $2 }
        return makeDatum(.bool(value), .array(known))
    }

    /// Per row, `a` where `cond` holds, else `b`. String operands with different dictionaries
    /// are remapped into one.
    static func select(_ cond: Vec<Bool>, _ a: Datum, _ b: Datum, _ cx: CallContext) -> Datum {
        if case .scalar(let c) = cond { return c ? a : b }
        let n = cx.n
        let valid: Vec<Bool> = .array(map3(cond, a.valid, b.valid, n) { $0 ? $1 : $2 })
        @inline(__always) func pick<T>(_ x: Vec<T>, _ y: Vec<T>) -> [T] { map3(cond, x, y, n) { $0 ? $1 : $2 } }
        switch cx.type {
        case .int: return makeDatum(.int(pick(a.ints, b.ints)), valid)
        case .double: return makeDatum(.double(pick(a.doubles, b.doubles)), valid)
        case .date: return makeDatum(.date(pick(a.dates, b.dates)), valid)
        case .bool: return makeDatum(.bool(pick(a.bools, b.bools)), valid)
        case .null: return .scalar(.null)
        case .string, .category:
            // A null operand contributes no string; its rows are null whatever code they hold.
            let present = [a, b].filter { !$0.isNullScalar }
            let (dict, vecs) = unifiedStrings(present.map(\.strings), n: n)
            let x = a.isNullScalar ? Vec<Int32>.scalar(0) : vecs[0]
            let y = b.isNullScalar ? Vec<Int32>.scalar(0) : vecs[present.count - 1]
            return makeDatum(.string(codes: pick(x, y), dictionary: dict), valid)
        }
    }
}
