import Foundation
import CrmqSource
import CrmqSyntax
import CrmqSession
import CrmqRendering

/// The interactive loop: prompts, multi-line statements, history, Tab completion,
/// Ctrl-C and Ctrl-D, the init file, the progress line. Reads through a `LineEditor`.
final class REPL {
    static let prompt = "crmq> "
    /// The continuation prompt while more lines of an entry are read though nothing is
    /// open (a paste whose next line is already waiting): as wide as `prompt`.
    static let continuation = " ...> "

    /// The continuation prompt while `open` keeps the statement unfinished, as psql does:
    /// `   (> ` for a bracket, `   |> ` after a trailing `|`, `   ,> ` after a comma; as
    /// wide as `prompt`.
    static func continuationPrompt(for open: OpenConstruct?) -> String {
        guard let open else { return continuation }
        return String(repeating: " ", count: prompt.count - open.symbol.count - 2) + open.symbol + "> "
    }

    private let session: Session
    private let presenter: Presenter
    private let editor: LineEditor
    /// Only when standard error is a terminal.
    private let progress: ProgressLine?
    /// Lines of the statement being typed, before the current one.
    private var pending: [String] = []
    /// The text of the last statement that ran, which a line starting with `|` extends.
    private var lastStatement: String?

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
            // A `|` line right after a statement ran continues that statement.
            let earlier = pending.isEmpty && Self.startsWithPipe(line) ? lastStatement.map { [$0] } ?? [] : pending
            let text = (earlier.map { $0 + "\n" }.joined()) + line
            return (text, session.completions(text: text, cursor: text.utf8.count))
        }
        if let initFile { runInitFile(initFile) }
        // After the init file, which may set history_size.
        editor.loadHistory(keeping: historySize)
        while !session.quitRequested {
            let prompt = pending.isEmpty
                ? Self.prompt : Self.continuationPrompt(for: Lexer.openConstruct(pending.joined(separator: "\n")))
            switch editor.readLine(prompt: prompt) {
            case .endOfInput:
                FileHandle.standardError.write(Data("\n".utf8))
                return 0
            case .interrupted:
                pending = []
            case .line(let line):
                if pending.isEmpty, let last = lastStatement, Self.startsWithPipe(line) {
                    // `| stage` right after a statement ran: that statement, extended.
                    pending = [last]
                }
                pending.append(line)
                let text = pending.joined(separator: "\n")
                // Unfinished, or more input already waiting (a paste without bracketed
                // paste, typed-ahead lines): read on before running anything.
                if Lexer.openConstruct(text) != nil || editor.hasPendingInput { continue }
                let lines = pending
                pending = []
                let entry = Self.trimmingBlankLines(text)
                if entry.isEmpty { continue }
                editor.addHistory(entry, keeping: historySize)
                // As typed (line numbers as shown); a blank last line ended by its line end,
                // so that it ends a bracket left open as a blank line in a script does.
                let blankLast = lines.last.map { $0.allSatisfy { $0 == " " || $0 == "\t" } } ?? false
                execute(blankLast ? text + "\n" : text, name: "<repl>")
                lastStatement = Self.lastStatement(of: entry)
            }
        }
        return 0
    }

    /// The `history_size` setting.
    private var historySize: Int { max(1, session.settings.int("history_size")) }

    /// Whether a line's first character other than a space or tab is `|`.
    static func startsWithPipe(_ line: String) -> Bool {
        line.first { $0 != " " && $0 != "\t" } == "|"
    }

    /// `text` without blank lines at its start and end (a blank line that closed an open
    /// bracket, the empty lines of a paste).
    static func trimmingBlankLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let isBlank = { (line: Substring) in line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }
        while let first = lines.first, isBlank(first) { lines.removeFirst() }
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The source text of the last statement of `entry` when a following `|` line can
    /// extend it: a query or a `let` (not a session command, `help`, `set`, `load` or
    /// `save`), in an entry that parsed without errors.
    static func lastStatement(of entry: String) -> String? {
        let file = SourceFile(name: "<repl>", text: entry)
        let (script, diagnostics) = Parser.parse(file)
        guard diagnostics.isEmpty, let last = script.statements.last else { return nil }
        switch last.kind {
        case .query, .let: return file.text(of: last.range)
        default: return nil
        }
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
    /// so trimming the file (a rename) replaces the file they point at.
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
