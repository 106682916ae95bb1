import NIOCore
import PostgresNIO
import CrmqSemantics
import CrmqEngine
import CrmqSQL

extension SQLStatement {
    /// The parameters as postgres-nio sends them: dates as ISO text (the SQL casts them).
    func postgresBindings() -> PostgresBindings {
        var b = PostgresBindings(capacity: binds.count)
        for v in binds {
            switch v {
            case .null: b.appendNull()
            case .int(let i): b.append(i)
            case .double(let d): b.append(d)
            case .string(let s): b.append(s)
            case .bool(let x): b.append(x)
            case .date(let days): b.append(CivilDate(days: days).description)
            }
        }
        return b
    }
}

/// Rows from PostgreSQL into a crmq table. The compiled SQL casts every output column to
/// one of the types read here (int8, float8, text, date, bool), so the decoding is fixed
/// by the schema; binary and text formats are both read. A category's strings become its
/// codes (a value that is not a level is null, as crmq's `ordered` does).
enum ResultDecoder {
    static func table(_ rows: [PostgresRow], schema: Schema) throws(ConnectionError) -> Table {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for row in rows {
            guard row.count == builders.count else {
                throw .server(code: "", message: "the result has \(row.count) columns where \(builders.count) were expected", detail: nil, position: nil)
            }
            for (i, cell) in row.enumerated() {
                try builders[i].append(cell, name: schema.fields[i].name)
            }
        }
        return Table(schema: schema, columns: builders.map { $0.build() }, rowCount: rows.count)
    }
}

/// A column filled one cell at a time.
struct ColumnBuilder {
    let type: DataType
    var ints: [Int64] = []
    var doubles: [Double] = []
    var bools: [Bool] = []
    var dates: [Int32] = []
    var codes: [Int32] = []
    var strings = StringDictionaryBuilder()
    var levels: [String: Int32] = [:]
    var validity: [Bool] = []
    var count = 0

    init(type: DataType, capacity: Int) {
        self.type = type
        validity.reserveCapacity(capacity)
        if let c = type.category { levels = StringDictionary.levels(of: c).codes }
    }

    mutating func append(_ cell: PostgresCell, name: String) throws(ConnectionError) {
        count += 1
        guard var bytes = cell.bytes else {
            validity.append(false)
            appendZero()
            return
        }
        var valid = true
        switch type {
        case .int:
            ints.append(try integer(&bytes, cell, name))
        case .double:
            doubles.append(try double(&bytes, cell, name))
        case .bool:
            if cell.format == .binary {
                bools.append(bytes.readInteger(as: UInt8.self).map { $0 != 0 } ?? false)
            } else {
                bools.append(bytes.readString(length: bytes.readableBytes) == "t")
            }
        case .date:
            if cell.format == .binary, cell.dataType == .date, let d = bytes.readInteger(as: Int32.self) {
                // PostgreSQL counts days from 2000-01-01.
                let days = Int64(d) + 10957
                if let day = Int32(exactly: days) { dates.append(day) } else { dates.append(0); valid = false }
            } else if let text = bytes.readString(length: bytes.readableBytes), let day = parseDate(text) {
                dates.append(day)
            } else {
                throw .unsupportedType(column: name, type: "\(cell.dataType)")
            }
        case .string:
            let text = bytes.readString(length: bytes.readableBytes) ?? ""
            codes.append(strings.code(for: text))
        case .category:
            let text = bytes.readString(length: bytes.readableBytes) ?? ""
            if let code = levels[text] { codes.append(code) } else { codes.append(0); valid = false }
        case .null:
            valid = false
        }
        validity.append(valid)
    }

    private mutating func appendZero() {
        switch type {
        case .int: ints.append(0)
        case .double: doubles.append(0)
        case .bool: bools.append(false)
        case .date: dates.append(0)
        case .string, .category: codes.append(0)
        case .null: break
        }
    }

    private func integer(_ bytes: inout ByteBuffer, _ cell: PostgresCell, _ name: String) throws(ConnectionError) -> Int64 {
        if cell.format == .binary {
            switch cell.dataType {
            case .int8: if let v = bytes.readInteger(as: Int64.self) { return v }
            case .int4: if let v = bytes.readInteger(as: Int32.self) { return Int64(v) }
            case .int2: if let v = bytes.readInteger(as: Int16.self) { return Int64(v) }
            default: break
            }
        } else if let text = bytes.readString(length: bytes.readableBytes), let v = Int64(text) {
            return v
        }
        throw .unsupportedType(column: name, type: "\(cell.dataType)")
    }

    private func double(_ bytes: inout ByteBuffer, _ cell: PostgresCell, _ name: String) throws(ConnectionError) -> Double {
        if cell.format == .binary {
            switch cell.dataType {
            case .float8: if let v = bytes.readInteger(as: UInt64.self) { return Double(bitPattern: v) }
            case .float4: if let v = bytes.readInteger(as: UInt32.self) { return Double(Float(bitPattern: v)) }
            default: break
            }
        } else if let text = bytes.readString(length: bytes.readableBytes), let v = Double(text) {
            return v
        }
        throw .unsupportedType(column: name, type: "\(cell.dataType)")
    }

    private func parseDate(_ text: String) -> Int32? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return CivilDate(year: y, month: m, day: d).days
    }

    func build() -> Column {
        let validity = validity.contains(false) ? validity : nil
        switch type {
        case .int: return Column(.int(ints), validity: validity)
        case .double: return Column(.double(doubles), validity: validity)
        case .bool: return Column(.bool(bools), validity: validity)
        case .date: return Column(.date(dates), validity: validity)
        case .string: return Column(.string(codes: codes, dictionary: strings.build()), validity: validity)
        case .category(let c): return Column(.string(codes: codes, dictionary: .levels(of: c)), validity: validity)
        case .null: return Column(.null(count: count))
        }
    }
}
