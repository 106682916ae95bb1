import CrmqEngine
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

/// How many parts a pass over `n` transactions is split into: one per core (`Parallel`,
/// at most 8), one below a million rows, where each part's customer-sized totals cost more
/// to make and merge than the split saves.
func partCount(rows n: Int) -> Int {
    n >= 1 << 20 ? max(1, min(Parallel.cores, 8)) : 1
}
