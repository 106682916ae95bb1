import Foundation
import Testing
import CrmqEngine
import CrmqSession
import CrmqRendering
import CrmqSQL
import CrmqSpark

/// The private Spark Connect server scripts/test starts (scripts/lib/spark.sh).
private let sparkURL = ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"]

/// Queries of the language run in a session connected to Spark, over the golden tables made
/// on the server from the golden CSV files with crmq's column types: each must print what it
/// prints in memory. (The whole golden corpus on Spark, with its exceptions, is not done yet.)
@Suite(.enabled(if: sparkURL != nil, "needs the Spark Connect server scripts/test starts (CRMQ_TEST_SPARK_URL)"),
       .serialized)
struct SparkSessionTests {
    /// The golden tables as tables of the server's default database (the server is the
    /// test run's own), read from the golden CSV files with crmq's column types.
    static let database: Result<String, any Error> = Result {
        let url = try SparkConnectURL(parsing: sparkURL!)
        let client = try SparkConnectClient(url)
        let d = SparkDialect()
        let flag = CancellationFlag()
        for t in GoldenTests.fixtures {
            let columns = t.table.schema.fields.map { "\(d.quote($0.name)) \(d.typeName($0.type))" }.joined(separator: ", ")
            let path = GoldenTests.dataFolder.appendingPathComponent(t.name + ".csv").path
            _ = try client.query("DROP TABLE IF EXISTS \(d.quote(t.name))", cancellation: flag)
            _ = try client.query("""
                CREATE TABLE \(d.quote(t.name)) (\(columns)) USING csv
                OPTIONS (path '\(path.replacingOccurrences(of: "'", with: "\\'"))', header 'true')
                """, cancellation: flag)
        }
        return sparkURL!
    }

    static func inMemory(_ input: String) -> String {
        let session = Session()
        for t in GoldenTests.fixtures { session.register(t.table, as: t.name) }
        var out = ""
        let presenter = Presenter { text, _ in out += text }
        session.run(input, name: "query") { presenter.present($0, settings: session.settings) }
        return GoldenFile.trimmed(out.components(separatedBy: "\n")).joined(separator: "\n")
    }

    @Test(arguments: [
        "customers | count by region",
        "transactions | summarize total = sum(amount), n = count() by category | sort category",
        "customers | where satisfaction >= 7 and region == \"North\" | select customer_id, name, satisfaction",
        "customers | top 3 by category_spend | select customer_id, category_spend",
        "transactions | where date >= date(\"2024-06-01\") | summarize first = min(date), last = max(date)",
        "customers | join (transactions | summarize spend = sum(amount) by customer_id) on customer_id | top 5 by spend | select customer_id, spend",
        "customers | extend band = if(satisfaction >= 8, \"high\", \"low\") | count by band",
        "transactions | summarize avg_amount = round(avg(amount), 2) by year = year(date)",
    ])
    func printsWhatItPrintsInMemory(_ query: String) throws {
        let url = try Self.database.get()
        let on = GoldenPostgresTests.run(query, url: url, connector: SparkDatabase.connector)
        let here = Self.inMemory(query)
        #expect(on == here, "on Spark:\n\(on)\nin memory:\n\(here)")
    }
}
