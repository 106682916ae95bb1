import CrmqSemantics

/// A sort key normalised to 64-bit integers whose ascending order is the requested order
/// (descending keys are complemented, strings are byte-order ranks, doubles are order-preserving
/// bit patterns), with validity kept apart so nulls sort last in both directions.
struct NormalizedKey {
    var values: [Int64]
    var validity: [Bool]?

    /// `cancel` is polled every chunk of rows (a key of 120M rows took 100 ms and more).
    init(_ c: Column, descending: Bool, cancel: CancellationFlag? = nil) throws(EngineError) {
        // Descending keys are complemented in the same pass that normalises them.
        let flip: Int64 = descending ? ~0 : 0
        var v: [Int64]
        if let small = c.smallInts {
            v = try mapPolling(small.values, cancel) { Int64($0) ^ flip }
            self.values = v
            self.validity = c.validity
            return
        }
        if let words = c.int32s {
            v = try mapPolling(words.values, cancel) { Int64($0) ^ flip }
            self.values = v
            self.validity = c.validity
            return
        }
        switch c.values {
        case .int(let a): v = descending ? try mapPolling(a, cancel) { ~$0 } : a
        case .date(let a): v = try mapPolling(a, cancel) { Int64($0) ^ flip }
        case .bool(let a): v = try mapPolling(a, cancel) { ($0 ? 1 : 0) ^ flip }
        case .double(let a): v = try mapPolling(a, cancel) { NormalizedKey.orderedBits($0) ^ flip }
        case .string(let codes, let d):
            v = try StringRanks([d]).ranks[0].withUnsafeBufferPointer { (r) throws(EngineError) in
                try mapPolling(codes, cancel) { Int64(r[Int($0)]) ^ flip }
            }
        case .null(let count):
            v = [Int64](repeating: 0, count: count)
        }
        var validity = c.validity
        if !c.isCompact, case .null(let count) = c.values { validity = [Bool](repeating: false, count: count) }
        self.values = v
        self.validity = validity
    }

    /// A double's bits as an integer with the same order: -0.0 equals 0.0, NaN sorts above +inf.
    @inline(__always)
    static func orderedBits(_ x: Double) -> Int64 {
        let y = x == 0 ? 0 : (x.isNaN ? Double.nan : x)
        let bits = y.bitPattern
        let u = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return Int64(bitPattern: u ^ (1 << 63))
    }
}

/// `a.map(f)` on the calling thread, a chunk of rows at a time, polling `cancel` between chunks.
@inline(__always)
func mapPolling<T, U: BitwiseCopyable>(_ a: [T], _ cancel: CancellationFlag?, _ f: (T) -> U) throws(EngineError) -> [U] {
    var cancelled = false
    let out = [U](unsafeUninitializedCapacity: a.count) { b, count in
        a.withUnsafeBufferPointer { a in
            var start = 0
            while start < a.count {
                if cancel?.isCancelled == true {
                    cancelled = true
                    break
                }
                let end = Swift.min(start + chunkSize, a.count)
                for i in start..<end { b.initializeElement(at: i, to: f(a[i])) }
                start = end
            }
        }
        // A cancelled map's rows are trivial and dropped unread.
        count = cancelled ? 0 : a.count
    }
    if cancelled { throw .cancelled }
    return out
}

/// Row numbers `0..<keys.count` in ascending key order, ties in row order: a stable LSD
/// radix sort (the CRM scores rank a million customers with it, 3x faster than a
/// comparison sort of packed keys).
public func radixOrder(_ keys: [UInt64], cancel: CancellationFlag) throws(EngineError) -> [Int32] {
    try Sorting.radixSort(keys, (0..<Int32(keys.count)).map { $0 }, cancel: cancel)
}

/// Stable multi-key sorting and top-N by index permutation.
enum Sorting {
    /// The row order of a stable sort by `keys`: least significant key first, each pass a
    /// stable LSD radix sort of the permutation, then nulls moved behind (stably), so that the
    /// later, more significant keys decide and earlier order breaks ties. No comparisons at all.
    static func permutation(_ keys: [NormalizedKey], n: Int, cancel: CancellationFlag) throws(EngineError) -> [Int32] {
        var perm = (0..<Int32(n)).map { $0 }
        for key in keys.reversed() {
            try cancel.check()
            let ordered = try orderedKeys(key.values, in: perm, cancel: cancel)
            perm = try radixSort(ordered, perm, cancel: cancel)
            if let valid = key.validity {
                try cancel.check()
                var out = perm.filter { valid[Int($0)] }
                out.append(contentsOf: perm.lazy.filter { !valid[Int($0)] })
                perm = out
            }
        }
        return perm
    }

    /// `values` in the order of `perm`, as unsigned keys with the same order (the sign bit
    /// flipped). Checks for cancellation between chunks: on tens of millions of rows this
    /// random-access gather alone is longer than Ctrl-C may take.
    private static func orderedKeys(_ values: [Int64], in perm: [Int32], cancel: CancellationFlag)
        throws(EngineError) -> [UInt64]
    {
        let n = perm.count
        var cancelled = false
        let ordered = [UInt64](unsafeUninitializedCapacity: n) { out, count in
            values.withUnsafeBufferPointer { v in
                perm.withUnsafeBufferPointer { p in
                    var start = 0
                    while start < n {
                        if cancel.isCancelled {
                            cancelled = true
                            break
                        }
                        let end = Swift.min(n, start + chunkSize)
                        for i in start..<end {
                            out.initializeElement(at: i, to: UInt64(bitPattern: v[Int(p[i])]) ^ (1 << 63))
                        }
                        start = end
                    }
                    count = start
                }
            }
        }
        if cancelled { throw .cancelled }
        return ordered
    }

