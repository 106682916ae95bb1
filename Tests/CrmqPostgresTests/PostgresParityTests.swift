import Foundation
import Testing
import CrmqSource
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqSQL
@testable import CrmqPostgres

/// The private server scripts/test starts (scripts/lib/postgres.sh); without it these tests
/// show as skipped.
let serverURL = ProcessInfo.processInfo.environment["CRMQ_TEST_POSTGRES_URL"]

/// The golden tests' tables, by name.
let goldenTables: [String: Table] = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("GoldenTests/data").path
    var out: [String: Table] = [:]
    for t in (try? CSVReader.read(folder: folder)) ?? [] { out[t.name] = t.table }
    return out
}()

/// A catalog of plain tables (no CRM computed columns).
struct TableCatalog: Catalog {
    var tables: [String: Table]
    func tableSchema(_ name: String) -> Schema? { tables[name]?.schema }
    var tableNames: [String] { tables.keys.sorted() }
    func scalarValue(_ name: String) -> Value? { nil }
    var scalarNames: [String] { [] }
    func settingType(_ name: String) -> DataType? { nil }
    var settingNames: [String] { [] }
}

/// A schema of its own on the private server holding the golden tables.
final class ParityDatabase: @unchecked Sendable {
    let client: PostgresClient
    let relations: [String: SQLRelation]

    init() throws {
        let schema = "crmq_parity_\(UInt32.random(in: 0...UInt32.max))"
        let setup = try PostgresClient.connect(PostgresEndpoint.parse(serverURL!))
        _ = try setup.rows(SQLStatement("CREATE SCHEMA \(PostgresDialect().quote(schema))"))
        var endpoint = try PostgresEndpoint.parse(serverURL!)
        endpoint.searchPath = [schema]
        client = try PostgresClient.connect(endpoint)
        for (name, table) in goldenTables { try client.upload(table, as: name) }
        var relations: [String: SQLRelation] = [:]
        for t in try client.remoteTables() { relations[t.name] = t.relation }
        self.relations = relations
    }
}

@Suite(.enabled(if: serverURL != nil, "needs the PostgreSQL server scripts/test starts (CRMQ_TEST_POSTGRES_URL)"), .serialized)
struct PostgresParityTests {
    static let database = Result { try ParityDatabase() }

