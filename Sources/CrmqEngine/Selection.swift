import CrmqSemantics

/// The rows a `where` keeps. The predicate is split into its `and`-ed conjuncts (a row stays
/// when every one is true, in any order). Conjuncts that test one column against constants
/// become `RowTest`s, run first in one pass per part of the rows on every core: the first
/// test scans its rows, each later one only narrows the list the earlier ones left. Other
/// conjuncts are then evaluated as expressions over the surviving rows alone. So
/// `date >= "2025-01-01" and amount > 50` reads `amount` only for dates in range, and no
/// column-sized array of booleans is made for either.
///
/// Only the rows an earlier conjunct kept are evaluated by a later one, so a runtime error a
/// later conjunct would raise on a row already dropped does not happen (like `and` in SQL
/// engines that evaluate lazily).
struct Selection {
    let table: Table
    let cancellation: CancellationFlag
    /// Whether the table's columns are stored ones (a scan's), whose zone maps a range test
    /// may build and keep (`ColumnStatistics`); a temporary column is never remembered.
    var remembersZones = false

    /// The rows kept (false and null drop a row), and the columns that are not null in any of them (those a row test
    /// drops nulls of), whose validity a gather of the rows need not copy.
    func select(_ predicate: BoundExpr) throws(EngineError) -> (rows: [Int32], nonNull: Set<Int>) {
        var tests: [RowTest] = []
        var others: [BoundExpr] = []
        for c in conjuncts(predicate) {
            if let t = try RowTest(c, over: table, cancellation: cancellation) {
                if case .all = t.kind, !t.nullPasses, t.validity == nil { continue }  // always true
                tests.append(t)
            } else {
                others.append(c)
            }
        }
        // A lower and an upper bound on one column (`x >= a and x < b`) become one test.
        func merged(_ a: RowTest, _ b: RowTest) -> RowTest? { RowTest.range(a, b) ?? RowTest.range(b, a) }
        var k = 0
        while k < tests.count {
            if let j = tests.indices.dropFirst(k + 1).first(where: { merged(tests[k], tests[$0]) != nil }) {
                tests[k] = merged(tests[k], tests[j])!
                tests.remove(at: j)
            } else {
                k += 1
            }
        }
        if remembersZones, let c = tests.first?.column, tests[0].validity == nil {
            tests[0].zones = ColumnStatistics.zoneMap(of: table.columns[c])
        }
        var rows: [Int32]? = tests.isEmpty ? nil : try scan(tests)
        for c in others {
            rows = try narrow(rows, by: c)
        }
        let nonNull = Set(tests.filter { !$0.nullPasses && $0.validity != nil }.compactMap(\.column))
        return (rows ?? (0..<Int32(table.rowCount)).map { $0 }, nonNull)
    }

