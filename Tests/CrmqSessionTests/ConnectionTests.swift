import Foundation
import Synchronization
import Testing
import CrmqSemantics
import CrmqEngine
import CrmqSQL
@testable import CrmqSession

/// A database that answers from memory: the session's side of `connect` without a server
/// (the PostgreSQL client is tested against a real one in CrmqPostgresTests).
final class FakeDatabase: DatabaseClient, @unchecked Sendable {
    let statements = Mutex<[SQLStatement]>([])
    /// Like a read-only standby: no temporary tables.
    var readOnly = false
    var displayURL: String { "fake://db" }
    var serverDescription: String { "Fake 1.0" }
    var dialect: any SQLDialect { PostgresDialect() }
    func tables() throws(DatabaseError) -> [DatabaseTable] {
        [DatabaseTable(
            name: "orders", databaseSchema: "shop", schema: Schema([Field("order_id", .int), Field("total", .double)]),
            databaseTypes: ["bigint", "numeric"],
            relation: SQLRelation(qualifiedName: "\"shop\".\"orders\"", columns: ["order_id": "\"order_id\"", "total": "\"total\"::float8"]))]
    }
    func query(_ statement: SQLStatement, schema: Schema, cancellation: CancellationFlag) throws(DatabaseError) -> Table {
        statements.withLock { $0.append(statement) }
        return Table(schema: schema, columns: schema.fields.map { Column.from([], type: $0.type) }, rowCount: 0)
    }
    func uploadTemporary(_ table: Table, as name: String, cancellation: CancellationFlag) throws(DatabaseError) {}
    func storeTemporary(
        _ statement: SQLStatement, schema: Schema, as name: String, cancellation: CancellationFlag
    ) throws(DatabaseError) -> (rows: Int, table: DatabaseTable)? {
        statements.withLock { $0.append(statement) }
        if readOnly { return nil }
        var read: [String: String] = [:]
        for f in schema.fields { read[f.name] = "\"\(f.name)\"" }
        return (0, DatabaseTable(
            name: name, databaseSchema: "pg_temp", schema: schema, databaseTypes: schema.fields.map { _ in "text" },
            relation: SQLRelation(qualifiedName: "pg_temp.\"\(name)\"", columns: read)))
    }
    func close() {}
}

@Suite struct ConnectionTests {
    func session(_ fake: FakeDatabase) -> Session {
        let session = Session()
        session.connector = { _ in fake }
        return session
    }

    func run(_ session: Session, _ text: String) -> [StatementResult] {
        var results: [StatementResult] = []
        session.run(text, name: "t") { results.append($0) }
        return results
    }

    @Test func theDatabasesTablesAreTheSessionsWhileConnected() {
        let fake = FakeDatabase()
        let s = session(fake)
        s.register(Table(schema: Schema([Field("x", .int)]), columns: [Column.from([.int(1)], type: .int)]), as: "memory_only")
        _ = run(s, "connect \"postgres://x@y/z\"")
        #expect(s.tableNames == ["orders"])
        #expect(s.tableSchema("memory_only") == nil)
        #expect(s.completions(text: "ord", cursor: 3).candidates.contains("orders"))
        _ = run(s, "orders | where total > 10 | select order_id")
        let sql = fake.statements.withLock { $0.last }
        #expect(sql?.text.contains("FROM \"shop\".\"orders\"") == true)
        #expect(sql?.binds == [.int(10)] || sql?.binds == [.double(10)])
        // A let over the database's tables stays there, as a temporary table queries read.
        _ = run(s, "let big = orders | where total > 100")
        let stored = fake.statements.withLock { $0.last }
        #expect(stored?.text.contains("FROM \"shop\".\"orders\"") == true)
        #expect(s.tableNames.contains("big"))
        _ = run(s, "big | count")
        #expect(fake.statements.withLock { $0.last }?.text.contains("FROM pg_temp.\"crmq_let_big\"") == true)
        _ = run(s, "disconnect")
        #expect(s.tableNames == ["memory_only"])
    }

    /// A database without temporary tables (a read-only standby): a let keeps its rows in memory.
    @Test func aLetOnAReadOnlyDatabaseIsKeptInMemory() {
        let fake = FakeDatabase()
        fake.readOnly = true
        let s = session(fake)
        _ = run(s, "connect \"postgres://x@y/z\"")
        let results = run(s, "let big = orders | where total > 100")
        #expect(results.last.map { "\($0.outcome)" }?.contains("big: 0 rows") == true, "\(results)")
        #expect(s.tables["big"] != nil)
    }

    /// What the database cannot run is reported at the construct, not on the whole statement.
    @Test func aConstructTheDatabaseLacksIsShownWhereItIsWritten() {
        let s = session(FakeDatabase())
        _ = run(s, "connect \"postgres://x@y/z\"")
        let text = "orders | window m = median(total) sort order_id"
        guard case .diagnostics(let d)? = run(s, text).last?.outcome,
            case .source(_, let range)? = d.first?.location
        else {
            Issue.record("no located error")
            return
        }
        #expect(d.first?.message.contains("'median' over a window's group runs only in memory") == true, "\(d)")
        let start = text.utf8.index(text.utf8.startIndex, offsetBy: range.start)
        let end = text.utf8.index(text.utf8.startIndex, offsetBy: range.end)
        #expect(String(text[start..<end]) == "median(total)")
    }

    @Test func withoutAConnectorConnectSaysSo() {
        let s = Session()
        let results = run(s, "connect \"postgres://x@y/z\"")
        guard case .diagnostics(let d)? = results.last?.outcome else {
            Issue.record("no error: \(results)")
            return
        }
        #expect(d.first?.message.contains("cannot connect to databases") == true)
    }
}
