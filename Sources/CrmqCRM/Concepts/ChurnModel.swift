extension CRM {
    /// The churn-prediction model: logistic regression with a holdout, read as the CRM course
    /// material's customer-loss and retention ideas ask.
    static let churnModelConcepts: [CRMConcept] = [
        CRMConcept(
            name: "churn_model",
            summary: "churn prediction: a logistic regression scores each customer's risk of leaving (logit, logit_gain, logit_score)",
            explanation: """
                The CRM course material names a churn-prediction model among the data-mining models of CRM, \
                beside segmentation, value assessment and cross-sell ('help data_mining_models'): customer loss \
                is costly, since research it cites says that cutting churn by 5% can raise profit by 25% to 100% \
                ('help retention_economics'), dissatisfaction easily leads to churn, and satisfaction alone does \
                not prevent it ('help satisfaction_vs_loyalty'). Retention means keeping the valuable customers, \
                so the model's use is to find who is likely to leave before they do, and to act on the valuable \
                ones first. It is one step of the database-marketing process ('help database_marketing'): \
                behaviour variables, a model, action, evaluation.

                Logistic regression models the log-odds of churn, log(p / (1 - p)), as a weighted sum of the \
                predictors, fitted by maximum likelihood (Cox 1958; Hosmer and Lemeshow, Applied Logistic \
                Regression). logit gives one row per term: coefficient is the change in the log-odds per unit of \
                the predictor, the others held fixed; odds_ratio = exp(coefficient) multiplies the odds of \
                churning per unit (0.78 for satisfaction: each point more cuts the odds by 22%; above 1 raises \
                them); std_coefficient is the same per standard deviation, to compare predictors on different \
                scales; p below 0.05 says the weight is unlikely to be chance. The model is fitted on a training \
                part of the customers and judged on the rest, the holdout, which it never saw: a seeded hash of \
                each customer_id decides the side, so the split is the same on every run.

                AUC, the area under the ROC curve, is the probability that a random churner gets a higher score \
                than a random stayer: 0.5 is a coin toss, 1 a perfect ranking, and around 0.7 to 0.8 is useful \
                for targeting. A train_auc well above holdout_auc means the model learned noise. logit_gain ranks \
                the holdout customers by predicted risk and cuts them into deciles: gain is the share of all \
                churners found in the top deciles (the gain curve, 'chart line depth, gain', against the diagonal \
                of random picks), lift how many times the churn rate of a decile beats the average. Read it as a \
                budget: if the retention campaign can reach 20% of the customers, the gain at depth 0.2 is the \
                share of leavers it can reach. logit_score gives each customer a churn probability to join back, \
                for example to list the valuable active customers most at risk (clv times probability is the value \
                at stake). A model fitted on the customers who already left explains the past: for a forecast, \
                measure the predictors as of an earlier date (customers(asof = ...)) and the churn after it.
                """,
            formula: """
                log(p / (1 − p)) = b0 + b1·x1 + ... + bk·xk;  odds ratio = e^b;  AUC = P(score of a churner > score of a stayer)
                  gain(depth d) = churners in the top d of customers by score / all churners;  lift = gain / d
                """,
            example: """
                logit(customers, y = churned, x = satisfaction + trust + perceived_value + switching_cost, holdout = 0.3, seed = 42)
                """),
    ]
}
