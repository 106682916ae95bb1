/// The Arrow types crmq reads, from a Schema message's fields (Arrow's format/Schema.fbs:
/// the `Type` union's member numbers and each member's fields).
enum ArrowType: Equatable, Sendable {
    case null
    case int(bits: Int, signed: Bool)
    case float(bits: Int)
    case utf8(large: Bool)
    case bool
    case decimal(scale: Int, bits: Int)
    case date(milliseconds: Bool)
    /// Any unit (0 seconds ... 3 nanoseconds); crmq keeps the date.
    case timestamp(unit: Int)
    /// A type crmq has no column for (lists, structs, binary, times, intervals ...): its name.
    case unsupported(String)

    /// The names of the `Type` union's members, by number, for messages.
    static let unionNames = [
        "NONE", "Null", "Int", "FloatingPoint", "Binary", "Utf8", "Bool", "Decimal", "Date", "Time", "Timestamp",
        "Interval", "List", "Struct", "Union", "FixedSizeBinary", "FixedSizeList", "Map", "Duration",
        "LargeBinary", "LargeUtf8", "LargeList", "RunEndEncoded", "BinaryView", "Utf8View", "ListView",
        "LargeListView",
    ]

    init(union kind: UInt8, _ table: FlatTable?) throws(ArrowFormatError) {
        switch kind {
        case 1: self = .null
        case 2:
            let bits = Int(try table?.int32(0) ?? 0)
            guard [8, 16, 32, 64].contains(bits) else { throw ArrowFormatError("an Int column is \(bits) bits wide") }
            self = .int(bits: bits, signed: try table?.bool(1) ?? false)
        case 3:
            let precision = try table?.int16(0) ?? 0
            guard (0...2).contains(precision) else { throw ArrowFormatError("a FloatingPoint column has precision \(precision)") }
            self = .float(bits: [16, 32, 64][Int(precision)])
        case 5: self = .utf8(large: false)
        case 20: self = .utf8(large: true)
        case 6: self = .bool
        case 7:
            let bits = Int(try table?.int32(2, default: 128) ?? 128)
            guard bits == 128 || bits == 256 else { throw ArrowFormatError("a Decimal column is \(bits) bits wide") }
            self = .decimal(scale: Int(try table?.int32(1) ?? 0), bits: bits)
        case 8: self = .date(milliseconds: try table?.int16(0, default: 1) ?? 1 == 1)
        case 10:
            let unit = Int(try table?.int16(0) ?? 0)
            guard (0...3).contains(unit) else { throw ArrowFormatError("a Timestamp column has time unit \(unit)") }
            self = .timestamp(unit: unit)
        default:
            self = .unsupported(Int(kind) < Self.unionNames.count ? Self.unionNames[Int(kind)] : "type number \(kind)")
        }
    }

    /// How many buffers a column of this type has in a record batch (validity first).
    var bufferCount: Int {
        switch self {
        case .null: 0
        case .utf8: 3
        default: 2
        }
    }
}

/// One column of a Schema: its name, type, and the dictionary its values come from, if
/// dictionary-encoded (the column's buffers then hold indices of `indexBits`).
struct ArrowField: Sendable {
    var name: String
    var type: ArrowType
    var dictionary: (id: Int64, indexBits: Int, indexSigned: Bool)?

    init(_ t: FlatTable) throws(ArrowFormatError) {
        name = try t.string(0) ?? ""
        type = try ArrowType(union: try t.uint8(2), try t.table(3))
        if let d = try t.table(4) {
            let index = try d.table(1)
            let bits = Int(try index?.int32(0) ?? 32)
            guard [8, 16, 32, 64].contains(bits) else { throw ArrowFormatError("column '\(name)' has \(bits)-bit dictionary indices") }
            dictionary = (try d.int64(0), bits, try index?.bool(1) ?? true)
        }
    }
}

/// A Schema message: the fields, and whether the data are little-endian (crmq reads only those).
struct ArrowSchema: Sendable {
    var fields: [ArrowField]

    init(_ t: FlatTable) throws(ArrowFormatError) {
        guard try t.int16(0) == 0 else { throw ArrowFormatError("the data are big-endian; crmq reads little-endian Arrow") }
        fields = try t.tables(1).map { (f) throws(ArrowFormatError) in try ArrowField(f) }
    }
}
