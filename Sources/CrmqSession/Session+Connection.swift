import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqSQL
import CrmqPostgres

/// A connected PostgreSQL database (docs/backends.md): its tables, which replace the tables
/// in memory in the catalog while connected, and the tables made in the session since
/// connecting (`let`, `load`), which stay in memory and are sent along when a query mixes
/// them with the database's.
final class RemoteDatabase {
    let client: PostgresClient
    var tables: [RemoteTable]
    /// Names made in the session since connecting: local tables a query may use.
    var localNames: Set<String> = []
    /// Local tables already sent this connection (forgotten when the name is bound again).
    var sent: [String: String] = [:]

    init(client: PostgresClient, tables: [RemoteTable]) {
        self.client = client
        self.tables = tables
    }

    func table(_ name: String) -> RemoteTable? { tables.first { $0.name == name } }

    /// The most rows of a local table a query may send to the database.
    static let localRowLimit = 100_000
}

extension Session {
    /// `connect "url"`: connects, lists the database's tables, and runs later queries there.
    func connect(_ url: String, statement: Statement, file: SourceFile) throws -> Outcome {
        let endpoint: PostgresEndpoint
        do {
            endpoint = try PostgresEndpoint.parse(url)
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message), in: file, at: urlRange(statement))
        }
        let database = try openDatabase(endpoint, at: urlRange(statement), in: file)
        remote?.client.close()
        remote = database
        let n = database.tables.count
        return .message(
            "connected to \(endpoint.displayURL) (PostgreSQL \(database.client.serverVersion)): "
                + "\(Self.count(n, "table")); 'disconnect' returns to the tables in memory")
    }

    /// `--connect URL` on the command line: as the statement, for a front end.
    public func connect(url: String) throws(Diagnostic) -> String {
        let file = SourceFile(name: "--connect", text: url)
        let endpoint: PostgresEndpoint
        do {
            endpoint = try PostgresEndpoint.parse(url)
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message))
        }
        remote = try openDatabase(endpoint, at: nil, in: file)
        return "connected to \(endpoint.displayURL)"
    }

    private func openDatabase(_ endpoint: PostgresEndpoint, at range: SourceRange?, in file: SourceFile) throws(Diagnostic) -> RemoteDatabase {
        do {
            let client = try PostgresClient.connect(endpoint)
            return RemoteDatabase(client: client, tables: try client.tables())
        } catch {
            if let range { throw Diagnostic(SessionMessage.connection(error.message), in: file, at: range) }
            throw Diagnostic(SessionMessage.connection(error.message))
        }
    }

    /// `disconnect`.
    func disconnect() -> Outcome {
        guard let database = remote else { return .message("not connected; queries run on the tables in memory") }
        database.client.close()
        remote = nil
        return .message("disconnected from \(database.client.endpoint.displayURL); queries run on the tables in memory again")
    }

    private func urlRange(_ statement: Statement) -> SourceRange {
        if case .connect(let url) = statement.kind { return url.range }
        return statement.range
    }

    /// Whether a plan reads only tables in memory (then it runs there even when connected).
    func readsOnlyLocalTables(_ plan: Plan, _ database: RemoteDatabase) -> Bool {
        plan.scannedColumns().keys.allSatisfy { database.localNames.contains($0) }
    }

    /// The SQL of a plan for the connected database: local tables it reads are sent first
    /// (as temporary tables, up to `RemoteDatabase.localRowLimit` rows each).
    func compileForDatabase(_ plan: Plan, _ database: RemoteDatabase, send: Bool) throws(Diagnostic) -> SQLStatement {
        var relations: [String: SQLRelation] = [:]
        let dialect = PostgresDialect()
        for name in plan.scannedColumns().keys {
            if database.localNames.contains(name), let table = tables[name] {
                guard table.rowCount <= RemoteDatabase.localRowLimit else {
                    throw Diagnostic(SessionMessage.connection(
                        "the query joins '\(name)', a table in memory of \(Self.count(table.rowCount, "row")), with tables of the database; "
                            + "at most \(RemoteDatabase.localRowLimit.grouped) rows are sent along. Narrow it first, "
                            + "or 'disconnect' and load the database's tables as CSV files"))
                }
                let remoteName = "crmq_local_" + name
                if send, database.sent[name] == nil {
                    do {
                        try database.client.upload(table, as: remoteName, temporary: true, replace: true)
                    } catch {
                        throw Diagnostic(SessionMessage.connection(error.message))
                    }
                    database.sent[name] = remoteName
                }
                var columns: [String: String] = [:]
                for f in table.schema.fields { columns[f.name] = dialect.quote(f.name) }
                relations[name] = SQLRelation(qualifiedName: dialect.quote(remoteName), columns: columns)
            } else if let t = database.table(name) {
                relations[name] = t.relation
            }
        }
        do {
            return try SQLCompiler.compile(plan, dialect: dialect) { relations[$0] }
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message))
        }
    }

    /// Runs a plan in the connected database; Ctrl-C (the session's cancellation flag)
    /// asks the server to stop it.
    func runInDatabase(_ plan: Plan, _ database: RemoteDatabase, statement: Statement, file: SourceFile) throws -> Table {
        let sql = try compileForDatabase(plan, database, send: true)
        do {
            return try database.client.query(sql, schema: plan.schema, cancellation: cancellation)
        } catch .cancelled {
            throw EngineError.cancelled
        } catch .lost(let reason) {
            database.client.close()
            remote = nil
            throw Diagnostic(SessionMessage.connection(ConnectionError.lost(reason: reason).message + "; disconnected"), in: file, at: statement.range)
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message), in: file, at: statement.range)
        }
    }
}
