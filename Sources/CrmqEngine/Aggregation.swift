import CrmqSemantics

/// Hash aggregation: rows get dense group ids (see `Grouper`), then each aggregate runs one
/// typed accumulator loop over its argument column indexed by group id.
enum Aggregation {
    /// The groups of `input`'s rows, or of the rows `selected` lists (a filter's rows, in order).
    ///
    /// Over a selection, only what the keys and the arguments of most aggregates read is
    /// gathered into a table of the selected rows (`nonNull`: columns the filter left without
    /// nulls). The argument column of `count`, `sum`, `avg` and `count_distinct`, when it is a
    /// column itself, is read in place through the selection instead: summarizing a filter is
    /// most queries, and gathering those columns first was 40% of `where satisfaction is not
    /// null | summarize ... avg(churned) by satisfaction` at 10M customers (perf). The result is the
    /// same as gathering every column first: the same rows in the same order, so even double
    /// sums add up in the same order.
    ///
    /// The count, sum or avg of a column compared with a constant (`avg(recommend >= 9)`, how
    /// `nps` and the other CRM shares are written) counts the rows where the comparison holds as
    /// it reads the column, selection or not, instead of making a column of the comparison first.
    static func run(
        _ input: Table, selected: [Int32]? = nil, nonNull: Set<Int> = [], keys: [BoundExpr],
        aggregates: [BoundAggregate], schema: Schema, cancel: CancellationFlag
    ) throws(EngineError) -> Table {
        let inPlace: [InPlaceArgument?] = aggregates.map { readsInPlace($0, input, selected: selected != nil) }
        // Keys that are columns themselves are grouped through the selection too.
        let keyInPlace: [Int?] = keys.map { k in
            guard selected != nil, case .column(let i) = k.kind, i < input.columns.count else { return nil }
            return i
        }
        var table = input
        if let selected {
            var read = Set<Int>()
            for (k, key) in keys.enumerated() where keyInPlace[k] == nil { read.formUnion(key.columns) }
            for (a, agg) in aggregates.enumerated() where inPlace[a] == nil {
                for e in agg.arguments { read.formUnion(e.columns) }
            }
            table = try input.take(selected, keeping: read, nonNull: nonNull, cancel: cancel)
        }
        let evaluator = ExpressionEvaluator(table: table, cancellation: cancel)
        let n = table.rowCount
        var keyed: Grouping? = nil
        var keyColumns: [(column: Column, inPlace: Bool)] = []
        for (k, key) in keys.enumerated() {
            let column: Column
            if let i = keyInPlace[k] { column = input.columns[i] } else { column = try evaluator.column(key) }
            keyColumns.append((column, keyInPlace[k] != nil))
            let g = try Grouper.group(
                column, ordered: true, through: keyInPlace[k] == nil ? nil : selected, cancel: cancel)
            if let acc = keyed.take() {
                keyed = try Grouper.combine(acc, g, cancel: cancel)  // acc's ids reused (its last use)
            } else {
                keyed = g
            }
        }
        // No keys: one group of every row (even of none).
        let grouping = keyed ?? Grouping(ids: [Int32](repeating: 0, count: n), count: 1, ordered: true)
        let first = try grouping.firstRows(cancel: cancel)
        // A key read in place takes its values from the input's rows (a group has a first row).
        let firstSelected = keyColumns.contains { $0.inPlace } ? selected.map { s in first.map { s[Int($0)] } } : nil
        var columns = keyColumns.map { $0.inPlace ? $0.column.take(firstSelected!) : $0.column.take(first) }
        // Rows per group, counted once for every aggregate whose argument has no nulls.
        var sizes: [Int] = []
        if let counted = grouping.sizes {
            sizes = counted
        } else if !aggregates.isEmpty {
            sizes = try countValid(grouping.ids, nil, grouping.count, cancel)
        }
        for (a, agg) in aggregates.enumerated() {
            switch inPlace[a] {
            case .column(let i)? where agg.function == .countDistinct:
                columns.append(
                    Column(
                        .int(
                            try distinctCounts(
                                input.columns[i], through: selected, grouping.ids, grouping.count, sizes: sizes, cancel))))
            case .column(let i)?:
                columns.append(
                    try countSumOrAverage(
                        agg, input.columns[i], through: selected, grouping.ids, grouping.count, sizes: sizes, cancel)!
                        .finite())
            case .comparison(let i, let op, let constant)?:
                columns.append(
                    try countSumOrAverage(
                        agg, comparing: input.columns[i], op, constant, through: selected, grouping.ids, grouping.count,
                        sizes: sizes, cancel))
            case nil:
                columns.append(try accumulate(agg, grouping, sizes: sizes, evaluator: evaluator, cancel: cancel))
            }
        }
        var result = Table(schema: schema, columns: columns, rowCount: grouping.count)
        if !grouping.ordered, grouping.count > 1 {
            // Hashed keys come in order of appearance; sorting the (few) groups by key is cheaper
            // than keeping the hash table ordered.
            var sortKeys: [NormalizedKey] = []
            for c in result.columns.prefix(keys.count) { sortKeys.append(try NormalizedKey(c, descending: false)) }
            result = result.take(try Sorting.permutation(sortKeys, n: grouping.count, cancel: cancel))
        }
        return result
    }

    /// An aggregate's argument that `run` reads from the input as it stands.
    enum InPlaceArgument {
        /// A column (when there is a selection: otherwise the column is the argument already).
        case column(Int)
        /// A column compared with a constant of its own type.
        case comparison(Int, ScalarFunction, Value)
    }

