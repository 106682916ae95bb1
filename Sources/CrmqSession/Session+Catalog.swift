import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM

// The session as the checker's catalog, and why a computed column is missing.
extension Session: Catalog {
    public func tableSchema(_ name: String) -> Schema? {
        if let database = remote {
            let stored = database.localNames.contains(name) ? tables[name]?.schema : database.table(name)?.schema
            guard let schema = stored else { return nil }
            guard name == CRM.customersTable else { return schema }
            return Schema(schema.fields + computedColumns.map { Field($0.name, $0.type) })
        }
        guard let schema = tables[name]?.schema else { return nil }
        guard name == CRM.customersTable else { return schema }
        return Schema(schema.fields + computedColumns.map { Field($0.name, $0.type) })
    }
    public var asOf: Int32? {
        if case .date(let d)? = settings["asof"] { return d }
        return defaultAsOf
    }

    /// The as-of date when `asof` is not set: the day after the last transaction, of the
    /// tables in memory or, while connected, of the database's (or of a local
    /// `transactions` made since connecting). Nil when there is none or the database
    /// cannot say.
    var defaultAsOf: Int32? {
        guard let database = remote, !database.localNames.contains("transactions") else { return store.defaultAsOf }
        return (try? database.defaultAsOf()) ?? nil
    }

    public var aggregateDefinitions: [AggregateDefinition] { CRM.aggregates }

    public func tableFunction(_ name: String) -> TableFunctionSignature? {
        if name.lowercased() == CRM.customersAtDate.name { return CRM.customersAtDate }
        return CRM.tableFunctions[name.lowercased()]?.signature
    }
    public var tableFunctionNames: [String] { CRM.tableFunctions.keys.sorted() }
    public var tableNames: [String] {
        guard let database = remote else { return tableOrder }
        return database.tables.map(\.name) + tableOrder.filter { database.localNames.contains($0) }
    }
    public func scalarValue(_ name: String) -> Value? { scalars[name] }
    public var scalarNames: [String] { scalars.keys.sorted() }
    public func settingType(_ name: String) -> DataType? { Settings.spec(name)?.type }
    public func unavailableColumn(_ name: String) -> (reason: String, remedy: String?)? {
        guard let c = CustomerMeasures.all.first(where: { $0.name == name }), let (why, remedy) = missingInputs(of: c)
        else { return nil }
        return ("'\(name)' is a computed column of customers and \(why)", remedy)
    }
    public func settingAlternativeType(_ name: String) -> DataType? { Settings.alsoInt.contains(name) ? .int : nil }
    public var settingNames: [String] { Settings.specs.map(\.name) }
}

extension Session {
    /// What keeps a computed column from existing now ("needs the transactions table, which
    /// is not loaded"), nil when it exists or `customers` stores a column of its name.
    func missingInputs(of column: ComputedColumn) -> (why: String, remedy: String?)? {
        let stored = remote.map { storedSchemas($0) } ?? tables.mapValues(\.schema)
        guard let customers = stored[CRM.customersTable] else {
            return ("needs the customers table, which is not loaded", nil)
        }
        if customers.index(of: column.name) != nil { return nil }
        if let table = column.needs.first(where: { stored[$0] == nil }) {
            return (
                "needs the \(table) table, which is not loaded",
                "load it with 'load \"path/\(table).csv\"', or start crmq with --data on a folder that has \(table).csv")
        }
        for table in column.needs {
            if let schema = stored[table], let problem = CRM.inputProblem(table, schema: schema) {
                return (
                    "needs the \(table) table, but the loaded one \(problem)",
                    "load a \(table) table with the columns customer_id, date and amount (docs/crm.md)")
            }
        }
        let columnsMissing = column.requires.filter { customers.index(of: $0) == nil }
        if !columnsMissing.isEmpty {
            return (
                "is made from the column\(columnsMissing.count == 1 ? "" : "s") "
                    + columnsMissing.map { "'\($0)'" }.joined(separator: ", ") + ", which customers does not have",
                "'help \(column.name)' gives its rule")
        }
        return nil
    }

    /// The computed columns `customers` has now.
    /// The computed columns `customers` has: from the tables in memory, or while connected
    /// from the database's (and the local ones made since connecting).
    var computedColumns: [ComputedColumn] {
        guard let database = remote else { return CRM.computedColumns(tables: tables) }
        return CRM.computedColumns(stored: storedSchemas(database))
    }
}
