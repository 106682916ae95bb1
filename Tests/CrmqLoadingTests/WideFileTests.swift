import Testing
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

/// Files with very many columns: up to `CSVReader.maxColumns` load (the columns past the
/// first `ColumnConverter.nestedColumns` through buffers of their own, not one stack frame
/// per column); more are an error, not a stack overflow.
@Suite struct WideFileTests {
    /// A header of `columns` names c0, c1, ... and the rows given, one string each.
    static func file(columns: Int, rows: [String] = []) -> [UInt8] {
        Array(((0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n" + rows.map { $0 + "\n" }.joined()).utf8)
    }

    @Test func moreColumnsThanTheLimitIsAnErrorAtTheFirstColumnTooMany() {
        // 30,600 columns overflowed the stack before the limit.
        let bytes = Self.file(columns: 30_600, rows: [Array(repeating: "1", count: 30_600).joined(separator: ",")])
        let d = failure(bytes: bytes)
        #expect(d?.id == "load.too-many-columns")
        #expect(d?.message == "the header has 30600 columns; crmq loads at most 16384")
        let column = (0..<CSVReader.maxColumns).map { "c\($0)," }.joined().utf8.count + 1
        #expect(place(d) == "t.csv:1:\(column)")
        #expect(failure(bytes: Self.file(columns: CSVReader.maxColumns + 1))?.id == "load.too-many-columns")
    }

    @Test func theLimitItselfLoadsWithEveryColumnTypedAndFilled() throws {
        let n = CSVReader.maxColumns
        // Column j: int, double, bool, date or string by j % 5; int column 10 and one far
        // past the nested ones meet a decimal in their last row and widen to double.
        func cell(_ j: Int, _ row: Int) -> String {
            if row == 2 && (j == 10 || j == 10_000) { return "2.5" }
            if row == 1 && j % 11 == 0 { return "" }
            switch j % 5 {
            case 0: return "\(j + row)"
            case 1: return "\(j).\(row)5"
            case 2: return row == 1 ? "true" : "false"
            case 3: return "2025-01-0\(row + 1)"
            default: return "s\(j)-\(row)"
            }
        }
        let rows = (0..<3).map { r in (0..<n).map { cell($0, r) }.joined(separator: ",") }
        let t = try readBytes(Self.file(columns: n, rows: rows))
        #expect(t.schema.count == n)
        #expect(t.rowCount == 3)
        let expectedTypes: [DataType] = [.int, .double, .bool, .date, .string]
        for j in [0, 1, 2, 3, 4, 63, 64, 65, 66, 67, 68, 69, 9_999, 10_001, 16_380, 16_381, 16_382, n - 1] {
            #expect(t.schema[j].type == expectedTypes[j % 5], "column \(j)")
            #expect(t.columns[j].count == 3)
            for r in 0..<3 {
                let text = cell(j, r)
                let value = t.columns[j].value(at: r)
                if text.isEmpty {
                    #expect(value == .null, "column \(j) row \(r)")
                } else {
                    #expect(value.exactText == text, "column \(j) row \(r)")
                }
            }
        }
        for j in [10, 10_000] {
            #expect(t.schema[j].type == .double)
            #expect((0..<3).map { t.columns[j].value(at: $0) } == [.double(Double(j)), .double(Double(j + 1)), .double(2.5)])
        }
    }
}
