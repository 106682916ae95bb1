extension CRM {
    /// Why CRM: the definition, the customer-centric idea and the economics of keeping customers.
    static let whyCRMConcepts: [CRMConcept] = [
        CRMConcept(
            name: "crm",
            summary: "customer relationship management: running the firm around its relationships with customers",
            explanation: """
                CRM is at once a business philosophy, a management mechanism and an information system. \
                The CRM course material gives three kinds of definition: a strategy that treats customers as the firm's most \
                important resource (Zikmund and McLeod, 2004), a mechanism that builds one-to-one relationships \
                across marketing, sales and service (Stanley A. Brown, 2000), and software that supports both. \
                Gartner defines it as the concept that lets an organisation see each customer as a whole, so \
                that both the relationship and the profit from it are optimised. Modern CRM grew out of contact \
                management in the early 1980s and customer care (the telephone service centre) in the early \
                1990s. The CRM course material gives it four goals: loyal customers, lower costs, efficient communication with \
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
                The CRM course material traces how the firm's focus moved from production to sales to profit and finally to \
                the customer: when products are alike, customers are the firm's most important asset and \
                competition is competition for customers. Being customer-centric is CRM's highest principle. \
                Its two basic tasks, as the CRM course material states them, are identifying valuable customers (judged by \
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
                The CRM course material makes one claim in several forms. One text says research shows that \
                keeping a customer costs only 10–20% of winning a new one, and another that the cost of winning \
                one new customer would keep five old ones. It quotes Philip Kotler: winning a new customer costs \
                five times as much as keeping an old one, and an old customer brings 16 times the profit of a \
                new one. And it says research shows that cutting the churn rate by 5% can raise profit by 25% to \
                100%, naming no source. The best-known published study of this kind is Reichheld and Sasser's ('Zero \
                defections', Harvard Business Review, 1990), which found that cutting defections by 5% raised \
                profits by 25% to 85% across the service industries it studied: a narrower range than the \
                course material's. Loyal customers are worth more because they buy more over time, cost less \
                to serve and recommend the firm to others.

                crmq has no cost data, so it cannot show the cost side. What it can show is the revenue side: \
                among the customers who stayed, those with a longer relationship spend more each year (the \
                example, by years of tenure), so each customer lost takes a growing stream of revenue with them.
                """,
            formula: """
                churn − 5%  →  profit + 25% to 100%   (the CRM course material: "research shows", no source)
                  retention + 5%  →  profit + 25% to 85%   (Reichheld and Sasser 1990)
                """,
            example: """
                customers | where churned == 0
                  | summarize customers = count(), avg_spend_12m = avg(spend_12m) by years = bin(tenure_days, 365) / 365
                  | sort years
                """),
    ]
}
