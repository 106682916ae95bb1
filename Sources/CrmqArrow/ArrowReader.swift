import CrmqSemantics
import CrmqEngine

/// Arrow IPC, the columnar format Polars, pandas (pyarrow), DuckDB and Spark exchange: the
/// file format (Feather v2: "ARROW1", the stream, a footer) and the stream format (a Schema
/// message, dictionary batches and record batches, each an encapsulated message: a
/// FlatBuffers header then a body of buffers). Read into a crmq table: ints (8 to 64 bits,
/// unsigned up to 64 when the value fits), floats (16, 32, 64 bits) and decimals as double,
/// UTF-8 strings (also large and dictionary-encoded), booleans, dates (days or milliseconds)
/// and timestamps (their UTC day), with nulls; bodies compressed with LZ4 frames or Zstandard.
/// Other types (lists, structs, binary, times, intervals) are an error naming the column.
public enum ArrowReader {
    /// The 6 bytes an Arrow IPC file starts (and ends) with.
    static let magic: [UInt8] = Array("ARROW1".utf8)

    /// Whether the bytes look like Arrow IPC: the file format's magic, or a stream's first
    /// message (the continuation marker 0xFFFFFFFF).
    public static func looksLikeArrow(_ p: UnsafeRawBufferPointer) -> Bool {
        if p.count >= 6, p.prefix(6).elementsEqual(magic) { return true }
        return p.count >= 8 && p.prefix(4).allSatisfy { $0 == 0xFF }
    }

    /// The table the bytes hold. `cancellation` is polled between record batches.
    public static func read(_ p: UnsafeRawBufferPointer, maxColumns: Int, cancellation: CancellationFlag? = nil)
        throws(ArrowFormatError) -> Table
    {
        var start = 0
        var end = p.count
        if p.count >= 6, p.prefix(6).elementsEqual(magic) {
            // The file format: magic and padding, the stream, the footer, its length, magic.
            guard p.count >= 18, p.suffix(6).elementsEqual(magic) else {
                throw ArrowFormatError("the file starts like an Arrow file but does not end like one (cut short?)")
            }
            let footer = Int(try FlatTable.i32(p, p.count - 10))
            guard footer >= 0, footer <= p.count - 18 else { throw ArrowFormatError("the file's footer length is wrong") }
            start = 8
            end = p.count - 10 - footer
        }
        var decoder = Decoder(maxColumns: maxColumns)
        try readMessages(p, from: start, to: end, into: &decoder, cancellation: cancellation)
        return try decoder.table()
    }

    /// One table from several streams that each carry the same schema (Spark Connect sends
    /// every batch of a result as a stream of its own).
    public static func read(streams: [[UInt8]], maxColumns: Int, cancellation: CancellationFlag? = nil)
        throws(ArrowFormatError) -> Table
    {
        var decoder = Decoder(maxColumns: maxColumns)
        for stream in streams {
            let r = stream.withUnsafeBytes { p in
                Result { () throws(ArrowFormatError) in
                    try readMessages(p, from: 0, to: p.count, into: &decoder, cancellation: cancellation)
                }
            }
            try r.get()
        }
        return try decoder.table()
    }

    /// Reads the encapsulated messages of `p[start..<end]` into `decoder`, up to the end of
    /// the stream.
    static func readMessages(
        _ p: UnsafeRawBufferPointer, from start: Int, to end: Int, into decoder: inout Decoder,
        cancellation: CancellationFlag?
    ) throws(ArrowFormatError) {
        var position = start
        while position + 4 <= end {
            if let cancellation, cancellation.isCancelled { throw ArrowFormatError("cancelled") }
            var length = Int(try FlatTable.i32(p, position))
            position += 4
            if length == -1 {
                guard position + 4 <= end else { break }
                length = Int(try FlatTable.i32(p, position))
                position += 4
            }
            if length == 0 { break }
            guard length > 0, length <= end - position else {
                throw ArrowFormatError("message \(decoder.messages + 1) at byte \(position - 4) runs past the end of the data")
            }
            let metadata = UnsafeRawBufferPointer(rebasing: p[position..<(position + length)])
            position += length
            let message = try FlatTable(root: metadata)
            let kind = try message.uint8(1)
            let bodyLength = Int(try message.int64(3))
            guard bodyLength >= 0, bodyLength <= end - position else {
                throw ArrowFormatError("the body of message \(decoder.messages + 1) runs past the end of the data")
            }
            let body = UnsafeRawBufferPointer(rebasing: p[position..<(position + bodyLength)])
            position += bodyLength
            try decoder.message(kind: kind, header: try message.table(2), body: body)
        }
    }
}

