import CrmqSemantics

/// The `window` stage and per-group top-N. Rows are put in window order once (a stable radix
/// sort by the group keys, then the order keys: `Sorting.permutation`), so every group is a
/// run of consecutive rows and every function is one pass over the sorted positions, with
/// state reset where a group starts. Ties (peers) are runs of equal order keys.
enum Windowing {
    /// Where groups and peers start, over the rows in window order.
    struct Runs {
        /// The sorted position where each group starts, and the row count at the end (groups + 1 entries).
        var starts: [Int]
        /// The group of each sorted position.
        var ids: [Int32]
        /// Whether each sorted position starts a run of rows with equal order keys (a group start does).
        var newPeer: [Bool]
        var groupCount: Int { starts.count - 1 }
    }

    static func run(
        _ table: Table, groups: [BoundExpr], order: [SortKey], computations: [WindowComputation],
        keeping: Set<Int>, needed: Set<Int>, schema: Schema, cancel: CancellationFlag
    ) throws(EngineError) -> Table {
        let n = table.rowCount
        let evaluator = ExpressionEvaluator(table: table, cancellation: cancel)
        var groupKeys: [NormalizedKey] = []
        for g in groups { groupKeys.append(try NormalizedKey(try evaluator.column(g), descending: false, cancel: cancel)) }
        var orderKeys: [NormalizedKey] = []
        for k in order { orderKeys.append(try NormalizedKey(try evaluator.column(k.expr), descending: k.descending, cancel: cancel)) }

        var sorted = table
        var perm: [Int32]? = nil
        if !groupKeys.isEmpty || !orderKeys.isEmpty {
            let p = try Sorting.permutation(groupKeys + orderKeys, n: n, cancel: cancel)
            sorted = try table.take(p, keeping: keeping, cancel: cancel)
            perm = p
        }
        let runs = try Self.runs(groupKeys, orderKeys, perm: perm, n: n, cancel: cancel)
        let sortedEvaluator = ExpressionEvaluator(table: sorted, cancellation: cancel)
        var columns = sorted.columns
        for (j, c) in computations.enumerated() {
            try cancel.check()
            // A column no stage above reads is not computed (nor can it fail).
            if !needed.contains(table.columns.count + j) {
                columns.append(Column(.null(count: n)))
                continue
            }
            switch c {
            case .function(let call):
                columns.append(try function(call, runs, sortedEvaluator, n: n, cancel: cancel))
            case .aggregate(let agg):
                let grouping = Grouping(ids: runs.ids, count: runs.groupCount, ordered: true)
                let sizes = (0..<runs.groupCount).map { runs.starts[$0 + 1] - runs.starts[$0] }
                let perGroup = try Aggregation.accumulate(
                    agg, grouping, sizes: sizes, evaluator: sortedEvaluator, cancel: cancel)
                columns.append(perGroup.take(runs.ids, cancel: cancel))
                try cancel.check()
            }
        }
        return Table(schema: schema, columns: columns, rowCount: n)
    }

    /// The first `count` rows of each group in key order: groups ascending, rows in key order.
    static func topPerGroup(
        _ table: Table, groups: [BoundExpr], keys: [SortKey], count: Int, keeping: Set<Int>, cancel: CancellationFlag
    ) throws(EngineError) -> Table {
        let n = table.rowCount
        let evaluator = ExpressionEvaluator(table: table, cancellation: cancel)
        var groupKeys: [NormalizedKey] = []
        for g in groups { groupKeys.append(try NormalizedKey(try evaluator.column(g), descending: false, cancel: cancel)) }
        var orderKeys: [NormalizedKey] = []
        for k in keys { orderKeys.append(try NormalizedKey(try evaluator.column(k.expr), descending: k.descending, cancel: cancel)) }
        let perm = try Sorting.permutation(groupKeys + orderKeys, n: n, cancel: cancel)
        let runs = try Self.runs(groupKeys, [], perm: perm, n: n, cancel: cancel)
        var rows: [Int32] = []
        for g in 0..<runs.groupCount {
            let start = runs.starts[g]
            let end = Swift.min(runs.starts[g + 1], start + count)
            rows.append(contentsOf: perm[start..<end])
        }
        return try table.take(rows, keeping: keeping, cancel: cancel)
    }

