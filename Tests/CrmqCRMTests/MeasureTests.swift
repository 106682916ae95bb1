import Testing
import CrmqSemantics
@testable import CrmqEngine
@testable import CrmqCRM

/// Small hand-built tables for the computed customer columns and their edges.
struct Tables {
    static func day(_ s: String) -> Int32 { CivilDate.parse(s)!.days }

    /// Customers: id, signup date, churned, and optional survey answers.
    static func customers(
        _ ids: [Int64?], signup: [String?]? = nil, churned: [Bool?]? = nil, churnDate: [String?]? = nil,
        intent: [Int64?]? = nil, satisfaction: [Int64?]? = nil, trust: [Int64?]? = nil,
        recommend: [Int64?]? = nil, categorySpend: [Double?]? = nil
    ) -> Table {
        let n = ids.count
        func ints(_ a: [Int64?]?) -> Column { Column.from((a ?? Array(repeating: nil, count: n)).map { $0.map(Value.int) ?? .null }, type: .int) }
        func dates(_ a: [String?]?) -> Column {
            Column.from((a ?? Array(repeating: nil, count: n)).map { $0.map { .date(day($0)) } ?? .null }, type: .date)
        }
        let fields: [(String, DataType, Column)] = [
            ("customer_id", .int, ints(ids)),
            ("signup_date", .date, dates(signup ?? Array(repeating: "2024-01-01", count: n))),
            ("churned", .bool, Column.from((churned ?? Array(repeating: false, count: n)).map { $0.map(Value.bool) ?? .null }, type: .bool)),
            ("churn_date", .date, dates(churnDate)),
            ("repurchase_intent", .int, ints(intent)), ("satisfaction", .int, ints(satisfaction)),
            ("trust", .int, ints(trust)), ("recommend", .int, ints(recommend)),
            ("category_spend", .double, Column.from((categorySpend ?? Array(repeating: nil, count: n)).map { $0.map(Value.double) ?? .null }, type: .double)),
        ]
        return Table(schema: Schema(fields.map { Field($0.0, $0.1) }), columns: fields.map(\.2), rowCount: n)
    }

    /// Transactions: (customer_id, date, amount).
    static func transactions(_ rows: [(Int64?, String?, Double?)]) -> Table {
        Table(schema: Schema([Field("customer_id", .int), Field("date", .date), Field("amount", .double)]), columns: [
            Column.from(rows.map { $0.0.map(Value.int) ?? .null }, type: .int),
            Column.from(rows.map { $0.1.map { .date(day($0)) } ?? .null }, type: .date),
            Column.from(rows.map { $0.2.map(Value.double) ?? .null }, type: .double),
        ], rowCount: rows.count)
    }

    static func inputs(_ customers: Table, _ transactions: Table?, asof: String? = nil, _ settings: [String: Value] = [:])
        -> CRMInputs
    {
        var s = settings
        if let asof { s["asof"] = .date(day(asof)) }
        return CRMInputs(customers: customers, transactions: transactions, interactions: nil, settings: s,
            cancellation: CancellationFlag())
    }

    /// One measure's values, row by row.
    static func measure(_ name: String, _ inputs: CRMInputs) throws -> [Value] {
        let m = CustomerMeasures.all.first { $0.name == name }!
        let c = try m.compute(inputs)
        #expect(c.count == inputs.customers.rowCount)
        return (0..<c.count).map { c.value(at: $0) }
    }
}

@Suite struct PurchaseMeasureTests {
    let customers = Tables.customers([1, 2, 3, 4], categorySpend: [1000, nil, 0, 200])
    let transactions = Tables.transactions([
        (1, "2025-01-01", 100), (1, "2025-06-01", 50), (1, "2025-06-30", 999),  // on asof: not counted
        (2, "2024-06-30", 10),  // exactly 365 days before 2025-06-30: in the 12 months
        (2, "2024-06-29", 20),  // 366 days before: not
        (3, "2025-06-29", nil),  // missing amount: a purchase, no revenue
        (99, "2025-01-01", 5),  // not a customer
        (nil, "2025-01-01", 5), (1, nil, 5),  // no customer, no date
    ])

