import Synchronization

/// Set from a signal handler or another thread to stop the running statement;
/// long operators poll it between chunks of rows and throw `EngineError.cancelled`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Throws if cancelled; call every few thousand rows.
    @inline(__always)
    public func check() throws(EngineError) {
        if flag.load(ordering: .relaxed) { throw .cancelled }
    }
}
