import CrmqEngine
import CrmqSemantics

/// Writes tables as Arrow IPC (Arrow's format/Columnar.md, "Serialization and Interprocess
/// Communication"): the stream format, which a Spark Connect server reads as a local relation
/// (a table sent along with a query), and the file format (Feather v2), which `save` writes
/// for pyarrow, Polars, pandas and DuckDB.
///
/// | crmq | Arrow |
/// |---|---|
/// | int | Int 64, signed |
/// | double | FloatingPoint DOUBLE |
/// | string, category (its labels) | Utf8 |
/// | date | Date DAY (32 bits) |
/// | bool | Bool |
/// | null | Null |
///
/// Every field is nullable; a column without nulls has an empty validity buffer. Buffers are
/// 8-byte aligned and uncompressed.
public enum ArrowWriter {
    public enum Framing: Sendable {
        /// Messages one after another, ended by the end-of-stream marker.
        case stream
        /// `ARROW1`, the stream, and a footer indexing the record batches.
        case file
    }

    /// The Arrow IPC bytes of `rows` of `table` (all rows when nil).
    public static func encode(_ table: Table, rows: Range<Int>? = nil, framing: Framing = .stream) -> [UInt8] {
        var out: [UInt8] = []
        encode(table, rows: rows, framing: framing, into: &out) { _ in }
        return out
    }

    /// Appends the Arrow IPC bytes of `rows` of `table` to `out`, in record batches of about
    /// `batchBytes` each, calling `flush` after each message (which may empty `out`).
    public static func encode(
        _ table: Table, rows: Range<Int>? = nil, framing: Framing, batchBytes: Int = 8 << 20,
        into out: inout [UInt8], flush: (inout [UInt8]) -> Void
    ) {
        encode(
            table.columns.map(EncodedColumn.init), schema: table.schema, rows: rows ?? 0..<table.rowCount,
            framing: framing, batchBytes: batchBytes, into: &out, flush: flush)
    }

    /// A table cut into Arrow IPC streams whose record-batch bodies hold at most about
    /// `bytes` each (at least one row each; one stream of the schema alone for a table
    /// without rows), each encoded when it is asked for: a large table sent a part at a time.
    public static func parts(_ table: Table, bytes: Int) -> Parts {
        let columns = table.columns.map(EncodedColumn.init)
        return Parts(schema: table.schema, columns: columns, slices: slices(columns, rows: 0..<table.rowCount, bytes: bytes))
    }

    public struct Parts: RandomAccessCollection {
        let schema: Schema
        let columns: [EncodedColumn]
        let slices: [Range<Int>]

        public var startIndex: Int { 0 }
        public var endIndex: Int { Swift.max(slices.count, 1) }

        public subscript(k: Int) -> [UInt8] {
            var out: [UInt8] = []
            encode(columns, schema: schema, rows: slices.isEmpty ? 0..<0 : slices[k], framing: .stream,
                   into: &out) { _ in }
            return out
        }
    }

