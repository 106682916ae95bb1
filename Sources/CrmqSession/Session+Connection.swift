import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqSQL
import CrmqCRM

/// A connected database (docs/backends.md): its tables, which replace the tables
/// in memory in the catalog while connected, and the tables made in the session since
/// connecting (`let`, `load`), which stay in memory and are sent along when a query mixes
/// them with the database's.
final class RemoteDatabase {
    let client: any DatabaseClient
    var tables: [DatabaseTable]
    /// Names made in the session since connecting: local tables a query may use.
    var localNames: Set<String> = []
    /// Local tables already sent this connection (forgotten when the name is bound again).
    var sent: [String: String] = [:]

    init(client: any DatabaseClient, tables: [DatabaseTable]) {
        self.client = client
        self.tables = tables
    }

    func table(_ name: String) -> DatabaseTable? { tables.first { $0.name == name } }

    /// The as-of date's default: the day after the database's last transaction (as
    /// `CRM.defaultAsOf` for tables in memory), asked once per connection.
    private var defaultAsOfMemo: Int32??

    /// A table of the session replaced the database's transactions (a `let` stored there).
    func transactionsChanged() { defaultAsOfMemo = nil }

    func defaultAsOf() throws(DatabaseError) -> Int32? {
        if let memo = defaultAsOfMemo { return memo }
        var day: Int32?
        if let t = table("transactions"), CRM.inputProblem("transactions", schema: t.schema) == nil,
            let date = t.relation.columns["date"]
        {
            let last = try client.query(
                SQLStatement("SELECT max(\(date)) FROM \(t.relation.qualifiedName)"),
                schema: Schema([Field("last", .date)]), cancellation: CancellationFlag())
            if case .date(let d) = last.columns[0].value(at: 0) { day = d + 1 }
        }
        defaultAsOfMemo = .some(day)
        return day
    }
}

