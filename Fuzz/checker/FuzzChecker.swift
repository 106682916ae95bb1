import Foundation
import CrmqSource
import CrmqSyntax
import CrmqSemantics
import CrmqLoading
import CrmqSession

/// libFuzzer target `checker` (scripts/fuzz): any bytes as crmq source, parsed, and every
/// statement checked against a fixed catalog: a session holding the golden tests' tables
/// (Tests/GoldenTests/data, or CRMQ_FUZZ_DATA), with their CRM computed columns. Nothing
/// runs. Tab completion at the end of the text is asked too. Finding: a trap, a sanitizer
/// report or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let file = SourceFile(name: "fuzz.crmq", text: text)
    let (script, _) = Parser.parse(file)
    let checker = Checker(catalog: session, file: file)
    for statement in script.statements {
        _ = try? checker.check(statement)
    }
    // Completion lists folders after `load "`: only where the text names no path.
    if !text.contains("\"") {
        _ = session.completions(text: text, cursor: text.utf8.count)
    }
    return 0
}

/// The catalog: one session, never changed (statements are only checked).
nonisolated(unsafe) let session: Session = {
    let folder = ProcessInfo.processInfo.environment["CRMQ_FUZZ_DATA"] ?? "Tests/GoldenTests/data"
    let session = Session()
    do {
        for t in try CSVReader.read(folder: folder) { session.register(t.table, as: t.name) }
    } catch {
        fatalError("the fuzz catalog's tables: \(error)")
    }
    return session
}()
