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

/// What `.tables` says a table holds: typed arrays at their widths, validity where a column
/// has nulls, and a dictionary counted once however many columns share it.
@Suite struct TableMemoryTests {
    @Test func columnsCountAtTheirWidths() {
        let shared = StringDictionary(["short", String(repeating: "x", count: 20)])
        let t = Table(schema: Schema([
            Field("i", .int), Field("x", .double), Field("d", .date), Field("b", .bool),
            Field("s", .string), Field("t", .string), Field("n", .null),
        ]), columns: [
            Column(.int([1, 2, 3, 4])),
            Column(.double([1, 2, 3, 4]), validity: [true, false, true, true]),
            Column(.date([1, 2, 3, 4])),
            Column(.bool([true, false, true, false])),
            Column(.string(codes: [0, 1, 0, 1], dictionary: shared)),
            Column(.string(codes: [1, 1, 0, 0], dictionary: shared)),
            Column(.null(count: 4)),
        ])
        // 32 + (32 + 4) + 16 + 4 + 16 + 16 codes, and the dictionary once:
        // two strings of 16 bytes, the long one's 20 bytes and header, the codes' hash table.
        let dictionary = 2 * 16 + (20 + 32) + 2 * 24
        #expect(shared.memoryBytes == dictionary)
        #expect(t.memoryBytes == 32 + 36 + 16 + 4 + 16 + 16 + dictionary)
    }
}
