extension CRM {
    /// The customer lifecycle and what a customer is worth over it.
    static let lifecycleConcepts: [CRMConcept] = [
        CRMConcept(
            name: "lifecycle",
            summary: "a customer relationship passes through identification, development and stability (crmq adds decline and lost)",
            explanation: """
                Customer relationships have a lifecycle, and loyalty is built by an evolution, not at once. The \
                CRM course material describes three stages: identification (exploration), when loyalty is absent \
                or weak; development, when satisfaction and trust give behavioural loyalty with a medium intent \
                to repurchase; and stability, when loyalty becomes emotional and sustainable and all four loyalty \
                intents are strong. Each stage calls for its own retention strategy, because the drivers of \
                loyalty weigh differently in each ('help loyalty_model').

                crmq extends it with two stages of its own, which the course material does not have: lost, \
                a customer who has left (churned as of the as-of date), and decline, a customer still there \
                but fading (no purchase for the decline_days setting), whatever their tenure. crmq gives each customer a stage in the column lifecycle_stage; \
                'help lifecycle_stage' shows the rules.
                """,
            formula: """
                identification: loyalty none or weak; the four intents weak or absent
                  development:    satisfaction, trust, behavioural loyalty; intents medium
                  stability:      emotional, sustainable loyalty; all four intents strong
                  decline:        crmq's own: no purchase for decline_days
                  lost:           crmq's own: churned as of the as-of date
                """,
            example: """
                customers
                  | summarize customers = count(), repurchase = avg(repurchase_intent), tolerance = avg(price_tolerance), cross_buy = avg(cross_buy_intent), recommend = avg(recommend) by lifecycle_stage
                """),
        CRMConcept(
            name: "lifetime_value",
            summary: "CLV and CLP: what a customer is worth over the whole relationship",
            explanation: """
                Customer lifetime value (CLV) is the value a customer brings over the whole relationship; \
                customer lifetime profit (CLP) is what the CRM course material uses to judge a customer's worth: the customer's \
                lifetime purchases minus what the firm spends on marketing to and serving them. Identifying \
                valuable customers, CRM's first basic task, means ranking them by lifetime profit rather than by \
                one year's sales. Because most of a relationship lies in the future, CLV is an estimate: a simple \
                one (Gupta and Lehmann, 'Customers as assets', 2003) sums the yearly margin over the years the customer is expected to stay, \
                discounted; a \
                fitted model (BG/NBD with Gamma-Gamma) predicts purchases and spend. crmq's column clv uses the \
                settings margin and discount_rate; 'help clv' gives its exact rule. The column clp is lifetime \
                profit as the course defines it, with the settings margin, cost_per_contact and \
                marketing_cost; 'help clp' gives its rule.
                """,
            formula: """
                CLP = lifetime revenue − lifetime cost of marketing and service
                  simple CLV = m × r / (1 + d − r)   (m: yearly margin, r: retention rate, d: discount rate)
                """,
            example: """
                customers | top 10 by clv
                  | select customer_id, name, lifecycle_stage, monetary, clv, clp
                """),
    ]
}
