import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct DateFunctionTests {
    let t = table([("d", .date, [date("2024-02-29"), date("2025-12-31"), .null, date("1969-12-31")])])

    @Test func parts() throws {
        #expect(try eval(call(.year, [col(0, .date)], .int), t) == [.int(2024), .int(2025), .null, .int(1969)])
        #expect(try eval(call(.month, [col(0, .date)], .int), t) == [.int(2), .int(12), .null, .int(12)])
        #expect(try eval(call(.day, [col(0, .date)], .int), t) == [.int(29), .int(31), .null, .int(31)])
        #expect(try eval(call(.quarter, [col(0, .date)], .int), t) == [.int(1), .int(4), .null, .int(4)])
        // 2024-02-29 Thursday, 2025-12-31 Wednesday, 1969-12-31 Wednesday.
        #expect(try eval(call(.weekday, [col(0, .date)], .int), t) == [.int(4), .int(3), .null, .int(3)])
        #expect(try scalar(.weekday, [date("2025-01-05")], .int) == .int(7))
        #expect(try scalar(.weekday, [date("2025-01-06")], .int) == .int(1))
    }

    @Test func partsOverManyRowsUseTheSameAnswers() throws {
        let days = (0..<10_000).map { Value.date(Int32(19_000 + $0 % 400)) }
        let u = table([("d", .date, days)])
        let years = try eval(call(.year, [col(0, .date)], .int), u)
        for (i, d) in days.enumerated() where i % 97 == 0 {
            guard case .date(let x) = d else { continue }
            #expect(years[i] == .int(Int64(CivilDate(days: x).year)))
        }
    }

    @Test func trunc() throws {
        func trunc(_ unit: String, _ d: String) throws -> Value {
            try eval(call(.dateTrunc, [lit(.string(unit)), lit(date(d))], .date))[0]
        }
        #expect(try trunc("year", "2024-02-29") == date("2024-01-01"))
        #expect(try trunc("quarter", "2024-08-15") == date("2024-07-01"))
        #expect(try trunc("month", "2024-02-29") == date("2024-02-01"))
        #expect(try trunc("week", "2025-01-05") == date("2024-12-30"))
        #expect(try trunc("week", "2025-01-06") == date("2025-01-06"))
        #expect(try eval(call(.dateTrunc, [lit(.string("month")), col(0, .date)], .date), t)
            == [date("2024-02-01"), date("2025-12-01"), .null, date("1969-12-01")])
    }

    @Test func dayArithmetic() throws {
        #expect(try scalar(.daysBetween, [date("2024-02-28"), date("2024-03-01")], .int) == .int(2))
        #expect(try scalar(.daysBetween, [date("2025-02-28"), date("2025-03-01")], .int) == .int(1))
        #expect(try scalar(.daysBetween, [date("2025-03-01"), date("2025-02-28")], .int) == .int(-1))
        #expect(try scalar(.dateDifference, [date("2025-03-01"), date("2025-02-28")], .int) == .int(1))
        #expect(try scalar(.addDays, [date("2024-02-28"), .int(1)], .date) == date("2024-02-29"))
        #expect(try scalar(.dateAddDays, [date("2024-12-31"), .int(1)], .date) == date("2025-01-01"))
        #expect(try scalar(.dateSubtractDays, [date("2024-03-01"), .int(1)], .date) == date("2024-02-29"))
        #expect(try scalar(.addDays, [.null, .int(1)], .date) == .null)
        #expect(runtimeMessage { _ = try scalar(.addDays, [date("2024-01-01"), .int(Int64.max)], .date) } != nil)
    }

    @Test func addMonthsClampsToMonthEnd() throws {
        #expect(try scalar(.addMonths, [date("2025-01-31"), .int(1)], .date) == date("2025-02-28"))
        #expect(try scalar(.addMonths, [date("2024-01-31"), .int(1)], .date) == date("2024-02-29"))
        #expect(try scalar(.addMonths, [date("2024-02-29"), .int(12)], .date) == date("2025-02-28"))
        #expect(try scalar(.addMonths, [date("2025-03-31"), .int(-1)], .date) == date("2025-02-28"))
        #expect(try scalar(.addMonths, [date("2025-01-15"), .int(-13)], .date) == date("2023-12-15"))
        #expect(try scalar(.addMonths, [date("2025-11-30"), .int(3)], .date) == date("2026-02-28"))
    }

    @Test func monthsBetweenCountsWholeMonths() throws {
        #expect(try scalar(.monthsBetween, [date("2025-01-31"), date("2025-02-28")], .int) == .int(1))
        #expect(try scalar(.monthsBetween, [date("2025-01-15"), date("2025-02-15")], .int) == .int(1))
        #expect(try scalar(.monthsBetween, [date("2025-01-15"), date("2025-02-14")], .int) == .int(0))
        #expect(try scalar(.monthsBetween, [date("2024-02-29"), date("2025-02-28")], .int) == .int(12))
        #expect(try scalar(.monthsBetween, [date("2024-01-31"), date("2024-02-29")], .int) == .int(1))
        #expect(try scalar(.monthsBetween, [date("2024-01-31"), date("2024-02-28")], .int) == .int(0))
        #expect(try scalar(.monthsBetween, [date("2024-02-29"), date("2024-01-31")], .int) == .int(-1))
        #expect(try scalar(.monthsBetween, [date("2024-03-31"), date("2024-02-29")], .int) == .int(-1))
        #expect(try scalar(.monthsBetween, [date("2023-12-01"), date("2025-01-01")], .int) == .int(13))
        #expect(try scalar(.monthsBetween, [date("2025-03-15"), date("2025-01-20")], .int) == .int(-1))
        #expect(try scalar(.monthsBetween, [date("2025-03-15"), date("2025-01-15")], .int) == .int(-2))
    }

    /// months_between inverts add_months: months_between(a, add_months(a, k)) == k for
    /// every a and k, and swapping the dates negates it.
    @Test func monthsBetweenInvertsAddMonths() throws {
        // Every day of 2023-2025 (leap year and month ends included) against shifts of
        // -40...40 months, evaluated as columns.
        let start = CivilDate(year: 2023, month: 1, day: 1).days
        let days = (0..<(365 * 3 + 1)).map { Value.date(start + Int32($0)) }
        for k in Int64(-40)...40 {
            let u = table([("d", .date, days)])
            let shifted = call(.addMonths, [col(0, .date), lit(.int(k))], .date)
            let back = try eval(call(.monthsBetween, [col(0, .date), shifted], .int), u)
            #expect(back.allSatisfy { $0 == .int(k) }, "k = \(k)")
            let reverse = try eval(call(.monthsBetween, [shifted, col(0, .date)], .int), u)
            #expect(reverse.allSatisfy { $0 == .int(-k) }, "k = \(k)")
        }
        // Antisymmetric for arbitrary pairs (a fixed pseudo-random sequence).
        var state: UInt64 = 12345
        func next() -> Int32 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32((state >> 33) % 3000) + start
        }
        let a = (0..<2000).map { _ in Value.date(next()) }, b = (0..<2000).map { _ in Value.date(next()) }
        let u = table([("a", .date, a), ("b", .date, b)])
        let ab = try eval(call(.monthsBetween, [col(0, .date), col(1, .date)], .int), u)
        let ba = try eval(call(.monthsBetween, [col(1, .date), col(0, .date)], .int), u)
        for i in 0..<2000 {
            guard case .int(let x) = ab[i], case .int(let y) = ba[i] else { continue }
            #expect(x == -y)
            // And whole: add_months(a, m) <= b < add_months(a, m + 1) going forward.
            if case .date(let da) = a[i], case .date(let db) = b[i], da <= db {
                let lo = try scalar(.addMonths, [a[i], .int(x)], .date)
                let hi = try scalar(.addMonths, [a[i], .int(x + 1)], .date)
                guard case .date(let l) = lo, case .date(let h) = hi else { continue }
                #expect(l <= db && db < h)
            }
        }
    }

    /// Dates run from 0000-01-01 to 9999-12-31 (four-digit years, which print and read
    /// back); a date computed outside is an error of its own.
    @Test func datesOutsideTheRangeAreErrors() throws {
        let out = EngineMessage.dateOutOfRange
        #expect(out.message == "date out of range: dates run from 0000-01-01 to 9999-12-31")
        #expect(runtimeMessage { _ = try scalar(.dateAddDays, [date("9999-12-31"), .int(1)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.dateSubtractDays, [date("0000-01-01"), .int(1)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.addDays, [date("2024-01-01"), .int(Int64.max)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.dateSubtractDays, [date("2024-01-01"), .int(Int64.min)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.addMonths, [date("9999-12-01"), .int(1)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.addMonths, [date("0000-01-31"), .int(-1)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.addMonths, [date("2024-01-01"), .int(Int64.min)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.makeDate, [.int(-5), .int(1), .int(1)], .date) } == out)
        #expect(runtimeMessage { _ = try scalar(.makeDate, [.int(10000), .int(1), .int(1)], .date) } == out)
        // 0000-01-01 was a Saturday: its week starts in year -1.
        #expect(runtimeMessage {
            _ = try eval(call(.dateTrunc, [lit(.string("week")), lit(date("0000-01-01"))], .date))
        } == out)
        // The ends themselves are fine.
        #expect(try scalar(.dateAddDays, [date("9999-12-30"), .int(1)], .date) == date("9999-12-31"))
        #expect(try scalar(.makeDate, [.int(0), .int(1), .int(1)], .date) == date("0000-01-01"))
        #expect(try scalar(.addMonths, [date("9999-11-30"), .int(1)], .date) == date("9999-12-30"))
        #expect(try eval(call(.dateTrunc, [lit(.string("year")), lit(date("0000-05-05"))], .date)) == [date("0000-01-01")])
        // Null rows do not count.
        let u = table([("d", .date, [date("2024-01-01"), .null]), ("k", .int, [.int(1), .int(Int64.max)])])
        #expect(try eval(call(.dateAddDays, [col(0, .date), col(1, .int)], .date), u) == [date("2024-01-02"), .null])
    }

    @Test func makingDates() throws {
        #expect(try scalar(.toDate, [.string("2024-02-29")], .date) == date("2024-02-29"))
        #expect(try scalar(.toDate, [.null], .date) == .null)
        #expect(runtimeMessage { _ = try scalar(.toDate, [.string("2023-02-29")], .date) } == .invalidDate(text: "2023-02-29"))
        #expect(runtimeMessage { _ = try scalar(.toDate, [.string("bad")], .date) } == .invalidDate(text: "bad"))
        #expect(try scalar(.makeDate, [.int(2024), .int(2), .int(29)], .date) == date("2024-02-29"))
        #expect(runtimeMessage { _ = try scalar(.makeDate, [.int(2023), .int(2), .int(29)], .date) }
            == .invalidDateParts(year: 2023, month: 2, day: 29))
        #expect(runtimeMessage { _ = try scalar(.makeDate, [.int(2023), .int(13), .int(1)], .date) } != nil)
        #expect(try scalar(.makeDate, [.int(2023), .null, .int(1)], .date) == .null)
    }

    @Test func toDateParsesOnlyValuesInUse() throws {
        // "bad" is in the dictionary but in no row (as after a filter): no error.
        let c = stringColumn(["bad", "2025-01-01"], codes: [1, 1])
        let u = Table(schema: Schema([Field("s", .string)]), columns: [c])
        #expect(try eval(call(.toDate, [col(0, .string)], .date), u) == [date("2025-01-01"), date("2025-01-01")])
        let v = table([("s", .string, [.string("2025-01-01"), .string("nope")])])
        #expect(runtimeMessage { _ = try eval(call(.toDate, [col(0, .string)], .date), v) } == .invalidDate(text: "nope"))
    }
}
