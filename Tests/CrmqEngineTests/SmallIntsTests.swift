import Testing
@testable import CrmqEngine
import CrmqSemantics

/// Int columns stored in 8 bits (`SmallInts`, made by `Column.compacted`): which columns are
/// stored so, and every query over such a column answering as over the 64-bit column, with
/// the kernels that know the compact form reading it without widening it.
@Suite struct SmallIntsTests {
    /// Columns: row (0..<n, too wide for 8 bits), i (0...9, a tenth null), k (-128...127, no nulls),
    /// s (a string key, for grouping by something else).
    func sample(_ n: Int) -> Table {
        var r = FastPathTests.Random(state: 7)
        var i: [Value] = [], k: [Value] = [], s: [Value] = []
        for _ in 0..<n {
            i.append(r.int(10) == 0 ? .null : .int(Int64(r.int(10))))
            k.append(.int(Int64(r.int(256)) - 128))
            s.append(.string(["a", "b", "c"][r.int(3)]))
        }
        return table([("row", .int, (0..<n).map { .int(Int64($0)) }), ("i", .int, i), ("k", .int, k), ("s", .string, s)])
    }

    func compacted(_ t: Table) -> Table {
        var t = t
        t.columns = t.columns.map { $0.compacted() }
        return t
    }

    let i = col(1, .int), k = col(2, .int), s = col(3, .string)

    @Test func onlyIntColumnsWithinEightBitsAreCompacted() {
        let fits = Column.from([.int(-128), .null, .int(127), .int(0)], type: .int).compacted()
        #expect(fits.smallInts?.values == [-128, 0, 127, 0])
        #expect(values(fits) == [.int(-128), .null, .int(127), .int(0)])
        #expect(fits.type == .int && fits.count == 4 && fits.nullCount == 1)
        #expect(fits.compacted().smallInts === fits.smallInts)
        #expect(Column.from([.int(128), .int(0)], type: .int).compacted().smallInts == nil)
        #expect(Column.from([.int(0), .int(-129)], type: .int).compacted().smallInts == nil)
        #expect(Column(.int([])).compacted().smallInts == nil)
        #expect(Column.from([.double(1)], type: .double).compacted().smallInts == nil)
        // A value out of range far down a long column (the range check stops early per part).
        var long = [Int64](repeating: 3, count: Parallel.minimumRows * 3)
        long[long.count - 1] = 1_000
        #expect(Column(.int(long)).compacted().smallInts == nil)
        long[long.count - 1] = -5
        let small = Column(.int(long)).compacted()
        #expect(small.smallInts != nil)
        guard case .int(let wide) = small.values else {
            Issue.record("not an int column")
            return
        }
        #expect(wide == long)
        #expect(small.smallInts?.isWidened == true)
    }

