extension CRM {
    /// Why CRM: the definition, the customer-centric idea and the economics of keeping customers.
    static let whyCRMConcepts: [CRMConcept] = [
        CRMConcept(
            name: "crm",
            summary: "customer relationship management: running the firm around its relationships with customers",
            explanation: """
                CRM is at once a business philosophy, a management mechanism and an information system. \
                The seeds give three kinds of definition: a strategy that treats customers as the firm's most \
                important resource (Zikmund and McLeod, 2004), a mechanism that builds one-to-one relationships \
                across marketing, sales and service (Stanley A. Brown, 2000), and software that supports both. \
                Gartner defines it as the concept that lets an organisation see each customer as a whole, so \
                that both the relationship and the profit from it are optimised. Modern CRM grew out of contact \
                management in the early 1980s and customer care (the telephone service centre) in the early \
                1990s. The seeds give it four goals: loyal customers, lower costs, efficient communication with \
                customers and a stronger competitive position.

                'help ten_c' lists the measures CRM uses; the examples folder walks through them one script at \
                a time.
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), retention = retention_rate(), nps = nps(recommend), avg_clv = avg(clv)
                """),
        CRMConcept(
            name: "customer_centric",
            summary: "the customer, not the product, is the centre of the business",
            explanation: """
                The seeds trace how the firm's focus moved from production to sales to profit and finally to \
                the customer: when products are alike, customers are the firm's most important asset and \
                competition is competition for customers. Being customer-centric is CRM's highest principle. \
                Its two basic tasks, as the seeds state them, are identifying valuable customers (judged by \
                customer lifetime profit, CLP) and keeping them (through perceived value, satisfaction, trust \
                and switching cost, whose weights change over the lifecycle). A customer-centric query starts \
                from customers rather than products: who is valuable, and who is leaving?
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), churn = churn_rate(), avg_clv = avg(clv) by loyalty_stage
                """),
        CRMConcept(
            name: "retention_economics",
            summary: "keeping a customer costs far less than winning one, and earns more",
            explanation: """
                The seeds give several versions of one claim. Keeping an existing customer costs 1/5 to 1/10 \
                of winning a new one (one seed puts it at 10–20%), and Kotler is quoted as saying that a new \
                customer costs five times as much as keeping an old one, and that an old customer brings 16 \
                times the profit of a new one. The best-known form is Reichheld's: cutting churn by 5% can raise \
                profit by 25% to 100%, because loyal customers buy more, cost less to serve and recommend the \
                firm to others. crmq has no cost data, so it cannot show the cost side. What it can show is \
                retention and value side by side: compare what the customers who stayed were worth with what \
                the customers who left were worth.
                """,
            formula: "churn − 5%  →  profit + 25% to 100%  (Reichheld, as the seeds quote it)",
            example: """
                customers
                  | summarize customers = count(), avg_monetary = avg(monetary), avg_clv = avg(clv) by churned
                """),
    ]
}
