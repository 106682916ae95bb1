import Testing
import CrmqSyntax
@testable import CrmqSemantics

/// The checker's rules for ordered categories: a string literal meets a category as one of
/// its levels (any other is an error naming the levels), a category meets other text as
/// text, ordering against text is an error, and `ordered(...)` makes one.
@Suite("ordered categories")
struct CategoryTypeTests {
    static let stage = DataType.category(CategoryType(["cognitive", "affective", "conative", "action"]))
    static let group = DataType.category(CategoryType(["detractor", "passive", "promoter"]))

    var catalog: FixtureCatalog {
        var c = FixtureCatalog()
        c.tables["people"] = Schema([
            Field("id", .int), Field("stage", Self.stage), Field("nps_group", Self.group), Field("name", .string),
        ])
        return c
    }

    func checked(_ text: String) -> Checked { checkText(text, catalog: catalog) }

    /// The first item of `people | select x = <expr>`, shown.
    func shown(_ expr: String) -> String? {
        guard case .project(_, let exprs)? = checked("people | select x = \(expr)").plan?.kind else { return nil }
        return show(exprs[0])
    }

    func type(_ expr: String) -> DataType? { checked("people | select x = \(expr)").plan?.schema[0].type }

    @Test func theTypeShowsItsLevelsInOrder() {
        #expect(Self.stage.description == "ordered(cognitive < affective < conative < action)")
        #expect(Self.stage.isText && !Self.stage.isNumeric)
        #expect(Self.stage != Self.group)
        #expect(DataType.category(CategoryType(["a", "b"])) != .category(CategoryType(["b", "a"])))
    }

    @Test func aLevelLiteralTakesTheCategory() {
        #expect(shown(#"stage >= "conative""#) == #"greaterEqual($1, "conative")"#)
        #expect(type(#"coalesce(stage, "cognitive")"#) == Self.stage)
        #expect(type(#"if(id > 3, "action", stage)"#) == Self.stage)
        #expect(type(#"greatest(stage, "affective")"#) == Self.stage)
        #expect(shown(#"stage in ("action", "conative")"#) == #"inList($1, "action", "conative")"#)
        guard case .project(_, let exprs)? = checked(#"people | select x = stage >= "conative""#).plan?.kind,
            case .call(_, let args) = exprs[0].kind
        else { Issue.record("a comparison"); return }
        #expect(args[1].type == Self.stage)
    }

    @Test func otherTextMakesItText() {
        #expect(type(#"if(id > 3, "gone", stage)"#) == .string)
        #expect(shown("stage == name") == "equal(toString($1), $3)")
        #expect(shown("lower(stage)") == "lower(toString($1))")
        #expect(shown("string(stage)") == "toString($1)")
        #expect(type("concat(stage, name)") == .string)
        #expect(shown("int(stage)") == "toInt(toString($1))")
    }

    @Test func aStringThatIsNoLevelIsAnErrorNamingTheLevels() {
        let c = checked(#"people | where stage == "Action""#)
        #expect(c.ids == ["check.not-a-level"])
        #expect(c.messages == [#""Action" is not a level of 'stage'; its levels, in order, are "cognitive" < "affective" < "conative" < "action""#])
        #expect(c.culprits == [#""Action""#])
        #expect(c.notes == ["did you mean 'action'?"])
        let far = checked(#"people | where stage >= "loyal""#)
        #expect(far.ids == ["check.not-a-level"])
        #expect(far.notes.isEmpty)  // the message lists the levels already
        let list = checked(#"people | where nps_group in ("promoter", "passives")"#)
        #expect(list.culprits == [#""passives""#])
        #expect(list.notes == ["did you mean 'passive'?"])
        #expect(checked(#"people | where "x" < stage"#).ids == ["check.not-a-level"])
        #expect(checked(#"people | where stage between "affective" and "x""#).ids == ["check.not-a-level"])
    }

    @Test func orderingAgainstTextOrAnotherCategoryIsAnError() {
        let c = checked("people | where stage < name")
        #expect(c.ids == ["check.compare-types"])
        #expect(c.messages == ["cannot order 'stage' (ordered(cognitive < affective < conative < action)) against 'name' (string): only its levels have an order"])
        #expect(checked("people | where stage == nps_group").ids == ["check.compare-types"])
        #expect(checked("people | where stage == 3").ids == ["check.compare-types"])
        #expect(checked("people | where stage == name").diagnostics.isEmpty)
    }

    @Test func minAndMaxKeepTheCategoryOtherAggregatesRefuseIt() {
        let c = checked("people | summarize lo = min(stage), hi = max(stage), n = count_distinct(stage)")
        #expect(c.schema == ["lo:\(Self.stage)", "hi:\(Self.stage)", "n:int"])
        #expect(checked("people | summarize s = sum(stage)").ids == ["check.argument-type"])
        #expect(checked("people | summarize s = avg(stage)").ids == ["check.argument-type"])
    }

    @Test func sortGroupAndJoinAcceptIt() {
        #expect(checked("people | count by stage").schema == ["stage:\(Self.stage)", "n:int", "share:double"])
        #expect(checked("people | sort stage desc | top 2 by stage").diagnostics.isEmpty)
        #expect(checked("people | join customers on stage == name").diagnostics.isEmpty)
        #expect(checked("people | join customers on stage == customer_id").ids == ["check.join-key-types"])
    }

    @Test func orderedMakesACategory() {
        let size = DataType.category(CategoryType(["S", "M", "L"]))
        #expect(type(#"ordered(name, "S", "M", "L")"#) == size)
        #expect(shown(#"ordered(name, "S", "M", "L")"#) == "toCategory($3)")
        #expect(shown(#"ordered(stage, "action", "conative")"#) == "toCategory(toString($1))")
        #expect(type(#"ordered(null, "a")"#) == .category(CategoryType(["a"])))
        // A scalar `let` holding a string is a literal level too.
        #expect(checked(#"people | select x = ordered(name, cutoff, "later")"#).diagnostics.isEmpty)
        let twice = checked(#"people | select x = ordered(name, "S", "M", "S")"#)
        #expect(twice.ids == ["check.ordered-levels"])
        #expect(twice.messages == [#"level "S" is listed twice in 'ordered'"#])
        #expect(twice.culprits == [#""S""#])
        let column = checked("people | select x = ordered(name, name)")
        #expect(column.messages == ["argument 2 of 'ordered' must be a level written as a string literal, but got 'name'"])
        #expect(checked(#"people | select x = ordered(id, "1")"#).ids == ["check.argument-type"])
        #expect(checked("people | select x = ordered(name)").ids == ["check.argument-count"])
        // The new category compares by its own levels.
        #expect(checked(#"people | where ordered(name, "S", "M", "L") >= "M""#).diagnostics.isEmpty)
        #expect(checked(#"people | where ordered(name, "S", "M", "L") >= "XL""#).ids == ["check.not-a-level"])
    }
}
