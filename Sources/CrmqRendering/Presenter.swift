import Foundation
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
import CrmqLoading
import CrmqSession

/// Where a piece of presented text belongs: results (standard output, or the
/// `.output` file) or status and errors (standard error).
public enum Channel: Sendable {
    case results, status
}

/// Draws statement results as text for a front end and applies the display commands
/// (`.mode`, `.output`, `.timer`). The terminal, `crmq run`, the golden tests and the
/// notebook writer all present through it, so they agree on every byte.
public final class Presenter {
    public var mode: OutputMode
    public var timer = false
    /// ANSI colour in diagnostics.
    public var color: Bool
    /// The terminal's width, to elide middle columns of wide results; nil: never elide.
    public var terminalWidth: Int?
    /// ANSI colour in charts (results on a terminal, NO_COLOR unset); never into a `.output` file.
    public var resultColor = false
    /// The width charts fit; nil: `terminalWidth`, or 80 when that is unknown too.
    public var chartWidth: Int?
    private let write: (String, Channel) -> Void
    /// The REPL's history entries, oldest first, for `.history`; nil outside the REPL.
    public var historyProvider: (() -> [String])?
    private var outputFile: FileHandle?
    private var outputPath: String?

    /// `write` receives whole pieces of text, each ending in a newline.
    public init(
        mode: OutputMode = .table, color: Bool = false, terminalWidth: Int? = nil,
        write: @escaping (String, Channel) -> Void
    ) {
        self.mode = mode
        self.color = color
        self.terminalWidth = terminalWidth
        self.write = write
    }

    deinit { try? outputFile?.close() }

    /// Presents one statement's result with the session's display settings.
    public func present(_ result: StatementResult, settings: Settings) {
        switch result.outcome {
        case .table(let table):
            // `.schema` lists the session's own short texts: its cells are never cut, so an
            // ordered type shows all its levels.
            emitResult(render(table, settings: settings, cutCells: !Self.isSchemaListing(result.source)))
        case .chart(let chart, let table):
            // The table view draws the chart; csv, json and markdown carry the rows it was drawn from.
            if mode == .table {
                emitResult(TerminalChartRenderer.render(
                    chart, width: chartWidth ?? terminalWidth ?? 80, color: resultColor && outputFile == nil))
            } else {
                emitResult(render(table, settings: settings))
            }
        case .value(let value):
            emitResult(render(value) + "\n")
        case .message(let text):
            if !text.isEmpty { write(text + "\n", .status) }
        case .help(let text):
            emitResult(text.hasSuffix("\n") ? text : text + "\n")
        case .display(let command):
            apply(command)
        case .diagnostics(let diagnostics):
            for d in diagnostics {
                write(DiagnosticRenderer.render(d, color: color), .status)
            }
        }
        // A display command takes no time worth showing (and `.timer on` would time itself).
        if timer, !result.outcome.isDisplayCommand {
            write("time: \(Self.describe(result.elapsed))\n", .status)
        }
    }

    /// "0.4 ms", "12.3 ms", "1.234 s".
    static func describe(_ d: Duration) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.3f s", seconds)
    }

    /// The `.schema` command.
    static func isSchemaListing(_ source: String) -> Bool {
        let words = source.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ";" })
        return words.first?.lowercased() == ".schema"
    }

    public func render(_ table: Table, settings: Settings, cutCells: Bool = true) -> String {
        let options = RenderOptions(
            maxRows: settings.int("max_rows"), maxCellWidth: cutCells ? settings.int("max_cell_width") : 0,
            maxWidth: mode == .table ? terminalWidth : nil)
        return TableRenderer.render(table, format: format, options: options)
    }

    /// A scalar result, without its line end: rounded for display in the table and
    /// Markdown views, at full precision in CSV and JSON.
    public func render(_ value: Value) -> String {
        switch mode {
        case .table, .markdown: DisplayText.of(value)
        case .csv: value.exactText
        case .json: JSONWriter.encode(value)
        }
    }

    private var format: TableFormat {
        switch mode {
        case .table: .table
        case .csv: .csv
        case .json: .json
        case .markdown: .markdown
        }
    }

    /// Results go to the `.output` file while one is open. A write that fails there (a
    /// full disk, a FIFO whose reader left) closes it with an error, and this result and
    /// the next ones go to the screen: nothing is lost and the session goes on.
    private func emitResult(_ text: String) {
        if let file = outputFile {
            do {
                try file.write(contentsOf: Data(text.utf8))
                return
            } catch {
                let path = outputPath ?? "the output file"
                // Foundation wraps the system's error; its own text is vaguer than errno's.
                let ns = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError ?? error as NSError
                let reason = ns.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(ns.code))) : ns.localizedDescription
                try? file.close()
                outputFile = nil
                outputPath = nil
                write(DiagnosticRenderer.render(
                    Diagnostic(
                        id: "session.cannot-write",
                        message: "cannot write '\(path)': \(reason); results go to the screen again",
                        location: .path(path)),
                    color: color), .status)
            }
        }
        write(text, .results)
    }

    /// Whether `path` is the file results are being written to now (the same file, by
    /// device and inode, whatever the path says).
    public func isCurrentOutput(_ path: String) -> Bool {
        guard let file = outputFile else { return false }
        var open = stat(), named = stat()
        guard fstat(file.fileDescriptor, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// Sends results to the file at `path` (`--output`), as `.output` does; false (with the
    /// error written) when it cannot be opened.
    public func redirect(to path: String) -> Bool {
        apply(.output(path: path))
        return outputFile != nil
    }

    private func apply(_ command: DisplayCommand) {
        switch command {
        case .mode(let m):
            mode = m
        case .timer(let on):
            timer = on
        case .quit:
            break  // the session stops running statements; front ends ask it
        case .history:
            if let history = historyProvider?() {
                let width = String(history.count).count
                emitResult(history.enumerated().map { i, entry in
                    let number = String(i + 1)
                    let pad = String(repeating: " ", count: width - number.count)
                    return pad + number + "  " + entry.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width + 2))
                }.joined(separator: "\n") + (history.isEmpty ? "" : "\n"))
            } else {
                write("no history: '.history' lists what was typed in the interactive shell\n", .status)
            }
        case .output(let path):
            try? outputFile?.close()
            outputFile = nil
            outputPath = nil
            guard let path else { return }
            let fd: Int32
            do {
                fd = try OutputStreamFile.open(path)
            } catch {
                write(DiagnosticRenderer.render(
                    Diagnostic(id: "session.cannot-write", message: "cannot write '\(path)': \(error.reason)", location: .path(path)),
                    color: color), .status)
                return
            }
            // A FIFO whose reader has gone would otherwise end the process with SIGPIPE;
            // ignored, the write fails with EPIPE and emitResult reports it.
            signal(SIGPIPE, SIG_IGN)
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            outputFile = handle
            outputPath = path
        }
    }
}
