import CrmqSemantics
import CrmqEngine

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

    subscript(name: String) -> Table? { tables[name] }

    /// Keeps a table under a name, replacing a table or scalar of that name.
    func store(_ table: Table, as name: String, fromLet: Bool) {
        if tables[name] == nil { order.append(name) }
        tables[name] = table
        if fromLet { letNames.insert(name) } else { letNames.remove(name) }
        scalars[name] = nil
        changed(name)
    }

    /// Keeps a scalar under a name, replacing a table or scalar of that name.
    func store(_ value: Value, as name: String) {
        scalars[name] = value
        guard tables.removeValue(forKey: name) != nil else { return }
        order.removeAll { $0 == name }
        changed(name)
    }
}
