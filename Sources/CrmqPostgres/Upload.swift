import PostgresNIO
import CrmqSemantics
import CrmqEngine
import CrmqSQL

extension PostgresClient {
    /// Creates a table holding `table`'s rows, inserted in order (so a fresh table's storage
    /// order, which a scan follows, is the row order). `temporary`: a temporary table,
    /// gone when the connection closes: how a small local table joins remote ones. An
    /// ordered category becomes text (its order stays in crmq's schema). Every value is a
    /// parameter, every name quoted. Replaces a table of that name when `replace` is set.
    public func upload(_ table: Table, as name: String, temporary: Bool = false, replace: Bool = false) throws(ConnectionError) {
        let d = PostgresDialect()
        let quoted = d.quote(name)
        // A temporary table is replaced in pg_temp only, never a table of the database.
        if replace { _ = try rows(SQLStatement("DROP TABLE IF EXISTS \(temporary ? "pg_temp." : "")\(quoted)")) }
        let columns = table.schema.fields.map { d.quote($0.name) + " " + d.typeName($0.type) }
        _ = try rows(SQLStatement(
            "CREATE \(temporary ? "TEMPORARY " : "")TABLE \(quoted) (\(columns.joined(separator: ", ")))"))
        let width = table.schema.count
        guard width > 0, table.rowCount > 0 else { return }
        // PostgreSQL takes at most 65,535 parameters per statement.
        let rowsPerStatement = max(1, min(1000, 65535 / width))
        var start = 0
        while start < table.rowCount {
            let end = min(table.rowCount, start + rowsPerStatement)
            var binds: [Value] = []
            binds.reserveCapacity((end - start) * width)
            var tuples: [String] = []
            for row in start..<end {
                var markers: [String] = []
                for (c, column) in table.columns.enumerated() {
                    binds.append(column.value(at: row))
                    markers.append(d.parameter(binds.count, type: table.schema[c].type))
                }
                tuples.append("(" + markers.joined(separator: ", ") + ")")
            }
            _ = try rows(SQLStatement("INSERT INTO \(quoted) VALUES " + tuples.joined(separator: ", "), binds: binds))
            start = end
        }
    }
}
