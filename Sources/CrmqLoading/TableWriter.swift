import CrmqDiagnostics
import CrmqEngine

/// The file formats a table can be saved as.
public enum TableFileFormat: Sendable, Equatable {
    case csv, json

    /// JSON for a path ending in `.json` (any case), CSV for anything else.
    public init(path: String) {
        self = path.lowercased().hasSuffix(".json") ? .json : .csv
    }
}

/// Saves tables to files (`save ... to "file"`).
///
/// Writing is atomic: the content goes to a temporary file in the target's folder, which
/// then replaces the target in one rename. If anything fails, the old file is left whole
/// and the temporary file is removed.
public enum TableWriter {
    /// Writes `table` to `path` as JSON or CSV, chosen by the extension (`TableFileFormat`).
    public static func save(_ table: Table, to path: String) throws(Diagnostic) {
        switch TableFileFormat(path: path) {
        case .csv: try CSVWriter.write(table, to: path)
        case .json: try JSONWriter.write(table, to: path)
        }
    }
}
