import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("functions")
struct FunctionTests {
    func expr(_ e: E) -> Checked { check(P("transactions", .select([named("x", e)]))) }

    func shown(_ e: E) -> String? {
        guard case .project(_, let exprs)? = expr(e).plan?.kind else { return nil }
        return show(exprs[0])
    }

    @Test func catalogDescribesEveryFunction() {
        for info in FunctionCatalog.functions {
            #expect(!info.signature.isEmpty && !info.summary.isEmpty && !info.example.isEmpty, "\(info.name)")
            #expect(info.signature.hasPrefix(info.name), "\(info.name)")
        }
        let names = Set(FunctionCatalog.names)
        #expect(names.count == FunctionCatalog.names.count)  // no name twice
        for name in [
            "round", "floor", "ceil", "abs", "sqrt", "ln", "log10", "exp", "pow", "power", "bin", "least", "greatest",
            "lower", "upper", "trim", "length", "contains", "starts_with", "ends_with", "replace", "substr", "concat",
            "year", "month", "day", "quarter", "weekday", "date_trunc", "days_between", "add_days", "add_months",
            "months_between", "date", "int", "double", "string", "coalesce", "if", "count", "count_distinct", "sum",
            "avg", "min", "max", "median", "stddev", "percentile",
        ] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(FunctionCatalog.function(named: "power")?.name == "pow")
        #expect(FunctionCatalog.function(named: "ROUND")?.signature == "round(x [, digits])")
        #expect(FunctionCatalog.function(named: "avg")?.kind == .aggregate)
    }

    @Test func overloadsByTypeAndArity() {
        #expect(shown(f("abs", "txn_id")) == "abs($0)")
        #expect(shown(f("abs", "amount")) == "abs($3)")
        #expect(shown(f("round", "amount")) == "round($3)")
        #expect(shown(f("round", "amount", 1)) == "round($3, 1)")
        #expect(shown(f("bin", "txn_id", 10)) == "bin($0, 10)")
        #expect(shown(f("bin", "amount", 10)) == "bin($3, intToDouble(10))")
        #expect(shown(f("substr", "category", 1, 3)) == "substring($4, 1, 3)")
        #expect(shown(f("date", 2025, 1, 31)) == "makeDate(2025, 1, 31)")
        #expect(shown(f("date", "category")) == "toDate($4)")
        #expect(shown(f("power", "amount", 2)) == "power($3, intToDouble(2))")
        #expect(shown(f("LOWER", "category")) == "lower($4)")
        #expect(shown(f("starts_with", "category", .str("Home"))) == #"startsWith($4, "Home")"#)
        #expect(shown(f("weekday", "date")) == "weekday($2)")
        #expect(shown(f("add_months", "date", 1)) == "addMonths($2, 1)")
    }

    @Test func conversionsAndConcat() {
        #expect(shown(f("int", "amount")) == "toInt($3)")
        #expect(shown(f("int", "txn_id")) == "$0")
        #expect(shown(f("double", "txn_id")) == "intToDouble($0)")
        #expect(shown(f("double", "category")) == "toDouble($4)")
        #expect(shown(f("string", "date")) == "toString($2)")
        #expect(shown(f("concat", "category", .str("-"), "txn_id")) == #"concat($4, "-", toString($0))"#)
        let bad = expr(f("int", "date"))
        #expect(bad.messages == ["argument 1 of 'int' must be a number, a string or true/false, but 'date' is date"])
    }

    @Test func dateTruncUnitIsCheckedAsALiteral() {
        #expect(shown(f("date_trunc", .str("Month"), "date")) == #"dateTrunc("month", $2)"#)
        let bad = expr(f("date_trunc", .str("fortnight"), "date"))
        #expect(bad.messages == [
            #"'date_trunc' needs the unit "year", "quarter", "month" or "week" as its first argument, but got "fortnight""#,
        ])
        #expect(bad.culprits == [#""fortnight""#])
        let column = expr(f("date_trunc", "category", "date"))
        #expect(column.ids == ["check.date-trunc-unit"])
        let notDate = expr(f("date_trunc", .str("week"), "amount"))
        #expect(notDate.messages == ["argument 2 of 'date_trunc' must be a date, but 'amount' is double"])
    }

    @Test func wrongArity() {
        let c = expr(f("round", "amount", 1, 2))
        #expect(c.messages == ["'round' takes 1 or 2 arguments, but 3 were given"])
        #expect(c.ids == ["check.argument-count"])
        #expect(c.culprits == ["round(amount, 1, 2)"])
        #expect(expr(f("lower")).messages == ["'lower' takes 1 argument, but 0 were given"])
        #expect(expr(f("least", 1)).messages == ["'least' takes at least 2 arguments, but 1 was given"])
        #expect(expr(f("replace", "category", .str("a"))).messages == ["'replace' takes 3 arguments, but 2 were given"])
    }

    @Test func wrongArgumentType() {
        let c = expr(f("lower", "amount"))
        #expect(c.messages == ["argument 1 of 'lower' must be a string, but 'amount' is double"])
        #expect(c.ids == ["check.argument-type"])
        #expect(c.culprits == ["amount"])
        #expect(expr(f("abs", "category")).messages == ["argument 1 of 'abs' must be a number, but 'category' is string"])
        #expect(expr(f("year", "category")).messages == ["argument 1 of 'year' must be a date, but 'category' is string"])
        let mixed = expr(f("coalesce", "category", 0))
        #expect(mixed.messages == ["'coalesce' cannot mix 'category' (string) and 0 (int)"])
        #expect(mixed.culprits == ["0"])
        let cond = expr(f("if", "amount", 1, 2))
        #expect(cond.messages == ["argument 1 of 'if' must be true/false, but 'amount' is double"])
    }

    @Test func unknownFunctionSuggests() {
        let c = expr(f("rond", "amount"))
        #expect(c.messages == ["unknown function 'rond'"])
        #expect(c.ids == ["check.unknown-function"])
        #expect(c.culprits == ["rond"])
        #expect(c.notes == ["did you mean 'round'?"])
        #expect(expr(f("days_betwen", "date", "date")).notes == ["did you mean 'days_between'?"])
    }

    @Test func aggregateOutsideSummarize() {
        let c = check(P("customers", .where_(f("avg", "satisfaction") > 5)))
        #expect(c.messages == ["aggregate 'avg' can only be used in 'summarize'"])
        #expect(c.ids == ["check.aggregate-outside-summarize"])
        #expect(c.culprits == ["avg(satisfaction)"])
        #expect(check(P(f("count"))).ids == ["check.aggregate-outside-summarize"])
    }

    @Test func aggregateInsideAggregate() {
        let c = check(P("customers", .summarize([named("x", f("max", f("avg", "satisfaction")))], by: [])))
        #expect(c.messages == ["aggregate 'avg' cannot be used inside aggregate 'max'"])
        #expect(c.ids == ["check.nested-aggregate"])
        #expect(c.culprits == ["avg(satisfaction)"])
    }

    @Test func aggregateInBy() {
        let c = check(P("customers", .summarize([named("n", f("count"))], by: [named("m", f("max", "satisfaction"))])))
        #expect(c.messages == ["aggregate 'max' cannot be used in 'by'"])
    }
}
