import CrmqSemantics
import CrmqEngine

/// `customers(asof = date)`: the customers table as it stood at another date than the
/// session's asof, with every computed column as of that date. Two of them joined on
/// customer_id compare the customer base at two dates (a stage migration matrix).
extension CRM {
    public static let customersAtDate = TableFunctionSignature(
        name: "customers", usage: "customers(asof = date)",
        summary: "customers as of a date: signed up by then, churn and purchases up to then",
        example: """
            customers(asof = date("2024-07-01")) | select customer_id, before = loyalty_stage
              | join (customers | select customer_id, after = loyalty_stage) on customer_id
              | count by before, after
            """,
        options: ["asof"], source: customersTable
    ) { input, options in
        switch options["asof"] {
        case .value(.date(let d))?:
            return .success((["asof": .date(d)], input))
        case .value(.string(let s))? where CivilDate.parse(s) != nil:
            return .success((["asof": .date(CivilDate.parse(s)!.days)], input))
        case nil:
            return .failure(TableFunctionProblem(
                "customers(...) needs the option asof, e.g. customers(asof = date(\"2025-01-01\"))"))
        default:
            return .failure(TableFunctionProblem(
                "customers's option asof takes a date, e.g. asof = date(\"2025-01-01\")", option: "asof"))
        }
    }

    /// The computed columns `customers` has with these tables loaded (input tables that
    /// cannot feed the measures count as not loaded).
    public static func computedColumns(tables: [String: Table]) -> [ComputedColumn] {
        computedColumns(stored: tables.mapValues(\.schema))
    }

    /// The same from the stored tables' schemas (a connected database's).
    public static func computedColumns(stored: [String: Schema]) -> [ComputedColumn] {
        guard let customers = stored[customersTable] else { return [] }
        let usable = stored.filter { inputProblem($0.key, schema: $0.value) == nil }
        return computedColumns(customers: customers, loaded: Set(usable.keys))
    }

    /// `customers` as of `asOf` with every computed column as of that date.
    public static func customers(
        asOf: Int32, tables: [String: Table], settings: [String: Value], cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        guard let stored = tables[customersTable] else { throw .missingTable(customersTable) }
        var settings = settings
        settings["asof"] = .date(asOf)
        let view = customersAsOf(stored, asOf: asOf)
        let inputs = CRMInputs(
            customers: view, transactions: tables["transactions"], interactions: tables["interactions"],
            settings: settings, cancellation: cancellation)
        var fields = view.schema.fields
        var columns = view.columns
        for c in computedColumns(tables: tables) {
            fields.append(Field(c.name, c.type))
            columns.append(try c.compute(inputs))
        }
        return Table(schema: Schema(fields), columns: columns, rowCount: view.rowCount)
    }
}
