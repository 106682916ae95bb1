import Foundation
import Testing
import CrmqEngine
import CrmqSemantics
import CrmqSession

/// Tab completion knows where the cursor is.
@Suite struct CompletionTests {
    let session: Session = {
        let s = Session()
        s.register(Table(schema: Schema([
            Field("customer_id", .int), Field("name", .string), Field("region", .string), Field("satisfaction", .int),
        ]), columns: [
            Column.from([.int(1)], type: .int), Column.from([.string("a")], type: .string),
            Column.from([.string("North")], type: .string), Column.from([.int(5)], type: .int),
        ]), as: "customers")
        s.register(Table(schema: Schema([Field("customer_id", .int), Field("amount", .double), Field("date", .date)]),
            columns: [Column.from([.int(1)], type: .int), Column.from([.double(2)], type: .double),
                      Column.from([.date(0)], type: .date)]), as: "transactions")
        s.run("let limit = 3", name: "setup") { _ in }
        return s
    }()

    /// Completions with the cursor at the end of `text`.
    func complete(_ text: String) -> Completion {
        session.completions(text: text, cursor: text.utf8.count)
    }

    @Test func operatorsAfterAPipe() {
        #expect(complete("customers | ").candidates == stageOperatorsForTest)
        let c = complete("customers | wh")
        #expect(c.candidates == ["where"])
        #expect(c.start == "customers | ".utf8.count)
        #expect(complete("customers\n| su").candidates == ["summarize"])
    }

    @Test func afterExplainAQuery() {
        #expect(complete("expl").candidates == ["explain"])
        #expect(complete("explain cust").candidates.contains("customers"))
        #expect(complete("explain customers | where sat").candidates == ["satisfaction"])
    }

    @Test func columnsOfTheTableFlowingIn() {
        #expect(complete("customers | where sat").candidates == ["satisfaction"])
        // Columns first, then scalar functions; aggregates only in summarize.
        #expect(complete("customers | where re").candidates == ["region", "recency", "replace("])
        // A function whose name matches comes after the columns.
        #expect(complete("transactions | summarize a").candidates == ["amount", "abs(", "add_days(", "add_months(", "avg("])
    }

    @Test func windowFunctionsOnlyInTheItemsOfAWindow() {
        #expect(complete("customers | window r = ra").candidates == ["rank("])
        #expect(complete("customers | window s = su").candidates == ["substr(", "sum("])
        #expect(complete("customers | extend r = ra").candidates == [])
        #expect(complete("customers | window r = rank() sort re").candidates == ["region", "recency", "replace("])
        #expect(complete("customers | window r = rank() ").candidates == ["sort", "by"])
        #expect(complete("customers | window r = rank() by region ").candidates == ["sort"])
        #expect(complete("customers | top 3 by monetary ").candidates == ["asc", "desc", "per"])
        #expect(complete("customers | top 3 by monetary per reg").candidates == ["region"])
    }

    @Test func columnsMadeByEarlierStages() {
        #expect(complete("customers | extend gap = satisfaction - 5 | where ga").candidates == ["gap"])
        #expect(complete("customers | summarize n = count() by region | sort ").candidates.prefix(2) == ["region", "n"])
        #expect(complete("customers | select name | where sat").candidates == [])
        // An error in the stage being typed does not matter; the stages before it do.
        #expect(complete("customers | extend x = 1 | where nope > | select ").candidates.contains("customer_id"))
        // The longest prefix that checks, wherever the failing stage is: the columns come from
        // the stages before it (found by bisection).
        let stages = (1...40).map { " | extend c\($0) = \($0)" }.joined()
        for broken in [1, 7, 20, 39] {
            var parts = (1...40).map { " | extend c\($0) = \($0)" }
            parts[broken - 1] = " | where nope"
            let c = complete("customers" + parts.joined() + " | where c").candidates
            #expect(c.contains("c\(broken - 1)") || broken == 1, "broken at \(broken): \(c)")
            #expect(!c.contains("c\(broken)") && !c.contains("c40"), "broken at \(broken): \(c)")
        }
        #expect(complete("customers" + stages + " | where c4").candidates.contains("c40"))
        // A long line of empty stages (what the fuzzer found taking seconds) still completes.
        #expect(complete("customers" + String(repeating: " |", count: 600) + " wh").candidates == ["where"])
    }

    @Test func columnsInsideABracketedQuery() {
        #expect(complete("customers | join (transactions | where am").candidates == ["amount"])
    }

    @Test func tablesAndNamesWhereASourceGoes() {
        #expect(complete("cu").candidates == ["customers"])
        #expect(complete("").candidates.contains("let"))
        #expect(complete("customers | join tr").candidates == ["transactions"])
        #expect(complete("let x = tr").candidates == ["transactions", "trim("])
        #expect(complete("save cu").candidates == ["customers"])
    }

    @Test func tableFunctionsWhereASourceGoes() {
        // At the start of a line, beside the tables.
        let start = complete("").candidates
        #expect(start.contains("rfm(") && start.contains("cohorts("), "\(start)")
        #expect(start.firstIndex(of: "transactions")! < start.firstIndex(of: "cohorts(")!)
        #expect(complete("rf").candidates == ["rfm("])
        #expect(complete("co").candidates == ["cohorts("])
        #expect(complete("customers | count\nrf").candidates == ["rfm("])
        // After `let name =`, `join` and inside a bracketed query.
        #expect(complete("let r = rf").candidates == ["rfm("])
        #expect(complete("customers | join co").candidates == ["cohorts("])
        #expect(complete("customers | join (rf").candidates == ["rfm("])
        // Not where a table's name is wanted.
        #expect(complete("save rf").candidates == [])
    }

    @Test func keywordsThatFollowAnExpression() {
        #expect(complete("customers | sort name ").candidates == ["asc", "desc"])
        #expect(complete("customers | top 5 ").candidates == ["by"])
        #expect(complete("customers | count ").candidates == ["by"])
        #expect(complete("customers | join transactions ").candidates == ["on"])
        #expect(complete("customers | join transactions on customer_id kind ").candidates == ["inner", "left"])
        #expect(complete("customers | count by re").candidates == ["region", "recency", "replace("])
    }

    @Test func helpTopicsSettingsAndCommands() {
        #expect(complete("help summ").candidates == ["summarize"])
        #expect(complete("set max_r").candidates == ["max_rows"])
        let dot = complete(".ta")
        #expect(dot.candidates == [".tables"])
        #expect(dot.start == 0)
        #expect(complete(".mode c").candidates == ["csv"])
        #expect(complete(".schema tr").candidates == ["transactions"])
    }

    @Test func fileNamesAfterLoad() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-complete-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "a\n1\n".write(to: dir.appendingPathComponent("people.csv"), atomically: true, encoding: .utf8)
        let c = complete("load \"\(dir.path)/pe")
        #expect(c.candidates == ["\(dir.path)/people.csv\""])
        #expect(complete("load \"\(dir.path)/su").candidates == ["\(dir.path)/sub/"])
        #expect(complete(".read \(dir.path)/pe").candidates == ["\(dir.path)/people.csv"])
        // Inside any other string, nothing.
        #expect(complete("customers | where name == \"pe").candidates == [])
    }

    @Test func scalarNamesWhereAValueGoes() {
        #expect(complete("customers | take li").candidates == ["limit"])
    }

    let stageOperatorsForTest = ["where", "select", "extend", "sort", "take", "top", "count", "summarize", "join", "distinct", "chart", "window"]
}
