import CrmqSemantics
import CrmqEngine
import CrmqCRM

/// The session's storage: tables by name (loaded files and `let`-bound query results) and
/// scalar `let` values. A name is a table or a scalar, never both.
final class TableStore {
    private(set) var tables: [String: Table] = [:]
    /// Table names in the order they were made, for `.tables`.
    private(set) var order: [String] = []
    /// Names that came from `let` rather than `load` (shown as such by `.tables`).
    private(set) var letNames: Set<String> = []
    private(set) var scalars: [String: Value] = [:]
    /// Told the name of each table added, replaced or removed (the backend drops what it
    /// computed from it).
    var changed: (String) -> Void = { _ in }
    /// The as-of date when `asof` is null (the day after the last transaction), computed once
    /// per transactions table: every statement that reads customers needs it.
    private var defaultAsOfMemo: Int32??

    var defaultAsOf: Int32? {
        if let memo = defaultAsOfMemo { return memo }
        let d = CRM.defaultAsOf(transactions: tables["transactions"])
        defaultAsOfMemo = .some(d)
        return d
    }

    subscript(name: String) -> Table? { tables[name] }

    /// Keeps a table under a name, replacing a table or scalar of that name. Int columns are
    /// kept in their compact forms (`Column.compacted`: 8 bits, a sequence, 32 bits).
    func store(_ table: Table, as name: String, fromLet: Bool) {
        if tables[name] == nil { order.append(name) }
        var table = table
        table.columns = table.columns.map { $0.compacted() }
        tables[name] = table
        if fromLet { letNames.insert(name) } else { letNames.remove(name) }
        scalars[name] = nil
        if name == "transactions" { defaultAsOfMemo = nil }
        changed(name)
    }

    /// Forgets a table (rows fetched from a database for one statement).
    func remove(_ name: String) {
        guard tables.removeValue(forKey: name) != nil else { return }
        order.removeAll { $0 == name }
        letNames.remove(name)
        if name == "transactions" { defaultAsOfMemo = nil }
        changed(name)
    }

    /// Keeps a scalar under a name, replacing a table or scalar of that name.
    func store(_ value: Value, as name: String) {
        scalars[name] = value
        guard tables.removeValue(forKey: name) != nil else { return }
        order.removeAll { $0 == name }
        if name == "transactions" { defaultAsOfMemo = nil }
        changed(name)
    }
}
