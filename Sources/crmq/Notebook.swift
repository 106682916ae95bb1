import ArgumentParser
import Foundation
import CrmqSource
import CrmqSession
import CrmqRendering
import CrmqLoading
import CrmqDiagnostics

/// `crmq notebook FILE.crmq -o OUT.html|OUT.md [--bail]`
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run a script and write it as a notebook: prose, code and results in one HTML or Markdown file.",
        discussion: """
            The comment lines above each statement become Markdown prose; each statement becomes a \
            code cell followed by its result. The format follows the output's extension: .html \
            (one self-contained page: no scripts, nothing loaded from elsewhere) or .md.

            A failing statement shows its error in its cell and the script goes on; with --bail \
            it stops there. Either way the document is written (up to the failing cell with \
            --bail), and each error is also reported on standard error.

            Exit status: 0 when every statement ran; 1 when one failed (the document is still \
            written) or the script or the output cannot be read or written; 64 for a usage error.
            """)

    @Argument(help: "The script to run (a .crmq file).")
    var file: String

    @Flag(help: "Stop at the first error (the document ends with the failing cell).")
    var bail = false

    // The options `run` takes, under the same names: the top command reads them as well, so
    // options declared apart from these would be taken by it and never reach this command.
    // Here --output (-o) is the notebook to write.
    @OptionGroup var options: CommonOptions

    /// The notebook to write: a .html or .md file.
    var output: String { options.output ?? "" }

    enum Format { case html, markdown }

    var format: Format? {
        switch URL(fileURLWithPath: output).pathExtension.lowercased() {
        case "html", "htm": .html
        case "md", "markdown": .markdown
        default: nil
        }
    }

    func validate() throws {
        guard options.output != nil else {
            throw ValidationError("missing the notebook to write: -o FILE.html or -o FILE.md")
        }
        if format == nil {
            throw ValidationError("the output must end in .html or .md (got '\(output)')")
        }
    }

    /// The script's name as the document shows it (header, footer, error places): as
    /// given on the command line when relative; an absolute path becomes relative to the
    /// current folder when inside it, else just the file's name, so that a notebook
    /// never shows the folders of the machine that rendered it.
    static func displayName(of path: String, in currentFolder: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        let folder = URL(fileURLWithPath: currentFolder).standardizedFileURL.path
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        if standard.hasPrefix(prefix), standard.count > prefix.count {
            return String(standard.dropFirst(prefix.count))
        }
        return URL(fileURLWithPath: standard).lastPathComponent
    }

    mutating func run() throws {
        // The same start as `crmq run`: --data, --no-data and --safe, and the same errors.
        let front = try FrontEnd(
            data: options.data, noData: options.noData, format: .table, safe: options.safe, script: file, output: nil)
        guard let bytes = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("\(file): error: cannot read the script: no such file, or not readable\n".utf8))
            throw ExitCode(1)
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            FileHandle.standardError.write(Data("\(file): error: the script is not UTF-8 text\n".utf8))
            throw ExitCode(1)
        }
        let session = front.session
        let name = Self.displayName(of: file, in: FileManager.default.currentDirectoryPath)
        let source = SourceFile(name: name, text: text)
        var builder = NotebookBuilder(title: name, version: CrmqVersion.string)
        var lastEnd: Int?
        let ok = session.run(source, continueAfterErrors: !bail) { result in
            builder.add(result, settings: session.settings)
            if result.file.name == source.name, result.file.bytes.count == source.bytes.count {
                lastEnd = max(lastEnd ?? 0, result.range.end)
            }
            if case .diagnostics(let diagnostics) = result.outcome {
                front.presenter.present(
                    StatementResult(file: result.file, range: result.range, outcome: .diagnostics(diagnostics), elapsed: .zero),
                    settings: session.settings)
            }
        }
        // A script stopped by --bail has no closing prose: the document ends at the error.
        let closing = ok || !bail ? Notebook.closingProse(of: text, after: lastEnd) : []
        let notebook = builder.finish(closingProse: closing)
        let document = format == .html
            ? HTMLNotebookRenderer.render(notebook) : MarkdownNotebookRenderer.render(notebook)
        // Atomic, as `save` is: a link is followed, permissions kept, a device refused.
        do throws(Diagnostic) {
            try AtomicFileWriter.replace(output) { (file: inout AtomicFileWriter) throws(Diagnostic) in file.write(document) }
        } catch {
            let reason = error.message.hasPrefix("cannot save") ? String(error.message.dropFirst("cannot save".count)) : ": " + error.message
            FileHandle.standardError.write(Data("\(output): error: cannot write the notebook\(reason)\n".utf8))
            throw ExitCode(1)
        }
        let failed = notebook.failedCellCount
        let cells = notebook.cells.count
        FileHandle.standardError.write(Data(
            "wrote \(output): \(cells) \(cells == 1 ? "cell" : "cells")\(failed > 0 ? ", \(failed) with an error" : "")\n".utf8))
        throw ExitCode(ok ? 0 : 1)
    }
}
