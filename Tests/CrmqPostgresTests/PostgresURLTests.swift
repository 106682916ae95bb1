import Foundation
import Testing
@testable import CrmqPostgres

@Suite struct PostgresURLTests {
    let env: [String: String] = [:]

    @Test func aFullURL() throws {
        let e = try PostgresEndpoint.parse(
            "postgres://ann:s%40cret@db.example.com:6543/crm?sslmode=require&search_path=sales,public", environment: env,
            loginName: "root")
        #expect(e.host == "db.example.com")
        #expect(e.socketFolder == nil)
        #expect(e.port == 6543)
        #expect(e.user == "ann")
        #expect(e.password == "s@cret")
        #expect(e.database == "crm")
        #expect(e.sslMode == .require)
        #expect(e.searchPath == ["sales", "public"])
        #expect(e.displayURL == "postgres://ann@db.example.com:6543/crm?sslmode=require&search_path=sales%2Cpublic")
    }

    @Test func defaultsAreThoseOfPsql() throws {
        let e = try PostgresEndpoint.parse("postgresql://", environment: env, loginName: "kim")
        #expect(e.host == nil)
        #expect(e.socketFolder == "/var/run/postgresql")
        #expect(e.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(e.user == "kim")
        #expect(e.database == "kim")
        #expect(e.sslMode == .prefer)
        #expect(e.password == nil)
    }

    @Test func environmentFillsWhatTheURLLeavesOut() throws {
        let e = try PostgresEndpoint.parse(
            "postgres:///shop",
            environment: ["PGHOST": "10.0.0.5", "PGPORT": "5433", "PGUSER": "lee", "PGPASSWORD": "pw", "PGSSLMODE": "disable"],
            loginName: "root")
        #expect(e.host == "10.0.0.5")
        #expect(e.port == 5433)
        #expect(e.user == "lee")
        #expect(e.password == "pw")
        #expect(e.database == "shop")
        #expect(e.sslMode == .disable)
    }

    @Test func aSocketFolderAsHost() throws {
        let a = try PostgresEndpoint.parse("postgres://u@%2Ftmp%2Fpg:5999/d", environment: env, loginName: "x")
        #expect(a.socketPath == "/tmp/pg/.s.PGSQL.5999")
        let b = try PostgresEndpoint.parse("postgres://u@/d?host=/tmp/pg&port=5999", environment: env, loginName: "x")
        #expect(b.socketPath == "/tmp/pg/.s.PGSQL.5999")
        #expect(b.host == nil)
    }

    @Test func ipv6Hosts() throws {
        let e = try PostgresEndpoint.parse("postgres://u@[::1]:7000/d", environment: env, loginName: "x")
        #expect(e.host == "::1")
        #expect(e.port == 7000)
    }

    @Test(arguments: [
        ("mysql://a@b/c", "starts with postgres://"),
        ("postgres://a@b:99999/c", "the port '99999'"),
        ("postgres://a@b:x/c", "the port 'x'"),
        ("postgres://a@b/c?sslmode=always", "sslmode 'always'"),
        ("postgres://a@b/c?colour=red", "unknown parameter 'colour'"),
        ("postgres://a@b/c?sslmode", "'sslmode' is not name=value"),
        ("postgres://a@h1,h2/c", "several hosts"),
        ("postgres://a@[::1/c", "IPv6"),
        ("postgres://a:pw@b/c?search_path=", "search_path names no schema"),
    ])
    func badURLsSayWhatIsWrong(url: String, expected: String) {
        do {
            _ = try PostgresEndpoint.parse(url, environment: [:], loginName: "x")
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("pw@"), "the password must not be shown")
        }
    }

    @Test func passwordsAreNeverShown() {
        #expect(PostgresEndpoint.redacted("postgres://ann:top-secret@h/d") == "postgres://ann:***@h/d")
        #expect(PostgresEndpoint.redacted("postgres://h/d?password=abc&sslmode=disable") == "postgres://h/d?password=***&sslmode=disable")
        #expect(PostgresEndpoint.redacted("postgres://ann@h/d") == "postgres://ann@h/d")
    }

    /// The password file is read as psql reads it, and ignored when others may read it.
    @Test func thePasswordFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("pgpass").path
        try """
            # comment
            other.host:5432:*:ann:wrong
            db.example.com:5432:crm:ann:right\\:one
            *:*:*:*:fallback
            localhost:5432:*:bob:socket-pw
            """.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let env = ["PGPASSFILE": file]
        #expect(try PostgresEndpoint.parse("postgres://ann@db.example.com/crm", environment: env, loginName: "x").password == "right:one")
        #expect(try PostgresEndpoint.parse("postgres://zed@elsewhere/crm", environment: env, loginName: "x").password == "fallback")
        // A URL's password and PGPASSWORD come first.
        #expect(try PostgresEndpoint.parse("postgres://ann:url@db.example.com/crm", environment: env, loginName: "x").password == "url")
        var withVariable = env
        withVariable["PGPASSWORD"] = "variable"
        #expect(try PostgresEndpoint.parse("postgres://ann@db.example.com/crm", environment: withVariable, loginName: "x").password == "variable")
        chmod(file, 0o644)
        #expect(try PostgresEndpoint.parse("postgres://ann@db.example.com/crm", environment: env, loginName: "x").password == nil)
    }

    @Test func passwordFileFieldsUnescape() {
        #expect(PasswordFile.splitFields("a\\:b:5432:d\\\\x:u:p:w") == ["a:b", "5432", "d\\x", "u", "p:w"])
    }
}
