import CrmqLoading
import CrmqEngine
import CrmqRendering

/// libFuzzer target `csv` (scripts/fuzz): any bytes as a CSV file in memory, read as
/// `load` reads one (`CSVReader.read(bytes:path:)`): a table or a diagnostic. A table read
/// must hold as many rows in every column as it says, and is rendered in every output format. Finding: a trap, a sanitizer
/// report or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let table = try? CSVReader.read(bytes: bytes, path: "fuzz.csv") {
        precondition(table.columns.allSatisfy { $0.count == table.rowCount }, "a column of another length")
        for format in [TableFormat.table, .csv, .json, .markdown] {
            _ = TableRenderer.render(table, format: format, options: RenderOptions(maxRows: 40, maxCellWidth: 40, maxWidth: 100))
        }
    }
    return 0
}
