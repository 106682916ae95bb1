// CSV text written as bytes straight into a growing buffer: no String per cell and no
// Foundation formatting in the loops that write millions of rows.

/// A growable byte buffer for one chunk of CSV text. Call `reserve` for a row's worst
/// case, then the unchecked appends; `finish` returns the bytes and frees the buffer.
struct ByteWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `n` more bytes.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = newCapacity
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    @inline(__always)
    mutating func comma() { byte(44) }

    @inline(__always)
    mutating func newline() { byte(10) }

    /// A non-negative integer in decimal.
    @inline(__always)
    mutating func int(_ value: Int) {
        var v = value
        var digits = 1
        var limit = 10
        while v >= limit && digits < 19 {
            digits += 1
            limit &*= 10
        }
        var i = count + digits - 1
        repeat {
            base[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            i -= 1
        } while v > 0
        count += digits
    }

    /// An amount in cents as a decimal with two places: 1234 is `12.34`.
    @inline(__always)
    mutating func cents(_ value: Int) {
        int(value / 100)
        byte(46)
        let c = value % 100
        byte(UInt8(truncatingIfNeeded: 48 + c / 10))
        byte(UInt8(truncatingIfNeeded: 48 + c % 10))
    }

    /// An entry of a byte table (a name, a date).
    @inline(__always)
    mutating func entry(_ table: ByteTable, _ i: Int) {
        let start = table.offsets[i], end = table.offsets[i + 1]
        table.bytes.withUnsafeBufferPointer { p in
            (base + count).update(from: p.baseAddress! + start, count: end - start)
        }
        count += end - start
    }

    mutating func text(_ s: String) {
        let bytes = Array(s.utf8)
        reserve(bytes.count)
        for b in bytes { byte(b) }
    }

    /// The bytes written; the buffer is freed and must not be used again.
    mutating func finish() -> [UInt8] {
        let result = Array(UnsafeBufferPointer(start: base, count: count))
        base.deallocate()
        capacity = 0
        count = 0
        return result
    }
}

/// Short strings stored back to back as UTF-8, for copying into CSV rows.
struct ByteTable: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]

    init(_ strings: [String]) {
        var bytes: [UInt8] = [], offsets = [0]
        for s in strings {
            bytes.append(contentsOf: s.utf8)
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Fixed-width entries already laid out in `bytes`.
    init(fixedWidth width: Int, bytes: [UInt8]) {
        self.bytes = bytes
        offsets = Array(stride(from: 0, through: bytes.count, by: width))
    }

    var longest: Int { zip(offsets, offsets.dropFirst()).map { $1 - $0 }.max() ?? 0 }
}
