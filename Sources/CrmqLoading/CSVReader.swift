#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
import CrmqArrow

/// A table read from a file, with the name it gets in a session.
public struct NamedTable: Sendable {
    public var name: String
    public var table: Table
    /// The file it was read from.
    public var path: String

    public init(name: String, table: Table, path: String) {
        self.name = name
        self.table = table
        self.path = path
    }
}

/// Reads CSV files (RFC 4180) into tables, inferring each column's type.
///
/// The format: a header row naming the columns, then one record per line. Fields are
/// separated by commas; a field may be quoted with `"`, and then may contain commas, line
/// breaks and quotes written twice (`""`). Lines end with LF or CRLF (a file whose lines
/// end in CR alone is an error); the last line may lack its line break; blank lines at
/// the end are ignored (in a file with a single column, every line after the header is a
/// row, an empty line a null; only the final line break starts no row); a UTF-8 byte-order mark is
/// skipped. The file must be UTF-8. Every record must have as many fields as the header,
/// and a file has at most `maxColumns` columns.
/// Column names must be non-empty and distinct.
///
/// Type inference, per column, over all its non-empty cells:
/// - all integers (an optional `+` or `-`, then digits; `0`/`1` included) that fit in a
///   64-bit integer: `int`;
/// - all `true` or `false` (in any case): `bool`;
/// - all dates written `YYYY-MM-DD` that exist in the calendar: `date`
///   (`2025-02-30` is not a date, so its column is `string`);
/// - all numbers (integers, decimals such as `1.5`, `.5` or `5.`, with an optional
///   exponent such as `1e-3`; also integers too large for `int`) that are finite doubles:
///   `double` (`NaN`, `inf` and `1e999` are not numbers);
/// - anything else, including a mix of the above (integers with text, dates with
///   numbers): `string`.
///
/// Empty cells are null and do not decide the type; a column with only empty cells is a
/// `string` column. An empty quoted field (`""`) is the empty string in a `string`
/// column, unlike an empty unquoted field, which is null; in other columns both are null.
/// Quoting does not change a cell's type otherwise (`"42"` is the integer 42). Cells are
/// not trimmed: ` 42` (with a space) is text. Strings are dictionary-encoded.
public enum CSVReader {
    /// The most columns a file may have (`load.too-many-columns` beyond): a limit of its
    /// own, far above any CRM export, instead of memory and stack running out.
    public static let maxColumns = 16_384

    /// Reads one CSV file. Throws a diagnostic naming the file, line and column of the
    /// first problem; nothing is returned unless the whole file is read.
    public static func read(file path: String, limits: ReadLimits = .standard) throws(Diagnostic) -> Table {
        switch FileSystem.kind(of: path) {
        case .missing: throw Diagnostic(LoadMessage.notFound, at: .path(path))
        case .folder: throw Diagnostic(LoadMessage.cannotRead(reason: "it is a folder"), at: .path(path))
        default: break
        }
        var table = try FileSystem.withContents(of: path, limits: limits) { (p, mapped) throws(Diagnostic) -> Table in
            if isArrowFile(path) || ArrowReader.looksLikeArrow(UnsafeRawBufferPointer(p)) {
                let result = Result { () throws(ArrowFormatError) -> Table in
                    try ArrowReader.read(UnsafeRawBufferPointer(p), maxColumns: maxColumns)
                }
                switch result {
                case .success(let table): return table
                case .failure(let error): throw Diagnostic(LoadMessage.arrow(reason: error.reason), at: .path(path))
                }
            }
            var tuning = LoadTuning.standard
            tuning.releasePages = mapped
            return try read(p, path: path, tuning: tuning)
        }
        // Compact int columns (`Column.compacted`, what storing a table does too) as soon as
        // the file is read, each column's 64-bit form freed before the next is compacted: a
        // folder's next file is then read beside the compact columns only (at 10M customers,
        // the 960 MB of `txn_id` no longer sit beside the next file, nor stay with the
        // process after loading).
        for i in table.columns.indices { table.columns[i] = table.columns[i].compacted() }
        return table
    }

