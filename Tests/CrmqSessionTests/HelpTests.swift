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

    @Test func indexListsEveryCategory() {
        let index = Help.index
        for t in Help.topics { #expect(index.contains(t.name)) }
        #expect(index.contains(".help"))
    }
}