    /// How a `count`, `sum`, `avg` or `count_distinct` reads its argument in place, if it can.
    private static func readsInPlace(_ agg: BoundAggregate, _ input: Table, selected: Bool) -> InPlaceArgument? {
        guard [.count, .sum, .avg, .countDistinct].contains(agg.function), agg.arguments.count == 1 else { return nil }
        switch agg.arguments[0].kind {
        case .column(let i) where selected && i < input.columns.count:
            switch input.columns[i].type {
            case .int, .double, .bool: return .column(i)
            case .date, .string, .category: return [.count, .countDistinct].contains(agg.function) ? .column(i) : nil
            case .null: return nil
            }
        case _ where agg.function == .countDistinct:
            return nil
        case .call(let op, let args) where args.count == 2 && RowTest.comparisons.contains(op):
            let (column, constant, fn): (BoundExpr, BoundExpr, ScalarFunction) =
                if case .column = args[0].kind { (args[0], args[1], op) } else { (args[1], args[0], RowTest.mirrored(op)) }
            guard case .column(let i) = column.kind, i < input.columns.count, case .literal(let v) = constant.kind
            else { return nil }
            switch (input.columns[i].type, v) {
            case (.int, .int), (.double, .double), (.date, .date): return .comparison(i, fn, v)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// `count`, `sum` or `avg` of `x op constant` per group, as `countSumOrAverage` gives them
    /// for that comparison's bool column: the rows where it holds are counted as `x` is read.
    static func countSumOrAverage(
        _ agg: BoundAggregate, comparing x: Column, _ op: ScalarFunction, _ constant: Value, through selected: [Int32]?,
        _ ids: [Int32], _ groups: Int, sizes: [Int], _ cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        let valid = x.validity
        let counts = valid == nil ? sizes : try countValid(ids, valid, groups, cancel, through: selected)
        if agg.function == .count { return Column(.int(counts.map { Int64($0) })) }
        func holding<T: Comparable>(_ a: [T], _ c: T) throws(EngineError) -> [Int] {
            try a.withUnsafeBufferPointer { (a) throws(EngineError) in
                switch op {
                case .equal: try countRows(ids, valid, groups, cancel, ComparedRow<T, Equal>(values: a, constant: c), through: selected)
                case .notEqual: try countRows(ids, valid, groups, cancel, ComparedRow<T, NotEqual>(values: a, constant: c), through: selected)
                case .less: try countRows(ids, valid, groups, cancel, ComparedRow<T, Less>(values: a, constant: c), through: selected)
                case .lessEqual: try countRows(ids, valid, groups, cancel, ComparedRow<T, LessEqual>(values: a, constant: c), through: selected)
                case .greater: try countRows(ids, valid, groups, cancel, ComparedRow<T, Greater>(values: a, constant: c), through: selected)
                default: try countRows(ids, valid, groups, cancel, ComparedRow<T, GreaterEqual>(values: a, constant: c), through: selected)
                }
            }
        }
        let trues: [Int]
        // An 8-bit column is read as it is stored, against a constant in its range.
        if let small = x.smallInts, case .int(let c) = constant {
            if let c8 = Int8(exactly: c) {
                trues = try holding(small.values, c8)
            } else {
                trues = RowTest.holdsBeyondEightBits(op, c) ? counts : [Int](repeating: 0, count: groups)
            }
        } else {
            switch (x.values, constant) {
            case (.int(let a), .int(let c)): trues = try holding(a, c)
            case (.double(let a), .double(let c)): trues = try holding(a, c)
            case (.date(let a), .date(let c)): trues = try holding(a, c)
            default: return nullColumn(agg.type, count: groups)  // not made by `readsInPlace`
            }
        }
        let some = counts.map { $0 > 0 }
        if agg.function == .sum { return Column(.int(trues.map { Int64($0) }), validity: some) }
        return Column(.double((0..<groups).map { Double(trues[$0]) / Double(max(counts[$0], 1)) }), validity: some)
    }

    /// One aggregate per group. A double total that leaves the finite range (a sum of
    /// values near the largest double) is null, like every non-finite double result.
    static func accumulate(
        _ agg: BoundAggregate, _ g: Grouping, sizes: [Int], evaluator: ExpressionEvaluator, cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        try accumulateAny(agg, g, sizes: sizes, evaluator: evaluator, cancel: cancel).finite()
    }

    private static func accumulateAny(
        _ agg: BoundAggregate, _ g: Grouping, sizes: [Int], evaluator: ExpressionEvaluator, cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        let groups = g.count
        if agg.function == .countRows { return Column(.int(sizes.map { Int64($0) })) }
        guard let argument = agg.arguments.first else { return nullColumn(agg.type, count: groups) }
        let x = try evaluator.column(argument)
        let ids = g.ids
        if [.corr, .covar, .covarPop].contains(agg.function) {
            let y = try evaluator.column(agg.arguments[1])
            return try comoments(x, y, agg.function, ids, groups, cancel)
        }
        let valid = x.validity
        if x.isNullType {
            return agg.function == .count || agg.function == .countDistinct
                ? Column(.int([Int64](repeating: 0, count: groups))) : nullColumn(agg.type, count: groups)
        }
        if let result = try countSumOrAverage(agg, x, through: nil, ids, groups, sizes: sizes, cancel) { return result }
        let counts = valid == nil ? sizes : try countValid(ids, valid, groups, cancel)
        let some = counts.map { $0 > 0 }
        switch agg.function {
        case .countRows, .count, .sum, .avg:
            return nullColumn(agg.type, count: groups)  // handled above
        case .countDistinct:
            return Column(.int(try distinctCounts(x, through: nil, ids, groups, sizes: sizes, cancel)))
        case .min, .max:
            return try minMax(x, isMax: agg.function == .max, ids, groups, some, cancel)
        case .corr, .covar, .covarPop:
            return nullColumn(agg.type, count: groups)  // handled above
        case .stddev:
            return try stddev(Datum.column(x).doubles.array(x.count), ids, valid, groups, cancel)
        case .median, .percentile:
            var p = 0.5
            if agg.function == .percentile, agg.arguments.count > 1 {
                let pv = try evaluator.evaluate(agg.arguments[1]).firstValue ?? .null
                switch pv {
                case .double(let d): p = d
                case .int(let i): p = Double(i)
                default: return nullColumn(.double, count: groups)
                }
                guard p >= 0, p <= 1 else { throw EngineError.runtime(.invalidPercentile(p), range: agg.range) }
            }
            return try quantiles(Datum.column(x).doubles.array(x.count), p, ids, valid, counts, cancel)
        }
    }

    /// `count`, `sum` or `avg` of `x` per group (nil for other aggregates), `ids[i]` being the
    /// group of row i, or of row `selected[i]` of `x` when there is a selection.
    static func countSumOrAverage(
        _ agg: BoundAggregate, _ x: Column, through selected: [Int32]?, _ ids: [Int32], _ groups: Int, sizes: [Int],
        _ cancel: CancellationFlag
    ) throws(EngineError) -> Column? {
        guard [.countRows, .count, .sum, .avg].contains(agg.function) else { return nil }
        let valid = x.validity
        let counts = valid == nil ? sizes : try countValid(ids, valid, groups, cancel, through: selected)
        if agg.function == .countRows || agg.function == .count { return Column(.int(counts.map { Int64($0) })) }
        let some = counts.map { $0 > 0 }
        switch agg.function {
        case .sum:
            if let small = x.smallInts {
                return Column(.int(try smallSums(small, ids, valid, groups, cancel, through: selected)), validity: some)
            }
            switch x.values {
            case .double(let a):
                return Column(.double(try sums(a, ids, valid, groups, cancel, through: selected)), validity: some)
            case .bool(let a):
                let trues = try trueCounts(a, ids, valid, groups, cancel, through: selected)
                return Column(.int(trues.map { Int64($0) }), validity: some)
            default:
                guard case .int(let a) = x.values else { return nullColumn(agg.type, count: groups) }
                guard let s = try intSums(a, ids, valid, groups, cancel, through: selected) else {
                    throw EngineError.runtime(.integerOverflow(operation: "sum"), range: agg.range)
                }
                return Column(.int(s), validity: some)
            }
        default:
            let totals: [Double]
            if let small = x.smallInts {
                totals = try smallSums(small, ids, valid, groups, cancel, through: selected).map { Double($0) }
            } else if case .bool(let a) = x.values {
                // The share of true values: counted, not summed as doubles.
                totals = try trueCounts(a, ids, valid, groups, cancel, through: selected).map { Double($0) }
            } else if case .int(let a) = x.values, let s = try intSums(a, ids, valid, groups, cancel, through: selected) {
                // Exact integer totals, divided once: the same result as DuckDB's wide sums.
                totals = s.map { Double($0) }
            } else {
                totals = try sums(
                    Datum.column(x).doubles.array(x.count), ids, valid, groups, cancel, through: selected)
            }
            return Column(.double((0..<groups).map { totals[$0] / Double(max(counts[$0], 1)) }), validity: some)
        }
    }

    /// `count_distinct(x)` per group, `ids[i]` being the group of row i, or of row `selected[i]`
    /// of `x` when there is a selection (whose rows are then read in place, not gathered: the
    /// distinct customers of a filter over 120M transactions would gather 8 bytes a row).
    /// `sizes`: the rows per group (the counts when `x` has no nulls).
    static func distinctCounts(
        _ x: Column, through selected: [Int32]?, _ ids: [Int32], _ groups: Int, sizes: [Int], _ cancel: CancellationFlag
    ) throws(EngineError) -> [Int64] {
        let valid = x.validity
        if x.isNullType { return [Int64](repeating: 0, count: groups) }
        let counts = valid == nil ? sizes : try countValid(ids, valid, groups, cancel, through: selected)
        let values: Grouping
        if let small = x.smallInts {
            values = try Grouper.groupIntegers(small.values, valid: valid, dense: false, through: selected, cancel: cancel)
        } else if let words = x.int32s {
            // Keys such as customer ids: bucketed by group as they are read, without an array
            // of value ids (4 bytes a row: 400 MB for a filter of 100M purchases).
            if let distinct = try offsetDistinctCounts(words.values, valid, ids, counts, cancel, through: selected) {
                return distinct
            }
            values = try Grouper.groupIntegers(words.values, valid: valid, dense: false, through: selected, cancel: cancel)
        } else {
            switch x.values {
            case .int(let a): values = try Grouper.groupIntegers(a, valid: valid, dense: false, through: selected, cancel: cancel)
            case .date(let a): values = try Grouper.groupIntegers(a, valid: valid, dense: false, through: selected, cancel: cancel)
            default: values = try Grouper.group(x, ordered: false, through: selected, cancel: cancel)
            }
        }
        return try distinctCounts(values, ids, valid, counts, cancel, through: selected)
    }

    /// `distinctCounts` of integers whose range is small enough for a direct array: each row's
    /// value id is its value less the smallest, computed as the row is bucketed. Nil when the
    /// range is too wide (then the values are hashed into ids first).
    static func offsetDistinctCounts<T: FixedWidthInteger & SignedInteger>(
        _ a: [T], _ valid: [Bool]?, _ ids: [Int32], _ counts: [Int], _ cancel: CancellationFlag,
        through selected: [Int32]?
    ) throws(EngineError) -> [Int64]? {
        let n = ids.count
        let parts = Parallel.parts(n)
        var bounds = [(lo: Int64, hi: Int64)](repeating: (.max, .min), count: parts)
        try a.withUnsafeBufferPointer { (v) throws(EngineError) in
            try withOptionalBuffer(selected) { (selected) throws(EngineError) in
                try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                    try bounds.withUnsafeMutableBufferPointer { (bounds) throws(EngineError) in
                        try Parallel.forEachChunk(n, parts: parts, cancel: cancel) { part, range in
                            var (lo, hi) = bounds[part]
                            for k in range {
                                let i = selected.map { Int($0[k]) } ?? k
                                guard valid?[i] ?? true else { continue }
                                lo = Swift.min(lo, Int64(v[i]))
                                hi = Swift.max(hi, Int64(v[i]))
                            }
                            bounds[part] = (lo, hi)
                        }
                    }
                }
            }
        }
        let lo = bounds.map(\.lo).min() ?? .max, hi = bounds.map(\.hi).max() ?? .min
        if lo > hi { return [Int64](repeating: 0, count: counts.count) }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < Grouper.directLimit(n) else { return nil }
        let (bucketed, offsets) = try a.withUnsafeBufferPointer { (v) throws(EngineError) in
            try bucketByGroup(OffsetValueIds(values: v, lo: lo), ids, valid, counts, cancel, through: selected)
        }
        return try distinctInBuckets(bucketed, offsets, domain: Int(span) + 1, cancel)
    }

    /// Distinct values per group, without hashing (value, group) pairs: the rows' value ids
    /// are bucketed by group (a counting sort), then each group's bucket is walked with one
    /// array recording the last group that saw each value. Linear, and the array of
    /// `values.count` ids is the only random access.
    /// (`valid` and `selected` as in `countRows`.)
    static func distinctCounts(
        _ values: Grouping, _ ids: [Int32], _ valid: [Bool]?, _ counts: [Int], _ cancel: CancellationFlag,
        through selected: [Int32]? = nil
    ) throws(EngineError) -> [Int64] {
        let (bucketed, offsets) = try values.ids.withUnsafeBufferPointer { (v) throws(EngineError) in
            try bucketByGroup(GroupedValueIds(ids: v), ids, valid, counts, cancel, through: selected)
        }
        return try distinctInBuckets(bucketed, offsets, domain: values.count, cancel)
    }

    /// The rows' value ids bucketed by group (a counting sort: each group's bucket in row
    /// order), `offsets[g]..<offsets[g + 1]` being group g's; null rows left out. `counts`: the
    /// valid rows per group. (`valid` and `selected` as in `countRows`.)
    private static func bucketByGroup<Values: DistinctValueIds>(
        _ values: Values, _ ids: [Int32], _ valid: [Bool]?, _ counts: [Int], _ cancel: CancellationFlag,
        through selected: [Int32]?
    ) throws(EngineError) -> (bucketed: [Int32], offsets: [Int]) {
        let groups = counts.count
        var offsets = [Int](repeating: 0, count: groups + 1)
        for g in 0..<groups { offsets[g + 1] = offsets[g] + counts[g] }
        var next = Array(offsets.dropLast())
        var bucketed = [Int32](repeating: 0, count: offsets[groups])
        try cancel.chunks(ids.count) { range in
            bucketed.withUnsafeMutableBufferPointer { b in
                next.withUnsafeMutableBufferPointer { next in
                    ids.withUnsafeBufferPointer { ids in
                        withOptionalBuffer(selected) { selected in
                            @inline(__always) func add(_ k: Int, row i: Int) {
                                let g = Int(ids[k])
                                b[next[g]] = values.id(k, row: i)
                                next[g] += 1
                            }
                            if let valid, let selected {
                                for k in range where valid[Int(selected[k])] { add(k, row: Int(selected[k])) }
                            } else if let selected {
                                for k in range { add(k, row: Int(selected[k])) }
                            } else if let valid {
                                for k in range where valid[k] { add(k, row: k) }
                            } else {
                                for k in range { add(k, row: k) }
                            }
                        }
                    }
                }
            }
        }
        return (bucketed, offsets)
    }

    /// The distinct value ids of each group's bucket (`offsets[g]..<offsets[g + 1]` of
    /// `bucketed`), ids being below `domain`.
    static func distinctInBuckets(_ bucketed: [Int32], _ offsets: [Int], domain: Int, _ cancel: CancellationFlag)
        throws(EngineError) -> [Int64]
    {
        let groups = offsets.count - 1
        var distinct = [Int64](repeating: 0, count: groups)
        var lastGroup = [Int32](repeating: -1, count: domain)
        try bucketed.withUnsafeBufferPointer { (b) throws(EngineError) in
            try lastGroup.withUnsafeMutableBufferPointer { (last) throws(EngineError) in
                // Polled every `chunkSize` rows walked, whatever the groups' sizes (every 1,024
                // groups of 14,000 rows each took 100 ms between polls at 120M rows).
                var untilCheck = chunkSize
                for g in 0..<groups {
                    var d: Int64 = 0
                    var k = offsets[g]
                    let end = offsets[g + 1]
                    while k < end {
                        if untilCheck <= 0 {
                            try cancel.check()
                            untilCheck = chunkSize
                        }
                        let stop = Swift.min(end, k + untilCheck)
                        for j in k..<stop {
                            let v = Int(b[j])
                            d += last[v] == Int32(g) ? 0 : 1
                            last[v] = Int32(g)
                        }
                        untilCheck -= stop - k
                        k = stop
                    }
                    distinct[g] = d
                }
                try cancel.check()
            }
        }
        return distinct
    }

    /// Calls `body(group, row)` for each row of `range` that is not null: the loop every
    /// accumulator shares, over raw buffers (no bounds checks, no validity test without nulls).
    @inline(__always)
    static func eachRow(
        _ range: Range<Int>, _ ids: UnsafeBufferPointer<Int32>, _ valid: UnsafeBufferPointer<Bool>?,
        _ body: (_ group: Int, _ row: Int) -> Void
    ) {
        if let valid {
            for i in range where valid[i] { body(Int(ids[i]), i) }
        } else {
            for i in range { body(Int(ids[i]), i) }
        }
    }

    /// `eachRow` over all rows, in chunks between cancellation checks.
    @inline(__always)
    static func eachRow(
        _ ids: [Int32], _ valid: [Bool]?, _ cancel: CancellationFlag, _ body: (_ group: Int, _ row: Int) -> Void
    ) throws(EngineError) {
        try ids.withUnsafeBufferPointer { (ids) throws(EngineError) in
            try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                try cancel.chunks(ids.count) { range in eachRow(range, ids, valid, body) }
            }
        }
    }

    /// Tallies per group kept in this many interleaved copies when groups are few (row i adds to
    /// copy i % 4): consecutive rows of one group then add to different memory, instead of each
    /// addition waiting for the previous one's store (4x faster on a single group).
    static let lanes = 4

    /// Per-group counts of the rows where `counted(row)` holds (null rows never count); with
    /// `selected`, `ids[i]` is the group of row `selected[i]`, which `counted` and `valid` test.
    static func countRows<Counted: RowCondition>(
        _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag, _ counted: Counted,
        through selected: [Int32]? = nil
    ) throws(EngineError) -> [Int] {
        try ids.withUnsafeBufferPointer { (ids) throws(EngineError) in
            try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                guard let selected else {
                    return try totals(
                        ids.count, groups: groups, cancel, Tally(ids: ids, valid: valid, counted: counted, row: SameRow()))
                }
                return try selected.withUnsafeBufferPointer { (rows) throws(EngineError) in
                    try totals(
                        ids.count, groups: groups, cancel,
                        Tally(ids: ids, valid: valid, counted: counted, row: SelectedRow(rows: rows)))
                }
            }
        }
    }

