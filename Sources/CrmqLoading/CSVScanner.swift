import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The CSV reader is hand-written for speed: the CSV packages available to Swift build a
// String per cell, and a 12-million-row file must load in a couple of seconds. It works in
// two passes over the bytes of the whole file, read once:
//   1. structure (this file): find where every field ends, record by record, into chunks
//      of whole records (`RecordChunk`), without converting anything;
//   2. conversion (ColumnConverter.swift): per column, infer the type and parse the cells
//      straight from the bytes into a typed array (strings into a dictionary).
// Both passes run on all cores: pass 1 over byte ranges of the file (see
// `scanRecords(from:columns:parts:)`), pass 2 over ranges of chunks.

@usableFromInline let asciiQuote: UInt8 = 0x22
@usableFromInline let asciiComma: UInt8 = 0x2C
@usableFromInline let asciiLF: UInt8 = 0x0A
@usableFromInline let asciiCR: UInt8 = 0x0D

/// Field boundaries of a run of whole data records. Every record has exactly the header's
/// number of fields, so field `c` of record `r` is entry `r * columns + c`.
struct RecordChunk: Sendable {
    /// Byte offset in the file of the chunk's first field.
    var base: Int
    /// For each field, the offset from `base` of the byte that ends it: ',' or '\n'
    /// (after a closing quote or a CR) or the end of the file. A field starts one byte
    /// after the previous field's end.
    var fieldEnds = FieldEnds()
    var recordCount = 0
}

/// A growable buffer of field ends. Not an array: appending to one checks that it is
/// uniquely referenced on every call, which was 1.5% of loading; this appends with a
/// bounds check only. Filled by one scanning thread, read-only afterwards (so it may be
/// shared between the converting threads).
final class FieldEnds: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<UInt32>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    func append(_ end: UInt32) {
        if count == capacity { grow() }
        storage[count] = end
        count += 1
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage, count: count))
    }
}

/// A syntax error found while scanning, at a byte offset; the reader turns it into a
/// diagnostic with a line and column.
struct CSVSyntaxError: Error {
    var message: LoadMessage
    var offset: Int
    /// Extra remarks, each with an optional offset of its own.
    var notes: [(String, Int?)] = []
}

/// The structural pass over a file's bytes.
struct CSVScanner {
    let p: UnsafeBufferPointer<UInt8>
    let end: Int
    /// Chunks close at the first record boundary after this many bytes, which keeps
    /// offsets within 32 bits and the chunks small enough to spread over cores.
    var chunkBytes = 1 << 24

    init(_ p: UnsafeBufferPointer<UInt8>) {
        self.p = p
        self.end = p.count
    }

    /// Where the data starts: after a UTF-8 byte-order mark, if any.
    var dataStart: Int {
        end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
    }

    /// True when only line breaks remain from `pos` on (blank trailing lines are ignored).
    func restIsBlank(_ pos: Int) -> Bool {
        var i = pos
        while i < end {
            let c = p[i]
            if c != asciiLF && c != asciiCR { return false }
            i += 1
        }
        return true
    }

    /// Scans the field starting at `pos` and returns the offset of its terminator
    /// (',' or '\n', or `end`).
    @inline(__always)
    func scanField(_ pos: Int) throws(CSVSyntaxError) -> Int {
        var i = pos
        if i < end && p[i] == asciiQuote {
            i += 1
            while true {
                guard i < end,
                    let q = memchr(p.baseAddress! + i, Int32(asciiQuote), end - i)
                else { throw CSVSyntaxError(message: .unterminatedQuote, offset: pos) }
                i = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - p.baseAddress! + 1
                if i < end && p[i] == asciiQuote {
                    i += 1
                    continue
                }
                break
            }
            if i == end { return end }
            let c = p[i]
            if c == asciiComma || c == asciiLF { return i }
            if c == asciiCR {
                if i + 1 == end { return end }
                if p[i + 1] == asciiLF { return i + 1 }
            }
            throw CSVSyntaxError(message: .textAfterQuote(found: Self.describe(p, at: i)), offset: i)
        }
        while i < end {
            let c = p[i]
            // Most bytes of data (letters, digits, '.', '-') are above ','; one compare skips them.
            if c <= asciiComma {
                if c == asciiComma || c == asciiLF { return i }
                if c == asciiQuote { throw CSVSyntaxError(message: .quoteInUnquotedField, offset: i) }
            }
            i += 1
        }
        return end
    }

