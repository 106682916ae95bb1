import Foundation
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqCRM

// File loading: `load` and `--data`, checked against `memory_limit` first.
extension Session {
    func load(path: String, alias: String?, statement: Statement, file: SourceFile) throws -> Outcome {
        var isDirectory: ObjCBool = false
        if alias != nil, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            throw Diagnostic(SessionMessage.aliasForFolder(path), in: file, at: statement.range)
        }
        let budget = settings.memoryBudget
        if let size = Self.csvBytes(at: path) {
            let (need, overflow) = size.multipliedReportingOverflow(by: Self.loadFactor)
            if overflow || need > budget.bytes {
                throw Diagnostic(
                    SessionMessage.loadTooLarge(path: path, bytes: size, need: overflow ? .max : need, limit: budget.bytes),
                    in: file, at: statement.range)
            }
        }
        // A FIFO or device has no size to check first: it is read up to the budget's share.
        let streamBytes = min(ReadLimits.defaultStreamBytes, budget.bytes / Self.loadFactor)
        let loaded = try CSVReader.load(path: path, limits: ReadLimits(streamBytes: streamBytes, cancellation: cancellation))
        for t in loaded { register(t.table, as: alias ?? t.name) }
        Allocator.releaseFreedMemory()
        return .message(loaded.map { "loaded \(alias ?? $0.name): \(Self.describe($0.table))" }.joined(separator: "\n"))
    }

    /// Loading a CSV file takes about this many times its size in memory while it is read
    /// (its text, and the columns made from it); `load` checks it against `memory_limit`.
    static let loadFactor = 2

    /// The bytes of the regular file at `path`, or of the CSV files in the folder at
    /// `path`; nil for anything else (a FIFO, a device, a missing file).
    static func csvBytes(at path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return Int(st.st_size)
        case S_IFDIR:
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            var total = 0
            for name in names where !name.hasPrefix(".") && name.lowercased().hasSuffix(".csv") {
                var f = stat()
                if stat(path + "/" + name, &f) == 0, f.st_mode & S_IFMT == S_IFREG { total &+= Int(f.st_size) }
            }
            return total
        default:
            return nil
        }
    }

    /// Loads every CSV of a folder (the `--data` option); returns the table names.
    public func loadFolder(_ path: String) throws(Diagnostic) -> [String] {
        let loaded = try CSVReader.read(folder: path)
        dataFolder = path
        for t in loaded { register(t.table, as: t.name) }
        Allocator.releaseFreedMemory()
        return loaded.map(\.name)
    }
}
