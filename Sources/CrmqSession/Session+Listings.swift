import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM

// The listings: `.tables`, `.schema` and `set` alone.
extension Session {
    /// `.tables`: each table's rows, columns and memory; `customers` counts its computed
    /// columns too, and says how many of its columns are computed (their memory, computed
    /// when a query needs them and cached, is not counted).
    func tablesTable() -> Table {
        let names = tableOrder
        let computed = computedColumns.count
        func extra(_ name: String) -> Int { name == CRM.customersTable ? computed : 0 }
        return Table(schema: Schema([
            Field("name", .string), Field("rows", .int), Field("columns", .int), Field("computed", .int),
            Field("memory", .string), Field("from", .string),
        ]), columns: [
            Column.from(names.map { .string($0) }, type: .string),
            Column.from(names.map { .int(Int64(tables[$0]?.rowCount ?? 0)) }, type: .int),
            Column.from(names.map { .int(Int64((tables[$0]?.schema.count ?? 0) + extra($0))) }, type: .int),
            Column.from(names.map { .int(Int64(extra($0))) }, type: .int),
            Column.from(names.map { .string(MemoryBudget.describe(tables[$0]?.memoryBytes ?? 0)) }, type: .string),
            Column.from(names.map { .string(letNames.contains($0) ? "let" : "load") }, type: .string),
        ])
    }

    /// `.schema`: the columns of one table or of all, with their types and null counts;
    /// `customers` also lists its computed columns, marked as computed in a column `kind`,
    /// with their meaning (the summary `help <column>` starts with).
    func schemaTable(_ only: String?) throws -> Table {
        var t: [Value] = [], c: [Value] = [], ty: [Value] = [], nulls: [Value] = []
        var kind: [Value] = [], meaning: [Value] = []
        for name in only.map({ [$0] }) ?? tableOrder {
            guard var table = tables[name] else { continue }
            let stored = table.schema.count
            let computed = name == CRM.customersTable ? computedColumns : []
            if name == CRM.customersTable, let schema = tableSchema(name) {
                // customers as queries see it: every computed column, through the backend.
                table = try backend.run(try expanded(Plan(.scan(table: name), schema: schema)))
            }
            for (i, f) in table.schema.fields.enumerated() {
                t.append(.string(name))
                c.append(.string(f.name))
                ty.append(.string(f.type.rawValue))
                nulls.append(.int(Int64(table.columns[i].nullCount)))
                kind.append(.string(i < stored ? "stored" : "computed"))
                meaning.append(.string(i < stored ? "" : computed[i - stored].summary))
            }
        }
        var fields = [Field("table", .string), Field("column", .string), Field("type", .string), Field("nulls", .int)]
        var columns = [
            Column.from(t, type: .string), Column.from(c, type: .string),
            Column.from(ty, type: .string), Column.from(nulls, type: .int),
        ]
        // Only a listing with computed columns needs to tell them apart.
        if kind.contains(.string("computed")) {
            fields += [Field("kind", .string), Field("meaning", .string)]
            columns += [Column.from(kind, type: .string), Column.from(meaning, type: .string)]
        }
        return Table(schema: Schema(fields), columns: columns)
    }

    /// `set` alone: every setting with its value, where the value comes from, its type and
    /// meaning. `asof` shows the date the measures use, which by default depends on the data.
    func settingsTable() -> Table {
        let specs = Settings.specs
        var values: [Value] = [], origins: [Value] = []
        for spec in specs {
            let value = settings[spec.name] ?? .null
            if spec.name == "asof", value.isNull {
                let date = defaultAsOf
                values.append(.string(date.map { Value.date($0).exactText } ?? ""))
                origins.append(.string(date == nil ? "none: no transactions loaded" : "default: day after last transaction"))
            } else {
                values.append(.string(value.exactText))
                origins.append(.string(value == spec.defaultValue ? "default" : "set"))
            }
        }
        return Table(schema: Schema([
            Field("setting", .string), Field("value", .string), Field("from", .string), Field("type", .string),
            Field("meaning", .string),
        ]), columns: [
            Column.from(specs.map { .string($0.name) }, type: .string),
            Column.from(values, type: .string),
            Column.from(origins, type: .string),
            Column.from(specs.map { .string($0.type.rawValue) }, type: .string),
            Column.from(specs.map { .string($0.summary) }, type: .string),
        ])
    }

    /// `.tables` while connected: the database's tables (rows are not counted: that would
    /// read them whole), then the tables made in the session since connecting.
    func remoteTablesTable(_ database: RemoteDatabase) -> Table {
        var names: [Value] = [], rows: [Value] = [], columns: [Value] = [], from: [Value] = []
        for t in database.tables {
            names.append(.string(t.name))
            rows.append(.null)
            columns.append(.int(Int64(t.schema.count)))
            from.append(.string("database (\(t.databaseSchema))"))
        }
        for name in tableOrder where database.localNames.contains(name) {
            guard let table = tables[name] else { continue }
            names.append(.string(name))
            rows.append(.int(Int64(table.rowCount)))
            columns.append(.int(Int64(table.schema.count)))
            from.append(.string(letNames.contains(name) ? "let" : "load"))
        }
        return Table(schema: Schema([
            Field("name", .string), Field("rows", .int), Field("columns", .int), Field("from", .string),
        ]), columns: [
            Column.from(names, type: .string), Column.from(rows, type: .int),
            Column.from(columns, type: .int), Column.from(from, type: .string),
        ])
    }

    /// `.schema` while connected: each column's crmq type and the database's type.
    func remoteSchemaTable(_ only: String?, _ database: RemoteDatabase) -> Table {
        var t: [Value] = [], c: [Value] = [], ty: [Value] = [], db: [Value] = []
        for table in database.tables where only == nil || only == table.name {
            for (i, f) in table.schema.fields.enumerated() {
                t.append(.string(table.name))
                c.append(.string(f.name))
                ty.append(.string(f.type.rawValue))
                db.append(.string(table.databaseTypes[i]))
            }
        }
        for name in tableOrder where database.localNames.contains(name) && (only == nil || only == name) {
            for f in tables[name]?.schema.fields ?? [] {
                t.append(.string(name))
                c.append(.string(f.name))
                ty.append(.string(f.type.rawValue))
                db.append(.string("(in memory)"))
            }
        }
        return Table(schema: Schema([
            Field("table", .string), Field("column", .string), Field("type", .string), Field("database type", .string),
        ]), columns: [
            Column.from(t, type: .string), Column.from(c, type: .string),
            Column.from(ty, type: .string), Column.from(db, type: .string),
        ])
    }
}
