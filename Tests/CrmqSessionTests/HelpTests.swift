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

    /// A topic may be written as it reads: case, spaces, hyphens and underscores do not matter.
    @Test func topicsMatchAsTheyRead() {
        let wallet = Help.text(for: "share_of_wallet")
        #expect(wallet != nil)
        for spelling in ["share of wallet", "Share-Of-Wallet", "SHARE  of_wallet", " share of wallet "] {
            #expect(Help.text(for: spelling) == wallet, "\(spelling)")
        }
        #expect(Help.text(for: "10C") == Help.text(for: "ten_c"))
        #expect(Help.text(for: "10 c") == Help.text(for: "ten_c"))
        #expect(Help.text(for: "Oliver Stages") == Help.text(for: "oliver_stages"))
        let f = Fixture()
        #expect(f.run("help share of wallet").ok)
        #expect(f.run("help 10C").ok)
        #expect(f.run("help share-of-wallet").ok)
    }

    /// An unknown topic gets the nearest topics, or those containing the word, or the list.
    @Test func unknownTopicsSuggestCandidates() {
        #expect(Help.text(for: "share_of_walet") == nil)
        #expect(Help.unknownTopicNotes("share of walet").first == "did you mean 'share_of_wallet'?")
        let stage = Help.unknownTopicNotes("stage").first ?? ""
        for name in ["oliver_stages", "lifecycle_stage", "loyalty_stage"] { #expect(stage.contains("'\(name)'")) }
        #expect(Help.unknownTopicNotes("xyzzy").first?.hasPrefix("the topics are") == true)
        #expect(Help.unknownTopicNotes(".tabls").first == "did you mean '.tables'?")
        let f = Fixture()
        #expect(f.errors("help share of walet") == ["no help topic 'share of walet'"])
    }

    /// `help rfm` gives the scoring and every segment of the map.
    @Test func rfmGivesTheScoringAndTheSegments() {
        let rfm = Help.text(for: "rfm") ?? ""
        for phrase in ["quintiles", "5 is best", "ties broken by customer id", "NTILE(5)", "FM = (f_score + m_score + 1) / 2"] {
            #expect(flat(rfm).contains(phrase), "\(phrase)")
        }
        for segment in ["Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising",
                        "Need attention", "About to sleep", "At risk", "Cannot lose them", "Hibernating", "Lost"] {
            #expect(rfm.contains("  \(segment)  "), "\(segment)")
        }
        #expect(rfm.contains("Champions            R 5 and FM 4-5"))
    }

    /// Every setting is a topic; `asof` says where its date comes from.
    @Test func settingsAreTopics() {
        for spec in Settings.specs { #expect(Help.text(for: spec.name) != nil, "\(spec.name)") }
        let asof = Help.text(for: "asof") ?? ""
        #expect(flat(asof).contains("the day after the last transaction"))
        #expect(asof.contains("'set' alone"))
    }

    /// Help text with its line breaks and runs of spaces made single spaces, for phrases
    /// that wrapping may split.
    func flat(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    /// The corrections of issue 10: what help says matches its sources.
    @Test func claimsMatchTheirSources() {
        let all = Help.topicNames.compactMap { Help.text(for: $0) }.joined(separator: "\n")
        #expect(!all.lowercased().contains("seeds"))
        #expect(!all.lowercased().contains("one seed"))
        let economics = flat(Help.text(for: "retention_economics") ?? "")
        #expect(!economics.contains("Reichheld's"))
        #expect(economics.contains("25% to 85%") && economics.contains("Reichheld and Sasser"))
        #expect(economics.contains("naming no source"))
        // A churned customer's clv is 0 by rule: comparing clv by churned proves nothing.
        #expect(!economics.contains("avg(clv)"))
        let lifecycle = flat(Help.text(for: "lifecycle") ?? "")
        #expect(lifecycle.contains("three stages"))
        #expect(lifecycle.contains("crmq extends it with two stages of its own"))
        let stage = flat(Help.text(for: "lifecycle_stage") ?? "")
        #expect(stage.contains("Decline and lost are crmq's own extension"))
        let clv = flat(Help.text(for: "clv") ?? "")
        #expect(!clv.contains("nears 1 + d"))
        #expect(clv.contains("as r nears 1"))
        #expect(flat(Help.text(for: "oliver_stages") ?? "").contains("Oliver (1999"))
    }
}
