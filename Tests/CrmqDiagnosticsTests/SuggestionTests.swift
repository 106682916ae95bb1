import Testing
import CrmqDiagnostics

@Suite struct SuggestionTests {
    @Test func distanceCountsASwapAsOneEdit() {
        #expect(Suggestions.distance("vpi", "vip") == 1)
        #expect(Suggestions.distance("satisfaction", "satisfation") == 1)
        #expect(Suggestions.distance("Region", "region") == 0)
        #expect(Suggestions.distance("", "abc") == 3)
        #expect(Suggestions.distance("kitten", "sitting") == 3)
    }

    @Test func closestWithinTheCutoff() {
        #expect(Suggestions.closest(to: "vpi", among: ["vip", "customers"]) == ["vip"])
        #expect(Suggestions.closest(to: "satisfation", among: ["satisfaction", "name"]) == ["satisfaction"])
        #expect(Suggestions.closest(to: "zzz", among: ["satisfaction", "name"]) == [])
    }

    @Test func noteSuggestsOrLists() {
        #expect(Suggestions.note(for: "regoin", among: ["region", "name"], kind: "column") == "did you mean 'region'?")
        #expect(Suggestions.note(for: "zzz", among: ["region", "name"], kind: "column") == "the columns are 'region', 'name'")
        #expect(Suggestions.note(for: "zzz", among: [], kind: "table") == "there are no tables")
    }
}
