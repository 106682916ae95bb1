import CrmqEngine
import CrmqSemantics
import Testing

/// The memory budget: a join counts its output before allocating it and fails when it
/// would not fit, saying how many rows it would make.
@Suite struct MemoryBudgetTests {
    /// `n` rows all with the same key: a self-join makes n² rows.
    func sameKey(_ n: Int) -> Table {
        table([("k", .int, Array(repeating: .int(1), count: n)), ("v", .int, (0..<n).map { .int(Int64($0)) })])
    }

    func selfJoin(_ t: Table, budget: MemoryBudget) throws(EngineError) -> Table {
        let plan = Plan(
            .join(left: scan("t", t), right: scan("t", t), keys: [PlanJoinKey(left: 0, right: 0)], kind: .inner, rightColumns: [1]),
            schema: Schema(t.schema.fields + [Field("v2", .int)]))
        return try Executor(tables: { $0 == "t" ? t : nil }, cancellation: CancellationFlag(), budget: budget).execute(plan)
    }

    @Test func aJoinThatWouldNotFitFailsSayingHowManyRows() {
        // 3,000² = 9 million rows of 3 columns: about 288 MB, over a 100 MB budget.
        do {
            _ = try selfJoin(sameKey(3000), budget: MemoryBudget(bytes: 100_000_000))
            Issue.record("the join ran")
        } catch {
            guard case .limit(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.id == "run.memory-limit")
            #expect(message.message.hasPrefix("the join would make 9,000,000 rows (about 288 MB), more than the memory limit of 100 MB"))
        }
    }

    @Test func aJoinThatFitsRuns() throws {
        let t = try selfJoin(sameKey(100), budget: MemoryBudget(bytes: 1_000_000))
        #expect(t.rowCount == 10_000)
    }

    @Test func estimatesDoNotOverflow() {
        #expect(MemoryBudget.estimate(rows: .max, columns: 10) == .max)
        #expect(throws: EngineError.self) {
            try MemoryBudget(bytes: 1 << 40).check(rows: .max / 2, columns: 3, operation: "the join")
        }
        #expect(MemoryBudget.describe(1_500_000_000) == "1.5 GB")
        #expect(MemoryBudget.describe(4_170_000_000) == "4.17 GB")
        #expect(MemoryBudget.describe(999) == "999 bytes")
    }

    @Test func theDefaultIsAFractionOfMemory() {
        let (n, d) = MemoryBudget.defaultFraction
        #expect(MemoryBudget.fraction(n, of: d).bytes <= MemoryBudget.availableMemory)
        #expect(MemoryBudget.fraction(n, of: d).bytes > 0)
    }
}
