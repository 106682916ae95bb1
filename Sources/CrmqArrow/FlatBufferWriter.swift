/// A FlatBuffers object to write: the metadata of the Arrow IPC messages crmq sends (a Schema,
/// a RecordBatch). A tree of these is laid out front to back by `FlatWriter`: each object is
/// written before the objects it refers to, so every offset points forward, as FlatBuffers
/// requires. (No FlatBuffers package is on the machine's list; these few tables need little.)
indirect enum FlatObject {
    /// A table: its field slots in order, nil for an absent field.
    case table([FlatSlot?])
    case tables([FlatObject])
    /// A vector of structs: the elements' bytes, how many, and their alignment.
    case structs([UInt8], count: Int, alignment: Int)
    case string(String)
}

/// One field of a table: a scalar (its little-endian bytes) or a reference to an object.
enum FlatSlot {
    case scalar([UInt8])
    case object(FlatObject)

    static func int64(_ v: Int64) -> FlatSlot { .scalar(littleEndian(v)) }
    static func int32(_ v: Int32) -> FlatSlot { .scalar(littleEndian(v)) }
    static func int16(_ v: Int16) -> FlatSlot { .scalar(littleEndian(v)) }
    static func uint8(_ v: UInt8) -> FlatSlot { .scalar([v]) }
    static func bool(_ v: Bool) -> FlatSlot { .scalar([v ? 1 : 0]) }

    /// Bytes in the table and their alignment (a scalar's size; an offset is 4 bytes).
    var size: Int {
        switch self {
        case .scalar(let b): b.count
        case .object: 4
        }
    }
}

/// Lays out a `FlatObject` tree as one FlatBuffer.
struct FlatWriter {
    private(set) var bytes: [UInt8] = []

    /// The buffer whose root is `root`, padded to 8 bytes.
    static func buffer(root: FlatObject) -> [UInt8] {
        var w = FlatWriter()
        w.bytes = [0, 0, 0, 0]
        let position = w.write(root)
        w.patch(at: 0, UInt32(position))
        w.pad(to: 8)
        return w.bytes
    }

    private mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ v: T) { bytes += littleEndian(v) }

    private mutating func patch<T: FixedWidthInteger>(at position: Int, _ v: T) {
        for (i, b) in littleEndian(v).enumerated() { bytes[position + i] = b }
    }

    /// Writes `object` at the end and returns its position (where offsets to it point).
    private mutating func write(_ object: FlatObject) -> Int {
        switch object {
        case .string(let s):
            pad(to: 4)
            let p = bytes.count
            let utf8 = Array(s.utf8)
            append(UInt32(utf8.count))
            bytes += utf8
            bytes.append(0)
            return p
        case .structs(let data, let count, let alignment):
            // The elements, after the 4-byte count, start aligned.
            while (bytes.count + 4) % alignment != 0 { bytes.append(0) }
            let p = bytes.count
            append(UInt32(count))
            bytes += data
            return p
        case .tables(let items):
            pad(to: 4)
            let p = bytes.count
            append(UInt32(items.count))
            let first = bytes.count
            bytes += [UInt8](repeating: 0, count: 4 * items.count)
            for (i, item) in items.enumerated() {
                let q = write(item)
                patch(at: first + 4 * i, UInt32(q - (first + 4 * i)))
            }
            return p
        case .table(let slots):
            // The table's layout: its vtable offset, then each field at its natural alignment
            // (the table starts 8-aligned, so relative alignment is absolute alignment).
            var offsets = [Int](repeating: 0, count: slots.count)
            var size = 4
            for (i, slot) in slots.enumerated() {
                guard let slot else { continue }
                size = (size + slot.size - 1) / slot.size * slot.size
                offsets[i] = size
                size += slot.size
            }
            pad(to: 2)
            let vtable = bytes.count
            append(UInt16(4 + 2 * slots.count))
            append(UInt16(size))
            for o in offsets { append(UInt16(o)) }
            pad(to: 8)
            let table = bytes.count
            bytes += [UInt8](repeating: 0, count: size)
            patch(at: table, Int32(table - vtable))
            for (i, slot) in slots.enumerated() {
                guard let slot else { continue }
                switch slot {
                case .scalar(let b):
                    for (k, byte) in b.enumerated() { bytes[table + offsets[i] + k] = byte }
                case .object(let child):
                    let q = write(child)
                    patch(at: table + offsets[i], UInt32(q - (table + offsets[i])))
                }
            }
            return table
        }
    }
}

/// An integer's bytes, least significant first, as FlatBuffers and Arrow store them.
func littleEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    withUnsafeBytes(of: v.littleEndian, Array.init)
}
