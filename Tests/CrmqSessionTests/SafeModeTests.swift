import Foundation
import CrmqSession
import CrmqEngine
import CrmqSemantics
import Testing

/// The sandbox's path checks and the `memory_limit` forms.
@Suite struct SandboxTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-sandbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/allowed/inner", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/other", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path + "/other/secret.csv", contents: Data("a\n1\n".utf8))
        FileManager.default.createFile(atPath: path + "/allowed/ok.csv", contents: Data("a\n1\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: path + "/allowed/link.csv", withDestinationPath: path + "/other/secret.csv")
        try FileManager.default.createSymbolicLink(atPath: path + "/alias", withDestinationPath: path + "/allowed")
        return path
    }

    @Test func readsAreCheckedAfterResolvingLinksAndDotDot() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sandbox = Sandbox(readFolders: [root + "/alias"])
        #expect(sandbox.mayRead(root + "/allowed/ok.csv"))
        #expect(sandbox.mayRead(root + "/alias/ok.csv"))
        #expect(sandbox.mayRead(root + "/allowed"))
        #expect(sandbox.mayRead(root + "/allowed/inner/../ok.csv"))
        #expect(!sandbox.mayRead(root + "/allowed/link.csv"))
        #expect(!sandbox.mayRead(root + "/allowed/../other/secret.csv"))
        #expect(!sandbox.mayRead(root + "/other/secret.csv"))
        // A folder whose name starts like an allowed one is not inside it.
        #expect(!Sandbox(readFolders: [root + "/all"]).mayRead(root + "/allowed/ok.csv"))
        #expect(!sandbox.mayRead(""))
    }

    /// A script kept in a home folder must not reach the hidden files beside it.
    @Test func hiddenFilesAndFoldersInsideAnAllowedFolderAreRefused() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/allowed/.ssh", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/allowed/.ssh/id_rsa", contents: Data("key\n".utf8))
        FileManager.default.createFile(atPath: root + "/allowed/.netrc", contents: Data("machine\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: root + "/allowed/key.csv", withDestinationPath: root + "/allowed/.ssh/id_rsa")
        let sandbox = Sandbox(readFolders: [root + "/allowed"])
        #expect(!sandbox.mayRead(root + "/allowed/.ssh/id_rsa"))
        #expect(!sandbox.mayRead(root + "/allowed/.netrc"))
        #expect(!sandbox.mayRead(root + "/allowed/.ssh"))
        #expect(!sandbox.mayRead(root + "/allowed/key.csv"))
        #expect(sandbox.mayRead(root + "/allowed/inner"))
        #expect(sandbox.mayRead(root + "/allowed/ok.csv"))
    }

    @Test func writesAreOnlyTheNamedFiles() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sandbox = Sandbox(readFolders: [root], writeFiles: [root + "/alias/out.csv"])
        #expect(sandbox.mayWrite(root + "/allowed/out.csv"))
        #expect(sandbox.mayWrite(root + "/allowed/inner/../out.csv"))
        #expect(!sandbox.mayWrite(root + "/allowed/ok.csv"))
        #expect(!Sandbox(readFolders: [root]).mayWrite(root + "/allowed/out.csv"))
    }

    @Test func memoryLimitForms() {
        #expect(MemoryLimit.parse(.string("4GB")).budget == MemoryBudget(bytes: 4_000_000_000))
        #expect(MemoryLimit.parse(.string("512 mb")).budget == MemoryBudget(bytes: 512_000_000))
        #expect(MemoryLimit.parse(.string("1GiB")).budget == MemoryBudget(bytes: 1 << 30))
        #expect(MemoryLimit.parse(.string("2000000")).budget == MemoryBudget(bytes: 2_000_000))
        #expect(MemoryLimit.parse(.int(2_000_000)).budget == MemoryBudget(bytes: 2_000_000))
        #expect(MemoryLimit.parse(.string("none")).budget == .unlimited)
        #expect(MemoryLimit.parse(.string("100%")).budget == MemoryBudget(bytes: MemoryBudget.availableMemory))
        #expect(MemoryLimit.parse(.string("0%")).problem != nil)
        #expect(MemoryLimit.parse(.string("101%")).problem != nil)
        #expect(MemoryLimit.parse(.string("-4GB")).problem != nil)
        #expect(MemoryLimit.parse(.string("4XB")).problem != nil)
        #expect(MemoryLimit.parse(.int(10)).problem != nil)
        #expect(Settings().memoryBudget == MemoryLimit.defaultBudget)
    }

    @Test func safeModeStaysOnAndCapsTheMemoryLimit() {
        let session = Session()
        session.enterSafeMode(Sandbox(readFolders: []))
        var errors: [String] = []
        session.run("set memory_limit = \"2MB\"; set memory_limit = \"1MB\"", name: "t") { r in
            if case .diagnostics(let d) = r.outcome { errors += d.map(\.message) }
        }
        #expect(errors.isEmpty, "lowering is allowed: \(errors)")
        // Back up to the limit safe mode began with is allowed; above it, or none, is not.
        session.run("set memory_limit = \"75%\"", name: "t") { r in
            if case .diagnostics(let d) = r.outcome { errors += d.map(\.id) }
        }
        #expect(errors.isEmpty)
        for raise in ["\"none\"", "\"100%\"", "\"1000TB\""] {
            session.run("set memory_limit = \(raise)", name: "t") { r in
                if case .diagnostics(let d) = r.outcome { errors += d.map(\.id) }
            }
        }
        #expect(errors == ["safe.refused", "safe.refused", "safe.refused"])
        #expect(session.settings["safe"] == .bool(true))
    }
}
