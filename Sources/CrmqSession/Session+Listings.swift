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
    /// `.tables`: each table's rows and columns; `customers` counts its computed columns
    /// too, and says how many of its columns are computed.
    func tablesTable() -> Table {
        let names = tableOrder
        let computed = computedColumns.count
        func extra(_ name: String) -> Int { name == CRM.customersTable ? computed : 0 }
        return Table(schema: Schema([
            Field("name", .string), Field("rows", .int), Field("columns", .int), Field("computed", .int),
            Field("from", .string),
        ]), columns: [
            Column.from(names.map { .string($0) }, type: .string),
            Column.from(names.map { .int(Int64(tables[$0]?.rowCount ?? 0)) }, type: .int),
            Column.from(names.map { .int(Int64((tables[$0]?.schema.count ?? 0) + extra($0))) }, type: .int),
            Column.from(names.map { .int(Int64(extra($0))) }, type: .int),
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
                let date = CRM.defaultAsOf(transactions: tables["transactions"])
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
}