    /// Per-group totals added up on every core: each part of the rows adds into its own `lanes`
    /// interleaved copies of the totals (when groups are few), on cache lines of its own (two
    /// cores adding to one line made counting 1.5x slower than one core), and all copies are
    /// added up at the end. Only for exact totals (counts, integers), whose result cannot
    /// depend on the split.
    static func totals<A: GroupAccumulation>(_ n: Int, groups: Int, _ cancel: CancellationFlag, _ accumulation: A)
        throws(EngineError) -> [A.Total]
    {
        let parts = Parallel.parts(n)
        if groups == 1 {
            // One group (a summary without keys): every row adds to one total, kept in a
            // register rather than memory, so the loop reads no group ids and vectorises.
            var partial = [A.Total](repeating: .zero, count: parts)
            partial.withUnsafeMutableBufferPointer { partial in
                Parallel.forEach(n, parts: parts) { part, rows in
                    var start = rows.lowerBound
                    while start < rows.upperBound, !cancel.isCancelled {
                        let end = Swift.min(rows.upperBound, start + chunkSize)
                        partial[part] += accumulation.total(start..<end)
                        start = end
                    }
                }
            }
            try cancel.check()
            return [partial.reduce(.zero, +)]
        }
        let lanes = groups <= 4096 ? Self.lanes : 1
        let size = MemoryLayout<A.Total>.stride
        let stride = (lanes * groups * size + 63) / 64 * 64 / size
        let memory = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, parts * stride * size), alignment: 64)
        defer { memory.deallocate() }
        let slots = memory.initializeMemory(as: A.Total.self, repeating: .zero, count: parts * stride)
        let laneWidth = lanes == 1 ? 0 : groups
        Parallel.forEach(n, parts: parts) { part, rows in
            var start = rows.lowerBound
            while start < rows.upperBound, !cancel.isCancelled {
                let end = Swift.min(rows.upperBound, start + chunkSize)
                accumulation.add(start..<end, into: slots + part * stride, laneWidth: laneWidth)
                start = end
            }
        }
        try cancel.check()
        return (0..<groups).map { g in
            var total = A.Total.zero
            for part in 0..<parts { for lane in 0..<lanes { total += slots[part * stride + lane * groups + g] } }
            return total
        }
    }

    static func countValid(
        _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag, through selected: [Int32]? = nil
    ) throws(EngineError) -> [Int] {
        try countRows(ids, valid, groups, cancel, EveryRow(), through: selected)
    }

    /// Per-group counts of true values.
    static func trueCounts(
        _ a: [Bool], _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag,
        through selected: [Int32]? = nil
    ) throws(EngineError) -> [Int] {
        try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try countRows(ids, valid, groups, cancel, TrueRow(values: a), through: selected)
        }
    }

    /// Double sums per group, in `lanes` interleaved partial sums (as counts are) added in lane
    /// order at the end. The order of a float sum decides its last bits, so it depends only on
    /// the rows, never on the core count or timing: with few groups the rows go in blocks of
    /// `sumBlock`, each block summed from zero on whichever core, and the blocks' sums added in
    /// block order (a column of one block is summed exactly as by one pass over it); with many
    /// groups (the blocks' sums would not fit in cache), one pass on one thread.
    /// With `selected`, `ids[i]` is the group of row `selected[i]`; the lanes and blocks still go
    /// by `i`, so the sums are those of the selected rows gathered first.
    static func sums(
        _ a: [Double], _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag,
        through selected: [Int32]? = nil
    ) throws(EngineError) -> [Double] {
        let lanes = groups <= 4096 ? Self.lanes : 1
        let width = lanes * groups
        let n = ids.count
        let blocks = (n + sumBlock - 1) / sumBlock
        var s = [Double](repeating: 0, count: width)
        try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try ids.withUnsafeBufferPointer { (ids) throws(EngineError) in
                try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                    try withOptionalBuffer(selected) { (rows) throws(EngineError) in
                        // Adds rows `range` into `out`, lane by lane.
                        @inline(__always) func add(_ range: Range<Int>, _ out: UnsafeMutablePointer<Double>) {
                            let lane = lanes == 1 ? 0 : groups
                            if let rows {
                                for i in range {
                                    let r = Int(rows[i])
                                    if let valid, !valid[r] { continue }
                                    out[(i & 3) &* lane &+ Int(ids[i])] += a[r]
                                }
                            } else if let valid {
                                for i in range where valid[i] { out[(i & 3) &* lane &+ Int(ids[i])] += a[i] }
                            } else {
                                for i in range { out[(i & 3) &* lane &+ Int(ids[i])] += a[i] }
                            }
                        }
                        if blocks > 1 && groups <= Self.blockedSumGroups {
                            let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks * width)
                            defer { partial.deallocate() }
                            partial.initialize(repeating: 0)
                            Parallel.forEach(blocks, parts: Swift.min(Parallel.cores, blocks)) { _, bs in
                                for b in bs where !cancel.isCancelled {
                                    add(b * sumBlock..<Swift.min(n, (b + 1) * sumBlock), partial.baseAddress! + b * width)
                                }
                            }
                            try cancel.check()
                            s.withUnsafeMutableBufferPointer { s in
                                for b in 0..<blocks { for k in 0..<width { s[k] += partial[b * width + k] } }
                            }
                        } else {
                            try s.withUnsafeMutableBufferPointer { (s) throws(EngineError) in
                                try cancel.chunks(n) { range in add(range, s.baseAddress!) }
                            }
                        }
                    }
                }
            }
        }
        if lanes == 1 { return s }
        return (0..<groups).map { g in ((s[g] + s[groups + g]) + s[2 * groups + g]) + s[3 * groups + g] }
    }

    /// Rows per block of a blocked double sum (`sums`).
    static let sumBlock = 1 << 16
    /// Groups up to which double sums are blocked: the blocks' lane sums of 120M rows are then
    /// at most 15 MB.
    static let blockedSumGroups = 256

    /// Int sums per group; nil when a group's total does not fit 64 bits. Partial sums are
    /// 128-bit, so no order of addition can overflow on the way: the result (and whether there
    /// is one) is the same however the rows are split over the cores and lanes.
    static func intSums<Value: FixedWidthInteger & SignedInteger>(
        _ a: [Value], _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag,
        through selected: [Int32]? = nil
    ) throws(EngineError) -> [Int64]? {
        let wide = try a.withUnsafeBufferPointer { (a) throws(EngineError) in
            try ids.withUnsafeBufferPointer { (ids) throws(EngineError) in
                try withOptionalBuffer(valid) { (valid) throws(EngineError) in
                    guard let selected else {
                        return try totals(
                            ids.count, groups: groups, cancel, IntSum(values: a, ids: ids, valid: valid, row: SameRow()))
                    }
                    return try selected.withUnsafeBufferPointer { (rows) throws(EngineError) in
                        try totals(
                            ids.count, groups: groups, cancel,
                            IntSum(values: a, ids: ids, valid: valid, row: SelectedRow(rows: rows)))
                    }
                }
            }
        }
        var out = [Int64](repeating: 0, count: groups)
        for g in 0..<groups {
            guard let exact = Int64(exactly: wide[g]) else { return nil }
            out[g] = exact
        }
        return out
    }

    /// `intSums` of an 8-bit column, which always has a result: a sum of 8-bit values fits in
    /// 64 bits for any number of rows below 2^56.
    static func smallSums(
        _ a: SmallInts, _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag,
        through selected: [Int32]?
    ) throws(EngineError) -> [Int64] {
        try intSums(a.values, ids, valid, groups, cancel, through: selected) ?? [Int64](repeating: 0, count: groups)
    }

    static func minMax(
        _ x: Column, isMax: Bool, _ ids: [Int32], _ groups: Int, _ some: [Bool], _ cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        @inline(__always) func best<T: Comparable>(_ a: [T], _ initial: T) throws(EngineError) -> [T] {
            var b = [T](repeating: initial, count: groups)
            var seen = [Bool](repeating: false, count: groups)
            let valid = x.validity
            try cancel.chunks(a.count) { range in
                for i in range where valid?[i] ?? true {
                    let g = Int(ids[i])
                    let v = a[i]
                    if !seen[g] || (isMax ? v > b[g] : v < b[g]) {
                        b[g] = v
                        seen[g] = true
                    }
                }
            }
            return b
        }
        if let small = x.smallInts { return Column(smallInts: try best(small.values, 0), validity: some) }
        switch x.values {
        case .int(let a): return Column(.int(try best(a, 0)), validity: some)
        case .double(let a): return Column(.double(try best(a, 0)), validity: some)
        case .date(let a): return Column(.date(try best(a, 0)), validity: some)
        case .bool(let a):
            return Column(.bool(try best(a.map { $0 ? 1 : 0 } as [UInt8], 0).map { $0 != 0 }), validity: some)
        case .string(let codes, let d):
            // By byte-order rank, then back to a code holding that rank.
            let ranks = StringRanks([d]).ranks[0]
            var codeOfRank = [Int32](repeating: 0, count: d.count)
            for (code, r) in ranks.enumerated() { codeOfRank[Int(r)] = Int32(code) }
            let bestRanks = try best(map1(.array(codes), codes.count) { ranks[Int($0)] }, 0)
            return Column(.string(codes: bestRanks.map { codeOfRank[Int($0)] }, dictionary: d), validity: some)
        case .null: return Column(.null(count: groups))
        }
    }

    /// Sample standard deviation by Welford's method, which stays accurate when the mean is
    /// large compared with the spread.
    static func stddev(_ a: [Double], _ ids: [Int32], _ valid: [Bool]?, _ groups: Int, _ cancel: CancellationFlag)
        throws(EngineError) -> Column
    {
        var count = [Double](repeating: 0, count: groups)
        var mean = [Double](repeating: 0, count: groups)
        var m2 = [Double](repeating: 0, count: groups)
        try cancel.chunks(a.count) { range in
            for i in range where valid?[i] ?? true {
                let g = Int(ids[i])
                count[g] += 1
                let delta = a[i] - mean[g]
                mean[g] += delta / count[g]
                m2[g] += delta * (a[i] - mean[g])
            }
        }
        let out = (0..<groups).map { count[$0] >= 2 ? (m2[$0] / (count[$0] - 1)).squareRoot() : 0 }
        return Column(.double(out), validity: count.map { $0 >= 2 })
    }

    /// corr, covar and covar_pop over the rows where both x and y are non-null, by the
    /// pairwise form of Welford's method (co-moment updated with the new mean of one and the
    /// old of the other), which stays accurate when the means are large against the spread.
    static func comoments(
        _ x: Column, _ y: Column, _ f: AggregateFunction, _ ids: [Int32], _ groups: Int, _ cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        let n = ids.count
        if x.isNullType { return nullColumn(.double, count: groups) }
        if y.isNullType { return nullColumn(.double, count: groups) }
        let a = Datum.column(x).doubles.array(n), b = Datum.column(y).doubles.array(n)
        var valid: [Bool]? = nil
        if x.validity != nil || y.validity != nil {
            valid = (0..<n).map { (x.validity?[$0] ?? true) && (y.validity?[$0] ?? true) }
        }
        var count = [Double](repeating: 0, count: groups)
        var meanX = [Double](repeating: 0, count: groups), meanY = meanX
        var m2X = meanX, m2Y = meanX, cXY = meanX
        try cancel.chunks(n) { range in
            for i in range where valid?[i] ?? true {
                let g = Int(ids[i])
                count[g] += 1
                let dx = a[i] - meanX[g]
                meanX[g] += dx / count[g]
                let dy = b[i] - meanY[g]
                meanY[g] += dy / count[g]
                m2X[g] += dx * (a[i] - meanX[g])
                m2Y[g] += dy * (b[i] - meanY[g])
                cXY[g] += dx * (b[i] - meanY[g])
            }
        }
        var out = [Double](repeating: 0, count: groups)
        var ok = [Bool](repeating: false, count: groups)
        for g in 0..<groups {
            switch f {
            case .covarPop:
                if count[g] >= 1 { out[g] = cXY[g] / count[g]; ok[g] = true }
            case .covar:
                if count[g] >= 2 { out[g] = cXY[g] / (count[g] - 1); ok[g] = true }
            default:
                if count[g] >= 2, m2X[g] > 0, m2Y[g] > 0 {
                    // Rounding can carry |r| a hair past 1.
                    out[g] = Swift.min(1, Swift.max(-1, cXY[g] / (m2X[g] * m2Y[g]).squareRoot()))
                    ok[g] = true
                }
            }
        }
        return Column(.double(out), validity: ok)
    }

    /// Quantiles with linear interpolation between the closest ranks (DuckDB's quantile_cont):
    /// values are bucketed by group (a counting sort, keeping no per-group arrays), then each
    /// group's slice is sorted.
    static func quantiles(
        _ a: [Double], _ p: Double, _ ids: [Int32], _ valid: [Bool]?, _ counts: [Int], _ cancel: CancellationFlag
    ) throws(EngineError) -> Column {
        let groups = counts.count
        var offsets = [Int](repeating: 0, count: groups + 1)
        for g in 0..<groups { offsets[g + 1] = offsets[g] + counts[g] }
        var next = Array(offsets.dropLast())
        var bucketed = [Double](repeating: 0, count: offsets[groups])
        try cancel.chunks(a.count) { range in
            for i in range where valid?[i] ?? true {
                let g = Int(ids[i])
                bucketed[next[g]] = a[i]
                next[g] += 1
            }
        }
        var out = [Double](repeating: 0, count: groups)
        try bucketed.withUnsafeMutableBufferPointer { (b) throws(EngineError) in
            for g in 0..<groups where counts[g] > 0 {
                if g % 1024 == 0 { try cancel.check() }
                var slice = UnsafeMutableBufferPointer(rebasing: b[offsets[g]..<offsets[g + 1]])
                slice.sort()
                let pos = p * Double(slice.count - 1)
                let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
                out[g] = slice[lo] + (slice[hi] - slice[lo]) * (pos - Double(lo))
            }
        }
        return Column(.double(out), validity: counts.map { $0 > 0 })
    }
}

