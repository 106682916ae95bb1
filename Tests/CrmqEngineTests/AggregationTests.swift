import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct AggregationTests {
    let sales = table([
        ("region", .string, [.string("S"), .string("N"), .null, .string("N"), .string("S"), .string("N"), .null]),
        ("amount", .int, [.int(10), .int(20), .int(5), .null, .int(30), .int(40), .null]),
        ("price", .double, [.double(1.5), .double(2.5), .null, .double(3.5), .double(4.5), .double(5.5), .double(1)]),
        ("churned", .bool, [.bool(true), .bool(false), .bool(true), .null, .bool(true), .bool(false), .bool(false)]),
    ])

    func agg(_ f: AggregateFunction, _ args: [BoundExpr], _ type: DataType) -> BoundAggregate {
        BoundAggregate(function: f, arguments: args, type: type, range: r0)
    }

    func run(_ t: Table, keys: [BoundExpr], _ aggs: [BoundAggregate]) throws -> Table {
        let fields = keys.enumerated().map { Field("k\($0.offset)", $0.element.type) } + aggs.enumerated().map { Field("a\($0.offset)", $0.element.type) }
        return try executor(["t": t]).execute(Plan(.aggregate(scan("t", t), keys: keys, aggregates: aggs), schema: Schema(fields)))
    }

    @Test func everyAggregateByStringKey() throws {
        let out = try run(sales, keys: [col(0, .string)], [
            agg(.countRows, [], .int), agg(.count, [col(1, .int)], .int), agg(.countDistinct, [col(3, .bool)], .int),
            agg(.sum, [col(1, .int)], .int), agg(.avg, [col(1, .int)], .double), agg(.min, [col(2, .double)], .double),
            agg(.max, [col(1, .int)], .int), agg(.sum, [col(3, .bool)], .int), agg(.avg, [col(3, .bool)], .double),
        ])
        #expect(rows(out) == [
            [.string("N"), .int(3), .int(2), .int(1), .int(60), .double(30), .double(2.5), .int(40), .int(0), .double(0)],
            [.string("S"), .int(2), .int(2), .int(1), .int(40), .double(20), .double(1.5), .int(30), .int(2), .double(1)],
            [.null, .int(2), .int(1), .int(2), .int(5), .double(5), .double(1), .int(5), .int(1), .double(0.5)],
        ])
    }

    /// A double aggregate beyond the largest double is null, not infinity.
    @Test func nonFiniteAggregatesAreNull() throws {
        let t = table([
            ("k", .int, [.int(1), .int(1), .int(2), .int(2)]),
            ("x", .double, [.double(1e308), .double(1e308), .double(1), .double(2)]),
        ])
        let out = try run(t, keys: [col(0, .int)], [
            agg(.sum, [col(1, .double)], .double), agg(.avg, [col(1, .double)], .double),
            agg(.max, [col(1, .double)], .double),
        ])
        #expect(rows(out) == [
            [.int(1), .null, .null, .double(1e308)],
            [.int(2), .double(3), .double(1.5), .double(2)],
        ])
    }

    @Test func groupWithNoValuesGivesNullButCountZero() throws {
        let t = table([("k", .int, [.int(1), .int(2), .int(2)]), ("x", .double, [.double(1), .null, .null])])
        let out = try run(t, keys: [col(0, .int)], [
            agg(.count, [col(1, .double)], .int), agg(.sum, [col(1, .double)], .double), agg(.avg, [col(1, .double)], .double),
            agg(.min, [col(1, .double)], .double), agg(.median, [col(1, .double)], .double), agg(.stddev, [col(1, .double)], .double),
            agg(.countDistinct, [col(1, .double)], .int),
        ])
        #expect(rows(out) == [
            [.int(1), .int(1), .double(1), .double(1), .double(1), .double(1), .null, .int(1)],
            [.int(2), .int(0), .null, .null, .null, .null, .null, .int(0)],
        ])
    }

    @Test func emptyInput() throws {
        let empty = table([("k", .string, []), ("x", .int, [])])
        let noKeys = try run(empty, keys: [], [agg(.countRows, [], .int), agg(.sum, [col(1, .int)], .int), agg(.count, [col(1, .int)], .int)])
        #expect(rows(noKeys) == [[.int(0), .null, .int(0)]])
        let keyed = try run(empty, keys: [col(0, .string)], [agg(.countRows, [], .int)])
        #expect(keyed.rowCount == 0 && keyed.columns.count == 2)
    }

    @Test func noKeysOneRow() throws {
        let out = try run(sales, keys: [], [agg(.countRows, [], .int), agg(.sum, [col(2, .double)], .double), agg(.max, [col(0, .string)], .string), agg(.min, [col(0, .string)], .string)])
        #expect(rows(out) == [[.int(7), .double(18.5), .string("S"), .string("N")]])
    }

    @Test func severalKeysOrderedAscendingNullsLast() throws {
        let t = table([
            ("a", .int, [.int(2), .int(1), .null, .int(1), .int(2), .int(1000000000)]),
            ("b", .string, [.string("y"), .string("x"), .string("x"), .null, .string("y"), .string("x")]),
            ("c", .double, [.double(0.5), .double(-1), .double(0.5), .double(0.5), .double(0.5), .double(-1)]),
        ])
        let out = try run(t, keys: [col(0, .int), col(1, .string)], [agg(.countRows, [], .int)])
        #expect(rows(out) == [
            [.int(1), .string("x"), .int(1)], [.int(1), .null, .int(1)], [.int(2), .string("y"), .int(2)],
            [.int(1000000000), .string("x"), .int(1)], [.null, .string("x"), .int(1)],
        ])
        let byDouble = try run(t, keys: [col(2, .double), col(1, .string)], [agg(.countRows, [], .int)])
        #expect(rows(byDouble) == [
            [.double(-1), .string("x"), .int(2)], [.double(0.5), .string("x"), .int(1)],
            [.double(0.5), .string("y"), .int(2)], [.double(0.5), .null, .int(1)],
        ])
    }

    @Test func wideIntKeysAreHashedAndStillOrdered() throws {
        let keys: [Int64] = [Int64.max, -5, Int64.min, 7, -5, Int64.max]
        let t = table([("k", .int, keys.map { .int($0) } + [.null])])
        let out = try run(t, keys: [col(0, .int)], [agg(.countRows, [], .int)])
        #expect(rows(out) == [[.int(Int64.min), .int(1)], [.int(-5), .int(2)], [.int(7), .int(1)], [.int(Int64.max), .int(2)], [.null, .int(1)]])
    }

    @Test func sumOverflowIsAnError() {
        let t = table([("x", .int, [.int(Int64.max), .int(1)])])
        #expect(runtimeMessage { _ = try run(t, keys: [], [agg(.sum, [col(0, .int)], .int)]) } == .integerOverflow(operation: "sum"))
    }

    @Test func avgOfIntsIsExact() throws {
        let t = table([("x", .int, [.int(Int64.max / 2), .int(Int64.max / 2), .int(1)])])
        let out = try run(t, keys: [], [agg(.avg, [col(0, .int)], .double)])
        #expect(rows(out) == [[.double((Double(Int64.max / 2) * 2 + 1) / 3)]])
    }

    @Test func medianAndPercentile() throws {
        let odd = table([("x", .int, [.int(5), .int(1), .null, .int(3)])])
        #expect(rows(try run(odd, keys: [], [agg(.median, [col(0, .int)], .double)])) == [[.double(3)]])
        let even = table([("x", .double, [.double(4), .double(1), .double(3), .double(2)])])
        #expect(rows(try run(even, keys: [], [agg(.median, [col(0, .double)], .double)])) == [[.double(2.5)]])
        // quantile_cont: position p * (n - 1) = 0.9 * 3 = 2.7 between 3 and 4.
        let p90 = try run(even, keys: [], [agg(.percentile, [col(0, .double), lit(.double(0.9))], .double)])
        guard case .double(let v) = rows(p90)[0][0] else { Issue.record("not a double"); return }
        #expect(abs(v - 3.7) < 1e-12)
        let p0 = try run(even, keys: [], [agg(.percentile, [col(0, .double), lit(.double(0))], .double), agg(.percentile, [col(0, .double), lit(.double(1))], .double)])
        #expect(rows(p0) == [[.double(1), .double(4)]])
        #expect(runtimeMessage { _ = try run(even, keys: [], [agg(.percentile, [col(0, .double), lit(.double(1.5))], .double)]) } == .invalidPercentile(1.5))
        let grouped = table([("k", .int, [.int(1), .int(2), .int(1), .int(2), .int(1)]), ("x", .int, [.int(9), .int(2), .int(1), .int(4), .int(5)])])
        #expect(rows(try run(grouped, keys: [col(0, .int)], [agg(.median, [col(1, .int)], .double)])) == [[.int(1), .double(5)], [.int(2), .double(3)]])
    }

    @Test func stddevIsSampleAndStable() throws {
        let t = table([("x", .double, [.double(2), .double(4), .double(4), .double(4), .double(5), .double(5), .double(7), .double(9)])])
        guard case .double(let s) = rows(try run(t, keys: [], [agg(.stddev, [col(0, .double)], .double)]))[0][0] else {
            Issue.record("not a double"); return
        }
        #expect(abs(s - 2.138089935299395) < 1e-12)
        let big = table([("x", .double, [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16].map { .double($0) })])
        guard case .double(let b) = rows(try run(big, keys: [], [agg(.stddev, [col(0, .double)], .double)]))[0][0] else {
            Issue.record("not a double"); return
        }
        #expect(abs(b - 5.477225575051661) < 1e-6)
        let one = table([("x", .int, [.int(3)])])
        #expect(rows(try run(one, keys: [], [agg(.stddev, [col(0, .int)], .double)])) == [[.null]])
    }

    /// corr, covar and covar_pop take the rows where both are non-null, per group, and stay
    /// accurate when the means are large against the spread.
    @Test func comomentsArePairwiseAndStable() throws {
        let xs: [Value] = [.int(1), .int(2), .int(3), .int(4), .null, .int(6), .int(1), .int(2), .int(5)]
        let ys: [Value] = [.double(2), .double(4.5), .double(5.5), .double(8), .double(100), .null, .double(3), .double(3), .double(3)]
        let ks: [Value] = [1, 1, 1, 1, 1, 1, 2, 2, 3].map { Value.int($0) }
        let t = table([("k", .int, ks), ("x", .int, xs), ("y", .double, ys)])
        let out = rows(try run(t, keys: [col(0, .int)], [
            agg(.corr, [col(1, .int), col(2, .double)], .double), agg(.covar, [col(1, .int), col(2, .double)], .double),
            agg(.covarPop, [col(1, .int), col(2, .double)], .double),
        ]))
        // Group 1 pairs: (1, 2), (2, 4.5), (3, 5.5), (4, 8): means 2.5 and 5; co-moment 9.5;
        // squares 5 and 18.5.
        guard case .double(let r) = out[0][1], case .double(let c) = out[0][2], case .double(let p) = out[0][3] else {
            Issue.record("\(out)"); return
        }
        #expect(abs(r - 9.5 / (5 * 18.5).squareRoot()) < 1e-14)
        #expect(abs(c - 9.5 / 3) < 1e-14 && abs(p - 9.5 / 4) < 1e-14)
        // Group 2: y constant, so corr is null but the covariance is 0; group 3: one pair.
        #expect(out[1][1] == .null && out[1][2] == .double(0))
        #expect(out[2][1] == .null && out[2][2] == .null && out[2][3] == .double(0))

        let big = table([("x", .double, [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16].map { .double($0) }),
                         ("y", .double, [1e9 + 1, 1e9 + 2, 1e9 + 2, 1e9 + 3].map { .double($0) })])
        let b = rows(try run(big, keys: [], [agg(.covar, [col(0, .double), col(1, .double)], .double)]))
        guard case .double(let cb) = b[0][0] else { Issue.record("\(b)"); return }
        // Deviations -6, -3, 3, 6 and -1, 0, 0, 1: co-moment 12.
        #expect(abs(cb - 4) < 1e-6)
    }

    @Test func minMaxEveryType() throws {
        let t = table([
            ("d", .date, [date("2025-01-02"), .null, date("2024-12-31")]),
            ("b", .bool, [.bool(false), .bool(true), .null]),
            ("s", .string, [.string("b"), .string("客户"), .string("B")]),
        ])
        let out = try run(t, keys: [], [
            agg(.min, [col(0, .date)], .date), agg(.max, [col(0, .date)], .date), agg(.min, [col(1, .bool)], .bool),
            agg(.max, [col(1, .bool)], .bool), agg(.min, [col(2, .string)], .string), agg(.max, [col(2, .string)], .string),
        ])
        #expect(rows(out) == [[date("2024-12-31"), date("2025-01-02"), .bool(false), .bool(true), .string("B"), .string("客户")]])
    }

    @Test func boolAndDateKeys() throws {
        let t = table([
            ("b", .bool, [.bool(true), .null, .bool(false), .bool(true)]),
            ("d", .date, [date("2025-01-02"), date("2024-01-01"), .null, date("2025-01-02")]),
        ])
        #expect(rows(try run(t, keys: [col(0, .bool)], [agg(.countRows, [], .int)])) == [[.bool(false), .int(1)], [.bool(true), .int(2)], [.null, .int(1)]])
        #expect(rows(try run(t, keys: [col(1, .date)], [agg(.countRows, [], .int)])) == [[date("2024-01-01"), .int(1)], [date("2025-01-02"), .int(2)], [.null, .int(1)]])
    }

    @Test func keysAreExpressions() throws {
        let key = call(.lower, [col(0, .string)], .string)
        let t = table([("s", .string, [.string("A"), .string("a"), .string("b")])])
        #expect(rows(try run(t, keys: [key], [agg(.countRows, [], .int)])) == [[.string("a"), .int(2)], [.string("b"), .int(1)]])
    }

    @Test func stringKeysWithRepeatedDictionaryEntries() throws {
        let c = stringColumn(["x", "y", "x"], codes: [0, 2, 1, 2])
        let t = Table(schema: Schema([Field("s", .string)]), columns: [c])
        #expect(rows(try run(t, keys: [col(0, .string)], [agg(.countRows, [], .int)])) == [[.string("x"), .int(3)], [.string("y"), .int(1)]])
    }

    /// A table of `n` rows with nulls everywhere: k (int key), s (string key), x (int),
    /// y (double), b (bool), big (ints whose sum overflows 64 bits unless rows are left out).
    func mixed(_ n: Int) -> Table {
        var seed: UInt64 = 42
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        var k: [Value] = [], s: [Value] = [], x: [Value] = [], y: [Value] = [], b: [Value] = [], big: [Value] = []
        for i in 0..<n {
            let r = next()
            k.append(r % 11 == 0 ? .null : .int(Int64(r % 7) - 3))
            s.append(r % 13 == 0 ? .null : .string(["North", "South", "East", "west"][r % 4]))
            x.append(r % 5 == 0 ? .null : .int(Int64(r % 1000) - 200))
            y.append(r % 6 == 0 ? .null : .double(Double(r % 10_000) / 7 - 300))
            b.append(r % 9 == 0 ? .null : .bool(r % 3 == 0))
            big.append(.int(i % 2 == 0 ? Int64.max / 2 : 1))
        }
        return table([("k", .int, k), ("s", .string, s), ("x", .int, x), ("y", .double, y), ("b", .bool, b), ("big", .int, big)])
    }

    /// Summarizing a filter reads the selected rows of count/sum/avg/count_distinct arguments in place
    /// (`Aggregation.run(selected:)`); a projection between the two makes the executor gather
    /// every column first. Both must give the same rows, double sums to the last bit.
    @Test(arguments: [5_000, Parallel.minimumRows + 1_234])
    func summarizingAFilterEqualsSummarizingItsRows(n: Int) throws {
        let t = mixed(n)
        let predicates: [BoundExpr] = [
            call(.isNotNull, [col(0, .int)], .bool),
            call(.greater, [col(2, .int), lit(.int(100))], .bool),
            call(.and, [call(.isNotNull, [col(3, .double)], .bool), call(.equal, [col(1, .string), lit(.string("North"))], .bool)], .bool),
            call(.less, [col(2, .int), lit(.int(-1000))], .bool),  // no row
            lit(.bool(true)),
        ]
        let aggregates = [
            agg(.countRows, [], .int), agg(.count, [col(2, .int)], .int), agg(.count, [col(1, .string)], .int),
            agg(.sum, [col(2, .int)], .int), agg(.avg, [col(2, .int)], .double), agg(.sum, [col(3, .double)], .double),
            agg(.avg, [col(3, .double)], .double), agg(.sum, [col(4, .bool)], .int), agg(.avg, [col(4, .bool)], .double),
            agg(.min, [col(3, .double)], .double), agg(.countDistinct, [col(2, .int)], .int),
            agg(.countDistinct, [col(1, .string)], .int), agg(.countDistinct, [col(5, .int)], .int),
            agg(.countDistinct, [col(3, .double)], .int),
            agg(.sum, [call(.multiply, [col(2, .int), lit(.int(2))], .int)], .int),
        ]
        let keySets: [[BoundExpr]] = [[], [col(0, .int)], [col(1, .string)], [col(1, .string), col(0, .int)]]
        let identity = (0..<t.schema.count).map { col($0, t.schema.fields[$0].type) }
        for predicate in predicates {
            let filter = Plan(.filter(scan("t", t), predicate: predicate), schema: t.schema)
            let gathered = Plan(.project(filter, identity), schema: t.schema)
            for keys in keySets {
                let fields = keys.enumerated().map { Field("k\($0.offset)", $0.element.type) }
                    + aggregates.enumerated().map { Field("a\($0.offset)", $0.element.type) }
                let inPlace = try executor(["t": t]).execute(
                    Plan(.aggregate(filter, keys: keys, aggregates: aggregates), schema: Schema(fields)))
                let reference = try executor(["t": t]).execute(
                    Plan(.aggregate(gathered, keys: keys, aggregates: aggregates), schema: Schema(fields)))
                #expect(rows(inPlace) == rows(reference), "\(predicate) by \(keys.count) keys")
                if keys.isEmpty { #expect(inPlace.rowCount == 1) }
            }
        }
    }

    /// A summary without keys adds every row into one total (`GroupAccumulation.total`) rather
    /// than through group ids: its counts and integer sums equal a plain loop over the values,
    /// with a filter and without, on one core and on several.
    @Test(arguments: [4_000, Parallel.minimumRows + 321])
    func summariesWithoutKeysEqualAPlainLoop(n: Int) throws {
        let t = mixed(n)
        let atLeast100 = call(.greaterEqual, [col(2, .int), lit(.int(100))], .bool)
        let aggregates = [
            agg(.countRows, [], .int), agg(.count, [col(2, .int)], .int), agg(.sum, [col(2, .int)], .int),
            agg(.avg, [col(2, .int)], .double), agg(.sum, [col(4, .bool)], .int), agg(.avg, [col(4, .bool)], .double),
            agg(.sum, [atLeast100], .int), agg(.avg, [atLeast100], .double),
        ]
        let schema = Schema(aggregates.indices.map { Field("a\($0)", aggregates[$0].type) })
        let keptByFilter = call(.isNotNull, [col(0, .int)], .bool)
        for filtered in [false, true] {
            let input = filtered ? Plan(.filter(scan("t", t), predicate: keptByFilter), schema: t.schema) : scan("t", t)
            let out = try executor(["t": t]).execute(Plan(.aggregate(input, keys: [], aggregates: aggregates), schema: schema))
            var rowsCounted: Int64 = 0, xs: Int64 = 0, xSum: Int64 = 0, bs: Int64 = 0, trues: Int64 = 0, high: Int64 = 0
            for i in 0..<n where !filtered || !t.columns[0].isNull(i) {
                rowsCounted += 1
                if case .int(let x) = t.columns[2].value(at: i) {
                    xs += 1
                    xSum += x
                    high += x >= 100 ? 1 : 0
                }
                if case .bool(let b) = t.columns[4].value(at: i) {
                    bs += 1
                    trues += b ? 1 : 0
                }
            }
            let expected: [Value] = [
                .int(rowsCounted), .int(xs), .int(xSum), .double(Double(xSum) / Double(xs)), .int(trues),
                .double(Double(trues) / Double(bs)), .int(high), .double(Double(high) / Double(xs)),
            ]
            #expect(rows(out) == [expected], "filtered: \(filtered)")
        }
    }

    /// Only the selected rows are added up: a sum that overflows over every row does not over
    /// the rows the filter keeps, and an argument that fails on a left-out row is not computed
    /// there.
    @Test func summarizingAFilterReadsOnlyItsRows() throws {
        let t = mixed(100)
        let odd = call(.equal, [col(5, .int), lit(.int(1))], .bool)
        let fields = Schema([Field("a0", .int), Field("a1", .double)])
        let sums = [agg(.sum, [col(5, .int)], .int), agg(.avg, [col(5, .int)], .double)]
        let all = try? executor(["t": t]).execute(Plan(.aggregate(scan("t", t), keys: [], aggregates: sums), schema: fields))
        #expect(all == nil)
        let filtered = try executor(["t": t]).execute(
            Plan(.aggregate(Plan(.filter(scan("t", t), predicate: odd), schema: t.schema), keys: [], aggregates: sums), schema: fields))
        #expect(rows(filtered) == [[.int(50), .double(1)]])
        // big * 4 overflows on the rows left out (an error), not on the rows kept.
        let times4 = agg(.sum, [call(.multiply, [col(5, .int), lit(.int(4))], .int)], .int)
        let out = try executor(["t": t]).execute(
            Plan(.aggregate(Plan(.filter(scan("t", t), predicate: odd), schema: t.schema), keys: [], aggregates: [times4]),
                 schema: Schema([Field("q", .int)])))
        #expect(rows(out) == [[.int(200)]])
    }

    /// The count, sum and avg of a column compared with a constant count the rows as they read
    /// the column (`Aggregation.countSumOrAverage(_:comparing:...)`), with a filter or without;
    /// `cmp and true`, the same truth in another shape, is evaluated as a column first.
    @Test(arguments: [3_000, Parallel.minimumRows + 77])
    func aggregatesOfComparisonsEqualThoseOfTheirColumns(n: Int) throws {
        let t = mixed(n)
        let comparisons: [BoundExpr] = [
            call(.greaterEqual, [col(2, .int), lit(.int(100))], .bool),
            call(.less, [lit(.int(0)), col(0, .int)], .bool),  // constant first
            call(.lessEqual, [col(3, .double), lit(.double(-12.5))], .bool),
            call(.equal, [col(0, .int), lit(.int(2))], .bool),
            call(.notEqual, [col(2, .int), lit(.int(5))], .bool),
            call(.greater, [col(5, .int), lit(.int(1))], .bool),
        ]
        func aggregates(_ e: BoundExpr) -> [BoundAggregate] {
            [agg(.avg, [e], .double), agg(.sum, [e], .int), agg(.count, [e], .int)]
        }
        let fields = Schema([Field("k", .string), Field("avg", .double), Field("sum", .int), Field("count", .int)])
        let inputs: [Plan] = [
            scan("t", t),
            Plan(.filter(scan("t", t), predicate: call(.isNotNull, [col(1, .string)], .bool)), schema: t.schema),
            Plan(.filter(scan("t", t), predicate: call(.greater, [col(3, .double), lit(.double(0))], .bool)), schema: t.schema),
        ]
        for input in inputs {
            for c in comparisons {
                for keys in [[], [col(1, .string)]] {
                    let schema = Schema(Array(fields.fields.dropFirst(keys.isEmpty ? 1 : 0)))
                    let counted = try executor(["t": t]).execute(
                        Plan(.aggregate(input, keys: keys, aggregates: aggregates(c)), schema: schema))
                    let same = call(.and, [c, lit(.bool(true))], .bool)
                    let evaluated = try executor(["t": t]).execute(
                        Plan(.aggregate(input, keys: keys, aggregates: aggregates(same)), schema: schema))
                    #expect(rows(counted) == rows(evaluated), "\(c) by \(keys.count) keys")
                }
            }
        }
    }

    /// Double sums over more than one block of 65,536 rows: each block's four lane sums start
    /// from zero, the blocks' are added in block order, then the lanes in lane order (docs:
    /// `Aggregation.sums`). The rule fixes every bit whatever the cores, and is checked here
    /// against a plain loop that follows it, on values whose sum depends on the order.
    @Test func doubleSumsFollowTheBlockRule() throws {
        let n = 3 * 65_536 + 4_321, groups = 3, block = 65_536
        var seed: UInt64 = 9
        let scales = [1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6]
        var keys: [Value] = [], xs: [Value] = []
        var k: [Int] = [], x: [Double?] = []
        for i in 0..<n {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let g = Int(seed >> 60) % groups
            let v: Double? = i % 17 == 0 ? nil : Double(Int64(seed >> 20) % 2_000_003 - 1_000_000) * scales[Int(seed >> 8) % scales.count]
            k.append(g)
            x.append(v)
            keys.append(.int(Int64(g)))
            xs.append(v.map { .double($0) } ?? .null)
        }
        var total = [Double](repeating: 0, count: 4 * groups)
        for b in stride(from: 0, to: n, by: block) {
            var part = [Double](repeating: 0, count: 4 * groups)
            for i in b..<min(n, b + block) { if let v = x[i] { part[(i & 3) * groups + k[i]] += v } }
            for j in 0..<(4 * groups) { total[j] += part[j] }
        }
        let expected = (0..<groups).map { g in ((total[g] + total[groups + g]) + total[2 * groups + g]) + total[3 * groups + g] }
        let t = table([("k", .int, keys), ("x", .double, xs)])
        let out = try run(t, keys: [col(0, .int)], [agg(.sum, [col(1, .double)], .double)])
        #expect(rows(out).map { $0[1] } == expected.map { .double($0) })
    }
}

