import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
import CrmqLoading
import CrmqSession
import CrmqRendering
import CrmqPostgres
import CrmqSQL
import CrmqSpark
import CrmqArrow

/// A large table made in the session (a model's scores, here a loaded file of 150,001 rows
/// with every type, nulls and awkward text) joined with a database's table: it is sent there
/// (COPY on PostgreSQL, Arrow local relations on Spark) and the queries print what they
/// print in memory. Before, such tables were sent as literal rows, at most 100,000.
@Suite
struct LocalTablesOnDatabasesTests {
    static let rows = 150_001
    static let texts = [
        "plain", "", "tab\there", "new\nline", #"back\slash"#, #"quote " and ' "#, "héllo 日本", "\\N", "a,b",
        String(repeating: "a long label ", count: 30),
    ]

    /// The local table, as CSV: customer_id, score (double), label, day, flag, with nulls.
    static func scoresCSV() -> String {
        var out = "customer_id,score,label,day,flag\n"
        for i in 1...rows {
            let score = i % 11 == 0 ? "" : String(Double(i) * 0.37 - 1000)
            let text = texts[i % texts.count]
            let label = i % 19 == 0 ? "" : "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let day = i % 13 == 0 ? "" : CivilDate(days: Int32(18_000 + i % 3_000)).description
            let flag = i % 17 == 0 ? "" : (i % 3 == 0 ? "true" : "false")
            out += "\(i),\(score),\(label),\(day),\(flag)\n"
        }
        return out
    }

    /// The database's table: every customer of the local table and five more, in 10 groups.
    static let ids = Table(
        schema: Schema([Field("customer_id", .int), Field("grp", .int)]),
        columns: [Column(.int((1...Int64(rows + 5)).map { $0 })), Column(.int((1...Int64(rows + 5)).map { $0 % 10 }))])

    static func queries(_ path: String) -> [String] {
        let load = "load \"\(path)\" as scores\n"
        return [
            load + "ids | join scores on customer_id | summarize n = count(), s = round(sum(score), 2), days = count(day), last = max(day), yes = count(flag), labels = count(label)",
            load + "ids | join scores on customer_id | count by grp, flag",
            load + "ids | join scores on customer_id | where customer_id % 9973 == 0 or customer_id < 12 | sort customer_id | select customer_id, score, label, day, flag",
            load + "scores | join ids on customer_id | take 3",
            // In the local table's order (rows of different widths: PostgreSQL's ctid order
            // is not the order COPY wrote them in).
            load + "scores | join ids on customer_id | where customer_id % 997 == 0 | select customer_id, label, grp",
            load + "ids | join scores on customer_id | summarize n = count() by label | sort label",
        ]
    }

    static func expectSame(on backend: String, url: String, connector: @escaping DatabaseConnector) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("scores.csv").path
        try scoresCSV().write(toFile: path, atomically: true, encoding: .utf8)
        DatabaseComparison.expectSame(
            queries(path), tables: [("ids", ids)], on: backend, url: url, connector: connector,
            works: { !$0.contains("error") && $0.contains("150,001 rows") })
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_TEST_POSTGRES_URL"] != nil, "needs CRMQ_TEST_POSTGRES_URL"))
    func onPostgreSQL() throws {
        try DatabaseComparison.withPostgresSchema(named: "crmq_local", holding: [("ids", Self.ids)]) { url in
            try Self.expectSame(on: "PostgreSQL", url: url, connector: PostgresClient.connector)
        }
    }
}

/// In SparkSessionTests, whose tests run one at a time (the table is made in the default
/// database the golden corpus reads, and dropped after).
extension SparkSessionTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"] != nil, "needs CRMQ_TEST_SPARK_URL"))
    func largeLocalTablesOnSpark() throws {
        let server = ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"]!
        let client = try SparkConnectClient(SparkConnectURL(parsing: server))
        defer { client.release() }
        let flag = CancellationFlag()
        _ = try client.query("DROP TABLE IF EXISTS ids", cancellation: flag)
        _ = try client.query(
            "CREATE TABLE ids USING parquet AS SELECT id AS customer_id, id % 10 AS grp FROM range(1, \(LocalTablesOnDatabasesTests.rows + 6))",
            cancellation: flag)
        defer { _ = try? client.query("DROP TABLE IF EXISTS ids", cancellation: flag) }
        try LocalTablesOnDatabasesTests.expectSame(on: "Spark", url: server, connector: SparkDatabase.connector)
    }

    /// A table larger than one request is sent in parts (here of 64 KiB), and the view over
    /// them reads the rows back in order.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"] != nil, "needs CRMQ_TEST_SPARK_URL"))
    func aTableSentInPartsKeepsItsRowsInOrder() throws {
        let server = ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"]!
        let database = try SparkDatabase(SparkConnectURL(parsing: server))
        defer { database.close() }
        database.uploadPartBytes = 64 << 10
        let n = 40_000
        let table = Table(
            schema: Schema([Field("k", .int), Field("s", .string), Field("d", .date)]),
            columns: [
                Column(.int((0..<n).map { Int64(($0 * 7919) % n) })),
                Column.from((0..<n).map { $0 % 5 == 0 ? .null : .string("row \($0)") }, type: .string),
                Column.from((0..<n).map { .date(Int32($0 % 20_000)) }, type: .date),
            ])
        #expect(ArrowWriter.parts(table, bytes: database.uploadPartBytes).count > 5)
        try database.uploadTemporary(table, as: "crmq_parts_test", cancellation: CancellationFlag())
        let d = SparkDialect()
        let statement = SQLStatement(
            "SELECT k, s, d FROM \(d.quote("crmq_parts_test")) ORDER BY \(d.storageOrder(table: "crmq_parts_test")!)")
        let back = try database.query(statement, schema: table.schema, cancellation: CancellationFlag())
        #expect(back.rowCount == n)
        for c in 0..<3 {
            #expect((0..<n).allSatisfy { back.columns[c].value(at: $0) == table.columns[c].value(at: $0) }, "column \(c)")
        }
    }
}
