import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// Writes tables as JSON: an array with one object per row, keys in column order.
///
/// Numbers are written in full precision (the shortest text that reads back as the same
/// double); NaN and infinities, which JSON cannot express, and null are `null`. Dates are
/// strings `"YYYY-MM-DD"`; bools `true`/`false`. One object per line:
/// ```
/// [
///   {"region": "East", "n": 629},
///   {"region": "North", "n": 612}
/// ]
/// ```
public enum JSONWriter {
    /// The table as JSON text.
    public static func encode(_ table: Table) -> String {
        var out: [UInt8] = []
        encode(table, into: &out) { _ in }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the table to `path` atomically (see `TableWriter`).
    public static func write(_ table: Table, to path: String) throws(Diagnostic) {
        try AtomicFileWriter.replace(path) { (file: inout AtomicFileWriter) throws(Diagnostic) in
            var buffer: [UInt8] = []
            encode(table, into: &buffer) { full in
                file.write(full)
                full.removeAll(keepingCapacity: true)
            }
            file.write(buffer)
        }
    }

    static func encode(_ table: Table, into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        // Keys are the same on every row: encode them once.
        let keys: [[UInt8]] = table.schema.fields.map { field in
            var k: [UInt8] = []
            appendString(field.name, to: &k)
            k.append(contentsOf: ": ".utf8)
            return k
        }
        if table.rowCount == 0 {
            out.append(contentsOf: "[]\n".utf8)
            return
        }
        out.append(contentsOf: "[\n".utf8)
        for row in 0..<table.rowCount {
            out.append(contentsOf: "  {".utf8)
            for (k, column) in table.columns.enumerated() {
                if k > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: keys[k])
                appendValue(column, row, to: &out)
            }
            out.append(contentsOf: row == table.rowCount - 1 ? "}\n".utf8 : "},\n".utf8)
            if out.count >= 1 << 20 { flush(&out) }
        }
        out.append(contentsOf: "]\n".utf8)
    }

    /// One value as a JSON literal (a scalar result in the `json` output mode).
    public static func encode(_ value: Value) -> String {
        var out: [UInt8] = []
        appendValue(Column.from([value], type: value.type), 0, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func appendValue(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.isNull(row) {
            out.append(contentsOf: "null".utf8)
            return
        }
        switch column.values {
        case .int(let a): out.append(contentsOf: String(a[row]).utf8)
        case .double(let a):
            let v = a[row]
            out.append(contentsOf: (v.isFinite ? Value.exactText(of: v) : "null").utf8)
        case .bool(let a): out.append(contentsOf: (a[row] ? "true" : "false").utf8)
        case .date(let a): appendString(CivilDate(days: a[row]).description, to: &out)
        case .string(let codes, let dictionary): appendString(dictionary[codes[row]], to: &out)
        case .null: out.append(contentsOf: "null".utf8)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(asciiQuote)
        for b in s.utf8 {
            switch b {
            case asciiQuote: out.append(contentsOf: [0x5C, asciiQuote])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0..<0x20: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(asciiQuote)
    }
}

/// The table as JSON text (the `json` output mode): full precision, all rows.
public func encodeJSON(_ table: Table) -> String { JSONWriter.encode(table) }
