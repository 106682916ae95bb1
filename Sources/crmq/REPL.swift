import Foundation
import CrmqSyntax
import CrmqSession
import CrmqRendering

/// The interactive loop: prompts, multi-line statements, history, Tab completion,
/// Ctrl-C and Ctrl-D, the init file, the progress line. Reads through a `LineEditor`.
final class REPL {
    static let prompt = "crmq> "
    /// The continuation prompt while a statement is unfinished: as wide as `prompt`.
    static let continuation = " ...> "

    private let session: Session
    private let presenter: Presenter
    private let editor: LineEditor
    /// Only when standard error is a terminal.
    private let progress: ProgressLine?
    /// Lines of the statement being typed, before the current one.
    private var pending: [String] = []

    init(session: Session, presenter: Presenter, editor: LineEditor) {
        self.session = session
        self.presenter = presenter
        self.editor = editor
        progress = isatty(2) != 0 ? ProgressLine() : nil
    }

    /// Runs until Ctrl-D or `.quit`; returns the exit status. `initFile`: a script to run
    /// first (`~/.crmqrc`), nil for none.
    func run(initFile: String?) -> Int32 {
        defer {
            progress?.finish()
            presenter.historyProvider = nil
            editor.completionSource = nil
            editor.close()
        }
        Interrupt.install(cancelling: session.cancellation)
        presenter.historyProvider = { [editor] in editor.historyEntries }
        editor.completionSource = { [unowned self] line in
            let text = (pending.map { $0 + "\n" }.joined()) + line
            return (text, session.completions(text: text, cursor: text.utf8.count))
        }
        if let initFile { runInitFile(initFile) }
        while !session.quitRequested {
            switch editor.readLine(prompt: pending.isEmpty ? Self.prompt : Self.continuation) {
            case .endOfInput:
                FileHandle.standardError.write(Data("\n".utf8))
                return 0
            case .interrupted:
                pending = []
            case .line(let line):
                pending.append(line)
                let text = pending.joined(separator: "\n")
                guard Lexer.isComplete(text) else { continue }
                pending = []
                if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
                editor.addHistory(text)
                execute(text, name: "<repl>")
            }
        }
        return 0
    }

    /// Runs source text, results and errors shown as each statement finishes, with the
    /// progress line while one runs long.
    private func execute(_ text: String, name: String) {
        presenter.terminalWidth = Terminal.width()
        presenter.chartWidth = presenter.terminalWidth
        progress?.begin()
        session.run(text, name: name) { result in
            progress?.end()
            presenter.present(result, settings: session.settings)
            progress?.begin()
        }
        progress?.end()
    }

    private func runInitFile(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("crmq: cannot read the init file \(path)\n".utf8))
            return
        }
        execute(String(decoding: data, as: UTF8.self), name: path)
    }

    // MARK: - Files

    /// The home folder: `HOME`, else the user database's.
    static func home() -> String? {
        if let h = ProcessInfo.processInfo.environment["HOME"], !h.isEmpty { return h }
        guard let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// `CRMQ_HISTORY`, else `~/.crmq_history`; nil (history in memory only) when
    /// `CRMQ_HISTORY` is set but empty, or there is no home. Symbolic links are followed,
    /// so saving (a rename) replaces the file they point at.
    static func historyPath() -> String? {
        let path: String
        if let p = ProcessInfo.processInfo.environment["CRMQ_HISTORY"] {
            if p.isEmpty { return nil }
            path = p
        } else {
            guard let home = home() else { return nil }
            path = home + "/.crmq_history"
        }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// The init script to run at start: `CRMQ_INIT` (reported when missing), else
    /// `~/.crmqrc` when it exists.
    static func initFile() -> String? {
        if let p = ProcessInfo.processInfo.environment["CRMQ_INIT"], !p.isEmpty {
            if FileManager.default.fileExists(atPath: p) { return p }
            FileHandle.standardError.write(Data("crmq: CRMQ_INIT names \(p), which does not exist\n".utf8))
            return nil
        }
        guard let home = home() else { return nil }
        let path = home + "/.crmqrc"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