    /// `a and b and c` as [a, b, c].
    func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .call(.and, let args) = e.kind, args.count == 2 { return conjuncts(args[0]) + conjuncts(args[1]) }
        return [e]
    }

    /// The rows passing every test: per part of the rows (one per core), a block of rows at a
    /// time, the first test lists the block's rows that pass it, and each later test compacts
    /// that list in place while it is in cache. (Test by test over the whole part, the first
    /// test's list went out to memory and back: at 120M transactions, `where date >= ... and
    /// date < ... and amount > 50` wrote and read 160 MB more.)
    func scan(_ tests: [RowTest]) throws(EngineError) -> [Int32] {
        let n = table.rowCount
        let parts = Parallel.parts(n)
        var kept = [Int](repeating: 0, count: parts)
        // Each part writes its rows where its range starts in the result; the parts after the
        // first then move theirs down behind the ones before (no second buffer, no copy of
        // the first part's rows).
        let rows = [Int32](unsafeUninitializedCapacity: Swift.max(n, 1)) { result, count in
            let base = result.baseAddress!
            kept.withUnsafeMutableBufferPointer { kept in
                Parallel.forEach(n, parts: parts) { part, range in
                    let out = base + range.lowerBound
                    var k = 0
                    var start = range.lowerBound
                    while start < range.upperBound, !cancellation.isCancelled {
                        let end = Swift.min(start + Self.block, range.upperBound)
                        // The block's rows go after the rows kept so far, which never
                        // reaches past the block's own place in the result.
                        var c = 0
                        for (j, t) in tests.enumerated() {
                            c = t.apply(range: start..<end, input: j == 0 ? nil : c, out: out + k)
                            if c == 0 { break }
                        }
                        k += c
                        start = end
                    }
                    kept[part] = k
                }
            }
            var at = kept[0]
            for part in 1..<Swift.max(parts, 1) {
                let start = Parallel.range(part, of: parts, n).lowerBound
                UnsafeMutableRawPointer(base + at).copyMemory(
                    from: base + start, byteCount: kept[part] * MemoryLayout<Int32>.stride)
                at += kept[part]
            }
            count = at
        }
        try cancellation.check()
        return rows
    }

    /// Rows per block of `scan`: a multiple of `RowTest.zone`, and small enough that a block's
    /// list of rows (64 KB) stays in cache.
    static let block = 16 * RowTest.zone

    /// `rows` (all rows when nil) narrowed to those where `conjunct` is true, evaluating it
    /// over those rows alone.
    func narrow(_ rows: [Int32]?, by conjunct: BoundExpr) throws(EngineError) -> [Int32] {
        guard let rows else { return try selected(try truth(of: conjunct, over: table), count: table.rowCount) }
        // Only the columns the conjunct reads are gathered; the others become null placeholders.
        var used = Set<Int>()
        columns(of: conjunct, into: &used)
        var columns: [Column] = []
        for (i, c) in table.columns.enumerated() {
            try cancellation.check()
            columns.append(used.contains(i) ? c.take(rows) : Column(.null(count: rows.count)))
        }
        let subset = Table(schema: table.schema, columns: columns, rowCount: rows.count)
        switch try truth(of: conjunct, over: subset) {
        case .scalar(let all): return all ? rows : []
        case .array(let m):
            var out: [Int32] = []
            out.reserveCapacity(rows.count)
            for k in 0..<rows.count where m[k] { out.append(rows[k]) }
            return out
        }
    }

    func truth(of e: BoundExpr, over t: Table) throws(EngineError) -> Vec<Bool> {
        LogicKernels.definitelyTrue(
            try ExpressionEvaluator(table: t, cancellation: cancellation).evaluate(e), t.rowCount)
    }

    /// The indices of the true rows of a mask.
    func selected(_ mask: Vec<Bool>, count n: Int) throws(EngineError) -> [Int32] {
        switch mask {
        case .scalar(let all): return all ? (0..<Int32(n)).map { $0 } : []
        case .array(let m):
            var rows: [Int32] = []
            try cancellation.chunks(n) { range in
                for i in range where m[i] { rows.append(Int32(i)) }
            }
            return rows
        }
    }

    func columns(of e: BoundExpr, into used: inout Set<Int>) {
        switch e.kind {
        case .column(let i): used.insert(i)
        case .literal: break
        case .call(_, let args): for a in args { columns(of: a, into: &used) }
        }
    }
}

