import NIOCore
import PostgresNIO
import CrmqSemantics
import CrmqEngine
import CrmqSQL

extension PostgresClient {
    /// Creates a table holding `table`'s rows, copied in order (`COPY ... FROM STDIN`, so a
    /// fresh table's storage order, which a scan follows, is the row order). `temporary`: a
    /// temporary table, gone when the connection closes: how a local table (a model's scores
    /// kept with `let`) joins remote ones. An ordered category becomes text (its order stays
    /// in crmq's schema). Every name is quoted. Replaces a table of that name when `replace`
    /// is set. With `rowNumbers`, a last int8 column of that name numbers the rows from 0
    /// (a scan's order, by ctid, is not always the order the rows were written). A set
    /// `cancellation` stops the copy, and no table is left.
    public func upload(
        _ table: Table, as name: String, temporary: Bool = false, replace: Bool = false,
        rowNumbers: String? = nil, cancellation: CancellationFlag? = nil
    ) throws(ConnectionError) {
        let d = PostgresDialect()
        let quoted = d.quote(name)
        // A temporary table is replaced in pg_temp only, never a table of the database.
        if replace { _ = try rows(SQLStatement("DROP TABLE IF EXISTS \(temporary ? "pg_temp." : "")\(quoted)")) }
        let columns = table.schema.fields.map { d.quote($0.name) + " " + d.typeName($0.type) }
            + (rowNumbers.map { [d.quote($0) + " int8"] } ?? [])
        // postgres-nio writes the name into its COPY statement as given, unescaped: the rows
        // go into a table with a name of crmq's making, renamed when they are in.
        let copied = "crmq_copy_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        _ = try rows(SQLStatement(
            "CREATE \(temporary ? "TEMPORARY " : "")TABLE \(copied) (\(columns.joined(separator: ", ")))"))
        do {
            if !columns.isEmpty, table.rowCount > 0 {
                try copy(table, numbered: rowNumbers != nil, into: copied, cancellation: cancellation)
            }
            _ = try rows(SQLStatement("ALTER TABLE \(temporary ? "pg_temp." : "")\(copied) RENAME TO \(quoted)"))
        } catch {
            _ = try? rows(SQLStatement("DROP TABLE IF EXISTS \(temporary ? "pg_temp." : "")\(copied)"))
            throw error
        }
    }

    /// `COPY name FROM STDIN` of every row of `table`, in order, each followed by its number
    /// when `numbered` (`name` is a plain identifier).
    private func copy(_ table: Table, numbered: Bool, into name: String, cancellation: CancellationFlag?) throws(ConnectionError) {
        if connection.isClosed { throw .lost(reason: "the server closed the connection") }
        let (connection, logger) = (self.connection, self.logger)
        let flag = cancellation ?? CancellationFlag()
        let outcome = AsyncBridge.wait(whileWaiting: {}) {
            try await connection.copyFrom(table: name, logger: logger) { writer in
                let text = CopyText(table)
                var buffer = ByteBuffer()
                buffer.reserveCapacity(1 << 20)
                for row in 0..<table.rowCount {
                    text.append(row: row, numbered: numbered, to: &buffer)
                    if buffer.readableBytes >= 1 << 20 {
                        if flag.isCancelled { throw CancellationError() }
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
        if case .failure(let error) = outcome {
            if flag.isCancelled { throw .cancelled }
            throw ConnectionError.from(error, endpoint: endpoint)
        }
    }
}

/// Rows in COPY's text format: tab-separated, `\N` for null, backslash escapes for
/// backslash, tab, newline and carriage return; numbers as crmq's CSV writes them (full
/// precision; PostgreSQL reads `inf`, `-inf` and `NaN`), dates in ISO form (`BC` before
/// year 1), booleans as t and f.
struct CopyText {
    private let columns: [Column]
    /// Each string column's dictionary, escaped once.
    private var texts: [Int: [[UInt8]]] = [:]

    init(_ table: Table) {
        columns = table.columns
        for (c, column) in columns.enumerated() {
            if case .string(_, let dictionary) = column.values {
                texts[c] = dictionary.values.map(Self.escaped)
            }
        }
    }

    func append(row: Int, numbered: Bool, to buffer: inout ByteBuffer) {
        for (c, column) in columns.enumerated() {
            if c > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            if column.isNull(row) {
                buffer.writeStaticString("\\N")
                continue
            }
            switch column.values {
            case .int(let a): buffer.writeString(String(a[row]))
            case .double(let a): buffer.writeString(Value.exactText(of: a[row]))
            case .bool(let a): buffer.writeInteger(UInt8(ascii: a[row] ? "t" : "f"))
            case .date(let a): buffer.writeString(Self.date(a[row]))
            case .string(let codes, _): buffer.writeBytes(texts[c]![Int(codes[row])])
            case .null: buffer.writeStaticString("\\N")
            }
        }
        if numbered {
            if !columns.isEmpty { buffer.writeInteger(UInt8(ascii: "\t")) }
            buffer.writeString(String(row))
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static func escaped(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            default: out.append(b)
            }
        }
        return out
    }

    /// ISO form; PostgreSQL has no year 0, and writes year 0 as 1 BC.
    static func date(_ days: Int32) -> String {
        let c = CivilDate(days: days)
        return c.year >= 1 ? c.description : CivilDate(year: 1 - c.year, month: c.month, day: c.day).description + " BC"
    }
}