    /// The offset of the first ',', '\n' or '"' at or after `from`, or `end`.
    ///
    /// Hand-written for speed: it tests 8 bytes per step (a word compared with the three
    /// bytes at once) rather than one byte per step with a branch per byte; the structure
    /// scan of the 1m benchmark files went from 1.1 to 0.5 s of CPU (perf).
    @inline(__always)
    func nextStructural(_ from: Int) -> Int {
        var i = from
        let raw = UnsafeRawPointer(p.baseAddress!)
        while i + 8 <= end {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let m = Self.zeroBytes(w ^ 0x2C2C_2C2C_2C2C_2C2C) | Self.zeroBytes(w ^ 0x0A0A_0A0A_0A0A_0A0A)
                | Self.zeroBytes(w ^ 0x2222_2222_2222_2222)
            // Little-endian: the lowest marked byte is the first in the file.
            if m != 0 { return i + m.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            let c = p[i]
            if c == asciiComma || c == asciiLF || c == asciiQuote { return i }
            i += 1
        }
        return end
    }

    /// Where the fields of a stretch of records end: the ',', '\n' and '"' bytes of one 64-byte
    /// block at a time as a bit mask (SIMD compares, `crmq_csv_structural_bits`), so that each
    /// field costs a few bit operations rather than a scan of its bytes. With the short fields
    /// of the benchmark files (5-10 bytes) loading the 10M customers and their transactions
    /// (5.7 GB) went from 7.9 to 7.2 s (docs/performance.md). `nextStructural` stays for the
    /// header and error paths.
    struct StructuralBits {
        /// The block `base ..< base + 64` (or up to the end), and the structural bytes in it.
        var base = Int.min
        var bits: UInt64 = 0

        /// The first ',', '\n' or '"' at or after `from`, or the end: `nextStructural(from)`.
        @inline(__always)
        mutating func next(_ from: Int, _ scanner: CSVScanner) -> Int {
            var pos = from
            while true {
                let k = pos &- base
                if k < 0 || k >= 64 {
                    // A block starting here (the first field, or after a long field).
                    if pos >= scanner.end { return scanner.end }
                    load(pos, scanner)
                    continue
                }
                let m = bits & (~0 << UInt64(k))
                if m != 0 { return base + m.trailingZeroBitCount }
                pos = base + 64
                if pos >= scanner.end { return scanner.end }
                load(pos, scanner)
            }
        }

        @inline(__always)
        private mutating func load(_ at: Int, _ scanner: CSVScanner) {
            base = at
            let raw = scanner.p.baseAddress! + at
            if at + 64 <= scanner.end {
                bits = crmq_csv_structural_bits(raw)
            } else {
                // The last bytes: no load past the end of the buffer.
                bits = 0
                for i in 0..<(scanner.end - at) {
                    let c = raw[i]
                    if c == asciiComma || c == asciiLF || c == asciiQuote { bits |= 1 << UInt64(i) }
                }
            }
        }
    }

    /// 0x80 in each byte of `x` that is zero, 0 elsewhere (exact: no false marks, unlike
    /// the shorter `(x - 0x01..) & ~x & 0x80..`).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The header: the offsets of each field's first byte and terminator.
    func scanHeader(from start: Int) throws(CSVSyntaxError) -> (fields: [(start: Int, end: Int)], next: Int) {
        var fields: [(start: Int, end: Int)] = []
        var pos = start
        while true {
            let t = try scanField(pos)
            fields.append((pos, t))
            if t == end { return (fields, end) }
            if p[t] == asciiLF { return (fields, t + 1) }
            pos = t + 1
        }
    }

    /// The offset of a CR that is not part of a CRLF in an unquoted header field: the sign
    /// of a file whose lines end in CR alone (old Mac), which would otherwise read as one
    /// long header line.
    func loneCR(in header: [(start: Int, end: Int)]) -> Int? {
        for field in header where field.start < end && p[field.start] != asciiQuote {
            for i in field.start..<field.end where p[i] == asciiCR && i + 1 < end && p[i + 1] != asciiLF {
                return i
            }
        }
        return nil
    }

    /// All data records from `start`, each with `columns` fields, in chunks.
    ///
    /// Blank lines at the end of the file are ignored, except in a file with a single
    /// column: there an empty line is a record whose field is null (which is how such a
    /// table with nulls is written), so every line after the header is a record; only the
    /// file's final line break starts none.
    func scanRecords(from start: Int, columns: Int) throws(CSVSyntaxError) -> [RecordChunk] {
        let segment = scanSegment(from: start, to: end, columns: columns)
        if let e = segment.error { throw e }
        return segment.chunks
    }

    /// The same records as `scanRecords(from:columns:)`, with the same first error, found
    /// by scanning `parts` byte ranges of the file at once.
    ///
    /// Each range starts after a line break, which is a record boundary unless the line
    /// break is inside a quoted field; that cannot be told without scanning from the start.
    /// So every range is scanned assuming it starts a record, and the ranges are then
    /// checked in file order: a range's guess is right exactly when the range before it
    /// (scanned from a true record start) stopped where this one starts. A wrong guess is
    /// rescanned from where the range before really stopped, which is how the serial scan
    /// goes, so the result is the serial one. Errors of a range count only once it is
    /// checked, and ranges are taken in file order, so the first error in the file wins.
    func scanRecords(from start: Int, columns: Int, parts: Int) throws(CSVSyntaxError) -> [RecordChunk] {
        try scanRecords(from: start, to: end, columns: columns, parts: parts).chunks
    }

    /// The records that start in `start..<limit` (the last may run past `limit`), as
    /// `scanRecords(from:columns:parts:)` finds them, and where the next record starts
    /// (`end` when none does). A file loaded in blocks (`BlockedConversion`) is scanned so.
    /// A fieldCount error's row is counted from the record at `start`.
    func scanRecords(from start: Int, to limit: Int, columns: Int, parts: Int) throws(CSVSyntaxError)
        -> (chunks: [RecordChunk], next: Int)
    {
        var bounds = [start]
        for k in 1..<max(parts, 1) {
            var b = max(start + (limit - start) / parts * k, bounds[bounds.count - 1])
            if b < limit, let lf = memchr(p.baseAddress! + b, Int32(asciiLF), limit - b) {
                b = UnsafePointer<UInt8>(lf.assumingMemoryBound(to: UInt8.self)) - p.baseAddress! + 1
            } else {
                b = limit
            }
            bounds.append(b)
        }
        bounds.append(limit)
        let guesses = SharedSlots<Segment>.map(bounds.count - 1) { k in
            scanSegment(from: bounds[k], to: bounds[k + 1], columns: columns)
        }
        var chunks: [RecordChunk] = []
        var next = start  // where the records scanned so far really stop
        var rows = 0
        for (k, guess) in guesses.enumerated() {
            // A record that began in an earlier range may run past this whole range.
            if next >= bounds[k + 1] { continue }
            let segment = next == bounds[k] ? guess : scanSegment(from: next, to: bounds[k + 1], columns: columns)
            if var e = segment.error {
                if case .fieldCount(let row, let found, let expected) = e.message {
                    e.message = .fieldCount(row: rows + row, found: found, expected: expected)
                }
                throw e
            }
            chunks += segment.chunks.filter { $0.recordCount > 0 }
            rows += segment.rows
            next = segment.next
        }
        if chunks.isEmpty { chunks.append(RecordChunk(base: start)) }
        return (chunks, next)
    }

    /// The records that start in `start..<limit` (the last may run past `limit`), when
    /// `start` starts a record; an error ends the scan.
    struct Segment {
        var chunks: [RecordChunk] = []
        /// Where the record after the last one scanned starts (`end` when the rest of the
        /// file is ignored blank lines).
        var next: Int
        var rows = 0
        /// The first error, with its row counted from the segment's first record.
        var error: CSVSyntaxError? = nil
    }

    func scanSegment(from start: Int, to limit: Int, columns: Int) -> Segment {
        var segment = Segment(next: start)
        var chunk = RecordChunk(base: start)
        var pos = start
        var row = 0
        var structural = StructuralBits()
        do throws(CSVSyntaxError) {
            while pos < limit {
                if columns != 1 && (p[pos] == asciiLF || p[pos] == asciiCR) && restIsBlank(pos) {
                    pos = end
                    break
                }
                // A lone CR after the file's final LF (or a final CRLF's CR) starts no record.
                if columns == 1 && p[pos] == asciiCR && pos + 1 == end {
                    pos = end
                    break
                }
                if pos - chunk.base >= chunkBytes {
                    let reserve = chunk.fieldEnds.count + chunk.fieldEnds.count / 8
                    segment.chunks.append(chunk)
                    // The next chunk is about as dense as this one: growing by doubling
                    // would copy it several times.
                    chunk = RecordChunk(base: pos, fieldEnds: FieldEnds(capacity: reserve))
                }
                let recordStart = pos
                row += 1
                var fields = 0
                while true {
                    // Unquoted fields (nearly all) end at the first ',', '\n' or '"' (an
                    // error), found 8 bytes at a time.
                    let t: Int
                    if pos < end && p[pos] == asciiQuote {
                        t = try scanField(pos)
                    } else {
                        t = structural.next(pos, self)
                        if t < end && p[t] == asciiQuote {
                            throw CSVSyntaxError(message: .quoteInUnquotedField, offset: t)
                        }
                    }
                    fields += 1
                    if fields > columns {
                        throw CSVSyntaxError(
                            message: .fieldCount(row: row, found: try countFields(from: recordStart), expected: columns),
                            offset: pos)
                    }
                    guard t - chunk.base <= Int(UInt32.max) else {
                        throw CSVSyntaxError(message: .tooLarge, offset: recordStart)
                    }
                    chunk.fieldEnds.append(UInt32(truncatingIfNeeded: t - chunk.base))
                    if t == end {
                        pos = end
                        break
                    }
                    pos = t + 1
                    if p[t] == asciiLF { break }
                }
                if fields < columns {
                    var error = CSVSyntaxError(
                        message: .fieldCount(row: row, found: fields, expected: columns),
                        offset: lineEnd(before: pos))
                    if fields == 1 && isBlankLine(from: recordStart) {
                        error.notes.append(("the line is blank; only blank lines at the end of the file are ignored", nil))
                    }
                    throw error
                }
                chunk.recordCount += 1
            }
        } catch {
            segment.error = error
        }
        if chunk.recordCount > 0 || segment.chunks.isEmpty { segment.chunks.append(chunk) }
        segment.next = pos
        segment.rows = row
        return segment
    }

    /// The number of fields of the record at `start` (for an error message).
    private func countFields(from start: Int) throws(CSVSyntaxError) -> Int {
        var pos = start, n = 0
        while true {
            let t = try scanField(pos)
            n += 1
            if t == end || p[t] == asciiLF { return n }
            pos = t + 1
        }
    }

    /// Where a record that ended just before `next` ends visibly (before its line break).
    private func lineEnd(before next: Int) -> Int {
        var e = next
        if e > 0 && p[e - 1] == asciiLF { e -= 1 }
        if e > 0 && p[e - 1] == asciiCR { e -= 1 }
        return e
    }

    private func isBlankLine(from start: Int) -> Bool {
        start < end && (p[start] == asciiLF || (p[start] == asciiCR && start + 1 < end && p[start + 1] == asciiLF))
    }

    /// A byte shown in a message: the character it starts, or its hex value.
    static func describe(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> String {
        let c = p[i]
        if c >= 0x20 && c < 0x7F { return String(UnicodeScalar(c)) }
        if c == 0x09 { return "\\t" }
        if c == asciiCR { return "\\r" }
        if c >= 0x80 {
            var e = i + 1
            while e < p.count && e < i + 4 && p[e] & 0xC0 == 0x80 { e += 1 }
            if let s = String(validating: UnsafeBufferPointer(rebasing: p[i..<e]), as: UTF8.self) { return s }
        }
        return "0x" + String(c, radix: 16, uppercase: true)
    }
}