    /// Checks `query` against the golden tables, runs it in memory and in PostgreSQL, and
    /// compares the rows, in order.
    func parity(_ query: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let db = try Self.database.get()
        let file = SourceFile(name: "q", text: query)
        let (script, diagnostics) = Parser.parse(file)
        try #require(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
        let catalog = TableCatalog(tables: goldenTables)
        guard case .query(let plan) = try Checker(catalog: catalog, file: file).check(script.statements[0]) else {
            Issue.record("not a query", sourceLocation: sourceLocation)
            return
        }
        let tables = goldenTables
        let expected = try Executor(tables: { tables[$0] }, cancellation: CancellationFlag()).execute(plan)
        let sql = try SQLCompiler.compile(plan, dialect: PostgresDialect()) { db.relations[$0] }
        let actual = try db.client.fetch(sql, schema: plan.schema)
        #expect(actual.schema == expected.schema, sourceLocation: sourceLocation)
        try #require(actual.rowCount == expected.rowCount, "\(query): \(actual.rowCount) rows, expected \(expected.rowCount)\n\(sql)", sourceLocation: sourceLocation)
        for c in 0..<expected.schema.count {
            for r in 0..<expected.rowCount {
                let a = actual.columns[c].value(at: r), e = expected.columns[c].value(at: r)
                if case .double(let x) = a, case .double(let y) = e {
                    #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(query): row \(r + 1), \(expected.schema[c].name): \(x) vs \(y)", sourceLocation: sourceLocation)
                } else {
                    #expect(a == e, "\(query): row \(r + 1), \(expected.schema[c].name): \(a) vs \(e)\n\(sql)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test(arguments: [
        "transactions",
        "customers | select customer_id, name, region",
        "transactions | where amount > 100 | select txn_id, amount",
        "transactions | where category == \"books\" or amount < 20",
        "transactions | sort -amount, txn_id",
        "transactions | sort category",
        "transactions | top 3 by amount",
        "transactions | take 4",
        "transactions | count by category",
        "transactions | count by customer_id, category",
        "transactions | summarize n = count(), total = sum(amount), mean = avg(amount), lo = min(amount), hi = max(amount) by category",
        "transactions | summarize m = median(amount), s = stddev(amount), p = percentile(amount, 0.9)",
        "transactions | summarize d = count_distinct(customer_id), first = min(date), last = max(date)",
        "customers | summarize c = corr(satisfaction, trust), v = covar(satisfaction, trust), vp = covar_pop(satisfaction, trust)",
        "transactions | join customers on customer_id | select txn_id, name, amount",
        "customers | join transactions on customer_id kind left | select customer_id, txn_id",
        "transactions | distinct category",
        "transactions | extend big = amount * 2 + 1, r = round(amount / 3, 1), d = amount / 0 | select txn_id, big, r, d",
        "transactions | extend y = year(date), m = month(date), q = quarter(date), w = weekday(date), t = date_trunc(\"month\", date) | select txn_id, y, m, q, w, t",
        "transactions | extend later = date + 30, gap = date - date(\"2024-01-01\") | select txn_id, later, gap",
        "customers | extend u = upper(name), l = length(name), s = substr(name, 2, 3), e = substr(name, -3) | select customer_id, u, l, s, e",
        "customers | extend has = contains(name, \"a\"), sw = starts_with(name, \"A\"), c = concat(name, \"/\", region) | select customer_id, has, sw, c",
        "customers | extend x = coalesce(churn_date, signup_date), lost = churn_date is null | select customer_id, x, lost",
        "customers | extend s = string(satisfaction), i = int(\"42\"), dd = double(\" 2.5 \") | select customer_id, s, i, dd",
        "customers | extend months = months_between(signup_date, date(\"2025-01-31\")), plus = add_months(signup_date, 1) | select customer_id, months, plus",
        // Every pair of purchase dates of a customer, and each moved to its month's last day
        // and by 17 days: forward and backward, shorter months, month ends on both sides.
        "transactions | join (transactions | select customer_id, d2 = date) on customer_id | extend e = add_days(add_months(date_trunc(\"month\", date), 1), -1), f = add_days(date, 17) | select a = months_between(date, d2), b = months_between(d2, date), c = months_between(e, d2), d = months_between(d2, e), g = months_between(f, d2), h = months_between(e, f)",
        "customers | where region in (\"North\", \"South\") | count",
        "customers | extend b = bin(satisfaction, 3), m = satisfaction % 4, g = greatest(trust, satisfaction) | select customer_id, b, m, g",
        "transactions | summarize total = sum(amount) by customer_id | sort -total | take 3",
    ])
    func sameRowsAsInMemory(query: String) throws {
        try parity(query)
    }

    /// Names and values that would change a statement if they were pasted into it.
    @Test func hostileNamesAndValuesStayData() throws {
        let db = try Self.database.get()
        let name = "x\"; DROP TABLE customers; --"
        let hostile = Table(
            schema: Schema([Field(name, .string), Field("it's", .int)]),
            columns: [
                Column.from([.string("'); DROP TABLE customers; --"), .string("$1"), .null], type: .string),
                Column.from([.int(1), .int(2), .int(3)], type: .int),
            ])
        try db.client.upload(hostile, as: "bad \"table\"")
        let rel = try #require(try db.client.remoteTables().first { $0.name == "bad \"table\"" })
        #expect(rel.schema.names == [name, "it's"])
        let sql = try SQLCompiler.compile(
            Plan(.scan(table: "bad \"table\""), schema: rel.schema), dialect: PostgresDialect()) { _ in rel.relation }
        let back = try db.client.fetch(sql, schema: rel.schema)
        #expect(back.columns[0].value(at: 0) == .string("'); DROP TABLE customers; --"))
        #expect(back.columns[0].value(at: 1) == .string("$1"))
        #expect(try db.client.remoteTables().contains { $0.name == "customers" })
    }

    /// COPY's text format: every type, nulls, and text with its escapes (tab, newline,
    /// backslash, `\N`) comes back as it went, in the order of the row numbers (not of
    /// ctid: a short row fills a gap an earlier page left); Ctrl-C stops an upload and
    /// leaves no table behind.
    /// Row i's double in the copied table: nulls, both infinities, and full-precision values.
    static func copiedDouble(_ i: Int) -> Value {
        if i % 7 == 0 { return .null }
        if i == 1 { return .double(.infinity) }
        if i == 2 { return .double(-.infinity) }
        return .double(Double(i) / 3 - 1e6)
    }

    @Test func uploadsCopyEveryValueAndStopWhenCancelled() throws {
        let db = try Self.database.get()
        let n = 60_000
        let texts = ["a\tb", "line\nnext", "back\\slash", "\\N", "", "日本", "cr\rx"]
        let table = Table(
            schema: Schema([Field("i", .int), Field("x", .double), Field("s", .string), Field("d", .date), Field("b", .bool)]),
            columns: [
                Column.from((0..<n).map { $0 % 9 == 0 ? .null : .int(Int64($0) * 1_000_003 - 7) }, type: .int),
                Column.from((0..<n).map(Self.copiedDouble), type: .double),
                Column.from((0..<n).map { $0 % 11 == 0 ? .null : .string(texts[$0 % texts.count]) }, type: .string),
                Column.from((0..<n).map { $0 % 5 == 0 ? .null : .date(Int32($0 % 900_000) - 800_000) }, type: .date),
                Column.from((0..<n).map { $0 % 4 == 0 ? .null : .bool($0 % 3 == 0) }, type: .bool),
            ])
        try db.client.upload(table, as: "copied", replace: true, rowNumbers: "n")
        let back = try db.client.fetch(SQLStatement("SELECT i, x, s, d, b FROM copied ORDER BY n"), schema: table.schema)
        #expect(back.rowCount == n)
        for c in 0..<5 {
            let first = (0..<n).first { back.columns[c].value(at: $0) != table.columns[c].value(at: $0) }
            #expect(first == nil, "column \(table.schema[c].name), row \(first ?? -1): \(first.map { back.columns[c].value(at: $0) } ?? .null) for \(first.map { table.columns[c].value(at: $0) } ?? .null)")
        }
        let flag = CancellationFlag()
        flag.cancel()
        #expect(throws: ConnectionError.cancelled) {
            try db.client.upload(table, as: "cancelled", replace: true, cancellation: flag)
        }
        #expect(try !db.client.remoteTables().contains { $0.name == "cancelled" || $0.name.hasPrefix("crmq_copy_") })
    }
}

@Suite(.enabled(if: serverURL != nil, "needs the PostgreSQL server scripts/test starts (CRMQ_TEST_POSTGRES_URL)"))
struct PostgresConnectionTests {
    /// A connection the server ended (an administrator, a restart) fails the next statement
    /// at once with `.lost`; it must not wait forever.
    @Test func aConnectionTheServerEndedFailsTheNextStatement() throws {
        let client = try PostgresClient.connect(PostgresEndpoint.parse(serverURL!))
        let other = try PostgresClient.connect(PostgresEndpoint.parse(serverURL!))
        _ = try other.rows(SQLStatement("SELECT pg_terminate_backend(\(client.backendPID))"))
        let started = Date()
        #expect {
            _ = try client.rows(SQLStatement("SELECT 1"))
        } throws: { error in
            guard let e = error as? ConnectionError, case .lost = e else { return false }
            return true
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
