import CrmqSemantics
import CrmqEngine
import CrmqCRM

/// `customers` as of the as-of date and the computed customer columns computed so far, for
/// the current tables and settings. A change to `customers`, `transactions`, `interactions`
/// or any setting empties it.
struct MeasureCache {
    private var columns: [String: Column] = [:]
    private var view: Table?

    mutating func invalidate() {
        columns = [:]
        view = nil
    }

    /// `customers` as it stood at the as-of date (`CRM.customersAsOf`): what every query and
    /// measure reads.
    mutating func asOfView(_ customers: Table, inputs: CRMInputs) -> Table {
        if let view { return view }
        let v = CRM.customersAsOf(customers, asOf: CRM.asOf(settings: inputs.settings, transactions: inputs.transactions))
        view = v
        return v
    }

    /// `customers` (as of the as-of date) with every computed column appended: those in
    /// `needed` computed (or taken from the cache), the others all-null placeholders that no
    /// node reads.
    mutating func customers(
        _ stored: Table, with computed: [ComputedColumn], needed: Set<String>, inputs: CRMInputs
    ) throws(EngineError) -> Table {
        let customers = asOfView(stored, inputs: inputs)
        var inputs = inputs
        inputs.customers = customers
        var fields = customers.schema.fields
        var all = customers.columns
        for c in computed {
            fields.append(Field(c.name, c.type))
            if needed.contains(c.name) {
                if columns[c.name] == nil { columns[c.name] = try c.compute(inputs) }
                all.append(columns[c.name]!)
            } else {
                all.append(Column(.null(count: customers.rowCount)))
            }
        }
        return Table(schema: Schema(fields), columns: all, rowCount: customers.rowCount)
    }
}
