extension CRM {
    /// Probabilistic CLV: the buy-till-you-die models beside the formula clv.
    static let clvModelConcepts: [CRMConcept] = [
        CRMConcept(
            name: "clv_models",
            summary: "formula CLV or a fitted model (BG/NBD and Gamma-Gamma): when to use which",
            explanation: """
                The CRM course material judges a customer by lifetime value and lifetime profit ('help \
                lifetime_value'), which lie mostly in the future and must be estimated. crmq has two estimates.

                The formula clv of customers (Gupta and Lehmann 2003) takes this year's margin and one retention \
                rate for everyone: margin × spend_12m × r / (1 + discount_rate − r). It suits contractual \
                relationships, where a customer's leaving is recorded (churned, churn_date), and a first look.

                Where customers leave without saying so, as in most retail, a purchase that has not come yet may \
                mean a customer has gone or is only between purchases. The buy-till-you-die models read that from \
                each customer's own history, summed up as frequency (repeat purchase days), recency (the last \
                purchase, counted from the first) and age. BG/NBD (Fader, Hardie and Lee, 'Counting your \
                customers the easy way', 2005) assumes that while alive a customer buys at their own steady rate \
                (rates vary across customers as a gamma distribution, parameters r and alpha), and after each \
                purchase may drop out for good (chances vary as a beta distribution, a and b). From that it gives \
                P(alive): a frequent buyer who has been silent for long is probably gone, an occasional buyer \
                silent as long is probably not; and the expected purchases in any coming period. Gamma-Gamma \
                (Fader, Hardie and Lee, 'RFM and CLV', 2005) gives the expected value of a customer's purchases, \
                their own mean pulled towards the population's mean the fewer purchases it rests on. Model CLV \
                multiplies the two, month by month, with the margin and discount_rate settings.

                Use the model for non-contractual buying with enough history (a few repeat purchases across the \
                customers, several periods before the as-of date); check it with a tracking chart of expected \
                against actual purchases after the as-of date (expected_purchases_curve) before acting on it. \
                Use P(alive) and expected_purchases to find valuable customers slipping away: high past value, \
                falling P(alive).
                """,
            formula: """
                P(alive | x, t_x, T) = 1 / (1 + a / (b + x − 1) × ((α + T) / (α + t_x))^(r + x))   (1 when x = 0)
                  E[value] = p (γ + m x) / (p x + q − 1);  model CLV = margin × Σ_m E[purchases in month m] × E[value] / (1 + d)^(m/12)
                """,
            example: """
                bgnbd(transactions, horizon = 26) | where frequency >= 3 and p_alive < 0.5 | top 10 by avg_value
                """),
    ]
}
