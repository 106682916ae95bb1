import Dispatch
import Synchronization

/// Async work (the Spark Connect client's gRPC calls, PostgreSQL's COPY) run from crmq's
/// synchronous statements. The work runs on a task executor of its own, a dispatch queue
/// outside Swift's cooperative pool: a caller that blocks a pool thread to wait for work
/// needing the pool deadlocks once every pool thread waits (as in a test run with many
/// tests at once).
public enum AsyncBridge {
    /// The executor the bridged work runs on; start long-lived tasks on it too
    /// (`Task(executorPreference: AsyncBridge.executor)`).
    public static let executor = BridgeExecutor()

    /// Runs `work` and waits for it, calling `whileWaiting` every 20 ms (to pass on Ctrl-C).
    public static func wait<T: Sendable>(whileWaiting: () -> Void, _ work: @escaping @Sendable () async throws -> T)
        -> Result<T, any Error>
    {
        let box = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: executor) {
            let r: Result<T, any Error>
            do { r = .success(try await work()) } catch { r = .failure(error) }
            box.withLock { $0 = r }
            done.signal()
        }
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut { whileWaiting() }
        return box.withLock { $0! }
    }
}

/// `AsyncBridge`'s task executor: a concurrent dispatch queue.
public final class BridgeExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "crmq.async-bridge", attributes: .concurrent)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
