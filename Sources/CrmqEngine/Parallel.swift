import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Loops split over the cores as contiguous row ranges, one per core. Only loops over many
/// rows are split: handing work to another thread costs some microseconds, and below
/// `minimumRows` that is more than the loop saves. Callers write to disjoint slices or combine
/// per-part results in part order, so results never depend on timing.
public enum Parallel {
    /// Cores online when the process started, or `CRMQ_THREADS`; at most 64 (per-core
    /// partial results are sized by it).
    public static let cores: Int = {
        #if canImport(Glibc) || canImport(Darwin)
            if let v = getenv("CRMQ_THREADS"), let k = Int(String(cString: v)), k > 0 { return min(k, 64) }
            let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
            return n > 0 ? min(n, 64) : 1
        #else
            return 1
        #endif
    }()

    /// Rows below which a loop stays on the calling thread.
    public static let minimumRows = 1 << 18

    /// How many parts a loop over `n` rows is split into.
    public static func parts(_ n: Int) -> Int { n >= minimumRows ? cores : 1 }

    /// The `part`-th of `parts` contiguous ranges covering `0..<n`.
    public static func range(_ part: Int, of parts: Int, _ n: Int) -> Range<Int> {
        let size = (n + parts - 1) / Swift.max(parts, 1)
        return Swift.min(n, part * size)..<Swift.min(n, (part + 1) * size)
    }

    /// Runs `body(part, rows)` over `parts` ranges covering `0..<n`, concurrently when there
    /// is more than one part. Each call must write only what belongs to its part (its slice of
    /// an output, its own slot of per-part results): the compiler cannot check that for the
    /// raw buffers these loops use, hence the unchecked box.
    @inline(__always)
    public static func forEach(_ n: Int, parts: Int, _ body: (_ part: Int, _ rows: Range<Int>) -> Void) {
        if parts <= 1 {
            body(0, 0..<n)
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in shared.value(p, range(p, of: parts, n)) }
        }
    }

    /// `forEach` with as many parts as `n` rows are worth.
    @inline(__always)
    public static func forEach(_ n: Int, _ body: (_ part: Int, _ rows: Range<Int>) -> Void) {
        forEach(n, parts: parts(n), body)
    }

    /// An array of `n` elements, each part of it written by `body` on its own core.
    /// `body` must initialise every element of the range it is given.
    @inline(__always)
    public static func array<T>(_ n: Int, _ body: (_ out: UnsafeMutableBufferPointer<T>, _ rows: Range<Int>) -> Void)
        -> [T]
    {
        [T](unsafeUninitializedCapacity: n) { buffer, count in
            let out = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
            forEach(n) { _, rows in body(out, rows) }
            count = n
        }
    }

    /// `array`, with `body` given chunks of `chunkSize` rows and `cancel` polled between them:
    /// a loop over a hundred million rows otherwise ran 100 ms and more past Ctrl-C. Throws
    /// `.cancelled` (with no array) when the flag was set before the last chunk was written.
    @inline(__always)
    public static func array<T: BitwiseCopyable>(
        _ n: Int, cancel: CancellationFlag, _ body: (_ out: UnsafeMutableBufferPointer<T>, _ rows: Range<Int>) -> Void
    ) throws(EngineError) -> [T] {
        var cancelled = false
        let result = [T](unsafeUninitializedCapacity: n) { buffer, count in
            let out = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
            forEach(n) { _, rows in
                var start = rows.lowerBound
                while start < rows.upperBound, !cancel.isCancelled {
                    let end = Swift.min(start + chunkSize, rows.upperBound)
                    body(out, start..<end)
                    start = end
                }
            }
            // Rows a cancelled part left unwritten are never read: the array is dropped.
            cancelled = cancel.isCancelled
            count = cancelled ? 0 : n
        }
        if cancelled { throw .cancelled }
        return result
    }

    /// `forEach` where each part goes through its rows in chunks of `chunkSize`, polling
    /// `cancel` between them; `body(part, rows)` is called once per chunk, in order within a
    /// part. Throws `.cancelled` when the flag was set before the last chunk was done.
    @inline(__always)
    public static func forEachChunk(
        _ n: Int, parts: Int, cancel: CancellationFlag, _ body: (_ part: Int, _ rows: Range<Int>) -> Void
    ) throws(EngineError) {
        forEach(n, parts: parts) { part, rows in
            var start = rows.lowerBound
            while start < rows.upperBound, !cancel.isCancelled {
                let end = Swift.min(start + chunkSize, rows.upperBound)
                body(part, start..<end)
                start = end
            }
        }
        try cancel.check()
    }
}

/// A value handed to the parts of a parallel loop, which use it without overlapping writes.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
