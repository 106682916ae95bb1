import Foundation
import Testing

/// The private PostgreSQL server scripts/test starts (scripts/lib/postgres.sh).
private let testServerURL = ProcessInfo.processInfo.environment["CRMQ_TEST_POSTGRES_URL"]

/// `connect` against the test server; without it these tests show as skipped.
@Suite(
    .enabled(if: testServerURL != nil, "needs the PostgreSQL server scripts/test starts (CRMQ_TEST_POSTGRES_URL)"),
    .serialized)
struct PostgresEndToEndTests {
    static let url = testServerURL

    /// A schema of its own with a small table `sales` and a table `big` of 3,000 rows with
    /// one key, so that joining it with itself twice makes 27 billion rows (a query that
    /// runs until cancelled). Returns the URL whose search path is that schema, tagged with
    /// an application name of its own.
    static func database(_ tag: String) throws -> (url: String, schema: String) {
        let schema = "crmq_e2e_\(tag)_\(UInt32.random(in: 0...UInt32.max))"
        try psql("""
            CREATE SCHEMA \(schema);
            CREATE TABLE \(schema).sales (id bigint, region text, amount numeric, day date);
            INSERT INTO \(schema).sales VALUES (1, 'North', 10.5, '2024-01-02'), (2, 'South', 20, '2024-02-03'),
              (3, 'North', 4.5, '2024-03-04');
            CREATE TABLE \(schema).big AS SELECT g AS id, 1 AS k FROM generate_series(1, 3000) AS g;
            """)
        return (url! + "&search_path=\(schema)&application_name=\(schema)", schema)
    }

    /// Runs SQL with psql on the test server.
    @discardableResult
    static func psql(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url!, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "psql failed on \(sql)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func queriesRunInTheDatabaseAndDisconnectReturnsToMemory() throws {
        let (url, _) = try Self.database("query")
        let r = try Binary.run(
            ["--connect", url, "--data", InteractiveShellTests.small, "-c",
             ".tables; sales | summarize total = sum(amount) by region; explain sql sales | where amount > 5 | select id; disconnect; customers | count"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("big") && r.stdout.contains("sales"), "\(r.stdout)")
        #expect(r.stdout.contains("North    15.0") && r.stdout.contains("South    20.0"), "\(r.stdout)")
        // explain prints to standard error, as other messages.
        #expect(r.stderr.contains("WHERE (t2.c2 > ($1::int8)::float8)"), "\(r.stderr)")
        #expect(r.stderr.contains("-- $1 = 5"), "\(r.stderr)")
        #expect(r.stderr.contains("disconnected"), "\(r.stderr)")
    }

    @Test func aWrongPasswordIsRefusedWithoutShowingIt() throws {
        let bad = Self.url!.replacingOccurrences(
            of: #"//crmq:[^@]*@"#, with: "//crmq:not-the-password@", options: .regularExpression)
        let r = try Binary.run(["--no-data", "-c", "connect \"\(bad)\""])
        #expect(r.status == 1)
        #expect(r.stderr.contains("refused the login: password authentication failed"), "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "not-the-password").count == 2, "the password may only appear in the echoed statement: \(r.stderr)")
        let flag = try Binary.run(["--connect", bad])
        #expect(flag.status == 1)
        #expect(flag.stderr.contains("refused the login") && !flag.stderr.contains("not-the-password"), "\(flag.stderr)")
    }

    @Test func ctrlCStopsAQueryOnTheServerAndTheShellGoesOn() throws {
        let (url, schema) = try Self.database("cancel")
        let shell = try InteractiveShellTests.Shell()
        let connected = try shell.run("connect \"\(url)\"")
        #expect(connected.contains("connected to"), "\(connected)")
        shell.terminal.sendLine("big | join big on k | join big on k | count")
        // Until the server runs it.
        let deadline = Date().addingTimeInterval(30)
        while try Self.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(schema)' AND state = 'active'")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0", Date() < deadline
        {
            usleep(20_000)
        }
        let sent = Date()
        shell.terminal.send(PseudoTerminal.ctrlC)
        try shell.terminal.expect("error: cancelled", timeout: 15)
        let took = Date().timeIntervalSince(sent)
        #expect(took < 0.5, "cancelling took \(took) s")
        try shell.terminal.expect("\n" + InteractiveShellTests.prompt)
        let after = try shell.run("sales | count")
        #expect(after.contains("3") && !after.contains("error"), "\(after)")
        #expect(try shell.quit() == 0)
    }

    @Test func aLostConnectionIsAnErrorAndTheShellGoesOn() throws {
        let (url, schema) = try Self.database("lost")
        let shell = try InteractiveShellTests.Shell()
        _ = try shell.run("connect \"\(url)\"")
        try Self.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(schema)'")
        let out = try shell.run("sales | count")
        #expect(out.contains("the connection to PostgreSQL was lost"), "\(out)")
        let back = try shell.run("customers | count")
        #expect(!back.contains("error"), "after the loss the tables in memory are back: \(back)")
        #expect(try shell.quit() == 0)
    }

    @Test func safeModeRefusesConnect() throws {
        let r = try Binary.run(["--safe", "--no-data", "-c", "connect \"\(Self.url!)\""])
        #expect(r.status == 1)
        #expect(r.stderr.contains("may not reach a database"), "\(r.stderr)")
    }
}
