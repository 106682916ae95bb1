import Foundation
import Testing
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

/// Files that cannot be mapped: they are read from the descriptor already open.
@Suite struct SpecialFileTests {
    @Test func emptyRegularFileIsTheEmptyFileError() throws {
        let dir = TempFolder()
        let path = dir.file("empty.csv", "")
        #expect(throws: Diagnostic.self) { try CSVReader.read(file: path) }
        do {
            _ = try CSVReader.read(file: path)
        } catch {
            #expect(error.id == "load.empty-file")
        }
    }

    /// A named pipe whose writer has finished and closed before the reader looked at what
    /// the path is: opening the path a second time would wait forever for another writer.
    /// (A race: each try hits it only sometimes.)
    @Test(arguments: 0..<50) func namedPipeIsReadOnce(_ attempt: Int) throws {
        let dir = TempFolder()
        let path = dir.path + "/pipe.csv"
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { return }
            let text = Array("a,b\n1,x\n2,y\n".utf8)
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        let done = DispatchSemaphore(value: 0)
        let result = Box<Result<Table, Diagnostic>?>(nil)
        let reader = Thread {
            result.value = Result { () throws(Diagnostic) -> Table in try CSVReader.read(file: path) }
            done.signal()
        }
        reader.start()
        if done.wait(timeout: .now() + 10) == .timedOut {
            // Let a reader stuck in a second open() finish, then fail.
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            _ = done.wait(timeout: .now() + 5)
            Issue.record("reading a named pipe did not finish")
            return
        }
        let table = try #require(try result.value?.get())
        #expect(table.rowCount == 2)
        #expect(values(table, "b") == [.string("x"), .string("y")])
    }
}

/// A value the reader thread hands back.
private final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
