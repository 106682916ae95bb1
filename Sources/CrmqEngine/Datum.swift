import CrmqSemantics
import CrmqSource

/// An operand or result while an expression is evaluated: a whole column, or one value that
/// stands for every row (a literal, or a function of literals) and is never materialised.
enum Datum {
    case column(Column)
    case scalar(Value)

    var scalarValue: Value? { if case .scalar(let v) = self { v } else { nil } }
    var isScalar: Bool { scalarValue != nil }
    var isNullScalar: Bool { if case .scalar(.null) = self { true } else { false } }
}

/// The typed values of one operand: one per row, or a single value standing for all rows.
enum Vec<T> {
    case array([T])
    case scalar(T)
}

/// The facts a kernel needs besides its operands: the row count, and the expression's
/// result type and source range (for runtime errors).
struct CallContext {
    var n: Int
    var type: DataType
    var range: SourceRange

    func error(_ message: EngineMessage) -> EngineError { .runtime(message, range: range) }
}

// MARK: - Typed views of a datum (the checker guarantees the types; mismatches read as null).

extension Datum {
    /// Which rows are non-null.
    var valid: Vec<Bool> {
        switch self {
        case .scalar(let v): return .scalar(!v.isNull)
        case .column(let c):
            if c.isNullType { return .scalar(false) }
            if let m = c.validity { return .array(m) }
            return .scalar(true)
        }
    }

    var ints: Vec<Int64> {
        switch self {
        case .scalar(.int(let v)): return .scalar(v)
        case .scalar(.bool(let b)): return .scalar(b ? 1 : 0)
        case .scalar: return .scalar(0)
        case .column(let c):
            switch c.values {
            case .int(let a): return .array(a)
            case .bool(let a): return .array(a.map { $0 ? 1 : 0 })
            default: return .scalar(0)
            }
        }
    }

    var doubles: Vec<Double> {
        switch self {
        case .scalar(.double(let v)): return .scalar(v)
        case .scalar(.int(let v)): return .scalar(Double(v))
        case .scalar(.bool(let b)): return .scalar(b ? 1 : 0)
        case .scalar: return .scalar(0)
        case .column(let c):
            switch c.values {
            case .double(let a): return .array(a)
            case .int(let a): return .array(a.map { Double($0) })
            case .bool(let a): return .array(a.map { $0 ? 1 : 0 })
            default: return .scalar(0)
            }
        }
    }

    var dates: Vec<Int32> {
        switch self {
        case .scalar(.date(let v)): return .scalar(v)
        case .scalar(.string(let s)): return .scalar(CivilDate.parse(s)?.days ?? 0)
        case .scalar: return .scalar(0)
        case .column(let c):
            if !c.isCompact, case .date(let a) = c.values { return .array(a) }
            return .scalar(0)
        }
    }

    var bools: Vec<Bool> {
        switch self {
        case .scalar(.bool(let v)): return .scalar(v)
        case .scalar: return .scalar(false)
        case .column(let c):
            if !c.isCompact, case .bool(let a) = c.values { return .array(a) }
            return .scalar(false)
        }
    }

    /// Codes and dictionary of a string column, or the string of a scalar.
    var strings: StringOperand {
        switch self {
        case .scalar(.string(let s)): return .scalar(s)
        case .scalar(let v): return .scalar(v.isNull ? "" : v.exactText)
        case .column(let c):
            if !c.isCompact, case .string(let codes, let d) = c.values { return .column(codes, d) }
            return .scalar("")
        }
    }
}

/// A string operand: dictionary codes per row, or one string for all rows.
enum StringOperand {
    case column([Int32], StringDictionary)
    case scalar(String)
}

// MARK: - Element-wise loops. Inlined so that each caller's closure is specialised into a tight loop.
// They stay on one thread: run on several, the closure is no longer inlined into the loop, and
// an indirect call per row made a 1M-row `extend` 3x slower on two cores than on one.

