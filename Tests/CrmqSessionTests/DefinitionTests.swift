import Foundation
import Testing
import CrmqSource
import CrmqSyntax
import CrmqEngine
import CrmqSemantics
import CrmqCRM
@testable import CrmqSession

/// The definitions of the computed customer columns (CustomerDefinitions, plain plans over
/// the stored tables) and the in-memory engine's fast passes give the same rows: every column,
/// every row, on generated data of several seeds and at several
/// as-of dates, and on the golden fixtures (missing values, refunds, churn without a date).
/// Sums of doubles may differ in their last bits, as the two add in different orders (the
/// engine's sum is not a plain left-to-right loop); everything else is equal exactly.
@Suite struct DefinitionTests {
    /// `customers` with every computed column, run both ways.
    static func bothWays(_ session: Session) throws -> (fast: Table, plain: Table) {
        let file = SourceFile(name: "test", text: "customers")
        let statement = Parser.parse(file).script.statements[0]
        guard case .query(let plan) = try Checker(catalog: session, file: file).check(statement) else {
            throw CancellationError()
        }
        let expanded = try session.expanded(plan)
        let runs = session.memory.fastDefinitionRuns
        let fast = try session.backend.run(expanded)
        #expect(session.memory.fastDefinitionRuns == runs + 1, "the in-memory engine took its fast path")
        let tables = session.tables
        let plain = try Executor(
            tables: { tables[$0] }, cancellation: CancellationFlag(),
            tableFunctions: CRM.Runner(settings: session.settings.all, tables: tables)).execute(expanded)
        return (fast, plain)
    }

    static func expectSame(_ a: Table, _ b: Table, _ label: String) {
        #expect(a.schema == b.schema, "\(label): schema")
        #expect(a.rowCount == b.rowCount, "\(label): rows")
        guard a.schema == b.schema, a.rowCount == b.rowCount else { return }
        for (j, field) in a.schema.fields.enumerated() {
            var differing = 0
            var first = ""
            for i in 0..<a.rowCount {
                let x = a.columns[j].value(at: i), y = b.columns[j].value(at: i)
                if x != y, !Self.close(x, y) {
                    if differing == 0 { first = "row \(i): fast \(x), plain \(y)" }
                    differing += 1
                }
            }
            #expect(differing == 0, "\(label): \(field.name) differs in \(differing) rows, first \(first)")
        }
    }

    /// Two doubles equal up to the rounding of a sum's order.
    static func close(_ x: Value, _ y: Value) -> Bool {
        guard case .double(let a) = x, case .double(let b) = y else { return false }
        return abs(a - b) <= 1e-9 * max(1, abs(a))
    }

    static func dates(_ texts: [String]) -> [Value] {
        texts.map { Value.date(CivilDate.parse($0)!.days) }
    }

