/// One row's value of an int kernel (a generic parameter rather than a closure, so that the
/// loop run on each core inlines it).
protocol IntRowKernel {
    func value(_ i: Int) -> Int64
}

/// An int kernel's output made a block of rows at a time, stored in 8 bits when every value
/// of a valid row lies in -128...127 (as `Column.compacted` would store it), else as 64-bit
/// integers. For kernels whose values are usually small, such as `months_between` of purchase
/// and signup dates: over 120M purchases the result then takes 120 MB instead of 960 MB while
/// it is alive, and its readers (row tests, grouping, aggregates) read the bytes. A block that
/// does not fit stops the narrow attempt, and the whole output is computed again as 64-bit
/// integers (at most one block of work per core is thrown away when values are wide from
/// the start). Invalid rows hold 0.
func narrowIntOutput<K: IntRowKernel>(_ n: Int, valid: [Bool]?, _ kernel: K) -> Column {
    let block = 4096
    let parts = Parallel.parts(n)
    var fits = [Bool](repeating: true, count: parts)
    let bytes = [Int8](unsafeUninitializedCapacity: n) { out, count in
        withOptionalBuffer(valid) { valid in
            fits.withUnsafeMutableBufferPointer { fits in
                Parallel.forEach(n, parts: parts) { part, rows in
                    var start = rows.lowerBound
                    while start < rows.upperBound {
                        let end = Swift.min(start + block, rows.upperBound)
                        var lo: Int64 = 0, hi: Int64 = 0
                        for i in start..<end {
                            let v = valid.map { $0[i] } ?? true ? kernel.value(i) : 0
                            lo = Swift.min(lo, v)
                            hi = Swift.max(hi, v)
                            out[i] = Int8(truncatingIfNeeded: v)
                        }
                        guard lo >= Int64(Int8.min) && hi <= Int64(Int8.max) else {
                            // The rest of the part is left as it is: the bytes are thrown away.
                            fits[part] = false
                            return
                        }
                        start = end
                    }
                }
            }
        }
        count = n
    }
    if !fits.contains(false) { return Column(smallInts: bytes, validity: valid) }
    let wide: [Int64] = withOptionalBuffer(valid) { valid in
        Parallel.array(n) { (out: UnsafeMutableBufferPointer<Int64>, rows) in
            for i in rows { out[i] = valid.map { $0[i] } ?? true ? kernel.value(i) : 0 }
        }
    }
    return Column(.int(wide), validity: valid)
}