extension Vec {
    /// The array, when the values are one.
    var arrayValue: [T]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The values as an array of `n`.
    func array(_ n: Int) -> [T] {
        switch self {
        case .array(let a): a
        case .scalar(let x): [T](repeating: x, count: n)
        }
    }
}

/// Which rows an aggregate loop counts. A protocol rather than a closure: loops run on other
/// cores through closures, and only a generic parameter is still specialised (inlined) there.
protocol RowCondition {
    func callAsFunction(_ row: Int) -> Bool
}

struct EveryRow: RowCondition {
    @inline(__always) func callAsFunction(_ row: Int) -> Bool { true }
}

/// Rows whose bool value is true.
struct TrueRow: RowCondition {
    let values: UnsafeBufferPointer<Bool>
    @inline(__always) func callAsFunction(_ row: Int) -> Bool { values[row] }
}

/// Rows whose value compares with a constant as `C` says.
struct ComparedRow<T: Comparable, C: Comparison>: RowCondition {
    let values: UnsafeBufferPointer<T>
    let constant: T
    @inline(__always) func callAsFunction(_ row: Int) -> Bool { C.holds(values[row], constant) }
}

/// Which row of a column a loop's i-th step reads: row i, or the i-th row of a selection (the
/// aggregate and grouping loops over a filter's rows). A protocol for the same reason as
/// `RowCondition`.
protocol RowIndex {
    func callAsFunction(_ i: Int) -> Int
}

