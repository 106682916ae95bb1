extension CRM {
    /// The data-mining models and the database-marketing process the CRM course material names.
    static let dataMiningConcepts: [CRMConcept] = [
        CRMConcept(
            name: "data_mining_models",
            summary: "the four models the CRM course material names: segmentation, value assessment, churn prediction, cross-sell",
            explanation: """
                The CRM course material names four kinds of data-mining model in CRM. A segmentation model groups customers \
                ('help segmentation'); a value-assessment model estimates what each customer is worth ('help \
                lifetime_value'); a churn-prediction model scores who is likely to leave ('help churn_model': \
                logit fits one); a cross-sell model predicts who will buy which other product line ('help \
                cross_sell'). Each model's first cut is a query: RFM segments, clv, churn by segment or by \
                recency, product lines per customer. The models are one step of the database-marketing \
                process ('help database_marketing').
                """,
            formula: nil,
            example: """
                rfm(transactions)
                  | join (customers | select customer_id, churned) on customer_id
                  | summarize customers = count(), churn = churn_rate() by rfm_segment
                  | sort churn desc
                """),
        CRMConcept(
            name: "basket_analysis",
            summary: "shopping-basket analysis: which products are bought together",
            explanation: """
                Basket analysis, which the CRM course material names among the data-mining uses of modern information technology, \
                finds which products are bought together, so that one can be offered with the other (cross-selling) \
                or placed beside it. Its measures are the support of a pair (how often both are in one basket), \
                the confidence of a rule (how often B is bought when A is) and its lift. crmq does not model \
                baskets yet: a transaction has a customer, a date and a category but no basket. A customer's \
                purchases on one day can stand in for a basket, and joining them with themselves counts the pairs \
                of categories bought together.
                """,
            formula: """
                support(A, B) = baskets with A and B / baskets
                  confidence(A → B) = support(A, B) / support(A);  lift(A → B) = confidence(A → B) / support(B)
                """,
            example: """
                transactions | distinct customer_id, date, category
                  | join (transactions | distinct customer_id, date, category) on customer_id, date
                  | where category < category_right
                  | count by category, category_right | sort n desc | take 10
                """),
        CRMConcept(
            name: "database_marketing",
            summary: "marketing from the customer database, in six steps from data to models to action",
            explanation: """
                Database marketing starts from the customer: with computers and communications it uses the data \
                in a customer database to identify target and potential long-term customers, talk with them and \
                build a lasting relationship. The CRM course material gives its process in six steps: build a complete customer \
                database; derive a set of behaviour variables; build data-mining models; design and run marketing \
                actions from the models' results; evaluate the effect; and monitor and update the models. With \
                one-to-one marketing and direct marketing it is part of the modern marketing theory CRM grew from, \
                on the foundation of relationship marketing. A crmq script is such a cycle in small: the tables are \
                the database and the computed columns the behaviour variables.
                """,
            formula: "database → behaviour variables → models → action → evaluation → monitoring and update",
            example: """
                customers
                  | select customer_id, recency, frequency, monetary, share_of_wallet, satisfaction, churned
                  | take 10
                """),
    ]

    /// Channels: the call centre and complaints, the `interactions` table.
    static let channelConcepts: [CRMConcept] = [
        CRMConcept(
            name: "call_centre",
            summary: "the channels through which customers reach the firm: the interactions table",
            explanation: """
                Modern CRM grew out of contact management, which collects every contact between a customer and the \
                firm, and customer care built around the telephone service centre. The CRM course material sees the call centre \
                as the firm's open channel to customers: complaints, fault reports and service requests handled \
                quickly, one to one. crmq's interactions table records each contact (kind: complaint, inquiry, \
                service or feedback) and whether it was resolved to the customer's satisfaction.
                """,
            formula: nil,
            example: """
                interactions
                  | summarize contacts = count(), customers = count_distinct(customer_id), resolved = avg(resolved) by kind
                """),
        CRMConcept(
            name: "complaints",
            summary: "complaints and their handling: a lever of retention",
            explanation: """
                One text of the CRM course material counts the automatic handling of complaints by a call centre among CRM's goals: an open \
                channel where customer and firm talk on equal terms raises satisfaction. A complaint comes from a \
                dissatisfied customer who is still talking; handled well it can keep a customer who would \
                otherwise leave in silence, and dissatisfaction, the CRM course material says, easily leads to churn. The \
                interactions table marks each complaint as resolved or not, so the churn of customers whose \
                complaints were resolved can be set against the churn of those whose were not.
                """,
            formula: nil,
            example: """
                interactions | where kind == "complaint"
                  | join (customers | select customer_id, churned) on customer_id
                  | summarize complaints = count(), churn = churn_rate() by resolved
                """),
    ]
}
