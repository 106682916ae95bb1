import Foundation
import Synchronization
import Testing
import CrmqSource
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
import CrmqSession
@testable import CrmqRendering

/// The range of the first occurrence of `text` in `file`.
func range(of text: String, in file: SourceFile) -> SourceRange {
    let needle = Array(text.utf8)
    for i in 0...(file.bytes.count - needle.count) where Array(file.bytes[i..<(i + needle.count)]) == needle {
        return SourceRange(i, i + needle.count)
    }
    fatalError("'\(text)' not in the source")
}

@Suite struct DiagnosticRendererTests {
    let file = SourceFile(name: "query.crmq", text: "let x = 1\n\ncustomers | where satisfation > 8\n")

    @Test func singleLineWithNote() {
        let d = Diagnostic(
            id: "check.unknown-column", message: "unknown column 'satisfation'",
            location: .source(file, range(of: "satisfation", in: file)),
            notes: [Note("did you mean 'satisfaction'?")])
        #expect(DiagnosticRenderer.render(d) == """
            query.crmq:3:19: error: unknown column 'satisfation'
              3 | customers | where satisfation > 8
                |                   ^~~~~~~~~~~
            note: did you mean 'satisfaction'?

            """)
    }

    @Test func rangeOverSeveralLinesIsUnderlinedToTheEndOfItsFirst() {
        let f = SourceFile(name: "s.crmq", text: "customers\n| summarize n = count(\n  x\n")
        let start = range(of: "count(", in: f).start
        let d = Diagnostic(id: "parse.x", message: "unclosed call", location: .source(f, SourceRange(start, f.bytes.count - 1)))
        #expect(DiagnosticRenderer.render(d) == """
            s.crmq:2:17: error: unclosed call
              2 | | summarize n = count(
                |                 ^~~~~~

            """)
    }

    @Test func wideCharactersAndTabsBeforeTheCaret() {
        let f = SourceFile(name: "<repl>", text: "客户 |\twhere x")
        let d = Diagnostic(id: "check.x", message: "unknown table '客户'", location: .source(f, range(of: "where", in: f)))
        // 客户 is 4 columns, " |" 2 more, the tab goes to column 8.
        #expect(DiagnosticRenderer.render(d) == """
            <repl>:1:6: error: unknown table '客户'
              1 | 客户 |  where x
                |         ^~~~~

            """)
        let g = SourceFile(name: "<repl>", text: "客户 | x")
        let e = Diagnostic(id: "check.x", message: "m", location: .source(g, range(of: "客户", in: g)))
        #expect(DiagnosticRenderer.render(e).hasSuffix("  1 | 客户 | x\n    | ^~~~\n"))
    }

    @Test func emptyRangeAtTheEndOfALine() {
        let f = SourceFile(name: "<command>", text: "customers | where\nnext")
        let d = Diagnostic(id: "parse.expected-expression", message: "expected an expression after 'where'",
                           location: .source(f, .at(17)))
        #expect(DiagnosticRenderer.render(d) == """
            <command>:1:18: error: expected an expression after 'where'
              1 | customers | where
                |                  ^

            """)
    }

    /// A long line is shown as a window around the range, so a line of any length costs
    /// the same to render and fits a terminal (a 4 KB line with many errors was rendered
    /// whole for each).
    @Test func aLongLineIsShownAsAWindowAroundTheRange() {
        let prefix = String(repeating: "a + ", count: 500)
        let suffix = String(repeating: " + b", count: 500)
        let f = SourceFile(name: "long.crmq", text: "customers | extend x = " + prefix + "oops" + suffix + "\n")
        let d = Diagnostic(id: "check.x", message: "unknown column 'oops'", location: .source(f, range(of: "oops", in: f)))
        let lines = DiagnosticRenderer.render(d).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "long.crmq:1:2024: error: unknown column 'oops'")
        let shown = String(lines[1].dropFirst("  1 | ".count))
        #expect(shown == "…" + String(prefix.suffix(60)) + "oops" + String(suffix.prefix(60)) + "…")
        let caret = String(lines[2].dropFirst("    | ".count))
        #expect(caret == String(repeating: " ", count: 61) + "^~~~")
    }

    @Test func aLongRangeIsUnderlinedUpToItsLimit() {
        let long = String(repeating: "x", count: 300)
        let f = SourceFile(name: "r.crmq", text: "let " + long + " = 1\n")
        let d = Diagnostic(id: "check.x", message: "too long", location: .source(f, range(of: long, in: f)))
        let lines = DiagnosticRenderer.render(d).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "  1 | let " + String(repeating: "x", count: 80) + "…")
        #expect(lines[2] == "    |     ^" + String(repeating: "~", count: 79))
    }

    @Test func aWindowNeverSplitsACharacter() {
        let f = SourceFile(name: "u.crmq", text: String(repeating: "é", count: 200) + " oops\n")
        let d = Diagnostic(id: "check.x", message: "m", location: .source(f, range(of: "oops", in: f)))
        let lines = DiagnosticRenderer.render(d).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "  1 | …" + String(repeating: "é", count: 59) + " oops")
        #expect(lines[2] == "    | " + String(repeating: " ", count: 61) + "^~~~")
    }

    @Test func gutterWidensWithTheLineNumber() {
        let f = SourceFile(name: "long.crmq", text: String(repeating: "\n", count: 120) + "bad")
        let d = Diagnostic(id: "x", message: "m", location: .source(f, range(of: "bad", in: f)))
        #expect(DiagnosticRenderer.render(d) == "long.crmq:121:1: error: m\n  121 | bad\n      | ^~~\n")
    }

    @Test func noteWithItsOwnLocation() {
        let f = SourceFile(name: "q.crmq", text: "sum(amount\n")
        let d = Diagnostic(
            id: "parse.expected", message: "expected ')'", location: .source(f, .at(10)),
            notes: [Note("to close '(' here", at: .source(f, SourceRange(3, 4)))])
        #expect(DiagnosticRenderer.render(d) == """
            q.crmq:1:11: error: expected ')'
              1 | sum(amount
                |           ^
            q.crmq:1:4: note: to close '(' here
              1 | sum(amount
                |    ^

            """)
    }

    @Test func fixIts() {
        let d = Diagnostic(
            id: "check.unknown-column", message: "unknown column 'satisfation'",
            location: .source(file, range(of: "satisfation", in: file)),
            fixIts: [FixIt(range: range(of: "satisfation", in: file), replacement: "satisfaction")])
        #expect(DiagnosticRenderer.render(d).hasSuffix("note: fix: replace with 'satisfaction'\n"))
    }

    @Test func dataFilePathAndNoLocation() {
        let csv = Diagnostic(id: "load.field-count", message: "row 12 has 5 fields, but the header has 6",
                             location: .file(path: "data/customers.csv", line: 14, column: 20),
                             notes: [Note("the header is here", at: .file(path: "data/customers.csv", line: 1, column: 1))])
        #expect(DiagnosticRenderer.render(csv) == """
            data/customers.csv:14:20: error: row 12 has 5 fields, but the header has 6
            data/customers.csv:1:1: note: the header is here

            """)
        let path = Diagnostic(id: "load.not-found", message: "no such file or folder", location: .path("x.csv"))
        #expect(DiagnosticRenderer.render(path) == "x.csv: error: no such file or folder\n")
        let bare = Diagnostic(id: "x", severity: .warning, message: "something odd")
        #expect(DiagnosticRenderer.render(bare) == "warning: something odd\n")
    }

    @Test func colourOnlyWhenAsked() {
        let d = Diagnostic(id: "x", message: "m", location: .source(file, range(of: "where", in: file)),
                           notes: [Note("n")])
        let plain = DiagnosticRenderer.render(d)
        #expect(!plain.contains("\u{1B}"))
        let coloured = DiagnosticRenderer.render(d, color: true)
        #expect(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m m"))
        #expect(coloured.contains("\u{1B}[32m^~~~~\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;36mnote:\u{1B}[0m n"))
    }
}

/// A statement stopped by Ctrl-C: the message is plain, with nothing underlined, since
/// nothing in the statement is wrong.
@Suite struct CancelledStatementTests {
    @Test func aCancelledStatementIsAPlainMessage() {
        let session = Session()
        let n = 3_000_000
        session.register(Table(schema: Schema([Field("k", .int)]), columns: [
            Column(.int((0..<n).map { Int64($0 % 1000) }))
        ]), as: "big")
        // A self-join of three million rows on 1,000 keys cannot finish (nine billion
        // rows): a thread cancels until the statement has stopped, so it always is.
        let done = Atomic<Bool>(false)
        let flag = session.cancellation
        let canceller = Thread {
            while !done.load(ordering: .relaxed) {
                flag.cancel()
                usleep(1000)
            }
        }
        canceller.start()
        var out = ""
        let presenter = Presenter { text, _ in out += text }
        session.run("big\n| join big on k\n| count", name: "query") { presenter.present($0, settings: session.settings) }
        done.store(true, ordering: .relaxed)
        #expect(out == "error: cancelled\n")
    }
}
