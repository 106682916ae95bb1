import Testing
@testable import CrmqEngine
import CrmqSemantics

/// Int columns of consecutive values stored as a sequence (`IntSequence`, made by
/// `Column.compacted`): which columns are stored so, and filters, gathers and joins over such
/// a column answering as over the 64-bit column without making its 64-bit copy.
@Suite struct IntSequenceTests {
    @Test func onlyConsecutiveIntsWithoutNullsBeyondEightBitsAreSequences() {
        let ids = Column(.int((1_000..<1_500).map(Int64.init))).compacted()
        #expect(ids.intSequence?.first == 1_000 && ids.count == 500 && ids.type == .int && ids.nullCount == 0)
        #expect(values(ids) == (1_000..<1_500).map { .int(Int64($0)) })
        #expect(ids.value(at: 499) == .int(1_499))
        #expect(ids.compacted().intSequence === ids.intSequence)
        #expect(Table(schema: Schema([Field("id", .int)]), columns: [ids]).memoryBytes == 0)

        // Values within a byte are stored as bytes, the form more kernels read.
        #expect(Column(.int([1, 2, 3])).compacted().smallInts != nil)
        // A null, a gap or a step other than one is no sequence (stored in 32 bits instead).
        #expect(Column.from((0..<300).map { $0 == 7 ? .null : .int(Int64($0)) }, type: .int).compacted().intSequence == nil)
        #expect(Column(.int((0..<300).map { Int64($0 < 200 ? $0 : $0 + 1) })).compacted().intSequence == nil)
        #expect(Column(.int((0..<300).map { Int64(2 * $0) })).compacted().int32s != nil)
        // A break far down a long column (each part stops at its first block that is not).
        var long = (0..<(Parallel.minimumRows * 3)).map { Int64($0) + 500 }
        long[long.count - 1] += 1
        #expect(Column(.int(long)).compacted().intSequence == nil)
        long[long.count - 1] -= 1
        #expect(Column(.int(long)).compacted().intSequence != nil)
        // The largest values, and a column that would wrap around past them.
        #expect(Column(.int((0..<300).map { Int64.max - 299 + Int64($0) })).compacted().intSequence != nil)
        #expect(Column(.int([Int64.max - 200] + (0..<200).map { Int64.max - 199 + Int64($0) } + [Int64.min]))
            .compacted().intSequence == nil)
    }

    /// Filters, sorts, prefixes and left joins gather rows of a sequence from their indices;
    /// none makes the 64-bit copy, and all answer as over the 64-bit column.
    @Test(arguments: FastPathTests.sizes) func gathersAnswerAsOverSixtyFourBits(n: Int) throws {
        let wide = table([
            ("id", .int, (0..<n).map { .int(Int64($0) + 1_000) }),
            ("x", .int, (0..<n).map { .int(Int64(($0 * 7_919) % 1_000)) }),
        ])
        var compact = wide
        compact.columns = wide.columns.map { $0.compacted() }
        let x = col(1, .int)
        #expect(compact.columns[0].intSequence != nil)

        let plans: [(Table) -> Plan] = [
            { t in Plan(.filter(scan("t", t), predicate: call(.less, [x, lit(.int(100))], .bool)), schema: t.schema) },
            { t in Plan(.sort(scan("t", t), keys: [SortKey(expr: x, descending: true)]), schema: t.schema) },
            { t in Plan(.topN(scan("t", t), keys: [SortKey(expr: x, descending: false)], count: 25), schema: t.schema) },
            { t in Plan(.limit(scan("t", t), count: 10), schema: t.schema) },
        ]
        for plan in plans {
            #expect(rows(try executor(["t": compact]).execute(plan(compact))) == rows(try executor(["t": wide]).execute(plan(wide))))
        }
        #expect(compact.columns[0].intSequence?.isWidened == false)

        // The sequence as the left side of a left join (rows without a match give nulls on the
        // right) and as the right side (customers by id).
        let other = table([("k", .int, (0..<n / 3).map { .int(Int64($0 * 3) + 1_000) }), ("y", .int, (0..<n / 3).map { .int(Int64($0)) })])
        let asLeft = { (t: Table) in
            Plan(.join(left: scan("t", t), right: scan("o", other), keys: [PlanJoinKey(left: 0, right: 0)], kind: .left, rightColumns: [1]),
                 schema: Schema(t.schema.fields + [other.schema[1]]))
        }
        #expect(rows(try executor(["t": compact, "o": other]).execute(asLeft(compact)))
            == rows(try executor(["t": wide, "o": other]).execute(asLeft(wide))))
    }

    /// A join whose right keys are a sequence looks each left key up by its offset from the
    /// first, and matches what the 64-bit right side matches: keys below, within and past the
    /// range, nulls, inner and left joins, and several keys.
    @Test(arguments: FastPathTests.sizes) func joinsToASequenceMatchTheSixtyFourBitJoin(n: Int) throws {
        var r = FastPathTests.Random(state: 5)
        let m = n / 4
        let wideRight = table([
            ("id", .int, (0..<m).map { .int(Int64($0) + 1_000) }),
            ("name", .string, (0..<m).map { .string("c\($0 % 89)") }),
            ("g", .int, (0..<m).map { .int(Int64($0 % 3)) }),
        ])
        var right = wideRight
        right.columns = wideRight.columns.map { $0.compacted() }
        #expect(right.columns[0].intSequence != nil)
        let left = table([
            ("row", .int, (0..<n).map { .int(Int64($0)) }),
            ("id", .int, (0..<n).map { _ in r.int(25) == 0 ? .null : .int(995 + Int64(r.int(m + 10))) }),
            ("g", .int, (0..<n).map { _ in .int(Int64(r.int(3))) }),
        ])
        for keys in [[PlanJoinKey(left: 1, right: 0)], [PlanJoinKey(left: 1, right: 0), PlanJoinKey(left: 2, right: 2)]] {
            for kind in [PlanJoinKind.inner, .left] {
                let plan = { (rt: Table) in
                    Plan(.join(left: scan("l", left), right: scan("r", rt), keys: keys, kind: kind, rightColumns: [1]),
                         schema: Schema(left.schema.fields + [rt.schema[1]]))
                }
                let got = rows(try executor(["l": left, "r": right]).execute(plan(right)))
                #expect(got == rows(try executor(["l": left, "r": wideRight]).execute(plan(wideRight))))
                #expect(!got.isEmpty)
            }
        }
        #expect(right.columns[0].intSequence?.isWidened == false)
    }
}

