import CrmqArrow
import CrmqEngine
import CrmqSemantics
import CrmqSQL

/// A Spark Connect server as the session's database (`connect "sc://host:15002"`): the
/// catalog's tables and views of the current namespace, plans compiled to Spark SQL and run
/// as one ExecutePlan each, results back as Arrow.
///
/// | Spark | crmq |
/// |---|---|
/// | tinyint, smallint, int, bigint | int |
/// | float, double, decimal | double |
/// | string, varchar, char | string |
/// | date; timestamp, timestamp_ntz (the day) | date |
/// | boolean | bool |
/// | anything else (binary, arrays, maps, structs) | left out of the table's columns |
public final class SparkDatabase: DatabaseClient {
    let client: SparkConnectClient
    public let serverDescription: String
    /// The most Arrow bytes one part of an uploaded table holds (`uploadTemporary`).
    public var uploadPartBytes = SparkConnectClient.maxRequestBytes

    public static let connector: DatabaseConnector = { text throws(DatabaseError) in
        let parsed = Result { () throws(SparkConnectURL.Problem) in try SparkConnectURL(parsing: text) }
        switch parsed {
        case .success(let url): return try SparkDatabase(url)
        case .failure(let problem): throw .failed(problem.message)
        }
    }

    public init(_ url: SparkConnectURL) throws(DatabaseError) {
        do throws(SparkConnectClient.Failure) {
            client = try SparkConnectClient(url)
            let version = try client.query("SELECT version() AS v", cancellation: CancellationFlag())
            var text = ""
            if version.rowCount > 0, case .string(let v) = version.columns[0].value(at: 0) { text = v }
            serverDescription = "Spark " + (text.split(separator: " ").first.map(String.init) ?? text)
        } catch {
            throw .failed(error.message)
        }
    }

    public var displayURL: String { client.url.shown }
    public var dialect: any SQLDialect { SparkDialect() }

    public func tables() throws(DatabaseError) -> [DatabaseTable] {
        let d = SparkDialect()
        let listed = try run("SHOW TABLES")
        guard let nameColumn = listed.column(named: "tableName"), let spaceColumn = listed.column(named: "namespace") else {
            throw .failed("SHOW TABLES gave no tableName column")
        }
        let temporary = listed.column(named: "isTemporary")
        var out: [DatabaseTable] = []
        for i in 0..<listed.rowCount {
            guard case .string(let name) = nameColumn.value(at: i) else { continue }
            // This session's temporary views are crmq's own (a `let`, a table sent along).
            if case .bool(true)? = temporary?.value(at: i) { continue }
            let space: String = if case .string(let s) = spaceColumn.value(at: i) { s } else { "" }
            let qualified = space.isEmpty ? d.quote(name) : d.quote(space) + "." + d.quote(name)
            let described = try run("DESCRIBE TABLE " + qualified)
            guard let columns = described.column(named: "col_name"), let types = described.column(named: "data_type") else { continue }
            var fields: [Field] = []
            var databaseTypes: [String] = []
            var reads: [String: String] = [:]
            for r in 0..<described.rowCount {
                guard case .string(let column) = columns.value(at: r), case .string(let type) = types.value(at: r) else { continue }
                if column.isEmpty || column.hasPrefix("#") { break }  // partition and detail sections follow
                guard let crmqType = Self.type(of: type) else { continue }
                fields.append(Field(column, crmqType))
                databaseTypes.append(type)
                reads[column] = d.cast(d.quote(column), to: crmqType)
            }
            out.append(DatabaseTable(
                name: name, databaseSchema: space, schema: Schema(fields), databaseTypes: databaseTypes,
                relation: SQLRelation(qualifiedName: qualified, columns: reads)))
        }
        return out
    }

    /// crmq's type for a Spark type name, nil for one crmq has no column for.
    static func type(of spark: String) -> DataType? {
        let t = spark.lowercased()
        if ["tinyint", "smallint", "int", "integer", "bigint", "byte", "short", "long"].contains(t) { return .int }
        if ["float", "double", "real"].contains(t) || t.hasPrefix("decimal") { return .double }
        if t == "string" || t.hasPrefix("varchar") || t.hasPrefix("char") { return .string }
        if t == "date" || t.hasPrefix("timestamp") { return .date }
        if t == "boolean" { return .bool }
        return nil
    }

    private func run(_ sql: String, cancellation: CancellationFlag = CancellationFlag()) throws(DatabaseError) -> Table {
        do { return try client.query(sql, cancellation: cancellation) } catch { throw error.databaseError }
    }

