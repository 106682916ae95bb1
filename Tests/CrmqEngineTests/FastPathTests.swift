import CrmqEngine
import CrmqSemantics
import Testing

/// The engine's fast paths (row tests in `where`, joins to unique keys, distinct counts by
/// bucketing, month arithmetic by table lookup, loops split over the cores) checked against
/// plain row-by-row references, on tables small enough for one thread and large enough
/// (over `Parallel.minimumRows`) to be split.
@Suite struct FastPathTests {
    /// A reproducible pseudo-random sequence: a counter through a 64-bit mixing function
    /// (Stafford's variant 13 of MurmurHash3's finaliser).
    struct Random {
        var state: UInt64
        mutating func int(_ n: Int) -> Int {
            state &+= 1
            var z = state &* 0x9E37_79B9_7F4A_7C15
            z ^= z >> 30
            z &*= 0xBF58_476D_1CE4_E5B9
            z ^= z >> 27
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    static let sizes = [1_000, Parallel.minimumRows + 12_345]

    /// Columns: row (0..<n), i (int 0..9, nulls), x (double, nulls), d (date, nulls), s (string, nulls).
    func sample(_ n: Int, seed: UInt64) -> Table {
        var r = Random(state: seed)
        var i: [Value] = [], x: [Value] = [], d: [Value] = [], s: [Value] = []
        let base = date("2024-11-15")
        guard case .date(let day0) = base else { fatalError() }
        for _ in 0..<n {
            i.append(r.int(10) == 0 ? .null : .int(Int64(r.int(10))))
            x.append(r.int(10) == 0 ? .null : .double(Double(r.int(1000)) / 1000))
            d.append(r.int(10) == 0 ? .null : .date(day0 + Int32(r.int(800))))
            s.append(r.int(10) == 0 ? .null : .string(["a", "b", "c", "dd"][r.int(4)]))
        }
        return table([
            ("row", .int, (0..<n).map { .int(Int64($0)) }), ("i", .int, i), ("x", .double, x), ("d", .date, d),
            ("s", .string, s),
        ])
    }

    let i = col(1, .int), x = col(2, .double), d = col(3, .date), s = col(4, .string)

    func and(_ a: BoundExpr, _ b: BoundExpr) -> BoundExpr { call(.and, [a, b], .bool) }

    /// The row numbers a filter keeps, and those where the predicate evaluated over the
    /// whole table (the general kernels, no row tests) is true.
    func filtered(_ t: Table, _ predicate: BoundExpr) throws -> (got: [Value], expected: [Value]) {
        let plan = Plan(.filter(scan("t", t), predicate: predicate), schema: t.schema)
        let out = try executor(["t": t]).execute(plan)
        let truth = try eval(predicate, t)
        let kept = (0..<t.rowCount).filter { truth[$0] == .bool(true) }
        // Every column of the kept rows, nulls included (a tested column's nulls are dropped
        // without copying its validity).
        let all = rows(t)
        #expect(rows(out) == kept.map { all[$0] })
        return (values(out.columns[0]), kept.map { Value.int(Int64($0)) })
    }

    @Test(arguments: sizes) func whereKeepsTheRowsWherePredicateIsTrue(n: Int) throws {
        let t = sample(n, seed: UInt64(n))
        let predicates: [BoundExpr] = [
            call(.greaterEqual, [i, lit(.int(3))], .bool),
            and(call(.greaterEqual, [i, lit(.int(3))], .bool), call(.less, [x, lit(.double(0.5))], .bool)),
            // constant first: the operator is mirrored
            and(call(.greater, [lit(.int(5)), i], .bool), call(.notEqual, [lit(.double(0.25)), x], .bool)),
            and(call(.equal, [s, lit(.string("b"))], .bool), call(.greaterEqual, [d, lit(date("2025-06-01"))], .bool)),
            and(call(.lessEqual, [d, lit(date("2025-01-31"))], .bool), call(.equal, [i, lit(.int(7))], .bool)),
            // bounds on one column, merged into one range test (both orders, every operator pair)
            and(call(.greaterEqual, [d, lit(date("2025-01-01"))], .bool), call(.less, [d, lit(date("2025-07-01"))], .bool)),
            and(call(.lessEqual, [i, lit(.int(6))], .bool), call(.greater, [i, lit(.int(2))], .bool)),
            and(and(call(.greater, [x, lit(.double(0.25))], .bool), call(.equal, [s, lit(.string("c"))], .bool)),
                call(.lessEqual, [x, lit(.double(0.75))], .bool)),
            and(call(.greaterEqual, [i, lit(.int(3))], .bool), call(.lessEqual, [lit(.int(3)), i], .bool)),
            and(call(.less, [lit(.int(1)), i], .bool), call(.less, [i, lit(.int(9))], .bool)),
            and(call(.greaterEqual, [x, lit(.double(0.2))], .bool), call(.lessEqual, [x, lit(.double(0.6))], .bool)),
            and(call(.lessEqual, [d, lit(date("2025-03-31"))], .bool), call(.greaterEqual, [d, lit(date("2025-01-01"))], .bool)),
            and(call(.greaterEqual, [i, lit(.int(4))], .bool), call(.lessEqual, [i, lit(.int(4))], .bool)),
            and(call(.greater, [i, lit(.int(6))], .bool), call(.less, [i, lit(.int(3))], .bool)),  // empty range
            call(.isNull, [i], .bool),
            and(call(.isNotNull, [s], .bool), call(.isNull, [d], .bool)),
            // any condition on one string column, including one that holds for null
            call(.equal, [call(.upper, [s], .string), lit(.string("DD"))], .bool),
            call(.isNull, [call(.coalesce, [s, call(.ifThenElse, [call(.isNull, [s], .bool), lit(.null, as: .string), lit(.string("z"))], .string)], .string)], .bool),
            // not row tests: an or, two columns, a comparison with null
            call(.or, [call(.equal, [i, lit(.int(1))], .bool), call(.isNull, [x], .bool)], .bool),
            and(call(.less, [i, lit(.int(4))], .bool), call(.less, [x, call(.intToDouble, [i], .double)], .bool)),
            and(call(.less, [i, lit(.int(9))], .bool), call(.equal, [x, lit(.null, as: .double)], .bool)),
            and(call(.greater, [x, lit(.double(2))], .bool), call(.less, [i, lit(.int(9))], .bool)),
            lit(.bool(true)),
        ]
        for p in predicates {
            let (got, expected) = try filtered(t, p)
            #expect(got == expected)
        }
    }

    /// On a column in order most blocks of rows lie wholly inside or outside a range and are
    /// taken or skipped whole; the blocks across a bound are tested row by row.
    @Test(arguments: sizes) func rangesOnAColumnInOrderMatchThePredicate(n: Int) throws {
        let base = date("2024-01-01")
        guard case .date(let day0) = base else { fatalError() }
        let t = table([
            ("row", .int, (0..<n).map { .int(Int64($0)) }),
            ("i", .int, (0..<n).map { .int(Int64($0 / 7)) }),
            ("x", .double, (0..<n).map { .double(Double($0) / 3) }),
            ("d", .date, (0..<n).map { .date(day0 + Int32($0 / 500)) }),
        ])
        let i = col(1, .int), x = col(2, .double), d = col(3, .date)
        let third = Int64(n / 21), half = Double(n) / 6
        let predicates: [BoundExpr] = [
            and(call(.greaterEqual, [i, lit(.int(third))], .bool), call(.less, [i, lit(.int(2 * third))], .bool)),
            and(call(.greater, [i, lit(.int(third))], .bool), call(.lessEqual, [i, lit(.int(third + 1))], .bool)),
            call(.equal, [i, lit(.int(third))], .bool),
            call(.less, [x, lit(.double(half))], .bool),
            call(.greaterEqual, [x, lit(.double(half))], .bool),
            call(.greater, [x, lit(.double(-1))], .bool),  // every row
            call(.lessEqual, [i, lit(.int(-1))], .bool),  // no row
            and(call(.greaterEqual, [d, lit(date("2024-01-02"))], .bool), call(.less, [d, lit(date("2024-01-05"))], .bool)),
            call(.notEqual, [i, lit(.int(3))], .bool),
        ]
        for p in predicates {
            let (got, expected) = try filtered(t, p)
            #expect(got == expected)
        }
    }

    /// Row tests over a table without rows keep none.
    @Test func rowTestsOverNoRows() throws {
        let t = sample(0, seed: 1)
        for p in [
            call(.greaterEqual, [i, lit(.int(3))], .bool), call(.isNull, [x], .bool),
            and(call(.greaterEqual, [d, lit(date("2025-01-01"))], .bool), call(.less, [d, lit(date("2025-07-01"))], .bool)),
        ] {
            let (got, expected) = try filtered(t, p)
            #expect(got == expected && got.isEmpty)
        }
    }

    /// A conjunct that fails only on rows an earlier one dropped is not evaluated there.
    @Test func laterConjunctsSeeOnlyTheRowsLeft() throws {
        let t = table([("row", .int, [.int(0), .int(1)]), ("i", .int, [.int(Int64.max), .int(1)])])
        let plusOne = call(.add, [col(1, .int), lit(.int(1))], .int)
        let p = and(call(.less, [col(1, .int), lit(.int(10))], .bool), call(.greater, [plusOne, lit(.int(0))], .bool))
        let plan = Plan(.filter(scan("t", t), predicate: p), schema: t.schema)
        #expect(rows(try executor(["t": t]).execute(plan)) == [[.int(1), .int(1)]])
    }

    @Test(arguments: sizes) func joinsToUniqueKeysMatchAPlainLookup(n: Int) throws {
        var r = Random(state: 7)
        // Right: ids 0, 2, 4, ... (unique); left: ids 0..<n/2*2+10 with nulls, so some miss.
        let m = n / 4
        let right = table([
            ("id", .int, (0..<m).map { .int(Int64($0 * 2)) }),
            ("name", .string, (0..<m).map { .string("c\($0 % 97)") }),
            ("score", .int, (0..<m).map { $0 % 5 == 0 ? .null : .int(Int64($0)) }),
        ])
        let leftIds: [Value] = (0..<n).map { _ in r.int(20) == 0 ? .null : .int(Int64(r.int(2 * m + 10))) }
        let left = table([("row", .int, (0..<n).map { .int(Int64($0)) }), ("id", .int, leftIds)])
        var byId: [Int64: Int] = [:]
        for k in 0..<m { byId[Int64(k * 2)] = k }
        for kind in [PlanJoinKind.inner, .left] {
            let fields = left.schema.fields + [right.schema[1], right.schema[2]]
            let out = try executor(["l": left, "r": right]).execute(Plan(
                .join(left: scan("l", left), right: scan("r", right), keys: [PlanJoinKey(left: 1, right: 0)], kind: kind, rightColumns: [1, 2]),
                schema: Schema(fields)))
            var expected: [[Value]] = []
            for (row, id) in leftIds.enumerated() {
                let match: Int? = if case .int(let v) = id { byId[v] } else { nil }
                if let k = match {
                    expected.append([.int(Int64(row)), id, .string("c\(k % 97)"), k % 5 == 0 ? .null : .int(Int64(k))])
                } else if kind == .left {
                    expected.append([.int(Int64(row)), id, .null, .null])
                }
            }
            #expect(rows(out) == expected)
        }
    }

    /// Right keys base, base + 1, ... in row order (customers by id) are looked up without a
    /// table and their rows without a lookup; in another order, or with a gap, through tables.
    /// Every way gives what a plain lookup gives, left keys out of range and nulls included.
    @Test(arguments: sizes) func joinsToConsecutiveKeysMatchAPlainLookup(n: Int) throws {
        var r = Random(state: 11)
        let m = n / 4, base: Int64 = 1_000
        let orders: [[Int64]] = [
            (0..<m).map { base + Int64($0) },  // in order
            (0..<m).map { base + Int64((m - 1) - $0) },  // reversed
            (0..<m).map { base + Int64($0 < m / 2 ? $0 : $0 + 1) },  // a gap
        ]
        for ids in orders {
            let right = table([
                ("id", .int, ids.map { .int($0) }),
                ("name", .string, ids.map { .string("c\($0 % 89)") }),
            ])
            let leftIds: [Value] = (0..<n).map { _ in
                r.int(25) == 0 ? .null : .int(base - 5 + Int64(r.int(m + 10)))
            }
            let left = table([("row", .int, (0..<n).map { .int(Int64($0)) }), ("id", .int, leftIds)])
            let known = Set(ids)
            for kind in [PlanJoinKind.inner, .left] {
                let out = try executor(["l": left, "r": right]).execute(Plan(
                    .join(left: scan("l", left), right: scan("r", right), keys: [PlanJoinKey(left: 1, right: 0)], kind: kind, rightColumns: [1]),
                    schema: Schema(left.schema.fields + [right.schema[1]])))
                var expected: [[Value]] = []
                for (row, id) in leftIds.enumerated() {
                    if case .int(let v) = id, known.contains(v) {
                        expected.append([.int(Int64(row)), id, .string("c\(v % 89)")])
                    } else if kind == .left {
                        expected.append([.int(Int64(row)), id, .null])
                    }
                }
                #expect(rows(out) == expected)
            }
        }
    }

    @Test(arguments: sizes) func countsPerGroupMatchAPlainTally(n: Int) throws {
        let t = sample(n, seed: 99)
        let aggregates = [
            BoundAggregate(function: .countDistinct, arguments: [x], type: .int, range: r0),
            BoundAggregate(function: .count, arguments: [d], type: .int, range: r0),
            BoundAggregate(function: .avg, arguments: [call(.greaterEqual, [i, lit(.int(5))], .bool)], type: .double, range: r0),
            BoundAggregate(function: .sum, arguments: [call(.isNull, [x], .bool)], type: .int, range: r0),
            BoundAggregate(function: .countRows, arguments: [], type: .int, range: r0),
        ]
        let schema = Schema([Field("s", .string), Field("a", .int), Field("b", .int), Field("c", .double), Field("e", .int), Field("f", .int)])
        let out = try executor(["t": t]).execute(Plan(.aggregate(scan("t", t), keys: [s], aggregates: aggregates), schema: schema))

        var groups: [Value: (xs: Set<Value>, dates: Int, high: Int, known: Int, nullX: Int, rows: Int)] = [:]
        let all = rows(t)
        for row in all {
            var g = groups[row[4]] ?? ([], 0, 0, 0, 0, 0)
            if row[2] != .null { g.xs.insert(row[2]) } else { g.nullX += 1 }
            if row[3] != .null { g.dates += 1 }
            if case .int(let v) = row[1] {
                g.known += 1
                if v >= 5 { g.high += 1 }
            }
            g.rows += 1
            groups[row[4]] = g
        }
        let expected: [[Value]] = ["a", "b", "c", "dd"].map { Value.string($0) } .map { key in
            let g = groups[key]!
            return [key, .int(Int64(g.xs.count)), .int(Int64(g.dates)), .double(Double(g.high) / Double(g.known)),
                    .int(Int64(g.nullX)), .int(Int64(g.rows))]
        } + [groups[.null].map { g in
            [.null, .int(Int64(g.xs.count)), .int(Int64(g.dates)), .double(Double(g.high) / Double(g.known)),
             .int(Int64(g.nullX)), .int(Int64(g.rows))]
        }!]
        #expect(rows(out) == expected)
    }

    /// Distinct counts of int and date columns (with nulls, per group and overall; a narrow
    /// range indexed directly, a wide one hashed) match a set per group.
    @Test(arguments: sizes) func distinctCountsOfIntsAndDatesMatchSets(n: Int) throws {
        let t = sample(n, seed: 31)
        let wide = call(.multiply, [call(.modulo, [col(0, .int), lit(.int(5_003))], .int), lit(.int(1_000_000_007))], .int)
        for argument in [i, d, wide] {
            let distinct = BoundAggregate(function: .countDistinct, arguments: [argument], type: .int, range: r0)
            let values = try eval(argument, t)
            let groups = try eval(s, t)
            var sets: [Value: Set<Value>] = [:]
            var all = Set<Value>()
            for (g, v) in zip(groups, values) where v != .null {
                sets[g, default: []].insert(v)
                all.insert(v)
            }
            let grouped = try executor(["t": t]).execute(Plan(
                .aggregate(scan("t", t), keys: [s], aggregates: [distinct]),
                schema: Schema([Field("s", .string), Field("n", .int)])))
            let expected = ([Value.string("a"), .string("b"), .string("c"), .string("dd"), .null]).map { g in
                [g, Value.int(Int64(sets[g]?.count ?? 0))]
            }
            #expect(rows(grouped) == expected)
            let overall = try executor(["t": t]).execute(Plan(
                .aggregate(scan("t", t), keys: [], aggregates: [distinct]), schema: Schema([Field("n", .int)])))
            #expect(rows(overall) == [[.int(Int64(all.count))]])
        }
    }

    /// An int sum is an error only when a group's total leaves 64 bits, not when some order of
    /// adding would pass the limit on the way: the same on one core and on several.
    @Test(arguments: sizes) func intSumsFailOnlyWhenTheTotalDoesNotFit(n: Int) throws {
        let big = Int64.max - 10
        // Per group: big, then 1s, then -big: the running sum passes Int64.max, the total fits.
        let keys: [Value] = (0..<n).map { .int(Int64($0 % 2)) }
        let values: [Value] = (0..<n).map { i in
            i < 2 ? .int(big) : (i >= n - 2 ? .int(-big) : .int(1))
        }
        let t = table([("k", .int, keys), ("v", .int, values)])
        let sum = BoundAggregate(function: .sum, arguments: [col(1, .int)], type: .int, range: r0)
        let plan = Plan(.aggregate(scan("t", t), keys: [col(0, .int)], aggregates: [sum]), schema: Schema([Field("k", .int), Field("s", .int)]))
        let ones = (0...1).map { g in Int64((2..<(n - 2)).filter { $0 % 2 == g }.count) }
        #expect(rows(try executor(["t": t]).execute(plan)) == [[.int(0), .int(ones[0])], [.int(1), .int(ones[1])]])

        let over = table([("k", .int, keys), ("v", .int, (0..<n).map { i in i < 4 ? .int(big) : .int(0) })])
        #expect(runtimeMessage { _ = try executor(["t": over]).execute(plan) } == .integerOverflow(operation: "sum"))
    }

    /// Grouping by int and date columns (ranges indexed directly, split over the cores; ids
    /// kept when already dense) gives each distinct value, nulls last, its rows.
    @Test(arguments: sizes) func groupsByIntegersAndDatesMatchAPlainTally(n: Int) throws {
        let t = sample(n, seed: 5)
        for key in [i, d, call(.add, [i, lit(.int(1_000_000))], .int)] {
            let out = try executor(["t": t]).execute(Plan(
                .aggregate(scan("t", t), keys: [key], aggregates: [BoundAggregate(function: .countRows, arguments: [], type: .int, range: r0)]),
                schema: Schema([Field("k", key.type), Field("n", .int)])))
            var tally: [Value: Int64] = [:]
            for v in try eval(key, t) { tally[v, default: 0] += 1 }
            let expected = tally.keys.sorted { a, b in
                if a == .null || b == .null { return b == .null && a != .null }
                switch (a, b) {
                case (.int(let x), .int(let y)): return x < y
                case (.date(let x), .date(let y)): return x < y
                default: return false
                }
            }.map { [$0, .int(tally[$0]!)] }
            #expect(rows(out) == expected)
        }
    }

    /// Columns no node above reads are not gathered or computed (late materialisation): the
    /// columns a query does read, and every column of its result, are still all there.
    @Test(arguments: sizes) func onlyColumnsReadAboveArePlaceholders(n: Int) throws {
        let t = sample(n, seed: 11)
        let base = scan("t", t)
        // t | extend z = x * 2 | where z > 1 | sort d | select row, z, s
        let extended = Plan(
            .project(base, (0..<5).map { col($0, t.schema[$0].type) } + [call(.multiply, [x, lit(.double(2))], .double)]),
            schema: Schema(t.schema.fields + [Field("z", .double)]))
        let filtered = Plan(.filter(extended, predicate: call(.greater, [col(5, .double), lit(.double(1))], .bool)), schema: extended.schema)
        let sorted = Plan(.sort(filtered, keys: [SortKey(expr: d, descending: false)]), schema: extended.schema)
        let selected = Plan(
            .project(sorted, [col(0, .int), col(5, .double), s]),
            schema: Schema([Field("row", .int), Field("z", .double), Field("s", .string)]))
        let out = try executor(["t": t]).execute(selected)
        // The same steps, each run as a whole query of its own (every column kept).
        let whole = try executor(["t": t]).execute(sorted)
        #expect(rows(out) == rows(whole).map { [$0[0], $0[5], $0[4]] })
        #expect(whole.columns.allSatisfy { if case .null = $0.values { false } else { true } })
    }

    /// months_between through per-day lookup tables equals the definition (the largest m with
    /// add_months(a, m) <= b, negated backwards) for dates spanning a few years and for dates
    /// too far apart for a table.
    static func monthsBetweenReference(_ a: Int32, _ b: Int32) -> Int64 {
        if b < a { return -monthsBetweenReference(b, a) }
        let x = CivilDate(days: a), y = CivilDate(days: b)
        var m = Int64(y.year - x.year) * 12 + Int64(y.month - x.month)
        while true {
            let total = x.year * 12 + (x.month - 1) + Int(m)
            let year = total / 12, month = total % 12 + 1
            let shifted = CivilDate(year: year, month: month, day: min(x.day, CivilDate.daysIn(month: month, year: year)))
            if shifted.days <= b { return m }
            m -= 1
        }
    }

    @Test func monthsBetweenByLookupMatchesTheDefinition() throws {
        let reference = Self.monthsBetweenReference
        var r = Random(state: 3)
        // Days from 0000-01-01: a few years (a table), then all of 0000-9999 (no table).
        let first = Int32(CivilDate.dayRange.lowerBound)
        for (start, span) in [(first + 740_000, 1_500), (first, Int(CivilDate.dayRange.count))] {
            let n = Parallel.minimumRows + 1_000  // split over the cores
            let a = (0..<n).map { _ in start + Int32(r.int(span)) }
            let b = (0..<n).map { _ in start + Int32(r.int(span)) }
            let t = Table(schema: Schema([Field("a", .date), Field("b", .date)]), columns: [Column(.date(a)), Column(.date(b))])
            let got = try eval(call(.monthsBetween, [col(0, .date), col(1, .date)], .int), t)
            #expect(got == (0..<n).map { .int(reference(a[$0], b[$0])) })
        }
    }

    /// months_between is stored in 8 bits when every valid row's value fits (dates a few years
    /// apart), else in 64 bits, also when the only value that does not fit is the last row of
    /// the last part; a null row holds 0, whatever its dates.
    @Test func monthsBetweenIsStoredInEightBitsWhenItFits() throws {
        let n = Parallel.minimumRows + 1_000
        let start = Int32(20_000)
        let a = (0..<n).map { start + Int32($0 % 1_500) }
        var b = (0..<n).map { start + Int32(($0 * 7) % 1_500) }
        func monthsBetween(_ a: [Int32], _ b: [Int32], valid: [Bool]? = nil) throws -> Column {
            let t = Table(schema: Schema([Field("a", .date), Field("b", .date)]), columns: [Column(.date(a), validity: valid), Column(.date(b))])
            return try executor().evaluate(call(.monthsBetween, [col(0, .date), col(1, .date)], .int), over: t)
        }
        let narrow = try monthsBetween(a, b)
        #expect(narrow.smallInts != nil)
        let expected = (0..<n).map { Value.int(Self.monthsBetweenReference(a[$0], b[$0])) }
        #expect(values(narrow) == expected)

        b[n - 1] = start + 10_000  // 300 months after
        let wide = try monthsBetween(a, b)
        #expect(wide.smallInts == nil)
        #expect(wide.value(at: n - 1) == .int(Self.monthsBetweenReference(a[n - 1], b[n - 1])))
        #expect(Array(values(wide).prefix(n - 1)) == Array(expected.prefix(n - 1)))

        // The far row null: 8 bits again, the row null.
        var valid = [Bool](repeating: true, count: n)
        valid[n - 1] = false
        let withNull = try monthsBetween(a, b, valid: valid)
        #expect(withNull.smallInts != nil && withNull.isNull(n - 1) && withNull.nullCount == 1)
        #expect(Array(values(withNull).prefix(n - 1)) == Array(expected.prefix(n - 1)))
    }
}
