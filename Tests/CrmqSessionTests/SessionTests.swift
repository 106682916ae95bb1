import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
import CrmqSession

/// A session with one small table, and helpers to run text and collect outcomes.
struct Fixture {
    let session = Session()

    init() {
        session.register(Table(schema: Schema([Field("id", .int), Field("region", .string)]), columns: [
            Column.from([.int(1), .int(2), .int(3)], type: .int),
            Column.from([.string("North"), .string("South"), .null], type: .string),
        ]), as: "people")
    }

    /// Runs text; returns the outcomes and whether everything ran.
    @discardableResult
    func run(_ text: String) -> (outcomes: [Outcome], ok: Bool) {
        var outcomes: [Outcome] = []
        let ok = session.run(text, name: "test") { outcomes.append($0.outcome) }
        return (outcomes, ok)
    }

    func errors(_ text: String) -> [String] {
        run(text).outcomes.flatMap { o -> [String] in
            if case .diagnostics(let ds) = o { return ds.map(\.message) }
            return []
        }
    }

    func table(_ text: String) -> Table? {
        for o in run(text).outcomes { if case .table(let t) = o { return t } }
        return nil
    }
}

@Suite struct SessionTests {
    @Test func letBindsTablesAndScalars() {
        let f = Fixture()
        #expect(f.run("let north = people | where region == \"North\"").ok)
        #expect(f.table("north | count")?.columns[0].value(at: 0) == .int(1))
        #expect(f.run("let two = 2").ok)
        #expect(f.table("people | where id >= two | count")?.columns[0].value(at: 0) == .int(2))
        // Rebinding a name as a scalar removes the table of that name.
        #expect(f.run("let north = 7").ok)
        #expect(f.session.tables["north"] == nil)
        #expect(f.session.scalars["north"] == .int(7))
    }