@inline(__always)
func map1<A, R>(_ a: Vec<A>, _ n: Int, _ f: (A) -> R) -> [R] {
    switch a {
    case .scalar(let x):
        return [R](repeating: f(x), count: n)
    case .array(let xs):
        return [R](unsafeUninitializedCapacity: n) { out, count in
            xs.withUnsafeBufferPointer { x in
                for i in 0..<n { out.initializeElement(at: i, to: f(x[i])) }
            }
            count = n
        }
    }
}

@inline(__always)
func map2<A, B, R>(_ a: Vec<A>, _ b: Vec<B>, _ n: Int, _ f: (A, B) -> R) -> [R] {
    switch (a, b) {
    case (.scalar(let x), .scalar(let y)):
        return [R](repeating: f(x, y), count: n)
    case (.array(let xs), .scalar(let y)):
        return [R](unsafeUninitializedCapacity: n) { out, count in
            xs.withUnsafeBufferPointer { x in
                for i in 0..<n { out.initializeElement(at: i, to: f(x[i], y)) }
            }
            count = n
        }
    case (.scalar(let x), .array(let ys)):
        return [R](unsafeUninitializedCapacity: n) { out, count in
            ys.withUnsafeBufferPointer { y in
                for i in 0..<n { out.initializeElement(at: i, to: f(x, y[i])) }
            }
            count = n
        }
    case (.array(let xs), .array(let ys)):
        return [R](unsafeUninitializedCapacity: n) { out, count in
            xs.withUnsafeBufferPointer { x in
                ys.withUnsafeBufferPointer { y in
                    for i in 0..<n { out.initializeElement(at: i, to: f(x[i], y[i])) }
                }
            }
            count = n
        }
    }
}

@inline(__always)
func map3<A, B, C, R>(_ a: Vec<A>, _ b: Vec<B>, _ c: Vec<C>, _ n: Int, _ f: (A, B, C) -> R) -> [R] {
    // Three operands are rare (if, substring, date parts); one pass through subscripting is enough.
    @inline(__always) func at<T>(_ v: Vec<T>, _ i: Int) -> T {
        switch v {
        case .scalar(let x): x
        case .array(let a): a[i]
        }
    }
    return [R](unsafeUninitializedCapacity: n) { out, count in
        for i in 0..<n { out.initializeElement(at: i, to: f(at(a, i), at(b, i), at(c, i))) }
        count = n
    }
}

/// The first row (if any) where both operands are valid and `p` holds; for data-dependent errors.
@inline(__always)
func firstRow<A, B>(_ a: Vec<A>, _ b: Vec<B>, valid: Vec<Bool>, _ n: Int, _ p: (A, B) -> Bool) -> Int? {
    if case .scalar(false) = valid { return nil }
    let hits = map2(a, b, n, p)
    switch valid {
    case .scalar: return hits.firstIndex(of: true)
    case .array(let m):
        for i in 0..<n where hits[i] && m[i] { return i }
        return nil
    }
}

// MARK: - Validity.

/// Rows valid in both.
func andValid(_ a: Vec<Bool>, _ b: Vec<Bool>, _ n: Int) -> Vec<Bool> {
    switch (a, b) {
    case (.scalar(false), _), (_, .scalar(false)): return .scalar(false)
    case (.scalar(true), let v), (let v, .scalar(true)): return v
    default: return .array(map2(a, b, n) { $0 && $1 })
    }
}

func andValid(_ vs: [Vec<Bool>], _ n: Int) -> Vec<Bool> {
    vs.reduce(.scalar(true)) { andValid($0, $1, n) }
}

/// A datum from computed values and their validity; all-null becomes a null scalar.
func makeDatum(_ values: ColumnValues, _ valid: Vec<Bool>) -> Datum {
    switch valid {
    case .scalar(false): return .scalar(.null)
    case .scalar(true): return .column(Column(values))
    case .array(let m): return .column(Column(values, validity: m))
    }
}

