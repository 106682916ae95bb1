import Foundation
import Testing
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

/// Saving never damages what the target path names, and loading survives files that
/// change, never end, or have no writer.
@Suite struct FileSafetyTests {
    private func table() throws -> Table { try read("a,b\n1,x\n2,y\n") }

    private func saveError(_ path: String) throws -> Diagnostic? {
        let t = try table()
        do {
            try TableWriter.save(t, to: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func savingOverAFileKeepsItsPermissions() throws {
        let dir = TempFolder()
        let path = dir.file("private.csv", "old\n")
        #expect(chmod(path, 0o600) == 0)
        try TableWriter.save(try table(), to: path)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,x\n2,y\n")
    }

    @Test func aSymbolicLinkIsFollowedAndStays() throws {
        let dir = TempFolder()
        let target = dir.file("target.csv", "old\n")
        #expect(chmod(target, 0o640) == 0)
        #expect(symlink("target.csv", dir.path + "/link.csv") == 0)
        try TableWriter.save(try table(), to: dir.path + "/link.csv")
        var st = stat()
        #expect(lstat(dir.path + "/link.csv", &st) == 0)
        #expect(st.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "a,b\n1,x\n2,y\n")
        #expect(stat(target, &st) == 0 && st.st_mode & 0o7777 == 0o640)
        #expect(dir.contents() == ["link.csv", "target.csv"])
    }

    @Test func aDanglingLinkCreatesItsTarget() throws {
        let dir = TempFolder()
        #expect(symlink("made.csv", dir.path + "/link.csv") == 0)
        try TableWriter.save(try table(), to: dir.path + "/link.csv")
        #expect(try String(contentsOfFile: dir.path + "/made.csv", encoding: .utf8) == "a,b\n1,x\n2,y\n")
    }

    @Test func aFIFOOrAFolderIsRefused() throws {
        let dir = TempFolder()
        #expect(mkfifo(dir.path + "/pipe", 0o600) == 0)
        #expect(try saveError(dir.path + "/pipe")?.id == "save.not-regular")
        #expect(try saveError(dir.path + "/pipe")?.message.contains("FIFO") == true)
        #expect(symlink("pipe", dir.path + "/to-pipe") == 0)
        #expect(try saveError(dir.path + "/to-pipe")?.id == "save.not-regular")
        try FileManager.default.createDirectory(atPath: dir.path + "/sub", withIntermediateDirectories: false)
        #expect(try saveError(dir.path + "/sub")?.id == "save.is-folder")
        var st = stat()
        #expect(lstat(dir.path + "/pipe", &st) == 0 && st.st_mode & S_IFMT == S_IFIFO)
        #expect(dir.contents() == ["pipe", "sub", "to-pipe"])
    }

    /// A device found through a link is refused the same way (a device node of the
    /// test's own, so nothing under /dev is touched).
    @Test func aDeviceIsRefused() throws {
        let dir = TempFolder()
        let node = dir.path + "/null"
        guard mknod(node, S_IFCHR | 0o600, dev_t((1 << 8) | 3)) == 0 else {
            // mknod needs CAP_MKNOD; the FIFO test covers the same path.
            return
        }
        #expect(try saveError(node)?.id == "save.not-regular")
        var st = stat()
        #expect(lstat(node, &st) == 0 && st.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func aCancelledSaveLeavesTheOldFileWhole() throws {
        let dir = TempFolder()
        let path = dir.file("keep.csv", "old\n")
        let flag = CancellationFlag()
        flag.cancel()
        let t = try table()
        do {
            try TableWriter.save(t, to: path, cancellation: flag)
            Issue.record("a cancelled save succeeded")
        } catch {
            #expect(error.id == "save.cancelled")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(dir.contents() == ["keep.csv"])
    }

    /// Temporary files of a writer that is gone (killed with SIGKILL) are removed by the
    /// next save into the folder; one whose writer still runs (this process) is not.
    @Test func staleTemporariesAreRemovedByTheNextSave() throws {
        let dir = TempFolder()
        // A process id that no process has: above the kernel's maximum.
        let gone = dir.file(".out.csv.crmq-2147483646-AbC123", "partial")
        let recent = dir.file(".out.csv.crmq-2147483645-Recent", "partial")
        let alive = dir.file(".out.csv.crmq-\(getpid())-XyZ789", "partial")
        let unrelated = dir.file(".notes.crmq-keep", "mine")
        // Old enough to be stale, except `recent` (a save elsewhere may still be writing it).
        let old = Date().addingTimeInterval(-Double(AtomicFileWriter.staleAfterSeconds + 60))
        for path in [gone, alive, unrelated] {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }
        try TableWriter.save(try table(), to: dir.path + "/other.csv")
        #expect(!FileManager.default.fileExists(atPath: gone))
        #expect(FileManager.default.fileExists(atPath: recent))
        #expect(FileManager.default.fileExists(atPath: alive))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }

    /// A file cut short while its mapping is read: the pages past the new end would raise
    /// SIGBUS; they read as zeros and the load ends with an error.
    @Test func aFileThatShrinksWhileLoadingIsAnError() throws {
        let dir = TempFolder()
        let row = "1,2,3,4,5,6,7,8\n"
        let path = dir.file("shrinks.csv", "a,b,c,d,e,f,g,h\n" + String(repeating: row, count: 200_000))
        do {
            _ = try FileSystem.withContents(of: path) { (p, mapped) throws(Diagnostic) -> Int in
                #expect(mapped)
                #expect(truncate(path, 16) == 0)
                // Touch every page, past the new end too.
                var sum = 0
                var i = 0
                while i < p.count {
                    sum &+= Int(p[i])
                    i += 4096
                }
                return sum
            }
            Issue.record("a file that shrank while mapped was read without an error")
        } catch {
            #expect(error.id == "load.changed")
        }
    }

    @Test func aFileRewrittenWhileLoadingIsAnError() throws {
        let dir = TempFolder()
        let path = dir.file("grows.csv", "a,b\n1,2\n")
        do {
            _ = try CSVReaderHook.read(path) {
                let fd = open(path, O_WRONLY | O_APPEND)
                _ = "3,4\n".withCString { write(fd, $0, 4) }
                close(fd)
            }
            Issue.record("a file changed while loading was read without an error")
        } catch {
            #expect(error.id == "load.changed")
        }
    }

    @Test func aDeviceThatNeverEndsStopsAtTheLimit() throws {
        let limits = ReadLimits(streamBytes: 1 << 20)
        do {
            _ = try CSVReader.read(file: "/dev/zero", limits: limits)
            Issue.record("reading /dev/zero ended")
        } catch {
            #expect(error.id == "load.stream-too-large")
        }
    }

    @Test func aFIFOWithoutAWriterIsAnErrorAfterTheWait() throws {
        let dir = TempFolder()
        let path = dir.path + "/pipe.csv"
        #expect(mkfifo(path, 0o600) == 0)
        do {
            _ = try CSVReader.read(file: path, limits: ReadLimits(writerWait: 1))
            Issue.record("a FIFO without a writer was read")
        } catch {
            #expect(error.id == "load.no-writer")
        }
    }

    @Test func readingAFIFOCanBeCancelled() throws {
        let dir = TempFolder()
        let path = dir.path + "/pipe.csv"
        #expect(mkfifo(path, 0o600) == 0)
        let flag = CancellationFlag()
        flag.cancel()
        do {
            _ = try CSVReader.read(file: path, limits: ReadLimits(writerWait: 60, cancellation: flag))
            Issue.record("a cancelled read of a FIFO went on")
        } catch {
            #expect(error.id == "load.cancelled")
        }
    }
}

/// Runs `during` while the file is open and mapped, then finishes reading it.
private enum CSVReaderHook {
    static func read(_ path: String, during: () -> Void) throws(Diagnostic) -> Int {
        try FileSystem.withContents(of: path) { (p, _) throws(Diagnostic) -> Int in
            during()
            return p.count
        }
    }
}
