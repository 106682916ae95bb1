import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("types and implicit conversions")
struct TypeTests {
    func expr(_ e: E, table: String = "transactions") -> Checked {
        check(P(.name(table), .select([named("x", e)])))
    }

    func shown(_ e: E, table: String = "transactions") -> String? {
        guard case .project(_, let exprs)? = expr(e, table: table).plan?.kind else { return nil }
        return show(exprs[0])
    }

    func type(_ e: E, table: String = "transactions") -> DataType? { expr(e, table: table).plan?.schema[0].type }

    @Test func intMeetsDoubleThroughACast() {
        #expect(shown("amount" + 1) == "add($3, intToDouble(1))")
        #expect(shown("txn_id" * "amount") == "multiply(intToDouble($0), $3)")
        #expect(shown("txn_id" < "amount") == "less(intToDouble($0), $3)")
        #expect(shown("txn_id" + 1) == "add($0, 1)")
        #expect(type("txn_id" + 1) == .int)
        #expect(type("txn_id" % 2) == .int)
    }

    @Test func divisionIsAlwaysDouble() {
        #expect(shown(E.int(7) / 2) == "divide(intToDouble(7), intToDouble(2))")
        #expect(type(E.int(7) / 2) == .double)
    }

    @Test func castsInBranchesAndLists() {
        #expect(shown(f("coalesce", "amount", 0)) == "coalesce($3, intToDouble(0))")
        #expect(shown(f("if", "amount" > 10, 1, "amount")) == "ifThenElse(greater($3, intToDouble(10)), intToDouble(1), $3)")
        #expect(shown(f("least", "txn_id", .dec("2.5"))) == "least(intToDouble($0), 2.5)")
        #expect(shown(.isIn("amount", [1, .dec("2.5")])) == "inList($3, intToDouble(1), 2.5)")
        #expect(shown(f("sqrt", "txn_id")) == "sqrt(intToDouble($0))")
    }

