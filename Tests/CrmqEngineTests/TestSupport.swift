import CrmqEngine
import CrmqSemantics
import CrmqSource
import Testing

/// Builders for hand-made tables, expressions and plans.
let r0 = SourceRange(0, 0)

func col(_ i: Int, _ type: DataType) -> BoundExpr { BoundExpr(.column(i), type: type, range: r0) }
func lit(_ v: Value) -> BoundExpr { BoundExpr(.literal(v), type: v.type, range: r0) }
func lit(_ v: Value, as type: DataType) -> BoundExpr { BoundExpr(.literal(v), type: type, range: r0) }
func call(_ f: ScalarFunction, _ args: [BoundExpr], _ type: DataType) -> BoundExpr {
    BoundExpr(.call(f, args), type: type, range: r0)
}

func table(_ columns: [(String, DataType, [Value])]) -> Table {
    Table(
        schema: Schema(columns.map { Field($0.0, $0.1) }),
        columns: columns.map { Column.from($0.2, type: $0.1) })
}

/// A string column whose dictionary is given explicitly (to test dictionaries that differ).
func stringColumn(_ dictionary: [String], codes: [Int32], nulls: [Int] = []) -> Column {
    var valid = [Bool](repeating: true, count: codes.count)
    for i in nulls { valid[i] = false }
    return Column(.string(codes: codes, dictionary: StringDictionary(dictionary)), validity: valid)
}

func executor(_ tables: [String: Table] = [:], cancellation: CancellationFlag = CancellationFlag()) -> Executor {
    Executor(tables: { tables[$0] }, cancellation: cancellation)
}

func values(_ c: Column) -> [Value] { (0..<c.count).map { c.value(at: $0) } }

func rows(_ t: Table) -> [[Value]] {
    (0..<t.rowCount).map { i in t.columns.map { $0.value(at: i) } }
}

/// Evaluates `expr` over `t` and returns its values.
func eval(_ expr: BoundExpr, _ t: Table = .singleRow) throws -> [Value] {
    let c = try executor().evaluate(expr, over: t)
    #expect(c.count == t.rowCount)
    #expect(c.type == expr.type || c.type == .null)
    return values(c)
}

/// Evaluates a function of literals (a scalar over one row).
func scalar(_ f: ScalarFunction, _ args: [Value], _ type: DataType) throws -> Value {
    try eval(call(f, args.map { lit($0) }, type))[0]
}

func scan(_ name: String, _ t: Table) -> Plan { Plan(.scan(table: name), schema: t.schema) }

func date(_ s: String) -> Value { .date(CivilDate.parse(s)!.days) }

func runtimeMessage(_ body: () throws -> Void) -> EngineMessage? {
    do {
        try body()
        return nil
    } catch let EngineError.runtime(m, _) {
        return m
    } catch {
        return nil
    }
}