    /// Reads CSV text already in memory; `path` names it in diagnostics.
    public static func read(bytes: [UInt8], path: String) throws(Diagnostic) -> Table {
        try read(bytes: bytes, path: path, tuning: .standard)
    }

    /// Reads CSV text with explicit thresholds (tests use small ones to reach the parallel
    /// paths with small files).
    static func read(bytes: [UInt8], path: String, tuning: LoadTuning) throws(Diagnostic) -> Table {
        let result: Result<Table, Diagnostic> = bytes.withUnsafeBufferPointer { p in
            Result { () throws(Diagnostic) -> Table in try read(p, path: path, tuning: tuning) }
        }
        return try result.get()
    }

    private static func read(
        _ p: UnsafeBufferPointer<UInt8>, path: String, tuning: LoadTuning
    ) throws(Diagnostic) -> Table {
        do {
            return try parse(p, tuning: tuning)
        } catch {
            throw diagnostic(error, path: path, p: p)
        }
    }

    /// The extensions of Arrow IPC files (Feather v2 is the Arrow file format): `load` reads
    /// these as Arrow whatever their first bytes, and a folder's are loaded beside its CSV files.
    static let arrowExtensions = [".arrow", ".feather", ".ipc", ".arrows"]

    static func isArrowFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        return arrowExtensions.contains { lower.hasSuffix($0) }
    }

    /// Reads every `*.csv` file of a folder, and every Arrow file (`*.arrow`, `*.feather`,
    /// `*.ipc`, `*.arrows`), sorted by name, hidden files skipped, each named after its file
    /// (`tableName(forFile:)`). All or nothing.
    public static func read(folder path: String, limits: ReadLimits = .standard) throws(Diagnostic) -> [NamedTable] {
        let names = try FileSystem.entries(of: path)
            .filter { !$0.hasPrefix(".") && ($0.lowercased().hasSuffix(".csv") || isArrowFile($0)) }
            .filter { FileSystem.kind(of: FileSystem.join(path, $0)) == .file }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard !names.isEmpty else { throw Diagnostic(LoadMessage.noCSVFiles, at: .path(path)) }
        var byName: [String: String] = [:]
        for file in names {
            let name = tableName(forFile: file)
            if let other = byName[name] {
                throw Diagnostic(
                    LoadMessage.duplicateTableName(name: name, files: [other, file]), at: .path(path),
                    notes: [Note("rename one of them, or load it alone with 'load \"...\" as other_name'")])
            }
            byName[name] = file
        }
        var tables: [NamedTable] = []
        for file in names {
            let full = FileSystem.join(path, file)
            tables.append(NamedTable(name: tableName(forFile: file), table: try read(file: full, limits: limits), path: full))
            // One file's parsing temporaries, freed in pieces, would otherwise stay with the
            // process (`Allocator.keepFreedMemory`) beside the next file's columns, which
            // need blocks too large to reuse them: 0.9 GB at the 10M-customer benchmark.
            Allocator.releaseFreedMemory()
        }
        return tables
    }

    /// A file gives one table named after it; a folder gives one per `*.csv` file in it.
    public static func load(path: String, limits: ReadLimits = .standard) throws(Diagnostic) -> [NamedTable] {
        switch FileSystem.kind(of: path) {
        case .missing: throw Diagnostic(LoadMessage.notFound, at: .path(path))
        case .folder: return try read(folder: path, limits: limits)
        default:
            let name = tableName(forFile: FileSystem.fileName(of: path))
            return [NamedTable(name: name, table: try read(file: path, limits: limits), path: path)]
        }
    }

    private static func parse(_ p: UnsafeBufferPointer<UInt8>, tuning: LoadTuning) throws(CSVSyntaxError) -> Table {
        var scanner = CSVScanner(p)
        scanner.chunkBytes = tuning.chunkBytes
        let start = scanner.dataStart
        if scanner.restIsBlank(start) { throw CSVSyntaxError(message: .emptyFile, offset: start) }
        let (header, next) = try scanner.scanHeader(from: start)
        if let cr = scanner.loneCR(in: header) { throw CSVSyntaxError(message: .crLineEnds, offset: cr) }
        if header.count > maxColumns {
            throw CSVSyntaxError(
                message: .tooManyColumns(found: header.count, limit: maxColumns), offset: header[maxColumns].start)
        }
        let names = try headerNames(header, p)
        let parallel = tuning.workers > 1 && p.count - next >= tuning.parallelBytes
        if parallel && p.count - next >= tuning.blockedBytes,
            let read = BlockedConversion.read(p, scanner: scanner, columns: names.count, from: next, tuning: tuning)
        {
            let schema = Schema(zip(names, read.columns).map { Field($0, $1.type) })
            return Table(schema: schema, columns: read.columns, rowCount: read.rows)
        }
        let chunks =
            parallel
            ? try scanner.scanRecords(from: next, columns: names.count, parts: tuning.workers * tuning.partsPerWorker)
            : try scanner.scanRecords(from: next, columns: names.count)
        let rowCount = chunks.reduce(0) { $0 + $1.recordCount }
        let converter = ColumnConverter(
            p: p, chunks: chunks, columns: names.count, rowCount: rowCount,
            groups: tuning.workers > 1 && rowCount >= tuning.parallelRows ? tuning.workers * tuning.partsPerWorker : 1,
            releasePages: tuning.releasePages)

        let columns = try converter.convertAll()
        let schema = Schema(zip(names, columns).map { Field($0, $1.type) })
        return Table(schema: schema, columns: columns, rowCount: rowCount)
    }

    private static func headerNames(
        _ header: [(start: Int, end: Int)], _ p: UnsafeBufferPointer<UInt8>
    ) throws(CSVSyntaxError) -> [String] {
        var names: [String] = []
        var seen: [String: Int] = [:]
        for (k, field) in header.enumerated() {
            var s = field.start, e = field.end
            if k == header.count - 1 && e > s && p[e - 1] == asciiCR { e -= 1 }
            var quoted = false
            if e > s && p[s] == asciiQuote {
                s += 1
                e -= 1
                quoted = true
            }
            if let bad = CellParsing.firstInvalidUTF8(p, s, e) {
                throw CSVSyntaxError(message: .invalidUTF8(byte: p[bad]), offset: bad)
            }
            var name = String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
            if quoted && name.contains("\"") {
                name = name.split(separator: "\"\"", omittingEmptySubsequences: false).joined(separator: "\"")
            }
            if name.isEmpty { throw CSVSyntaxError(message: .emptyColumnName(column: k + 1), offset: field.start) }
            if let first = seen[name] {
                throw CSVSyntaxError(
                    message: .duplicateColumnName(name), offset: field.start,
                    notes: [("column \(first + 1) is also named '\(name)'", header[first].start)])
            }
            seen[name] = k
            names.append(name)
        }
        return names
    }

    /// A scanner error as a diagnostic at the line and column of its byte offset.
    static func diagnostic(_ e: CSVSyntaxError, path: String, p: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        let locator = FileLocator(p: p, dataStart: CSVScanner(p).dataStart, path: path)
        if case .emptyFile = e.message { return Diagnostic(e.message, at: .path(path)) }
        let notes = e.notes.map { Note($0.0, at: $0.1.map { locator.location(of: $0) }) }
        return Diagnostic(e.message, at: locator.location(of: e.offset), notes: notes)
    }
}

