import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
@testable import CrmqArrow

/// The Arrow IPC writer, read back by crmq's reader (every type, nulls, many batches, both
/// framings). scripts/checks/arrow_check.py reads what `save` writes with pyarrow, and the
/// Spark tests send it to a Spark Connect server as a local relation.
@Suite struct ArrowWriterTests {
    static let mixed: Table = {
        let levels = CategoryType(["low", "mid", "high"])
        return Table(
            schema: Schema([
                Field("i", .int), Field("x", .double), Field("s", .string), Field("d", .date), Field("b", .bool),
                Field("c", .category(levels)), Field("n", .null),
            ]),
            columns: [
                Column.from([.int(1), .null, .int(-9_000_000_000_000), .int(4), .int(5)], type: .int),
                Column.from([.double(0.5), .double(-.infinity), .null, .double(1e308), .double(.leastNonzeroMagnitude)], type: .double),
                Column.from([.string("a"), .string(""), .null, .string("héllo, \"wörld\"\n"), .string("a")], type: .string),
                Column.from([.date(0), .date(-1), .date(20_000), .null, .date(19_000)], type: .date),
                Column.from([.bool(true), .bool(false), .null, .bool(true), .bool(true)], type: .bool),
                Column.from([.string("high"), .string("low"), .null, .string("mid"), .string("low")], type: .category(levels)),
                Column.from([.null, .null, .null, .null, .null], type: .null),
            ],
            rowCount: 5)
    }()

    static func read(_ bytes: [UInt8]) throws -> Table {
        let r = bytes.withUnsafeBytes { p in Result { () throws(ArrowFormatError) -> Table in try ArrowReader.read(p, maxColumns: 100) } }
        return try r.get()
    }

    static func rows(_ t: Table) -> [[Value]] {
        (0..<t.rowCount).map { i in t.columns.map { $0.value(at: i) } }
    }

    /// What the reader gives back for a table written: categories come back as their labels.
    static func expected(_ t: Table) -> [[Value]] { rows(t) }

    @Test(arguments: [ArrowWriter.Framing.stream, .file])
    func everyTypeReadsBack(_ framing: ArrowWriter.Framing) throws {
        let bytes = ArrowWriter.encode(Self.mixed, framing: framing)
        let back = try Self.read(bytes)
        #expect(back.schema.names == Self.mixed.schema.names)
        #expect(back.schema.fields.map(\.type) == [.int, .double, .string, .date, .bool, .string, .null])
        #expect(Self.rows(back) == Self.rows(Self.mixed))
        #expect(bytes.count % 8 == 0 || framing == .file)
        if framing == .file {
            #expect(Array(bytes.prefix(6)) == Array("ARROW1".utf8) && Array(bytes.suffix(6)) == Array("ARROW1".utf8))
        }
    }

    @Test func manyBatchesKeepTheRowsInOrder() throws {
        let n = 10_000
        let table = Table(
            schema: Schema([Field("id", .int), Field("name", .string), Field("v", .double)]),
            columns: [
                Column(.int((0..<n).map { Int64($0) })),
                Column.from((0..<n).map { $0 % 7 == 0 ? .null : .string("customer \($0)") }, type: .string),
                Column.from((0..<n).map { $0 % 5 == 0 ? .null : .double(Double($0) / 3) }, type: .double),
            ],
            rowCount: n)
        var out: [UInt8] = []
        var flushes = 0
        ArrowWriter.encode(table, framing: .stream, batchBytes: 4096, into: &out) { _ in flushes += 1 }
        #expect(flushes > 50)  // one per message: the schema, each batch, the end
        let back = try Self.read(out)
        #expect(Self.rows(back) == Self.rows(table))
        // A part of the rows, as a table is sent in parts.
        let part = try Self.read(ArrowWriter.encode(table, rows: 1234..<5678))
        #expect(Self.rows(part) == Array(Self.rows(table)[1234..<5678]))
    }

    @Test func slicesCoverTheRowsWithinTheirSize() {
        let n = 5_000
        let table = Table(
            schema: Schema([Field("id", .int), Field("s", .string)]),
            columns: [Column(.int((0..<n).map { Int64($0) })), Column.from((0..<n).map { .string(String(repeating: "x", count: $0 % 50)) }, type: .string)],
            rowCount: n)
        let slices = ArrowWriter.slices(table, bytes: 10_000)
        #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == n)
        #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        for s in slices {
            let size = s.reduce(0) { $0 + 12 + $1 % 50 }
            #expect(size <= 10_000)
            #expect(size > 10_000 - 12 - 50 || s == slices.last)
        }
        #expect(ArrowWriter.slices(table, rows: 7..<7, bytes: 10).isEmpty)
        // A row larger than the limit is a slice of its own.
        #expect(ArrowWriter.slices(table, rows: 40..<43, bytes: 1) == [40..<41, 41..<42, 42..<43])
    }

    /// Parts read back, one after another, are the table; a table without rows is one part
    /// with its schema.
    @Test func partsMakeUpTheTable() throws {
        let n = 3_000
        let table = Table(
            schema: Schema([Field("id", .int), Field("s", .string)]),
            columns: [Column(.int((0..<n).map { Int64($0) })), Column.from((0..<n).map { .string("row \($0)") }, type: .string)])
        let parts = ArrowWriter.parts(table, bytes: 4_000)
        #expect(parts.count == ArrowWriter.slices(table, bytes: 4_000).count && parts.count > 5)
        let back = try ArrowReader.read(streams: Array(parts), maxColumns: 10)
        #expect(Self.rows(back) == Self.rows(table))
        let empty = ArrowWriter.parts(Table(schema: table.schema, columns: [Column(.int([])), Column.from([], type: .string)], rowCount: 0), bytes: 10)
        #expect(empty.count == 1)
        #expect(try Self.read(empty[0]).schema.names == ["id", "s"])
    }

    @Test func emptyTablesKeepTheirColumns() throws {
        let table = Table(schema: Schema([Field("a", .int), Field("b", .string)]), columns: [Column(.int([])), Column.from([], type: .string)], rowCount: 0)
        for framing in [ArrowWriter.Framing.stream, .file] {
            let back = try Self.read(ArrowWriter.encode(table, framing: framing))
            #expect(back.rowCount == 0)
            #expect(back.schema.names == ["a", "b"])
            #expect(back.schema.fields.map(\.type) == [.int, .string])
        }
        let noColumns = try Self.read(ArrowWriter.encode(Table(schema: Schema([]), columns: [], rowCount: 0)))
        #expect(noColumns.schema.count == 0)
    }

    /// A string column whose rows are all null may have an empty dictionary: its codes point
    /// nowhere and must not be read.
    @Test func nullStringsWithAnEmptyDictionary() throws {
        let column = Column(.string(codes: [0, 0], dictionary: StringDictionary([])), validity: [false, false])
        let table = Table(schema: Schema([Field("s", .string)]), columns: [column], rowCount: 2)
        #expect(ArrowWriter.slices(table, bytes: 100) == [0..<2])
        let back = try Self.read(ArrowWriter.encode(table))
        #expect(Self.rows(back) == [[.null], [.null]])
    }
}