/// A conjunct tested row by row in a tight loop: a number or date column compared with a
/// constant, a null test, or any condition on a single string column (decided once per
/// distinct string, then looked up by code).
struct RowTest {
    enum Kind {
        case int([Int64], ScalarFunction, Int64)
        case double([Double], ScalarFunction, Double)
        case date([Int32], ScalarFunction, Int32)
        /// An int column stored in 8 bits (`SmallInts`), against a constant in its range.
        case smallInt([Int8], ScalarFunction, Int8)
        /// An int column stored in 32 bits (`Int32s`), against a constant in its range.
        case int32([Int32], ScalarFunction, Int32)
        /// A lower and an upper bound on one column, tested in one pass (`x >= a and x < b`,
        /// `between`): the operators are `>`/`>=` and `<`/`<=`.
        case intRange([Int64], ScalarFunction, Int64, ScalarFunction, Int64)
        case doubleRange([Double], ScalarFunction, Double, ScalarFunction, Double)
        case dateRange([Int32], ScalarFunction, Int32, ScalarFunction, Int32)
        case smallIntRange([Int8], ScalarFunction, Int8, ScalarFunction, Int8)
        case int32Range([Int32], ScalarFunction, Int32, ScalarFunction, Int32)
        /// Whether each dictionary code passes.
        case codes([Int32], [Bool])
        /// Every non-null row passes.
        case all
        /// No non-null row passes.
        case none
    }

    var kind: Kind
    /// The column tested (so bounds on one column merge, and a gather knows which columns
    /// the test left without nulls).
    var column: Int? = nil
    /// The tested column's validity; a null row passes exactly when `nullPasses`.
    var validity: [Bool]?
    var nullPasses: Bool
    /// The tested column's zone map, when the test may use one (`Selection.remembersZones`).
    var zones: ZoneMap? = nil

    /// The test for `e`, or nil when `e` is not of a shape tested row by row.
    init?(_ e: BoundExpr, over table: Table, cancellation: CancellationFlag) throws(EngineError) {
        guard case .call(let fn, let args) = e.kind else { return nil }
        if fn == .isNull || fn == .isNotNull, case .column(let i) = args[0].kind {
            let c = table.columns[i]
            if c.isNullType { return nil }
            self.init(kind: fn == .isNull ? .none : .all, validity: c.validity, nullPasses: fn == .isNull)
            column = i
            return
        }
        var used = Set<Int>()
        Selection(table: table, cancellation: cancellation).columns(of: e, into: &used)
        guard used.count == 1, let i = used.first else { return nil }
        let column = table.columns[i]
        if !column.isCompact, case .string(_, let dictionary) = column.values {
            // Worth it while the dictionary is no longer than the column (a filtered table
            // shares its parent's dictionary).
            guard dictionary.count > 0, dictionary.count <= table.rowCount else { return nil }
            do {
                try self.init(
                    stringCondition: e, column: i, dictionary: dictionary, over: table, cancellation: cancellation)
            } catch .cancelled {
                throw .cancelled
            } catch {
                // A string no remaining row holds may fail the condition (say, as a date);
                // the rows themselves are then evaluated as usual, which reports real errors.
                return nil
            }
            return
        }
        guard Self.comparisons.contains(fn), args.count == 2 else { return nil }
        // column op constant, or constant op column (then the operator is mirrored).
        let (constant, op): (BoundExpr, ScalarFunction)
        if case .column = args[0].kind {
            (constant, op) = (args[1], fn)
        } else if case .column = args[1].kind {
            (constant, op) = (args[0], Self.mirrored(fn))
        } else {
            return nil
        }
        var constantColumns = Set<Int>()
        Selection(table: table, cancellation: cancellation).columns(of: constant, into: &constantColumns)
        guard constantColumns.isEmpty else { return nil }
        let value = try ExpressionEvaluator(table: .singleRow, cancellation: cancellation).evaluate(constant)
        guard case .scalar(let v) = value else { return nil }
        let kind: Kind
        if let small = column.smallInts {
            guard case .int(let x) = v else { return nil }
            if let x8 = Int8(exactly: x) {
                kind = .smallInt(small.values, op, x8)
            } else {
                kind = Self.holdsBeyondEightBits(op, x) ? .all : .none
            }
            self.init(kind: kind, validity: column.validity, nullPasses: false)
            self.column = i
            return
        }
        if let words = column.int32s {
            guard case .int(let x) = v else { return nil }
            if let x32 = Int32(exactly: x) {
                kind = .int32(words.values, op, x32)
            } else {
                kind = Self.holdsBeyond(op, x, max: Int64(Int32.max)) ? .all : .none
            }
            self.init(kind: kind, validity: column.validity, nullPasses: false)
            self.column = i
            return
        }
        switch (column.values, v) {
        case (.int(let a), .int(let x)): kind = .int(a, op, x)
        case (.double(let a), .double(let x)): kind = .double(a, op, x)
        case (.date(let a), .date(let x)): kind = .date(a, op, x)
        default: return nil
        }
        self.init(kind: kind, validity: column.validity, nullPasses: false)
        self.column = i
    }

