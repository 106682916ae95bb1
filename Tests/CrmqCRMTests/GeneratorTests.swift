import Foundation
import Testing
import CrmqEngine
import CrmqLoading
import CrmqSemantics
@testable import CrmqCRM

/// The dataset generator: reproducible bytes, the data model's columns and types, and the
/// causal structure docs/dataset.md promises (small runs, so the suite stays fast).
@Suite struct GeneratorTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fileNames = ["customers.csv", "transactions.csv", "interactions.csv"]

    /// The demo dataset, generated once for the structure tests.
    static let demo = DatasetGenerator(customers: 5000, seed: 42).generate()

    static func table(_ data: GeneratedDataset, _ file: String) throws -> Table {
        try CSVReader.read(bytes: data.file(file)!.bytes, path: file)
    }

    static func ints(_ t: Table, _ name: String) -> [Int64?] {
        let c = t.column(named: name)!
        guard case .int(let v) = c.values else { Issue.record("\(name) is not int"); return [] }
        return v.indices.map { c.isNull($0) ? nil : v[$0] }
    }

    static func dates(_ t: Table, _ name: String) -> [Int32?] {
        let c = t.column(named: name)!
        guard case .date(let v) = c.values else { Issue.record("\(name) is not a date"); return [] }
        return v.indices.map { c.isNull($0) ? nil : v[$0] }
    }

    static func doubles(_ t: Table, _ name: String) -> [Double] {
        guard case .double(let v) = t.column(named: name)!.values else { Issue.record("\(name) is not double"); return [] }
        return v
    }

    @Test func regeneratingTheDemoGivesTheCommittedFiles() throws {
        let folder = Self.packageRoot.appendingPathComponent("datasets/demo")
        for name in Self.fileNames {
            let committed = try Data(contentsOf: folder.appendingPathComponent(name))
            let fresh = Self.demo.file(name)!.bytes
            #expect(fresh.count == committed.count, "\(name): size differs; regenerate with crmq generate --customers 5000 --seed 42 --out datasets/demo")
            #expect(fresh.elementsEqual(committed), "\(name) differs from datasets/demo")
        }
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() {
        let a = DatasetGenerator(customers: 300, seed: 7).generate()
        let b = DatasetGenerator(customers: 300, seed: 7).generate()
        let c = DatasetGenerator(customers: 300, seed: 8).generate()
        for name in Self.fileNames {
            #expect(a.file(name)!.bytes == b.file(name)!.bytes)
            #expect(a.file(name)!.bytes != c.file(name)!.bytes)
        }
    }

    @Test func aCustomerDoesNotDependOnHowManyAreGenerated() throws {
        // Per-customer random streams: the first customers' survey answers are the same
        // in a small and a large run (spend, scaled over the whole table, may differ).
        let small = try Self.table(DatasetGenerator(customers: 100, seed: 42).generate(), "customers.csv")
        let large = try Self.table(Self.demo, "customers.csv")
        for name in ["signup_date", "satisfaction", "churn_date"] {
            let s = small.column(named: name)!, l = large.column(named: name)!
            #expect((0..<100).allSatisfy { s.value(at: $0) == l.value(at: $0) }, "\(name)")
        }
    }

    @Test func columnsAndInferredTypesFollowTheDataModel() throws {
        let expected: [String: [(String, DataType)]] = [
            "customers.csv": [
                ("customer_id", .int), ("name", .string), ("signup_date", .date), ("region", .string),
                ("channel", .string), ("expectation", .int), ("perceived_quality", .int), ("satisfaction", .int),
                ("trust", .int), ("perceived_value", .int), ("switching_cost", .int), ("repurchase_intent", .int),
                ("price_tolerance", .int), ("cross_buy_intent", .int), ("recommend", .int),
                ("category_spend", .double), ("churned", .int), ("churn_date", .date),
            ],
            "transactions.csv": [
                ("txn_id", .int), ("order_id", .int), ("customer_id", .int), ("date", .date), ("amount", .double),
                ("category", .string),
            ],
            "interactions.csv": [("customer_id", .int), ("date", .date), ("kind", .string), ("resolved", .int)],
        ]
        for (file, fields) in expected {
            let t = try Self.table(Self.demo, file)
            #expect(t.schema.names == fields.map(\.0), "\(file)")
            #expect(t.columns.map(\.type) == fields.map(\.1), "\(file)")
        }
        let customers = try Self.table(Self.demo, "customers.csv")
        #expect(customers.rowCount == 5000)
        #expect(Self.ints(customers, "customer_id") == (1...5000).map { Int64($0) })
        let churned = Self.ints(customers, "churned"), churnDate = Self.dates(customers, "churn_date")
        #expect((0..<5000).allSatisfy { (churned[$0] == 1) == (churnDate[$0] != nil) })
        for (name, lo, hi) in [("satisfaction", 1, 10), ("trust", 1, 7), ("recommend", 0, 10)] {
            let v = Self.ints(customers, name).compactMap { $0 }
            #expect(v.min() == Int64(lo) && v.max() == Int64(hi), "\(name) spans its scale")
        }
        let days = Self.dates(try Self.table(Self.demo, "transactions.csv"), "date").compactMap { $0 }
        #expect(days.first! >= 19358 && days.last! <= 19358 + 1095)  // 2023-01-01 ... 2025-12-31
        #expect(zip(days, days.dropFirst()).allSatisfy { $0 <= $1 }, "transactions are in date order")
    }

    @Test func ordersAreConsecutiveLinesOfOneCustomerAndDayInDifferentCategories() throws {
        let t = try Self.table(Self.demo, "transactions.csv")
        let order = Self.ints(t, "order_id"), who = Self.ints(t, "customer_id"), when = Self.dates(t, "date")
        guard case .string(let codes, let dictionary) = t.column(named: "category")!.values else {
            Issue.record("category is not a string column")
            return
        }
        #expect(order.allSatisfy { $0 != nil })
        var next: Int64 = 1, multi = 0, orders = 0
        var i = 0
        while i < t.rowCount {
            // Orders are numbered 1, 2, ... as their first lines come.
            #expect(order[i] == next, "row \(i + 1): order \(order[i]!), expected \(next)")
            var j = i + 1
            while j < t.rowCount && order[j] == order[i] { j += 1 }
            let lines = i..<j
            #expect(lines.allSatisfy { who[$0] == who[i] && when[$0] == when[i] }, "order \(next): one customer, one day")
            let categories = lines.map { dictionary.values[Int(codes[$0])] }
            #expect(categories == categories.sorted() && Set(categories).count == categories.count,
                    "order \(next): different categories, in order: \(categories)")
            if lines.count > 1 { multi += 1 }
            orders += 1
            next += 1
            i = j
        }
        // No order number comes back later: every order's lines were together.
        #expect(Set(order).count == orders)
        // Most orders hold one line; a large minority hold several (docs/dataset.md).
        let share = Double(multi) / Double(orders)
        #expect(share > 0.3 && share < 0.55, "\(share) of orders hold several lines")
        let perCustomer = Double(t.rowCount) / 5000
        #expect(perCustomer > 11 && perCustomer < 13.5, "\(perCustomer) lines per customer")
    }

    @Test func rulesFindThePlantedAssociationsAndNothingElseStrong() throws {
        let t = try Self.table(Self.demo, "transactions.csv")
        let r = try call("rules", t, ["min_lift": .value(.int(0)), "min_confidence": .value(.int(0))])
        var lift: [String: Double] = [:]
        let a = column(r, "antecedent"), c = column(r, "consequent"), l = column(r, "lift")
        for k in 0..<r.rowCount {
            if case .string(let x) = a[k], case .string(let y) = c[k], case .double(let v) = l[k] { lift["\(x) \(y)"] = v }
        }
        let planted = ["Garden Home", "Sports Apparel", "Electronics Toys", "Beauty Apparel", "Beauty Home"]
        for p in planted { #expect((lift[p] ?? 0) > 1.25, "\(p): lift \(lift[p] ?? 0)") }
        // Apparel with Home goes with the gift set (Beauty adds both); the other pairs are chance.
        for (rule, v) in lift {
            let parts = rule.split(separator: " ").map(String.init)
            let pair = Set(parts)
            let known = planted.contains { Set($0.split(separator: " ").map(String.init)) == pair }
                || pair == ["Apparel", "Home"]
            if !known { #expect(v > 0.85 && v < 1.06, "\(rule): lift \(v) for unrelated categories") }
        }
    }

    @Test func aboutTenPercentOfSurveyAnswersAreMissing() throws {
        let customers = try Self.table(Self.demo, "customers.csv")
        for name in Survey.columns {
            let share = Double(customers.column(named: name)!.nullCount) / 5000
            #expect(share > 0.08 && share < 0.12, "\(name): \(share) missing")
        }
        for name in ["customer_id", "signup_date", "category_spend", "churned"] {
            #expect(customers.column(named: name)!.nullCount == 0)
        }
    }

    @Test func churnedCustomersBuyNothingFromTheirChurnDate() throws {
        let customers = try Self.table(Self.demo, "customers.csv")
        let churnDate = Self.dates(customers, "churn_date"), signup = Self.dates(customers, "signup_date")
        let t = try Self.table(Self.demo, "transactions.csv")
        let who = Self.ints(t, "customer_id"), when = Self.dates(t, "date")
        let late = (0..<t.rowCount).filter { i in churnDate[Int(who[i]!) - 1].map { when[i]! >= $0 } ?? false }
        let early = (0..<t.rowCount).filter { when[$0]! < signup[Int(who[$0]!) - 1]! }
        #expect(late.isEmpty, "purchases on or after the churn date: rows \(late.prefix(5))")
        #expect(early.isEmpty, "purchases before signup: rows \(early.prefix(5))")
    }

    @Test func categorySpendIsNeverBelowTwelveMonthSpend() throws {
        let customers = try Self.table(Self.demo, "customers.csv")
        let categorySpend = Self.doubles(customers, "category_spend")
        let t = try Self.table(Self.demo, "transactions.csv")
        let who = Self.ints(t, "customer_id"), when = Self.dates(t, "date"), amount = Self.doubles(t, "amount")
        // As of the day after the last transaction, "12 months" read generously (366 days).
        let asOf = when.map { $0! }.max()! + 1
        var spend = [Double](repeating: 0, count: 5000)
        for i in 0..<t.rowCount where when[i]! >= asOf - 366 { spend[Int(who[i]!) - 1] += amount[i] }
        let below = (0..<5000).filter { categorySpend[$0] < spend[$0] + 0.995 }
        #expect(below.isEmpty, "category_spend below 12-month spend + 1.00: customers \(below.prefix(5).map { $0 + 1 })")
        // And the share of wallet is a real share: neither always tiny nor always whole.
        let shares = (0..<5000).filter { spend[$0] > 0 }.map { spend[$0] / categorySpend[$0] }
        let mean = shares.reduce(0, +) / Double(shares.count)
        #expect(mean > 0.2 && mean < 0.8, "mean share of wallet \(mean)")
    }

    @Test func purchasesAreHeterogeneousAndSeasonal() throws {
        let t = try Self.table(Self.demo, "transactions.csv")
        #expect(Double(t.rowCount) / 5000 > 10 && Double(t.rowCount) / 5000 < 14)
        var perCustomer = [Int](repeating: 0, count: 5000)
        for c in Self.ints(t, "customer_id") { perCustomer[Int(c!) - 1] += 1 }
        #expect(perCustomer.filter { $0 == 0 }.count > 100, "some customers never buy")
        #expect(perCustomer.max()! > 60, "some buy very often")
        // December (busier) against February, per day, over the three years.
        var dec = 0, feb = 0
        for d in Self.dates(t, "date") {
            let (_, m, _) = Window.civil(fromDays: Int(d!))
            if m == 12 { dec += 1 } else if m == 2 { feb += 1 }
        }
        #expect(Double(dec) / 31 > 1.3 * Double(feb) / 28.3)
    }

    @Test func dissatisfiedCustomersComplainMoreAndChurnersGetLessResolved() throws {
        let customers = try Self.table(Self.demo, "customers.csv")
        let sat = Self.ints(customers, "satisfaction"), churned = Self.ints(customers, "churned")
        let i = try Self.table(Self.demo, "interactions.csv")
        let who = Self.ints(i, "customer_id"), resolved = Self.ints(i, "resolved")
        guard case .string(let kinds, let dict) = i.column(named: "kind")!.values else { Issue.record(); return }
        var complaints = [0, 0], customersBySat = [0, 0]  // [low (1-4), high (8-10)]
        for s in sat.compactMap({ $0 }) { if s <= 4 { customersBySat[0] += 1 } else if s >= 8 { customersBySat[1] += 1 } }
        var resolvedBy = [0, 0], complaintsBy = [0, 0]  // [stayed, churned]
        for r in 0..<i.rowCount where dict[kinds[r]] == "complaint" {
            let c = Int(who[r]!) - 1
            if let s = sat[c] { if s <= 4 { complaints[0] += 1 } else if s >= 8 { complaints[1] += 1 } }
            let k = Int(churned[c]!)
            complaintsBy[k] += 1
            resolvedBy[k] += Int(resolved[r]!)
        }
        let lowRate = Double(complaints[0]) / Double(customersBySat[0])
        let highRate = Double(complaints[1]) / Double(customersBySat[1])
        #expect(lowRate > 3 * highRate)
        #expect(Double(resolvedBy[1]) / Double(complaintsBy[1]) < Double(resolvedBy[0]) / Double(complaintsBy[0]) - 0.1)
    }

    @Test func retentionBySatisfactionCollapsesLowIsFlatInTheMiddleAndRisesAtTheTop() throws {
        let customers = try Self.table(DatasetGenerator(customers: 20_000, seed: 42).generate(), "customers.csv")
        let sat = Self.ints(customers, "satisfaction"), churned = Self.ints(customers, "churned")
        var n = [Int](repeating: 0, count: 11), kept = [Int](repeating: 0, count: 11)
        for (s, c) in zip(sat, churned) {
            guard let s else { continue }
            n[Int(s)] += 1
            if c == 0 { kept[Int(s)] += 1 }
        }
        func retention(_ levels: ClosedRange<Int>) -> Double {
            Double(levels.map { kept[$0] }.reduce(0, +)) / Double(levels.map { n[$0] }.reduce(0, +))
        }
        let low = retention(1...3), top = retention(9...10)
        let middle = (5...8).map { retention($0...$0) }
        #expect(low < 0.45, "retention at 1-3: \(low)")
        #expect(top > 0.85, "retention at 9-10: \(top)")
        #expect(middle.max()! - middle.min()! < 0.15, "retention across 5-8: \(middle)")
        #expect(middle.min()! > low + 0.15 && top > middle.max()! + 0.1)
    }
}
