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
            summary: "shopping-basket analysis: which products are bought together; association rules, support, confidence, lift",
            explanation: """
                Cross-selling, in the CRM course material, attracts existing customers to buy the firm's other \
                products ('help cross_sell'); it names a cross-sell model among CRM's data-mining models and \
                shopping-basket analysis among the data-mining uses of information technology. Basket analysis \
                finds which products are bought together, so that one can be offered with the other, placed \
                beside it or bundled with it. Its result is association rules A → B, 'baskets holding A also \
                hold B' (Agrawal, Imielinski and Swami 1993), each with three measures. Support is the share of \
                all baskets holding A and B: how much business the rule touches; a rule of tiny support is \
                anecdote. Confidence is the share of A's baskets that also hold B: how often an offer of B to \
                an A-buyer would match what they buy anyway; it is not symmetric, and it is high for any B that \
                is common everywhere. Lift divides confidence by B's own share of baskets: how many times \
                likelier B is with A than in any basket. Lift 1 is what chance gives (A says nothing about B); \
                above 1, A and B go together, and the further above, the stronger the tie; below 1, they \
                exclude each other (one or the other, as substitutes). That is why lift > 1 matters: a rule of \
                high confidence towards a common item can have lift 1, and then pushing B to A's buyers sells \
                no more than pushing it to anyone. Lift is symmetric: A → B and B → A have the same lift and \
                different confidences.

                To read rules(transactions): start from the top (highest lift) and keep \
                rules with enough support to matter; read confidence in the direction of the offer (for A's \
                buyers, offer B); treat lift within a few hundredths of 1 as chance, the more so on small data; \
                a rule of two items to a third says more than its pairs only when its lift stands out among \
                the rules of the same two items, as baskets holding two given items are bigger than most and \
                any third item is likelier in them. In crmq a \
                basket is an order (order_id) and an item a product line (category); the demo data has four \
                associations planted by its generator, which the rules find (docs/dataset.md).
                """,
            formula: """
                support(A → B) = baskets with A and B / baskets;  confidence(A → B) = baskets with A and B / baskets with A
                  lift(A → B) = confidence(A → B) / (baskets with B / baskets)
                """,
            example: """
                rules(transactions)
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
