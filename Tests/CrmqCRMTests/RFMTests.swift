import CrmqEngine
import CrmqSemantics
import Testing
@testable import CrmqCRM

@Suite struct RFMTests {
    @Test func measuresPerCustomer() throws {
        let t = transactions([
            (1, "2025-01-10", 10), (1, "2025-03-01", 5.5), (2, "2025-02-01", 100), (1, "2025-02-01", nil),
        ])
        let r = try call("rfm", t, asof: day("2025-04-01"))
        #expect(r.schema.names == [
            "customer_id", "recency", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_score",
            "rfm_segment",
        ])
        #expect(ints(r, "customer_id") == [1, 2])
        // The segment is an ordered category in the order of the segment map's listing.
        #expect(r.schema[8].type == .category(CategoryType(RFMSegments.names)))
        #expect(r.columns[8].type == r.schema[8].type)
        #expect(ints(r, "recency") == [31, 59])
        // A null amount is still a purchase; it adds nothing to monetary.
        #expect(ints(r, "frequency") == [3, 1])
        #expect(column(r, "monetary") == [.double(15.5), .double(100)])
    }

    @Test func quintilesLikeNtile() throws {
        // 7 customers: NTILE(5) groups of 2, 2, 1, 1, 1.
        let t = transactions((1...7).map { (Int64($0), "2025-01-0\($0)", Double($0)) })
        let r = try call("rfm", t, asof: day("2025-02-01"))
        #expect(ints(r, "r_score") == [1, 1, 2, 2, 3, 4, 5])
        #expect(ints(r, "m_score") == [1, 1, 2, 2, 3, 4, 5])
        // All one purchase: ties go by customer id.
        #expect(ints(r, "f_score") == [1, 1, 2, 2, 3, 4, 5])
        #expect(ints(r, "rfm_score") == [111, 111, 222, 222, 333, 444, 555])
    }

    @Test func tiesBrokenByCustomerID() throws {
        // Same date and amount for all, ids out of order in the input.
        let ids: [Int64] = [50, 10, 40, 20, 30]
        let t = transactions(ids.map { ($0, "2025-01-01", 20) })
        let r = try call("rfm", t, asof: day("2025-01-02"))
        #expect(ints(r, "customer_id") == [10, 20, 30, 40, 50])
        #expect(ints(r, "r_score") == [1, 2, 3, 4, 5])
        #expect(ints(r, "m_score") == [1, 2, 3, 4, 5])
    }

    @Test func monetaryRoundedToCentsBeforeRanking() throws {
        // 0.1 + 0.2 is 0.30000000000000004, 0.3 is 0.3: the same after rounding, so id decides.
        let t = transactions([(2, "2025-01-01", 0.1), (2, "2025-01-01", 0.2), (1, "2025-01-01", 0.15), (1, "2025-01-01", 0.15)])
        let r = try call("rfm", t, asof: day("2025-01-02"))
        #expect(column(r, "monetary") == [.double(0.3), .double(0.3)])
        #expect(ints(r, "m_score") == [1, 2])
    }

    @Test func oneCustomer() throws {
        let r = try call("rfm", transactions([(7, "2025-05-05", 12)]))
        // Default asof: the day after the last transaction.
        #expect(rows(r) == [[
            .int(7), .int(1), .int(1), .double(12), .int(1), .int(1), .int(1), .int(111), .string("Lost"),
        ]])
    }

    @Test func noPurchases() throws {
        let r = try call("rfm", transactions([]))
        #expect(r.rowCount == 0)
        #expect(r.schema.count == 9)
        let nulls = try call("rfm", transactions([(nil, "2025-01-01", 3), (1, nil, 4)]))
        #expect(nulls.rowCount == 0)
    }

    @Test func asofBeforeFirstPurchase() throws {
        let t = transactions([(1, "2025-01-10", 10), (2, "2025-02-01", 100)])
        #expect(try call("rfm", t, asof: day("2025-01-01")).rowCount == 0)
        // Purchases on the as-of date do not count.
        #expect(try ints(call("rfm", t, asof: day("2025-02-01")), "customer_id") == [1])
        // The asof option wins over the setting.
        let r = try call("rfm", t, ["asof": .value(.string("2025-01-11"))], asof: day("2030-01-01"))
        #expect(ints(r, "recency") == [1])
    }

    @Test func stringCustomerIDs() throws {
        let t = table([
            ("cust", .string, [.string("b"), .string("a"), .string("B"), .string("a"), .null]),
            ("date", .date, [day("2025-01-01"), day("2025-01-02"), day("2025-01-03"), day("2025-01-04"), day("2025-01-05")]),
            ("amount", .int, [.int(5), .int(5), .int(5), .int(5), .int(5)]),
        ])
        let r = try call("rfm", t, ["customer": .name("cust")])
        #expect(r.schema[0] == Field("cust", .string))
        // Byte order: "B" < "a" < "b".
        #expect(column(r, "cust") == [.string("B"), .string("a"), .string("b")])
        #expect(ints(r, "frequency") == [1, 2, 1])
        #expect(column(r, "monetary") == [.double(5), .double(10), .double(5)])
        #expect(ints(r, "recency") == [3, 2, 5])
    }

    @Test func sparseIntIDsUseAHashMap() throws {
        let t = transactions([(1 << 40, "2025-01-01", 1), (-5, "2025-01-02", 2), (1 << 40, "2025-01-03", 3)])
        let r = try call("rfm", t)
        #expect(ints(r, "customer_id") == [-5, 1 << 40])
        #expect(ints(r, "frequency") == [1, 2])
    }

    @Test func renamedColumns() throws {
        let t = table([
            ("cust_id", .int, [.int(1), .int(2)]),
            ("ordered", .date, [day("2025-01-01"), day("2025-01-02")]),
            ("revenue", .int, [.int(3), .int(4)]),
        ])
        let r = try call("rfm", t, ["customer": .name("cust_id"), "date": .name("ordered"), "amount": .name("revenue")])
        #expect(r.schema.names.first == "cust_id")
        #expect(column(r, "monetary") == [.double(3), .double(4)])
        let c = try call("cohorts", t, ["customer": .name("cust_id"), "date": .name("ordered")])
        #expect(ints(c, "active") == [2])
    }

    @Test func missingColumnsAreProblems() {
        let t = Schema([Field("cust_id", .int), Field("when", .date), Field("amount", .double)])
        let p = problem("rfm", t)
        #expect(p?.message == "rfm needs a customer column: none is called 'customer_id'; name yours with customer = your_column")
        #expect(p?.option == nil)
        let d = problem("rfm", t, ["customer": .name("cust_id")])
        #expect(d?.message == "rfm needs a date column: none is called 'date'; name yours with date = your_column")
        let named = problem("rfm", t, ["customer": .name("cust_id"), "date": .name("wen")])
        #expect(named?.message == "rfm's input has no column 'wen' (date = names the column of purchase dates)")
        #expect(named?.option == "date")
        #expect(named?.notes == ["did you mean 'when'?"])
        #expect(problem("rfm", t, ["customer": .name("cust_id"), "date": .name("when")]) == nil)
    }

    @Test func wrongTypesAndValuesAreProblems() {
        let t = Schema([Field("customer_id", .double), Field("date", .string), Field("amount", .string)])
        #expect(problem("rfm", t)?.message == "rfm's customer column 'customer_id' is double; it must be int or string")
        let u = Schema([Field("customer_id", .int), Field("date", .date), Field("amount", .string)])
        #expect(problem("rfm", u)?.message == "rfm's amount column 'amount' is string; it must be int or double")
        #expect(problem("rfm", u, ["amount": .value(.int(3))])?.message
            == "rfm's option amount takes a column name, e.g. amount = amount")
        #expect(problem("cohorts", u, ["asof": .value(.string("soon"))])?.option == "asof")
        #expect(problem("cohorts", u) == nil)
        let clash = Schema([Field("recency", .int), Field("date", .date), Field("amount", .int)])
        #expect(problem("rfm", clash, ["customer": .name("recency")])?.option == "customer")
    }

    @Test func segmentMap() {
        #expect(RFMSegments.name(r: 5, f: 5, m: 4) == "Champions")
        #expect(RFMSegments.name(r: 5, f: 1, m: 1) == "New customers")
        #expect(RFMSegments.name(r: 4, f: 1, m: 1) == "Promising")
        #expect(RFMSegments.name(r: 3, f: 3, m: 3) == "Need attention")
        #expect(RFMSegments.name(r: 3, f: 4, m: 3) == "Loyal customers")
        #expect(RFMSegments.name(r: 3, f: 1, m: 4) == "Need attention")
        #expect(RFMSegments.name(r: 2, f: 5, m: 5) == "Cannot lose them")
        #expect(RFMSegments.name(r: 1, f: 3, m: 4) == "At risk")
        #expect(RFMSegments.name(r: 1, f: 1, m: 1) == "Lost")
        #expect(RFMSegments.name(r: 2, f: 1, m: 1) == "Hibernating")
        // Every segment is reachable.
        var seen = Set<String>()
        for r in 1...5 { for f in 1...5 { for m in 1...5 { seen.insert(RFMSegments.name(r: r, f: f, m: m)) } } }
        #expect(seen == Set(RFMSegments.names))
    }

    @Test func quintileSortPathsAgree() throws {
        // Counting sort (small range), radix sort (wide range) and the general sort give the same scores.
        var rng = SplitMix64(state: 2025)  // seeded: a failure reproduces
        for n in [1, 4, 5, 6, 99, 1000] {
            let small = (0..<n).map { _ in Int64.random(in: 0...7, using: &rng) }
            let wide = small.map { $0 << 40 }
            let huge = small.map { $0 == 0 ? Int64.min : $0 * (Int64.max / 8) }
            let expected = naiveNtile(small)
            #expect(try Quintiles.scores(small, cancellation: CancellationFlag()) == expected)
            #expect(try Quintiles.scores(wide, cancellation: CancellationFlag()) == expected)
            #expect(try Quintiles.scores(huge, cancellation: CancellationFlag()) == expected)
        }
    }

    /// NTILE(5) OVER (ORDER BY key, index), straight from its definition.
    func naiveNtile(_ keys: [Int64]) -> [UInt8] {
        let order = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
        let n = keys.count
        var sizes = [Int](repeating: n / 5, count: 5)
        for i in 0..<(n % 5) { sizes[i] += 1 }
        var scores = [UInt8](repeating: 0, count: n)
        var position = 0
        for (b, size) in sizes.enumerated() {
            for _ in 0..<size {
                scores[order[position]] = UInt8(b + 1)
                position += 1
            }
        }
        return scores
    }

    @Test func cancellation() {
        let t = transactions((0..<200_000).map { (Int64($0 % 1000), "2025-01-01", 1) })
        let flag = CancellationFlag()
        flag.cancel()
        let f = CRM.tableFunctions["rfm"]!
        guard case .success(let bound) = f.signature.bind(t.schema, [:]) else { Issue.record("binds"); return }
        #expect(throws: EngineError.cancelled) { try f.run(t, bound.options, [:], flag) }
    }
}

