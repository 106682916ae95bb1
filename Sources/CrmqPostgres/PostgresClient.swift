import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization
import CrmqSemantics
import CrmqEngine
import CrmqSQL

/// One connection to a PostgreSQL server, used synchronously: crmq runs one statement at a
/// time, and the session, shell and scripts are synchronous. Each call blocks the calling
/// thread (never one of NIO's) until the server answers. `cancel()` may be called from any
/// thread while a statement runs: it asks the server to stop that statement.
public final class PostgresClient: @unchecked Sendable {
    public let endpoint: PostgresEndpoint
    let connection: PostgresConnection
    /// The server process serving this connection (`pg_backend_pid()`), whose statement
    /// `cancel()` stops.
    public let backendPID: Int32
    /// The server's version, as `SHOW server_version` gives it.
    public let serverVersion: String
    let logger = Logger(label: "crmq.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private let running = Mutex(false)

    private init(endpoint: PostgresEndpoint, connection: PostgresConnection, backendPID: Int32, serverVersion: String) {
        self.endpoint = endpoint
        self.connection = connection
        self.backendPID = backendPID
        self.serverVersion = serverVersion
    }

    deinit { try? connection.close().wait() }

    /// Connects and logs in; sets the search path when the endpoint names one.
    public static func connect(_ endpoint: PostgresEndpoint) throws(ConnectionError) -> PostgresClient {
        let connection = try openConnection(endpoint)
        do {
            let logger = Logger(label: "crmq.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            if let path = endpoint.searchPath {
                let sql = "SET search_path TO " + path.map(PostgresDialect().quote).joined(separator: ", ")
                _ = try waitFor(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger))
            }
            let rows = try waitFor(connection.query(
                PostgresQuery(unsafeSQL: "SELECT pg_backend_pid(), current_setting('server_version')"), logger: logger)).rows
            guard let row = rows.first else { throw ConnectionError.lost(reason: "the server answered nothing") }
            let (pid, version) = try row.decode((Int32, String).self)
            return PostgresClient(endpoint: endpoint, connection: connection, backendPID: pid, serverVersion: version)
        } catch {
            try? connection.close().wait()
            throw ConnectionError.from(error, endpoint: endpoint)
        }
    }

    private static func openConnection(_ endpoint: PostgresEndpoint) throws(ConnectionError) -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if let socket = endpoint.socketPath {
            configuration = .init(
                unixSocketPath: socket, username: endpoint.user, password: endpoint.password, database: endpoint.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do {
                switch endpoint.sslMode {
                case .disable, .allow: tls = .disable
                case .prefer, .require:
                    var c = TLSConfiguration.makeClientConfiguration()
                    c.certificateVerification = .none
                    let context = try NIOSSLContext(configuration: c)
                    tls = endpoint.sslMode == .prefer ? .prefer(context) : .require(context)
                case .verifyCA, .verifyFull:
                    var c = TLSConfiguration.makeClientConfiguration()
                    c.certificateVerification = endpoint.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
                    tls = .require(try NIOSSLContext(configuration: c))
                }
            } catch {
                throw .unreachable(url: endpoint.displayURL, reason: "TLS cannot be set up: \(error)")
            }
            configuration = .init(
                host: endpoint.host ?? "localhost", port: endpoint.port, username: endpoint.user,
                password: endpoint.password, database: endpoint.database, tls: tls)
        }
        configuration.options.connectTimeout = .milliseconds(Int64(endpoint.connectTimeout * 1000))
        configuration.options.additionalStartupParameters = [("application_name", endpoint.applicationName)]
        let logger = Logger(label: "crmq.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw ConnectionError.from(error, endpoint: endpoint)
        }
    }

    /// Runs a statement and returns its rows as a table of the given schema (the SQL must
    /// give one column per field, of the types `SQLDialect.resultCast` makes).
    public func fetch(_ statement: SQLStatement, schema: Schema, cancellation: CancellationFlag? = nil) throws(ConnectionError) -> Table {
        let rows = try rows(statement, cancellation: cancellation)
        return try ResultDecoder.table(rows, schema: schema)
    }

