/// What is wrong with bytes that should be Arrow IPC: a sentence naming the culprit (the
/// message, the column, the buffer), for the loader's diagnostic.
public struct ArrowFormatError: Error, Equatable, Sendable {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A read-only view of one FlatBuffers table inside a byte buffer: the metadata of Arrow IPC
/// messages (Schema, RecordBatch, DictionaryBatch) is FlatBuffers. Every read is bounds-checked
/// and a bad offset is an `ArrowFormatError`, never a trap: the bytes may come from anywhere.
/// (No FlatBuffers package is on the machine's list, and a reader of these few tables is small.)
struct FlatTable {
    let bytes: UnsafeRawBufferPointer
    /// The table's position in `bytes`.
    let position: Int
    /// Where its vtable starts and how many field slots it has.
    private let vtable: Int
    private let slots: Int

    /// The root table of a FlatBuffer occupying all of `bytes`.
    init(root bytes: UnsafeRawBufferPointer) throws(ArrowFormatError) {
        let offset = try Self.u32(bytes, 0)
        try self.init(bytes, at: Int(offset))
    }

    init(_ bytes: UnsafeRawBufferPointer, at position: Int) throws(ArrowFormatError) {
        self.bytes = bytes
        self.position = position
        let back = Int(try Self.i32(bytes, position))
        let vtable = position - back
        let size = Int(try Self.u16(bytes, vtable))
        guard size >= 4, size % 2 == 0, vtable + size <= bytes.count else {
            throw ArrowFormatError("a metadata table's field list runs past the message")
        }
        self.vtable = vtable
        slots = (size - 4) / 2
    }

    /// The position of field `slot`'s value, nil when the field is absent.
    private func field(_ slot: Int) throws(ArrowFormatError) -> Int? {
        guard slot < slots else { return nil }
        let offset = Int(try Self.u16(bytes, vtable + 4 + 2 * slot))
        return offset == 0 ? nil : position + offset
    }

    func int64(_ slot: Int, default value: Int64 = 0) throws(ArrowFormatError) -> Int64 {
        guard let p = try field(slot) else { return value }
        return try Self.read(bytes, p, as: Int64.self)
    }

    func int32(_ slot: Int, default value: Int32 = 0) throws(ArrowFormatError) -> Int32 {
        guard let p = try field(slot) else { return value }
        return try Self.i32(bytes, p)
    }

    func int16(_ slot: Int, default value: Int16 = 0) throws(ArrowFormatError) -> Int16 {
        guard let p = try field(slot) else { return value }
        return Int16(bitPattern: try Self.u16(bytes, p))
    }

    func uint8(_ slot: Int, default value: UInt8 = 0) throws(ArrowFormatError) -> UInt8 {
        guard let p = try field(slot) else { return value }
        return try Self.read(bytes, p, as: UInt8.self)
    }

    func bool(_ slot: Int, default value: Bool = false) throws(ArrowFormatError) -> Bool {
        try uint8(slot, default: value ? 1 : 0) != 0
    }

    /// The position a field's offset points at (a table, vector or string).
    private func target(_ slot: Int) throws(ArrowFormatError) -> Int? {
        guard let p = try field(slot) else { return nil }
        return p + Int(try Self.u32(bytes, p))
    }

    func table(_ slot: Int) throws(ArrowFormatError) -> FlatTable? {
        guard let t = try target(slot) else { return nil }
        return try FlatTable(bytes, at: t)
    }

    func string(_ slot: Int) throws(ArrowFormatError) -> String? {
        guard let t = try target(slot) else { return nil }
        let count = Int(try Self.u32(bytes, t))
        guard t + 4 + count <= bytes.count else { throw ArrowFormatError("a name runs past the message") }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(t + 4)..<(t + 4 + count)]), as: UTF8.self)
    }

    /// A vector's element count and the position of its first element.
    private func vector(_ slot: Int, elementSize: Int) throws(ArrowFormatError) -> (count: Int, start: Int)? {
        guard let t = try target(slot) else { return nil }
        let count = Int(try Self.u32(bytes, t))
        guard count <= (bytes.count - t - 4) / max(elementSize, 1) else {
            throw ArrowFormatError("a list in the metadata runs past the message")
        }
        return (count, t + 4)
    }

    func tables(_ slot: Int) throws(ArrowFormatError) -> [FlatTable] {
        guard let (count, start) = try vector(slot, elementSize: 4) else { return [] }
        var out: [FlatTable] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let p = start + 4 * i
            out.append(try FlatTable(bytes, at: p + Int(try Self.u32(bytes, p))))
        }
        return out
    }

    /// A vector of structs of two longs (FieldNode, Buffer).
    func pairs(_ slot: Int) throws(ArrowFormatError) -> [(Int64, Int64)] {
        guard let (count, start) = try vector(slot, elementSize: 16) else { return [] }
        var out: [(Int64, Int64)] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let p = start + 16 * i
            out.append((try Self.read(bytes, p, as: Int64.self), try Self.read(bytes, p + 8, as: Int64.self)))
        }
        return out
    }

    static func read<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ p: Int, as: T.Type) throws(ArrowFormatError) -> T {
        guard p >= 0, p <= bytes.count - MemoryLayout<T>.size else {
            throw ArrowFormatError("an offset in the metadata points outside the message")
        }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: p, as: T.self))
    }

    static func u32(_ b: UnsafeRawBufferPointer, _ p: Int) throws(ArrowFormatError) -> UInt32 { try read(b, p, as: UInt32.self) }
    static func i32(_ b: UnsafeRawBufferPointer, _ p: Int) throws(ArrowFormatError) -> Int32 { try read(b, p, as: Int32.self) }
    static func u16(_ b: UnsafeRawBufferPointer, _ p: Int) throws(ArrowFormatError) -> UInt16 { try read(b, p, as: UInt16.self) }
}
