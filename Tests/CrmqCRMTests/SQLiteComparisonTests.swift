import Foundation
import Testing
import CrmqSemantics
import CrmqEngine
import CrmqLoading
@testable import CrmqCRM

/// Every computed customer column on the golden fixtures (24 customers, 60 transactions),
/// checked row by row against the same rules written independently in SQL and run by
/// sqlite3 on the same CSV files.
@Suite(.enabled(if: SQLite.available, "needs the sqlite3 command (scripts/lib/setup.sh installs it)"))
struct SQLiteComparisonTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("GoldenTests/data")

    static let columns = [
        "customer_id", "recency", "frequency", "monetary", "spend_12m", "share_of_wallet", "tenure_days",
        "lifecycle_stage", "loyalty_stage", "nps_group", "clv", "clp", "satisfaction_gap",
    ]

    /// The rules of docs/crm.md in SQL. `p` holds the settings; `asof` null means the day
    /// after the last transaction. `c` is customers as of asof: those signed up by then, with
    /// a churn dated on or after asof not yet happened.
    static func sql(_ s: [String: Value]) -> String {
        func lit(_ name: String) -> String {
            switch s[name] ?? CRM.settings.first(where: { $0.name == name })!.defaultValue {
            case .null: "NULL"
            case .int(let v): String(v)
            case .double(let v): String(v)
            case .date(let d): "'\(CivilDate(days: d))'"
            default: "NULL"
            }
        }
        return """
            CREATE TABLE c_raw(customer_id, name, signup_date, region, channel, expectation, perceived_quality,
              satisfaction, trust, perceived_value, switching_cost, repurchase_intent, price_tolerance,
              cross_buy_intent, recommend, category_spend, churned, churn_date);
            .import --csv --skip 1 "\(data.path)/customers.csv" c_raw
            CREATE TABLE t_raw(txn_id, customer_id, date, amount, category);
            .import --csv --skip 1 "\(data.path)/transactions.csv" t_raw
            CREATE TABLE i_raw(customer_id, date, kind, resolved);
            .import --csv --skip 1 "\(data.path)/interactions.csv" i_raw
            CREATE TABLE p AS SELECT
              coalesce(\(lit("asof")), (SELECT date(max(date), '+1 day') FROM t_raw WHERE date <> '')) AS asof,
              \(lit("decline_days")) AS decline_days, \(lit("identification_days")) AS identification_days,
              \(lit("stability_days")) AS stability_days, \(lit("stability_purchases")) AS stability_purchases,
              \(lit("conative_intent")) AS conative_intent, \(lit("affective_satisfaction")) AS affective_satisfaction,
              \(lit("affective_trust")) AS affective_trust, \(lit("action_purchases")) AS action_purchases,
              \(lit("margin")) AS margin, \(lit("discount_rate")) AS discount_rate,
              \(lit("cost_per_contact")) AS cost_per_contact, \(lit("marketing_cost")) AS marketing_cost;
            CREATE TABLE c AS SELECT
              CAST(customer_id AS INTEGER) AS id, nullif(signup_date, '') AS signup,
              CAST(nullif(expectation, '') AS INTEGER) AS expectation,
              CAST(nullif(perceived_quality, '') AS INTEGER) AS quality,
              CAST(nullif(satisfaction, '') AS INTEGER) AS sat, CAST(nullif(trust, '') AS INTEGER) AS trust,
              CAST(nullif(repurchase_intent, '') AS INTEGER) AS intent,
              CAST(nullif(recommend, '') AS INTEGER) AS recommend,
              CAST(nullif(category_spend, '') AS REAL) AS category_spend,
              CASE WHEN churn_date <> '' AND churn_date >= p.asof THEN 0
                ELSE CAST(nullif(churned, '') AS INTEGER) END AS churned,
              CASE WHEN churn_date <> '' AND churn_date < p.asof THEN churn_date END AS churn_date
            FROM c_raw, p WHERE signup_date = '' OR signup_date <= p.asof;
            CREATE TABLE t AS SELECT CAST(customer_id AS INTEGER) AS cid, date AS d,
              CAST(nullif(amount, '') AS REAL) AS amt
            FROM t_raw, p WHERE date <> '' AND date < p.asof;
            CREATE TABLE s AS SELECT c.*,
              (SELECT max(d) FROM t WHERE cid = c.id) AS last,
              (SELECT count(*) FROM t WHERE cid = c.id) AS freq,
              (SELECT coalesce(sum(amt), 0.0) FROM t WHERE cid = c.id) AS mon,
              (SELECT coalesce(sum(amt), 0.0) FROM t, p WHERE cid = c.id AND d >= date(p.asof, '-365 days')) AS s12,
              (SELECT count(*) FROM t, p WHERE cid = c.id AND d >= date(p.asof, '-365 days')) AS n12,
              (SELECT count(*) FROM i_raw WHERE CAST(customer_id AS INTEGER) = c.id AND date <> ''
                AND date < p.asof) AS contacts,
              (churned = 1 AND (churn_date IS NULL OR churn_date < p.asof)) AS gone,
              CASE WHEN signup <= p.asof THEN CAST(julianday(p.asof) - julianday(signup) AS INTEGER) END AS tenure
            FROM c, p;
            CREATE TABLE r AS SELECT 1 - avg(churned * 1.0) AS rate FROM s, p
              WHERE churned IS NOT NULL AND (signup IS NULL OR signup <= date(p.asof, '-12 months'))
                AND NOT (churn_date IS NOT NULL AND churn_date < date(p.asof, '-12 months'));
            .mode csv
            .headers off
            SELECT id,
              CAST(julianday(p.asof) - julianday(last) AS INTEGER),
              freq, printf('%!.17g', mon), printf('%!.17g', s12),
              CASE WHEN category_spend > 0 THEN printf('%!.17g', s12 / category_spend) END,
              tenure,
              CASE WHEN gone THEN 'lost'
                WHEN coalesce(julianday(p.asof) - julianday(last), tenure) IS NULL THEN NULL
                WHEN coalesce(julianday(p.asof) - julianday(last), tenure) > decline_days THEN 'decline'
                WHEN tenure < identification_days OR freq <= 1 THEN 'identification'
                WHEN tenure >= stability_days AND n12 >= stability_purchases THEN 'stability'
                ELSE 'development' END,
              CASE WHEN intent IS NULL AND sat IS NULL AND trust IS NULL THEN NULL
                WHEN intent >= conative_intent AND n12 >= action_purchases AND NOT gone THEN 'action'
                WHEN intent >= conative_intent THEN 'conative'
                WHEN sat >= affective_satisfaction OR trust >= affective_trust THEN 'affective'
                ELSE 'cognitive' END,
              CASE WHEN recommend BETWEEN 9 AND 10 THEN 'promoter' WHEN recommend BETWEEN 7 AND 8 THEN 'passive'
                WHEN recommend BETWEEN 0 AND 6 THEN 'detractor' END,
              CASE WHEN r.rate IS NOT NULL THEN printf('%!.17g', margin * s12 * (CASE WHEN gone THEN 0.0 ELSE r.rate END)
                / (1 + discount_rate - (CASE WHEN gone THEN 0.0 ELSE r.rate END))) END,
              CASE WHEN tenure IS NOT NULL THEN printf('%!.17g',
                margin * mon - cost_per_contact * contacts - marketing_cost * tenure / 365.0) END,
              quality - expectation
            FROM s, p, r ORDER BY id;
            """
    }


    /// crmq's rows, computed through the CRM layer on the same files.
    static func crmq(_ settings: [String: Value]) throws -> [[Value]] {
        let stored = try CSVReader.read(file: data.appendingPathComponent("customers.csv").path)
        let transactions = try CSVReader.read(file: data.appendingPathComponent("transactions.csv").path)
        let interactions = try CSVReader.read(file: data.appendingPathComponent("interactions.csv").path)
        // What the session queries: customers as of asof.
        let customers = CRM.customersAsOf(stored, asOf: CRM.asOf(settings: settings, transactions: transactions))
        let inputs = CRMInputs(
            customers: customers, transactions: transactions, interactions: interactions, settings: settings,
            cancellation: CancellationFlag())
        var cols: [Column] = [customers.column(named: "customer_id")!]
        for name in columns.dropFirst() {
            let measure = try #require(CustomerMeasures.all.first { $0.name == name }, "no measure \(name)")
            let column = try measure.compute(inputs)
            #expect(column.type == measure.type || column.type == .null, "\(name) has type \(column.type)")
            cols.append(column)
        }
        return (0..<customers.rowCount).map { i in cols.map { $0.value(at: i) } }
    }

    static func agree(_ v: Value, _ text: String) -> Bool {
        switch v {
        case .null: return text.isEmpty
        case .int(let n): return String(n) == text
        case .string(let s): return s == text
        case .double(let d):
            guard let e = Double(text) else { return false }
            return abs(d - e) <= 1e-9 * max(1, abs(e))
        default: return false
        }
    }

    static let configurations: [(String, [String: Value])] = [
        ("defaults: asof the day after the last transaction", [:]),
        ("asof 2025-03-01", ["asof": .date(CivilDate(year: 2025, month: 3, day: 1).days)]),
        ("asof 2025-01-01, low thresholds (stability and action reachable)", [
            "asof": .date(CivilDate(year: 2025, month: 1, day: 1).days), "stability_purchases": .int(2),
            "stability_days": .int(400), "action_purchases": .int(3), "decline_days": .int(120),
            "identification_days": .int(30), "conative_intent": .int(7), "affective_satisfaction": .int(8),
            "affective_trust": .int(6), "margin": .double(0.5), "discount_rate": .double(0.2),
        ]),
        ("asof 2025-01-04: a purchase exactly 365 days before, one the day before",
            ["asof": .date(CivilDate(year: 2025, month: 1, day: 4).days)]),
        ("asof before the first purchase and most signups", ["asof": .date(CivilDate(year: 2023, month: 6, day: 1).days)]),
        ("asof 2024-03-01: about half the customers signed up, some churn still to come",
            ["asof": .date(CivilDate(year: 2024, month: 3, day: 1).days), "cost_per_contact": .double(12.5),
             "marketing_cost": .double(0)]),
    ]

    @Test("every measure agrees with SQLite on every row", arguments: 0..<configurations.count)
    func agreesWithSQLite(_ k: Int) throws {
        let (label, settings) = Self.configurations[k]
        let expected = try SQLite.run(Self.sql(settings))
        let actual = try Self.crmq(settings)
        try #require(expected.count == actual.count, "\(label): \(expected.count) rows from sqlite3, \(actual.count) from crmq")
        var stages: Set<String> = []
        for (row, fields) in zip(actual, expected) {
            try #require(fields.count == Self.columns.count, "\(label): sqlite3 row \(fields)")
            for (j, name) in Self.columns.enumerated() {
                #expect(Self.agree(row[j], fields[j]),
                    "\(label): customer \(fields[0]) \(name): crmq \(row[j]), sqlite3 '\(fields[j])'")
            }
            stages.insert(fields[7])
            stages.insert(fields[8])
        }
        if k == 2 {
            // The comparison must reach every stage somewhere.
            for s in ["identification", "development", "stability", "decline", "lost", "cognitive", "affective", "conative",
                      "action"] {
                #expect(stages.contains(s), "no customer in \(s)")
            }
        }
    }
}
