import Foundation
import Testing
@testable import CrmqSession

/// The history file shells share (`HistoryStore`): entries appended under a lock in
/// libedit's format, read back as written, trimmed now and then rather than rewritten on
/// every entry, and files that are not history files read without harm and never written.
@Suite struct HistoryStoreTests {
    /// A fresh folder for one test's files.
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    func inode(_ url: URL) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    // MARK: - The format

    /// Entries with everything the format escapes; the bytes are what libedit 3.1
    /// (`history(H_SAVE)` in a UTF-8 locale) writes for the same entries.
    @Test func appendedEntriesAreLibeditsLinesAndReadBackAsThemselves() throws {
        let file = try folder().appendingPathComponent("history")
        let store = HistoryStore(path: file.path)
        let entries = ["a b\\c\td\ne", "café \u{01}\u{7F} \"q\" -- x", ""]
        for entry in entries { #expect(store.append(entry, limit: 100) == nil) }
        let libedit = "_HiStOrY_V2_\na\\040b\\134c\\011d\\012e\ncafé\\040\\^A\\^?\\040\"q\"\\040--\\040x\n\n"
        #expect(try String(contentsOf: file, encoding: .utf8) == libedit)

        let awkward = [
            "customers | count", "  leading and trailing  ", "two\nlines", "\n", "back\\slash", "\\040 already escaped",
            "tab\there", "é ü 😀 中文", "", "\r\n", "\\", "\u{7F}\u{80}", "-- a comment",
        ]
        for entry in awkward { #expect(store.append(entry, limit: 100) == nil) }
        let loaded = HistoryStore(path: file.path).load(limit: 100)
        #expect(loaded.problem == nil)
        #expect(loaded.entries == entries + awkward)
    }

    @Test func aNewFileIsPrivateAndBeginsWithTheCookie() throws {
        let file = try folder().appendingPathComponent("history")
        let none = HistoryStore(path: file.path).load(limit: 10)
        #expect(none.entries.isEmpty && none.problem == nil)
        HistoryStore(path: file.path).append("1 + 1", limit: 10)
        #expect(try String(contentsOf: file, encoding: .utf8) == "_HiStOrY_V2_\n1\\040+\\0401\n")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // An empty file is a history file without entries.
        let empty = file.deletingLastPathComponent().appendingPathComponent("empty")
        try Data().write(to: empty)
        let store = HistoryStore(path: empty.path)
        let loaded = store.load(limit: 10)
        #expect(loaded.entries.isEmpty && loaded.problem == nil && store.isWritable)
        #expect(store.append("2 + 2", limit: 10) == nil)
        #expect(try String(contentsOf: empty, encoding: .utf8) == "_HiStOrY_V2_\n2\\040+\\0402\n")
    }

    // MARK: - Malformed files

    @Test func binaryJunkAfterTheCookieIsReadAsEntriesWithoutHarm() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("history")
        var junk = Array("_HiStOrY_V2_\n".utf8)
        var state: UInt64 = 42
        for _ in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            junk.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        try Data(junk).write(to: file)
        let lines = junk.dropFirst(13).split(separator: 10, omittingEmptySubsequences: false).count
        let loaded = HistoryStore(path: file.path).load(limit: 1_000_000)
        #expect(loaded.problem == nil)
        #expect(loaded.entries.count == lines)
        // Still a history file: an entry is appended on a line of its own.
        let store = HistoryStore(path: file.path)
        #expect(store.append("after the junk", limit: 1_000_000) == nil)
        #expect(HistoryStore(path: file.path).load(limit: 1).entries == ["after the junk"])
    }

    /// The store reads the end of a file as `HistoryFile.entries(in:)` reads all of it.
    @Test func theNewestEntriesAreTheEndOfWhatHistoryFileReads() {
        let files = [
            "", "_HiStOrY_V2_", "_HiStOrY_V2_\n", "_HiStOrY_V2_\n\n", "_HiStOrY_V2_\na\n\nb", "_HiStOrY_V2_\na\\040b\nc\n",
            "_HiStOrY_V2_x\na\n", "no cookie\nat all", "_HiStOrY_V2_\n\\\n\\M-\n\\^\n\u{FF}\u{00}\n",
        ]
        for file in files {
            let bytes = Array(file.utf8)
            let all = HistoryFile.entries(in: bytes)
            for limit in [0, 1, 2, 100] {
                let (entries, isHistoryFile) = HistoryStore.entries(in: bytes, last: limit)
                #expect(isHistoryFile == (all != nil), "\(file)")
                if let all { #expect(entries == Array(all.suffix(limit)), "\(file) \(limit)") }
            }
        }
    }

    @Test func aHugeLineIsOneEntry() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("history")
        let huge = String(repeating: "x", count: 5_000_000)
        try Data(("_HiStOrY_V2_\nfirst\n" + huge + "\nlast\n").utf8).write(to: file)
        let loaded = HistoryStore(path: file.path).load(limit: 10)
        #expect(loaded.entries.count == 3 && loaded.entries[1] == huge && loaded.entries[2] == "last")
    }

    @Test func aFileWithoutTheCookieIsReadButNeverWritten() throws {
        let file = try folder().appendingPathComponent("history")
        let text = "customers\\040|\\040count\nnot crmq's\n"
        try Data(text.utf8).write(to: file)
        let store = HistoryStore(path: file.path)
        let loaded = store.load(limit: 10)
        #expect(loaded.entries == ["customers | count", "not crmq's"])
        #expect(loaded.problem?.contains("is not a crmq history file") == true)
        #expect(!store.isWritable)
        #expect(store.append("40 + 2", limit: 10) == nil)
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
        // A shell that did not load it first does not write it either.
        let other = HistoryStore(path: file.path)
        #expect(other.append("40 + 2", limit: 10)?.contains("is not a crmq history file") == true)
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
    }

    @Test func aCutLastLineIsKeptAndTheNextEntryStartsALineOfItsOwn() throws {
        let file = try folder().appendingPathComponent("history")
        try Data("_HiStOrY_V2_\nwhole\ncut\\04".utf8).write(to: file)
        let store = HistoryStore(path: file.path)
        #expect(store.load(limit: 10).entries == ["whole", "cut\u{04}"])
        store.append("next", limit: 10)
        #expect(try String(contentsOf: file, encoding: .utf8) == "_HiStOrY_V2_\nwhole\ncut\\04\nnext\n")
        // The cookie alone, without its line break.
        try Data("_HiStOrY_V2_".utf8).write(to: file)
        HistoryStore(path: file.path).append("one", limit: 10)
        #expect(try String(contentsOf: file, encoding: .utf8) == "_HiStOrY_V2_\none\n")
    }

    @Test func aDeviceIsNeitherReadNorWritten() throws {
        let store = HistoryStore(path: "/dev/null")
        let loaded = store.load(limit: 10)
        #expect(loaded.entries.isEmpty && loaded.problem == nil)
        #expect(!store.isWritable)
        #expect(store.append("x", limit: 10) == nil)
        let folderStore = HistoryStore(path: try folder().path)
        #expect(folderStore.load(limit: 10).problem?.contains("not a regular file") == true)
        // A FIFO: loading does not wait for a writer, and nothing is written to it.
        let fifo = try folder().appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let fifoStore = HistoryStore(path: fifo.path)
        #expect(fifoStore.load(limit: 10).problem?.contains("not a regular file") == true)
        #expect(fifoStore.append("x", limit: 10) == nil)
        #expect(HistoryStore(path: fifo.path).append("x", limit: 10)?.contains("not a regular file") == true)
    }

    // MARK: - Trimming

    @Test func theFileIsTrimmedToTheNewestEntriesOnlyPastATenthMore() throws {
        let file = try folder().appendingPathComponent("history")
        let store = HistoryStore(path: file.path)
        #expect(HistoryStore.trimsAbove(limit: 10_000) == 11_000)
        #expect(HistoryStore.trimsAbove(limit: 20) == 22)
        #expect(HistoryStore.trimsAbove(limit: 1) == 2)
        for i in 1...22 { store.append("entry \(i)", limit: 20) }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        let before = try inode(file)
        #expect(HistoryStore(path: file.path).load(limit: 100).entries.count == 22)
        // The 23rd passes the margin: the newest 20 are kept, in a new file with the old permissions.
        store.append("entry 23", limit: 20)
        let after = HistoryStore(path: file.path).load(limit: 100).entries
        #expect(after == (4...23).map { "entry \($0)" })
        #expect(try inode(file) != before)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
        // Then appended to again, not rewritten.
        let trimmed = try inode(file)
        store.append("entry 24", limit: 20)
        #expect(try inode(file) == trimmed)
        // A shell loads only the newest `limit`.
        #expect(HistoryStore(path: file.path).load(limit: 3).entries == ["entry 22", "entry 23", "entry 24"])
    }

    /// An append to a file of a million entries writes one line: same file, grown by the line.
    @Test func anAppendToALargeFileDoesNotRewriteIt() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("history")
        var text = Array("_HiStOrY_V2_\n".utf8)
        text.reserveCapacity(40_000_000)
        for i in 0..<1_000_000 { text += Array("customers\\040|\\040where\\040customer_id\\040==\\040\(i)\n".utf8) }
        try Data(text).write(to: file)
        let inodeBefore = try inode(file)

        // A shell that loaded the file (as the REPL does) reads only what others appended since.
        let store = HistoryStore(path: file.path)
        #expect(store.load(limit: 2).entries == ["customers | where customer_id == 999998", "customers | where customer_id == 999999"])
        #expect(store.append("customers | count", limit: 2_000_000) == nil)
        let line = Array("customers\\040|\\040count\n".utf8)
        #expect(try inode(file) == inodeBefore)
        #expect(try bytes(file).count == text.count + line.count)
        // One that did not counts the file's lines, and still only appends.
        #expect(HistoryStore(path: file.path).append("40 + 2", limit: 2_000_000) == nil)
        #expect(try inode(file) == inodeBefore)
        #expect(try bytes(file).count == text.count + line.count + "40\\040+\\0402\n".utf8.count)

        // With the default size, the first append trims the file once; the next ones append.
        let small = HistoryStore(path: file.path)
        small.append("first", limit: 10_000)
        let trimmed = try inode(file)
        #expect(trimmed != inodeBefore)
        let entries = HistoryStore(path: file.path).load(limit: 1_000_000).entries
        #expect(entries.count == 10_000 && entries.last == "first" && entries[9_997] == "customers | count")
        let size = try bytes(file).count
        small.append("second", limit: 10_000)
        #expect(try inode(file) == trimmed)
        #expect(try bytes(file).count == size + "second\n".utf8.count)
    }

