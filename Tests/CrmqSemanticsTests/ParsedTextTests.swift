import Testing
import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
@testable import CrmqSemantics

/// Checks statements parsed from text by the real parser, so ranges and shapes are the
/// parser's own (the builder tests pin the checker's rules; these pin the seam between them).
func checkText(_ text: String, catalog: FixtureCatalog = FixtureCatalog()) -> Checked {
    let file = SourceFile(name: "<test>", text: text)
    let parsed = Parser.parse(file)
    guard parsed.diagnostics.isEmpty, let statement = parsed.script.statements.first else {
        let messages = parsed.diagnostics.map(\.message).joined(separator: "; ")
        return Checked(file: file, result: .failure(DiagnosticList(parsed.diagnostics)), parseErrors: messages)
    }
    let result: Result<CheckedStatement, DiagnosticList>
    do {
        result = .success(try Checker(catalog: catalog, file: file).check(statement))
    } catch {
        result = .failure(error)
    }
    return Checked(file: file, result: result)
}

@Suite("parsed text")
struct ParsedTextTests {
    @Test func contractQueriesOverTheFixture() {
        let queries = [
            #"transactions | where date >= "2025-01-01" and amount > 50 | summarize avg_amount = avg(amount), n = count() by category | sort n desc"#,
            "customers | summarize customers = count(), retention = retention_rate() by satisfaction | sort satisfaction",
            "customers | summarize nps = nps(recommend) by region",
            "customers | count by region",
            "transactions | join customers on customer_id | top 10 by amount | select customer_id, name, amount",
            "vip | count",
            #"let big = customers | where satisfaction >= 9 and region == "North""#,
            "customers | extend gap = satisfaction - 5, band = bin(category_spend, 100) | distinct region, band",
            "1 + 2",
            #"date("2025-01-01") + 30"#,
            "set margin = 1",
        ]
        for query in queries {
            let c = checkText(query)
            #expect(c.parseErrors == nil, "\(query): \(c.parseErrors ?? "")")
            #expect(c.messages == [], "\(query)")
        }
    }

    @Test func summarizeSchemaFromText() {
        let c = checkText(
            #"transactions | where date >= "2025-01-01" and amount > 50 | summarize avg_amount = avg(amount), n = count() by category | sort n desc"#)
        #expect(c.schema == ["category:string", "avg_amount:double", "n:int"])
        #expect(c.plan.map(show)?.contains("greaterEqual($2, date(2025-01-01))") == true)
    }

    @Test func rangesLandOnTheCulprit() {
        let c = checkText("customers | where satisfation > 5 and regin == \"North\"")
        #expect(c.messages == ["unknown column 'satisfation'", "unknown column 'regin'"])
        #expect(c.culprits == ["satisfation", "regin"])

        let w = checkText("customers | where satisfaction + 1")
        #expect(w.messages == ["'where' needs a true/false condition, but 'satisfaction + 1' is int"])
        #expect(w.culprits == ["satisfaction + 1"])

        let cmp = checkText("customers | where region == 5")
        #expect(cmp.messages == ["cannot compare 'region' (string) with 5 (int)"])
        #expect(cmp.culprits == ["region == 5"])

        let arity = checkText("customers | select r = round(category_spend, 1, 2)")
        #expect(arity.culprits == ["round(category_spend, 1, 2)"])

        let table = checkText("custmers | count")
        #expect(table.culprits == ["custmers"])
        #expect(table.notes == ["did you mean 'customers'?"])

        let fn = checkText("rfm(transactions) | count by rfm_segment")
        #expect(fn.messages == ["unknown table function 'rfm'"])
        #expect(fn.culprits == ["rfm"])

        let notTable = checkText("5 | take 1")
        #expect(notTable.messages == ["'5' is not a table"])
    }

    @Test func unnamedColumnFixItFromText() {
        let c = checkText("transactions | select amount * 2")
        #expect(c.messages == ["name this column: write 'name = ...'"])
        #expect(c.culprits == ["amount * 2"])
    }
}

@Suite("parsed text: operators and stages")
struct ParsedOperatorTests {
    @Test func moreShapesCheckCleanly() {
        let queries = [
            "transactions | where amount between 10 and 20 and category in (\"a\", \"b\") and txn_id is not null",
            "transactions | where date not between \"2025-01-01\" and \"2025-03-31\"",
            "transactions | sort amount desc, date | take threshold",
            "transactions | top 5 by amount asc",
            "transactions | join (customers | select customer_id, region) on customer_id == customer_id kind left",
            "transactions | summarize p90 = percentile(amount, 0.9), spend = round(sum(amount), 2) by m = date_trunc(\"month\", date)",
            "transactions | extend a = txn_id + 1, b = a * 2 | select a, b",
            "customers | where (satisfaction + 1) * 2 > 10",
            "set",
            "help round",
            "customers | count",
            "-5",
            "set asof = \"2025-06-30\"",
        ]
        for query in queries {
            let c = checkText(query)
            #expect(c.parseErrors == nil, "\(query): \(c.parseErrors ?? "")")
            #expect(c.messages == [], "\(query): \(c.messages)")
        }
    }

    @Test func multipleErrorsFromText() {
        let c = checkText("customers | select satisfation, regin, name")
        #expect(c.messages == ["unknown column 'satisfation'", "unknown column 'regin'"])
        #expect(c.culprits == ["satisfation", "regin"])
    }
}
