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
/// prints in memory; then the whole golden corpus, with the exceptions GoldenExceptions.spark
/// lists and reasons.
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
                OPTIONS (path '\(path.replacingOccurrences(of: "'", with: "\\'"))', header 'true', escape '"')
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
        // Functions whose Spark spelling differs from PostgreSQL's (SparkDialect.scalar).
        "customers | extend t = trim(concat(\" \t\", name, \"\\n \")), l = length(t), i = int(satisfaction / 3.0), n = int(-2.7) | select customer_id, t, l, i, n",
        "transactions | extend a = ln(amount), b = log10(amount), c = exp(1.0), p = power(amount, 0.5), q = power(-8.0, 1.0 / 3) | select txn_id, a, b, c, p, q",
        "customers | extend has = contains(name, \"an\"), none = contains(name, \"\"), sw = starts_with(name, \"S\"), ew = ends_with(name, \"son\") | select customer_id, has, none, sw, ew",
        "customers | summarize c = corr(satisfaction, trust), k = corr(1, satisfaction), v = covar(satisfaction, trust), vp = covar_pop(satisfaction, trust) by region",
        "customers | window c = corr(satisfaction, trust) by channel | select customer_id, channel, c",
        "transactions | summarize m = median(amount), p = percentile(amount, 0.9), s = stddev(amount), d = count_distinct(customer_id) by category",
        "customers | extend b = bin(satisfaction, 3), m = satisfaction % 4, f = satisfaction % 2.5, g = greatest(trust, satisfaction), s = substr(name, -3, 2) | select customer_id, b, m, f, g, s",
        "customers | extend months = months_between(signup_date, date(\"2025-01-31\")), plus = add_months(signup_date, 1), w = weekday(signup_date), q = date_trunc(\"quarter\", signup_date), wk = date_trunc(\"week\", signup_date), y = date_trunc(\"year\", signup_date), m = date_trunc(\"month\", signup_date) | select customer_id, months, plus, w, q, wk, y, m",
    ])
    func printsWhatItPrintsInMemory(_ query: String) throws {
        let url = try Self.database.get()
        let on = GoldenPostgresTests.run(query, url: url, connector: SparkDatabase.connector)
        let here = Self.inMemory(query)
        #expect(on == here, "on Spark:\n\(on)\nin memory:\n\(here)")
    }

    @Test func theCorpusPrintsTheSameOnSpark() throws {
        let url = try Self.database.get()
        try GoldenPostgresTests.runCorpus(on: "Spark", exceptions: GoldenExceptions.spark, minimum: 150) {
            GoldenPostgresTests.run($0, url: url, connector: SparkDatabase.connector)
        }
    }
}
