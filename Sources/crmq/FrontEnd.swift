import ArgumentParser
import Foundation
import CrmqDiagnostics
import CrmqEngine
import CrmqSession
import CrmqRendering

/// The terminal front end: a session, a presenter writing to standard output and
/// standard error, and the loops that feed them.
final class FrontEnd {
    let session = Session()
    let presenter: Presenter

    init(options: CommonOptions) throws {
        Allocator.keepFreedMemory()
        let colorErrors = isatty(2) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        presenter = Presenter(mode: options.format, color: colorErrors) { text, channel in
            let handle = channel == .results ? FileHandle.standardOutput : FileHandle.standardError
            handle.write(Data(text.utf8))
        }
        presenter.resultColor = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        presenter.chartWidth = Terminal.width()
        if options.noData { return }
        let folder = options.data ?? DefaultData.folder()
        guard let folder else { return }
        do {
            _ = try session.loadFolder(folder)
        } catch {
            FileHandle.standardError.write(Data(DiagnosticRenderer.render(error, color: colorErrors).utf8))
            throw ExitCode(1)
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
        let editor: LineEditor = EditLineEditor(historyPath: REPL.historyPath()) ?? PlainLineEditor()
        let repl = REPL(session: session, presenter: presenter, editor: editor)
        return repl.run(initFile: initFile ? REPL.initFile() : nil)
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

enum Terminal {
    /// Columns of the terminal on standard output, nil when it is not a terminal.
    static func width() -> Int? {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(c) { return n }
        return nil
    }
}