/// Int columns stored in 32 bits (`Int32s`, made by `Column.compacted` for keys such as a
/// purchase's `customer_id`): filters, groupings, distinct counts, sorts, gathers and joins
/// over them answer as over the 64-bit column, and none of them makes its 64-bit copy.
@Suite struct Int32sTests {
    @Test func intsWithinThirtyTwoBitsAreStoredSo() {
        let keys = Column.from([.int(70_000), .null, .int(-5), .int(Int64(Int32.max)), .int(Int64(Int32.min))], type: .int).compacted()
        #expect(keys.int32s?.values == [70_000, 0, -5, Int32.max, Int32.min])
        #expect(values(keys) == [.int(70_000), .null, .int(-5), .int(Int64(Int32.max)), .int(Int64(Int32.min))])
        #expect(keys.type == .int && keys.count == 5 && keys.nullCount == 1)
        #expect(keys.compacted().int32s === keys.int32s)
        #expect(Table(schema: Schema([Field("k", .int)]), columns: [keys]).memoryBytes == 5 * 4 + 5)
        #expect(Column(.int([0, Int64(Int32.max) + 1])).compacted().intSequence == nil)
        #expect(Column(.int([Int64(Int32.min) - 1, 0])).compacted().intSequence == nil)
        // Bytes and sequences first, when they fit.
        #expect(Column(.int([1, 2, 3])).compacted().smallInts != nil)
        #expect(Column(.int((500..<800).map(Int64.init))).compacted().intSequence != nil)
    }

    /// Columns: id (a sequence), k (keys in 32 bits, some null), x (64 bits), w (32 bits, a
    /// range too wide for a direct array).
    func sample(_ n: Int) -> Table {
        var r = FastPathTests.Random(state: 17)
        return table([
            ("id", .int, (0..<n).map { .int(Int64($0) + 1_000) }),
            ("k", .int, (0..<n).map { _ in r.int(30) == 0 ? .null : .int(Int64(r.int(n / 3 + 300)) - 200) }),
            ("x", .int, (0..<n).map { _ in .int(Int64(r.int(1 << 40))) }),
            ("w", .int, (0..<n).map { _ in .int(Int64(r.int(1 << 30)) - (1 << 29)) }),
        ])
    }