    static func encode(
        _ columns: [EncodedColumn], schema: Schema, rows: Range<Int>, framing: Framing, batchBytes: Int = 8 << 20,
        into out: inout [UInt8], flush: (inout [UInt8]) -> Void
    ) {
        var written = 0  // bytes handed to `flush` or still in `out`, for the file's block offsets
        func emit(_ bytes: [UInt8]) {
            out += bytes
            written += bytes.count
            flush(&out)
        }
        if framing == .file { emit(Array("ARROW1".utf8) + [0, 0]) }
        let schema = schemaTable(schema)
        emit(message(header: schema, type: 1))
        var blocks: [UInt8] = []
        var blockCount = 0
        for batch in slices(columns, rows: rows, bytes: batchBytes) {
            let offset = written
            let (header, body) = recordBatch(columns, rows: batch)
            let meta = message(header: header, type: 3, bodyLength: body.count)
            emit(meta + body)
            blocks += littleEndian(Int64(offset)) + littleEndian(Int32(meta.count)) + [0, 0, 0, 0] + littleEndian(Int64(body.count))
            blockCount += 1
        }
        emit([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        if framing == .file {
            let footer = FlatWriter.buffer(root: .table([
                .int16(4), .object(schema), .object(.structs([], count: 0, alignment: 8)),
                .object(.structs(blocks, count: blockCount, alignment: 8)),
            ]))
            emit(footer + littleEndian(Int32(footer.count)) + Array("ARROW1".utf8))
        }
    }

    /// Consecutive ranges of `rows` whose record-batch bodies are each about `bytes` long
    /// (at least one row each): a large table sent in parts of bounded size.
    public static func slices(_ table: Table, rows: Range<Int>? = nil, bytes: Int) -> [Range<Int>] {
        slices(table.columns.map(EncodedColumn.init), rows: rows ?? 0..<table.rowCount, bytes: bytes)
    }

    static func slices(_ columns: [EncodedColumn], rows: Range<Int>, bytes limit: Int) -> [Range<Int>] {
        guard !rows.isEmpty else { return [] }
        let fixed = columns.reduce(0) { $0 + $1.fixedBytes }
        let texts = columns.compactMap(\.texts)
        var out: [Range<Int>] = []
        var start = rows.lowerBound
        var size = 0
        for i in rows {
            var row = fixed
            for t in texts { row += t.length(i) }
            if size + row > limit, i > start {
                out.append(start..<i)
                start = i
                size = 0
            }
            size += row
        }
        out.append(start..<rows.upperBound)
        return out
    }

    // MARK: Messages

    /// An encapsulated message: continuation marker, metadata length, the Message FlatBuffer
    /// (padded to 8 bytes), then the body.
    private static func message(header: FlatObject, type: UInt8, bodyLength: Int = 0) -> [UInt8] {
        let metadata = FlatWriter.buffer(root: .table([
            .int16(4),  // MetadataVersion V5
            .uint8(type), .object(header), .int64(Int64(bodyLength)),
        ]))
        return [0xFF, 0xFF, 0xFF, 0xFF] + littleEndian(Int32(metadata.count)) + metadata
    }

    private static func schemaTable(_ schema: Schema) -> FlatObject {
        .table([
            .int16(0),  // little-endian
            .object(.tables(schema.fields.map { field in
                let (kind, type) = arrowType(field.type)
                return .table([
                    .object(.string(field.name)), .bool(true), .uint8(kind), .object(type),
                    nil,  // dictionary
                    .object(.tables([])),  // children: readers require the (empty) list
                ])
            })),
        ])
    }

    /// The `Type` union member and its table for a crmq type.
    private static func arrowType(_ type: DataType) -> (UInt8, FlatObject) {
        switch type {
        case .int: (2, .table([.int32(64), .bool(true)]))
        case .double: (3, .table([.int16(2)]))
        case .string, .category: (5, .table([]))
        case .bool: (6, .table([]))
        case .date: (8, .table([.int16(0)]))
        case .null: (1, .table([]))
        }
    }

    /// A RecordBatch header and its body for `rows`.
    private static func recordBatch(_ columns: [EncodedColumn], rows: Range<Int>) -> (FlatObject, [UInt8]) {
        var body: [UInt8] = []
        var nodes: [UInt8] = []
        var buffers: [UInt8] = []
        var bufferCount = 0
        func add(_ data: [UInt8]) {
            buffers += littleEndian(Int64(body.count)) + littleEndian(Int64(data.count))
            bufferCount += 1
            body += data
            while body.count % 8 != 0 { body.append(0) }
        }
        for column in columns {
            let n = rows.count
            if column.column.isNullType {
                nodes += littleEndian(Int64(n)) + littleEndian(Int64(n))
                continue
            }
            let (validity, nulls) = validityBitmap(column.column.validity, rows)
            nodes += littleEndian(Int64(n)) + littleEndian(Int64(nulls))
            add(validity)
            switch column.column.values {
            case .int(let a): add(a[rows].withUnsafeBytes { Array($0) })
            case .double(let a): add(a[rows].withUnsafeBytes { Array($0) })
            case .date(let a): add(a[rows].withUnsafeBytes { Array($0) })
            case .bool(let a): add(bitmap(a[rows]))
            case .string(let codes, _):
                let t = column.texts!
                var offsets = [Int32]()
                offsets.reserveCapacity(n + 1)
                var data: [UInt8] = []
                offsets.append(0)
                let validity = column.column.validity
                for i in rows {
                    // A null row's code is arbitrary (and the dictionary may be empty).
                    if validity?[i] != false, Int(codes[i]) < t.utf8.count { data += t.utf8[Int(codes[i])] }
                    offsets.append(Int32(data.count))
                }
                add(offsets.withUnsafeBytes { Array($0) })
                add(data)
            case .null: break
            }
        }
        let header = FlatObject.table([
            .int64(Int64(rows.count)),
            .object(.structs(nodes, count: columns.count, alignment: 8)),
            .object(.structs(buffers, count: bufferCount, alignment: 8)),
        ])
        return (header, body)
    }

    /// Arrow's validity bitmap (least significant bit first) of `rows`, empty when no row is null.
    private static func validityBitmap(_ validity: [Bool]?, _ rows: Range<Int>) -> ([UInt8], Int) {
        guard let validity else { return ([], 0) }
        var nulls = 0
        for i in rows where !validity[i] { nulls += 1 }
        return nulls == 0 ? ([], 0) : (bitmap(validity[rows]), nulls)
    }

    private static func bitmap(_ bits: ArraySlice<Bool>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (k, b) in bits.enumerated() where b { out[k >> 3] |= 1 << UInt8(k & 7) }
        return out
    }
}

/// A column with what writing it needs at hand: a string column's dictionary as UTF-8.
struct EncodedColumn {
    let column: Column
    let texts: Texts?

    struct Texts {
        let codes: [Int32]
        let utf8: [[UInt8]]

        /// Body bytes of row i: its offset and its text.
        func length(_ i: Int) -> Int {
            let c = Int(codes[i])
            return 4 + (c < utf8.count ? utf8[c].count : 0)
        }
    }

    init(_ column: Column) {
        self.column = column
        if case .string(let codes, let dictionary) = column.values {
            texts = Texts(codes: codes, utf8: dictionary.values.map { Array($0.utf8) })
        } else {
            texts = nil
        }
    }

    /// Body bytes per row of a fixed-width column (validity not counted).
    var fixedBytes: Int {
        switch column.values {
        case .int, .double: 8
        case .date: 4
        case .bool: 1
        case .string, .null: 0
        }
    }
}
