import Testing

@testable import CrmqSyntax

/// The "Must work verbatim" examples of crmq-language.md.
@Suite struct LanguageContractTests {
    static let examples = [
        "customers | count by loyalty_stage",
        "customers | summarize customers = count(), retention = retention_rate() by satisfaction | sort satisfaction",
        "customers | top 10 by share_of_wallet | select customer_id, name, share_of_wallet",
        "rfm(transactions) | count by rfm_segment",
        "transactions | where date >= \"2025-01-01\" and amount > 50 | summarize avg_amount = avg(amount), n = count() by category | sort n desc",
        "customers | summarize nps = nps(recommend) by region",
        "let vip = customers | where share_of_wallet > 0.5 and loyalty_stage == \"action\"",
        "vip | count",
        "customers | summarize retention = retention_rate() by satisfaction | chart line satisfaction, retention",
        "cohorts(transactions) | where period <= 12",
        "help share_of_wallet",
    ]

    @Test(arguments: examples)
    func examplesParse(_ text: String) {
        let (script, diagnostics) = Syntax.parse(text)
        #expect(diagnostics.map(\.message) == [])
        #expect(script.statements.count == 1)
    }

    @Test func examplesAsOneScript() {
        let (script, diagnostics) = Syntax.parse(Self.examples.joined(separator: "\n"))
        #expect(diagnostics.isEmpty)
        #expect(script.statements.count == Self.examples.count)
    }

    @Test func shapes() {
        #expect(Syntax.render(Self.examples[4]) ==
            "transactions | where (and (>= date \"2025-01-01\") (> amount 50)) | summarize avg_amount=avg(amount), n=count() by category | sort n desc")
        #expect(Syntax.render(Self.examples[6]) ==
            "let vip = customers | where (and (> share_of_wallet 0.5) (== loyalty_stage \"action\"))")
    }

    @Test func operatorExamplesFromTheTable() {
        for text in [
            "t | where region == \"North\" and satisfaction >= 8", "t | select customer_id, sow = share_of_wallet",
            "t | extend gap = perceived_quality - expectation", "t | sort monetary desc", "t | take 20",
            "t | top 10 by share_of_wallet", "t | summarize n = count(), avg_sat = avg(satisfaction) by region",
            "t | join customers on customer_id", "t | distinct region", "t | where x is not null",
            "t | where d >= date(\"2025-01-01\") | extend m = date_trunc(\"month\", d), b = bin(x, 10)",
            "t | extend y = if(a > 1, coalesce(b, 0), days_between(c, d)) % 7",
            "t | summarize p = percentile(x, 0.9), s = stddev(x), c = count_distinct(id)",
        ] {
            #expect(Syntax.parse(text).diagnostics.isEmpty, "\(text)")
        }
    }
}
