import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
import CrmqCRM
import CrmqSession

/// The CRM aggregates (churn_rate, retention_rate, their period forms, nps, repeat_rate and
/// rfm over a period), asked through the session as a user asks them, against the rules
/// written independently in SQL and run by sqlite3 on the same CSV files. Generated data,
/// three as-of dates: before most customers signed up, in the middle, and late.
@Suite(.enabled(if: SQLite.available, "needs the sqlite3 command (scripts/lib/setup.sh installs it)"))
struct AggregateSQLTests {
    static let query = """
        customers | summarize n = count(), churn = churn_rate(), retention = retention_rate(), \
        r12 = retention_rate(months = 12), c6 = churn_rate(months = 6), rfrom = retention_rate(from = date("2023-01-15")), \
        nps = nps(recommend), repeat = repeat_rate() by region
        """

    /// The same numbers in SQL: `c` is customers as of the date (signed up by then; a churn
    /// dated on or after it not yet happened), `f` each customer's purchases before it.
    static func sql(folder: String, asof: String) -> String {
        /// A double in full precision, null as an empty field.
        func g(_ x: String) -> String { "CASE WHEN (\(x)) IS NOT NULL THEN printf('%!.17g', \(x)) END" }
        return """
        CREATE TABLE c_raw(customer_id, name, signup_date, region, channel, expectation, perceived_quality,
          satisfaction, trust, perceived_value, switching_cost, repurchase_intent, price_tolerance,
          cross_buy_intent, recommend, category_spend, churned, churn_date);
        .import --csv --skip 1 "\(folder)/customers.csv" c_raw
        CREATE TABLE t_raw(txn_id, order_id, customer_id, date, amount, category);
        .import --csv --skip 1 "\(folder)/transactions.csv" t_raw
        CREATE TABLE c AS SELECT CAST(customer_id AS INTEGER) AS id, nullif(region, '') AS region,
          nullif(signup_date, '') AS signup, CAST(nullif(recommend, '') AS INTEGER) AS recommend,
          CASE WHEN churn_date <> '' AND churn_date >= '\(asof)' THEN 0 ELSE CAST(nullif(churned, '') AS INTEGER) END AS churned,
          CASE WHEN churn_date <> '' AND churn_date < '\(asof)' THEN churn_date END AS churn_date
        FROM c_raw WHERE signup_date = '' OR signup_date <= '\(asof)';
        CREATE TABLE f AS SELECT c.id, (SELECT count(*) FROM t_raw WHERE CAST(t_raw.customer_id AS INTEGER) = c.id
          AND t_raw.date <> '' AND t_raw.date < '\(asof)') AS freq FROM c;
        .mode csv
        .headers off
        SELECT region, count(*),
          \(g("avg(churned * 1.0)")), \(g("1 - avg(churned * 1.0)")),
          \(g("1 - avg(CASE WHEN churned IS NOT NULL AND (signup IS NULL OR signup <= date('\(asof)', '-12 months')) AND NOT coalesce(churn_date < date('\(asof)', '-12 months'), 0) THEN churned * 1.0 END)")),
          \(g("avg(CASE WHEN churned IS NOT NULL AND (signup IS NULL OR signup <= date('\(asof)', '-6 months')) AND NOT coalesce(churn_date < date('\(asof)', '-6 months'), 0) THEN churned * 1.0 END)")),
          \(g("1 - avg(CASE WHEN churned IS NOT NULL AND (signup IS NULL OR signup <= '2023-01-15') AND NOT coalesce(churn_date < '2023-01-15', 0) THEN churned * 1.0 END)")),
          \(g("100.0 * (avg(CASE WHEN recommend IS NOT NULL THEN (recommend >= 9) * 1.0 END) - avg(CASE WHEN recommend IS NOT NULL THEN (recommend <= 6) * 1.0 END))")),
          \(g("avg(CASE WHEN freq >= 1 THEN (freq >= 2) * 1.0 END)"))
        FROM c JOIN f USING (id) GROUP BY region ORDER BY region IS NULL, region;
        SELECT \(g("avg((n >= 2) * 1.0)")), count(*) FROM (SELECT customer_id, count(*) AS n FROM t_raw
          WHERE customer_id <> '' AND date >= '2024-01-01' AND date < '\(asof)' GROUP BY customer_id);
        """
    }

    static func table(_ session: Session, _ text: String) throws -> Table {
        var table: Table?
        var problems: [String] = []
        _ = session.run(text, name: "test") { result in
            switch result.outcome {
            case .table(let t): table = t
            default: problems.append("\(result.outcome)")
            }
        }
        return try #require(table, "\(text): \(problems)")
    }

    @Test(arguments: ["2023-04-01", "2024-03-01", "2025-06-15"])
    func aggregatesAgreeWithSQLite(asof: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-aggregates-\(asof)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try DatasetGenerator(customers: 2000, seed: 11).generate().write(to: folder.path)
        let session = Session()
        _ = try session.loadFolder(folder.path)
        session.settings["asof"] = .date(CivilDate.parse(asof)!.days)

        let expected = try SQLite.run(Self.sql(folder: folder.path, asof: asof))
        let ours = try Self.table(session, Self.query)
        let groups = expected.count - 1
        try #require(groups >= 3 && ours.rowCount == groups, "as of \(asof): \(ours.rowCount) groups, sqlite3 \(groups)")
        for row in 0..<groups {
            for j in 0..<ours.schema.count {
                let value = ours.columns[j].value(at: row)
                #expect(SQLiteComparisonTests.agree(value, expected[row][j]),
                        "as of \(asof), \(expected[row][0]): \(ours.schema[j].name) crmq \(value), sqlite3 '\(expected[row][j])'")
            }
        }
        // Repeat purchases over a period: rfm of the purchases from 2024-01-01 to the as-of date.
        let period = try Self.table(
            session, "rfm(transactions, from = date(\"2024-01-01\")) | summarize repeat = repeat_rate(), buyers = count()")
        let last = expected[groups]
        #expect(SQLiteComparisonTests.agree(period.columns[0].value(at: 0), last[0]), "as of \(asof): repeat over the period \(period.columns[0].value(at: 0)), sqlite3 \(last[0])")
        #expect(SQLiteComparisonTests.agree(period.columns[1].value(at: 0), last[1]), "as of \(asof): buyers \(period.columns[1].value(at: 0)), sqlite3 \(last[1])")
    }
}

