import CrmqSemantics

// The CRM aggregates, each defined once here in crmq over the basic aggregates. The checker
// binds a call by binding the body in its place (AggregateDefinition), so every engine runs
// the same plain aggregates, `explain` shows them and `help churn_rate` prints the body.
extension CRM {
    /// Of the customers in the period's base, those still customers: signed up by its start
    /// (or signup unknown), churn known, and not gone before it (a churn dated before the
    /// start). `churned` and `churn_date` are as of the as-of date already, as the customers
    /// table and `customers(asof = ...)` give them; a churn without a date counts in the period.
    static let periodBase =
        "churned is not null and coalesce(signup_date <= start, true) and not coalesce(churn_date < start, false)"

    public static let aggregates: [AggregateDefinition] = [
        AggregateDefinition(
            name: "churn_rate", signature: "churn_rate([months = n | from = date])",
            summary: "The share of customers who churned by the as-of date: avg(churned). Over a period (months = 12, or from = date(\"2024-01-01\")): of the customers at its start (signed up by then, not churned before it), the share churned since.",
            example: "churn_rate(months = 12)",
            forms: [
                .init(.positional([]), "avg(churned)"),
                .init(.period, "avg(if(\(periodBase), churned, null))"),
            ],
            columnNote: "the customers table has churned, signup_date and churn_date; a table of your own needs churned as 0/1 or true/false"),
        AggregateDefinition(
            name: "retention_rate", signature: "retention_rate([months = n | from = date])",
            summary: "The share of customers who stayed: 1 - churn_rate(), churn as of the as-of date. Over a period (months = 12, or from = date(\"2024-01-01\")): of the customers at its start (signed up by then, not churned before it), the share still customers at the as-of date; months = 12 is clv's yearly rate.",
            example: "retention_rate(months = 12)",
            forms: [
                .init(.positional([]), "1 - churn_rate()"),
                .init(.period, "1 - churn_rate(from = start)"),
            ],
            columnNote: "the customers table has churned, signup_date and churn_date; a table of your own needs churned as 0/1 or true/false"),
        AggregateDefinition(
            name: "nps", signature: "nps(score)",
            summary: "Net Promoter Score: percent of promoters (9-10) minus percent of detractors (0-6), -100 to 100.",
            example: "nps(recommend)",
            forms: [.init(.positional(["score"]), "100 * (avg(score >= 9) - avg(score <= 6))")],
            numericArguments: true),
        AggregateDefinition(
            name: "repeat_rate", signature: "repeat_rate()",
            summary: "Repeat purchase rate: of the customers with a purchase (frequency >= 1), the share with two or more. Over a period, take frequency from rfm over it: rfm(transactions, from = date(\"2025-01-01\")) | summarize repeat_rate().",
            example: "repeat_rate()",
            forms: [.init(.positional([]), "avg(if(frequency >= 1, frequency >= 2, null))")],
            columnNote: "customers has frequency when transactions are loaded, and so does rfm(transactions)",
            periodNote: "over a period, count the purchases in it: rfm(transactions, from = date(\"2025-01-01\")) | summarize repeat_rate()"),
    ]
}