    @Test(arguments: FastPathTests.sizes) func queriesAnswerAsOverSixtyFourBits(n: Int) throws {
        let wide = sample(n)
        var compact = wide
        compact.columns = wide.columns.map { $0.compacted() }
        #expect(compact.columns[1].int32s != nil && compact.columns[2].isCompact == false && compact.columns[3].int32s != nil)
        let k = col(1, .int), x = col(2, .int)
        func same(_ plan: (Table) -> Plan, tables: [String: Table] = [:]) throws {
            let a = rows(try executor(tables.merging(["t": compact]) { $1 }).execute(plan(compact)))
            let b = rows(try executor(tables.merging(["t": wide]) { $1 }).execute(plan(wide)))
            #expect(a == b)
        }
        func cmp(_ op: ScalarFunction, _ e: BoundExpr, _ v: Int64) -> BoundExpr { call(op, [e, lit(.int(v))], .bool) }
        var predicates: [BoundExpr] = [
            call(.isNull, [k], .bool), call(.and, [cmp(.greaterEqual, k, 10), cmp(.less, k, 500)], .bool),
            call(.and, [cmp(.greater, k, -1), cmp(.lessEqual, k, 1 << 40)], .bool),
        ]
        for op in [ScalarFunction.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual] {
            for v: Int64 in [-(1 << 40), -200, 0, 77, Int64(n / 4), 1 << 40] { predicates.append(cmp(op, k, v)) }
        }
        for p in predicates {
            try same { t in Plan(.filter(scan("t", t), predicate: p), schema: t.schema) }
        }
        let aggregates = [
            BoundAggregate(function: .countRows, arguments: [], type: .int, range: r0),
            BoundAggregate(function: .countDistinct, arguments: [k], type: .int, range: r0),
            BoundAggregate(function: .countDistinct, arguments: [col(3, .int)], type: .int, range: r0),
        ]
        let schema = Schema([Field("key", .int), Field("n", .int), Field("d", .int), Field("dw", .int)])
        for key in [k, call(.modulo, [x, lit(.int(7))], .int)] {
            for filtered in [false, true] {
                try same { t in
                    let input = filtered ? Plan(.filter(scan("t", t), predicate: cmp(.greater, k, 40)), schema: t.schema) : scan("t", t)
                    return Plan(.aggregate(input, keys: [key], aggregates: aggregates), schema: schema)
                }
            }
        }
        try same { t in Plan(.sort(scan("t", t), keys: [SortKey(expr: k, descending: true), SortKey(expr: x, descending: false)]), schema: t.schema) }
        try same { t in Plan(.topN(scan("t", t), keys: [SortKey(expr: k, descending: false)], count: 9), schema: t.schema) }

        // Joins: the 32-bit keys against a sequence (customers by id), against 64-bit keys, and
        // as the right side.
        let byId = table([("id", .int, (0..<n / 4).map { .int(Int64($0)) }), ("v", .int, (0..<n / 4).map { .int(Int64($0 % 11)) })])
        var byIdCompact = byId
        byIdCompact.columns = byId.columns.map { $0.compacted() }
        #expect(n < 1_000 * 4 || byIdCompact.columns[0].intSequence != nil)
        for right in [byId, byIdCompact] {
            for kind in [PlanJoinKind.inner, .left] {
                try same({ t in
                    Plan(.join(left: scan("t", t), right: scan("r", right), keys: [PlanJoinKey(left: 1, right: 0)], kind: kind, rightColumns: [1]),
                         schema: Schema(t.schema.fields + [right.schema[1]]))
                }, tables: ["r": right])
                try same({ t in
                    Plan(.join(left: scan("r", right), right: scan("t", t), keys: [PlanJoinKey(left: 0, right: 1)], kind: kind, rightColumns: [0, 2]),
                         schema: Schema(right.schema.fields + [t.schema[0], t.schema[2]]))
                }, tables: ["r": right])
            }
        }
        #expect(compact.columns[1].int32s?.isWidened == false)
        #expect(compact.columns[0].intSequence?.isWidened == false)
    }
}
