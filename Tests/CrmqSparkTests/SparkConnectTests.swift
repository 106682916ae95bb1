import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
@testable import CrmqSpark

/// Spark Connect addresses as Spark's clients write them.
@Suite struct SparkConnectURLTests {
    @Test func hostPortAndParameters() throws {
        let u = try SparkConnectURL(parsing: "sc://spark.example.com:443/;token=abc%3D;user_id=ana;x-extra=1")
        #expect(u.host == "spark.example.com" && u.port == 443)
        #expect(u.token == "abc=" && u.useSSL && u.userID == "ana")
        #expect(u.metadata.map(\.key) == ["x-extra"])
        #expect(u.shown == "sc://spark.example.com:443 (TLS)")
        let d = try SparkConnectURL(parsing: "sc://localhost")
        #expect(d.port == 15002 && !d.useSSL && d.token == nil)
        #expect(try SparkConnectURL(parsing: "sc://[::1]:15003").host == "::1")
        #expect(try SparkConnectURL(parsing: "sc://h/;use_ssl=true").useSSL)
    }

    @Test(arguments: [
        ("http://h:1", "starts with sc://"), ("sc://", "no host"), ("sc://h:0", "port"), ("sc://h:x", "port"),
        ("sc://h/;token", "no value"), ("sc://h/;use_ssl=maybe", "true or false"),
        ("sc://h/;token=t;use_ssl=false", "only over TLS"), ("sc://[::1", "closing"),
    ])
    func badAddressesSayWhatIsWrong(_ text: String, _ expected: String) {
        #expect(throws: SparkConnectURL.Problem.self) { try SparkConnectURL(parsing: text) }
        do { _ = try SparkConnectURL(parsing: text) } catch {
            #expect(error.message.contains(expected), "\(text): \(error.message)")
        }
    }
}

/// A real Spark Connect server (scripts/lib/spark.sh, started by scripts/test): queries run
/// as ExecutePlan with a SQL relation and come back as Arrow batches.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"] != nil,
                "needs a Spark Connect server: CRMQ_TEST_SPARK_URL (scripts/test starts one)"),
       .serialized)
struct SparkConnectServerTests {
    static func client() throws -> SparkConnectClient {
        try SparkConnectClient(try SparkConnectURL(parsing: ProcessInfo.processInfo.environment["CRMQ_TEST_SPARK_URL"]!))
    }

    @Test func aQueryComesBackAsATable() throws {
        let t = try Self.client().query("""
            SELECT id AS n, CAST(id * 1.5 AS DOUBLE) AS x, concat('c', CAST(id AS STRING)) AS s,
              date_add(DATE '2024-01-01', CAST(id AS INT)) AS d, id % 2 = 0 AS even,
              CASE WHEN id = 2 THEN NULL ELSE id END AS maybe
            FROM range(0, 5) ORDER BY id
            """, cancellation: CancellationFlag())
        #expect(t.rowCount == 5)
        #expect(t.schema.names == ["n", "x", "s", "d", "even", "maybe"])
        #expect(t.column(named: "n")!.value(at: 4) == .int(4))
        #expect(t.column(named: "x")!.value(at: 3) == .double(4.5))
        #expect(t.column(named: "s")!.value(at: 1) == .string("c1"))
        #expect(t.column(named: "d")!.value(at: 2) == .date(CivilDate.parse("2024-01-03")!.days))
        #expect(t.column(named: "even")!.value(at: 0) == .bool(true))
        #expect(t.column(named: "maybe")!.value(at: 2) == .null)
    }

    @Test func manyBatchesAndAnEmptyResult() throws {
        let c = try Self.client()
        let big = try c.query("SELECT id FROM range(0, 300000)", cancellation: CancellationFlag())
        #expect(big.rowCount == 300_000)
        let none = try c.query("SELECT id FROM range(0, 10) WHERE id > 100", cancellation: CancellationFlag())
        #expect(none.rowCount == 0 && none.schema.names == ["id"])
    }

    @Test func aServerErrorIsItsMessage() throws {
        let c = try Self.client()
        do {
            _ = try c.query("SELECT no_such_column FROM range(1)", cancellation: CancellationFlag())
            Issue.record("the query ran")
        } catch {
            #expect(error.message.contains("no_such_column"), "\(error.message)")
        }
    }

    @Test func cancellingInterruptsTheOperation() throws {
        let c = try Self.client()
        let flag = CancellationFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { flag.cancel() }
        let started = Date()
        do {
            _ = try c.query("SELECT count(*) FROM range(0, 100000000000) a", cancellation: flag)
            Issue.record("a query of 10^11 rows finished")
        } catch {
            #expect(error.cancelled)
        }
        #expect(Date().timeIntervalSince(started) < 60)
        // The session still answers.
        #expect(try c.query("SELECT 1 AS one", cancellation: CancellationFlag()).rowCount == 1)
    }

    @Test func anUnreachableServerSaysSo() throws {
        let c = try SparkConnectClient(try SparkConnectURL(parsing: "sc://127.0.0.1:1"))
        do {
            _ = try c.query("SELECT 1", cancellation: CancellationFlag())
            Issue.record("port 1 answered")
        } catch {
            #expect(error.message.contains("127.0.0.1:1"), "\(error.message)")
        }
    }
}
