import CAllocator

/// The process's allocation policy. The engine allocates column-sized arrays (tens of MB at a
/// million rows) for every step of a query and frees them at the next; glibc gives blocks that
/// big fresh mmap'd pages each time, and faulting and zeroing those pages took about 15% of a
/// join-and-group query's time in a profile. Programs running queries (crmq, crmq-bench) call
/// `keepFreedMemory()` once at start so freed blocks are reused: resident memory then stays
/// near its peak between queries instead of dropping, as a database's buffer pool does. On the
/// benchmark's 1M-customer join and group-by queries this made them 1.5-2.5x faster.
public enum Allocator {
    public static func keepFreedMemory() { crmq_keep_freed_memory() }

    /// Gives the kept free memory back to the system: after loading a file, whose bytes and
    /// parsing temporaries are freed at once and are not the shape later queries reuse.
    public static func releaseFreedMemory() { crmq_release_freed_memory() }
}
