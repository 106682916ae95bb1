extension CRM {
    /// The 10C framework and the measures of loyalty: shares, retention, churn, repeat
    /// purchase, RFM, cohorts, NPS.
    static let measureConcepts: [CRMConcept] = [
        CRMConcept(
            name: "ten_c",
            summary: "the 10C framework: the ten means and ends of CRM, each a topic here",
            explanation: """
                The CRM course material organises CRM's means and ends as ten Cs: customer profile (the data collected), \
                customer knowledge (rules learned from it), customer segmentation (need-based or value-based), \
                customisation (one-to-one), customer value (the benefits the customer expects), customer \
                satisfaction, customer development (cross-sell and up-sell), customer retention (and its \
                opposite, churn), customer acquisition, and customer profitability (lifetime profit). It presents \
                the ten together as CRM's means and ends without sorting them into the two, and names \
                customisation one of CRM's main means. Each has its own topic: customer_profile, customer_knowledge, segmentation, \
                customisation, delivered_value, satisfaction, customer_development, retention, acquisition and \
                profitability.
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), satisfaction = avg(satisfaction), retention = retention_rate(), wallet_share = avg(share_of_wallet), avg_clv = avg(clv) by region
                """),
        CRMConcept(
            name: "customer_profile",
            summary: "10C: the information the firm collects about each customer",
            explanation: """
                The customer profile is the firm's collection of information about each customer: demographics, \
                psychological traits, needs, behaviour patterns, transaction records and credit. It is the raw \
                material of every other C. In crmq the profile is a customer's row in customers (who, where, \
                acquired how and when, survey answers) with their transactions and interactions; the computed \
                columns add behaviour such as recency, frequency and monetary value.
                """,
            formula: nil,
            example: """
                customers | where customer_id == 1
                  | select customer_id, name, region, channel, signup_date, satisfaction, recency, frequency, monetary
                """),
        CRMConcept(
            name: "customer_knowledge",
            summary: "10C: rules of thumb learned from customer data that guide CRM",
            explanation: """
                Customer knowledge is customer information turned into rules that apply widely and guide CRM \
                decisions: for example, that customers who have not bought for a long time are about to leave. \
                The CRM course material's definition of CRM speaks of accumulating, using and sharing customer knowledge. In \
                crmq, knowledge is what a grouped query reveals when a pattern holds across many customers, as \
                the churn rate does across recency bands in the example.
                """,
            formula: nil,
            example: """
                customers
                  | summarize customers = count(), churn = churn_rate() by recency_band = bin(recency, 90)
                  | sort recency_band
                """),
        CRMConcept(
            name: "segmentation",
            summary: "10C: dividing customers into groups with similar needs or similar value; k-means segments",
            explanation: """
                Segmentation divides customers into groups that are treated differently. The CRM course material names two \
                bases: need-based, grouping customers whose wants for products and services are alike, and \
                value-based, grouping them by the value they bring, which matters most for CRM. Marketing moves \
                from mass marketing to segment marketing to one-to-one marketing, and the course names a \
                segmentation model first among CRM's data-mining models ('help data_mining_models'). In crmq, \
                RFM segments are a value-based segmentation by fixed rules ('help rfm_analysis'); product \
                categories give need-based groups; the value matrix splits customers by current and potential \
                value ('help value_matrix').

                k-means finds segments in the data instead of by rules: on value columns (recency, frequency, \
                monetary, clv) it is value-based, on attitude or need columns (satisfaction, trust, \
                perceived_value, switching_cost, categories bought) it is need-based. The columns are \
                standardised first, so each counts alike whatever its unit. To read it: choose k where \
                kmeans_elbow's drop flattens (and where the segments can still be told apart and acted on); read \
                kmeans_profile's _z columns as how far each segment sits above (+) or below (-) the average, \
                in standard deviations, and name the segments from them (recent, frequent, big spenders; \
                lapsed; new); then join kmeans back to the customers to act on each segment or to compare \
                churn and value between them. Segment numbers are ranks by size, not names: a different k or \
                seed renumbers them.
                """,
            formula: """
                z = (x - mean) / standard deviation per column; segment = the nearest of k centres; \
                inertia = sum of squared distances to the centres
                """,
            example: """
                kmeans_profile(customers, columns = "recency, frequency, monetary", k = 4)
                """),
        CRMConcept(
            name: "customisation",
            summary: "10C: products, prices and promotions tailored to each customer",
            explanation: """
                Customisation means tailoring products and services to each customer's own needs: a personal \
                price, a personal promotion, a personal offer. The CRM course material calls it one of CRM's main means, on the \
                road from mass marketing through segment marketing to one-to-one marketing ('help one_to_one'). \
                Customising starts with knowing one customer: what they buy, how often and how much, as the \
                example shows for customer 1.
                """,
            formula: nil,
            example: """
                transactions | where customer_id == 1
                  | summarize orders = count(), spend = sum(amount) by category
                  | sort spend desc
                """),
        CRMConcept(
            name: "one_to_one",
            summary: "one-to-one marketing: a partnership with each valuable customer, centred on customer share",
            explanation: """
                One-to-one marketing adjusts the firm's strategy to each customer's particular needs and builds a \
                partner-like relationship with each one, above all with the most valuable 'gold' customers. Its \
                core, as the CRM course material puts it, is customer share rather than market share, through a dialogue with \
                each customer and customised products that make a lasting win-win relationship. Its key ideas are \
                customer share, customer lifetime value, customer tiers and the learning relationship. It goes in \
                four steps: identify the customers, differentiate them, interact with them and customise for them.
                """,
            formula: nil,
            example: """
                customers | where satisfaction >= 8 | top 10 by clv
                  | select customer_id, name, share_of_wallet, clv
                """),
        CRMConcept(
            name: "customer_development",
            summary: "10C: growing existing customers' spend through cross-sell and up-sell",
            explanation: """
                Customer development works on existing customers: the firm tries every way to raise their \
                contribution to its wallet share. The CRM course material names two methods: cross-selling ('help cross_sell'), \
                getting customers to buy the firm's other product lines, and up-selling ('help up_sell'), \
                offering newer, better or dearer products of the same kind at the right moment. Satisfied \
                customers whose share of wallet is still low are the natural targets: the example counts the \
                satisfied customers who stayed and the category spend they still take to other vendors.
                """,
            formula: nil,
            example: """
                customers | where churned == 0 and satisfaction >= 8 and share_of_wallet < 0.3
                  | summarize customers = count(), spend_elsewhere = sum(category_spend - spend_12m)
                """),
        CRMConcept(
            name: "cross_sell",
            summary: "selling existing customers the firm's other product lines",
            explanation: """
                Cross-selling attracts existing customers to buy the firm's other products, widening their \
                contribution. It is one of the two ways of customer development in the 10C framework, and \
                cross-buy intent is one of the four loyalty intents of the loyalty model. A cross-sell model, one \
                of the data-mining models the CRM course material names, predicts which customer will buy which other line; \
                basket analysis finds lines bought together ('help basket_analysis'). Counting the product lines \
                each customer buys shows how far cross-selling has gone.
                """,
            formula: nil,
            example: """
                transactions | summarize lines = count_distinct(category) by customer_id
                  | count by lines
                """),
        CRMConcept(
            name: "up_sell",
            summary: "selling existing customers newer, better or dearer products of the same kind",
            explanation: """
                Up-selling offers a customer, at the right moment, newer, better, more or dearer products of the \
                same kind as those they buy. Together with cross-selling it is the 10C way of developing existing \
                customers. The data has no product tiers, so crmq cannot see an up-sell directly; the spread of \
                purchase amounts within a category shows how much room there is between a typical and a premium \
                purchase.
                """,
            formula: nil,
            example: """
                transactions
                  | summarize orders = count(), typical = median(amount), p90 = percentile(amount, 0.9) by category
                  | sort p90 desc
                """),
        CRMConcept(
            name: "retention",
            summary: "keeping valuable customers; retention rate = the share of customers who stay",
            explanation: """
                Customer retention, in the 10C framework, is keeping valuable existing customers from leaving: \
                excellent, attentive and precisely customised products and services raise their satisfaction, \
                lower the churn rate and earn their lifetime value. Retention (how long customers stay) and share \
                of wallet (how much they spend with the firm) are the two measures of loyalty in the CRM course material. crmq's \
                aggregate retention_rate() is the share of rows whose churned is 0, one minus churn_rate(). \
                Comparing it across groups, such as acquisition channels, shows where customers stay.
                """,
            formula: "retention rate = customers who stayed / customers = 1 − churn rate",
            example: """
                customers
                  | summarize customers = count(), retention = retention_rate() by channel
                  | sort retention desc
                """),
        CRMConcept(
            name: "churn",
            summary: "customers who leave; churn rate = the share of customers who left",
            explanation: """
                Churn is the loss of customers, and the churn rate is the share of customers who have left. \
                Dissatisfaction easily leads to churn, but satisfaction alone does not prevent it ('help \
                satisfaction_vs_loyalty'). The CRM course material says research shows that cutting churn by 5% \
                can raise profit by 25% to 100%, naming no source ('help retention_economics'), and a \
                churn-prediction model is one of the data-mining models it names ('help churn_model'). In the data, churned is 1 for a customer who left and churn_date \
                says when; the aggregate churn_rate() is avg(churned). The example sets churn against the \
                Net Promoter groups.
                """,
            formula: "churn rate = customers who left / customers = avg(churned)",
            example: """
                customers
                  | summarize customers = count(), churn = churn_rate() by nps_group
                  | sort churn desc
                """),
        CRMConcept(
            name: "acquisition",
            summary: "10C: winning new customers by offering more value than competitors",
            explanation: """
                Customer acquisition wins new customers' interest by offering products and services of higher \
                value than competitors do. The CRM course material lists ways to find them: market surveys, company events and \
                referrals from existing customers. An acquisition rate needs prospects (how many were approached, \
                how many became customers), and the data has none, so crmq does not model the rate itself. It \
                can count new customers by signup year and channel; divided by the customers at the start of the \
                year, that gives a growth rate, the nearest measure the data allows.
                """,
            formula: """
                acquisition rate = new customers / prospects approached   (prospects are not in the data)
                  growth rate = new customers in a period / customers at its start
                """,
            example: "customers | count by signup_year = year(signup_date), channel"),
        CRMConcept(
            name: "profitability",
            summary: "10C: the profit a customer brings over their lifetime",
            explanation: """
                Customer profitability, the tenth C, is the profit a customer contributes over their lifetime: \
                their lifetime purchases minus the marketing and management costs the firm spends on them. It is \
                the customer lifetime profit (CLP) of 'help lifetime_value', the measure by which the CRM course material judges \
                a customer's worth. The data has revenue but no cost to serve, so crmq approximates profit with \
                the margin setting (default 0.3), as the clv column does.
                """,
            formula: "customer profitability = lifetime revenue − marketing and service costs",
            example: """
                customers
                  | summarize customers = count(), revenue = sum(monetary), avg_clv = avg(clv) by region
                  | sort avg_clv desc
                """),
        CRMConcept(
            name: "customer_share",
            summary: "share of wallet: the firm's share of the customer's spending in the category",
            explanation: """
                Customer share, also called share of wallet, is the proportion of a customer's spending in a \
                category that goes to the firm. The CRM course material calls it the quality of the market, where market share \
                is its quantity ('help market_vs_customer_share'), and makes it the core of one-to-one marketing. \
                With retention it is one of the two measures of loyalty: retention says how long, customer share \
                how much. crmq computes it for each customer as the column share_of_wallet, spend with the firm in \
                the last 12 months over the customer's yearly category_spend ('help share_of_wallet' gives the \
                exact rule).
                """,
            formula: "share of wallet = spend with us in the last 12 months / category_spend",
            example: """
                customers | top 10 by share_of_wallet
                  | select customer_id, name, share_of_wallet
                """),
        CRMConcept(
            name: "market_vs_customer_share",
            summary: "market share is the quantity of the market, customer share its quality",
            explanation: """
                Market share is the firm's part of all sales in a market: how much of the market it has won. \
                Customer share is the firm's part of each customer's spending: how deeply it serves the customers \
                it has. The CRM course material describes CRM as moving marketing from market share to customer share, and calls \
                customer share the quality of the market and market share its quantity. The data knows only the \
                firm's own customers, so true market share is out of reach; summing spend and category spend over \
                the customers gives the firm's share of their combined wallet, by region in the example.
                """,
            formula: """
                market share   = our sales / all sales in the market
                  customer share = our sales to a customer / that customer's spend in the category
                """,
            example: """
                customers
                  | summarize customers = count(), our_spend = sum(spend_12m), their_spend = sum(category_spend) by region
                  | extend wallet_share = our_spend / their_spend | sort wallet_share desc
                """),
        CRMConcept(
            name: "repeat_purchase",
            summary: "repeat purchase rate: the share of customers who buy again",
            explanation: """
                The repeat purchase rate is the share of customers who buy again within a period. The CRM course material calls \
                it the core measure of loyalty, because in a competitive market every purchase is a choice that \
                other brands try to win. It measures behavioural loyalty, Oliver's action stage, where the survey \
                answers measure intentions. crmq's aggregate repeat_rate() takes, of the customers who ever \
                bought (frequency of 1 or more), the share who bought at least twice; for one period, count each \
                customer's purchases in it (examples/05_cohorts.crmq shows how).
                """,
            formula: "repeat purchase rate = customers with 2 or more purchases / customers with at least 1",
            example: "customers | summarize customers = count(), repeat_rate = repeat_rate() by loyalty_stage"),
        CRMConcept(
            name: "rfm_analysis",
            summary: "RFM: recency, frequency and monetary value, scored and segmented",
            explanation: """
                RFM analysis uses what the CRM course material calls the three magic elements of a customer database, the best \
                indicators for analysis: recency (when the customer last bought), frequency (how many times they \
                bought in a period) and monetary value (how much they spent). It shows a customer's whole profile \
                as it changes, grounds personalised communication and service, helps raise the number of \
                transactions, and tells customers apart by their behaviour. crmq's rfm(transactions) scores each \
                measure from 1 to 5 by quintile and names a segment from the scores; the customers table also \
                has recency, frequency and monetary as computed columns.
                """,
            formula: "recency = days since the last purchase; frequency = purchases; monetary = revenue; each scored 1–5 by quintile",
            example: "rfm(transactions) | count by rfm_segment"),
        CRMConcept(
            name: "cohort_analysis",
            summary: "cohorts: customers grouped by the month of their first purchase, followed month by month",
            explanation: """
                A cohort is a group of customers who started in the same month. Cohort analysis follows each \
                cohort over the months since its first purchase and counts how many are still buying, which shows \
                retention as a curve over the lifecycle rather than a single number, and separates the age of a \
                relationship from changes in the calendar. crmq's cohorts(transactions) gives, for each cohort \
                month and period (months since the first purchase), the cohort's customers, how many of them were \
                active and the rate; the example averages the rate over cohorts.
                """,
            formula: "rate = customers of the cohort active in period p / customers of the cohort",
            example: """
                cohorts(transactions) | where period <= 12
                  | summarize cohorts = count(), avg_rate = avg(rate) by period
                  | sort period
                """),
        CRMConcept(
            name: "net_promoter",
            summary: "Net Promoter Score: % promoters (9–10) minus % detractors (0–6)",
            explanation: """
                The Net Promoter Score, introduced by Reichheld in 2003, asks one question (how likely is the \
                customer to recommend the firm, from 0 to 10) and subtracts the percentage of detractors (0–6) \
                from the percentage of promoters (9–10); passives (7–8) count only in the total. Recommendation is \
                the referral intent of the loyalty model of the CRM course material, one of the four ways loyalty shows itself, and \
                the CRM course material notes that loyal customers become the firm's unpaid advertisers. In crmq, nps(recommend) \
                is the aggregate and nps_group the column that puts each customer in a group.
                """,
            formula: "NPS = 100 × (promoters − detractors) / respondents, from −100 to 100",
            example: "customers | summarize nps = nps(recommend) by region"),
    ]
}
