import Foundation
import Testing

/// What `.output`, `save` and `notebook -o` do to the file a path names, through the binary,
/// and what a fatal signal during a save leaves behind.
@Suite struct FileSafetyEndToEndTests {
    private func mode(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode : 0
    }

    @Test func outputWritesIntoALinkedFileInPlace() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("target.txt").path
        FileManager.default.createFile(atPath: target, contents: Data("old old old old\n".utf8))
        #expect(chmod(target, 0o600) == 0)
        #expect(symlink("target.txt", dir.appendingPathComponent("link.txt").path) == 0)
        let r = try Binary.run(["-c", ".mode csv; .output link.txt; customers | count"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(mode(dir.appendingPathComponent("link.txt").path) & S_IFMT == S_IFLNK)
        #expect(mode(target) & 0o7777 == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "n\n5000\n")
    }

    @Test func outputStreamsIntoAFIFOAndRefusesAFolder() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // No program reads the FIFO: an error, not a wait.
        let r = try Binary.run(["-c", ".output pipe"], in: dir)
        #expect(r.stderr.contains("no program is reading this FIFO"), "\(r.stderr)")
        #expect(mode(fifo) & S_IFMT == S_IFIFO)
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
        let f = try Binary.run(["-c", ".output sub"], in: dir)
        #expect(f.stderr.contains("cannot write 'sub': it is a folder"), "\(f.stderr)")
    }

    /// `save` onto the file results are going to would replace it under the open output,
    /// and every later result would go to a file no longer there: refused.
    @Test func savingOverTheOutputFileIsRefused() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Binary.run(
            ["-o", "out.txt", "--format", "csv", "-c",
             "customers | count; save (customers | take 2) to \"./out.txt\"; customers | where customer_id == 1 | select customer_id"],
            in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot save to './out.txt': results are being written to it"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8) == "n\n5000\n")
    }

    @Test func aNotebookIsWrittenAtomicallyThroughALink() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "customers | count\n".write(to: dir.appendingPathComponent("s.crmq"), atomically: true, encoding: .utf8)
        let target = dir.appendingPathComponent("real.html").path
        FileManager.default.createFile(atPath: target, contents: Data("old".utf8))
        #expect(chmod(target, 0o640) == 0)
        #expect(symlink("real.html", dir.appendingPathComponent("nb.html").path) == 0)
        let r = try Binary.run(["notebook", "s.crmq", "-o", "nb.html"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(mode(dir.appendingPathComponent("nb.html").path) & S_IFMT == S_IFLNK)
        #expect(mode(target) & 0o7777 == 0o640)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("<html"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["nb.html", "real.html", "s.crmq"])
    }

    /// SIGTERM while a large save is being written: the temporary file goes with the
    /// process and the old file stays whole.
    @Test(arguments: [SIGTERM, SIGHUP, SIGINT])
    func aSignalDuringASaveLeavesNoTemporary(_ signal: Int32) throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("out.csv").path
        FileManager.default.createFile(atPath: old, contents: Data("old\n".utf8))
        // A join of every transaction with its customer, saved a hundred times over: long
        // enough that the temporary file is seen, whatever the machine.
        let script = (0..<100).map { _ in "save (transactions | join customers on customer_id) to \"\(old)\"" }
            .joined(separator: "\n")
        let scriptPath = dir.appendingPathComponent("s.crmq").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let pid = try Binary.spawnWithDefaultSignals(["run", scriptPath])
        var status: Int32 = 0
        func running() -> Bool { waitpid(pid, &status, WNOHANG) == 0 }
        var sawTemporary = false
        let deadline = Date().addingTimeInterval(60)
        var exited = false
        while Date() < deadline {
            if !running() { exited = true; break }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".out.csv.crmq-") }) {
                sawTemporary = true
                break
            }
            usleep(1000)
        }
        #expect(sawTemporary && !exited, "the save never wrote a temporary file")
        kill(pid, signal)
        if !exited { waitpid(pid, &status, 0) }
        // Killed by the signal itself: the handler removed the file and re-raised it.
        #expect(status & 0x7f == signal, "wait status \(status)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["out.csv", "s.crmq"])
        // The old file, or a whole earlier save: never a partial one.
        let text = try String(contentsOfFile: old, encoding: .utf8)
        #expect(text == "old\n" || text.hasSuffix("\n") && text.hasPrefix("txn_id,"))
    }
}
