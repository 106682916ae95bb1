@testable import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct CancellationTests {
    @Test func cancelledAggregateThrows() throws {
        let n = 300_000
        let t = Table(
            schema: Schema([Field("k", .int), Field("x", .double)]),
            columns: [Column(.int((0..<n).map { Int64($0 % 1000) })), Column(.double((0..<n).map { Double($0) }))])
        let flag = CancellationFlag()
        let ex = executor(["t": t], cancellation: flag)
        let plan = Plan(
            .aggregate(scan("t", t), keys: [col(0, .int)], aggregates: [BoundAggregate(function: .sum, arguments: [col(1, .double)], type: .double, range: r0)]),
            schema: Schema([Field("k", .int), Field("s", .double)]))
        #expect(try ex.execute(plan).rowCount == 1000)
        flag.cancel()
        #expect(throws: EngineError.cancelled) { try ex.execute(plan) }
        flag.reset()
        #expect(try ex.execute(plan).rowCount == 1000)
    }

    /// A sort of many rows polls the flag every chunk of rows in each of its loops (the key
    /// gathers, the radix counts and passes, the gathers of the result), so Ctrl-C stops it
    /// within milliseconds, not after a whole pass over tens of millions of rows. Counted,
    /// not timed: a pass over n rows polls at least n / 65,536 times.
    @Test func aBigSortPollsEveryChunkOfRows() throws {
        let n = 1 << 20
        var state: UInt64 = 1
        let amounts = (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 40) / 100
        }
        let dates = (0..<n).map { Int32($0 % 1000) }
        let t = Table(
            schema: Schema([Field("amount", .double), Field("date", .date)]),
            columns: [Column(.double(amounts)), Column(.date(dates))])
        let flag = CancellationFlag()
        let ex = executor(["t": t], cancellation: flag)
        let plan = Plan(
            .sort(scan("t", t), keys: [SortKey(expr: col(0, .double), descending: true), SortKey(expr: col(1, .date), descending: false)]),
            schema: t.schema)
        let sorted = try ex.execute(plan)
        #expect(sorted.rowCount == n)
        // Two keys normalised (the amounts' bits ordered and flipped, the dates widened), two
        // key gathers, two counting loops, at least four passes (the dates' two bytes and the
        // amounts' at least two), two gathers of the result: twelve loops over n rows.
        let chunks = n / 65_536
        #expect(flag.pollCount >= 12 * chunks, "polled \(flag.pollCount) times")

        // Set before it starts: noticed at the first poll, nothing more is done.
        flag.reset()
        flag.cancel()
        #expect(throws: EngineError.cancelled) { try ex.execute(plan) }
        #expect(flag.pollCount <= 2, "polled \(flag.pollCount) times after the flag was set")
    }

    /// A join of many rows to a lookup table, summarized by two of the table's string columns
    /// (`transactions | join customers on customer_id | summarize sum(amount) by region,
    /// channel`), polls the flag every chunk of rows in each of its loops: the probe, the
    /// gathers of the joined columns, the passes of the grouping by each key and by the pair,
    /// and the sums. At 120M rows one such loop without polling ran 300 ms past Ctrl-C.
    @Test func aBigJoinAndSummaryPollEveryChunkOfRows() throws {
        let n = 1 << 20, customers = 10_000
        let regions = stringColumn(["North", "South", "East", "West"], codes: (0..<customers).map { Int32($0 % 4) })
        let channels = stringColumn(["web", "store", "phone"], codes: (0..<customers).map { Int32($0 % 3) })
        let c = Table(
            schema: Schema([Field("customer_id", .int), Field("region", .string), Field("channel", .string)]),
            columns: [Column(.int((1...customers).map { Int64($0) })), regions, channels])
        let t = Table(
            schema: Schema([Field("customer_id", .int), Field("amount", .double)]),
            columns: [
                Column(.int((0..<n).map { Int64($0 * 7919 % customers + 1) })),
                Column(.double((0..<n).map { Double($0 % 1000) / 10 })),
            ])
        let joinSchema = Schema(t.schema.fields + [Field("region", .string), Field("channel", .string)])
        let join = Plan(
            .join(left: scan("t", t), right: scan("c", c), keys: [PlanJoinKey(left: 0, right: 0)], kind: .inner, rightColumns: [1, 2]),
            schema: joinSchema)
        let plan = Plan(
            .aggregate(join, keys: [col(2, .string), col(3, .string)],
                       aggregates: [BoundAggregate(function: .sum, arguments: [col(1, .double)], type: .double, range: r0)]),
            schema: Schema([Field("region", .string), Field("channel", .string), Field("revenue", .double)]))
        let flag = CancellationFlag()
        let ex = executor(["t": t, "c": c], cancellation: flag)
        #expect(try ex.execute(plan).rowCount == 12)
        // The probe, two gathers, each key's ids and their renumbering, the pair's ids and
        // their renumbering, the group sizes and the sums: at least nine loops over n rows.
        let chunks = n / 65_536
        #expect(flag.pollCount >= 9 * chunks, "polled \(flag.pollCount) times")

        flag.reset()
        flag.cancel()
        #expect(throws: EngineError.cancelled) { try ex.execute(plan) }
        #expect(flag.pollCount <= 2, "polled \(flag.pollCount) times after the flag was set")
    }

    /// The walk of `count_distinct` over each group's values polls the flag every chunk of
    /// rows, however few the groups: `count_distinct(customer_id) by date, category` over 120M
    /// purchases has 9,000 groups, and a poll every 1,024 groups came 100 ms apart.
    @Test func theDistinctWalkPollsEveryChunkOfRows() throws {
        let n = 1 << 20
        let bucketed = (0..<n).map { Int32($0 % 5_000) }
        let flag = CancellationFlag()
        let distinct = try Aggregation.distinctInBuckets(bucketed, [0, n / 2, n], domain: 5_000, flag)
        #expect(distinct == [5_000, 5_000])
        #expect(flag.pollCount >= n / 65_536, "polled \(flag.pollCount) times")
        flag.reset()
        flag.cancel()
        #expect(throws: EngineError.cancelled) { try Aggregation.distinctInBuckets(bucketed, [0, n / 2, n], domain: 5_000, flag) }
    }

    /// A join to a lookup table (customers by id) polls the flag every chunk of rows as it
    /// places the right rows and counts the left rows without a match: over 120M purchases the
    /// count ran up to 120 ms past Ctrl-C.
    @Test func aJoinToALookupTablePollsAsItCountsTheUnmatched() throws {
        let n = 1 << 20, m = 1 << 17
        let leftIds = (0..<n).map { Int32($0 % m) }
        let rightIds = (0..<m).map { Int32($0) }
        let empty = Table(schema: Schema([]), columns: [], rowCount: 0)
        let flag = CancellationFlag()
        let joined = try HashJoin.uniqueJoin(
            left: Table(schema: Schema([]), columns: [], rowCount: n), right: empty, leftIds: leftIds, rightIds: rightIds,
            count: m, kind: .inner, rightColumns: [], wanted: { _ in true }, schema: Schema([]), cancel: flag)
        #expect(joined?.rowCount == n)
        #expect(flag.pollCount >= (n + m) / 65_536, "polled \(flag.pollCount) times")
    }

    /// Finding each group's first row polls the flag every chunk of rows: with purchases in
    /// date order, the groups of the last date (`count_distinct(customer_id) by date,
    /// category`) first appear at the end of 120M rows.
    @Test func findingTheGroupsFirstRowsPollsEveryChunk() throws {
        let n = 1 << 20
        var ids = [Int32](repeating: 0, count: n)
        ids[n - 1] = 1
        let grouping = Grouping(ids: ids, count: 2, ordered: true)
        let flag = CancellationFlag()
        #expect(try grouping.firstRows(cancel: flag) == [0, Int32(n - 1)])
        #expect(flag.pollCount >= n / 65_536, "polled \(flag.pollCount) times")
        flag.reset()
        flag.cancel()
        #expect(throws: EngineError.cancelled) { try grouping.firstRows(cancel: flag) }
    }

    /// A sort key is normalised (a double's bits put in order, a descending key flipped) a
    /// chunk of rows at a time, polling the flag: over 120M transactions one key took 100 ms.
    @Test func normalisingASortKeyPollsEveryChunk() throws {
        let n = 1 << 20
        let flag = CancellationFlag()
        let key = try NormalizedKey(
            Column(.double((0..<n).map { Double($0 % 977) - 300.5 })), descending: true, cancel: flag)
        #expect(key.values.count == n)
        #expect(flag.pollCount >= n / 65_536, "polled \(flag.pollCount) times")
        flag.cancel()
        #expect(throws: EngineError.cancelled) {
            _ = try NormalizedKey(Column(.date((0..<n).map { Int32($0) })), descending: false, cancel: flag)
        }
    }
}