    /// Group and peer starts over the sorted positions: a key starts a new run where its
    /// value or nullness differs from the previous position's (two nulls tie).
    static func runs(_ groupKeys: [NormalizedKey], _ orderKeys: [NormalizedKey], perm: [Int32]?, n: Int,
                     cancel: CancellationFlag) throws(EngineError) -> Runs
    {
        var groupStart = [Bool](repeating: false, count: n)
        if n > 0 { groupStart[0] = true }
        for key in groupKeys { try markChanges(key, perm: perm, into: &groupStart, cancel: cancel) }
        var newPeer = groupStart
        for key in orderKeys { try markChanges(key, perm: perm, into: &newPeer, cancel: cancel) }
        var starts: [Int] = []
        var ids = [Int32](repeating: 0, count: n)
        try cancel.check()
        groupStart.withUnsafeBufferPointer { g in
            ids.withUnsafeMutableBufferPointer { id in
                var group: Int32 = -1
                for i in 0..<n {
                    if g[i] {
                        group += 1
                        starts.append(i)
                    }
                    id[i] = group
                }
            }
        }
        starts.append(n)
        return Runs(starts: starts, ids: ids, newPeer: newPeer)
    }

    /// Sets `flags[i]` where the key (in the order of `perm`) differs from position i - 1.
    private static func markChanges(
        _ key: NormalizedKey, perm: [Int32]?, into flags: inout [Bool], cancel: CancellationFlag
    ) throws(EngineError) {
        let n = flags.count
        guard n > 1 else { return }
        func ordered<T>(_ a: [T]) -> [T] {
            guard let perm else { return a }
            return a.withUnsafeBufferPointer { a in perm.map { a[Int($0)] } }
        }
        let values = ordered(key.values)
        try cancel.check()
        let valid = key.validity.map(ordered)
        try cancel.check()
        values.withUnsafeBufferPointer { v in
            flags.withUnsafeMutableBufferPointer { f in
                if let valid {
                    valid.withUnsafeBufferPointer { ok in
                        for i in 1..<n where ok[i] != ok[i - 1] || (ok[i] && v[i] != v[i - 1]) { f[i] = true }
                    }
                } else {
                    for i in 1..<n where v[i] != v[i - 1] { f[i] = true }
                }
            }
        }
    }