struct SameRow: RowIndex {
    @inline(__always) func callAsFunction(_ i: Int) -> Int { i }
}

struct SelectedRow: RowIndex {
    let rows: UnsafeBufferPointer<Int32>
    @inline(__always) func callAsFunction(_ i: Int) -> Int { Int(rows[i]) }
}

/// What `Aggregation.totals` adds up per group.
protocol GroupAccumulation {
    associatedtype Total: AdditiveArithmetic
    /// Adds each row of `rows` into `t[(row & 3) * laneWidth + its group]`.
    func add(_ rows: Range<Int>, into t: UnsafeMutablePointer<Total>, laneWidth: Int)
    /// The total of `rows`, whatever their groups (all rows are in one group).
    func total(_ rows: Range<Int>) -> Total
}

/// Counts of the non-null rows meeting a condition. Branch-free: every row adds its bit (a
/// null row adds 0), so scattered nulls cost no mispredicted branches.
struct Tally<Counted: RowCondition, Row: RowIndex>: GroupAccumulation {
    /// The group of each step.
    let ids: UnsafeBufferPointer<Int32>
    let valid: UnsafeBufferPointer<Bool>?
    let counted: Counted
    let row: Row

    @inline(__always)
    func add(_ rows: Range<Int>, into t: UnsafeMutablePointer<Int>, laneWidth: Int) {
        if let valid {
            for i in rows {
                let r = row(i)
                let bit = unsafeBitCast(valid[r], to: UInt8.self) & unsafeBitCast(counted(r), to: UInt8.self)
                t[(i & 3) &* laneWidth &+ Int(ids[i])] &+= Int(bit)
            }
        } else {
            for i in rows {
                t[(i & 3) &* laneWidth &+ Int(ids[i])] &+= Int(unsafeBitCast(counted(row(i)), to: UInt8.self))
            }
        }
    }