    @Test func isoStringLiteralComparedWithDateIsADate() {
        #expect(shown("date" >= .str("2025-01-01")) == "greaterEqual($2, date(2025-01-01))")
        #expect(shown(.str("2025-01-01") < "date") == "less(date(2025-01-01), $2)")
        #expect(shown("date" >= "cutoff") == "greaterEqual($2, date(2025-01-01))")
        #expect(shown(.between("date", .str("2025-01-01"), .str("2025-03-31")))
            == "and(greaterEqual($2, date(2025-01-01)), lessEqual($2, date(2025-03-31)))")
        #expect(shown(.isIn("date", [.str("2025-01-01"), .str("2025-01-02")]))
            == "inList($2, date(2025-01-01), date(2025-01-02))")
        #expect(shown(f("days_between", "date", .str("2025-06-30"))) == "daysBetween($2, date(2025-06-30))")
    }

    @Test func invalidDateLiteralIsNamed() {
        let c = expr("date" >= .str("2025-13-01"))
        #expect(c.messages == [#""2025-13-01" is not a date; dates are written YYYY-MM-DD"#])
        #expect(c.ids == ["check.invalid-date"])
        #expect(c.culprits == [#""2025-13-01""#])
        let d = check(P(f("date", .str("yesterday"))))
        #expect(d.messages == [#""yesterday" is not a date; dates are written YYYY-MM-DD"#])
    }

    @Test func stringColumnAgainstDateIsAnError() {
        let c = expr("category" == "date")
        #expect(c.messages == ["cannot compare 'category' (string) with 'date' (date)"])
        #expect(c.ids == ["check.compare-types"])
        #expect(c.culprits == ["category == date"])
    }

    @Test func comparisonNamesBothSides() {
        let c = expr("region" == 5, table: "customers")
        #expect(c.messages == ["cannot compare 'region' (string) with 5 (int)"])
        #expect(c.culprits == ["region == 5"])
    }

    @Test func nullTakesTheOtherSidesType() {
        let c = expr(f("coalesce", "amount", .null))
        #expect(c.plan?.schema[0].type == .double)
        guard case .project(_, let exprs)? = c.plan?.kind, case .call(_, let args) = exprs[0].kind else {
            Issue.record("expected a call")
            return
        }
        #expect(args[1].type == .double)
        #expect(type("amount" == .null) == .bool)
        #expect(type("amount" + .null) == .double)
        #expect(type(f("if", .bool(true), .null, "category")) == .string)
    }

    @Test func dateArithmetic() {
        #expect(shown("date" + 30) == "dateAddDays($2, 30)")
        #expect(type("date" + 30) == .date)
        #expect(shown(E.int(30) + "date") == "dateAddDays($2, 30)")
        #expect(shown("date" - 7) == "dateSubtractDays($2, 7)")
        #expect(shown("date" - f("date", .str("2025-01-01"))) == "dateDifference($2, date(2025-01-01))")
        #expect(type("date" - "date") == .int)
        let bad = expr("date" * 2)
        #expect(bad.messages == ["'*' cannot multiply date and int"])
    }

    /// An ISO string literal (or a scalar `let` holding one) on either side of a date
    /// subtraction is a date, as in comparisons: the result is a number of days.
    @Test func dateMinusIsoStringIsDays() {
        #expect(shown("date" - .str("2025-01-01")) == "dateDifference($2, date(2025-01-01))")
        #expect(type("date" - .str("2025-01-01")) == .int)
        #expect(shown(.str("2025-12-31") - "date") == "dateDifference(date(2025-12-31), $2)")
        #expect(shown("date" - "cutoff") == "dateDifference($2, date(2025-01-01))")
        #expect(shown(f("date", .str("2024-03-01")) - .str("2024-02-01"))
            == "dateDifference(date(2024-03-01), date(2024-02-01))")
        #expect(expr("date" - .str("2025-02-30")).messages == [#""2025-02-30" is not a date; dates are written YYYY-MM-DD"#])
        // Adding a date to a date means nothing; a string column is not read as a date.
        #expect(expr("date" + .str("2025-01-01")).messages == ["'+' cannot add date and string"])
        #expect(expr("date" - "category").messages == ["'-' cannot subtract date and string"])
    }

    @Test func arithmeticTypeErrors() {
        let c = expr("category" + 1)
        #expect(c.messages == ["'+' cannot add string and int"])
        #expect(c.ids == ["check.operand-types"])
        #expect(c.culprits == ["category + 1"])
        let n = expr(.neg("category"))
        #expect(n.messages == ["'-' cannot negate 'category' (string)"])
    }

    @Test func logicNeedsBool() {
        #expect(shown(("amount" > 1) && .not("txn_id" == 2)) == "and(greater($3, intToDouble(1)), not(equal($0, 2)))")
        let c = expr(("amount" > 1) || "category")
        #expect(c.messages == ["'or' needs true/false values, but 'category' is string"])
        #expect(c.ids == ["check.needs-bool"])
        #expect(c.culprits == ["category"])
    }

    @Test func betweenInAndIsNullRewrites() {
        #expect(shown(.between("amount", 10, 20, negated: true))
            == "not(and(greaterEqual($3, intToDouble(10)), lessEqual($3, intToDouble(20))))")
        #expect(shown(.isIn("category", [.str("a"), .str("b")], negated: true)) == #"not(inList($4, "a", "b"))"#)
        #expect(shown(.isNull("amount")) == "isNull($3)")
        #expect(shown(.isNull("amount", negated: true)) == "isNotNull($3)")
        let bad = expr(.isIn("category", [.str("a"), 5]))
        #expect(bad.messages == ["cannot compare 'category' (string) with 5 (int)"])
        #expect(bad.culprits == ["5"])
    }

    @Test func negativeLiteralsFold() {
        #expect(shown(.neg(5)) == "-5")
        #expect(shown(.neg("amount")) == "negate($3)")
    }
}

@Suite("literal edge cases")
struct LiteralTests {
    @Test func nullConditionIsABoolean() {
        let c = check(P("transactions", .where_(.null)))
        guard case .filter(_, let predicate)? = c.plan?.kind else {
            Issue.record("expected filter")
            return
        }
        #expect(predicate.type == .bool)
    }

    @Test func keywordLiteralsAreShownAsWritten() {
        let c = check(P("transactions", .where_("amount" == .bool(true))))
        #expect(c.messages == ["cannot compare 'amount' (double) with true (bool)"])
    }

    @Test func decimalsStayExact() {
        #expect(check(P(.dec("0.1") + .dec("0.2"))).scalar.map(show) == "add(0.1, 0.2)")
    }
}