/// The values of one column of one batch (or of a dictionary), decoded.
enum ArrowValues {
    case null(Int)
    case int([Int64])
    case double([Double])
    case string([String])
    case bool([Bool])
    case date([Int32])

    var count: Int {
        switch self {
        case .null(let n): n
        case .int(let v): v.count
        case .double(let v): v.count
        case .string(let v): v.count
        case .bool(let v): v.count
        case .date(let v): v.count
        }
    }

    /// The values at `indices` (a dictionary looked up).
    func gather(_ indices: [Int]) -> ArrowValues {
        switch self {
        case .null: .null(indices.count)
        case .int(let v): .int(indices.map { v[$0] })
        case .double(let v): .double(indices.map { v[$0] })
        case .string(let v): .string(indices.map { v[$0] })
        case .bool(let v): .bool(indices.map { v[$0] })
        case .date(let v): .date(indices.map { v[$0] })
        }
    }
}

/// The messages of one stream, turned into columns batch by batch.
struct Decoder {
    let maxColumns: Int
    var messages = 0
    var schema: ArrowSchema?
    var dictionaries: [Int64: (values: ArrowValues, valid: [Bool]?)] = [:]
    var columns: [ColumnBuilder] = []
    var rows = 0

    init(maxColumns: Int) { self.maxColumns = maxColumns }

    mutating func message(kind: UInt8, header: FlatTable?, body: UnsafeRawBufferPointer) throws(ArrowFormatError) {
        messages += 1
        guard let header else { throw ArrowFormatError("message \(messages) has no header") }
        switch kind {
        case 1:
            let s = try ArrowSchema(header)
            if let schema {
                // A later stream of the same result repeats the schema.
                guard schema.fields.map(\.name) == s.fields.map(\.name), schema.fields.map(\.type) == s.fields.map(\.type)
                else { throw ArrowFormatError("message \(messages) is a second schema, unlike the first") }
                return
            }
            guard s.fields.count <= maxColumns else {
                throw ArrowFormatError("the data have \(s.fields.count) columns; crmq loads at most \(maxColumns)")
            }
            var seen: Set<String> = []
            for (i, f) in s.fields.enumerated() {
                guard !f.name.isEmpty else { throw ArrowFormatError("column \(i + 1) has no name") }
                guard seen.insert(f.name).inserted else { throw ArrowFormatError("two columns are called '\(f.name)'") }
                if case .unsupported(let name) = f.type {
                    throw ArrowFormatError(
                        "column '\(f.name)' is of Arrow type \(name), which crmq has no column for; it loads ints, "
                            + "floats, decimals, strings, booleans, dates and timestamps (leave the column out when writing the file)")
                }
            }
            schema = s
            columns = s.fields.map { ColumnBuilder(type: $0.type) }
        case 2:
            guard let schema else { throw ArrowFormatError("message \(messages) is a dictionary before the schema") }
            let id = try header.int64(0)
            guard let data = try header.table(1) else { throw ArrowFormatError("dictionary batch \(id) has no data") }
            guard let field = schema.fields.first(where: { $0.dictionary?.id == id }) else {
                throw ArrowFormatError("dictionary batch \(id) belongs to no column")
            }
            var batch = try Batch(data, body: body, message: messages)
            let rows = batch.length
            let decoded = try batch.column(field.type, rows: rows, name: field.name)
            if try header.bool(2), let old = dictionaries[id] {
                dictionaries[id] = try append(old, decoded, field: field.name)
            } else {
                dictionaries[id] = decoded
            }
        case 3:
            guard let schema else { throw ArrowFormatError("message \(messages) is a record batch before the schema") }
            var batch = try Batch(header, body: body, message: messages)
            let n = batch.length
            for (i, field) in schema.fields.enumerated() {
                if let d = field.dictionary {
                    let indexType = ArrowType.int(bits: d.indexBits, signed: d.indexSigned)
                    let (indices, valid) = try batch.column(indexType, rows: n, name: field.name)
                    guard let dictionary = dictionaries[d.id] else {
                        throw ArrowFormatError("column '\(field.name)' uses dictionary \(d.id), which was not sent before it")
                    }
                    guard case .int(let raw) = indices else { preconditionFailure("an int column decodes to ints") }
                    var positions = [Int](repeating: 0, count: raw.count)
                    var validity = valid
                    for (r, k) in raw.enumerated() where valid?[r] ?? true {
                        guard k >= 0, k < dictionary.values.count else {
                            throw ArrowFormatError("column '\(field.name)', row \(rows + r + 1): dictionary index \(k) is out of range")
                        }
                        positions[r] = Int(k)
                        if let dv = dictionary.valid, !dv[Int(k)] {
                            if validity == nil { validity = [Bool](repeating: true, count: raw.count) }
                            validity![r] = false
                        }
                    }
                    columns[i].append(dictionary.values.gather(positions), valid: validity)
                } else {
                    let (values, valid) = try batch.column(field.type, rows: n, name: field.name)
                    columns[i].append(values, valid: valid)
                }
            }
            rows += n
        case 0:
            throw ArrowFormatError("message \(messages) has no header type")
        default:
            throw ArrowFormatError("message \(messages) is a tensor (type \(kind)), not a table's data")
        }
    }

