import CrmqEngine
import CrmqSemantics
import Testing
@testable import CrmqCRM

/// `rules` and its Apriori miner on hand-made baskets whose counts are known (the comparison
/// with a plain Python count on generated data is scripts/checks/baskets_check.py).
@Suite struct AssociationRulesTests {
    /// Tan, Steinbach and Kumar's five baskets: bread 4, milk 4, diapers 4, beer 3, cola 2, eggs 1.
    static let textbook: [[String]] = [
        ["bread", "milk"], ["bread", "diapers", "beer", "eggs"], ["milk", "diapers", "beer", "cola"],
        ["bread", "milk", "diapers", "beer"], ["bread", "milk", "diapers", "cola"],
    ]

    static func lines(_ baskets: [[String]]) -> Table {
        var order: [Value] = [], item: [Value] = []
        for (b, items) in baskets.enumerated() {
            for i in items {
                order.append(.int(Int64(b + 1)))
                item.append(.string(i))
            }
        }
        return table([("order_id", .int, order), ("category", .string, item)])
    }

    static func strings(_ t: Table, _ name: String) -> [String] {
        column(t, name).map { if case .string(let s) = $0 { s } else { "?" } }
    }

    static func doubles(_ t: Table, _ name: String) -> [Double] {
        column(t, name).map { if case .double(let d) = $0 { d } else { .nan } }
    }

    @Test func pairRulesHaveTheTextbookMeasures() throws {
        let r = try call("rules", Self.lines(Self.textbook), ["min_lift": .value(.int(0)), "min_confidence": .value(.int(0))])
        #expect(r.schema.names == ["antecedent", "consequent", "support", "confidence", "lift", "baskets"])
        let antecedents = Self.strings(r, "antecedent"), consequents = Self.strings(r, "consequent")
        let at = try #require(antecedents.indices.first { (antecedents[$0], consequents[$0]) == ("beer", "diapers") })
        // beer and diapers are together in 3 of 5 baskets; beer in 3, diapers in 4.
        #expect(ints(r, "baskets")[at] == 3)
        #expect(Self.doubles(r, "support")[at] == 3.0 / 5)
        #expect(Self.doubles(r, "confidence")[at] == 1.0)
        #expect(Self.doubles(r, "lift")[at] == 3.0 * 5 / (3 * 4))
        // Every pair of items seen together gives two rules; eggs (1 basket of 5) too, at min_support 0.01.
        #expect(r.rowCount == 2 * 13)
        // Sorted by lift, highest first; a rule and its reverse have the same lift, to the bit.
        let lifts = Self.doubles(r, "lift")
        #expect(zip(lifts, lifts.dropFirst()).allSatisfy { $0 >= $1 })
        let back = try #require(antecedents.indices.first { (antecedents[$0], consequents[$0]) == ("diapers", "beer") })
        #expect(lifts[back] == lifts[at])
        #expect(Self.doubles(r, "confidence")[back] == 3.0 / 4)
    }

