import Foundation
import Testing
import CrmqEngine
import CrmqSession
import CrmqRendering
import CrmqPostgres
import CrmqSQL

/// Queries that must print on a database what they print in memory, and the PostgreSQL
/// schema such a comparison reads (ModelsOnDatabasesTests, LocalTablesOnDatabasesTests).
enum DatabaseComparison {
    /// What a session with `tables` in memory prints for `input`.
    static func inMemory(_ input: String, tables: [(name: String, table: Table)]) -> String {
        let session = Session()
        for t in tables { session.register(t.table, as: t.name) }
        var out = ""
        let presenter = Presenter { text, _ in out += text }
        session.run(input, name: "query") { presenter.present($0, settings: session.settings) }
        return GoldenFile.trimmed(out.components(separatedBy: "\n")).joined(separator: "\n")
    }

    /// Each query prints in a session connected to `url` what it prints with `tables` in
    /// memory; `works` says whether the in-memory output is a real answer.
    static func expectSame(
        _ queries: [String], tables: [(name: String, table: Table)], on backend: String, url: String,
        connector: @escaping DatabaseConnector, works: (String) -> Bool = { !$0.contains("error") }
    ) {
        for query in queries {
            let here = inMemory(query, tables: tables)
            #expect(works(here), "\(query) in memory:\n\(here)")
            let there = GoldenPostgresTests.run(query, url: url, connector: connector)
            #expect(there == here, "\(query) on \(backend):\n\(there)\nin memory:\n\(here)")
        }
    }

    /// Runs `body` with the URL of the test server (CRMQ_TEST_POSTGRES_URL) whose search path
    /// is a new schema holding `tables`; the schema is dropped after.
    static func withPostgresSchema(
        named prefix: String, holding tables: [(name: String, table: Table)], _ body: (String) throws -> Void
    ) throws {
        let server = ProcessInfo.processInfo.environment["CRMQ_TEST_POSTGRES_URL"]!
        let schema = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PostgresClient.connect(PostgresEndpoint.parse(server))
        defer { admin.close() }
        _ = try admin.rows(SQLStatement("CREATE SCHEMA \(PostgresDialect().quote(schema))"))
        defer { _ = try? admin.rows(SQLStatement("DROP SCHEMA \(PostgresDialect().quote(schema)) CASCADE")) }
        var endpoint = try PostgresEndpoint.parse(server)
        endpoint.searchPath = [schema]
        let client = try PostgresClient.connect(endpoint)
        for t in tables { try client.upload(t.table, as: t.name) }
        client.close()
        try body(server + "&search_path=\(schema)")
    }
}