    @inline(__always)
    func total(_ rows: Range<Int>) -> Int {
        var total = 0
        if let valid {
            for i in rows {
                let r = row(i)
                total &+= Int(unsafeBitCast(valid[r], to: UInt8.self) & unsafeBitCast(counted(r), to: UInt8.self))
            }
        } else {
            for i in rows { total &+= Int(unsafeBitCast(counted(row(i)), to: UInt8.self)) }
        }
        return total
    }
}

/// Sums of integers in 128 bits (a null row adds 0, without a branch).
struct IntSum<Value: FixedWidthInteger & SignedInteger, Row: RowIndex>: GroupAccumulation {
    /// 64-bit values, or 8-bit ones (`SmallInts`).
    let values: UnsafeBufferPointer<Value>
    /// The group of each step.
    let ids: UnsafeBufferPointer<Int32>
    let valid: UnsafeBufferPointer<Bool>?
    let row: Row

    @inline(__always)
    func add(_ rows: Range<Int>, into t: UnsafeMutablePointer<Int128>, laneWidth: Int) {
        if let valid {
            for i in rows {
                let r = row(i)
                let keep = -Int64(unsafeBitCast(valid[r], to: UInt8.self))
                t[(i & 3) &* laneWidth &+ Int(ids[i])] &+= Int128(Int64(values[r]) & keep)
            }
        } else {
            for i in rows { t[(i & 3) &* laneWidth &+ Int(ids[i])] &+= Int128(values[row(i)]) }
        }
    }