/// Turns byte offsets of a data file into 1-based physical lines and character columns
/// (only when an error is reported, so the scanner never counts lines).
struct FileLocator {
    let p: UnsafeBufferPointer<UInt8>
    let dataStart: Int
    let path: String

    func location(of offset: Int) -> Location {
        let o = min(max(offset, dataStart), p.count)
        var line = 1
        var lineStart = dataStart
        for i in dataStart..<o where p[i] == asciiLF {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<o where p[i] & 0xC0 != 0x80 { column += 1 }
        return .file(path: path, line: line, column: column)
    }
}

/// How a file is spread over cores. The thresholds keep small files serial, where
/// starting threads costs more than it saves.
struct LoadTuning: Sendable {
    /// Threads to use (the processors online).
    var workers: Int
    /// Data bytes from which the structure scan runs in parallel.
    var parallelBytes: Int
    /// Rows from which columns are converted in parallel row ranges.
    var parallelRows: Int
    /// Parts per worker, for both passes: more parts than cores even out the parts'
    /// different speeds (and other processes on the machine).
    var partsPerWorker: Int
    /// See `CSVScanner.chunkBytes`. Each column is converted a chunk at a time, so a chunk
    /// and its field offsets are read once per column: at 1 MB they stay in the core's cache
    /// between columns (loading the 10M benchmark files, 4 MB chunks: 7.1-7.3 s; 1 MB:
    /// 7.0 s).
    var chunkBytes: Int
    /// Whether the bytes are a file mapping whose pages may be dropped once converted
    /// (`FileSystem.releasePages`): the 473 MB of transactions.csv otherwise stay resident
    /// alongside the columns made from them, and peak memory was over DuckDB's.
    var releasePages = false
    /// Data bytes from which a file is read in blocks (`BlockedConversion`) when it is
    /// read in parallel.
    var blockedBytes = 1 << 30
    /// The bytes of one block.
    var blockBytes = 1 << 28

