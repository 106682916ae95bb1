import CrmqArrow
import CrmqEngine
import CrmqRendering

/// libFuzzer target `arrow` (scripts/fuzz): any bytes as an Arrow IPC file or stream, read as
/// `load` reads one (`ArrowReader.read`): a table or an error, never a trap and never an
/// allocation beyond what the bytes can describe. A table read must hold as many rows in
/// every column as it says, and is rendered in every output format. Seeds: files pyarrow
/// wrote (Tests/FuzzCorpus/arrow).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let result = Result { () throws(ArrowFormatError) -> Table in try ArrowReader.read(bytes, maxColumns: 16_384) }
    if case .success(let table) = result {
        precondition(table.columns.allSatisfy { $0.count == table.rowCount }, "a column of another length")
        for format in [TableFormat.table, .csv, .json, .markdown] {
            _ = TableRenderer.render(table, format: format, options: RenderOptions(maxRows: 40, maxCellWidth: 40, maxWidth: 100))
        }
    }
    return 0
}