    /// `x op c` for every 8-bit `x`, `c` being beyond the 8-bit range: the same for every value.
    static func holdsBeyondEightBits(_ op: ScalarFunction, _ c: Int64) -> Bool {
        holdsBeyond(op, c, max: Int64(Int8.max))
    }

    /// `x op c` for every `x` of a signed type whose largest value is `max`, `c` being beyond
    /// that type's range: the same for every value.
    static func holdsBeyond(_ op: ScalarFunction, _ c: Int64, max: Int64) -> Bool {
        let above = c > max
        return switch op {
        case .notEqual: true
        case .less, .lessEqual: above
        case .greater, .greaterEqual: !above
        default: false
        }
    }

    init(kind: Kind, validity: [Bool]?, nullPasses: Bool) {
        self.kind = kind
        self.validity = validity
        self.nullPasses = nullPasses
    }

    /// A condition whose only column is a string column: evaluated once over the dictionary's
    /// values and once for a null, giving the answer for every row by its code.
    private init(
        stringCondition e: BoundExpr, column i: Int, dictionary: StringDictionary, over table: Table,
        cancellation: CancellationFlag
    ) throws(EngineError) {
        let n = dictionary.count
        var validity = [Bool](repeating: true, count: n + 1)
        validity[n] = false
        var columns = table.columns.map { _ in Column(.null(count: n + 1)) }
        columns[i] = Column(.string(codes: (0...Int32(n)).map { Swift.min($0, Int32(n - 1)) }, dictionary: dictionary), validity: validity)
        let perValue = Table(schema: table.schema, columns: columns, rowCount: n + 1)
        let truth = LogicKernels.definitelyTrue(
            try ExpressionEvaluator(table: perValue, cancellation: cancellation).evaluate(e), n + 1
        ).array(n + 1)
        guard case .string(let codes, _) = table.columns[i].values else { preconditionFailure("a string column") }
        self.init(kind: .codes(codes, Array(truth[..<n])), validity: table.columns[i].validity, nullPasses: truth[n])
        column = i
    }

