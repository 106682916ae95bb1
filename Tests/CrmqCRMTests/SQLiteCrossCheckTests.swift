import CrmqEngine
import CrmqLoading
import CrmqSemantics
import Foundation
import Testing
@testable import CrmqCRM

/// rfm and cohorts checked row by row against the same definitions written in SQL and run by
/// sqlite3 (NTILE window functions, as queries.sql q4/q5 use them), over the golden fixture
/// transactions and over a larger generated file full of ties.
@Suite(.serialized, .enabled(if: SQLite.available, "needs the sqlite3 command (scripts/lib/setup.sh installs it)"))
struct SQLiteCrossCheckTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../GoldenTests/data/transactions.csv").standardized.path

    @Test(arguments: ["2025-07-01", "2025-03-01", "2024-06-15"])
    func rfmOnTheGoldenFixture(asof: String) throws {
        try compareRFM(csv: Self.fixture, asof: asof)
    }

    @Test(arguments: ["2025-07-01", "2025-03-01"])
    func cohortsOnTheGoldenFixture(asof: String) throws {
        try compareCohorts(csv: Self.fixture, asof: asof)
    }

    @Test func generatedTransactionsWithTies() throws {
        let csv = try Generated.file()
        defer { try? FileManager.default.removeItem(atPath: csv) }
        try compareRFM(csv: csv, asof: "2025-01-01")
        try compareRFM(csv: csv, asof: "2024-03-17")
        try compareCohorts(csv: csv, asof: "2025-01-01")
    }

    // MARK: - The comparisons

    func compareRFM(csv: String, asof: String) throws {
        let ours = try run("rfm", csv: csv, asof: asof)
        let fm = "((f + m + 1) / 2)"
        let theirs = try SQLite.query(csv: csv, """
            WITH base AS (
                SELECT customer_id,
                       CAST(julianday('\(asof)') - julianday(max(date)) AS INTEGER) AS recency,
                       count(*) AS frequency,
                       round(coalesce(sum(amount), 0), 2) AS monetary
                FROM t
                WHERE date < '\(asof)' AND customer_id IS NOT NULL AND date IS NOT NULL
                GROUP BY customer_id),
            scored AS (
                SELECT *,
                       ntile(5) OVER (ORDER BY recency DESC, customer_id) AS r,
                       ntile(5) OVER (ORDER BY frequency, customer_id) AS f,
                       ntile(5) OVER (ORDER BY monetary, customer_id) AS m
                FROM base)
            SELECT customer_id, recency, frequency, monetary, r, f, m, r * 100 + f * 10 + m,
                   CASE WHEN r = 5 AND \(fm) >= 4 THEN 'Champions'
                        WHEN r IN (3, 4) AND \(fm) >= 4 THEN 'Loyal customers'
                        WHEN r IN (4, 5) AND \(fm) IN (2, 3) THEN 'Potential loyalists'
                        WHEN r = 5 AND \(fm) = 1 THEN 'New customers'
                        WHEN r = 4 AND \(fm) = 1 THEN 'Promising'
                        WHEN r = 3 AND \(fm) = 3 THEN 'Need attention'
                        WHEN r = 3 AND \(fm) <= 2 THEN 'About to sleep'
                        WHEN r <= 2 AND \(fm) = 5 THEN 'Cannot lose them'
                        WHEN r <= 2 AND \(fm) IN (3, 4) THEN 'At risk'
                        WHEN r = 1 AND \(fm) = 1 THEN 'Lost'
                        ELSE 'Hibernating' END
            FROM scored
            ORDER BY customer_id;
            """)
        try compare(ours, theirs, what: "rfm as of \(asof) over \(csv)")
    }

    func compareCohorts(csv: String, asof: String) throws {
        let ours = try run("cohorts", csv: csv, asof: asof)
        let theirs = try SQLite.query(csv: csv, """
            WITH v AS (
                SELECT customer_id,
                       CAST(strftime('%Y', date) AS INTEGER) * 12 + CAST(strftime('%m', date) AS INTEGER) - 1 AS m
                FROM t
                WHERE date < '\(asof)' AND customer_id IS NOT NULL AND date IS NOT NULL),
            firsts AS (SELECT customer_id, min(m) AS c FROM v GROUP BY customer_id),
            sizes AS (SELECT c, count(*) AS n FROM firsts GROUP BY c),
            act AS (
                SELECT f.c, v.m - f.c AS k, count(DISTINCT v.customer_id) AS active
                FROM v JOIN firsts f USING (customer_id)
                GROUP BY f.c, k)
            SELECT printf('%04d-%02d', act.c / 12, act.c % 12 + 1), k, n, active, CAST(active AS REAL) / n
            FROM act JOIN sizes USING (c)
            ORDER BY act.c, k;
            """)
        try compare(ours, theirs, what: "cohorts as of \(asof) over \(csv)")
    }

    func run(_ function: String, csv: String, asof: String) throws -> Table {
        let input = try CSVReader.read(file: csv)
        return try call(function, input, asof: day(asof))
    }

    func compare(_ ours: Table, _ theirs: [[String]], what: String) throws {
        #expect(ours.rowCount == theirs.count, "\(what): row count")
        #expect(ours.rowCount > 0, "\(what): some rows")
        var differences = 0
        for (i, row) in theirs.enumerated() where i < ours.rowCount && differences < 5 {
            let mine = ours.columns.map { $0.value(at: i) }
            for (value, text) in zip(mine, row) {
                let same: Bool
                switch value {
                case .double(let d): same = Double(text).map { abs($0 - d) <= 1e-9 * max(1, abs(d)) } ?? false
                default: same = value.exactText == text
                }
                if !same {
                    differences += 1
                    Issue.record("\(what): row \(i + 1) differs\n  crmq:   \(mine.map(\.exactText))\n  sqlite: \(row)")
                    break
                }
            }
        }
    }
}

/// A deterministic transactions file with many ties: 3,000 customers with sparse-ish ids,
/// 30,000 purchases over two years, amounts in whole cents from a small set, a few nulls.
enum Generated {
    static func file() throws -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let start = CivilDate(year: 2023, month: 1, day: 1).days
        var text = "txn_id,customer_id,date,amount,category\n"
        for i in 0..<30_000 {
            let customer = Int(next() % 3000) * 3 + 1
            let date = CivilDate(days: start + Int32(next() % 730))
            let amount = i % 997 == 0 ? "" : String(format: "%.2f", Double(next() % 40) * 2.5 + 0.99)
            text += "\(i + 1),\(customer),\(date),\(amount),x\n"
        }
        let path = NSTemporaryDirectory() + "crmq-rfm-\(UUID().uuidString).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
