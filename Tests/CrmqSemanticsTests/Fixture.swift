import CrmqSemantics
import CrmqCRM

/// The catalog the tests check against: two tables, a scalar `let`, a table `let`, settings,
/// and the CRM layer's defined aggregates (retention_rate, nps, ...).
struct FixtureCatalog: Catalog {
    var tables: [String: Schema] = [
        "customers": Schema([
            Field("customer_id", .int), Field("name", .string), Field("region", .string),
            Field("signup_date", .date), Field("satisfaction", .int), Field("churned", .int),
            Field("category_spend", .double), Field("recommend", .int),
        ]),
        "transactions": Schema([
            Field("txn_id", .int), Field("customer_id", .int), Field("date", .date),
            Field("amount", .double), Field("category", .string),
        ]),
        "vip": Schema([Field("customer_id", .int), Field("name", .string)]),
    ]
    var scalars: [String: Value] = ["threshold": .int(50), "cutoff": .string("2025-01-01"), "rate": .double(0.5)]
    var settings: [String: DataType] = ["asof": .date, "margin": .double, "horizon": .int]

    func tableSchema(_ name: String) -> Schema? { tables[name] }
    var tableNames: [String] { tables.keys.sorted() }
    func scalarValue(_ name: String) -> Value? { scalars[name] }
    var scalarNames: [String] { scalars.keys.sorted() }
    func settingType(_ name: String) -> DataType? { settings[name] }
    var settingNames: [String] { settings.keys.sorted() }
    var aggregateDefinitions: [AggregateDefinition] { CRM.aggregates }
}
