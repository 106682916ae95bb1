import Dispatch
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zeroed memory for per-customer accumulators that a pass over the transactions updates at
/// random, one per part of a parallel pass; freed with the object. `T` must be a plain value
/// type whose all-zero bits are its starting value. (Asking for transparent huge pages made
/// no measurable difference on the 2-core VM, so this is plain calloc.)
final class Scratch<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(zeroed count: Int) {
        self.count = count
        pointer = calloc(max(1, count), MemoryLayout<T>.stride)!.bindMemory(to: T.self, capacity: max(1, count))
    }

    deinit { free(pointer) }

    var buffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}

/// A value the parts of a parallel step fill in, under a lock.
final class SendableBox<T>: @unchecked Sendable {
    var value: T
    let lock = Mutex(())
    init(_ value: T) { self.value = value }
}

/// How many parts a pass over `n` rows is split into: one per core, one for small inputs.
func partCount(rows n: Int) -> Int {
    n >= 1 << 20 ? max(1, min(ProcessInfoCores.count, 8)) : 1
}

/// Splits `0..<n` into `parts` contiguous ranges and runs `body(part, rows)` on each
/// concurrently.
func inParallel(rows n: Int, parts: Int, _ body: @Sendable (_ part: Int, _ rows: Range<Int>) -> Void) {
    let size = (n + parts - 1) / max(parts, 1)
    if parts <= 1 {
        body(0, 0..<n)
        return
    }
    DispatchQueue.concurrentPerform(iterations: parts) { p in
        body(p, min(n, p * size)..<min(n, (p + 1) * size))
    }
}

enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
            let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
            return n > 0 ? n : 1
        #else
            return 1
        #endif
    }()
}