    @Test(arguments: [7, 42, 2024] as [UInt64])
    func generatedData(seed: UInt64) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-definitions-\(seed)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try DatasetGenerator(customers: 1500, seed: seed).generate().write(to: folder.path)
        let session = Session()
        _ = try session.loadFolder(folder.path)
        // The default as-of date, and dates before most signups, in the middle, and late.
        for asof in [.null] + Self.dates(["2022-03-01", "2023-07-15", "2024-12-31", "2025-06-30"]) {
            session.settings["asof"] = asof
            let (fast, plain) = try Self.bothWays(session)
            #expect(fast.schema.count > 25)
            Self.expectSame(fast, plain, "seed \(seed), asof \(asof)")
        }
        // Other thresholds and costs.
        session.settings["asof"] = .null
        session.settings["action_purchases"] = .int(2)
        session.settings["decline_days"] = .int(60)
        session.settings["margin"] = .double(0.45)
        session.settings["cost_per_contact"] = .double(12.5)
        let (fast, plain) = try Self.bothWays(session)
        Self.expectSame(fast, plain, "seed \(seed), other settings")
    }

    @Test func goldenFixtures() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        let session = Session()
        for name in ["customers", "transactions", "interactions"] {
            _ = session.run("load \"\(data.path)/\(name).csv\"", name: "test") { _ in }
        }
        for asof in [.null] + Self.dates(["2023-01-01", "2024-06-01", "2025-01-01"]) {
            session.settings["asof"] = asof
            let (fast, plain) = try Self.bothWays(session)
            Self.expectSame(fast, plain, "fixtures, asof \(asof)")
        }
    }

    static func expandedPlan(_ session: Session, _ text: String) throws -> Plan {
        let file = SourceFile(name: "test", text: text)
        let statement = Parser.parse(file).script.statements[0]
        guard case .query(let plan) = try Checker(catalog: session, file: file).check(statement) else {
            throw CancellationError()
        }
        return try session.expanded(plan)
    }

    /// Plans are values: the same query gives equal plans wherever its text stands, and the
    /// settings a definition uses are part of the plan.
    @Test func plansAreValuesWithTheSettingsInThem() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        let session = Session()
        _ = try session.loadFolder(data.path)
        let a = try Self.expandedPlan(session, "customers | where clv > 100 | select customer_id")
        let b = try Self.expandedPlan(session, "   customers   |   where clv > 100\n  | select customer_id")
        #expect(a == b)
        #expect(a != (try Self.expandedPlan(session, "customers | where clv > 101 | select customer_id")))
        session.settings["margin"] = .double(0.5)
        let c = try Self.expandedPlan(session, "customers | where clv > 100 | select customer_id")
        #expect(a != c)
        #expect(c.description.contains("0.5 * spend_12m"))
        // With asof set, transactions are read up to the day before it.
        #expect(!(try Self.expandedPlan(session, "transactions | count")).description.contains("where date <"))
        session.settings["asof"] = Self.dates(["2025-01-01"])[0]
        #expect((try Self.expandedPlan(session, "transactions | count")).description.contains("where date is null or date < date(\"2025-01-01\")"))
        // A date after the last transaction needs no filter on transactions.
        session.settings["asof"] = Self.dates(["2030-01-01"])[0]
        #expect(!(try Self.expandedPlan(session, "transactions | count")).description.contains("where"))
        #expect((try Self.expandedPlan(session, "interactions | count")).description.contains("where date is null or"))
    }

    /// The session's backend is reached through the protocol alone: run a plan, cancel it.
    @Test func theBackendRunsAndCancels() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        let session = Session()
        _ = try session.loadFolder(data.path)
        let plan = try Self.expandedPlan(session, "customers | select customer_id, clv")
        let backend: any Backend = session.backend
        #expect(try backend.run(plan).rowCount == 24)
        #expect(try backend.evaluate(BoundExpr(.literal(.int(7)), type: .int, range: .at(0))) == .int(7))
        backend.cancel()
        #expect(throws: EngineError.self) { try backend.run(plan) }
        session.cancellation.reset()
        #expect(try backend.run(plan).rowCount == 24)
    }

    /// Input columns of types the rules cannot use give null columns both ways, not errors.
    @Test func inputsOfOtherTypes() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        let session = Session()
        _ = try session.loadFolder(data.path)
        _ = session.run("""
            let customers = customers
              | select customer_id, name, signup_date = string(signup_date), region, channel,
                  expectation = double(expectation), perceived_quality, satisfaction, trust = string(trust),
                  repurchase_intent, recommend = string(recommend), category_spend = string(category_spend),
                  churned = string(churned), churn_date
            """, name: "test") { _ in }
        #expect(session.tables["customers"]?.schema.fields.first { $0.name == "churned" }?.type == .string)
        let (fast, plain) = try Self.bothWays(session)
        Self.expectSame(fast, plain, "other types")
        for name in ["tenure_days", "share_of_wallet", "nps_group", "satisfaction_gap", "clv"] {
            #expect(fast.column(named: name)?.nullCount == fast.rowCount, "\(name) is null")
        }
    }
}

/// rfm, cohorts and customers(asof = ...) as plain plans (CRM.definingTableFunctions, what a SQL
/// backend runs) give the rows of the in-memory passes: every column, every row.
@Suite struct TableFunctionDefinitionTests {
    static func bothWays(_ session: Session, _ query: String) throws -> (fast: Table, plain: Table) {
        let plan = try DefinitionTests.expandedPlan(session, query)
        let fast = try session.backend.run(plan)
        let defined = try CRM.definingTableFunctions(plan, stored: session.tables.mapValues(\.schema), settings: session.settings.all)
        #expect(defined != plan, "\(query): a definition took the function's place")
        let tables = session.tables
        let plain = try Executor(
            tables: { tables[$0] }, cancellation: CancellationFlag(),
            tableFunctions: CRM.Runner(settings: session.settings.all, tables: tables)).execute(defined)
        return (fast, plain)
    }

