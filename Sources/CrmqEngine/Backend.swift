import CrmqSemantics

/// What runs checked plans for a session: the in-memory engine of this target today; a SQL
/// database (the plan compiled to SQL) or a cluster later. A plan says everything a backend
/// needs: the tables it scans by name, every expression and aggregate resolved, the order of
/// each node's rows (`Plan.order`), and no session state beyond the stored tables it names.
public protocol Backend: AnyObject {
    /// The rows of a checked plan.
    func run(_ plan: Plan) throws(EngineError) -> Table
    /// A scalar expression (it reads no column) evaluated to one value.
    func evaluate(_ expr: BoundExpr) throws(EngineError) -> Value
    /// Stops the plan or expression being run, from another thread or a signal handler: the
    /// run throws `EngineError.cancelled`.
    func cancel()
}