    /// Runs a statement and returns its rows as PostgreSQL sent them. While it runs, a set
    /// `cancellation` flag (Ctrl-C) is seen within 20 ms and the server asked to stop.
    public func rows(_ statement: SQLStatement, cancellation: CancellationFlag? = nil) throws(ConnectionError) -> [PostgresRow] {
        let query = PostgresQuery(unsafeSQL: statement.text, binds: statement.postgresBindings())
        running.withLock { $0 = true }
        defer { running.withLock { $0 = false } }
        let connection = self.connection
        let logger = self.logger
        // A connection the server ended is closed by postgres-nio when it reads the end;
        // a statement sent on it then never gets an answer, so it is not sent.
        if connection.isClosed { throw .lost(reason: "the server closed the connection") }
        do {
            return try waitFor(connection.query(query, logger: logger)) { [weak self] in
                if cancellation?.isCancelled == true { self?.cancel() }
                if connection.isClosed { throw ConnectionError.lost(reason: "the server closed the connection") }
            }.rows
        } catch {
            throw ConnectionError.from(error, endpoint: endpoint)
        }
    }

    /// Asks the server to stop the statement running on this connection, from another
    /// connection (`pg_cancel_backend`, which signals the backend as PostgreSQL's cancel
    /// request does). Returns at once; the running call then throws `.cancelled`.
    public func cancel() {
        // Once per statement: `running` is cleared by the first call.
        guard running.withLock({ let was = $0; $0 = false; return was }) else { return }
        let endpoint = self.endpoint
        let pid = backendPID
        Thread.detachNewThread {
            guard let side = try? PostgresClient.openConnection(endpoint) else { return }
            let logger = Logger(label: "crmq.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            _ = try? waitFor(side.query(PostgresQuery(unsafeSQL: "SELECT pg_cancel_backend(\(pid))"), logger: logger))
            try? side.close().wait()
        }
    }

    /// Whether the connection is still open (false after the server went away).
    public var isOpen: Bool { !connection.isClosed }

    public func close() { try? connection.close().wait() }
}

/// Waits for a postgres-nio future from synchronous code, calling `whileWaiting` every
/// 20 ms until it completes. Futures, not async calls: crmq's statements run synchronously,
/// and blocking a thread of Swift's cooperative pool to await a task that needs the same
/// pool deadlocks when every pool thread waits (as in a test run with many tests at once).
func waitFor<T: Sendable>(_ future: EventLoopFuture<T>, whileWaiting: (() throws -> Void)? = nil) throws -> T {
    let box = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    future.whenComplete { result in
        box.withLock { $0 = result }
        done.signal()
    }
    if let whileWaiting {
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut { try whileWaiting() }
    } else {
        done.wait()
    }
    return try box.withLock { $0! }.get()
}

extension ConnectionError {
    /// A postgres-nio error as crmq says it.
    static func from(_ error: any Error, endpoint: PostgresEndpoint) -> ConnectionError {
        if let e = error as? ConnectionError { return e }
        if let e = error as? PSQLError {
            if e.code == .server, let info = e.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "error"
                // Class 28: invalid authorisation; 3D000: no such database.
                if state.hasPrefix("28") || state == "3D000" {
                    return .refused(url: endpoint.displayURL, message: message)
                }
                if state == "57014" { return .cancelled }
                if state.hasPrefix("57P") || state.hasPrefix("08") { return .lost(reason: message) }
                return .server(code: state, message: message, detail: info[.detail], position: info[.position].flatMap { Int($0) })
            }
            if e.code == .queryCancelled { return .cancelled }
            if e.code == .serverClosedConnection || e.code == .clientClosedConnection || e.code == .uncleanShutdown {
                return .lost(reason: "the server closed the connection")
            }
            if e.code == .authMechanismRequiresPassword {
                return .refused(url: endpoint.displayURL, message: "the server wants a password; give it in the URL, PGPASSWORD or ~/.pgpass")
            }
            if e.code == .sslUnsupported {
                return .refused(url: endpoint.displayURL, message: "the server does not offer TLS; use sslmode=prefer or sslmode=disable")
            }
            if e.code == .connectionError, let underlying = e.underlying {
                return .unreachable(url: endpoint.displayURL, reason: describe(underlying))
            }
            return .lost(reason: "\(e.code)")
        }
        return .unreachable(url: endpoint.displayURL, reason: describe(error))
    }

