import Foundation
import Testing
import CrmqSemantics
import CrmqSession

/// `help` and docs/language.md say the same things: every topic has text, and every
/// topic, function, setting and session command appears in the reference.
@Suite struct HelpTests {
    /// docs/language.md, docs/crm.md (the CRM measures and functions) and docs/crm-concepts.md
    /// (the CRM concepts).
    static let reference: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return ["docs/language.md", "docs/crm.md", "docs/crm-concepts.md"].map {
            (try? String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) ?? ""
        }.joined(separator: "\n")
    }()

    @Test func everyTopicHasText() {
        for name in Help.topicNames {
            #expect(Help.text(for: name) != nil, "no text for \(name)")
        }
        #expect(Help.text(for: "WHERE") != nil)
        #expect(Help.text(for: ".mode")?.contains("csv") == true)
    }

    @Test func everyTopicIsInTheReference() {
        #expect(!Self.reference.isEmpty)
        for name in Help.topicNames {
            #expect(Self.reference.contains("`\(name)") || Self.reference.contains(name + "`"),
                    "docs/language.md and docs/crm.md do not mention '\(name)'")
        }
        for f in FunctionCatalog.functions {
            #expect(Self.reference.contains("`\(f.name)("), "docs/language.md has no entry for \(f.signature)")
        }
        for s in Settings.specs {
            #expect(Self.reference.contains("`\(s.name)`"), "docs/language.md does not list setting \(s.name)")
        }
        for c in Session.dotCommands {
            #expect(Self.reference.contains("`.\(c.name)"), "docs/language.md does not list .\(c.name)")
        }
    }

    /// An alias finds its function's topic.
    @Test func aliasesFindTheirFunction() {
        #expect(Help.text(for: "power") != nil)
        #expect(Help.text(for: "power") == Help.text(for: "pow"))
        #expect(Help.text(for: "POWER()") == Help.text(for: "pow"))
        #expect(Help.text(for: "nope()") == nil)
    }

    /// `count` is an operator and an aggregate: `help count` shows both, `help count()`
    /// the aggregate.
    @Test func countCoversTheOperatorAndTheAggregates() {
        let both = Help.text(for: "count") ?? ""
        #expect(both.contains("source | count by expr"))
        #expect(both.contains("count() or count(x)"))
        let aggregate = Help.text(for: "count()") ?? ""
        #expect(aggregate.contains("count() or count(x)"))
        #expect(!aggregate.contains("source | count by expr"))
        let f = Fixture()
        #expect(f.run("help count()").ok)
        #expect(f.run("help power").ok)
    }

    @Test func indexListsEveryCategory() {
        let index = Help.index
        for t in Help.topics { #expect(index.contains(t.name)) }
        #expect(index.contains(".help"))
    }
}
