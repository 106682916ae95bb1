import CrmqSource
import CrmqSyntax
import CrmqRendering
import CrmqDiagnostics

/// libFuzzer target `syntax` (scripts/fuzz): any bytes as crmq source through the lexer,
/// the statement-end test the shell uses, the parser, and the rendering of every
/// diagnostic with its source excerpt. Finding: a trap, a sanitizer report or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let file = SourceFile(name: "fuzz.crmq", text: text)
    let (_, lexed) = Lexer.tokenize(file)
    _ = Lexer.isComplete(text)
    let (script, parsed) = Parser.parse(file)
    for statement in script.statements {
        precondition(statement.range.start <= statement.range.end && statement.range.end <= file.bytes.count)
    }
    // Every diagnostic's place is checked; the first 8 are rendered (the rest exercise
    // the same code, and rendering thousands per input would slow the search tenfold).
    for (i, diagnostic) in (lexed + parsed).enumerated() {
        if case .source(_, let range)? = diagnostic.location {
            precondition(range.start <= range.end && range.end <= file.bytes.count)
        }
        if i < 8 { _ = DiagnosticRenderer.render(diagnostic, color: true) }
    }
    return 0
}
