import Foundation
import Testing
import CrmqEngine
import CrmqLoading
import CrmqSession
import CrmqRendering
import CrmqPostgres
import CrmqSQL
import CrmqSpark

/// The models over a database's transactions print what they print in memory: the
/// buy-till-you-die models fit on the per-customer summary the database computes
/// (PurchaseSummaryDefinition), k-means on rfm computed there. The transactions are the
/// simulated purchases of the golden files (files/purchases.csv: 2,072 rows), as the table
/// `purchases` of a schema (PostgreSQL) or the default database (Spark) made for the test.
@Suite
struct ModelsOnDatabasesTests {
    static let queries = [
        "bgnbd_fit(purchases)",
        "bgnbd(purchases, horizon = 26) | top 5 by expected_purchases | select customer_id, frequency, p_alive, expected_purchases",
        #"gamma_gamma_fit(purchases, asof = date("2024-10-01"))"#,
        "clv_model(purchases, months = 12) | top 5 by model_clv",
        "let s = bgnbd(purchases, period = \"day\")\ns | summarize customers = count(), alive = round(avg(p_alive), 6)",
        "expected_purchases_curve(purchases) | take 4",
        // The scores go back to the database, joined with its transactions.
        "let s = bgnbd(purchases, horizon = 26)\npurchases | join s on customer_id | summarize rows = count(), e = round(sum(expected_purchases), 3), alive = round(max(p_alive), 6)",
        "kmeans((rfm(purchases) | select customer_id, recency, frequency, monetary), columns = \"recency, frequency, monetary\", k = 3, seed = 1) | count by segment",
    ]

    static let purchases: Table = {
        let path = GoldenTests.dataFolder.appendingPathComponent("files/purchases.csv").path
        do {
            return try CSVReader.read(file: path)
        } catch {
            fatalError("cannot load \(path): \(error)")
        }
    }()

    static func expectSame(on backend: String, url: String, connector: @escaping DatabaseConnector) {
        DatabaseComparison.expectSame(
            queries, tables: [("purchases", purchases)], on: backend, url: url, connector: connector)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_TEST_POSTGRES_URL"] != nil, "needs CRMQ_TEST_POSTGRES_URL"))
    func onPostgreSQL() throws {
        try DatabaseComparison.withPostgresSchema(named: "crmq_models", holding: [("purchases", Self.purchases)]) { url in
            Self.expectSame(on: "PostgreSQL", url: url, connector: PostgresClient.connector)
        }
    }
}

/// In SparkSessionTests, whose tests run one at a time: the table is made in the default
/// database the golden corpus reads, and dropped before the corpus runs on.
extension SparkSessionTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"] != nil, "needs CRMQ_TEST_SPARK_URL"))
    func modelsOnSpark() throws {
        let server = ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"]!
        let client = try SparkConnectClient(SparkConnectURL(parsing: server))
        defer { client.release() }
        let d = SparkDialect()
        let flag = CancellationFlag()
        let path = GoldenTests.dataFolder.appendingPathComponent("files/purchases.csv").path
        let columns = ModelsOnDatabasesTests.purchases.schema.fields.map { "\(d.quote($0.name)) \(d.typeName($0.type))" }.joined(separator: ", ")
        _ = try client.query("DROP TABLE IF EXISTS purchases", cancellation: flag)
        _ = try client.query("""
            CREATE TABLE purchases (\(columns)) USING csv OPTIONS (path '\(path.replacingOccurrences(of: "'", with: "\\'"))', header 'true')
            """, cancellation: flag)
        // The golden corpus runs on the same database: it must not see this table.
        defer { _ = try? client.query("DROP TABLE IF EXISTS purchases", cancellation: flag) }
        ModelsOnDatabasesTests.expectSame(on: "Spark", url: server, connector: SparkDatabase.connector)
    }
}
