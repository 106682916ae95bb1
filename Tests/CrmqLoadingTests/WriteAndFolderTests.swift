import Foundation
import Testing
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

@Suite struct WriteAndFolderTests {
    static func sample() -> Table {
        let d = CivilDate(year: 2025, month: 3, day: 9).days
        return Table(schema: Schema([
            Field("id", .int), Field("amount", .double), Field("name", .string),
            Field("day", .date), Field("vip", .bool),
        ]), columns: [
            Column.from([.int(1), .int(-2), .null], type: .int),
            Column.from([.double(0.1), .double(1e300), .double(3)], type: .double),
            Column.from([.string("a, \"b\""), .string(""), .null], type: .string),
            Column.from([.date(d), .null, .date(0)], type: .date),
            Column.from([.bool(true), .bool(false), .null], type: .bool),
        ])
    }

    @Test func csvEncoding() {
        #expect(encodeCSV(Self.sample()) == #"""
            id,amount,name,day,vip
            1,0.1,"a, ""b""",2025-03-09,true
            -2,1e+300,"",,false
            ,3.0,,1970-01-01,

            """#)
    }

    @Test func csvQuotesOnlyWhenNeeded() {
        let t = Table(schema: Schema([Field("s", .string)]), columns: [
            Column.from(["plain", " lead", "trail ", "a\nb", "a\rb", "客户"].map { .string($0) }, type: .string)
        ])
        #expect(encodeCSV(t) == "s\nplain\n\" lead\"\n\"trail \"\n\"a\nb\"\n\"a\rb\"\n客户\n")
    }

    @Test func jsonEncoding() {
        #expect(encodeJSON(Self.sample()) == #"""
            [
              {"id": 1, "amount": 0.1, "name": "a, \"b\"", "day": "2025-03-09", "vip": true},
              {"id": -2, "amount": 1e+300, "name": "", "day": null, "vip": false},
              {"id": null, "amount": 3.0, "name": null, "day": "1970-01-01", "vip": null}
            ]

            """#)
    }

    @Test func jsonEscapesAndNonFinite() {
        let t = Table(schema: Schema([Field("s", .string), Field("x", .double)]), columns: [
            Column.from([.string("tab\there\\ \u{1} é"), .string("q\"")], type: .string),
            Column.from([.double(.nan), .double(-.infinity)], type: .double),
        ])
        #expect(encodeJSON(t) == "[\n  {\"s\": \"tab\\there\\\\ \\u0001 é\", \"x\": null},\n  {\"s\": \"q\\\"\", \"x\": null}\n]\n")
        #expect(encodeJSON(Table(schema: Schema([Field("a", .int)]), columns: [Column.from([], type: .int)])) == "[]\n")
    }

    @Test func roundTripKeepsTypesAndValues() throws {
        let dir = TempFolder()
        var t = Self.sample()
        t.columns[1] = Column.from(
            [.double(0.1 + 0.2), .double(-1.2345678901234567e-300), .double(.greatestFiniteMagnitude)], type: .double)
        let path = dir.path + "/out.csv"
        try TableWriter.save(t, to: path)
        let back = try CSVReader.read(file: path)
        #expect(back.schema == t.schema)
        for (a, b) in zip(t.columns, back.columns) {
            for row in 0..<t.rowCount { #expect(a.value(at: row) == b.value(at: row)) }
        }
    }

    /// A one-column table writes a null as an empty line; reading it back keeps every row,
    /// trailing nulls included.
    @Test func oneColumnRoundTripKeepsNullRows() throws {
        let dir = TempFolder()
        let cases: [(DataType, [Value])] = [
            (.int, [.int(1), .null, .int(3), .null, .null]),
            (.string, [.null, .string("a"), .string(""), .null]),
            (.double, [.null]),
            (.date, [.date(3), .null]),
        ]
        for (type, vals) in cases {
            let t = Table(schema: Schema([Field("x", type)]), columns: [Column.from(vals, type: type)])
            let path = dir.path + "/one.csv"
            try TableWriter.save(t, to: path)
            let back = try CSVReader.read(file: path)
            #expect(back.rowCount == vals.count, "\(type)")
            #expect(values(back, "x") == vals, "\(type)")
        }
    }

    @Test func saveChoosesJSONByExtension() throws {
        let dir = TempFolder()
        try TableWriter.save(Self.sample(), to: dir.path + "/r.JSON")
        let text = try String(contentsOfFile: dir.path + "/r.JSON", encoding: .utf8)
        #expect(text.hasPrefix("[\n  {\"id\": 1"))
        #expect(TableFileFormat(path: "x.json") == .json)
        #expect(TableFileFormat(path: "x.txt") == .csv)
        #expect(TableFileFormat(path: "x.FEATHER") == .arrow(.file))
        #expect(TableFileFormat(path: "x.arrow") == .arrow(.file))
        #expect(TableFileFormat(path: "x.ipc") == .arrow(.file))
        #expect(TableFileFormat(path: "x.arrows") == .arrow(.stream))
    }

    @Test func saveReplacesTheOldFile() throws {
        let dir = TempFolder()
        let path = dir.file("r.csv", "old\n")
        try TableWriter.save(Self.sample(), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("id,amount"))
        #expect(dir.contents() == ["r.csv"])
    }

    @Test func failedWriteLeavesTheOldFileWhole() throws {
        let dir = TempFolder()
        let path = dir.file("r.csv", "old,content\n1,2\n")
        struct Boom: Error {}
        do {
            try AtomicFileWriter.replace(path) { (w: inout AtomicFileWriter) throws(Diagnostic) in
                w.write("partial")
                throw Diagnostic(id: "test.boom", message: "boom")
            }
            Issue.record("should fail")
        } catch {
            #expect(error.id == "test.boom")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old,content\n1,2\n")
        #expect(dir.contents() == ["r.csv"])
    }

    @Test func savingOverAFolderFails() throws {
        let dir = TempFolder()
        try FileManager.default.createDirectory(atPath: dir.path + "/out.csv", withIntermediateDirectories: false)
        _ = dir.file("out.csv/keep.txt", "keep")
        do {
            try TableWriter.save(Self.sample(), to: dir.path + "/out.csv")
            Issue.record("should fail")
        } catch {
            #expect(error.id == "save.is-folder")
            guard case .path? = error.location else { Issue.record("expected a path location"); return }
        }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/out.csv/keep.txt"))
        #expect(dir.contents() == ["out.csv"])
    }

    @Test func savingIntoAMissingFolderFails() {
        let dir = TempFolder()
        do {
            try TableWriter.save(Self.sample(), to: dir.path + "/gone/out.csv")
            Issue.record("should fail")
        } catch {
            #expect(error.id == "save.no-folder")
            #expect(error.message == "cannot save: the folder '\(dir.path)/gone' does not exist")
        }
    }

    /// Not as root, who may write into any folder whatever its permissions: the
    /// mounted tests below cover root.
    @Test(.enabled(if: getuid() != 0, "root writes through folder permissions; see the mounted tests"))
    func savingIntoAReadOnlyFolderFails() throws {
        let dir = TempFolder()
        let path = dir.file("r.csv", "old\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path) }
        #expect(throws: Diagnostic.self) { try TableWriter.save(Self.sample(), to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }

    /// A read-only file system, which stops root too: a small tmpfs of the test's own,
    /// remounted read-only.
    @Test(.enabled(if: ScratchMount.available, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
    func savingIntoAReadOnlyFileSystemFails() throws {
        let mount = try ScratchMount(kilobytes: 256)
        defer { mount.remove() }
        let path = mount.path + "/r.csv"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        try mount.remountReadOnly()
        let sample = Self.sample()
        do {
            try TableWriter.save(sample, to: path)
            Issue.record("saved into a read-only file system")
        } catch {
            #expect(error.message.contains("Read-only file system"), "\(error.message)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }

    /// A full disk: the write fails part-way, the temporary file is removed and the old
    /// file stays whole.
    @Test(.enabled(if: ScratchMount.available, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
    func savingOntoAFullDiskLeavesTheOldFileWhole() throws {
        let mount = try ScratchMount(kilobytes: 64)
        defer { mount.remove() }
        let path = mount.path + "/r.csv"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let n = 20_000
        let big = Table(schema: Schema([Field("id", .int)]), columns: [Column.from((0..<n).map { .int(Int64($0) * 1_000_003) }, type: .int)])
        do {
            try TableWriter.save(big, to: path)
            Issue.record("saved \(n) rows onto a 64 KiB file system")
        } catch {
            #expect(error.message.contains("No space left on device"), "\(error.message)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount.path) == ["r.csv"])
    }

    @Test func folderLoadsEveryCSVSortedAndNamed() throws {
        let dir = TempFolder()
        _ = dir.file("my-data.csv", "a\n1\n")
        _ = dir.file("B.csv", "b\nx\n")
        _ = dir.file("notes.txt", "ignored")
        _ = dir.file("._hidden.csv", "\u{0}junk")
        let tables = try CSVReader.load(path: dir.path)
        #expect(tables.map(\.name) == ["B", "my_data"])
        #expect(tables[1].table.schema == Schema([Field("a", .int)]))
    }

    @Test func folderLoadIsAllOrNothing() {
        let dir = TempFolder()
        _ = dir.file("a.csv", "a\n1\n")
        _ = dir.file("b.csv", "a,b\n1\n")
        do {
            _ = try CSVReader.load(path: dir.path)
            Issue.record("should fail")
        } catch {
            #expect(error.id == "load.field-count")
            guard case .file(let path, 2, _)? = error.location else { Issue.record("expected b.csv line 2"); return }
            #expect(path.hasSuffix("/b.csv"))
        }
    }

    @Test func folderWithClashingNames() {
        let dir = TempFolder()
        _ = dir.file("a-b.csv", "a\n1\n")
        _ = dir.file("a_b.csv", "a\n1\n")
        #expect(throws: Diagnostic.self) { _ = try CSVReader.load(path: dir.path) }
    }

    @Test func tableNames() {
        #expect(tableName(forFile: "my-data.csv") == "my_data")
        #expect(tableName(forFile: "/x/y/Sales 2024.CSV") == "Sales_2024")
        #expect(tableName(forFile: "2024.csv") == "_2024")
        #expect(tableName(forFile: "客户.csv") == "客户")
        #expect(tableName(forFile: ".csv") == "_")
    }
}

/// A small tmpfs mounted on a temporary folder of the test's own (root only).
struct ScratchMount {
    let path: String

    /// Whether this process may mount: tried once on a scratch folder.
    static let available: Bool = {
        guard getuid() == 0, let m = try? ScratchMount(kilobytes: 64) else { return false }
        m.remove()
        return true
    }()

    init(kilobytes: Int) throws {
        path = NSTemporaryDirectory() + "crmq-mount-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.mount(["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0755", "tmpfs", path]) else {
            try? FileManager.default.removeItem(atPath: path)
            throw POSIXError(.EPERM)
        }
    }

    func remountReadOnly() throws {
        guard Self.mount(["-o", "remount,ro", path]) else { throw POSIXError(.EPERM) }
    }

    func remove() {
        _ = Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func mount(_ arguments: [String]) -> Bool { run("/bin/mount", arguments) }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
