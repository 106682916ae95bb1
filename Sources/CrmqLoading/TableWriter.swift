import CrmqDiagnostics
import CrmqEngine
import CrmqArrow

/// The file formats a table can be saved as.
public enum TableFileFormat: Sendable, Equatable {
    case csv, json
    /// Arrow IPC: the file format (Feather v2) or, for `.arrows`, the stream format.
    case arrow(ArrowWriter.Framing)

    /// By the extension (any case): `.json`; `.arrow`, `.feather`, `.ipc`, `.arrows`;
    /// CSV for anything else.
    public init(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") {
            self = .json
        } else if CSVReader.isArrowFile(path) {
            // The extensions `load` reads as Arrow; `.arrows` is the stream format.
            self = .arrow(lower.hasSuffix(".arrows") ? .stream : .file)
        } else {
            self = .csv
        }
    }
}

/// Saves tables to files (`save ... to "file"`).
///
/// Writing is atomic: the content goes to a temporary file in the target's folder, which
/// then replaces the target in one rename. If anything fails, the old file is left whole
/// and the temporary file is removed.
public enum TableWriter {
    /// Writes `table` to `path` as CSV, JSON or Arrow, chosen by the extension (`TableFileFormat`).
    public static func save(_ table: Table, to path: String, cancellation: CancellationFlag? = nil) throws(Diagnostic) {
        switch TableFileFormat(path: path) {
        case .csv: try CSVWriter.write(table, to: path, cancellation: cancellation)
        case .json: try JSONWriter.write(table, to: path, cancellation: cancellation)
        case .arrow(.file): try ArrowFileEncoding.write(table, to: path, cancellation: cancellation)
        case .arrow(.stream): try ArrowStreamEncoding.write(table, to: path, cancellation: cancellation)
        }
    }
}

/// A text encoding of whole tables (CSV, JSON): the format writes bytes into a buffer,
/// flushing when it grows; encoding to a string and atomic writing come with it.
public protocol TableEncoding {
    /// Appends the encoding of `table` to `out`, calling `flush` whenever `out` has grown large.
    static func encode(_ table: Table, into out: inout [UInt8], flush: (inout [UInt8]) -> Void)
}

extension TableEncoding {
    /// The table as text.
    public static func encode(_ table: Table) -> String {
        var out: [UInt8] = []
        encode(table, into: &out) { _ in }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the table to `path` atomically (see `TableWriter`).
    public static func write(_ table: Table, to path: String, cancellation: CancellationFlag? = nil) throws(Diagnostic) {
        try AtomicFileWriter.replace(path, cancellation: cancellation) { (file: inout AtomicFileWriter) throws(Diagnostic) in
            var buffer: [UInt8] = []
            encode(table, into: &buffer) { full in
                file.write(full)
                full.removeAll(keepingCapacity: true)
            }
            file.write(buffer)
        }
    }
}

/// Arrow's file format (Feather v2), which pyarrow, Polars, pandas and DuckDB read.
enum ArrowFileEncoding: TableEncoding {
    static func encode(_ table: Table, into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        ArrowWriter.encode(table, framing: .file, into: &out, flush: flush)
    }
}

/// Arrow's stream format (`.arrows`).
enum ArrowStreamEncoding: TableEncoding {
    static func encode(_ table: Table, into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        ArrowWriter.encode(table, framing: .stream, into: &out, flush: flush)
    }
}
