import CrmqDiagnostics

/// The errors of reading CSV files and folders (`load "..."`, `--data`).
/// Rows are counted from the first record after the header ("row 1" is the first data row);
/// the diagnostic's location gives the physical line.
public enum LoadMessage: DiagnosticMessage, Equatable {
    case notFound
    case cannotRead(reason: String)
    case emptyFile
    case noCSVFiles
    case fieldCount(row: Int, found: Int, expected: Int)
    case unterminatedQuote
    case quoteInUnquotedField
    case textAfterQuote(found: String)
    case invalidUTF8(byte: UInt8)
    case emptyColumnName(column: Int)
    case duplicateColumnName(String)
    case duplicateTableName(name: String, files: [String])
    case tooLarge
    case crLineEnds
    case changedWhileLoading
    case streamTooLarge(limit: Int)
    case noWriter(seconds: Int)
    case cancelled
    case tooManyColumns(found: Int, limit: Int)
    /// An Arrow IPC file crmq cannot read: what is wrong, naming the column or message.
    case arrow(reason: String)

    public var id: String {
        switch self {
        case .notFound: "load.not-found"
        case .cannotRead: "load.cannot-read"
        case .emptyFile: "load.empty-file"
        case .noCSVFiles: "load.no-csv-files"
        case .fieldCount: "load.field-count"
        case .unterminatedQuote: "load.unterminated-quote"
        case .quoteInUnquotedField: "load.quote-in-field"
        case .textAfterQuote: "load.text-after-quote"
        case .invalidUTF8: "load.invalid-utf8"
        case .emptyColumnName: "load.empty-column-name"
        case .duplicateColumnName: "load.duplicate-column"
        case .duplicateTableName: "load.duplicate-table"
        case .tooLarge: "load.too-large"
        case .crLineEnds: "load.cr-line-ends"
        case .changedWhileLoading: "load.changed"
        case .streamTooLarge: "load.stream-too-large"
        case .noWriter: "load.no-writer"
        case .cancelled: "load.cancelled"
        case .tooManyColumns: "load.too-many-columns"
        case .arrow: "load.arrow"
        }
    }

    public var message: String {
        switch self {
        case .notFound:
            "no such file or folder"
        case .cannotRead(let reason):
            "cannot read: \(reason)"
        case .emptyFile:
            "the file is empty; a CSV file starts with a header row naming its columns"
        case .noCSVFiles:
            "the folder has no *.csv files (nor Arrow files: *.arrow, *.feather, *.ipc)"
        case .fieldCount(let row, let found, let expected):
            "row \(row) has \(found) \(found == 1 ? "field" : "fields"), but the header has \(expected)"
        case .unterminatedQuote:
            "this quoted field is never closed; the file ends inside it"
        case .quoteInUnquotedField:
            "'\"' inside an unquoted field; quote the whole field and write the quote twice (\"\")"
        case .textAfterQuote(let found):
            "unexpected '\(found)' after the closing quote of a field; a quote inside a quoted field is written twice (\"\")"
        case .invalidUTF8(let byte):
            "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); save the file as UTF-8"
        case .emptyColumnName(let column):
            "column \(column) of the header has no name"
        case .duplicateColumnName(let name):
            "duplicate column name '\(name)' in the header"
        case .duplicateTableName(let name, let files):
            "files " + files.map { "'\($0)'" }.joined(separator: " and ") + " would both be named '\(name)'"
        case .tooLarge:
            "the file is too large to load"
        case .crLineEnds:
            "lines end in CR only; save the file with LF or CRLF line ends"
        case .changedWhileLoading:
            "the file changed while it was being loaded; load it again once it is written"
        case .streamTooLarge(let limit):
            "this is not a regular file and it went on past \(limit / (1 << 20)) MiB, the most crmq reads from a pipe or device"
        case .noWriter(let seconds):
            "no program opened this FIFO for writing within \(seconds) seconds"
        case .cancelled:
            "loading cancelled"
        case .tooManyColumns(let found, let limit):
            "the header has \(found) columns; crmq loads at most \(limit)"
        case .arrow(let reason):
            "cannot read this Arrow file: \(reason)"
        }
    }
}

/// The errors of writing a table to a file (`save ... to "..."`).
public enum SaveMessage: DiagnosticMessage, Equatable {
    case folderMissing(String)
    case isFolder
    case cannotWrite(reason: String)
    case notRegular(kind: String)
    case cancelled

    public var id: String {
        switch self {
        case .folderMissing: "save.no-folder"
        case .isFolder: "save.is-folder"
        case .cannotWrite: "save.cannot-write"
        case .notRegular: "save.not-regular"
        case .cancelled: "save.cancelled"
        }
    }

    public var message: String {
        switch self {
        case .folderMissing(let folder): "cannot save: the folder '\(folder)' does not exist"
        case .isFolder: "cannot save: this is a folder; name a file such as 'result.csv'"
        case .cannotWrite(let reason): "cannot save: \(reason)"
        case .notRegular(let kind): "cannot save over this: it is \(kind), not a regular file"
        case .cancelled: "save cancelled; the old file is unchanged"
        }
    }
}
