import Foundation
import CrmqSource
import CrmqSyntax
import CrmqLoading
import CrmqSession
import CrmqRendering

/// libFuzzer target `statements` (scripts/fuzz): any bytes as a script, run by a fresh
/// session on the golden tests' small tables (Tests/GoldenTests/data, or CRMQ_FUZZ_DATA),
/// and every result presented as the shell shows it: tables in every output format,
/// charts drawn in the terminal (in colour, at two widths) and as SVG; and the whole run
/// as a notebook, in HTML and Markdown, as `crmq notebook` writes it. Finding: a trap, a
/// sanitizer report or a hang.
///
/// Scripts that touch files (`load`, `save`, `.read`, `.output`) are skipped: the fuzzer
/// must not write or read anywhere it likes. More than two `join`s are skipped too: joins
/// multiply rows, and a memory guard is not what this target is about.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if text.lowercased().components(separatedBy: "join").count > 3 { return 0 }
    let file = SourceFile(name: "fuzz.crmq", text: text)
    for statement in Parser.parse(file).script.statements {
        switch statement.kind {
        case .load, .save: return 0
        case .dotCommand(let name, _) where ["read", "output"].contains(name.name.lowercased()): return 0
        default: continue
        }
    }
    let session = Session()
    for t in fixtures { session.register(t.table, as: t.name) }
    let presenter = Presenter(terminalWidth: 60) { _, _ in }
    presenter.resultColor = true
    var notebook = NotebookBuilder(title: "fuzz.crmq", version: "fuzz")
    var lastEnd: Int?
    session.run(file, continueAfterErrors: true) { result in
        notebook.add(result, settings: session.settings)
        lastEnd = max(lastEnd ?? 0, result.range.end)
        presenter.present(result, settings: session.settings)
        switch result.outcome {
        case .table(let table):
            for format in [TableFormat.csv, .json, .markdown] { _ = TableRenderer.render(table, format: format) }
        case .chart(let chart, let table):
            _ = TerminalChartRenderer.render(chart, width: 7, color: false)
            _ = SVGChartRenderer.render(chart)
            _ = TableRenderer.render(table, format: .json)
        default:
            break
        }
    }
    let finished = notebook.finish(closingProse: Notebook.closingProse(of: text, after: lastEnd))
    _ = HTMLNotebookRenderer.render(finished)
    _ = MarkdownNotebookRenderer.render(finished)
    return 0
}

/// The tables every run starts with.
let fixtures: [NamedTable] = {
    let folder = ProcessInfo.processInfo.environment["CRMQ_FUZZ_DATA"] ?? "Tests/GoldenTests/data"
    do {
        return try CSVReader.read(folder: folder)
    } catch {
        fatalError("the fuzz tables: \(error)")
    }
}()