    private func append(_ a: (values: ArrowValues, valid: [Bool]?), _ b: (values: ArrowValues, valid: [Bool]?), field: String)
        throws(ArrowFormatError) -> (values: ArrowValues, valid: [Bool]?)
    {
        let valid: [Bool]? = a.valid == nil && b.valid == nil
            ? nil : (a.valid ?? Array(repeating: true, count: a.values.count)) + (b.valid ?? Array(repeating: true, count: b.values.count))
        switch (a.values, b.values) {
        case (.int(let x), .int(let y)): return (.int(x + y), valid)
        case (.double(let x), .double(let y)): return (.double(x + y), valid)
        case (.string(let x), .string(let y)): return (.string(x + y), valid)
        case (.bool(let x), .bool(let y)): return (.bool(x + y), valid)
        case (.date(let x), .date(let y)): return (.date(x + y), valid)
        case (.null(let x), .null(let y)): return (.null(x + y), valid)
        default: throw ArrowFormatError("a delta of column '\(field)''s dictionary has another type")
        }
    }

    func table() throws(ArrowFormatError) -> Table {
        guard let schema else { throw ArrowFormatError("the data hold no schema") }
        var fields: [Field] = []
        var out: [Column] = []
        for (f, builder) in zip(schema.fields, columns) {
            let column = builder.build(rows: rows)
            fields.append(Field(f.name, column.type))
            out.append(column)
        }
        return Table(schema: Schema(fields), columns: out, rowCount: rows)
    }
}

/// One record batch's nodes and buffers, read field by field in schema order.
struct Batch {
    let body: UnsafeRawBufferPointer
    let length: Int
    let nodes: [(Int64, Int64)]
    let buffers: [(Int64, Int64)]
    /// LZ4_FRAME 0, ZSTD 1, or nil when the buffers are not compressed.
    let codec: UInt8?
    let message: Int
    var node = 0
    var buffer = 0

