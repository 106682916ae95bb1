import Testing

@testable import CrmqSyntax

@Suite struct StatementParsingTests {
    @Test func letLoadSave() {
        #expect(Syntax.render("let vip = customers | where x") == "let vip = customers | where x")
        #expect(Syntax.render("LET n = 1 + 2") == "let n = (+ 1 2)")
        #expect(Syntax.render("load \"data/customers.csv\"") == "load \"data/customers.csv\"")
        #expect(Syntax.render("load 'x.csv' as people") == "load \"x.csv\" as people")
        #expect(Syntax.render("save vip to \"vip.csv\"") == "save vip to \"vip.csv\"")
        #expect(Syntax.render("save (customers | take 5) to \"top.json\"") == "save customers | take 5 to \"top.json\"")
    }

    @Test func setAndHelp() {
        #expect(Syntax.render("set") == "set")
        #expect(Syntax.render("set margin = 0.3") == "set margin = 0.3")
        #expect(Syntax.render("set asof to date(\"2025-01-01\")") == "set asof = date(\"2025-01-01\")")
        #expect(Syntax.render("help") == "help")
        #expect(Syntax.render("help share_of_wallet") == "help share_of_wallet")
        #expect(Syntax.render("help where") == "help where")
        #expect(Syntax.render("help in") == "help in")
        #expect(Syntax.render("help +") == "help +")
        #expect(Syntax.render("help ==") == "help ==")
        #expect(Syntax.render("help \"rfm segments\"") == "help rfm segments")
        #expect(Syntax.render("help .mode") == "help .mode")
    }

    @Test func dotCommands() {
        #expect(Syntax.render(".tables") == ".tables")
        #expect(Syntax.render(".mode   csv") == ".mode [csv]")
        #expect(Syntax.render(".read \"my file.crmq\" x") == ".read [my file.crmq] [x]")
        let (script, _) = Syntax.parse("  .schema customers")
        guard case .dotCommand(let name, let arguments) = script.statements[0].kind else {
            Issue.record("not a dot command")
            return
        }
        #expect(name.range == .init(3, 9))
        #expect(arguments.first?.range == .init(10, 19))
    }

    @Test func statementWordsAsTableNames() {
        #expect(Syntax.render("set | count") == "set | count")
        #expect(Syntax.render("`let` = 1") == "(== let 1)")
    }

    /// `explain` takes a query; alone or before '|' it is a table name.
    @Test func explain() {
        #expect(Syntax.render("explain t | where a > 1") == "explain t | where (> a 1)")
        #expect(Syntax.render("explain 1 + 2") == "explain (+ 1 2)")
        #expect(Syntax.render("explain | count") == "explain | count")
        #expect(Syntax.render("explain") == "explain")
        #expect(Syntax.render("explain let a = t | take 1") == "explain t | take 1")
    }

    @Test func severalStatements() {
        #expect(Syntax.render("let a = t; a | count\n.tables") == "let a = t; a | count; .tables")
        #expect(Syntax.render(".mode csv; customers | count") == ".mode [csv]; customers | count")
        #expect(Syntax.render(".tables; .schema t ;t") == ".tables; .schema [t]; t")
    }

    @Test func statementRangesAndComments() {
        let text = "-- Churn\n--\n-- by region\n\nlet x = t\n  | take 1\n\n-- tail\n"
        let (script, diagnostics) = Syntax.parse(text)
        #expect(diagnostics.isEmpty)
        #expect(script.statements.count == 1)
        #expect(script.statements[0].leadingComments == ["Churn", "", "by region"])
        #expect(script.statements[0].range == .init(26, 46))
        #expect(script.file.text(of: script.statements[0].range) == "let x = t\n  | take 1")
        #expect(script.trailingComments == ["tail"])
    }
}
