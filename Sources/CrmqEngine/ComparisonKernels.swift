import CrmqSemantics

/// Kernels for the six comparisons and `in`. Null in gives null out (`in` follows SQL: a
/// match is true, otherwise a null anywhere gives null).
enum ComparisonKernels {
    static func call(_ fn: ScalarFunction, _ a: [Datum], _ cx: CallContext) throws(EngineError) -> Datum? {
        switch fn {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return compare(fn, a[0], a[1], cx)
        case .inList:
            return inList(a[0], Array(a.dropFirst()), cx)
        default:
            return nil
        }
    }

    /// The type two operands are compared as: a column's type wins over a literal's.
    static func operandType(_ a: Datum, _ b: Datum) -> DataType {
        for d in [a, b] { if case .column(let c) = d, c.type != .null { return c.type } }
        for d in [a, b] { if case .scalar(let v) = d, !v.isNull { return v.type } }
        return .null
    }

    static func compare(_ op: ScalarFunction, _ a: Datum, _ b: Datum, _ cx: CallContext) -> Datum {
        let valid = andValid(a.valid, b.valid, cx.n)
        if case .scalar(false) = valid { return .scalar(.null) }
        let out: [Bool]
        switch operandType(a, b) {
        case .int: out = compareVecs(op, a.ints, b.ints, cx.n)
        case .double: out = compareVecs(op, a.doubles, b.doubles, cx.n)
        case .date: out = compareVecs(op, a.dates, b.dates, cx.n)
        case .bool: out = compareVecs(op, bytes(a.bools, cx.n), bytes(b.bools, cx.n), cx.n)
        case .string: out = compareStrings(op, a.strings, b.strings, cx.n)
        case .category(let category): out = compareLevels(op, a.strings, b.strings, category, cx.n)
        case .null: return .scalar(.null)
        }
        return makeDatum(.bool(out), valid)
    }

    static func bytes(_ v: Vec<Bool>, _ n: Int) -> Vec<UInt8> {
        switch v {
        case .scalar(let b): .scalar(b ? 1 : 0)
        case .array(let a): .array(map1(.array(a), n) { $0 ? 1 : 0 })
        }
    }

    static func compareVecs<T: Comparable>(_ op: ScalarFunction, _ a: Vec<T>, _ b: Vec<T>, _ n: Int) -> [Bool] {
        switch op {
        case .equal: compared(a, b, n, Equal.self)
        case .notEqual: compared(a, b, n, NotEqual.self)
        case .less: compared(a, b, n, Less.self)
        case .lessEqual: compared(a, b, n, LessEqual.self)
        case .greater: compared(a, b, n, Greater.self)
        default: compared(a, b, n, GreaterEqual.self)
        }
    }

