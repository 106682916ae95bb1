/// What the checker may ask about the session's names: tables (loaded or `let`-bound),
/// scalar `let` values, and settings. The session implements it; tests use a fixture.
public protocol Catalog {
    /// The schema of a table or `let`-bound query result, nil if there is none by that name.
    func tableSchema(_ name: String) -> Schema?
    /// All table names, for suggestions.
    var tableNames: [String] { get }
    /// The value of a scalar `let` binding, nil if there is none by that name.
    func scalarValue(_ name: String) -> Value?
    var scalarNames: [String] { get }
    /// The type a setting takes, nil if there is no such setting.
    func settingType(_ name: String) -> DataType?
    var settingNames: [String] { get }
    /// A second type a setting takes as it is (`memory_limit`: a size as text, or bytes as
    /// an int), nil if none; the session validates and interprets the value.
    func settingAlternativeType(_ name: String) -> DataType?
    /// A table function by name (case-insensitive), nil if there is none.
    func tableFunction(_ name: String) -> TableFunctionSignature?
    var tableFunctionNames: [String] { get }
    /// Why a column the checker cannot find would exist in another state of the session
    /// (a computed column of `customers` whose `transactions` table is not loaded), as a
    /// sentence and a note on what to do; nil when the name means nothing special.
    func unavailableColumn(_ name: String) -> (reason: String, remedy: String?)?
    /// The as-of date the CRM measures count from (days since 1970-01-01), nil if there is
    /// none: what `retention_rate(months = 12)` counts back from.
    var asOf: Int32? { get }
    /// The aggregates defined in crmq over the basic ones (the CRM layer's `retention_rate`,
    /// `nps`, ...), bound by expanding their bodies.
    var aggregateDefinitions: [AggregateDefinition] { get }
}

extension Catalog {
    public func settingAlternativeType(_ name: String) -> DataType? { nil }
    public func tableFunction(_ name: String) -> TableFunctionSignature? { nil }
    public var tableFunctionNames: [String] { [] }
    public func unavailableColumn(_ name: String) -> (reason: String, remedy: String?)? { nil }
    public var asOf: Int32? { nil }
    public var aggregateDefinitions: [AggregateDefinition] { [] }
}
