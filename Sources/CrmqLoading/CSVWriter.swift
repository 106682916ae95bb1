import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// Writes tables as CSV that `CSVReader` reads back to the same types and values.
///
/// A header row, then one record per row, each ending in LF. Values are written in full
/// precision (`Value.exactText`: doubles in the shortest form that reads back as the same
/// number and always with a `.` or exponent, dates `YYYY-MM-DD`, bools `true`/`false`).
/// Null is an empty field; the empty string is `""`, so the two stay apart. A field is
/// quoted only when it must be: when it is empty text, contains a comma, quote, CR or LF,
/// or starts or ends with a space or tab (which other readers may trim).
public enum CSVWriter {
    /// The table as CSV text.
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

    /// Appends the encoding to `out`, calling `flush` whenever it has grown large.
    static func encode(_ table: Table, into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        for (k, field) in table.schema.fields.enumerated() {
            if k > 0 { out.append(asciiComma) }
            appendField(field.name, to: &out)
        }
        out.append(asciiLF)
        for row in 0..<table.rowCount {
            for (k, column) in table.columns.enumerated() {
                if k > 0 { out.append(asciiComma) }
                appendCell(column, row, to: &out)
            }
            out.append(asciiLF)
            if out.count >= 1 << 20 { flush(&out) }
        }
    }

    @inline(__always)
    private static func appendCell(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.isNull(row) { return }
        switch column.values {
        case .int(let a): out.append(contentsOf: String(a[row]).utf8)
        case .double(let a): out.append(contentsOf: Value.exactText(of: a[row]).utf8)
        case .bool(let a): out.append(contentsOf: (a[row] ? "true" : "false").utf8)
        case .date(let a): out.append(contentsOf: CivilDate(days: a[row]).description.utf8)
        case .string(let codes, let dictionary): appendField(dictionary[codes[row]], to: &out)
        case .null: return
        }
    }

    /// Text, quoted when it has to be.
    static func appendField(_ text: String, to out: inout [UInt8]) {
        if needsQuotes(text) {
            out.append(asciiQuote)
            for b in text.utf8 {
                out.append(b)
                if b == asciiQuote { out.append(asciiQuote) }
            }
            out.append(asciiQuote)
        } else {
            out.append(contentsOf: text.utf8)
        }
    }

    static func needsQuotes(_ text: String) -> Bool {
        let u = text.utf8
        guard let first = u.first, let last = u.last else { return true }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
        for b in u where b == asciiComma || b == asciiQuote || b == asciiCR || b == asciiLF { return true }
        return false
    }
}

/// The table as CSV text (the `csv` output mode): full precision, all rows.
public func encodeCSV(_ table: Table) -> String { CSVWriter.encode(table) }