// MARK: - Finite doubles.

/// Doubles with every non-finite value (NaN, ±infinity) made null: crmq's doubles are
/// always finite numbers, so results print, save and read back, and sorting, grouping and
/// min/max never meet NaN. The common case (all finite) costs one scan.
func finiteDatum(_ values: [Double], _ valid: Vec<Bool>, _ n: Int) -> Datum {
    if case .scalar(false) = valid { return .scalar(.null) }
    guard values.contains(where: { !$0.isFinite }) else { return makeDatum(.double(values), valid) }
    let finite = values.map { $0.isFinite }
    return makeDatum(.double(values.map { $0.isFinite ? $0 : 0 }), andValid(valid, .array(finite), n))
}

extension Column {
    /// The column with non-finite doubles made null (other types unchanged).
    func finite() -> Column {
        guard !self.isCompact, case .double(let values) = self.values, values.contains(where: { !$0.isFinite }) else { return self }
        var valid = validity ?? [Bool](repeating: true, count: values.count)
        for (i, v) in values.enumerated() where !v.isFinite { valid[i] = false }
        return Column(.double(values.map { $0.isFinite ? $0 : 0 }), validity: valid)
    }
}

// MARK: - Materialising.

/// A value converted to `type` where the checker may have left a literal in another form
/// (an int literal where a double is expected, an ISO string where a date is).
func coerce(_ v: Value, to type: DataType) -> Value {
    switch (v, type) {
    case (.int(let i), .double): return .double(Double(i))
    case (.string(let s), .date): return CivilDate.parse(s).map { .date($0.days) } ?? v
    default: return v
    }
}

/// A column of `count` nulls of a given type.
func nullColumn(_ type: DataType, count: Int) -> Column {
    let none = [Bool](repeating: false, count: count)
    switch type {
    case .int: return Column(.int(Array(repeating: 0, count: count)), validity: none)
    case .double: return Column(.double(Array(repeating: 0, count: count)), validity: none)
    case .bool: return Column(.bool(Array(repeating: false, count: count)), validity: none)
    case .date: return Column(.date(Array(repeating: 0, count: count)), validity: none)
    case .string:
        return Column(
            .string(codes: Array(repeating: 0, count: count), dictionary: StringDictionary([""])), validity: none)
    case .category(let category):
        return Column(
            .string(codes: Array(repeating: 0, count: count), dictionary: .levels(of: category)), validity: none)
    case .null: return Column(.null(count: count))
    }
}

/// A string column as the text type the checker gave it: a category's dictionary for a
/// category (recoding strings from elsewhere, an `if` branch say), plain text for a string.
func conformed(_ c: Column, to type: DataType) -> Column {
    guard !c.isCompact, case .string(_, let d) = c.values else { return c }
    switch type {
    case .category(let category): return c.asCategory(category)
    case .string: return d.isLevels ? c.asPlainText() : c
    default: return c
    }
}

/// A datum as a column of `count` rows of `type`.
func materialize(_ d: Datum, type: DataType, count: Int) -> Column {
    switch d {
    case .column(let c):
        if c.isNullType, type != .null { return nullColumn(type, count: c.count) }
        return conformed(c, to: type)
    case .scalar(.null): return nullColumn(type, count: count)
    case .scalar(let v):
        let c = Column.constant(coerce(v, to: type), count: count)
        if case .category(let category) = type { return c.asCategory(category) }
        return c
    }
}

// MARK: - Chunked loops.

/// Rows per cancellation check.
let chunkSize = 1 << 16

extension CancellationFlag {
    /// Runs `body` over consecutive ranges of at most `chunkSize` rows, checking for cancellation
    /// before each.
    @inline(__always)
    func chunks(_ n: Int, _ body: (Range<Int>) -> Void) throws(EngineError) {
        var start = 0
        while start < n {
            try check()
            let end = Swift.min(n, start + chunkSize)
            body(start..<end)
            start = end
        }
    }
}