    @Test func thresholdsFilterAndAnEmptyResultIsATable() throws {
        let input = Self.lines(Self.textbook)
        let strong = try call("rules", input, ["min_support": .value(.double(0.6)), "min_lift": .value(.int(0))])
        // Only bread-milk, bread-diapers and milk-diapers are in 3 of 5 baskets (and beer-diapers).
        #expect(Set(zip(Self.strings(strong, "antecedent"), Self.strings(strong, "consequent")).map { "\($0) \($1)" })
            == ["bread milk", "milk bread", "bread diapers", "diapers bread", "milk diapers", "diapers milk",
                "beer diapers", "diapers beer"])
        let none = try call("rules", input, ["min_support": .value(.double(0.9))])
        #expect(none.rowCount == 0 && none.schema.names.count == 6)
        let confident = try call("rules", input, ["min_confidence": .value(.int(1)), "min_lift": .value(.int(0))])
        #expect(Self.doubles(confident, "confidence").allSatisfy { $0 == 1 })
    }

    @Test func triplesNeedEveryPairFrequentAndGiveTwoItemAntecedents() throws {
        let r = try call("rules", Self.lines(Self.textbook), [
            "max_items": .value(.int(3)), "min_support": .value(.double(0.4)), "min_confidence": .value(.int(0)),
            "min_lift": .value(.int(0)),
        ])
        let rules = zip(Self.strings(r, "antecedent"), Self.strings(r, "consequent")).map { "\($0) -> \($1)" }
        // {milk, diapers} → beer: 2 baskets of 5; {milk, diapers} in 3.
        let at = try #require(rules.firstIndex(of: "diapers + milk -> beer"))
        #expect(ints(r, "baskets")[at] == 2)
        #expect(Self.doubles(r, "confidence")[at] == 2.0 / 3)
        // {bread, milk, diapers} is in 2 baskets; {bread, milk, beer} in 1 (below 0.4): only the first is a triple.
        #expect(rules.contains("bread + milk -> diapers"))
        #expect(!rules.contains("bread + milk -> beer"))
        // cola is in 2 baskets, but cola with beer in 1: no triple with both.
        #expect(!rules.contains { $0.contains("cola") && $0.contains("beer") })
    }

    @Test func nullsAndRepeatedItemsAndHowBasketsAreKeyed() throws {
        // Basket 7 repeats milk; a null basket and a null item are left out; basket 9 has only a null.
        let t = table([
            ("order_id", .int, [7, 7, 7, 1_000_000_000_000, 1_000_000_000_000].map { Value.int($0) } + [.null, .int(9)]),
            ("category", .string, ["milk", "milk", "bread", "milk", "bread", "bread"].map { Value.string($0) } + [.null]),
        ])
        let r = try call("rules", t, ["min_lift": .value(.int(0))])
        // Two baskets (7 and 10^12; the ids are far apart, so keyed by a table, not a range).
        #expect(ints(r, "baskets") == [2, 2])
        #expect(Self.doubles(r, "support") == [1, 1])

        // A string basket column whose dictionary holds one text under two codes.
        let dictionary = StringDictionary(["a", "b", "a"])
        let keyed = Table(
            schema: Schema([Field("basket", .string), Field("sku", .int)]),
            columns: [
                Column(.string(codes: [0, 2, 1, 1], dictionary: dictionary)),
                Column(.int([10, 20, 10, 30])),
            ])
        let s = try call("rules", keyed, [
            "basket": .name("basket"), "item": .name("sku"), "min_lift": .value(.int(0)), "min_confidence": .value(.int(0)),
        ])
        // Basket a holds 10 and 20, basket b 10 and 30: int items come back as text.
        #expect(Set(zip(Self.strings(s, "antecedent"), Self.strings(s, "consequent")).map { "\($0) \($1)" })
            == ["10 20", "20 10", "10 30", "30 10"])
        #expect(Self.doubles(s, "support").allSatisfy { $0 == 0.5 })
    }

    @Test func manyItemsCountPairsInAHashTableWithTheSameAnswers() throws {
        // 3,000 items, each pair {i, i + 1} in two baskets: too many frequent items for the flat pair array.
        var baskets: [[String]] = []
        for i in 0..<3000 {
            let pair = ["i\(i)", "i\((i + 1) % 3000)"]
            baskets.append(pair)
            baskets.append(pair)
        }
        let r = try call("rules", Self.lines(baskets), ["min_support": .value(.double(0.0003))])
        #expect(r.rowCount == 2 * 3000)
        // Each item is in 4 baskets of 6,000; each pair in 2: confidence 1/2, lift 2 · 6000 / 16.
        #expect(Self.doubles(r, "confidence").allSatisfy { $0 == 0.5 })
        #expect(Self.doubles(r, "lift").allSatisfy { $0 == 750 })
        // Ties are sorted by antecedent, then consequent.
        let first = Array(zip(Self.strings(r, "antecedent"), Self.strings(r, "consequent")).prefix(2))
        #expect(first.map { "\($0) \($1)" } == ["i0 i1", "i0 i2999"])
    }

    @Test func manyItemsCountTriplesInAHashTable() throws {
        // 200 items, each triple {i, i + 1, i + 2} (mod 200) in two of 400 baskets: an item is in
        // 6 baskets, a pair of neighbours in 4, a pair two apart in 2.
        var baskets: [[String]] = []
        for i in 0..<200 {
            let triple = (0..<3).map { "i\((i + $0) % 200)" }
            baskets.append(triple)
            baskets.append(triple)
        }
        let r = try call("rules", Self.lines(baskets), [
            "max_items": .value(.int(3)), "min_support": .value(.double(0.004)), "min_confidence": .value(.int(0)),
            "min_lift": .value(.int(0)),
        ])
        let rules = (0..<r.rowCount).map { "\(Self.strings(r, "antecedent")[$0]) -> \(Self.strings(r, "consequent")[$0])" }
        let outer = try #require(rules.firstIndex(of: "i100 + i102 -> i101"))
        #expect(Self.doubles(r, "confidence")[outer] == 1)
        #expect(Self.doubles(r, "lift")[outer] == 2.0 * 400 / (2 * 6))
        let inner = try #require(rules.firstIndex(of: "i100 + i101 -> i102"))
        #expect(Self.doubles(r, "confidence")[inner] == 0.5)
        // 200 triples, three rules each; 400 pairs (neighbours and two apart), two rules each.
        #expect(r.rowCount == 200 * 3 + 400 * 2)
    }

    @Test func badOptionsAreProblemsNamingTheOption() {
        let schema = Self.lines(Self.textbook).schema
        #expect(problem("rules", schema, ["min_support": .value(.int(0))])?.option == "min_support")
        #expect(problem("rules", schema, ["min_support": .value(.double(1.5))])?.message
            == "rules's min_support must be above 0 and at most 1 (the least share of baskets holding a rule's items); it is 1.5")
        #expect(problem("rules", schema, ["min_confidence": .value(.int(2))])?.option == "min_confidence")
        #expect(problem("rules", schema, ["min_lift": .value(.int(-1))])?.option == "min_lift")
        #expect(problem("rules", schema, ["min_lift": .value(.string("1"))])?.option == "min_lift")
        #expect(problem("rules", schema, ["max_items": .value(.int(4))])?.option == "max_items")
        #expect(problem("rules", schema, ["basket": .name("order")])?.option == "basket")
        let noOrders = Schema([Field("customer_id", .int), Field("category", .string)])
        #expect(problem("rules", noOrders)?.message
            == "rules needs a basket column (the column saying which basket, or order, each row belongs to): none is called 'order_id'; name yours with basket = your_column")
        let dates = Schema([Field("order_id", .int), Field("category", .date)])
        #expect(problem("rules", dates)?.message == "rules's item column 'category' is date; it must be int or string")
    }

    @Test func noBasketsIsAnErrorNamingTheColumns() {
        let t = table([("order_id", .int, [.null, .int(1)]), ("category", .string, [.string("a"), .null])])
        #expect(throws: EngineError.data(.tableFunction(
            "rules has no baskets: every row has a null in 'order_id' or 'category'"))) {
            try call("rules", t)
        }
    }
}
