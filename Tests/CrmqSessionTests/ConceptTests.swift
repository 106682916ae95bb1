import Foundation
import Testing
import CrmqCRM
import CrmqSession

/// The CRM concepts of `help`: well-formed, named apart from every other topic, their
/// examples runnable on the shipped demo data, and each on docs/crm-concepts.md.
@Suite struct ConceptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func namesAreSnakeCaseAndCollideWithNoOtherTopic() {
        let names = Help.topicNames.map { $0.lowercased() }
        for c in CRM.concepts {
            #expect(c.name.wholeMatch(of: /[a-z][a-z0-9]*(_[a-z0-9]+)*/) != nil, "'\(c.name)' is not snake_case")
            // A function, computed column or table function of the same name would hide the concept.
            #expect(names.filter { $0 == c.name }.count == 1, "help topic '\(c.name)' is defined more than once")
        }
    }

    @Test func everyConceptHasASummaryAnExplanationAndAnExample() {
        #expect(CRM.concepts.count >= 30)
        for c in CRM.concepts {
            #expect(!c.summary.isEmpty && !c.summary.hasSuffix("."), "\(c.name): summary")
            #expect(!c.summary.contains("\n"), "\(c.name): the summary is one line")
            let sentences = c.explanation.components(separatedBy: ". ").count
            #expect(sentences >= 3, "\(c.name): the explanation has \(sentences) sentences")
            #expect(!c.example.isEmpty, "\(c.name): example")
            #expect(Help.text(for: c.name)?.contains(c.example) == true, "\(c.name): help shows the example")
        }
    }

    /// The data crmq ships and opens by default (the 5,000-customer demo).
    static let datasets = ["datasets/demo"]
        .map { root.appendingPathComponent($0).path }
        .filter { FileManager.default.fileExists(atPath: $0 + "/customers.csv") }

    /// Every example runs as printed on the shipped data.
    @Test(arguments: datasets)
    func everyExampleRuns(on folder: String) {
        let session = Session()
        #expect(session.run("load \"\(folder)\"", name: "load") { _ in })
        for c in CRM.concepts {
            var errors: [String] = []
            let ok = session.run(c.example, name: c.name) { result in
                if case .diagnostics(let ds) = result.outcome { errors += ds.map(\.message) }
            }
            #expect(ok && errors.isEmpty, "help \(c.name): the example fails: \(errors.joined(separator: "; "))")
        }
    }

    @Test func thereIsShippedData() { #expect(!Self.datasets.isEmpty) }

    @Test func everyConceptIsOnTheConceptsPage() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/crm-concepts.md"), encoding: .utf8)
        for c in CRM.concepts {
            #expect(page.contains("### `\(c.name)`"), "docs/crm-concepts.md has no section for \(c.name)")
            #expect(page.contains(c.summary), "docs/crm-concepts.md does not give the summary of \(c.name)")
        }
    }
}