    /// A session on a generated dataset (its files in a temporary folder, removed once loaded),
    /// with `recent` (the transactions `recent` keeps) and `named` (the transactions with a
    /// string customer key `who`, `day` and `spend`).
    static func generatedSession(customers: Int, seed: UInt64, recent: String) throws -> Session {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-tf-definitions-\(seed)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try DatasetGenerator(customers: customers, seed: seed).generate().write(to: folder.path)
        let session = Session()
        _ = try session.loadFolder(folder.path)
        _ = session.run("let recent = transactions | where \(recent)", name: "t") { _ in }
        _ = session.run(#"let named = transactions | extend who = concat("c", string(customer_id)) | select who, day = date, spend = amount"#, name: "t") { _ in }
        return session
    }

    @Test(arguments: [3, 99] as [UInt64])
    func rfmAndCustomersAtADate(seed: UInt64) throws {
        let session = try Self.generatedSession(customers: 1200, seed: seed, recent: #"date >= date("2024-06-01") and amount > 20"#)
        let queries = [
            "rfm(transactions)",
            #"rfm(transactions, asof = date("2024-09-15"))"#,
            #"rfm(transactions, from = date("2024-01-01"))"#,
            "rfm(recent)",
            "rfm(named, customer = who, date = day, amount = spend)",
            #"customers(asof = date("2024-03-01"))"#,
            "cohorts(transactions)",
            #"cohorts(transactions, asof = date("2024-10-10"))"#,
            "cohorts(named, customer = who, date = day)",
        ]
        for asof in [.null] + DefinitionTests.dates(["2025-02-01"]) {
            session.settings["asof"] = asof
            for query in queries {
                let (fast, plain) = try Self.bothWays(session, query)
                #expect(fast.rowCount > 10, "\(query)")
                DefinitionTests.expectSame(fast, plain, "seed \(seed), asof \(asof): \(query)")
            }
        }
    }
}

/// The buy-till-you-die models over the per-customer summary a database computes
/// (PurchaseSummaryDefinition) give what they give over the transactions in memory.
@Suite struct PurchaseSummaryDefinitionTests {
    @Test func theModelsFitTheSameOnTheSummary() throws {
        let session = try TableFunctionDefinitionTests.generatedSession(customers: 1500, seed: 11, recent: #"date >= date("2023-06-01")"#)
        let queries = [
            "bgnbd_fit(transactions)",
            #"bgnbd(transactions, period = "day")"#,
            #"gamma_gamma(transactions, asof = date("2024-09-15"))"#,
            "gamma_gamma_fit(recent)",
            "clv_model(named, customer = who, date = day, amount = spend, months = 12)",
            "bgnbd(named, customer = who, date = day)",
        ]
        for asof in [.null] + DefinitionTests.dates(["2025-02-01"]) {
            session.settings["asof"] = asof
            for query in queries {
                let (fast, plain) = try TableFunctionDefinitionTests.bothWays(session, query)
                #expect(fast.rowCount >= 1, "\(query)")
                Self.expectClose(fast, plain, "asof \(asof): \(query)")
            }
        }
        // The curve counts purchase days over time: it keeps the transactions.
        let curve = try DefinitionTests.expandedPlan(session, "expected_purchases_curve(transactions)")
        #expect(try CRM.definingTableFunctions(curve, stored: session.tables.mapValues(\.schema), settings: session.settings.all) == curve)
    }

    /// Equal up to 1e-6 relative: the summary sums a customer's amounts in another order, and
    /// a fit's optimum moves by far more than a rounding (its tolerance is about 1e-8).
    static func expectClose(_ a: Table, _ b: Table, _ label: String) {
        #expect(a.schema == b.schema, "\(label): schema")
        #expect(a.rowCount == b.rowCount, "\(label): rows")
        guard a.schema == b.schema, a.rowCount == b.rowCount else { return }
        for (j, field) in a.schema.fields.enumerated() {
            let differing = (0..<a.rowCount).filter { i in
                let x = a.columns[j].value(at: i), y = b.columns[j].value(at: i)
                if case .double(let p) = x, case .double(let q) = y { return abs(p - q) > 1e-6 * max(1, abs(p)) }
                return x != y
            }
            #expect(differing.isEmpty, "\(label): \(field.name) differs in \(differing.count) rows")
        }
    }
}