/// `help rfm` writes the segment map out as conditions; read back, they give the map.
@Suite struct RFMSegmentConditionTests {
    @Test func conditionsGiveBackTheGrid() throws {
        func scores(_ text: Substring) -> [Int] {
            text.components(separatedBy: " or ").flatMap { part -> [Int] in
                let ends = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                return ends.count == 2 ? Array(ends[0]...ends[1]) : ends
            }
        }
        var seen = [[Int32]](repeating: [Int32](repeating: -1, count: 5), count: 5)
        #expect(RFMSegments.conditions.count == RFMSegments.names.count)
        for (index, line) in RFMSegments.conditions.enumerated() {
            #expect(line.hasPrefix(RFMSegments.names[index]))
            let rule = line.dropFirst(RFMSegments.names[index].count).trimmingCharacters(in: .whitespaces)
            for alternative in rule.components(separatedBy: ", or ") {
                let parts = alternative.components(separatedBy: " and ")
                try #require(parts.count == 2 && parts[0].hasPrefix("R ") && parts[1].hasPrefix("FM "))
                for r in scores(parts[0].dropFirst(2)) {
                    for fm in scores(parts[1].dropFirst(3)) { seen[r - 1][fm - 1] = Int32(index) }
                }
            }
        }
        #expect(seen == RFMSegments.grid)
    }
}

/// The generator's SplitMix64 as a seeded source for `random(in:using:)`.
extension SplitMix64: RandomNumberGenerator {}