    @Test func recencyFrequencyMonetaryAndSpend() throws {
        let inputs = Tables.inputs(customers, transactions, asof: "2025-06-30")
        #expect(try Tables.measure("recency", inputs) == [.int(29), .int(365), .int(1), .null])
        #expect(try Tables.measure("frequency", inputs) == [.int(2), .int(2), .int(1), .int(0)])
        #expect(try Tables.measure("monetary", inputs) == [.double(150), .double(30), .double(0), .double(0)])
        #expect(try Tables.measure("spend_12m", inputs) == [.double(150), .double(10), .double(0), .double(0)])
        #expect(try Tables.measure("share_of_wallet", inputs) == [.double(0.15), .null, .null, .double(0)])
    }

    @Test func defaultAsOfIsTheDayAfterTheLastTransaction() throws {
        let inputs = Tables.inputs(customers, transactions)
        #expect(inputs.asOf == Tables.day("2025-07-01"))
        #expect(try Tables.measure("recency", inputs) == [.int(1), .int(366), .int(2), .null])
        #expect(try Tables.measure("frequency", inputs) == [.int(3), .int(2), .int(1), .int(0)])
    }

    @Test func asOfBeforeTheFirstPurchase() throws {
        let inputs = Tables.inputs(customers, transactions, asof: "2023-01-01")
        #expect(try Tables.measure("recency", inputs) == [.null, .null, .null, .null])
        #expect(try Tables.measure("frequency", inputs) == [.int(0), .int(0), .int(0), .int(0)])
        #expect(try Tables.measure("tenure_days", inputs) == [.null, .null, .null, .null])
        // Nobody was a customer a year before asof: no yearly retention rate.
        #expect(try Tables.measure("clv", inputs) == [.null, .null, .null, .null])
    }

    @Test func emptyTables() throws {
        let none = Tables.transactions([])
        let inputs = Tables.inputs(customers, none)
        #expect(inputs.asOf == nil)
        #expect(try Tables.measure("recency", inputs) == [.null, .null, .null, .null])
        #expect(try Tables.measure("monetary", inputs) == [.double(0), .double(0), .double(0), .double(0)])
        #expect(try Tables.measure("tenure_days", inputs) == [.null, .null, .null, .null])
        #expect(try Tables.measure("lifecycle_stage", inputs) == [.null, .null, .null, .null])
        // With asof set, an empty transactions table still gives tenure and stages.
        let set = Tables.inputs(customers, none, asof: "2024-02-01")
        #expect(try Tables.measure("tenure_days", set) == [.int(31), .int(31), .int(31), .int(31)])
        #expect(try Tables.measure("lifecycle_stage", set) == Array(repeating: .string("identification"), count: 4))
        let nobody = Tables.customers([])
        for m in CustomerMeasures.all where m.requires.allSatisfy({ nobody.schema.index(of: $0) != nil }) {
            #expect(try m.compute(Tables.inputs(nobody, transactions)).count == 0, "\(m.name)")
            #expect(try m.compute(Tables.inputs(nobody, none)).count == 0, "\(m.name)")
        }
    }

    @Test func sparseIdsDuplicateIdsAndNullIds() throws {
        let c = Tables.customers([1_000_000_000_000, 5, nil, 5])
        let t = Tables.transactions([(1_000_000_000_000, "2025-01-01", 10), (5, "2025-01-02", 7), (5, "2025-01-03", 1)])
        let inputs = Tables.inputs(c, t, asof: "2025-01-04")
        #expect(try Tables.measure("frequency", inputs) == [.int(1), .int(2), .int(0), .int(2)])
        #expect(try Tables.measure("monetary", inputs) == [.double(10), .double(8), .double(0), .double(8)])
        #expect(try Tables.measure("recency", inputs) == [.int(3), .int(1), .null, .int(1)])
    }

    @Test func tenure() throws {
        let c = Tables.customers([1, 2, 3], signup: ["2025-01-01", "2025-06-30", nil])
        let inputs = Tables.inputs(c, nil, asof: "2025-06-30")
        #expect(try Tables.measure("tenure_days", inputs) == [.int(180), .int(0), .null])
        let before = Tables.inputs(c, nil, asof: "2024-12-31")
        #expect(try Tables.measure("tenure_days", before) == [.null, .null, .null])
    }