    static let comparisons: Set<ScalarFunction> = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]

    /// The operator with its operands swapped: `5 < x` is `x > 5`.
    static func mirrored(_ op: ScalarFunction) -> ScalarFunction {
        switch op {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: op
        }
    }

    /// Writes to `out` the rows that pass, taken from `range` (when `input` is nil) or from the
    /// first `input` rows already in `out` (narrowed in place); returns how many passed.
    func apply(range: Range<Int>, input: Int?, out: UnsafeMutablePointer<Int32>) -> Int {
        var intZones: ZoneBounds<Int64>? { if case .int(let z) = zones { z } else { nil } }
        var doubleZones: ZoneBounds<Double>? { if case .double(let z) = zones { z } else { nil } }
        var dateZones: ZoneBounds<Int32>? { if case .date(let z) = zones { z } else { nil } }
        switch kind {
        case .int(let a, let op, let c):
            return a.withUnsafeBufferPointer { compare($0, op, c, range, input, out, intZones) }
        case .double(let a, let op, let c):
            return a.withUnsafeBufferPointer { compare($0, op, c, range, input, out, doubleZones) }
        case .date(let a, let op, let c):
            return a.withUnsafeBufferPointer { compare($0, op, c, range, input, out, dateZones) }
        case .smallInt(let a, let op, let c):
            return a.withUnsafeBufferPointer { compare($0, op, c, range, input, out, nil) }
        case .smallIntRange(let a, let lop, let lo, let hop, let hi):
            return a.withUnsafeBufferPointer { within($0, lop, lo, hop, hi, range, input, out, nil) }
        case .int32(let a, let op, let c):
            return a.withUnsafeBufferPointer { compare($0, op, c, range, input, out, nil) }
        case .int32Range(let a, let lop, let lo, let hop, let hi):
            return a.withUnsafeBufferPointer { within($0, lop, lo, hop, hi, range, input, out, nil) }
        case .intRange(let a, let lop, let lo, let hop, let hi):
            return a.withUnsafeBufferPointer { within($0, lop, lo, hop, hi, range, input, out, intZones) }
        case .doubleRange(let a, let lop, let lo, let hop, let hi):
            return a.withUnsafeBufferPointer { within($0, lop, lo, hop, hi, range, input, out, doubleZones) }
        case .dateRange(let a, let lop, let lo, let hop, let hi):
            return a.withUnsafeBufferPointer { within($0, lop, lo, hop, hi, range, input, out, dateZones) }
        case .codes(let codes, let truth):
            return codes.withUnsafeBufferPointer { codes in
                truth.withUnsafeBufferPointer { truth in
                    test(range, input, out) { truth[Int(codes[$0])] }
                }
            }
        case .all: return test(range, input, out) { _ in true }
        case .none: return test(range, input, out) { _ in false }
        }
    }

    @inline(__always)
    private func compare<T: Comparable & Extremes>(
        _ a: UnsafeBufferPointer<T>, _ op: ScalarFunction, _ c: T, _ range: Range<Int>, _ input: Int?,
        _ out: UnsafeMutablePointer<Int32>, _ zones: ZoneBounds<T>?
    ) -> Int {
        if input == nil, validity == nil {
            switch op {
            case .equal: return blocks(a, ValueInterval(c, op: .greaterEqual, c, op: .lessEqual), range, out, zones)
            case .less: return blocks(a, ValueInterval(.least, op: .greaterEqual, c, op: .less), range, out, zones)
            case .lessEqual:
                return blocks(a, ValueInterval(.least, op: .greaterEqual, c, op: .lessEqual), range, out, zones)
            case .greater: return blocks(a, ValueInterval(c, op: .greater, .greatest, op: .lessEqual), range, out, zones)
            case .greaterEqual:
                return blocks(a, ValueInterval(c, op: .greaterEqual, .greatest, op: .lessEqual), range, out, zones)
            default: break
            }
        }
        // Narrowing a row list (or with nulls): one comparison per row. The same test through
        // `ValueInterval` (two comparisons and the strictness flags) measured twice as slow here.
        switch op {
        case .equal: return test(range, input, out) { a[$0] == c }
        case .notEqual: return test(range, input, out) { a[$0] != c }
        case .less: return test(range, input, out) { a[$0] < c }
        case .lessEqual: return test(range, input, out) { a[$0] <= c }
        case .greater: return test(range, input, out) { a[$0] > c }
        default: return test(range, input, out) { a[$0] >= c }
        }
    }

    @inline(__always)
    private func within<T: Comparable & Extremes>(
        _ a: UnsafeBufferPointer<T>, _ lowerOp: ScalarFunction, _ lo: T, _ upperOp: ScalarFunction, _ hi: T,
        _ range: Range<Int>, _ input: Int?, _ out: UnsafeMutablePointer<Int32>, _ zones: ZoneBounds<T>?
    ) -> Int {
        if input == nil, validity == nil {
            return blocks(a, ValueInterval(lo, op: lowerOp, hi, op: upperOp), range, out, zones)
        }
        // Narrowing a row list (or with nulls): the operators fixed per loop, as in `compare`.
        // Both bounds as bits and-ed together: `&&` would branch on the first.
        @inline(__always) func both(_ x: Bool, _ y: Bool) -> Bool {
            unsafeBitCast(unsafeBitCast(x, to: UInt8.self) & unsafeBitCast(y, to: UInt8.self), to: Bool.self)
        }
        switch (lowerOp == .greater, upperOp == .less) {
        case (true, true): return test(range, input, out) { both(a[$0] > lo, a[$0] < hi) }
        case (true, false): return test(range, input, out) { both(a[$0] > lo, a[$0] <= hi) }
        case (false, true): return test(range, input, out) { both(a[$0] >= lo, a[$0] < hi) }
        case (false, false): return test(range, input, out) { both(a[$0] >= lo, a[$0] <= hi) }
        }
    }

    /// The rows of `range` whose value is in `v`, for the first test over a column without
    /// nulls: a block of rows at a time. A block whose smallest and largest values are both in the interval
    /// is taken whole (every value between is too), one that lies wholly outside it is
    /// skipped, and only the others are tested row by row. A column in some order, as a log's
    /// dates usually are, then costs about one min/max read per block; another, one more
    /// read of each block, in cache. (12M transaction dates in date order, a one-year range:
    /// about 4 ms of CPU instead of 11, by perf.) With the column's zone map the bounds of a
    /// block are read from it instead, and a block taken whole or skipped is not read at all
    /// (at 120M transactions, q6's one-year range: 181 → 148 ms, median of 7, after the first
    /// run that makes the map).
    private func blocks<T: Comparable & Extremes>(
        _ a: UnsafeBufferPointer<T>, _ v: ValueInterval<T>, _ range: Range<Int>, _ out: UnsafeMutablePointer<Int32>,
        _ zones: ZoneBounds<T>?
    ) -> Int {
        var k = 0
        var start = range.lowerBound
        while start < range.upperBound {
            let end = Swift.min(start + Self.zone, range.upperBound)
            defer { start = end }
            var lo = a[start], hi = a[start]
            if let zones {
                (lo, hi) = zones.bounds(start, end)
            } else {
                for i in start..<end {
                    lo = Swift.min(lo, a[i])
                    hi = Swift.max(hi, a[i])
                }
            }
            if v.excludes(lo, hi) { continue }
            if v.contains(lo) && v.contains(hi) {
                for i in start..<end { out[k &+ i &- start] = Int32(truncatingIfNeeded: i) }
                k += end - start
            } else {
                for i in start..<end {
                    out[k] = Int32(truncatingIfNeeded: i)
                    k &+= Int(unsafeBitCast(v.contains(a[i]), to: UInt8.self))
                }
            }
        }
        return k
    }

    /// Rows per block of `blocks`.
    static let zone = 1024

    /// A lower-bound test and an upper-bound test on the same column as one range test, or nil.
    static func range(_ lower: RowTest, _ upper: RowTest) -> RowTest? {
        guard let c = lower.column, c == upper.column else { return nil }
        let kind: Kind
        switch (lower.kind, upper.kind) {
        case (.int(let a, let lop, let lo), .int(_, let hop, let hi))
        where [.greater, .greaterEqual].contains(lop) && [.less, .lessEqual].contains(hop):
            kind = .intRange(a, lop, lo, hop, hi)
        case (.double(let a, let lop, let lo), .double(_, let hop, let hi))
        where [.greater, .greaterEqual].contains(lop) && [.less, .lessEqual].contains(hop):
            kind = .doubleRange(a, lop, lo, hop, hi)
        case (.date(let a, let lop, let lo), .date(_, let hop, let hi))
        where [.greater, .greaterEqual].contains(lop) && [.less, .lessEqual].contains(hop):
            kind = .dateRange(a, lop, lo, hop, hi)
        case (.smallInt(let a, let lop, let lo), .smallInt(_, let hop, let hi))
        where [.greater, .greaterEqual].contains(lop) && [.less, .lessEqual].contains(hop):
            kind = .smallIntRange(a, lop, lo, hop, hi)
        case (.int32(let a, let lop, let lo), .int32(_, let hop, let hi))
        where [.greater, .greaterEqual].contains(lop) && [.less, .lessEqual].contains(hop):
            kind = .int32Range(a, lop, lo, hop, hi)
        default:
            return nil
        }
        var merged = RowTest(kind: kind, validity: lower.validity, nullPasses: false)
        merged.column = c
        return merged
    }

    /// The loop every test shares, with the validity folded in. Branch-free: each row is
    /// written, and the count advances by the test's bit (a `? 1 : 0` compiled to a branch,
    /// which mispredicted on half the rows of a 50% filter and took twice as long).
    @inline(__always)
    private func test(
        _ range: Range<Int>, _ input: Int?, _ out: UnsafeMutablePointer<Int32>, _ pass: (Int) -> Bool
    ) -> Int {
        @inline(__always) func run(_ p: (Int) -> Bool) -> Int {
            var k = 0
            if let input {
                for j in 0..<input {
                    let r = out[j]
                    out[k] = r
                    k &+= Int(unsafeBitCast(p(Int(r)), to: UInt8.self))
                }
            } else {
                for i in range {
                    out[k] = Int32(truncatingIfNeeded: i)
                    k &+= Int(unsafeBitCast(p(i), to: UInt8.self))
                }
            }
            return k
        }
        guard let validity else { return run(pass) }
        return validity.withUnsafeBufferPointer { v in
            nullPasses ? run { v[$0] ? pass($0) : true } : run { v[$0] && pass($0) }
        }
    }
}

