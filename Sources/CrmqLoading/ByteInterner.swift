#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The distinct byte strings of one string column, numbered in order of first appearance.
/// Cells are looked up by their bytes, so a String is made once per distinct value, not
/// once per cell.
struct ByteInterner {
    private var slots: [Int32]
    private var mask: Int
    private var hashes: [UInt64] = []
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]

    init() {
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    var count: Int { hashes.count }

    /// The code of the bytes `p[0..<n]`, and whether they were seen for the first time.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, count n: Int) -> (code: Int32, isNew: Bool) {
        let h = Self.hash(p, n)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            let c = Int(code)
            if hashes[c] == h && starts[c + 1] - starts[c] == n && equal(c, p, n) { return (code, false) }
            slot = (slot + 1) & mask
        }
        let code = Int32(hashes.count)
        slots[slot] = code
        hashes.append(h)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return (code, true)
    }

    /// Interns every value of `other`, in its code order; the result maps `other`'s codes
    /// to codes of this interner.
    mutating func intern(all other: ByteInterner) -> [Int32] {
        var map = [Int32](repeating: 0, count: other.count)
        other.arena.withUnsafeBufferPointer { a in
            // An empty arena has no address; its values (at most one) are all empty.
            var empty: UInt8 = 0
            withUnsafePointer(to: &empty) { none in
                for c in 0..<other.count {
                    let s = other.starts[c]
                    map[c] = intern(a.baseAddress.map { $0 + s } ?? none, count: other.starts[c + 1] - s).code
                }
            }
        }
        return map
    }

    /// The distinct values in code order; the caller has checked that each is valid UTF-8.
    func strings() -> [String] {
        arena.withUnsafeBufferPointer { a in
            (0..<count).map { c in
                String(decoding: UnsafeBufferPointer(rebasing: a[starts[c]..<starts[c + 1]]), as: UTF8.self)
            }
        }
    }

    @inline(__always)
    private func equal(_ c: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        n == 0 || arena.withUnsafeBufferPointer { a in memcmp(a.baseAddress! + starts[c], p, n) == 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (c, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(c)
        }
    }

    /// A multiplicative hash over 8-byte words, mixed at the end so that the low bits
    /// (the slot) depend on every byte.
    @inline(__always)
    private static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        // The last 1 to 7 bytes in at most two loads, all within the string (overlapping
        // bytes already hashed is fine: the length is mixed in). Byte by byte, this tail
        // was most of hashing the short category names of transactions.csv.
        if i < n {
            let w: UInt64
            if n >= 8 {
                w = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                w = UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else {
                w = UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16
            }
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        }
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }
}