    @Test func cancellation() throws {
        let flag = CancellationFlag()
        flag.cancel()
        let inputs = CRMInputs(customers: Tables.customers([1, 2]), transactions: transactions, interactions: nil,
            settings: ["asof": .date(Tables.day("2023-02-02"))], cancellation: flag)
        #expect(throws: EngineError.self) { try PurchaseSummary.compute(inputs) }
    }

    @Test func changedTablesAreNotTakenFromTheMemo() throws {
        let before = Tables.inputs(customers, transactions, asof: "2025-06-30")
        #expect(try Tables.measure("frequency", before) == [.int(2), .int(2), .int(1), .int(0)])
        let more = Tables.transactions([(4, "2025-01-01", 1)])
        let after = Tables.inputs(customers, more, asof: "2025-06-30")
        #expect(try Tables.measure("frequency", after) == [.int(0), .int(0), .int(0), .int(1)])
        let later = Tables.inputs(customers, more, asof: "2024-06-30")
        #expect(try Tables.measure("frequency", later) == [.int(0), .int(0), .int(0), .int(0)])
    }
}

@Suite struct StageMeasureTests {
    @Test func lifecycle() throws {
        // asof 2025-07-01. 1: churned (lost). 2: last purchase 181 days ago. 3: young (30 days).
        // 4: one purchase. 5: stable (tenure >= 365, 6 purchases in 12 months). 6: development.
        // 7: never bought, young. 8: never bought, old. 9: churned after asof (active then).
        let c = Tables.customers(
            [1, 2, 3, 4, 5, 6, 7, 8, 9],
            signup: ["2024-01-01", "2024-01-01", "2025-06-01", "2024-01-01", "2024-01-01", "2024-01-01", "2025-05-01", "2024-01-01", "2024-01-01"],
            churned: [true, false, false, false, false, false, false, false, true],
            churnDate: [nil, nil, nil, nil, nil, nil, nil, nil, "2025-08-01"])
        var rows: [(Int64?, String?, Double?)] = [(1, "2025-06-01", 1), (1, "2025-06-02", 1)]
        rows += [(2, "2024-12-31", 1), (2, "2024-12-30", 1)]
        rows += [(3, "2025-06-10", 1), (3, "2025-06-11", 1)]
        rows += [(4, "2025-06-10", 1)]
        rows += (1...6).map { (5, "2025-0\($0)-15", 1) }
        rows += (1...5).map { (6, "2025-0\($0)-15", 1) }
        rows += [(9, "2025-06-01", 1), (9, "2025-06-02", 1)]
        let inputs = Tables.inputs(c, Tables.transactions(rows), asof: "2025-07-01")
        #expect(try Tables.measure("lifecycle_stage", inputs) == [
            "lost", "decline", "identification", "identification", "stability", "development",
            "identification", "decline", "development",
        ].map(Value.string))
        let lenient = Tables.inputs(c, Tables.transactions(rows), asof: "2025-07-01",
            ["decline_days": .int(200), "stability_purchases": .int(5)])
        #expect(try Tables.measure("lifecycle_stage", lenient)[1] == .string("development"))
        #expect(try Tables.measure("lifecycle_stage", lenient)[5] == .string("stability"))
    }

    @Test func loyaltyStagesAndMissingAnswers() throws {
        let c = Tables.customers(
            [1, 2, 3, 4, 5, 6, 7, 8],
            intent: [7, 6, 5, nil, 3, nil, nil, 2],
            satisfaction: [9, 9, 7, nil, 6, nil, 8, nil],
            trust: [6, 6, 2, 5, 4, nil, nil, nil])
        let rows: [(Int64?, String?, Double?)] = (1...4).map { (1, "2025-0\($0)-01", 1) } + [(2, "2025-01-01", 1)]
        let inputs = Tables.inputs(c, Tables.transactions(rows), asof: "2025-07-01")
        #expect(try Tables.measure("loyalty_stage", inputs) == [
            .string("action"), .string("conative"), .string("affective"), .string("affective"), .string("cognitive"),
            .null, .string("affective"), .string("cognitive"),
        ])
        let strict = Tables.inputs(c, Tables.transactions(rows), asof: "2025-07-01",
            ["action_purchases": .int(5), "conative_intent": .int(7), "affective_satisfaction": .int(10), "affective_trust": .int(7)])
        #expect(try Tables.measure("loyalty_stage", strict) == [
            .string("conative"), .string("cognitive"), .string("cognitive"), .string("cognitive"), .string("cognitive"),
            .null, .string("cognitive"), .string("cognitive"),
        ])
    }

    /// The stage columns are ordered categories in the theory's order, and the columns
    /// computed carry exactly the type the catalog announces.
    @Test func stagesAreOrderedCategories() throws {
        let expected: [String: [String]] = [
            "lifecycle_stage": ["identification", "development", "stability", "decline", "lost"],
            "loyalty_stage": ["cognitive", "affective", "conative", "action"],
            "nps_group": ["detractor", "passive", "promoter"],
        ]
        let c = Tables.customers([1, 2], intent: [7, 2], satisfaction: [9, 3], trust: [6, 1], recommend: [10, 3])
        let inputs = Tables.inputs(c, Tables.transactions([(1, "2025-01-01", 1)]), asof: "2025-07-01")
        for (name, levels) in expected {
            let m = CustomerMeasures.all.first { $0.name == name }!
            #expect(m.type == .category(CategoryType(levels)))
            #expect(try m.compute(inputs).type == m.type)
        }
    }

    @Test func npsGroups() throws {
        let c = Tables.customers([1, 2, 3, 4, 5, 6, 7, 8], recommend: [10, 9, 8, 7, 6, 0, nil, 11])
        #expect(try Tables.measure("nps_group", Tables.inputs(c, nil)) == [
            .string("promoter"), .string("promoter"), .string("passive"), .string("passive"),
            .string("detractor"), .string("detractor"), .null, .null,
        ])
    }
}