    /// One window function over the rows in window order.
    static func function(
        _ call: BoundWindowCall, _ runs: Runs, _ evaluator: ExpressionEvaluator, n: Int, cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        let starts = runs.starts, ids = runs.ids, newPeer = runs.newPeer
        @inline(__always) func start(_ i: Int) -> Int { starts[Int(ids[i])] }
        @inline(__always) func size(_ i: Int) -> Int { starts[Int(ids[i]) + 1] - starts[Int(ids[i])] }
        switch call.function {
        case .rowNumber:
            var out = [Int64](repeating: 0, count: n)
            try cancel.chunks(n) { range in for i in range { out[i] = Int64(i - start(i) + 1) } }
            return Column(.int(out))
        case .rank, .percentRank:
            var rank = [Int64](repeating: 0, count: n)
            try cancel.chunks(n) { range in
                for i in range { rank[i] = newPeer[i] ? Int64(i - start(i) + 1) : rank[i - 1] }
            }
            if call.function == .rank { return Column(.int(rank)) }
            var out = [Double](repeating: 0, count: n)
            try cancel.chunks(n) { range in
                for i in range {
                    let m = size(i)
                    out[i] = m > 1 ? Double(rank[i] - 1) / Double(m - 1) : 0
                }
            }
            return Column(.double(out))
        case .denseRank:
            var out = [Int64](repeating: 0, count: n)
            try cancel.chunks(n) { range in
                for i in range {
                    if i == start(i) { out[i] = 1 } else { out[i] = out[i - 1] + (newPeer[i] ? 1 : 0) }
                }
            }
            return Column(.int(out))
        case .cumeDist:
            // Backwards: each row's last peer is the position before the next peer run starts.
            var out = [Double](repeating: 0, count: n)
            var lastPeer = n - 1
            var i = n - 1
            while i >= 0 {
                if i % chunkSize == 0 { try cancel.check() }
                if i == n - 1 || newPeer[i + 1] { lastPeer = i }
                out[i] = Double(lastPeer - start(i) + 1) / Double(size(i))
                i -= 1
            }
            return Column(.double(out))
        case .ntile:
            // SQL's NTILE: m rows in k tiles of m / k rows, the first m % k tiles one row more.
            let k = call.parameter
            var out = [Int64](repeating: 0, count: n)
            try cancel.chunks(n) { range in
                for i in range {
                    let m = size(i), j = i - start(i)
                    let q = m / k, r = m % k
                    let big = r * (q + 1)
                    out[i] = Int64(j < big ? j / (q + 1) + 1 : r + (j - big) / q + 1)
                }
            }
            return Column(.int(out))
        case .lag, .lead:
            let offset = call.parameter
            var from = [Int32](repeating: -1, count: n)
            var missing = false
            try cancel.chunks(n) { range in
                for i in range {
                    let j = call.function == .lag ? i - offset : i + offset
                    if j >= start(i) && j < start(i) + size(i) { from[i] = Int32(j) } else { missing = true }
                }
            }
            let x = try evaluator.column(call.arguments[0])
            let moved = x.take(from, mayHaveMissing: missing, cancel: cancel)
            try cancel.check()
            let fallback = call.arguments[1]
            if !missing { return moved }
            if case .literal(.null) = fallback.kind { return moved }
            // Where no row is there, the default (evaluated on this row): if(no row, default, moved).
            let d = try evaluator.column(fallback)
            let mask = Column(.bool(from.map { $0 < 0 }))
            let t = Table(
                schema: Schema([Field("no_row", .bool), Field("default", call.type), Field("moved", call.type)]),
                columns: [mask, d, moved], rowCount: n)
            let pick = BoundExpr(
                .call(.ifThenElse, [
                    BoundExpr(.column(0), type: .bool, range: call.range),
                    BoundExpr(.column(1), type: call.type, range: call.range),
                    BoundExpr(.column(2), type: call.type, range: call.range),
                ]), type: call.type, range: call.range)
            return try ExpressionEvaluator(table: t, cancellation: cancel).column(pick)
        case .runningSum:
            let x = try evaluator.column(call.arguments[0])
            let valid = x.validity
            var seen = [Bool](repeating: false, count: n)
            switch x.values {
            case .double(let a):
                var out = [Double](repeating: 0, count: n)
                try cancel.chunks(n) { range in
                    for i in range {
                        let fresh = i == start(i)
                        let v = valid?[i] ?? true
                        out[i] = (fresh ? 0 : out[i - 1]) + (v ? a[i] : 0)
                        seen[i] = (fresh ? false : seen[i - 1]) || v
                    }
                }
                return Column(.double(out), validity: seen).finite()
            case .int(let a):
                var out = [Int64](repeating: 0, count: n)
                var overflow = false
                try cancel.chunks(n) { range in
                    for i in range {
                        let fresh = i == start(i)
                        let v = valid?[i] ?? true
                        let (sum, o) = (fresh ? 0 : out[i - 1]).addingReportingOverflow(v ? a[i] : 0)
                        overflow = overflow || o
                        out[i] = sum
                        seen[i] = (fresh ? false : seen[i - 1]) || v
                    }
                }
                if overflow { throw EngineError.runtime(.integerOverflow(operation: "running_sum"), range: call.range) }
                return Column(.int(out), validity: seen)
            default:
                return nullColumn(call.type, count: n)
            }
        case .share:
            let x = try evaluator.column(call.arguments[0])
            guard !x.isCompact, case .double(let a) = x.values else { return nullColumn(.double, count: n) }
            let totals = try Aggregation.sums(a, ids, x.validity, runs.groupCount, cancel)
            var out = [Double](repeating: 0, count: n)
            var valid = x.validity ?? [Bool](repeating: true, count: n)
            try cancel.chunks(n) { range in
                for i in range {
                    let total = totals[Int(ids[i])]
                    if total == 0 || !total.isFinite { valid[i] = false } else { out[i] = a[i] / total }
                }
            }
            return Column(.double(out), validity: valid).finite()
        }
    }
}
