import CrmqEngine
import CrmqSemantics
import Testing

/// The window node and per-group top-N against a row-at-a-time reference written here, on
/// random data with ties and nulls in the group and order keys, over more rows than one
/// chunk of the engine's loops.
@Suite struct WindowTests {
    func fn(_ f: WindowFunction, _ args: [BoundExpr] = [], type: DataType) -> WindowComputation {
        fn(f, args, 0, type)
    }

    func fn(_ f: WindowFunction, _ args: [BoundExpr], _ parameter: Int, _ type: DataType) -> WindowComputation {
        .function(BoundWindowCall(function: f, arguments: args, parameter: parameter, type: type, range: r0))
    }

    /// Random rows: g (int group, nulls), k (double order key with ties and nulls),
    /// v (int value, nulls), x (double value, nulls).
    func data(_ n: Int, seed: UInt64) -> Table {
        var state = seed
        func next(_ m: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(m))
        }
        var g: [Value] = [], k: [Value] = [], v: [Value] = [], x: [Value] = []
        for _ in 0..<n {
            g.append(next(50) == 0 ? .null : .int(Int64(next(40))))
            k.append(next(20) == 0 ? .null : .double(Double(next(300)) / 4))
            v.append(next(10) == 0 ? .null : .int(Int64(next(1000)) - 300))
            x.append(next(10) == 0 ? .null : .double(Double(next(100_000)) / 7))
        }
        return table([("g", .int, g), ("k", .double, k), ("v", .int, v), ("x", .double, x)])
    }

    /// Equal, doubles to 1e-12 relative (group totals may be added in another order).
    func close(_ a: Value, _ b: Value) -> Bool {
        if case .double(let p) = a, case .double(let q) = b { return abs(p - q) <= 1e-12 * max(1, abs(p), abs(q)) }
        return a == b
    }

    /// Ascending with nulls last (a null ties with a null).
    func less(_ a: Value, _ b: Value, descending: Bool) -> Bool? {
        switch (a, b) {
        case (.null, .null): return nil
        case (.null, _): return false
        case (_, .null): return true
        case (.int(let p), .int(let q)): return p == q ? nil : (descending ? p > q : p < q)
        case (.double(let p), .double(let q)): return p == q ? nil : (descending ? p > q : p < q)
        default: return nil
        }
    }

    @Test(arguments: [false, true])
    func everyFunctionAgreesWithARowAtATimeReference(descending: Bool) throws {
        let n = 70_000
        let t = data(n, seed: descending ? 7 : 11)
        let rowsIn = rows(t)
        let computations: [WindowComputation] = [
            fn(.rowNumber, type: .int), fn(.rank, type: .int), fn(.denseRank, type: .int),
            fn(.percentRank, type: .double), fn(.cumeDist, type: .double), fn(.ntile, [], 7, .int),
            fn(.lag, [col(2, .int), lit(.int(-1))], 2, .int), fn(.lead, [col(3, .double), lit(.null, as: .double)], 1, .double),
            fn(.runningSum, [col(2, .int)], type: .int), fn(.runningSum, [col(3, .double)], type: .double),
            fn(.share, [col(3, .double)], type: .double),
            .aggregate(BoundAggregate(function: .sum, arguments: [col(2, .int)], type: .int, range: r0)),
        ]
        let schema = Schema(t.schema.fields + computations.enumerated().map { Field("c\($0.offset)", $0.element.type) })
        let plan = Plan(
            .window(scan("t", t), groups: [col(0, .int)], order: [SortKey(expr: col(1, .double), descending: descending)],
                    computations: computations), schema: schema)
        let out = rows(try executor(["t": t]).execute(plan))

        // The reference: a stable sort by (g ascending, k), then each group walked row by row.
        let order = (0..<n).sorted { a, b in
            if let l = less(rowsIn[a][0], rowsIn[b][0], descending: false) { return l }
            if let l = less(rowsIn[a][1], rowsIn[b][1], descending: descending) { return l }
            return a < b
        }
        #expect(out.map { Array($0[0..<4]) } == order.map { rowsIn[$0] })
        var start = 0
        while start < n {
            var end = start
            while end < n && rowsIn[order[end]][0] == rowsIn[order[start]][0] { end += 1 }
            let m = end - start
            var rank = 1, dense = 0, sumV: Int64 = 0, sumX = 0.0, seenV = false, seenX = false
            var totalV: Int64 = 0, anyV = false, totalX = 0.0
            for i in start..<end {
                if case .int(let a) = rowsIn[order[i]][2] { totalV += a; anyV = true }
                if case .double(let a) = rowsIn[order[i]][3] { totalX += a }
            }
            for i in start..<end {
                let row = out[i], j = i - start
                let peerStart = i == start || rowsIn[order[i]][1] != rowsIn[order[i - 1]][1]
                if peerStart { rank = j + 1; dense += 1 }
                var last = i
                while last + 1 < end && rowsIn[order[last + 1]][1] == rowsIn[order[i]][1] { last += 1 }
                let q = m / 7, r = m % 7
                let tile = j < r * (q + 1) ? j / (q + 1) + 1 : r + (j - r * (q + 1)) / q + 1
                if case .int(let a) = rowsIn[order[i]][2] { sumV += a; seenV = true }
                if case .double(let a) = rowsIn[order[i]][3] { sumX += a; seenX = true }
                var share = Value.null
                if case .double(let a) = rowsIn[order[i]][3], totalX != 0 { share = .double(a / totalX) }
                let expected: [Value] = [
                    .int(Int64(j + 1)), .int(Int64(rank)), .int(Int64(dense)),
                    .double(m > 1 ? Double(rank - 1) / Double(m - 1) : 0), .double(Double(last - start + 1) / Double(m)),
                    .int(Int64(tile)),
                    j >= 2 ? rowsIn[order[i - 2]][2] : .int(-1),
                    i + 1 < end ? rowsIn[order[i + 1]][3] : .null,
                    seenV ? .int(sumV) : .null, seenX ? .double(sumX) : .null, share,
                    anyV ? .int(totalV) : .null,
                ]
                let same = zip(row[4...], expected).allSatisfy(close)
                #expect(same, "sorted row \(i): \(Array(row[4...])) against \(expected)")
                if !same { return }
            }
            start = end
        }
    }

    @Test func withoutGroupsAndOrderTheRowsKeepTheirOrder() throws {
        let t = table([("v", .int, [.int(3), .null, .int(5), .int(2)])])
        let plan = Plan(
            .window(scan("t", t), groups: [], order: [], computations: [
                fn(.rowNumber, type: .int), fn(.runningSum, [col(0, .int)], type: .int),
                fn(.lag, [col(0, .int), col(0, .int)], 1, .int),
            ]), schema: Schema(t.schema.fields + [Field("n", .int), Field("s", .int), Field("p", .int)]))
        #expect(rows(try executor(["t": t]).execute(plan)) == [
            [.int(3), .int(1), .int(3), .int(3)], [.null, .int(2), .int(3), .int(3)],
            [.int(5), .int(3), .int(8), .null], [.int(2), .int(4), .int(10), .int(5)],
        ])
    }

    @Test func aRunningSumBeyond64BitsIsAnError() {
        let t = table([("v", .int, [.int(Int64.max), .int(1)])])
        let plan = Plan(
            .window(scan("t", t), groups: [], order: [], computations: [fn(.runningSum, [col(0, .int)], type: .int)]),
            schema: Schema(t.schema.fields + [Field("s", .int)]))
        #expect(runtimeMessage { _ = try executor(["t": t]).execute(plan) } == .integerOverflow(operation: "running_sum"))
    }

    @Test func aColumnNoStageReadsIsNotComputed() throws {
        let t = table([("v", .int, [.int(Int64.max), .int(1)])])
        let window = Plan(
            .window(scan("t", t), groups: [], order: [], computations: [fn(.runningSum, [col(0, .int)], type: .int)]),
            schema: Schema(t.schema.fields + [Field("s", .int)]))
        let plan = Plan(.project(window, [col(0, .int)]), schema: t.schema)
        #expect(rows(try executor(["t": t]).execute(plan)) == [[.int(Int64.max)], [.int(1)]])
    }

    @Test func aCancelledWindowStops() {
        let t = data(100_000, seed: 3)
        let flag = CancellationFlag()
        flag.cancel()
        let plan = Plan(
            .window(scan("t", t), groups: [col(0, .int)], order: [SortKey(expr: col(1, .double), descending: false)],
                    computations: [fn(.rank, type: .int)]),
            schema: Schema(t.schema.fields + [Field("r", .int)]))
        #expect(throws: EngineError.self) { _ = try executor(["t": t], cancellation: flag).execute(plan) }
    }

    @Test func topPerGroupIsTheFirstRowsOfEachGroupInOrder() throws {
        let t = data(20_000, seed: 5)
        let rowsIn = rows(t)
        for (k, descending) in [(1, true), (3, false), (1000, true)] {
            let keys = [SortKey(expr: col(1, .double), descending: descending)]
            let plan = Plan(.topNPerGroup(scan("t", t), groups: [col(0, .int)], keys: keys, count: k), schema: t.schema)
            let out = rows(try executor(["t": t]).execute(plan))
            let order = (0..<rowsIn.count).sorted { a, b in
                if let l = less(rowsIn[a][0], rowsIn[b][0], descending: false) { return l }
                if let l = less(rowsIn[a][1], rowsIn[b][1], descending: descending) { return l }
                return a < b
            }
            var expected: [[Value]] = []
            var taken = 0
            for (i, row) in order.enumerated() {
                if i > 0 && rowsIn[row][0] != rowsIn[order[i - 1]][0] { taken = 0 }
                if taken < k { expected.append(rowsIn[row]) }
                taken += 1
            }
            #expect(out == expected, "top \(k)")
        }
    }
}
