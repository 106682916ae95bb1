import Testing
import CrmqSemantics
import CrmqEngine
@testable import CrmqCRM

/// The full purchase pass and the yearly-spend-only pass agree with a plain sum, on data with every edge:
/// duplicate, missing and unknown customer ids, missing dates and amounts, purchases on and
/// after as-of, ids dense and sparse, rows partly in date order (whole blocks skipped) and
/// partly not.
@Suite struct PurchasePassTests {
    static let asof = Tables.day("2025-06-30")

    /// Customers with ids `id(0..<n)`, unless `plain` a few of them duplicated or missing.
    static func customers(_ n: Int, plain: Bool = false, id: (Int) -> Int64) -> Table {
        var ids = (0..<n).map(id)
        var valid = [Bool](repeating: true, count: n)
        if !plain {
            for i in stride(from: 7, to: n, by: 97) { ids[i] = ids[i - 3] }  // a duplicate of an earlier row
            for i in stride(from: 11, to: n, by: 89) { valid[i] = false }  // no id
        }
        return Table(schema: Schema([Field("customer_id", .int)]), columns: [Column(.int(ids), validity: valid)], rowCount: n)
    }

    /// `rows` transactions of random customers among `ids` (and some unknown ids); the first
    /// half in date order, the second half in random order; some cells missing unless `plain`.
    static func transactions(_ rows: Int, ids: [Int64], plain: Bool = false) -> Table {
        var rng = SplitMix64(state: 7)  // the generator's own (CrmqCRM)
        var buyers = [Int64](repeating: 0, count: rows), days = [Int32](repeating: 0, count: rows)
        var amounts = [Double](repeating: 0, count: rows)
        var buyerValid = [Bool](repeating: true, count: rows), dateValid = buyerValid, amountValid = buyerValid
        let first = asof - 1100
        for i in 0..<rows {
            let r = rng.next()
            buyers[i] = r % 50 == 0 ? -5 - Int64(r % 1000) : ids[Int((r >> 8) % UInt64(ids.count))]
            days[i] = i < rows / 2 ? first + Int32(i * 1110 / (rows / 2)) : first + Int32((r >> 20) % 1110)
            amounts[i] = Double((r >> 32) % 100_000) / 100 - 50
            buyerValid[i] = plain || r % 1013 != 0
            dateValid[i] = plain || r % 1009 != 1
            amountValid[i] = plain || r % 1019 != 2
        }
        return Table(
            schema: Schema([Field("customer_id", .int), Field("date", .date), Field("amount", .double)]),
            columns: [
                Column(.int(buyers), validity: buyerValid), Column(.date(days), validity: dateValid),
                Column(.double(amounts), validity: amountValid),
            ], rowCount: rows)
    }

    /// The rule of docs/crm.md, the plain way: per customer id, in row order.
    static func reference(_ customers: Table, _ transactions: Table) -> [(last: Int32, count: Int64, count12m: Int64, revenue: Double, revenue12m: Double)] {
        let ids = customers.columns[0]
        let (b, d, a) = (transactions.columns[0], transactions.columns[1], transactions.columns[2])
        guard case .int(let buyers) = b.values, case .date(let days) = d.values, case .double(let amounts) = a.values,
            case .int(let idValues) = ids.values
        else { fatalError() }
        var sums: [Int64: (last: Int32, count: Int64, count12m: Int64, revenue: Double, revenue12m: Double)] = [:]
        for i in 0..<transactions.rowCount where !b.isNull(i) && !d.isNull(i) && days[i] < asof {
            var s = sums[buyers[i], default: (.min, 0, 0, 0, 0)]
            let amount = a.isNull(i) ? 0 : amounts[i]
            s.last = max(s.last, days[i])
            s.count += 1
            s.revenue += amount
            if days[i] >= asof - 365 {
                s.count12m += 1
                s.revenue12m += amount
            }
            sums[buyers[i]] = s
        }
        return (0..<customers.rowCount).map { i in ids.isNull(i) ? (.min, 0, 0, 0, 0) : sums[idValues[i], default: (.min, 0, 0, 0, 0)] }
    }

    /// Sparse ids take the dictionary; dense ones (from 1000, not 0) the direct array;
    /// consecutive ones (no duplicate, none missing) are their own slots; "no nulls" is
    /// consecutive ids and transactions without a missing cell (the pass's plain loop).
    /// Each case runs serially and split by customer over the cores (which the pass does
    /// past `PassInput.splitBytes` of accumulators: 2M customers), with the same sums.
    @Test(arguments: ["sparse", "dense", "consecutive", "no nulls"], [Int.max, 0])
    func passesAgreeWithAPlainSum(ids kind: String, splitBytes: Int) throws {
        try check(kind, splitBytes: splitBytes, rows: 60_000 + 123)
    }

    /// Fewer rows than the pass prefetches ahead (`PassInput.prefetchDistance`), and a
    /// last block just longer than that: the loop's prefetching part and its tail.
    @Test(arguments: ["dense", "no nulls"], [PassInput.prefetchDistance - 1, PassInput.block + PassInput.prefetchDistance + 1])
    func passesOfFewRowsAgreeWithAPlainSum(ids kind: String, rows: Int) throws {
        try check(kind, splitBytes: Int.max, rows: rows)
        try check(kind, splitBytes: 0, rows: rows)
    }

    private func check(_ kind: String, splitBytes: Int, rows: Int) throws {
        let n = 5000
        let c = Self.customers(n, plain: kind == "consecutive" || kind == "no nulls") { kind == "sparse" ? Int64($0) * 1_000_003 + 17 : 1000 + Int64($0) }
        guard case .int(let ids) = c.columns[0].values else { fatalError() }
        let t = Self.transactions(rows, ids: ids, plain: kind == "no nulls")
        let inputs = CRMInputs(customers: c, transactions: t, interactions: nil, settings: ["asof": .date(Self.asof)],
            cancellation: CancellationFlag())
        let expected = Self.reference(c, t)
        let all = try PurchaseSummary.compute(inputs, .all, splitBytes: splitBytes)
        let spend = try PurchaseSummary.compute(inputs, .spend12m, splitBytes: splitBytes)
        #expect(expected.contains { $0.count > (rows > 1000 ? 1 : 0) } && expected.contains { $0.count12m == 0 })
        var wrong = 0
        for i in 0..<n {
            let e = expected[i]
            if all.lastDay(i) != e.last || all.count(i) != e.count || all.count12m(i) != e.count12m { wrong += 1 }
        }
        #expect(wrong == 0)
        // Both passes add in row order, as the reference does: the same float sums.
        #expect(all.revenues == expected.map(\.revenue))
        #expect(all.revenue12m == expected.map(\.revenue12m))
        #expect(spend.revenue12m == expected.map(\.revenue12m))
    }

    @Test func theMemoServesASpendPassOnlyFromASummaryWithIt() throws {
        let c = Tables.customers([1, 2])
        let t = Tables.transactions([(1, "2025-01-01", 5), (2, "2023-01-01", 7)])
        let inputs = Tables.inputs(c, t, asof: "2025-06-30")
        let spend = try PurchaseSummary.of(inputs, .spend12m)
        #expect(spend.sums == .spend12m && spend.revenue12m == [5, 0])
        let all = try PurchaseSummary.of(inputs)
        #expect(all.sums == .all && all.counts == [1, 1] && all.revenues == [5, 7])
    }
}