    init(_ t: FlatTable, body: UnsafeRawBufferPointer, message: Int) throws(ArrowFormatError) {
        self.body = body
        self.message = message
        length = Int(try t.int64(0))
        nodes = try t.pairs(1)
        buffers = try t.pairs(2)
        if let c = try t.table(3) {
            let codec = try c.uint8(0)
            guard codec <= 1 else { throw ArrowFormatError("message \(message) is compressed with codec \(codec)") }
            self.codec = codec
        } else {
            codec = nil
        }
        guard length >= 0, length <= Self.maxRows else {
            throw ArrowFormatError("message \(message) claims \(length) rows; crmq reads batches of at most \(Self.maxRows)")
        }
    }

    /// The most rows one batch may claim (writers use far smaller batches); a bound on what a
    /// damaged row count can make the reader allocate.
    static let maxRows = 1 << 28

    /// The next buffer's bytes, decompressed. `limit`: the most bytes the column can need from
    /// it (its rows' worth, padding allowed), so that a damaged length cannot make the reader
    /// allocate more.
    mutating func nextBuffer(_ name: String, limit: Int) throws(ArrowFormatError) -> [UInt8] {
        guard buffer < buffers.count else { throw ArrowFormatError("column '\(name)' has fewer buffers than its type needs") }
        let (offset, size) = buffers[buffer]
        buffer += 1
        guard offset >= 0, size >= 0, offset <= Int64(body.count), size <= Int64(body.count) - offset else {
            throw ArrowFormatError("a buffer of column '\(name)' lies outside message \(message)'s body")
        }
        let bytes = UnsafeRawBufferPointer(rebasing: body[Int(offset)..<Int(offset + size)])
        guard let codec, size > 0 else { return Array(bytes) }
        guard size >= 8 else { throw ArrowFormatError("a compressed buffer of column '\(name)' is shorter than its header") }
        let uncompressed = Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))
        let data = UnsafeRawBufferPointer(rebasing: bytes[8...])
        if uncompressed == -1 { return Array(data) }
        // LZ4 expands at most about 255 times, Zstandard's run-length blocks about 32,768 times.
        let ratio = codec == 0 ? 256 : 32_768
        guard uncompressed >= 0, uncompressed <= Int64(limit + 64), uncompressed <= Int64(data.count) * Int64(ratio) + 1024 else {
            throw ArrowFormatError("a compressed buffer of column '\(name)' claims \(uncompressed) bytes, more than it can hold")
        }
        return try Compression.decompress(data, codec: codec, size: Int(uncompressed), column: name)
    }

    /// The next column of `type`, `rows` long: its values and validity (nil: no nulls).
    mutating func column(_ type: ArrowType, rows: Int, name: String) throws(ArrowFormatError) -> (ArrowValues, [Bool]?) {
        guard node < nodes.count else { throw ArrowFormatError("message \(message) has no data for column '\(name)'") }
        let (count64, nullCount) = nodes[node]
        node += 1
        guard count64 == Int64(rows) else {
            throw ArrowFormatError("column '\(name)' has \(count64) values in a batch of \(rows) rows")
        }
        let n = rows
        if case .null = type { return (.null(n), n == 0 ? nil : [Bool](repeating: false, count: n)) }
        let validityBytes = try nextBuffer(name, limit: (n + 7) / 8)
        var valid: [Bool]?
        if nullCount != 0, !validityBytes.isEmpty {
            guard validityBytes.count * 8 >= n else { throw ArrowFormatError("column '\(name)''s validity bitmap is too short") }
            valid = (0..<n).map { validityBytes[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 }
        }
        let width: Int = switch type {
        case .int(let bits, _): bits / 8
        case .float(let bits): bits / 8
        case .decimal(_, let bits): bits / 8
        case .date(let milliseconds): milliseconds ? 8 : 4
        case .timestamp: 8
        case .utf8(let large): large ? 8 : 4
        case .bool, .null, .unsupported: 0
        }
        let data = try nextBuffer(name, limit: width == 0 ? (n + 7) / 8 : (n + 1) * width)
        func need(_ bytes: Int) throws(ArrowFormatError) {
            guard data.count >= bytes else { throw ArrowFormatError("column '\(name)''s values buffer is too short for \(n) rows") }
        }
        func load<T: FixedWidthInteger>(_: T.Type) throws(ArrowFormatError) -> [T] {
            try need(n * MemoryLayout<T>.size)
            return data.withUnsafeBytes { b in (0..<n).map { T(littleEndian: b.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
        }
        switch type {
        case .int(let bits, let signed):
            switch (bits, signed) {
            case (8, true): return (.int(try load(Int8.self).map(Int64.init)), valid)
            case (16, true): return (.int(try load(Int16.self).map(Int64.init)), valid)
            case (32, true): return (.int(try load(Int32.self).map(Int64.init)), valid)
            case (64, true): return (.int(try load(Int64.self)), valid)
            case (8, false): return (.int(try load(UInt8.self).map(Int64.init)), valid)
            case (16, false): return (.int(try load(UInt16.self).map(Int64.init)), valid)
            case (32, false): return (.int(try load(UInt32.self).map(Int64.init)), valid)
            default:
                let raw = try load(UInt64.self)
                var out = [Int64](repeating: 0, count: n)
                for i in 0..<n where valid?[i] ?? true {
                    guard let v = Int64(exactly: raw[i]) else {
                        throw ArrowFormatError("column '\(name)', row \(i + 1): \(raw[i]) is above the largest int (2^63 - 1)")
                    }
                    out[i] = v
                }
                return (.int(out), valid)
            }
        case .float(let bits):
            switch bits {
            case 16:
                return (.double(try load(UInt16.self).map { Double(Float(Float16(bitPattern: $0))) }), valid)
            case 32: return (.double(try load(UInt32.self).map { Double(Float(bitPattern: $0)) }), valid)
            default: return (.double(try load(UInt64.self).map { Double(bitPattern: $0) }), valid)
            }
        case .decimal(let scale, let bits):
            let width = bits / 8
            try need(n * width)
            let divisor = Self.power10(scale)
            let values = data.withUnsafeBytes { b in
                (0..<n).map { i -> Double in
                    // Two's complement in little-endian 64-bit limbs: negated to a magnitude
                    // first, so that the limbs add up without cancelling in floating point.
                    let count = width / 8
                    var limbs = (0..<count).map {
                        UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i * width + $0 * 8, as: UInt64.self))
                    }
                    let negative = limbs[count - 1] >> 63 == 1
                    if negative {
                        var carry = true
                        for l in 0..<count {
                            limbs[l] = ~limbs[l]
                            if carry { (limbs[l], carry) = limbs[l].addingReportingOverflow(1) }
                        }
                    }
                    var value = 0.0
                    for l in stride(from: count - 1, through: 0, by: -1) {
                        value = value * 18_446_744_073_709_551_616.0 + Double(limbs[l])
                    }
                    return (negative ? -value : value) / divisor
                }
            }
            return (.double(values), valid)
        case .bool:
            guard data.count * 8 >= n else { throw ArrowFormatError("column '\(name)''s values buffer is too short for \(n) rows") }
            return (.bool((0..<n).map { data[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 }), valid)
        case .date(let milliseconds):
            let days: [Int64] = milliseconds
                ? try load(Int64.self).map { Self.floorDivide($0, 86_400_000) } : try load(Int32.self).map(Int64.init)
            return (.date(try Self.checkedDays(days, valid, name)), valid)
        case .timestamp(let unit):
            let perDay: Int64 = [86_400, 86_400_000, 86_400_000_000, 86_400_000_000_000][unit]
            let days = try load(Int64.self).map { Self.floorDivide($0, perDay) }
            return (.date(try Self.checkedDays(days, valid, name)), valid)
        case .utf8(let large):
            let offsets: [Int64]
            if large {
                guard data.count >= (n + 1) * 8 else { throw ArrowFormatError("column '\(name)''s offsets are too short") }
                offsets = data.withUnsafeBytes { b in (0...n).map { Int64(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) } }
            } else if n == 0 {
                offsets = [0]
            } else {
                guard data.count >= (n + 1) * 4 else { throw ArrowFormatError("column '\(name)''s offsets are too short") }
                offsets = data.withUnsafeBytes { b in (0...n).map { Int64(Int32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) } }
            }
            let text = try nextBuffer(name, limit: Int(clamping: max(0, offsets.last ?? 0)))
            var strings = [String](repeating: "", count: n)
            for i in 0..<n where valid?[i] ?? true {
                let from = offsets[i], to = offsets[i + 1]
                guard from >= 0, from <= to, to <= Int64(text.count) else {
                    throw ArrowFormatError("column '\(name)', row \(i + 1): a string's offsets lie outside its data")
                }
                guard let s = text.withUnsafeBufferPointer({ b in
                    String(validating: UnsafeBufferPointer(rebasing: b[Int(from)..<Int(to)]), as: UTF8.self)
                }) else {
                    throw ArrowFormatError("column '\(name)', row \(i + 1): the text is not valid UTF-8")
                }
                strings[i] = s
            }
            return (.string(strings), valid)
        case .null, .unsupported:
            preconditionFailure("the schema refuses unsupported types; null returned above")
        }
    }

    static func power10(_ k: Int) -> Double {
        var p = 1.0
        for _ in 0..<min(max(k, 0), 400) { p *= 10 }
        if k < 0 { for _ in 0..<min(-k, 400) { p /= 10 } }
        return p
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 as crmq dates: 0000-01-01 to 9999-12-31.
    static func checkedDays(_ days: [Int64], _ valid: [Bool]?, _ name: String) throws(ArrowFormatError) -> [Int32] {
        let first = Int64(CivilDate(year: 0, month: 1, day: 1).days)
        let last = Int64(CivilDate(year: 9999, month: 12, day: 31).days)
        var out = [Int32](repeating: 0, count: days.count)
        for (i, d) in days.enumerated() where valid?[i] ?? true {
            guard d >= first, d <= last else {
                throw ArrowFormatError("column '\(name)', row \(i + 1): the date is outside 0000-01-01 ... 9999-12-31")
            }
            out[i] = Int32(d)
        }
        return out
    }
}

/// One column's values over all batches.
struct ColumnBuilder {
    let type: ArrowType
    var ints: [Int64] = []
    var doubles: [Double] = []
    var dates: [Int32] = []
    var bools: [Bool] = []
    var codes: [Int32] = []
    var dictionary: [String: Int32] = [:]
    var strings: [String] = []
    var valid: [Bool] = []
    var anyNull = false
    var count = 0

    init(type: ArrowType) { self.type = type }

    mutating func append(_ values: ArrowValues, valid v: [Bool]?) {
        let n = values.count
        if let v {
            if !anyNull, v.contains(false) {
                anyNull = true
                valid = [Bool](repeating: true, count: count)
            }
            if anyNull { valid += v }
        } else if anyNull {
            valid += [Bool](repeating: true, count: n)
        }
        count += n
        switch values {
        case .null: break
        case .int(let x): ints += x
        case .double(let x): doubles += x
        case .date(let x): dates += x
        case .bool(let x): bools += x
        case .string(let x):
            for (i, s) in x.enumerated() {
                if let v, !v[i] {
                    codes.append(0)
                    continue
                }
                if let c = dictionary[s] {
                    codes.append(c)
                } else {
                    let c = Int32(strings.count)
                    dictionary[s] = c
                    strings.append(s)
                    codes.append(c)
                }
            }
        }
    }

    /// The column, of the crmq type the field's Arrow type maps to (a dictionary-encoded
    /// field's type is its values' type, so every batch appended the same kind of values).
    func build(rows: Int) -> Column {
        let validity: [Bool]? = anyNull ? valid : nil
        switch type {
        case .int: return Column(.int(ints), validity: validity)
        case .float, .decimal: return Column(.double(doubles), validity: validity)
        case .date, .timestamp: return Column(.date(dates), validity: validity)
        case .bool: return Column(.bool(bools), validity: validity)
        case .utf8:
            guard !codes.isEmpty else { return Column.from([], type: .string) }
            return Column(.string(codes: codes, dictionary: StringDictionary(strings.isEmpty ? [""] : strings)), validity: validity)
        case .null, .unsupported: return Column(.null(count: rows))
        }
    }
}