    // MARK: - Several shells

    @Test func twoShellsTypingAlternatelyKeepEveryEntry() throws {
        let file = try folder().appendingPathComponent("history")
        let first = HistoryStore(path: file.path), second = HistoryStore(path: file.path)
        _ = first.load(limit: 100)
        _ = second.load(limit: 100)
        var expected: [String] = []
        for i in 1...5 {
            first.append("first \(i)", limit: 100)
            second.append("second \(i)", limit: 100)
            expected += ["first \(i)", "second \(i)"]
        }
        #expect(HistoryStore(path: file.path).load(limit: 100).entries == expected)
    }

    @Test func aShellCountsWhatAnotherAppendedAndTrimmed() throws {
        let file = try folder().appendingPathComponent("history")
        let first = HistoryStore(path: file.path), second = HistoryStore(path: file.path)
        _ = first.load(limit: 10)
        // The second shell appends past the margin and trims: the first's view of the file is stale.
        for i in 1...30 { second.append("second \(i)", limit: 10) }
        for i in 1...30 {
            first.append("first \(i)", limit: 10)
            let count = HistoryStore(path: file.path).load(limit: 1_000).entries.count
            #expect(count <= HistoryStore.trimsAbove(limit: 10))
        }
        #expect(HistoryStore(path: file.path).load(limit: 10).entries == (21...30).map { "first \($0)" })
    }