    public func query(_ statement: SQLStatement, schema: Schema, cancellation: CancellationFlag) throws(DatabaseError) -> Table {
        guard statement.binds.isEmpty else { throw .failed("a Spark SQL statement with bind parameters (crmq writes values inline)") }
        let table = try run(statement.text, cancellation: cancellation)
        return try Self.conform(table, to: schema)
    }

    /// The result in the types the plan says: ordered categories from their labels, and ints
    /// or doubles where Spark widened or narrowed a number.
    static func conform(_ table: Table, to schema: Schema) throws(DatabaseError) -> Table {
        guard table.columns.count == schema.count else {
            throw .failed("Spark returned \(table.columns.count) columns where \(schema.count) were expected")
        }
        var columns: [Column] = []
        for (field, column) in zip(schema.fields, table.columns) {
            if column.type == field.type || column.type == .null {
                columns.append(column.type == .null ? Column.from(Array(repeating: .null, count: table.rowCount), type: field.type) : column)
                continue
            }
            let values = (0..<table.rowCount).map { i -> Value in
                let v = column.value(at: i)
                switch (v, field.type) {
                case (.int(let n), .double): return .double(Double(n))
                case (.double(let x), .int): return x.isFinite ? .int(Int64(x)) : .null
                default: return v
                }
            }
            columns.append(Column.from(values, type: field.type))
        }
        return Table(schema: schema, columns: columns, rowCount: table.rowCount)
    }

    /// A table sent as a temporary view (replaced when it exists): Arrow IPC in a local
    /// relation, the way pyspark's `createDataFrame` sends a pandas frame. A table larger
    /// than one request may carry goes in parts of at most `uploadPartBytes` (a request's
    /// limit, `SparkConnectClient.maxRequestBytes`), each a view of its own, and the view
    /// is their `UNION ALL`, which reads them in order.
    public func uploadTemporary(_ table: Table, as name: String, cancellation: CancellationFlag) throws(DatabaseError) {
        let parts = ArrowWriter.parts(table, bytes: uploadPartBytes)
        guard parts.count > 1 else {
            return try createView(name, parts[0], cancellation: cancellation)
        }
        var names: [String] = []
        for (k, arrow) in parts.enumerated() {
            let part = "\(name)_part\(k)"
            try createView(part, arrow, cancellation: cancellation)
            names.append(part)
        }
        let d = SparkDialect()
        let union = names.map { "SELECT * FROM \(d.quote($0))" }.joined(separator: " UNION ALL ")
        _ = try run("CREATE OR REPLACE TEMPORARY VIEW \(d.quote(name)) AS \(union)", cancellation: cancellation)
    }

    private func createView(_ name: String, _ arrow: [UInt8], cancellation: CancellationFlag) throws(DatabaseError) {
        do { try client.createView(name, arrow: arrow, cancellation: cancellation) } catch { throw error.databaseError }
    }

    /// A `let` over the server's tables, kept on the server: a temporary view of the
    /// statement, cached eagerly (`CACHE TABLE name AS query`), so its rows are computed once
    /// and never travel. The query ends in crmq's order; the cache keeps the sorted
    /// partitions in that order, which is the order a scan reads back
    /// (`SparkDialect.storageOrder`). Gone with the session (`disconnect` releases it).
    public func storeTemporary(
        _ statement: SQLStatement, schema: Schema, as name: String, cancellation: CancellationFlag
    ) throws(DatabaseError) -> (rows: Int, table: DatabaseTable)? {
        guard statement.binds.isEmpty else { throw .failed("a Spark SQL statement with bind parameters (crmq writes values inline)") }
        let d = SparkDialect()
        let quoted = d.quote(name)
        _ = try run("UNCACHE TABLE IF EXISTS \(quoted)")
        _ = try run("DROP VIEW IF EXISTS \(quoted)")
        _ = try run("CACHE TABLE \(quoted) AS \(statement.text)", cancellation: cancellation)
        let counted = try run("SELECT count(*) AS n FROM \(quoted)", cancellation: cancellation)
        guard counted.rowCount == 1, case .int(let n) = counted.columns[0].value(at: 0) else {
            throw .failed("no row count for the stored result \(name)")
        }
        var reads: [String: String] = [:]
        for f in schema.fields { reads[f.name] = d.quote(f.name) }
        let table = DatabaseTable(
            name: name, databaseSchema: "", schema: schema, databaseTypes: schema.fields.map { d.typeName($0.type).lowercased() },
            relation: SQLRelation(qualifiedName: quoted, columns: reads))
        return (Int(n), table)
    }

    public func close() { client.release() }
}

extension SparkConnectClient.Failure {
    var databaseError: DatabaseError { cancelled ? .cancelled : .failed(message) }
}
