import CrmqEngine
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
}
