import Foundation
import Testing
import CrmqSemantics
import CrmqSession

/// `help` and docs/language.md say the same things: every topic has text, and every
/// topic, function, setting and session command appears in the reference.
@Suite struct HelpTests {
    static let reference: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)) ?? ""
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
                    "docs/language.md does not mention '\(name)'")
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
