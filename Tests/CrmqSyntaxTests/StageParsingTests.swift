import Testing

@testable import CrmqSyntax

@Suite struct StageParsingTests {
    @Test func whereSelectExtend() {
        #expect(Syntax.render("t | where a > 1") == "t | where (> a 1)")
        #expect(Syntax.render("t | select customer_id, sow = share_of_wallet, x == 1") ==
            "t | select customer_id, sow=share_of_wallet, (== x 1)")
        #expect(Syntax.render("t | extend gap = p - e, r = round(gap)") == "t | extend gap=(- p e), r=round(gap)")
    }

    @Test func sortTakeTop() {
        #expect(Syntax.render("t | sort monetary desc, name ASC, x") == "t | sort monetary desc, name asc, x")
        #expect(Syntax.render("t | take 20") == "t | take 20")
        #expect(Syntax.render("t | top 10 by share_of_wallet") == "t | top 10 by share_of_wallet")
        #expect(Syntax.render("t | top 3 by a asc, b") == "t | top 3 by a asc, b")
    }

    @Test func topPerGroup() {
        #expect(Syntax.render("t | top 3 by share_of_wallet per region") == "t | top 3 by share_of_wallet per region")
        #expect(Syntax.render("t | top 1 by a asc, b per year(d), c") == "t | top 1 by a asc, b per year(d), c")
        // A column named 'per' is still a sort key after a comma.
        #expect(Syntax.render("t | top 2 by a, per") == "t | top 2 by a, per")
    }

    @Test func window() {
        #expect(Syntax.render("t | window r = rank() sort m desc") == "t | window r=rank() sort m desc")
        #expect(Syntax.render("t | window r = rank(), s = share(m) by region sort m desc, id") ==
            "t | window r=rank(), s=share(m) by region sort m desc, id")
        // The clauses in either order, and either alone.
        #expect(Syntax.render("t | WINDOW n = row_number() SORT d BY c") == "t | window n=row_number() by c sort d")
        #expect(Syntax.render("t | window s = share(m) by a, b") == "t | window s=share(m) by a, b")
        #expect(Syntax.render("t | window n = row_number()") == "t | window n=row_number()")
        // 'window', 'by' and 'sort' are no reserved words.
        #expect(Syntax.render("t | select window, by, sort") == "t | select window, by, sort")
    }

    @Test func windowErrors() {
        #expect(Syntax.errors("t | window rank() sort a") == ["parse.extend-needs-name"])
        #expect(Syntax.errors("t | window r = rank() partition by a") == ["parse.window-clause"])
        #expect(Syntax.errors("t | window r = rank() order by a") == ["parse.window-clause"])
        #expect(Syntax.errors("t | extend r = rank() over (order by a)") == ["parse.window-clause"])
        #expect(Syntax.errors("t | window r = rank() by g = a") == ["parse.named-group-key"])
        #expect(Syntax.errors("t | top 3 by x per g = a") == ["parse.named-group-key"])
        #expect(Syntax.errors("t | top 3 by x per") == ["parse.expected-expression"])
        #expect(Syntax.errors("t | window r = rank() sort a sort b") == ["parse.expected-stage-end"])
    }

    @Test func countSummarizeDistinct() {
        #expect(Syntax.render("t | count") == "t | count")
        #expect(Syntax.render("interactions | count by kind") == "interactions | count by kind")
        #expect(Syntax.render("t | count by m = month(date), region") == "t | count by m=month(date), region")
        #expect(Syntax.render("t | summarize n = count(), avg(x) by region, y") ==
            "t | summarize n=count(), avg(x) by region, y")
        #expect(Syntax.render("t | summarize n = count()") == "t | summarize n=count()")
        #expect(Syntax.render("t | distinct region, city") == "t | distinct region, city")
    }

    @Test func chart() {
        #expect(Syntax.render("t | chart bar") == "t | chart bar")
        #expect(Syntax.render("t | CHART Line x, a, b") == "t | chart line x, a, b")
        #expect(Syntax.render("t | chart histogram amount bins 20") == "t | chart histogram amount bins 20")
        #expect(Syntax.render("t | chart histogram bins 20 title \"Amounts\"") == "t | chart histogram bins 20 title \"Amounts\"")
        #expect(Syntax.render("t | chart bar r, n title \"T\" ") == "t | chart bar r, n title \"T\"")
        // 'bins' and 'title' are options only with their value; otherwise column names.
        #expect(Syntax.render("t | chart histogram bins") == "t | chart histogram bins")
        #expect(Syntax.render("t | chart bar title, n") == "t | chart bar title, n")
        #expect(Syntax.render("(t | chart bar)") == "{t | chart bar}")
    }

    @Test func chartErrors() {
        #expect(Syntax.messages("t | chart") == ["expected 'bar', 'line', 'histogram' or 'scatter' after 'chart', found end of input"])
        #expect(Syntax.messages("t | chart lines x") == ["unknown chart kind 'lines'"])
        #expect(Syntax.parse("t | chart lines x").diagnostics.first?.notes.first?.message == "did you mean 'line'?")
        #expect(Syntax.messages("t | chart histogram x bins") ==
            ["'bins' needs a whole number of bins, such as 'bins 20', but found end of input"])
        #expect(Syntax.messages("t | chart histogram x bins 2.5") ==
            ["'bins' needs a whole number of bins, such as 'bins 20', but found number 2.5"])
        #expect(Syntax.messages("t | chart bar x y") ==
            ["expected '|' or end of line after the 'chart' stage, found name 'y'"])
        #expect(Syntax.messages("t | chart bar | where a > 1 | take 2") ==
            ["'chart' must be the last stage, but 'where' follows it",
             "'chart' must be the last stage, but 'take' follows it"])
    }

    @Test func join() {
        #expect(Syntax.render("t | join customers on customer_id") == "t | join customers on customer_id kind inner")
        #expect(Syntax.render("t | join customers on id == customer_id, b kind left") ==
            "t | join customers on id==customer_id, b kind left")
        #expect(Syntax.render("t | join c on a = b KIND Inner") == "t | join c on a==b kind inner")
        #expect(Syntax.render("t | join rfm(transactions) on customer_id") ==
            "t | join rfm(transactions) on customer_id kind inner")
        #expect(Syntax.render("t | join (customers | where x) on id") == "t | join {customers | where x} on id kind inner")
    }

    @Test func operatorNamesAreCaseInsensitive() {
        #expect(Syntax.render("t | WHERE a | Take 1 | COUNT BY b") == "t | where a | take 1 | count by b")
    }

    @Test func contextualWordsAsColumns() {
        #expect(Syntax.render("t | where kind == \"call\" and date > count") == "t | where (and (== kind \"call\") (> date count))")
        #expect(Syntax.render("t | sort by desc") == "t | sort by desc")
    }

    @Test func stageRangesAndNames() throws {
        let (script, _) = Syntax.parse("t | Where a > 1 | take 5")
        guard case .query(let pipeline) = try #require(script.statements.first).kind else {
            Issue.record("not a query: \(script.statements)")
            return
        }
        #expect(pipeline.stages.map(\.name.name) == ["Where", "take"])
        #expect(pipeline.stages.map(\.range) == [.init(4, 15), .init(18, 24)])
        #expect(pipeline.range == .init(0, 24))
    }

    @Test func multiLinePipeline() {
        let text = """
            customers
              | where region == "North"   -- only the north
              -- now the top ones
              | top 5 by clv
            """
        #expect(Syntax.render(text) == "customers | where (== region \"North\") | top 5 by clv")
    }
}
