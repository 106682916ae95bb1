import CrmqEngine
import CrmqSemantics
import Testing
@testable import CrmqCRM

@Suite struct CohortTests {
    @Test func cohortsByFirstPurchaseMonth() throws {
        let t = transactions([
            (1, "2024-12-31", 1), (1, "2025-01-01", 1), (1, "2025-03-15", 1), (1, "2025-03-20", 1),
            (2, "2024-12-01", 1), (2, "2025-03-01", 1),
            (3, "2025-01-20", 1),
        ])
        let c = try call("cohorts", t)
        #expect(c.schema.names == ["cohort", "period", "customers", "active", "rate"])
        #expect(rows(c) == [
            [.string("2024-12"), .int(0), .int(2), .int(2), .double(1)],
            [.string("2024-12"), .int(1), .int(2), .int(1), .double(0.5)],
            // Two purchases in one month count the customer once.
            [.string("2024-12"), .int(3), .int(2), .int(2), .double(1)],
            [.string("2025-01"), .int(0), .int(1), .int(1), .double(1)],
        ])
    }

    @Test func asofAndEmptyInput() throws {
        let t = transactions([(1, "2025-01-05", 1), (1, "2025-02-05", 1), (2, "2025-02-06", 1)])
        let c = try call("cohorts", t, asof: day("2025-02-06"))
        #expect(column(c, "cohort") == [.string("2025-01"), .string("2025-01")])
        #expect(ints(c, "period") == [0, 1])
        #expect(try call("cohorts", t, asof: day("2025-01-01")).rowCount == 0)
        let empty = try call("cohorts", transactions([]))
        #expect(empty.rowCount == 0)
        #expect(empty.schema.names == ["cohort", "period", "customers", "active", "rate"])
    }

    @Test func longHistoriesAndStringIDs() throws {
        // 150 years between purchases: past the dense cell square, through the sorted-pairs path.
        let t = table([
            ("customer_id", .string, [.string("x"), .string("x"), .string("y")]),
            ("date", .date, [day("1900-01-01"), day("2050-02-01"), day("1900-01-31")]),
        ])
        let c = try call("cohorts", t)
        #expect(rows(c) == [
            [.string("1900-01"), .int(0), .int(2), .int(2), .double(1)],
            [.string("1900-01"), .int(1801), .int(2), .int(1), .double(0.5)],
        ])
    }

    @Test func monthTable() {
        let range = DateRange(Column(.date([CivilDate(year: 2023, month: 12, day: 31).days,
                                            CivilDate(year: 2024, month: 3, day: 1).days])))!
        let months = MonthTable(range)
        #expect(months.month(of: CivilDate(year: 2023, month: 12, day: 31).days) == 0)
        #expect(months.month(of: CivilDate(year: 2024, month: 1, day: 1).days) == 1)
        #expect(months.month(of: CivilDate(year: 2024, month: 2, day: 29).days) == 2)
        #expect(months.month(of: CivilDate(year: 2024, month: 3, day: 1).days) == 3)
        #expect(months.label(3) == "2024-03")
    }
}

@Suite struct ParallelPassTests {
    /// Past 1M rows the passes split across cores; the merged totals are the serial ones.
    @Test func largeInputsGiveTheSameAnswers() throws {
        let n = 1_300_000
        let start = CivilDate(year: 2024, month: 1, day: 1).days
        let t = Table(
            schema: Schema([Field("customer_id", .int), Field("date", .date), Field("amount", .double)]),
            columns: [
                Column(.int((0..<n).map { Int64($0 % 1000) })),
                Column(.date((0..<n).map { start + Int32(($0 / 1000) % 365) })),
                Column(.double((0..<n).map { _ in 0.25 })),
            ])
        let r = try call("rfm", t, asof: day("2025-01-01"))
        #expect(r.rowCount == 1000)
        #expect(Set(ints(r, "frequency")) == [1300])
        #expect(Set(column(r, "monetary")) == [.double(325)])
        // Every customer's last purchase is on day 364 of leap year 2024, 2 days before asof.
        #expect(Set(ints(r, "recency")) == [2])
        let c = try call("cohorts", t, asof: day("2025-01-01"))
        #expect(ints(c, "period") == Array(0...11))
        #expect(Set(ints(c, "active")) == [1000])
    }
}