    /// Shells appending at the same moment, each through its own descriptor and lock.
    @Test func concurrentAppendsLoseNothing() async throws {
        let file = try folder().appendingPathComponent("history")
        let path = file.path
        await withTaskGroup(of: Void.self) { group in
            for shell in 0..<4 {
                group.addTask {
                    let store = HistoryStore(path: path)
                    for i in 0..<250 { store.append("shell \(shell) entry \(i)", limit: 100_000) }
                }
            }
        }
        let entries = HistoryStore(path: path).load(limit: 100_000).entries
        #expect(entries.count == 1_000)
        #expect(Set(entries) == Set((0..<4).flatMap { s in (0..<250).map { "shell \(s) entry \($0)" } }))
        // Each shell's entries in its own order.
        for s in 0..<4 {
            #expect(entries.filter { $0.hasPrefix("shell \(s) ") } == (0..<250).map { "shell \(s) entry \($0)" })
        }
    }

    @Test func concurrentAppendsWithTrimsKeepAWholeFile() async throws {
        let file = try folder().appendingPathComponent("history")
        let path = file.path
        await withTaskGroup(of: Void.self) { group in
            for shell in 0..<4 {
                group.addTask {
                    let store = HistoryStore(path: path)
                    for i in 0..<200 { store.append("shell \(shell) entry \(i)", limit: 50) }
                }
            }
        }
        let entries = HistoryStore(path: path).load(limit: 1_000).entries
        #expect(entries.count >= 50 && entries.count <= HistoryStore.trimsAbove(limit: 50))
        // Whole lines only, none twice, each shell's in its own order, and its last entry the newest.
        let all = Set((0..<4).flatMap { s in (0..<200).map { "shell \(s) entry \($0)" } })
        #expect(entries.allSatisfy { all.contains($0) } && Set(entries).count == entries.count)
        for s in 0..<4 {
            let mine = entries.filter { $0.hasPrefix("shell \(s) ") }
            #expect(mine == (200 - mine.count..<200).map { "shell \(s) entry \($0)" })
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
        #expect(leftovers == ["history"], "\(leftovers)")
    }

    @Test func anEntryMadeWhileAnotherProgramHoldsTheLockIsWrittenWithTheNext() throws {
        let file = try folder().appendingPathComponent("history")
        let store = HistoryStore(path: file.path)
        store.append("before", limit: 100)
        let holder = open(file.path, O_RDONLY)
        defer { close(holder) }
        #expect(flock(holder, LOCK_EX) == 0)
        store.lockWait = 0.05
        #expect(store.append("while locked", limit: 100)?.contains("locked by another program") == true)
        flock(holder, LOCK_UN)
        #expect(store.append("after", limit: 100) == nil)
        #expect(HistoryStore(path: file.path).load(limit: 100).entries == ["before", "while locked", "after"])
        // Or at the shell's end.
        #expect(flock(holder, LOCK_EX) == 0)
        #expect(store.append("locked again", limit: 100) != nil)
        #expect(store.flush(limit: 100) != nil)
        flock(holder, LOCK_UN)
        #expect(store.flush(limit: 100) == nil)
        #expect(store.flush(limit: 100) == nil)
        #expect(HistoryStore(path: file.path).load(limit: 100).entries == ["before", "while locked", "after", "locked again"])
    }
}
