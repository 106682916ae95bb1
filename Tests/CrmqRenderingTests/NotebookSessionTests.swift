import Testing
import CrmqSource
import CrmqSession

/// `Session.run(_:continueAfterErrors:emit:)`, which notebooks run scripts with.
@Suite struct NotebookSessionTests {
    static let script = """
        -- One
        1 + 1
        -- A typo
        nosuchtable | count
        -- Broken
        1 +
        -- Three
        3

        """

    func run(continuing: Bool) -> (ok: Bool, results: [StatementResult]) {
        var results: [StatementResult] = []
        let ok = Session().run(SourceFile(name: "s.crmq", text: Self.script), continueAfterErrors: continuing) {
            results.append($0)
        }
        return (ok, results)
    }

    @Test func goesOnAfterErrorsInReadingOrder() {
        let (ok, results) = run(continuing: true)
        #expect(!ok)
        #expect(results.map(\.source) == ["1 + 1", "nosuchtable | count", "1 +", "3"])
        #expect(results.map(\.prose) == [["One"], ["A typo"], ["Broken"], ["Three"]])
        let failed = results.map { if case .diagnostics = $0.outcome { true } else { false } }
        #expect(failed == [false, true, true, false])
    }

    @Test func withoutContinuingStopsAtTheFirstError() {
        let (ok, results) = run(continuing: false)
        #expect(!ok)
        #expect(results.map(\.source) == ["1 + 1", "nosuchtable | count"])
    }
}
