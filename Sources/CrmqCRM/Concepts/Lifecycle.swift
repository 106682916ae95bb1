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
                settings margin and discount_rate; 'help clv' gives its exact rule. The column model_clv is the \
                fitted model's estimate; 'help clv_models' says when to use which. The column clp is lifetime \
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
        CRMConcept(
            name: "pareto",
            summary: "the 80/20 rule and customer tiers: how much of the value comes from the most valuable customers",
            explanation: """
                The Pareto principle, or 80/20 rule, says that a few causes often give most of the effect \
                (Juran's 'vital few'; Koch, 'The 80/20 Principle', 1998): for customers, a small share of them \
                brings most of the revenue and more of the profit. The split differs from firm to firm, so it is \
                measured, not assumed: rank the customers by value and read the cumulative share of revenue down \
                the list, the Pareto (concentration) curve. The CRM course material's one-to-one marketing serves \
                the most valuable 'gold' customers first and names customer tiers among its key ideas; the customer \
                pyramid (Zeithaml, Rust and Lemon, 'The Customer Pyramid', 2001) cuts the ranked customers into \
                tiers such as platinum, gold, iron and lead, each served at its own cost and with its own offers. \
                In crmq a window stage ranks the customers: cume_dist() is the share of customers at least as \
                valuable as this one, so cume_dist() <= 0.2 marks the top 20%; ntile(n) cuts the ranked list into \
                n tiers of equal size; running_sum(x) / sum(x) is the curve itself; 'top n by x per region' lists \
                the best customers of each region. To read it: when the top 20% bring most of the revenue, value \
                is concentrated, keeping the top tier comes first and losing one of them costs much; a flatter \
                curve means value is spread and measures for everyone matter more. Rank by the value that fits \
                the question: monetary (all purchases), spend_12m (the last year) or clv (the future).
                """,
            formula: """
                cumulative share(k) = revenue of the k most valuable customers / total revenue
                  top p share = revenue of the customers with cume_dist() <= p / total revenue
                """,
            example: """
                customers | window top = cume_dist() sort monetary desc
                  | summarize top_1 = sum(if(top <= 0.01, monetary, 0)) / sum(monetary), top_20 = sum(if(top <= 0.2, monetary, 0)) / sum(monetary)
                """),
    ]
}