@Suite struct ValueMeasureTests {
    @Test func clvFormula() throws {
        // 4 customers, 1 churned: r = 0.75 for the others.
        let c = Tables.customers([1, 2, 3, 4], churned: [false, true, false, nil])
        let t = Tables.transactions([(1, "2025-01-01", 1000), (2, "2025-01-01", 1000), (4, "2025-01-01", 100)])
        let inputs = Tables.inputs(c, t, asof: "2025-07-01")
        let m = 0.3 * 1000, r = 2.0 / 3  // churned known for 3 customers, 1 of them gone
        let clv = try Tables.measure("clv", inputs)
        guard case .double(let v0) = clv[0], case .double(let v3) = clv[3] else { Issue.record("\(clv)"); return }
        #expect(abs(v0 - m * r / (1 + 0.1 - r)) < 1e-9)
        #expect(clv[1] == .double(0))
        #expect(clv[2] == .double(0))
        #expect(abs(v3 - 0.3 * 100 * r / (1.1 - r)) < 1e-9)
        // Nobody churned and no discount: 1 + d - r = 0, the value is unbounded: null.
        let loyal = Tables.customers([1], churned: [false])
        #expect(try Tables.measure("clv", Tables.inputs(loyal, t, asof: "2025-07-01", ["discount_rate": .double(0)])) == [.null])
    }

