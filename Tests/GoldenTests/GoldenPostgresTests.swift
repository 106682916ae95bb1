import Foundation
import Testing
import CrmqEngine
import CrmqSession
import CrmqRendering
import CrmqPostgres
import CrmqSQL

/// The private PostgreSQL server scripts/test starts (scripts/lib/postgres.sh).
private let serverURL = ProcessInfo.processInfo.environment["CRMQ_TEST_POSTGRES_URL"]

/// The whole golden corpus again, each case in a session connected to PostgreSQL whose
/// search path holds the golden tables: every case must print what it prints in memory,
/// except those listed in GoldenExceptions with the reason. An exception that starts to agree
/// is reported too, so the list stays true.
@Suite(.enabled(if: serverURL != nil, "needs the PostgreSQL server scripts/test starts (CRMQ_TEST_POSTGRES_URL)"),
       .serialized)
struct GoldenPostgresTests {
    /// The golden tables uploaded once into a schema of their own; the URL reaching them.
    static let database: Result<String, any Error> = Result {
        let schema = "crmq_golden_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PostgresClient.connect(PostgresEndpoint.parse(serverURL!))
        defer { admin.close() }
        _ = try admin.rows(SQLStatement("CREATE SCHEMA \(PostgresDialect().quote(schema))"))
        var endpoint = try PostgresEndpoint.parse(serverURL!)
        endpoint.searchPath = [schema]
        let client = try PostgresClient.connect(endpoint)
        defer { client.close() }
        for t in GoldenTests.fixtures { try client.upload(t.table, as: t.name) }
        return serverURL! + "&search_path=\(schema)"
    }

    /// What crmq prints for a case's input in a fresh session connected to the database
    /// (PostgreSQL unless another connector is given: SparkSessionTests passes Spark's).
    static func run(_ input: String, url: String, connector: @escaping DatabaseConnector = PostgresClient.connector) -> String {
        _ = FileManager.default.changeCurrentDirectoryPath(GoldenTests.dataFolder.path)
        let session = Session()
        session.connector = connector
        var out = ""
        do {
            _ = try session.connect(url: url)
        } catch {
            return "cannot connect: \(error.message)"
        }
        defer { _ = session.run("disconnect", name: "query") { _ in } }
        let presenter = Presenter { text, _ in out += text }
        session.run(input, name: "query") { presenter.present($0, settings: session.settings) }
        let timing = #/time: [0-9]+\.[0-9]+ m?s/#
        out = out.replacing(timing, with: "time: <elapsed>")
        return GoldenFile.trimmed(out.components(separatedBy: "\n")).joined(separator: "\n")
    }

    @Test func theCorpusPrintsTheSameOnPostgreSQL() throws {
        let url = try Self.database.get()
        try Self.runCorpus(on: "PostgreSQL", exceptions: GoldenExceptions.postgres, minimum: 150) {
            Self.run($0, url: url)
        }
    }

    /// Every golden case with expected output, run by `run` in a fresh connected session:
    /// each must print what it prints in memory or be listed in `exceptions` with a reason;
    /// a case listed by name that agrees is reported, so the list stays true.
    static func runCorpus(
        on backend: String, exceptions: [String: [String: String]], minimum: Int, _ run: (String) -> String
    ) throws {
        var agreed = 0
        var excepted = 0
        var differing: [String] = []
        for file in try GoldenTests.files() {
            let name = file.url.lastPathComponent
            for c in file.cases {
                guard let expected = c.expected else { continue }
                let key = "\(name): \(c.name)"
                let output = run(c.input)
                if output == expected {
                    agreed += 1
                    // A case listed by name must differ still (a file's "*" covers whatever differs).
                    if exceptions[name]?[c.name] != nil {
                        Issue.record("\(key) agrees now on \(backend): remove it from GoldenExceptions")
                    }
                } else if GoldenExceptions.reason(in: exceptions, file: name, case: c.name) != nil {
                    excepted += 1
                } else {
                    differing.append(key)
                    Issue.record("""
                        \(key) prints something else on \(backend).
                        --- input
                        \(c.input)
                        --- in memory
                        \(expected)
                        --- on \(backend)
                        \(output)
                        """)
                }
            }
        }
        #expect(agreed >= minimum, "only \(agreed) cases agree")
        print("golden cases on \(backend): \(agreed) agree, \(excepted) listed in GoldenExceptions")
        if !differing.isEmpty { print("golden cases differing on \(backend): \(differing.count)\n" + differing.joined(separator: "\n")) }
    }
}
