import CrmqSemantics

/// Runs checked plans over the session's tables, a whole column at a time.
public struct Executor {
    public init(tables: @escaping @Sendable (String) -> Table?, cancellation: CancellationFlag) {
        fatalError("Executor is being written")
    }
    public func execute(_ plan: Plan) throws(EngineError) -> Table {
        fatalError("Executor is being written")
    }
    /// The expression's value for every row of `table`.
    public func evaluate(_ expr: BoundExpr, over table: Table) throws(EngineError) -> Column {
        fatalError("Executor is being written")
    }
}