    @Test func settingsValidate() {
        let spec = { (n: String) in CRM.settings.first { $0.name == n }! }
        #expect(spec("decline_days").validate(.int(0)) == "decline_days must be between 1 and 3650")
        #expect(spec("conative_intent").validate(.int(8)) == "conative_intent must be between 1 and 7")
        #expect(spec("affective_satisfaction").validate(.int(10)) == nil)
        #expect(spec("action_purchases").validate(.null) == "action_purchases cannot be null")
        for s in CRM.settings where s.name != "asof" { #expect(s.validate(s.defaultValue) == nil, "\(s.name)") }
    }

    @Test func everyMeasureIsDocumented() {
        for m in CustomerMeasures.all {
            #expect(!m.summary.isEmpty && !m.rule.isEmpty, "\(m.name)")
            #expect(!m.summary.hasSuffix("."), "\(m.name)")
        }
        // Every threshold setting is named in the rule of a measure that reads it.
        let rules = CustomerMeasures.all.map(\.rule).joined(separator: " ")
        for s in CRM.settings { #expect(rules.contains(s.name), "\(s.name) is in no rule") }
    }
}

/// `customers` as of the as-of date (what queries and measures see), and the rules that
/// depend on churn as of then.
@Suite struct AsOfViewTests {
    @Test func laterSignupsAreDroppedAndLaterChurnIsUnknown() throws {
        // 1: old, churned before asof. 2: churned on asof (not yet). 3: signed up after asof.
        // 4: no signup date (kept). 5: churned after asof.
        let c = Tables.customers(
            [1, 2, 3, 4, 5], signup: ["2024-01-01", "2024-01-01", "2025-02-01", nil, "2024-06-01"],
            churned: [true, true, false, false, true], churnDate: ["2024-10-01", "2025-01-01", nil, nil, "2025-03-01"])
        let view = CRM.customersAsOf(c, asOf: Tables.day("2025-01-01"))
        #expect((0..<view.rowCount).map { view.column(named: "customer_id")!.value(at: $0) } == [1, 2, 4, 5].map(Value.int))
        #expect((0..<4).map { view.column(named: "churned")!.value(at: $0) } == [.bool(true), .bool(false), .bool(false), .bool(false)])
        #expect((0..<4).map { view.column(named: "churn_date")!.value(at: $0) } == [
            .date(Tables.day("2024-10-01")), .null, .null, .null,
        ])
    }

    /// `churned` stored as 0/1 in 8 bits (as loading keeps it): a later churn is reset in
    /// that form, with no 64-bit copy made.
    @Test func laterChurnIsUnknownInAnEightBitColumn() throws {
        let c = Tables.customers(
            [1, 2, 3], signup: ["2024-01-01", "2024-01-01", "2024-06-01"],
            churned: [true, true, false], churnDate: ["2024-10-01", "2025-03-01", nil])
        var columns = c.columns
        let k = c.schema.index(of: "churned")!
        columns[k] = Column.from([.int(1), .int(1), .null], type: .int).compacted()
        let stored = try #require(columns[k].smallInts)
        let schema = Schema(c.schema.fields.map { $0.name == "churned" ? Field("churned", .int) : $0 })
        let view = CRM.customersAsOf(Table(schema: schema, columns: columns, rowCount: 3), asOf: Tables.day("2025-01-01"))
        let churned = try #require(view.column(named: "churned"))
        #expect((0..<3).map { churned.value(at: $0) } == [.int(1), .int(0), .null])
        #expect(churned.smallInts != nil)
        #expect(!stored.isWidened)
    }

    /// On a table of more rows than a core takes alone, the rows kept and the churns reset are
    /// those a row-by-row reading gives, in order.
    @Test func theViewOfALongTableIsThatOfEachRow() throws {
        let n = Parallel.minimumRows * 2 + 7
        let signups = (0..<n).map { i -> String? in i % 7 == 0 ? nil : (i % 5 == 0 ? "2025-02-01" : "2024-01-01") }
        let churnDates = (0..<n).map { i -> String? in i % 3 == 0 ? (i % 2 == 0 ? "2025-03-01" : "2024-10-01") : nil }
        let c = Tables.customers(
            (0..<n).map { Int64($0) }, signup: signups, churned: (0..<n).map { $0 % 3 == 0 }, churnDate: churnDates)
        let view = CRM.customersAsOf(c, asOf: Tables.day("2025-01-01"))
        let kept = (0..<n).filter { signups[$0] != "2025-02-01" }
        #expect((0..<view.rowCount).map { view.column(named: "customer_id")!.value(at: $0) } == kept.map { .int(Int64($0)) })
        let churned = view.column(named: "churned")!, dates = view.column(named: "churn_date")!
        let before = kept.map { churnDates[$0] == "2024-10-01" }
        #expect((0..<view.rowCount).map { churned.value(at: $0) } == before.map { .bool($0) })
        #expect((0..<view.rowCount).map { dates.value(at: $0) } == before.map { $0 ? .date(Tables.day("2024-10-01")) : .null })
    }

