import CrmqSemantics
import CrmqEngine
import CrmqCRM

/// The computed customer columns computed so far for the current tables and settings.
/// A change to `customers`, `transactions`, `interactions` or any setting empties it.
struct MeasureCache {
    private var columns: [String: Column] = [:]

    mutating func invalidate() { columns = [:] }

    /// `customers` with every computed column appended: those in `needed` computed (or
    /// taken from the cache), the others all-null placeholders that no node reads.
    mutating func customers(
        _ customers: Table, with computed: [ComputedColumn], needed: Set<String>, inputs: CRMInputs
    ) throws(EngineError) -> Table {
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
