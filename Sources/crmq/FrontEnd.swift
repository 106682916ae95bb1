import ArgumentParser
import Foundation
import CrmqDiagnostics
import CrmqEngine
import CrmqSession
import CrmqRendering
import CrmqPostgres
import CrmqSpark
import CrmqSQL

/// The terminal front end: a session, a presenter writing to standard output and
/// standard error, and the loops that feed them.
final class FrontEnd {
    let session = Session()
    let presenter: Presenter

    /// Whether safe mode is on (docs/safety.md): init file and history file are skipped.
    let safe: Bool

    /// `script`: the script's path (`run`, `notebook`), whose folder safe mode reads from.
    /// `notebook`: the notebook `crmq notebook` writes (not by the session: safe mode
    /// refuses statements that write it).
    convenience init(options: CommonOptions, script: String? = nil) throws {
        try self.init(
            data: options.data, noData: options.noData, format: options.format,
            safe: options.safe, script: script, output: options.output, connect: options.connect)
    }

    init(
        data: String?, noData: Bool, format: OutputMode, safe: Bool, script: String?, output: String?,
        connect: String? = nil
    ) throws {
        Allocator.keepFreedMemory()
        self.safe = safe || SafeMode.fromEnvironment
        let colorErrors = isatty(2) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        presenter = Presenter(mode: format, color: colorErrors) { text, channel in
            let handle = channel == .results ? FileHandle.standardOutput : FileHandle.standardError
            handle.write(Data(text.utf8))
        }
        presenter.resultColor = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        presenter.chartWidth = Terminal.width()
        session.isCurrentOutput = { [presenter] path in presenter.isCurrentOutput(path) }
        // sc:// is a Spark Connect server; anything else PostgreSQL (docs/backends.md).
        session.connector = { url throws(DatabaseError) in
            url.hasPrefix("sc://") ? try SparkDatabase.connector(url) : try PostgresClient.connector(url)
        }
        let folder = noData ? nil : data ?? (connect == nil ? DefaultData.folder() : nil)
        if let folder {
            do {
                _ = try session.loadFolder(folder)
            } catch {
                FileHandle.standardError.write(Data(DiagnosticRenderer.render(error, color: colorErrors).utf8))
                throw ExitCode(1)
            }
        }
        if let connect {
            if self.safe {
                FileHandle.standardError.write(Data("crmq: error: --connect is refused in safe mode: a script in safe mode may not reach a database\n".utf8))
                throw ExitCode(1)
            }
            do {
                _ = try session.connect(url: connect)
            } catch {
                FileHandle.standardError.write(Data(DiagnosticRenderer.render(error, color: colorErrors).utf8))
                throw ExitCode(1)
            }
        }
        if let output {
            session.commandLineOutputs = [output]
            guard presenter.redirect(to: output) else { throw ExitCode(1) }
        }
        if self.safe {
            session.enterSafeMode(Sandbox(
                readFolders: (folder.map { [$0] } ?? []) + (script.map { [Sandbox.folder(ofScript: $0)] } ?? []),
                writeFiles: output.map { [$0] } ?? []))
        }
    }

    /// Runs a whole script; false if a statement failed.
    func runScript(text: String, name: String) -> Bool {
        var ok = true
        ok = session.run(text, name: name) { result in
            presenter.present(result, settings: session.settings)
        }
        return ok
    }

    /// The interactive shell on a terminal; returns the exit status. `initFile`: whether
    /// to run `~/.crmqrc` (or `CRMQ_INIT`) first.
    func repl(initFile: Bool) -> Int32 {
        let tables = session.tableOrder.map { "\($0) (\(session.tables[$0]?.rowCount ?? 0) rows)" }
        var banner = "crmq \(CrmqVersion.string): type 'help' for help, '.quit' to leave.\n"
        if !tables.isEmpty { banner += "tables: " + tables.joined(separator: ", ") + "\n" }
        FileHandle.standardError.write(Data(banner.utf8))
        // Safe mode writes no file, so the history stays in memory.
        let editor: LineEditor = EditLineEditor(historyPath: safe ? nil : REPL.historyPath()) ?? PlainLineEditor()
        let repl = REPL(session: session, presenter: presenter, editor: editor)
        return repl.run(initFile: initFile && !safe ? REPL.initFile() : nil)
    }
}


/// Finds the shipped demo data (5,000 customers, docs/dataset.md): first in the resource
/// bundle SwiftPM builds beside the executable (`crmq_crmq.resources/demo`), so an
/// installed or copied binary finds it from any current directory; then `datasets/demo`
/// in the source tree the binary was built in, or below the current directory.
/// `Bundle.module` is not used: it traps when the bundle is missing.
enum DefaultData {
    static let bundleName = "crmq_crmq.resources"

    static func folder() -> String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let exeDir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            candidates.append(exeDir.appendingPathComponent(bundleName).appendingPathComponent("demo").path)
            var dir = exeDir
            for _ in 0..<6 {
                candidates.append(dir.appendingPathComponent("datasets/demo").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("datasets/demo").path)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/customers.csv") }
    }
}

/// `CRMQ_SAFE`: safe mode from the environment, for a shell or service that runs crmq on
/// other people's scripts.
enum SafeMode {
    /// Set to anything but empty, `0`, `false`, `no` or `off`.
    static var fromEnvironment: Bool {
        guard let value = ProcessInfo.processInfo.environment["CRMQ_SAFE"]?.lowercased() else { return false }
        return !["", "0", "false", "no", "off"].contains(value)
    }
}

enum Terminal {
    /// The widest a result or chart is drawn, whatever the terminal or COLUMNS says.
    static let maxWidth = 1000

    /// Columns of the terminal on standard output (else `COLUMNS`), at most `maxWidth`;
    /// nil when neither gives a width of at least 1.
    static func width() -> Int? {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return min(Int(size.ws_col), maxWidth) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(c), n > 0 { return min(n, maxWidth) }
        return nil
    }
}