    /// The comparison row by row, on every core for long columns. The operator is a type
    /// rather than a closure so that it is still inlined in the loop each core runs.
    static func compared<T: Comparable, C: Comparison>(_ a: Vec<T>, _ b: Vec<T>, _ n: Int, _: C.Type) -> [Bool] {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            return [Bool](repeating: C.holds(x, y), count: n)
        case (.array(let xs), .scalar(let y)):
            return xs.withUnsafeBufferPointer { x in
                Parallel.array(n) { out, rows in
                    for i in rows { out.initializeElement(at: i, to: C.holds(x[i], y)) }
                }
            }
        case (.scalar(let x), .array(let ys)):
            return ys.withUnsafeBufferPointer { y in
                Parallel.array(n) { out, rows in
                    for i in rows { out.initializeElement(at: i, to: C.holds(x, y[i])) }
                }
            }
        case (.array(let xs), .array(let ys)):
            return xs.withUnsafeBufferPointer { x in
                ys.withUnsafeBufferPointer { y in
                    Parallel.array(n) { out, rows in
                        for i in rows { out.initializeElement(at: i, to: C.holds(x[i], y[i])) }
                    }
                }
            }
        }
    }

    /// One comparison of two strings by UTF-8 bytes.
    static func compareStrings(_ op: ScalarFunction, _ x: String, _ y: String) -> Bool {
        switch op {
        case .equal: utf8Equal(x, y)
        case .notEqual: !utf8Equal(x, y)
        case .less: utf8Less(x, y)
        case .lessEqual: !utf8Less(y, x)
        case .greater: utf8Less(y, x)
        default: !utf8Less(x, y)
        }
    }

    /// String comparisons never compare strings per row: against a literal, each dictionary
    /// entry is compared once and rows look their code up; between columns, codes map to
    /// shared byte-order ranks.
    static func compareStrings(_ op: ScalarFunction, _ a: StringOperand, _ b: StringOperand, _ n: Int) -> [Bool] {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            return [Bool](repeating: compareStrings(op, x, y), count: n)
        case (.column(let codes, let d), .scalar(let s)):
            if op == .equal || op == .notEqual {
                let matches = d.values.indices.filter { utf8Equal(d.values[$0], s) }
                if matches.count <= 1 {
                    let code = Int32(matches.first ?? -1)
                    return op == .equal
                        ? map1(.array(codes), n) { $0 == code } : map1(.array(codes), n) { $0 != code }
                }
            }
            let table = d.values.map { compareStrings(op, $0, s) }
            return table.withUnsafeBufferPointer { t in map1(.array(codes), n) { t[Int($0)] } }
        case (.scalar(let s), .column(let codes, let d)):
            let table = d.values.map { compareStrings(op, s, $0) }
            return table.withUnsafeBufferPointer { t in map1(.array(codes), n) { t[Int($0)] } }
        case (.column(let ca, let da), .column(let cb, let db)):
            let ranks = StringRanks([da, db])
            let ra = ranks.ranks[0].withUnsafeBufferPointer { r in map1(.array(ca), n) { r[Int($0)] } }
            let rb = ranks.ranks[1].withUnsafeBufferPointer { r in map1(.array(cb), n) { r[Int($0)] } }
            return compareVecs(op, .array(ra), .array(rb), n)
        }
    }

    /// Comparisons of a category by level: the codes of its columns are ranks, and a string
    /// (a level, as the checker made sure) is compared through its rank. Anything else (a
    /// string that is no level) falls back to comparing text.
    static func compareLevels(
        _ op: ScalarFunction, _ a: StringOperand, _ b: StringOperand, _ category: CategoryType, _ n: Int
    ) -> [Bool] {
        func ranks(_ x: StringOperand) -> Vec<Int32>? {
            switch x {
            case .column(let codes, let d): d.holdsLevels(of: category) ? .array(codes) : nil
            case .scalar(let s): category.rank(of: s).map { .scalar(Int32($0)) }
            }
        }
        guard let ra = ranks(a), let rb = ranks(b) else { return compareStrings(op, a, b, n) }
        return compareVecs(op, ra, rb, n)
    }

    /// x in (a, b, ...) is x == a or x == b or ..., with SQL's three-valued `or`.
    static func inList(_ x: Datum, _ items: [Datum], _ cx: CallContext) -> Datum {
        // A string column against string literals: one membership test per dictionary entry.
        if case .column(let c) = x, !c.isCompact, case .string(let codes, let d) = c.values,
            items.allSatisfy({ if case .scalar(.string) = $0 { true } else { false } })
        {
            let literals = items.compactMap { if case .scalar(.string(let s)) = $0 { s } else { nil } }
            let table = d.values.map { v in literals.contains { utf8Equal($0, v) } }
            let out = table.withUnsafeBufferPointer { t in map1(.array(codes), cx.n) { t[Int($0)] } }
            return makeDatum(.bool(out), x.valid)
        }
        var acc: Datum = .scalar(.bool(false))
        for item in items {
            acc = LogicKernels.or(acc, compare(.equal, x, item, cx), cx)
        }
        return acc
    }
}

/// A comparison operator as a type (see `ComparisonKernels.compared`).
protocol Comparison {
    static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool
}

enum Equal: Comparison {
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b }
}

enum NotEqual: Comparison {
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b }
}

enum Less: Comparison {
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b }
}

enum LessEqual: Comparison {
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b }
}

enum Greater: Comparison {
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b }
}

enum GreaterEqual: Comparison {
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b }
}
