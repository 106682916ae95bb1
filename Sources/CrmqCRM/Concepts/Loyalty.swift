extension CRM {
    /// Satisfaction and loyalty: Kotler's satisfaction, the nonlinear link to loyalty, the
    /// loyalty model, Oliver's stages and what binds a customer.
    static let loyaltyConcepts: [CRMConcept] = [
        CRMConcept(
            name: "satisfaction",
            summary: "Kotler: the pleasure or disappointment from comparing perceived performance with expectation",
            explanation: """
                Kotler (Marketing Management), as the CRM course material quotes him, defines customer satisfaction as the feeling of pleasure or disappointment a person forms \
                by comparing a product's perceived performance (or outcome) with their expectations. So \
                satisfaction has two levers: what the customer expects and what they perceive. The CRM course material warns \
                that expectations must be managed: raising them attracts buyers, but set too low they give \
                satisfied customers and small sales, and set too high they leave the perceived value short and \
                few customers buy again. The dataset has all three survey answers (expectation, \
                perceived_quality and satisfaction, 1–10), and crmq computes the gap between the first two as \
                the column satisfaction_gap.
                """,
            formula: "satisfaction_gap = perceived_quality − expectation   (above 0 delights, below 0 disappoints)",
            example: """
                customers
                  | summarize customers = count(), avg_satisfaction = avg(satisfaction) by satisfaction_gap
                  | sort satisfaction_gap
                """),
        CRMConcept(
            name: "loyalty",
            summary: "customer loyalty: continued buying from the firm, backed by preference and trust",
            explanation: """
                Customer loyalty grows out of satisfaction: it is the trust, support and wish to keep buying \
                that a satisfied customer forms toward a brand or firm. It takes two forms, the intention to be \
                loyal and loyal behaviour, and the CRM course material quotes Jill Griffin (Customer Loyalty, 1995): loyalty is a behaviour, while \
                satisfaction is only an attitude. The CRM course material measures loyalty with two indicators: retention (how \
                long the relationship lasts) and share of wallet (how much of the customer's budget goes to the \
                firm); the repeat purchase rate is the core behavioural measure. Oliver's four stages ('help \
                oliver_stages') describe how loyalty deepens, and 'help loyalty_model' what drives it.
                """,
            formula: "measured by: retention (duration) and share of wallet (depth); repeat purchase rate (behaviour)",
            example: """
                customers
                  | summarize customers = count(), retention = retention_rate(), wallet_share = avg(share_of_wallet) by loyalty_stage
                """),
        CRMConcept(
            name: "satisfaction_vs_loyalty",
            summary: "satisfaction is not loyalty: the link between them is nonlinear",
            explanation: """
                Satisfaction is an attitude about past experience; loyalty is continued behaviour that predicts \
                future buying, so satisfying customers is not enough to stop them leaving. The CRM course material describes the \
                curve: below a minimum level of satisfaction, loyalty collapses; across a wide middle zone it \
                barely moves as satisfaction changes; only near the top does it rise steeply. This is the \
                satisfaction-versus-retention curve made famous by Jones and Sasser ('Why satisfied customers \
                defect', 1995): merely satisfied customers leave almost as readily as indifferent ones, and only \
                the completely satisfied stay. Read the retention column of the example from low to high \
                satisfaction to find the three zones.
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), retention = retention_rate() by satisfaction
                  | sort satisfaction
                """),
        CRMConcept(
            name: "loyalty_model",
            summary: "trust, perceived value, satisfaction and switching cost drive four loyalty intents",
            explanation: """
                The loyalty model of the CRM course material has four drivers, each positively related to loyalty: customer trust, \
                perceived value, satisfaction and switching cost. Loyalty shows itself as four intentions: \
                repurchase intent, price tolerance (staying after a price rise), cross-buy intent (buying other \
                product lines) and referral intent (recommending the firm). The drivers' weights differ from one \
                lifecycle stage to the next, which is why the CRM course material concludes that satisfaction alone cannot \
                control churn, that value must come first, and that switching costs can lock in target customers. \
                The dataset holds every driver and intent as a survey answer (1–7; recommend 0–10), so the model \
                can be fitted stage by stage with regress: a linear regression of each intent on the four drivers. \
                Read std_coefficient (beta, the standardised coefficient): the change in the intent, in standard \
                deviations, when one driver rises by one standard deviation and the others stay put. Betas are \
                comparable between drivers measured on different scales, so the largest beta is the strongest \
                driver; compare one driver's beta across the stages to see its weight shift. p says whether a \
                weight could be chance (below 0.05 it rarely is), and r2 how much of the intent the four drivers \
                explain together. The drivers are correlated with each other, so a beta is a driver's own \
                contribution over and above the others, not its correlation with the intent (corr gives that).
                """,
            formula: "intent = b0 + b1·trust + b2·perceived_value + b3·satisfaction + b4·switching_cost + e   (beta_j = b_j · sd(driver_j) / sd(intent))",
            example: """
                regress(customers, y = repurchase_intent + price_tolerance + cross_buy_intent + recommend, x = trust + perceived_value + satisfaction + switching_cost, by = lifecycle_stage)
                  | where term != "(intercept)"
                  | select lifecycle_stage, outcome, term, std_coefficient, p, r2
                """),
        CRMConcept(
            name: "oliver_stages",
            summary: "Oliver's four loyalty stages: cognitive, affective, conative, action",
            explanation: """
                Oliver (1999, 'Whence consumer loyalty?', Journal of Marketing) divides loyalty into four stages, each deeper than the one before, and the CRM course material follows him. Cognitive loyalty rests \
                on beliefs about the brand and its benefits (what the customer knows says it is better); \
                affective loyalty is a favourable attitude, a liking built on repeated satisfaction; conative \
                loyalty is a committed intention to buy again, a strong motive; action loyalty turns that \
                intention into rebuying that overcomes obstacles, such as a competitor's offer. The CRM course material \
                concludes that loyalty is first emotional and then behavioural, and means little until it shows in \
                words or purchases. crmq gives each customer a stage in the column loyalty_stage, by rules that \
                'help loyalty_stage' shows; counting customers per stage gives the loyalty-stage counts.
                """,
            formula: "cognitive → affective → conative → action",
            example: "customers | count by loyalty_stage"),
        CRMConcept(
            name: "relationship_benefits",
            summary: "what a customer gains from a relationship: social, special treatment, confidence, respect",
            explanation: """
                The CRM course material lists four relationship benefits that bind a customer to a provider, each affecting \
                loyalty differently. Social benefits are the closeness, personal recognition and friendship \
                between customer and provider (Bitner, 1995: good experiences in a service relationship improve \
                the customer's quality of life). Special-treatment benefits are economic, such as better prices \
                for a lasting relationship, or non-economic. Confidence benefits are reduced risk, which Berry \
                names the main result of a long relationship, and respect benefits are the psychological \
                satisfaction of being treated with respect. The dataset has no direct measure of these \
                benefits; trust is the survey answer nearest to the confidence benefit.
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), repurchase = avg(repurchase_intent), retention = retention_rate() by trust
                  | sort trust
                """),
        CRMConcept(
            name: "switching_cost",
            summary: "what it costs a customer to change supplier: money, time and uncertainty",
            explanation: """
                Switching cost is the one-time cost a customer faces in moving from one supplier to another: \
                money, but also time, and the psychological cost of uncertainty about a new provider. The CRM course material \
                says it has a direct effect on keeping customers loyal, makes it one of the four drivers of the \
                loyalty model, and advises using it to lock in target customers. It also warns that online a \
                competitor is one click away, so switching costs fall and loyalty is harder to build. The \
                dataset's switching_cost is a survey answer from 1 (easy to leave) to 7 (costly to leave).
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), retention = retention_rate(), price_tolerance = avg(price_tolerance) by switching_cost
                  | sort switching_cost
                """),
        CRMConcept(
            name: "delivered_value",
            summary: "Kotler: customer delivered value = total customer value − total customer cost",
            explanation: """
                Customer delivered value is the customer's overall weighing of the benefits they perceive against \
                the costs they pay: total customer value (product, service, staff and brand value) minus total \
                customer cost (money, time, effort and worry). The CRM course material says that the larger the delivered value, \
                the more inclined the customer is to buy from the firm, and that CRM aims to raise all the \
                customer's value while lowering all their costs (the 'customer value' of the 10C framework). \
                Value has three parts: quality is the foundation, service the guarantee and price the promotion. \
                The dataset's perceived_value (value for money, 1–7) is the customer's own summary of delivered \
                value.
                """,
            formula: "delivered value = total customer value − total customer cost",
            example: """
                customers
                  | summarize customers = count(), repurchase = avg(repurchase_intent), retention = retention_rate() by perceived_value
                  | sort perceived_value
                """),
        CRMConcept(
            name: "loyalty_elements",
            summary: "the elements that build loyalty: service quality, service effect, relationship upkeep",
            explanation: """
                One text of the CRM course material lists the key elements for building loyalty (it speaks of five). Service quality comes \
                first, in three parts: product quality (the static side, before, during and after the sale), \
                service level (the design of the process) and technical ability (the dynamic side). Service \
                effect is the satisfaction the customer feels inside. Relationship upkeep means interacting with \
                empathy, becoming a friend who understands the customer's needs, and then, as it continues, \
                conveying the value of the product so that the customer comes to share it. In the dataset, \
                perceived_quality stands for service quality, satisfaction for the service effect and the \
                interactions table for relationship upkeep.
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), satisfaction = avg(satisfaction), retention = retention_rate() by perceived_quality
                  | sort perceived_quality
                """),
    ]
}