    /// `rows` reordered by `keys` (parallel arrays), stably; byte positions where every key
    /// agrees are skipped, so small ranges (ranks, dates, small ints) take one or two passes.
    static func radixSort(_ keys: [UInt64], _ rows: [Int32], cancel: CancellationFlag) throws(EngineError) -> [Int32] {
        let n = keys.count
        guard n > 1 else { return rows }
        // Every loop over the rows checks for cancellation between chunks (`chunks`), so
        // Ctrl-C stops a sort of tens of millions of rows within a chunk, not a whole pass.
        var counts = [Int](repeating: 0, count: 8 * 256)
        try cancel.chunks(n) { range in
            keys.withUnsafeBufferPointer { k in
                counts.withUnsafeMutableBufferPointer { c in
                    for i in range {
                        let x = k[i]
                        for b in 0..<8 { c[b * 256 + Int((x >> UInt64(8 * b)) & 0xFF)] += 1 }
                    }
                }
            }
        }
        var keys = keys, rows = rows
        var keys2 = [UInt64](repeating: 0, count: n), rows2 = [Int32](repeating: 0, count: n)
        for b in 0..<8 {
            let c = counts[(b * 256)..<(b * 256 + 256)]
            if c.contains(n) { continue }  // every key has the same byte here
            var offsets = [Int](repeating: 0, count: 256)
            var sum = 0
            for (i, x) in c.enumerated() {
                offsets[i] = sum
                sum += x
            }
            let shift = UInt64(8 * b)
            try cancel.chunks(n) { range in
                keys.withUnsafeBufferPointer { k in
                    rows.withUnsafeBufferPointer { r in
                        keys2.withUnsafeMutableBufferPointer { k2 in
                            rows2.withUnsafeMutableBufferPointer { r2 in
                                offsets.withUnsafeMutableBufferPointer { o in
                                    for i in range {
                                        let d = Int((k[i] >> shift) & 0xFF)
                                        let at = o[d]
                                        k2[at] = k[i]
                                        r2[at] = r[i]
                                        o[d] = at + 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keys2)
            swap(&rows, &rows2)
        }
        return rows
    }

    /// The first `count` rows of the stable sort by `keys`, without sorting everything: a
    /// bounded max-heap of the best rows so far. Rows arrive in order, so a later row that ties
    /// with the worst kept one never displaces it, which keeps ties stable. Most rows lose to
    /// the worst kept one on the first key alone, so that is tested first, straight from the
    /// key's array; the other keys are read only on a tie.
    static func topN(_ keys: [NormalizedKey], n: Int, count: Int, cancel: CancellationFlag) throws(EngineError)
        -> [Int32]
    {
        let k = min(count, n)
        if k <= 0 { return [] }
        if k * 8 >= n { return Array(try permutation(keys, n: n, cancel: cancel).prefix(k)) }
        /// Row i before row j: by the keys (nulls last), then by position.
        func less(_ i: Int32, _ j: Int32) -> Bool {
            let a = Int(i), b = Int(j)
            for key in keys {
                if let valid = key.validity {
                    if valid[a] != valid[b] { return valid[a] }
                    if !valid[a] { continue }
                }
                let x = key.values[a], y = key.values[b]
                if x != y { return x < y }
            }
            return i < j
        }
        var heap = [Int32]()
        heap.reserveCapacity(k)
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var top = i
                if l < heap.count, less(heap[top], heap[l]) { top = l }
                if r < heap.count, less(heap[top], heap[r]) { top = r }
                if top == i { return }
                heap.swapAt(i, top)
                i = top
            }
        }
        func siftUp(_ start: Int) {
            var i = start
            while i > 0 {
                let parent = (i - 1) / 2
                guard less(heap[parent], heap[i]) else { return }
                heap.swapAt(i, parent)
                i = parent
            }
        }
        let first = keys[0]
        try first.values.withUnsafeBufferPointer { (v) throws(EngineError) in
            try (first.validity ?? []).withUnsafeBufferPointer { (valid) throws(EngineError) in
                let nullable = first.validity != nil
                try cancel.chunks(n) { range in
                    for i in range {
                        let row = Int32(i)
                        if heap.count < k {
                            heap.append(row)
                            siftUp(heap.count - 1)
                            continue
                        }
                        // Behind the worst kept row on the first key: out, without a full comparison.
                        let worst = Int(heap[0])
                        if nullable {
                            if !valid[i] && valid[worst] { continue }
                            if valid[i] && valid[worst] && v[i] > v[worst] { continue }
                        } else if v[i] > v[worst] {
                            continue
                        }
                        if less(row, heap[0]) {
                            heap[0] = row
                            siftDown(0)
                        }
                    }
                }
            }
        }
        heap.sort(by: less)
        return heap
    }
}