extension Session {
    /// `connect "url"`: connects, lists the database's tables, and runs later queries there.
    func connect(_ url: String, statement: Statement, file: SourceFile) throws -> Outcome {
        let range: SourceRange
        if case .connect(let literal) = statement.kind { range = literal.range } else { range = statement.range }
        let database: RemoteDatabase
        do {
            database = try openDatabase(url)
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message), in: file, at: range)
        }
        remote?.client.close()
        remote = database
        return .message(
            "connected to \(database.client.displayURL) (\(database.client.serverDescription)): "
                + "\(Self.count(database.tables.count, "table")); 'disconnect' returns to the tables in memory")
    }

    /// `--connect URL` on the command line: as the statement, for a front end.
    public func connect(url: String) throws(Diagnostic) -> String {
        do {
            remote = try openDatabase(url)
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message))
        }
        return "connected to \(remote!.client.displayURL)"
    }

    private func openDatabase(_ url: String) throws(DatabaseError) -> RemoteDatabase {
        guard let connector else {
            throw .failed("this crmq cannot connect to databases (no database client was built into it)")
        }
        let client = try connector(url)
        do {
            return RemoteDatabase(client: client, tables: try client.tables())
        } catch {
            client.close()
            throw error
        }
    }

    /// `disconnect`.
    func disconnect() -> Outcome {
        guard let database = remote else { return .message("not connected; queries run on the tables in memory") }
        database.client.close()
        remote = nil
        return .message("disconnected from \(database.client.displayURL); queries run on the tables in memory again")
    }

    /// Whether a plan reads only tables in memory (then it runs there even when connected).
    func readsOnlyLocalTables(_ plan: Plan, _ database: RemoteDatabase) -> Bool {
        plan.scannedColumns().keys.allSatisfy { database.localNames.contains($0) }
    }

    /// The SQL of a plan for the connected database: local tables it reads are sent first,
    /// as temporary tables (once per connection and binding of the name).
    /// A construct that cannot become SQL is reported at its place in `file` when the plan
    /// knows it (a window aggregate PostgreSQL lacks), else on the whole statement.
    func compileForDatabase(
        _ plan: Plan, _ database: RemoteDatabase, send: Bool, statement: Statement, file: SourceFile
    ) throws -> SQLStatement {
        var relations: [String: SQLRelation] = [:]
        let dialect = database.client.dialect
        for name in plan.scannedColumns().keys {
            if database.localNames.contains(name), let table = tables[name] {
                let remoteName = "crmq_local_" + name
                if send, database.sent[name] == nil {
                    try inDatabase(database, statement: statement, file: file) { () throws(DatabaseError) in
                        try database.client.uploadTemporary(table, as: remoteName, cancellation: cancellation)
                    }
                    database.sent[name] = remoteName
                }
                relations[name] = database.client.temporaryRelation(for: table, as: remoteName)
            } else if let t = database.table(name) {
                relations[name] = t.relation
            }
        }
        do {
            return try SQLCompiler.compile(plan, dialect: dialect) { relations[$0] }
        } catch {
            let inFile = error.range.map { $0.end <= file.text.utf8.count } ?? false
            throw Diagnostic(SessionMessage.connection(error.message), in: file,
                             at: inFile ? error.range! : statement.range)
        }
    }

    /// The tables a plan for the database reads, as stored: the database's, and the local
    /// ones made since connecting (which are sent along).
    func storedSchemas(_ database: RemoteDatabase) -> [String: Schema] {
        var schemas: [String: Schema] = [:]
        for t in database.tables { schemas[t.name] = t.schema }
        for name in database.localNames { schemas[name] = tables[name]?.schema }
        return schemas
    }

    /// The CRM layer's rewrite pass over the database's tables: `customers` with its
    /// computed columns becomes their definition, a plain plan the compiler turns into SQL.
    /// `definingTableFunctions`: rfm, cohorts and customers(asof = ...) become their plain
    /// plans too (for the SQL compiler).
    func expandedForDatabase(
        _ plan: Plan, _ database: RemoteDatabase, definingTableFunctions: Bool = true
    ) throws -> Plan {
        let asOf: Int32?
        if database.localNames.contains("transactions") {
            asOf = store.defaultAsOf
        } else {
            do {
                asOf = try database.defaultAsOf()
            } catch {
                throw Diagnostic(SessionMessage.connection(error.message))
            }
        }
        let stored = storedSchemas(database)
        let expanded = try CRM.expand(plan, stored: stored, settings: settings.all, defaultAsOf: asOf)
        guard definingTableFunctions else { return expanded }
        return try CRM.definingTableFunctions(expanded, stored: stored, settings: settings.all)
    }

    /// Runs a plan in the connected database; Ctrl-C (the session's cancellation flag)
    /// asks the server to stop it.
    /// `plan` is expanded already (expandedForDatabase).
    func runInDatabase(_ plan: Plan, _ database: RemoteDatabase, statement: Statement, file: SourceFile) throws -> Table {
        let sql = try compileForDatabase(plan, database, send: true, statement: statement, file: file)
        return try inDatabase(database, statement: statement, file: file) { () throws(DatabaseError) in
            try database.client.query(sql, schema: plan.schema, cancellation: cancellation)
        }
    }

    /// A plan with a model while connected (a table function that fits in memory: kmeans,
    /// logit, regress, value_matrix, rules): each largest part without one that reads the
    /// database's tables runs there, its rows come here for the statement, and the rest runs
    /// in memory. `plan` is expanded already (expandedForDatabase).
    func runAcross(_ plan: Plan, _ database: RemoteDatabase, statement: Statement, file: SourceFile) throws -> Table {
        var fetched: [String] = []
        defer {
            for name in fetched {
                store.remove(name)
                database.localNames.remove(name)
                database.sent[name] = nil
            }
        }
        func localize(_ p: Plan) throws -> Plan {
            guard p.containsTableFunction else {
                if readsOnlyLocalTables(p, database) { return p }
                let table = try runInDatabase(p, database, statement: statement, file: file)
                // A name no query can write (it has a space), for this statement only.
                let name = "crmq fetched \(fetched.count + 1)"
                store.store(table, as: name, fromLet: false)
                fetched.append(name)
                return Plan(.scan(table: name), schema: p.schema)
            }
            return try p.replacingInputs(p.inputs.map(localize))
        }
        return try backend.run(try localize(plan))
    }

    /// `let name = plan` while connected: a plan over the database's tables is stored there,
    /// as the temporary table `crmq_let_NAME` that later queries read (so a large result
    /// never travels, and joins with the database's tables need no upload); it lasts until
    /// `disconnect`. Nil when the plan reads only tables in memory, or the database makes
    /// no temporary tables for this connection: it is stored here.
    func letInDatabase(
        _ name: String, _ plan: Plan, _ database: RemoteDatabase, statement: Statement, file: SourceFile
    ) throws -> Int? {
        let local = try expandedForDatabase(plan, database, definingTableFunctions: false)
        if readsOnlyLocalTables(local, database) { return nil }
        let defined = try expandedForDatabase(plan, database)
        // A model's result is made in memory, and kept there.
        if defined.containsTableFunction { return nil }
        let sql = try compileForDatabase(defined, database, send: true, statement: statement, file: file)
        let stored = try inDatabase(database, statement: statement, file: file) { () throws(DatabaseError) in
            try database.client.storeTemporary(sql, schema: plan.schema, as: "crmq_let_" + name, cancellation: cancellation)
        }
        guard let (rows, table) = stored else { return nil }
        var named = table
        named.name = name
        database.tables.removeAll { $0.name == name }
        database.tables.append(named)
        database.localNames.remove(name)
        database.sent[name] = nil
        if name == "transactions" { database.transactionsChanged() }
        return rows
    }

    /// A call to the database, its errors as the session reports them: Ctrl-C, a lost
    /// connection (the session goes back to memory), the server's message on the statement.
    private func inDatabase<T>(
        _ database: RemoteDatabase, statement: Statement, file: SourceFile, _ body: () throws(DatabaseError) -> T
    ) throws -> T {
        do {
            return try body()
        } catch .cancelled {
            throw EngineError.cancelled
        } catch .lost(let message) {
            database.client.close()
            remote = nil
            throw Diagnostic(
                SessionMessage.connection(message + "; the session is back on the tables in memory ('connect' again to go on)"),
                in: file, at: statement.range)
        } catch {
            throw Diagnostic(SessionMessage.connection(error.message), in: file, at: statement.range)
        }
    }
}

extension Plan {
    /// Whether a table function is left in the plan (after the CRM layer's definitions
    /// replaced those it defines: a model).
    var containsTableFunction: Bool {
        if case .tableFunction = kind { return true }
        return inputs.contains { $0.containsTableFunction }
    }
}
