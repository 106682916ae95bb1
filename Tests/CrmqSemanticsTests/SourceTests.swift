import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("sources and statements")
struct SourceTests {
    @Test func tableScan() {
        let c = check(P("customers"))
        #expect(c.plan.map(show) == "scan(customers)")
        #expect(c.schema.first == "customer_id:int")
        #expect(c.schema.count == 8)
    }

    @Test func letTableIsATable() {
        let c = check(P("vip", .count([])))
        #expect(c.plan.map(show) == "aggregate(scan(vip), [], [countRows()])")
        #expect(c.schema == ["n:int"])
    }

    @Test func subquerySource() {
        let c = check(P(.sub(P("customers", .where_("churned" == 1))), .select(["name"])))
        #expect(c.plan.map(show) == "project(filter(scan(customers), equal($5, 1)), [$1])")
    }

    @Test func scalarExpressions() {
        #expect(check(P(1 + 2)).scalar.map(show) == "add(1, 2)")
        #expect(check(P(1 + 2)).scalar?.type == .int)
        let d = check(P(f("date", .str("2025-01-01")) + 30))
        #expect(d.scalar.map(show) == "dateAddDays(date(2025-01-01), 30)")
        #expect(d.scalar?.type == .date)
        #expect(check(P("rate")).scalar.map(show) == "0.5")
        #expect(check(P(f("round", .dec("2.567"), 2))).scalar.map(show) == "round(2.567, 2)")
    }

    @Test func scalarFollowedByStagesIsNotATable() {
        let c = check(P(5, .take(1)))
        #expect(c.messages == ["'5' is not a table"])
        #expect(c.ids == ["check.not-a-table"])
        #expect(c.culprits == ["5"])
        let l = check(P("threshold", .take(1)))
        #expect(l.messages == ["'threshold' is not a table"])
    }

    @Test func unknownTableFunction() {
        let c = check(P(f("rfm", "transactions"), .count(["rfm_segment"])))
        #expect(c.messages == ["unknown table function 'rfm'"])
        #expect(c.ids == ["check.unknown-table-function"])
        #expect(c.culprits == ["rfm"])
    }

    @Test func unknownFunctionAsScalarSourceSuggestsScalarFunctions() {
        let c = check(P(f("rond", .dec("2.5"))))
        #expect(c.notes == ["did you mean 'round'?"])
    }

    @Test func letStatements() {
        let t = check(.let_("big", P("transactions", .where_("amount" > 100))))
        guard case .letTable(let name, let plan) = t.statement else {
            Issue.record("expected letTable")
            return
        }
        #expect(name == "big")
        #expect(plan.schema.count == 5)
        let s = check(.let_("customers", P(41 + 1)))
        guard case .letScalar(let sname, let value) = s.statement else {
            Issue.record("expected letScalar")
            return
        }
        #expect(sname == "customers")  // rebinding any name is allowed
        #expect(show(value) == "add(41, 1)")
    }

    @Test func saveNeedsATable() {
        let ok = check(.save(P("customers", .take(3)), "out.csv"))
        guard case .save(_, let path) = ok.statement else {
            Issue.record("expected save")
            return
        }
        #expect(path == "out.csv")
        let bad = check(.save(P(1 + 1), "x.csv"))
        #expect(bad.messages == ["'save' needs a table, but '1 + 1' is a value"])
        #expect(bad.culprits == ["1 + 1"])
    }

    @Test func setChecksNameAndType() {
        let margin = check(.set("margin", 1))
        guard case .set(let name, let value) = margin.statement else {
            Issue.record("expected set")
            return
        }
        #expect(name == "margin")
        #expect(show(value) == "intToDouble(1)")
        #expect(check(.set("asof", .str("2025-06-30"))).scalar.map(show) == "date(2025-06-30)")
        #expect(check(.set("asof", "cutoff")).scalar.map(show) == "date(2025-01-01)")
        #expect(check(.set("horizon", .neg(3))).scalar.map(show) == "-3")

        let unknown = check(.set("asoff", .str("2025-06-30")))
        #expect(unknown.messages == ["unknown setting 'asoff'"])
        #expect(unknown.culprits == ["asoff"])
        #expect(unknown.notes == ["did you mean 'asof'?"])

        let wrong = check(.set("horizon", .str("soon")))
        #expect(wrong.messages == [#"setting 'horizon' needs an int value, but "soon" is string"#])
        #expect(wrong.culprits == [#""soon""#])

        let badDate = check(.set("asof", .str("2025-02-30")))
        #expect(badDate.messages == [#""2025-02-30" is not a date; dates are written YYYY-MM-DD"#])

        let column = check(.set("margin", "amount"))
        #expect(column.ids == ["check.unknown-name"])
    }

    @Test func passThroughStatements() {
        guard case .listSettings = check(.set(nil, nil)).statement else {
            Issue.record("expected listSettings")
            return
        }
        guard case .help(let topic) = check(.help("round")).statement else {
            Issue.record("expected help")
            return
        }
        #expect(topic == "round")
    }
}