/// The values between two bounds, each inclusive or not (a comparison with a constant has
/// the type's extreme as its other bound). The operators are kept as flags rather than as
/// closures so that the loops testing rows stay specialised and inlined.
struct ValueInterval<T: Comparable> {
    let lo: T, hi: T
    let loStrict: Bool, hiStrict: Bool

    /// `lowerOp` is `.greater` or `.greaterEqual`, `upperOp` `.less` or `.lessEqual`.
    init(_ lo: T, op lowerOp: ScalarFunction, _ hi: T, op upperOp: ScalarFunction) {
        (self.lo, self.hi, loStrict, hiStrict) = (lo, hi, lowerOp == .greater, upperOp == .less)
    }

    @inline(__always) func above(_ x: T) -> Bool { loStrict ? x > lo : x >= lo }
    @inline(__always) func below(_ x: T) -> Bool { hiStrict ? x < hi : x <= hi }

    /// Both bounds as bits and-ed together: `&&` would branch on the first.
    @inline(__always) func contains(_ x: T) -> Bool {
        unsafeBitCast(unsafeBitCast(above(x), to: UInt8.self) & unsafeBitCast(below(x), to: UInt8.self), to: Bool.self)
    }

    /// No value in `least...greatest` is in the interval.
    @inline(__always) func excludes(_ least: T, _ greatest: T) -> Bool { !above(greatest) || !below(least) }
}

/// The least and greatest values of a column type, as the open side of a one-sided comparison.
protocol Extremes {
    static var least: Self { get }
    static var greatest: Self { get }
}

extension Int64: Extremes {
    static var least: Int64 { .min }
    static var greatest: Int64 { .max }
}

extension Int8: Extremes {
    static var least: Int8 { .min }
    static var greatest: Int8 { .max }
}

extension Int32: Extremes {
    static var least: Int32 { .min }
    static var greatest: Int32 { .max }
}

extension Double: Extremes {
    // Column doubles are finite (or null), so the infinities bound every value.
    static var least: Double { -.infinity }
    static var greatest: Double { .infinity }
}
