import Synchronization

/// Set from a signal handler or another thread to stop the running statement;
/// long operators poll it between chunks of rows and throw `EngineError.cancelled`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    private let polls = Atomic<Int>(0)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() {
        flag.store(false, ordering: .relaxed)
        polls.store(0, ordering: .relaxed)
    }

    /// Whether the flag is set; counts as a poll in a debug build (the tests'), so that
    /// a release build's parallel loops do not share a counter's cache line.
    public var isCancelled: Bool {
        #if DEBUG
        polls.add(1, ordering: .relaxed)
        #endif
        return flag.load(ordering: .relaxed)
    }

    /// Throws if cancelled; call every few thousand rows (`chunkSize`).
    @inline(__always)
    public func check() throws(EngineError) {
        if isCancelled { throw .cancelled }
    }

    /// How many times the flag was polled since it was made or reset: tests use it to see
    /// that a long loop polls every chunk of rows (Ctrl-C is then noticed within
    /// milliseconds), without timing anything. Always 0 in a release build.
    public var pollCount: Int { polls.load(ordering: .relaxed) }
}
