import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
@testable import CrmqArrow

/// The Arrow IPC reader on files pyarrow 26 wrote (Tests/CrmqArrowTests/files, made by the
/// script in this file's last comment), and on damaged bytes. scripts/checks/arrow_check.py
/// compares it with pyarrow on more types, sizes and batches.
@Suite struct ArrowReaderTests {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "files"))
        return Array(try Data(contentsOf: url))
    }

    static func read(_ bytes: [UInt8]) throws(ArrowFormatError) -> Table {
        let r = bytes.withUnsafeBytes { p in Result { () throws(ArrowFormatError) -> Table in try ArrowReader.read(p, maxColumns: 100) } }
        return try r.get()
    }

    static func values(_ t: Table, _ name: String) -> [Value] {
        let c = t.column(named: name)!
        return (0..<t.rowCount).map { c.value(at: $0) }
    }

    static func day(_ s: String) -> Value { .date(CivilDate.parse(s)!.days) }

    @Test(arguments: ["types.feather", "types_lz4.feather", "types_zstd.arrow"])
    func everyTypeWithNulls(_ file: String) throws {
        let t = try Self.read(try Self.bytes(file))
        #expect(t.rowCount == 3)
        #expect(t.schema.names == ["i8", "i64", "u32", "f32", "f64", "s", "ls", "b", "d32", "d64", "ts", "dec", "cat"])
        #expect(Self.values(t, "i8") == [.int(1), .null, .int(-3)])
        #expect(Self.values(t, "i64") == [.int(1_000_000_000_000), .int(2), .null])
        #expect(Self.values(t, "u32") == [.int(1), .int(2), .int(4_000_000_000)])
        #expect(Self.values(t, "f32") == [.double(1.5), .null, .double(-2.25)])
        #expect(Self.values(t, "f64") == [.double(0.1), .double(2.5), .null])
        #expect(Self.values(t, "s") == [.string("a"), .null, .string("héllo")])
        #expect(Self.values(t, "ls") == [.string("x"), .string("y"), .null])
        #expect(Self.values(t, "b") == [.bool(true), .null, .bool(false)])
        #expect(Self.values(t, "d32") == [Self.day("2024-01-02"), .null, Self.day("1969-12-31")])
        #expect(Self.values(t, "d64") == [Self.day("2024-01-02"), Self.day("2000-02-29"), .null])
        // A timestamp keeps its UTC day, before 1970 too (floor, not truncation).
        #expect(Self.values(t, "ts") == [Self.day("2024-01-02"), .null, Self.day("1960-05-05")])
        // Decimal 12.34 and -0.01 (two's complement -1 at scale 2).
        #expect(Self.values(t, "dec") == [.double(12.34), .double(-0.01), .null])
        #expect(Self.values(t, "cat") == [.string("red"), .string("blue"), .string("red")])
    }

    /// A stream of two record batches; the second extends the dictionary by a delta.
    @Test func aStreamWithADictionaryDelta() throws {
        let t = try Self.read(try Self.bytes("two_batches.arrows"))
        #expect(Self.values(t, "id") == [.int(1), .int(2), .int(3), .null])
        #expect(Self.values(t, "colour") == [.string("red"), .string("blue"), .string("green"), .null])
    }

    @Test func aSchemaWithoutRows() throws {
        let t = try Self.read(try Self.bytes("empty.arrow"))
        #expect(t.rowCount == 0)
        #expect(t.schema.fields.map(\.type) == [.int, .string])
    }

    @Test func anUnsupportedTypeNamesTheColumn() throws {
        let bytes = try Self.bytes("list.arrow")
        let r = bytes.withUnsafeBytes { p in Result { () throws(ArrowFormatError) -> Table in try ArrowReader.read(p, maxColumns: 100) } }
        guard case .failure(let e) = r else { Issue.record("a List column was read"); return }
        #expect(e.reason.contains("column 'tags' is of Arrow type List"), "\(e.reason)")
    }

    @Test func tooManyColumnsIsAnError() throws {
        let bytes = try Self.bytes("types.feather")
        let r = bytes.withUnsafeBytes { p in Result { () throws(ArrowFormatError) -> Table in try ArrowReader.read(p, maxColumns: 5) } }
        guard case .failure(let e) = r else { Issue.record("13 columns read with a limit of 5"); return }
        #expect(e.reason.contains("13 columns"))
    }

    @Test func recognisesFilesAndStreams() throws {
        for file in ["types.feather", "two_batches.arrows"] {
            #expect(try Self.bytes(file).withUnsafeBytes { ArrowReader.looksLikeArrow($0) })
        }
        #expect(!Array("customer_id,date\n1,2025-01-01\n".utf8).withUnsafeBytes { ArrowReader.looksLikeArrow($0) })
    }

    /// Damaged bytes are an error, never a crash (nor a huge allocation): prefixes of a file
    /// and of a stream, and bytes changed throughout.
    @Test func damagedBytesAreErrorsNotCrashes() throws {
        for file in ["types_lz4.feather", "two_batches.arrows", "types_zstd.arrow"] {
            let bytes = try Self.bytes(file)
            for n in stride(from: 0, to: bytes.count, by: 3) {
                _ = try? Self.read(Array(bytes[0..<n]))
            }
            for i in stride(from: 0, to: bytes.count, by: 2) {
                for flip: UInt8 in [0xFF, 0x40, 0x01] {
                    var damaged = bytes
                    damaged[i] ^= flip
                    _ = try? Self.read(damaged)
                }
            }
        }
    }
}

// The fixtures, written with pyarrow 26.0.1 (scripts/checks/arrow_check.py writes more):
//
//   t = pa.table({"i8": pa.array([1, None, -3], pa.int8()), "i64": pa.array([10**12, 2, None], pa.int64()),
//     "u32": pa.array([1, 2, 4000000000], pa.uint32()), "f32": pa.array([1.5, None, -2.25], pa.float32()),
//     "f64": [0.1, 2.5, None], "s": ["a", None, "héllo"], "ls": pa.array(["x", "y", None], pa.large_string()),
//     "b": [True, None, False], "d32": pa.array([date(2024,1,2), None, date(1969,12,31)], pa.date32()),
//     "d64": pa.array([date(2024,1,2), date(2000,2,29), None], pa.date64()),
//     "ts": pa.array([datetime(2024,1,2,23,59), None, datetime(1960,5,5,1,0)], pa.timestamp("us")),
//     "dec": pa.array([Decimal("12.34"), Decimal("-0.01"), None], pa.decimal128(10, 2)),
//     "cat": pa.array(["red", "blue", "red"]).dictionary_encode()})
//   feather.write_feather(t, "types.feather", compression="uncompressed")   # also "lz4", and "zstd" as types_zstd.arrow
//   two_batches.arrows: ipc.new_stream with emit_dictionary_deltas=True, batches (1, red), (2, blue) and
//     (3, green), (null, null) over pa.dictionary(pa.int8(), pa.string())
//   empty.arrow: columns x int64 and name string, no rows; list.arrow: id and tags, a list<int64> column