    /// Filters, groupings and aggregates over the compact table give the same rows as over
    /// the 64-bit one (every fast path of the row tests and the grouped loops, with and without
    /// a selection), and the q2 shape (`where i is not null | summarize count, avg by i`) and
    /// the row tests read the compact columns without widening them.
    @Test(arguments: FastPathTests.sizes) func queriesAnswerAsOverSixtyFourBits(n: Int) throws {
        let wide = sample(n)
        let compact = compacted(wide)
        #expect(compact.columns[0].smallInts == nil)
        #expect(compact.columns[1].smallInts != nil && compact.columns[2].smallInts != nil)

        func cmp(_ op: ScalarFunction, _ x: BoundExpr, _ v: Int64) -> BoundExpr { call(op, [x, lit(.int(v))], .bool) }
        func and(_ a: BoundExpr, _ b: BoundExpr) -> BoundExpr { call(.and, [a, b], .bool) }
        var predicates: [BoundExpr] = [
            call(.isNull, [i], .bool), call(.isNotNull, [i], .bool),
            and(cmp(.greaterEqual, i, 2), cmp(.lessEqual, i, 7)), and(cmp(.greater, k, -100), cmp(.less, k, 100)),
            // A bound beyond the byte range beside one within it (not merged into one range test).
            and(cmp(.greater, k, 200), cmp(.less, k, 5)), and(cmp(.greaterEqual, k, -1_000), cmp(.less, k, 5)),
            and(cmp(.greater, i, 3), cmp(.lessEqual, i, 500)),
        ]
        for op in [ScalarFunction.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual] {
            for v: Int64 in [-1_000, -129, -128, -1, 0, 5, 127, 128, 1_000] {
                predicates.append(cmp(op, i, v))
                predicates.append(cmp(op, k, v))
            }
        }
        for p in predicates {
            let plan = { (t: Table) in Plan(.filter(scan("t", t), predicate: p), schema: t.schema) }
            #expect(rows(try executor(["t": compact]).execute(plan(compact))) == rows(try executor(["t": wide]).execute(plan(wide))))
        }
        #expect(compact.columns[1].smallInts?.isWidened == false)
        #expect(compact.columns[2].smallInts?.isWidened == false)

        let aggregates = [
            BoundAggregate(function: .countRows, arguments: [], type: .int, range: r0),
            BoundAggregate(function: .avg, arguments: [k], type: .double, range: r0),
            BoundAggregate(function: .sum, arguments: [k], type: .int, range: r0),
            BoundAggregate(function: .count, arguments: [i], type: .int, range: r0),
            BoundAggregate(function: .countDistinct, arguments: [k], type: .int, range: r0),
            BoundAggregate(function: .avg, arguments: [cmp(.greaterEqual, k, 9)], type: .double, range: r0),
            BoundAggregate(function: .sum, arguments: [cmp(.less, i, 300)], type: .int, range: r0),
            BoundAggregate(function: .min, arguments: [k], type: .int, range: r0),
            BoundAggregate(function: .max, arguments: [i], type: .int, range: r0),
        ]
        let schema = Schema(
            [Field("key", .int), Field("n", .int), Field("a", .double), Field("b", .int), Field("c", .int), Field("d", .int),
             Field("e", .double), Field("f", .int), Field("lo", .int), Field("hi", .int)])
        for (key, filter) in [(i, call(.isNotNull, [i], .bool)), (k, cmp(.greater, i, 3)), (i, cmp(.notEqual, k, 0))] {
            for filtered in [false, true] {
                let plan = { (t: Table) -> Plan in
                    let input = filtered ? Plan(.filter(scan("t", t), predicate: filter), schema: t.schema) : scan("t", t)
                    return Plan(.aggregate(input, keys: [key], aggregates: aggregates), schema: schema)
                }
                #expect(rows(try executor(["t": compact]).execute(plan(compact))) == rows(try executor(["t": wide]).execute(plan(wide))))
            }
        }
        // Sorted and top rows by the 8-bit columns, either way, nulls last.
        for keys in [[SortKey(expr: i, descending: false), SortKey(expr: col(0, .int), descending: true)],
                     [SortKey(expr: k, descending: true), SortKey(expr: i, descending: true), SortKey(expr: col(0, .int), descending: false)]] {
            let sorted = { (t: Table) in Plan(.sort(scan("t", t), keys: keys), schema: t.schema) }
            #expect(rows(try executor(["t": compact]).execute(sorted(compact))) == rows(try executor(["t": wide]).execute(sorted(wide))))
            let top = { (t: Table) in Plan(.topN(scan("t", t), keys: keys, count: 17), schema: t.schema) }
            #expect(rows(try executor(["t": compact]).execute(top(compact))) == rows(try executor(["t": wide]).execute(top(wide))))
        }
        #expect(compact.columns[1].smallInts?.isWidened == false)
        #expect(compact.columns[2].smallInts?.isWidened == false)

        // Any other reader sees the 64-bit values (and widens the column once).
        let other = [
            BoundAggregate(function: .sum, arguments: [call(.add, [i, k], .int)], type: .int, range: r0),
            BoundAggregate(function: .stddev, arguments: [k], type: .double, range: r0),
        ]
        let plan = { (t: Table) in
            Plan(.aggregate(scan("t", t), keys: [s], aggregates: other),
                 schema: Schema([Field("s", .string), Field("t", .int), Field("sd", .double)]))
        }
        #expect(rows(try executor(["t": compact]).execute(plan(compact))) == rows(try executor(["t": wide]).execute(plan(wide))))
        #expect(compact.columns[2].smallInts?.isWidened == true)
    }
}
