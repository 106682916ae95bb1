import CrmqEngine
import CrmqSemantics
import Testing

/// Ordered categories in the engine: a string column whose dictionary is the levels in
/// order; sorting, grouping, min/max, comparisons and joins go by level, not by text.
@Suite struct CategoryTests {
    static let stage = CategoryType(["cognitive", "affective", "conative", "action"])
    let stageType = DataType.category(Self.stage)

    /// Rows whose stages are in neither alphabetical nor level order, with a null.
    var people: Table {
        table([
            ("id", .int, (0..<7).map { .int(Int64($0)) }),
            ("stage", stageType, ["action", "cognitive", nil, "conative", "affective", "action", "cognitive"].map {
                $0.map(Value.string) ?? .null
            }),
        ])
    }

    func run(_ t: Table, _ kind: PlanKind, schema: Schema? = nil) throws -> Table {
        try executor(["t": t]).execute(Plan(kind, schema: schema ?? t.schema))
    }

    func texts(_ c: Column) -> [String?] {
        values(c).map { if case .string(let s) = $0 { s } else { nil } }
    }

    @Test func aCategoryColumnCarriesItsLevels() {
        let c = people.columns[1]
        #expect(c.type == stageType)
        guard case .string(let codes, let d) = c.values else { Issue.record("a string column"); return }
        #expect(d.isLevels && d.values == Self.stage.levels)
        #expect(codes[0] == 3 && codes[1] == 0)
        // Columns of one category share one dictionary.
        #expect(d === StringDictionary.levels(of: Self.stage))
        // Plain text of the same strings is a string column again.
        #expect(c.asPlainText().type == .string)
        #expect(values(c.asPlainText()) == values(c))
    }

    /// The shared dictionaries are bounded (the statements fuzzer grew past 2 GB making up one
    /// category after another); a category asked for again after the cache emptied gets a
    /// dictionary with the same levels.
    @Test func theCacheOfCategoriesIsBounded() {
        let category = CategoryType(["low", "mid", "high", "bounded-cache-test"])
        let before = StringDictionary.levels(of: category)
        for i in 0...StringDictionary.cachedCategories {
            _ = StringDictionary.levels(of: CategoryType(["a\(i)", "b\(i)"]))
        }
        #expect(StringDictionary.cachedLevelLists <= StringDictionary.cachedCategories)
        let after = StringDictionary.levels(of: category)
        #expect(after.isLevels && after.values == before.values)
    }

    @Test func sortFollowsTheLevelsNullsLast() throws {
        let up = try run(people, .sort(scan("t", people), keys: [SortKey(expr: col(1, stageType), descending: false)]))
        #expect(texts(up.columns[1]) == ["cognitive", "cognitive", "affective", "conative", "action", "action", nil])
        #expect(values(up.columns[0]) == [1, 6, 4, 3, 0, 5, 2].map { .int($0) })
        let down = try run(people, .sort(scan("t", people), keys: [SortKey(expr: col(1, stageType), descending: true)]))
        #expect(texts(down.columns[1]) == ["action", "action", "conative", "affective", "cognitive", "cognitive", nil])
        let top = try run(people, .topN(scan("t", people), keys: [SortKey(expr: col(1, stageType), descending: true)], count: 3))
        #expect(values(top.columns[0]) == [0, 5, 3].map { .int($0) })
    }

    @Test func groupsComeInLevelOrderWithMinAndMaxByLevel() throws {
        let key = col(1, stageType)
        let count = BoundAggregate(function: .countRows, arguments: [], type: .int, range: r0)
        let grouped = try run(people, .aggregate(scan("t", people), keys: [key], aggregates: [count]),
                              schema: Schema([Field("stage", stageType), Field("n", .int)]))
        #expect(texts(grouped.columns[0]) == ["cognitive", "affective", "conative", "action", nil])
        #expect(values(grouped.columns[1]) == [2, 1, 1, 2, 1].map { .int($0) })
        #expect(grouped.columns[0].type == stageType)

        let lo = BoundAggregate(function: .min, arguments: [key], type: stageType, range: r0)
        let hi = BoundAggregate(function: .max, arguments: [key], type: stageType, range: r0)
        let extremes = try run(people, .aggregate(scan("t", people), keys: [], aggregates: [lo, hi]),
                               schema: Schema([Field("lo", stageType), Field("hi", stageType)]))
        // Alphabetically these would be "action" and "conative".
        #expect(rows(extremes) == [[.string("cognitive"), .string("action")]])
        #expect(extremes.columns[0].type == stageType)
    }

