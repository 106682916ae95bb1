import CrmqSemantics
import CrmqEngine

/// A SQL database a session can connect to, as the session sees it: its tables, and plans
/// compiled for its dialect run there. The PostgreSQL backend (CrmqPostgres) implements it;
/// the command line gives the session a `DatabaseConnector`, so the session itself (and
/// everything built on it, the fuzz targets among them) needs no database client.
public protocol DatabaseClient: AnyObject {
    /// The connection's URL without its password, for messages.
    var displayURL: String { get }
    /// The server's name and version ("PostgreSQL 15.18").
    var serverDescription: String { get }
    var dialect: any SQLDialect { get }
    /// The tables and views the session may read, in the order `.tables` lists them.
    func tables() throws(DatabaseError) -> [DatabaseTable]
    /// Runs a compiled statement; a set `cancellation` (Ctrl-C) asks the server to stop it.
    func query(_ statement: SQLStatement, schema: Schema, cancellation: CancellationFlag) throws(DatabaseError) -> Table
    /// Sends a table as a temporary table of that name (replacing one), for a query that
    /// joins it with the database's tables (a model's scores kept with `let`). Rows keep their
    /// order; a set `cancellation` (Ctrl-C) stops the upload.
    func uploadTemporary(_ table: Table, as name: String, cancellation: CancellationFlag) throws(DatabaseError)
    /// How queries read a table `uploadTemporary` sent under `name`.
    func temporaryRelation(for table: Table, as name: String) -> SQLRelation
    /// Runs a compiled query into a temporary table of that name with `schema`'s columns
    /// (replacing one), rows in the query's order: a `let` over the database's tables,
    /// kept where the data lives. Returns the rows stored and the table as queries read it;
    /// nil when the connection may not make temporary tables (a read-only standby), and
    /// the caller keeps the rows in memory instead.
    func storeTemporary(
        _ statement: SQLStatement, schema: Schema, as name: String, cancellation: CancellationFlag
    ) throws(DatabaseError) -> (rows: Int, table: DatabaseTable)?
    func close()
}

extension DatabaseClient {
    /// The sent table by its quoted name and columns, in the dialect's storage order.
    public func temporaryRelation(for table: Table, as name: String) -> SQLRelation {
        SQLRelation(sent: table, as: dialect.quote(name), dialect: dialect)
    }
}

extension SQLRelation {
    /// A table crmq sent under `qualifiedName`, its columns by their quoted names.
    public init(sent table: Table, as qualifiedName: String, dialect: any SQLDialect, order: String? = nil) {
        var columns: [String: String] = [:]
        for f in table.schema.fields { columns[f.name] = dialect.quote(f.name) }
        self.init(qualifiedName: qualifiedName, columns: columns, order: order)
    }
}

/// Opens a connection from a URL (`connect "..."`).
public typealias DatabaseConnector = @Sendable (String) throws(DatabaseError) -> any DatabaseClient

/// A table of the connected database: its columns in crmq's types, the database's own type
/// names (for `.schema`), and how the compiler reads it.
public struct DatabaseTable: Sendable, Equatable {
    public var name: String
    /// The database schema (namespace) holding it.
    public var databaseSchema: String
    public var schema: Schema
    public var databaseTypes: [String]
    public var relation: SQLRelation

    public init(name: String, databaseSchema: String, schema: Schema, databaseTypes: [String], relation: SQLRelation) {
        self.name = name
        self.databaseSchema = databaseSchema
        self.schema = schema
        self.databaseTypes = databaseTypes
        self.relation = relation
    }
}

/// What goes wrong with a database, as the session reports it.
public enum DatabaseError: Error, Equatable, Sendable {
    /// Ctrl-C stopped the statement.
    case cancelled
    /// The connection is gone; the message says why.
    case lost(String)
    /// Anything else: a bad URL, a refused login, a server error (the message says which).
    case failed(String)

    public var message: String {
        switch self {
        case .cancelled: "cancelled"
        case .lost(let m), .failed(let m): m
        }
    }
}