    @inline(__always)
    func total(_ rows: Range<Int>) -> Int128 {
        var total: Int128 = 0
        if let valid {
            for i in rows {
                let r = row(i)
                total &+= Int128(Int64(values[r]) & -Int64(unsafeBitCast(valid[r], to: UInt8.self)))
            }
        } else {
            for i in rows { total &+= Int128(values[row(i)]) }
        }
        return total
    }
}

/// `body` with the buffer of an optional array (nil when there is no array).
@inline(__always)
func withOptionalBuffer<T, R, E: Error>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) throws(E) -> R) throws(E) -> R {
    guard let a else { return try body(nil) }
    return try a.withUnsafeBufferPointer { (p) throws(E) -> R in try body(p) }
}

/// The value id of the k-th row read for `count_distinct`, that row being row `i` of the column.
protocol DistinctValueIds {
    func id(_ k: Int, row i: Int) -> Int32
}

/// Value ids already made by a grouping of the rows read (`ids[k]`).
struct GroupedValueIds: DistinctValueIds {
    let ids: UnsafeBufferPointer<Int32>
    @inline(__always) func id(_ k: Int, row i: Int) -> Int32 { ids[k] }
}

/// Integers' value ids made as they are read: the value less the smallest.
struct OffsetValueIds<T: FixedWidthInteger & SignedInteger>: DistinctValueIds {
    let values: UnsafeBufferPointer<T>
    let lo: Int64
    @inline(__always) func id(_ k: Int, row i: Int) -> Int32 { Int32(truncatingIfNeeded: Int64(values[i]) &- lo) }
}