    private static func describe(_ error: any Error) -> String {
        if let e = error as? IOError { return String(cString: strerror(e.errnoCode)).lowercased() }
        if let e = error as? NIOConnectionError {
            if let first = e.connectionErrors.first { return describe(first.error) }
            if let dns = e.dnsAError ?? e.dnsAAAAError { return "cannot resolve '\(e.host)': \(dns)" }
        }
        if let e = error as? ChannelError, case .connectTimeout = e { return "timed out" }
        return String(describing: error)
    }
}

/// The PostgreSQL client as the session's `DatabaseClient`.
extension PostgresClient: DatabaseClient {
    /// Connects from a URL, for `Session.connector`.
    public static let connector: DatabaseConnector = { url throws(DatabaseError) in
        do throws(ConnectionError) {
            let endpoint = try PostgresEndpoint.parse(url)
            return try PostgresClient.connect(endpoint)
        } catch {
            throw error.databaseError
        }
    }

    public var displayURL: String { endpoint.displayURL }
    public var serverDescription: String { "PostgreSQL " + serverVersion }
    public var dialect: any SQLDialect { PostgresDialect() }

    public func tables() throws(DatabaseError) -> [DatabaseTable] {
        do { return try remoteTables() } catch { throw error.databaseError }
    }

    public func query(_ statement: SQLStatement, schema: Schema, cancellation: CancellationFlag) throws(DatabaseError) -> Table {
        do {
            return try fetch(statement, schema: schema, cancellation: cancellation)
        } catch {
            throw error.databaseError
        }
    }

    public func uploadTemporary(_ table: Table, as name: String, cancellation: CancellationFlag) throws(DatabaseError) {
        do {
            try upload(table, as: name, temporary: true, replace: true, rowNumbers: Self.rowNumberColumn(of: table),
                       cancellation: cancellation)
        } catch {
            throw error.databaseError
        }
    }

    /// A sent table in pg_temp, ordered by its row numbers: a scan's order (ctid) is not
    /// the order COPY wrote, where a later short row fills a gap an earlier page left.
    public func temporaryRelation(for table: Table, as name: String) -> SQLRelation {
        let d = PostgresDialect()
        return SQLRelation(sent: table, as: "pg_temp." + d.quote(name), dialect: d, order: d.quote(Self.rowNumberColumn(of: table)))
    }

    /// The name of the row-number column a sent table gets: one none of its columns has.
    static func rowNumberColumn(of table: Table) -> String {
        var name = "crmq_row"
        while table.schema.index(of: name) != nil { name += "_" }
        return name
    }

    public func storeTemporary(
        _ statement: SQLStatement, schema: Schema, as name: String, cancellation: CancellationFlag
    ) throws(DatabaseError) -> (rows: Int, table: DatabaseTable)? {
        let d = PostgresDialect()
        // pg_temp: only ever this connection's own temporary table, never one of the database's.
        let qualified = "pg_temp." + d.quote(name)
        let types = schema.fields.map { d.typeName($0.type) }
        let columns = zip(schema.fields, types).map { d.quote($0.name) + " " + $1 }
        do throws(ConnectionError) {
            do {
                _ = try rows(SQLStatement("DROP TABLE IF EXISTS \(qualified)"))
                _ = try rows(SQLStatement("CREATE TEMPORARY TABLE \(d.quote(name)) (\(columns.joined(separator: ", ")))"))
            } catch .server {
                return nil  // no temporary tables here (a read-only standby, no TEMP privilege)
            }
            _ = try rows(SQLStatement("INSERT INTO \(qualified) " + statement.text, binds: statement.binds),
                         cancellation: cancellation)
            let count = try fetch(SQLStatement("SELECT count(*) FROM \(qualified)"), schema: Schema([Field("n", .int)]))
            guard case .int(let n) = count.columns[0].value(at: 0) else { throw ConnectionError.server(code: "XX000", message: "no row count for the stored result", detail: nil, position: nil) }
            var read: [String: String] = [:]
            for f in schema.fields { read[f.name] = d.quote(f.name) }
            let table = DatabaseTable(
                name: name, databaseSchema: "pg_temp", schema: schema, databaseTypes: types,
                relation: SQLRelation(qualifiedName: qualified, columns: read))
            return (Int(n), table)
        } catch {
            throw error.databaseError
        }
    }
}

extension ConnectionError {
    var databaseError: DatabaseError {
        switch self {
        case .cancelled: .cancelled
        case .lost: .lost(message)
        default: .failed(message)
        }
    }
}
