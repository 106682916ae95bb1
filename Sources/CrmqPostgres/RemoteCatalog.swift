import PostgresNIO
import CrmqSemantics
import CrmqSQL

/// How PostgreSQL's types become crmq's (docs/backends.md, "Types"):
///
/// | PostgreSQL | crmq |
/// |---|---|
/// | smallint, integer, bigint | int |
/// | real, double precision, numeric | double |
/// | text, varchar, char, name | string |
/// | date; timestamp, timestamptz (the day) | date |
/// | boolean | bool |
/// | an enum type | an ordered category of its labels, in their order |
/// | anything else (uuid, json, arrays ...) | string, as PostgreSQL writes it as text |
public enum PostgresTypes {
    /// crmq's type of a column and the SQL that reads the column as that type.
    static func map(dataType: String, udtName: String, column: String, enumLabels: [String]?) -> (DataType, String) {
        let c = PostgresDialect().quote(column)
        switch dataType {
        case "smallint", "integer", "bigint": return (.int, "\(c)::int8")
        case "real", "double precision", "numeric", "decimal": return (.double, "\(c)::float8")
        case "text", "character varying", "character", "name", "\"char\"": return (.string, "\(c)::text")
        case "date": return (.date, c)
        case "timestamp without time zone", "timestamp with time zone": return (.date, "\(c)::date")
        case "boolean": return (.bool, c)
        default:
            if let labels = enumLabels, !labels.isEmpty {
                return (.category(CategoryType(labels)), "\(c)::text")
            }
            return (.string, "\(c)::text")
        }
    }
}

extension PostgresClient {
    /// The tables and views of the schemas on the search path, in path order, then by name.
    public func remoteTables() throws(ConnectionError) -> [DatabaseTable] {
        let enumRows = try rows(SQLStatement("""
            SELECT n.nspname::text, t.typname::text, e.enumlabel::text
            FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
            ORDER BY 1, 2, e.enumsortorder
            """))
        var enums: [String: [String]] = [:]
        for row in enumRows {
            guard let (schema, type, label) = try? row.decode((String, String, String).self) else { continue }
            enums[schema + "." + type, default: []].append(label)
        }
        let columnRows = try rows(SQLStatement("""
            SELECT c.table_schema::text, c.table_name::text, c.column_name::text, c.data_type::text,
                   c.udt_schema::text, c.udt_name::text,
                   array_position(current_schemas(false), c.table_schema::name)::int4
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema::name = ANY (current_schemas(false))
            ORDER BY 7, 2, c.ordinal_position
            """))
        var tables: [DatabaseTable] = []
        var index: [String: Int] = [:]
        let dialect = PostgresDialect()
        for row in columnRows {
            guard let (schema, table, column, dataType, udtSchema, udtName, _) =
                try? row.decode((String, String, String, String, String, String, Int32?).self)
            else { continue }
            let i: Int
            if let existing = index[table] {
                guard tables[existing].databaseSchema == schema else { continue }  // shadowed by an earlier schema
                i = existing
            } else {
                i = tables.count
                index[table] = i
                tables.append(DatabaseTable(
                    name: table, databaseSchema: schema, schema: Schema([]), databaseTypes: [],
                    relation: SQLRelation(qualifiedName: dialect.quote(schema) + "." + dialect.quote(table), columns: [:])))
            }
            let (type, read) = PostgresTypes.map(
                dataType: dataType, udtName: udtName, column: column, enumLabels: enums[udtSchema + "." + udtName])
            tables[i].schema.fields.append(Field(column, type))
            tables[i].databaseTypes.append(dataType == "USER-DEFINED" ? udtName : dataType)
            tables[i].relation.columns[column] = read
        }
        return tables
    }
}