    @Test func comparisonsWithALevelGoByRank() throws {
        let ge = call(.greaterEqual, [col(1, stageType), lit(.string("conative"), as: stageType)], .bool)
        #expect(try eval(ge, people) == [true, false, nil, true, false, true, false].map { $0.map(Value.bool) ?? .null })
        // The level on the left.
        let lt = call(.less, [lit(.string("cognitive"), as: stageType), col(1, stageType)], .bool)
        #expect(try eval(lt, people) == [true, false, nil, true, true, true, false].map { $0.map(Value.bool) ?? .null })
        // Two columns of the category.
        let shifted = people.columns[1].gather([1, 0, 3, 2, 5, 4, 6])
        let two = Table(schema: Schema([Field("a", stageType), Field("b", stageType)]), columns: [people.columns[1], shifted])
        let gt = call(.greater, [col(0, stageType), col(1, stageType)], .bool)
        #expect(try eval(gt, two) == [true, false, nil, nil, false, true, false].map { $0.map(Value.bool) ?? .null })
        // A `where` over the category (the per-dictionary-entry row test).
        let kept = try run(people, .filter(scan("t", people), predicate: ge))
        #expect(values(kept.columns[0]) == [0, 3, 5].map { .int($0) })
    }

    @Test func textBecomesTheCategoryAndBackToPlainText() throws {
        let sizes = table([("s", .string, ["M", "XL", "S", "L", "M"].map(Value.string) + [.null])])
        let sizeType = DataType.category(CategoryType(["S", "M", "L"]))
        let ordered = call(.toCategory, [col(0, .string)], sizeType)
        let c = try executor().evaluate(ordered, over: sizes)
        #expect(c.type == sizeType)
        #expect(texts(c) == ["M", nil, "S", "L", "M", nil])  // "XL" is no level: null
        let sorted = try run(Table(schema: Schema([Field("s", sizeType)]), columns: [c]),
                             .sort(scan("t", sizes), keys: [SortKey(expr: col(0, sizeType), descending: false)]),
                             schema: Schema([Field("s", sizeType)]))
        #expect(texts(sorted.columns[0]) == ["S", "M", "M", "L", nil, nil])
        let text = try executor().evaluate(call(.toString, [col(1, stageType)], .string), over: people)
        #expect(text.type == .string)
        #expect(texts(text) == ["action", "cognitive", nil, "conative", "affective", "action", "cognitive"])
    }

    @Test func ifAndCoalesceWithALevelKeepTheCategory() throws {
        let filled = call(.coalesce, [col(1, stageType), lit(.string("affective"), as: stageType)], stageType)
        let c = try executor().evaluate(filled, over: people)
        #expect(c.type == stageType)
        #expect(texts(c)[2] == "affective")
        let chosen = call(.ifThenElse, [
            call(.greater, [col(0, .int), lit(.int(3))], .bool), lit(.string("cognitive"), as: stageType), col(1, stageType),
        ], stageType)
        let d = try executor().evaluate(chosen, over: people)
        #expect(d.type == stageType)
        #expect(texts(d) == ["action", "cognitive", nil, "conative", "cognitive", "cognitive", "cognitive"])
        // The column sorts by level after the `if` too.
        let sorted = try run(Table(schema: Schema([Field("x", stageType)]), columns: [d]),
                             .sort(scan("t", people), keys: [SortKey(expr: col(0, stageType), descending: true)]),
                             schema: Schema([Field("x", stageType)]))
        #expect(texts(sorted.columns[0]).first == "action")
    }

    @Test func joinsMatchACategoryWithItsText() throws {
        let labels = table([("name", .string, [.string("conative"), .string("action"), .string("nobody")]),
                            ("label", .int, [.int(10), .int(20), .int(30)])])
        let both = Schema(people.schema.fields + [labels.schema[1]])
        let t = try executor(["l": people, "r": labels]).execute(Plan(
            .join(left: scan("l", people), right: scan("r", labels), keys: [PlanJoinKey(left: 1, right: 0)], kind: .inner, rightColumns: [1]),
            schema: both))
        #expect(rows(t) == [[.int(0), .string("action"), .int(20)], [.int(3), .string("conative"), .int(10)],
                            [.int(5), .string("action"), .int(20)]])
    }
}