    static let standard = LoadTuning(
        workers: Parallel.cores, parallelBytes: 4 << 20, parallelRows: 50_000,
        partsPerWorker: 4, chunkBytes: 1 << 20)
}

/// Results written by concurrent workers, each to its own slot. The slots are raw memory:
/// writing them through an array property would be an exclusive access that two workers
/// hold at once.
final class SharedSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Only one worker may write a given slot, and nobody reads until all have finished.
    func set(_ i: Int, _ value: T) { slots[i] = value }

    var results: [T] { slots.map { $0! } }

    /// Runs `body` for `0..<count` on all cores and collects its results in order.
    /// `body` is not checked as `@Sendable`: the loader's bodies read the file's bytes and
    /// the scanned chunks, which no one writes while they run, and write only memory of
    /// their own (or rows of a column that no other iteration writes).
    static func map(_ count: Int, _ body: (Int) -> T) -> [T] {
        withoutActuallyEscaping(body) { body in
            let shared = SharedSlots<T>(count: count)
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { i in shared.set(i, work.value(i)) }
            return shared.results
        }
    }
}

/// A value handed to concurrent workers, under the conditions `SharedSlots.map` states.
private struct UncheckedSendable<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}

/// The session name of a table read from `file`: the file name without its folder and
/// `.csv` (or Arrow: `.arrow`, `.feather`, `.ipc`, `.arrows`) extension, with every character
/// that cannot be in an identifier (anything but letters, digits and `_`) made `_`, and `_`
/// put before a leading digit: `my-data.csv` is `my_data`, `2024 sales.csv` is `_2024_sales`.
public func tableName(forFile file: String) -> String {
    var base = FileSystem.fileName(of: file)
    for ext in [".csv"] + CSVReader.arrowExtensions where base.lowercased().hasSuffix(ext) {
        base = String(base.dropLast(ext.count))
        break
    }
    var name = String(base.map { c -> Character in c == "_" || c.isLetter || c.isNumber ? c : "_" })
    if name.isEmpty { return "_" }
    if name.first!.isNumber { name = "_" + name }
    return name
}
