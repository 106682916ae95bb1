import Foundation

/// The built `crmq` binary, run as a user runs it.
enum Binary {
    /// `crmq` beside the test bundle in the build folder.
    static let url: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test runner lives in the build folder, or in a bundle inside it.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("crmq")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("cannot find the crmq binary near \(exe)")
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped demo data.
    static let demo = packageRoot.appendingPathComponent("datasets/demo").path

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs crmq with arguments and optional standard input; waits for it to exit.
    static func run(
        _ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        try run(arguments, stdinBytes: stdin.map { Data($0.utf8) }, in: directory, environment: environment)
    }

    /// Runs crmq with raw bytes (not necessarily UTF-8) as standard input.
    static func run(
        _ arguments: [String], stdinBytes: Data?, in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        // Output goes to files, so a large output can never fill a pipe and block the child.
        let folder = try temporaryFolder()
        let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdinBytes { input.fileHandleForWriting.write(stdinBytes) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer { try? FileManager.default.removeItem(at: folder) }
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
