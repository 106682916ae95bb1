import CrmqEngine
import CrmqSemantics
@testable import CrmqCRM

/// Builders for hand-made transaction tables and calls of the CRM table functions.
func table(_ columns: [(String, DataType, [Value])]) -> Table {
    Table(
        schema: Schema(columns.map { Field($0.0, $0.1) }),
        columns: columns.map { Column.from($0.2, type: $0.1) })
}

func day(_ text: String) -> Value { .date(CivilDate.parse(text)!.days) }

/// A transactions table: (customer, date, amount) rows, in the default column names.
func transactions(_ rows: [(Int64?, String?, Double?)]) -> Table {
    table([
        ("customer_id", .int, rows.map { $0.0.map(Value.int) ?? .null }),
        ("date", .date, rows.map { $0.1.map(day) ?? .null }),
        ("amount", .double, rows.map { $0.2.map(Value.double) ?? .null }),
    ])
}

enum CallError: Error { case problem(String, option: String?) }

/// Binds a call as the checker would (options written as column names or values), then runs it.
func call(
    _ name: String, _ input: Table, _ options: [String: TableFunctionOption] = [:], asof: Value = .null
) throws -> Table {
    let f = CRM.tableFunctions[name]!
    switch f.signature.bind(input.schema, options) {
    case .failure(let p): throw CallError.problem(p.message, option: p.option)
    case .success(let bound):
        let result = try f.run(input, bound.options, ["asof": asof], CancellationFlag())
        precondition(result.schema == bound.schema, "the result has the schema bind promised")
        return result
    }
}

/// What is wrong with a call, or nil when it binds.
func problem(_ name: String, _ schema: Schema, _ options: [String: TableFunctionOption] = [:]) -> TableFunctionProblem? {
    if case .failure(let p) = CRM.tableFunctions[name]!.signature.bind(schema, options) { return p }
    return nil
}

func rows(_ t: Table) -> [[Value]] {
    (0..<t.rowCount).map { i in t.columns.map { $0.value(at: i) } }
}

func column(_ t: Table, _ name: String) -> [Value] {
    let c = t.column(named: name)!
    return (0..<c.count).map { c.value(at: $0) }
}

func ints(_ t: Table, _ name: String) -> [Int64] {
    column(t, name).map { if case .int(let v) = $0 { v } else { -1 } }
}