    @Test func nothingChangesKeepsTheTable() throws {
        let c = Tables.customers([1, 2], signup: ["2024-01-01", "2024-02-01"], churned: [true, false],
                                 churnDate: ["2024-05-01", nil])
        let view = CRM.customersAsOf(c, asOf: Tables.day("2025-01-01"))
        guard case .int(let a) = c.columns[0].values, case .int(let b) = view.columns[0].values else {
            Issue.record("ids are ints")
            return
        }
        #expect(a.withUnsafeBufferPointer { $0.baseAddress } == b.withUnsafeBufferPointer { $0.baseAddress })
        #expect(CRM.customersAsOf(c, asOf: nil).rowCount == 2)
    }

    /// A churn date in a null slot after asof is not a churn: the view keeps the table as it is.
    @Test func aNullChurnDateSlotChangesNothing() throws {
        let c = Tables.customers([1, 2], signup: ["2024-01-01", "2024-02-01"], churned: [true, false],
                                 churnDate: ["2024-05-01", nil])
        var columns = c.columns
        let d = c.schema.index(of: "churn_date")!
        guard case .date(var slots) = columns[d].values else { Issue.record("dates"); return }
        slots[1] = Tables.day("2030-01-01")
        columns[d] = Column(.date(slots), validity: columns[d].validity)
        let view = CRM.customersAsOf(Table(schema: c.schema, columns: columns, rowCount: 2), asOf: Tables.day("2025-01-01"))
        #expect(view.column(named: "churned")!.value(at: 0) == .bool(true))
        #expect(view.column(named: "churn_date")!.value(at: 1) == .null)
    }

    /// The view of customers before a later signup is a new table; the latest churn date it
    /// needs is that of the stored column, so the memo of column statistics never holds the
    /// view's temporary `churn_date` (each `set asof` used to add a 10M-row one until eight
    /// pushed out the stored columns' statistics).
    @Test func theAsOfViewRemembersOnlyTheStoredChurnDates() throws {
        let c = Tables.customers([1, 2, 3], signup: ["2024-01-01", "2024-02-01", "2025-03-01"],
                                 churned: [true, false, true], churnDate: ["2024-05-01", nil, "2025-06-01"])
        let view = CRM.customersAsOf(c, asOf: Tables.day("2025-01-01"))
        #expect(view.rowCount == 2)
        #expect(view.column(named: "churned")!.value(at: 0) == .bool(true))
        #expect(!ColumnStatistics.holds(try #require(view.column(named: "churn_date"))))
    }

    @Test func aChurnedCustomerIsNeverActionLoyal() throws {
        let c = Tables.customers([1, 2], churned: [false, true], churnDate: [nil, "2025-06-01"],
                                 intent: [7, 7], satisfaction: [9, 9], trust: [6, 6])
        let rows: [(Int64?, String?, Double?)] = (1...5).flatMap { m in [(1, "2025-0\(m)-01", 1), (2, "2025-0\(m)-01", 1)] }
        let inputs = Tables.inputs(c, Tables.transactions(rows), asof: "2025-07-01")
        #expect(try Tables.measure("loyalty_stage", inputs) == [.string("action"), .string("conative")])
        #expect(try Tables.measure("lifecycle_stage", inputs)[1] == .string("lost"))
    }

    @Test func clvUsesTheYearlyRetentionRate() throws {
        // A year before asof 2025-07-01: 1, 2, 3 and 5 were customers (4 signed up later, 5 had
        // left already, so not). Of 1, 2, 3: 2 churned in the year. r = 2/3.
        let c = Tables.customers(
            [1, 2, 3, 4, 5], signup: ["2023-01-01", "2023-01-01", "2024-07-01", "2025-01-01", "2023-01-01"],
            churned: [false, true, false, false, true], churnDate: [nil, "2025-01-01", nil, nil, "2024-01-01"])
        let rows: [(Int64?, String?, Double?)] = [(1, "2025-03-01", 100)]
        let inputs = Tables.inputs(c, Tables.transactions(rows), asof: "2025-07-01")
        let r = 2.0 / 3
        let clv = try Tables.measure("clv", inputs)
        guard case .double(let v) = clv[0] else { Issue.record("clv \(clv)"); return }
        #expect(abs(v - 0.3 * 100 * r / (1.1 - r)) < 1e-9)
        #expect(clv[1] == .double(0))
    }
}