    /// The parser's limits keep the checker's and executor's recursion shallow: the
    /// deepest expression and longest pipeline allowed run; longer ones are errors, not
    /// stack overflows.
    @Test func deepExpressionsAndLongPipelinesAreBoundedNotCrashes() {
        let f = Fixture()
        let deepest = Array(repeating: "id", count: 200).joined(separator: " + ")
        #expect(f.table("people | extend s = \(deepest) | select s")?.columns[0].value(at: 2) == .int(600))
        #expect(f.table("people" + String(repeating: " | where true", count: 499) + " | count")?
            .columns[0].value(at: 0) == .int(3))
        let tooDeep = Array(repeating: "1", count: 5000).joined(separator: "+")
        #expect(f.errors(tooDeep).first?.hasPrefix("expression too deep: more than 200 levels") == true)
        #expect(f.errors("people" + String(repeating: " | where true", count: 2000)).first?
            .hasPrefix("a query may have at most 500 stages") == true)
    }

    @Test func aScriptStopsAtTheFirstError() {
        let f = Fixture()
        let r = f.run("let a = 1\npeople | where nope > 1\nlet b = 2")
        #expect(!r.ok)
        #expect(f.session.scalars["a"] == .int(1))
        #expect(f.session.scalars["b"] == nil)
    }

    @Test func syntaxErrorsStopEverythingBeforeItRuns() {
        let f = Fixture()
        let r = f.run("let a = 1\npeople | wher x")
        #expect(!r.ok)
        #expect(f.session.scalars["a"] == nil)
    }

    @Test func settingsAreCheckedAndListed() {
        let f = Fixture()
        #expect(f.run("set max_rows = 5").ok)
        #expect(f.session.settings["max_rows"] == .int(5))
        #expect(f.errors("set max_rows = -1") == ["max_rows must be 0 or more"])
        #expect(f.session.settings["max_rows"] == .int(5))
        #expect(f.errors("set max_row = 1").first?.contains("max_row") == true)
        #expect(f.table("set")?.rowCount == Settings.specs.count)
    }

    @Test func quitStopsTheRestOfTheScript() {
        let f = Fixture()
        let r = f.run("let a = 1\n.quit\nlet b = 2")
        #expect(r.ok)
        #expect(f.session.quitRequested)
        #expect(f.session.scalars["b"] == nil)
    }

    @Test func readRunsAScriptInTheSessionAndStopsAtItsError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let good = dir.appendingPathComponent("good.crmq"), bad = dir.appendingPathComponent("bad.crmq")
        try "let from_script = 42\n".write(to: good, atomically: true, encoding: .utf8)
        try "let x = 1\npeople | where nope\nlet y = 2\n".write(to: bad, atomically: true, encoding: .utf8)
        let f = Fixture()
        #expect(f.run(".read \(good.path)").ok)
        #expect(f.session.scalars["from_script"] == .int(42))
        let r = f.run(".read \(bad.path)\nlet after = 1")
        #expect(!r.ok)
        #expect(f.session.scalars["x"] == .int(1))
        #expect(f.session.scalars["y"] == nil)
        #expect(f.session.scalars["after"] == nil)
    }

    @Test func aScriptThatReadsItselfIsStopped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let loop = dir.appendingPathComponent("loop.crmq")
        try ".read \(loop.path)\n".write(to: loop, atomically: true, encoding: .utf8)
        let f = Fixture()
        #expect(f.errors(".read \(loop.path)").contains { $0.contains("nested more than 16 deep") })
    }

    @Test func loadIsAllOrNothingAndSaveRoundTrips() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let f = Fixture()
        let out = dir.appendingPathComponent("people.json").path
        #expect(f.run("save people to \"\(out)\"").ok)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("\"region\": null"))
        let csv = dir.appendingPathComponent("p.csv").path
        #expect(f.run("save (people | where id > 1) to \"\(csv)\"; load \"\(csv)\" as again").ok)
        #expect(f.session.tables["again"]?.rowCount == 2)
        try "a,b\n1,2\n3\n".write(toFile: dir.appendingPathComponent("broken.csv").path, atomically: true, encoding: .utf8)
        #expect(!f.run("load \"\(dir.path)\"").ok)
        #expect(f.session.tables["p"] == nil)
    }

    @Test func cancellationStopsTheRunningStatement() {
        let f = Fixture()
        let n = 3_000_000
        f.session.register(Table(schema: Schema([Field("k", .int)]), columns: [
            Column(.int((0..<n).map { Int64($0 % 1000) }))
        ]), as: "big")
        let session = f.session
        let canceller = Thread { Thread.sleep(forTimeInterval: 0.01); session.cancellation.cancel() }
        canceller.start()
        var messages: [String] = []
        // Enough work that the flag is seen mid-way: a self-join of three million rows.
        for _ in 0..<50 {
            messages = f.errors("big | join big on k | count")
            if !messages.isEmpty { break }
            session.cancellation.cancel()
        }
        #expect(messages == ["cancelled"])
    }
}

@Suite struct MeasureCacheTests {
    /// A display setting keeps the computed columns; a CRM setting recomputes them.
    @Test func onlyCRMSettingsRecomputeMeasures() {
        let s = Session()
        s.register(Table(schema: Schema([Field("customer_id", .int), Field("signup_date", .date)]), columns: [
            Column.from([.int(1)], type: .int), Column.from([.date(CivilDate(year: 2025, month: 1, day: 1).days)], type: .date),
        ]), as: "customers")
        s.register(Table(schema: Schema([Field("customer_id", .int), Field("date", .date), Field("amount", .double)]), columns: [
            Column.from([.int(1)], type: .int), Column.from([.date(CivilDate(year: 2025, month: 3, day: 1).days)], type: .date),
            Column.from([.double(10)], type: .double),
        ]), as: "transactions")
        func recency() -> Value? {
            var v: Value?
            s.run("customers | select recency", name: "q") { if case .table(let t) = $0.outcome { v = t.columns[0].value(at: 0) } }
            return v
        }
        #expect(recency() == .int(1))
        #expect(s.run("set max_rows = 5", name: "q") { _ in })
        #expect(recency() == .int(1))
        #expect(s.run("set asof = \"2025-03-11\"", name: "q") { _ in })
        #expect(recency() == .int(10))
    }
}
