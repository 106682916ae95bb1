import CrmqSemantics
import CrmqEngine

/// The stage columns: lifecycle_stage, loyalty_stage (Oliver) and nps_group.
extension CustomerMeasures {
    static let lifecycleStage = ComputedColumn(
        name: "lifecycle_stage", type: levels(LifecycleStage.self),
        summary: "identification, development, stability, decline or lost",
        rule: """
            The first that holds: lost when the customer has churned by asof (churned true and \
            churn_date missing or before asof); decline when the customer has gone more than \
            decline_days (180) without a purchase, counting from the last purchase, or from signup for a customer who never bought; \
            identification when tenure_days is below identification_days (90) or the customer has \
            made at most one purchase; stability when tenure_days is at least stability_days (365) and \
            the customer made at least stability_purchases (6) purchases in the last 12 months; \
            development otherwise.

            A customer who never bought is in identification while young and in decline once \
            decline_days have passed since signup. A missing churned counts as not churned; a missing \
            tenure (no signup_date, or a signup after asof) decides no tenure test. Null only when \
            the customer never bought and tenure is unknown.

            The CRM course material's lifecycle has three stages: identification/exploration (no or \
            weak loyalty), development (satisfaction, trust, behavioural loyalty, medium repurchase \
            intent) and stability (emotional, lasting loyalty, strong on all four intents). Decline and \
            lost are crmq's own extension, for customers the course material's stages do not describe: \
            lost for those who have left (churned as of asof), decline for those still customers but \
            fading (no purchase for decline_days). The stages sort and group in the order \
            identification < development < stability < decline < lost.
            """,
        needs: ["transactions"], requires: ["customer_id", "signup_date", "churned"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let s = try PurchaseSummary.of(inputs)
        let tenure = tenure(inputs)
        let churned = churnedAsOf(inputs.customers, asOf: s.asOf)
        let declineDays = inputs.intSetting("decline_days")
        let identificationDays = inputs.intSetting("identification_days")
        let stabilityDays = inputs.intSetting("stability_days")
        let stabilityPurchases = inputs.intSetting("stability_purchases")
        let tenureDays: [Int64] = if case .int(let a) = tenure.values { a } else { [] }
        return labels(LifecycleStage.self, count: churned.count) { i in
            lifecycle(
                churned: churned[i], recency: s.recency(i),
                tenure: tenureDays.isEmpty || tenure.isNull(i) ? nil : tenureDays[i],
                purchases: s.count(i), purchases12m: s.count12m(i),
                declineDays, identificationDays, stabilityDays, stabilityPurchases)
        }
    }

    /// In the order of the lifecycle, which is also the order its values sort and group in.
    enum LifecycleStage: String, CaseIterable {
        case identification, development, stability, decline, lost
    }

    // The lifecycle rule for one customer (docs/crm.md).
    static func lifecycle(
        churned: Bool, recency: Int64?, tenure: Int64?, purchases: Int64, purchases12m: Int64,
        _ declineDays: Int64, _ identificationDays: Int64, _ stabilityDays: Int64, _ stabilityPurchases: Int64
    ) -> LifecycleStage? {
        if churned { return .lost }
        // Never bought: the days since signup count as the days without a purchase.
        guard let idle = recency ?? tenure else { return nil }
        if idle > declineDays { return .decline }
        if let tenure, tenure < identificationDays { return .identification }
        if purchases <= 1 { return .identification }
        if let tenure, tenure >= stabilityDays, purchases12m >= stabilityPurchases { return .stability }
        return .development
    }

    static let loyaltyStage = ComputedColumn(
        name: "loyalty_stage", type: levels(LoyaltyStage.self),
        summary: "cognitive, affective, conative or action (Oliver)",
        rule: """
            The highest stage whose condition holds: action when conative, the customer has not \
            churned by asof (churned true and churn_date missing or before asof), and made at least \
            action_purchases (4) purchases in the last 12 months (repeat buying); conative when \
            repurchase_intent is at least conative_intent (6, of 7: a committed intention to rebuy); \
            affective when satisfaction is at least affective_satisfaction (7, of 10) or trust is at \
            least affective_trust (5, of 7): liking; cognitive otherwise (beliefs only).

            A missing answer counts towards no stage; a customer with all three answers \
            (repurchase_intent, satisfaction, trust) missing is null: we know nothing of the attitude.

            Oliver's four loyalty stages (Oliver 1999, "Whence consumer loyalty?", Journal of \
            Marketing): cognitive (beliefs about the brand), affective (liking), conative (committed \
            intention to rebuy), action (rebuying that overcomes obstacles). The thresholds are crmq's \
            own reading of the survey answers, and they are settings. A customer who has left shows \
            no action loyalty whatever they bought before leaving: a churned customer's stage is \
            decided by the attitude alone, so it is conative at most.
            """,
        needs: ["transactions"], requires: ["customer_id", "repurchase_intent", "satisfaction", "trust"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let s = try PurchaseSummary.of(inputs)
        let n = inputs.customers.rowCount
        let none = Column(.null(count: n))
        let intent = NumericColumn(inputs.customers.column(named: "repurchase_intent") ?? none)
        let satisfaction = NumericColumn(inputs.customers.column(named: "satisfaction") ?? none)
        let trust = NumericColumn(inputs.customers.column(named: "trust") ?? none)
        let conativeIntent = Double(inputs.intSetting("conative_intent"))
        let affectiveSatisfaction = Double(inputs.intSetting("affective_satisfaction"))
        let affectiveTrust = Double(inputs.intSetting("affective_trust"))
        let actionPurchases = inputs.intSetting("action_purchases")
        let churned = churnedAsOf(inputs.customers, asOf: s.asOf)
        return labels(LoyaltyStage.self, count: n) { i in
            let r = intent?.value(i), sat = satisfaction?.value(i), tr = trust?.value(i)
            if r == nil && sat == nil && tr == nil { return nil }
            if let r, r >= conativeIntent {
                return !churned[i] && s.count12m(i) >= actionPurchases ? .action : .conative
            }
            if let sat, sat >= affectiveSatisfaction { return .affective }
            if let tr, tr >= affectiveTrust { return .affective }
            return .cognitive
        }
    }

    /// Oliver's stages from the weakest loyalty to the strongest: the category's order.
    enum LoyaltyStage: String, CaseIterable {
        case cognitive, affective, conative, action
    }

    static let npsGroup = ComputedColumn(
        name: "nps_group", type: levels(NPSGroup.self),
        summary: "detractor (0-6), passive (7-8) or promoter (9-10)",
        rule: """
            From the answer to "how likely are you to recommend us?" (recommend, 0-10): promoter for \
            9 or 10, passive for 7 or 8, detractor for 0 to 6. Null when recommend is missing or \
            outside 0-10. The bands are the definition of the Net Promoter Score (NPS = % promoters \
            - % detractors, the nps aggregate), so they are not settings: see help nps.
            """,
        needs: [], requires: ["recommend"]
    ) { (inputs: CRMInputs) throws(EngineError) -> Column in
        let n = inputs.customers.rowCount
        guard let recommend = NumericColumn(inputs.customers.column(named: "recommend")) else {
            return Column(.null(count: n))
        }
        return labels(NPSGroup.self, count: n) { i in
            guard let r = recommend.value(i), r >= 0, r <= 10 else { return nil }
            return r >= 9 ? .promoter : r >= 7 ? .passive : .detractor
        }
    }

    /// From the lowest answers to the highest: the category's order.
    enum NPSGroup: String, CaseIterable {
        case detractor, passive, promoter
    }

    /// The ordered category of a label type: its cases, in declaration order.
    static func levels<L: RawRepresentable & CaseIterable>(_: L.Type) -> DataType where L.RawValue == String {
        .category(CategoryType(L.allCases.map(\.rawValue)))
    }

    /// A category column of labels, one per row (nil: null); the codes are the cases' ranks.
    static func labels<L: RawRepresentable & CaseIterable>(
        _: L.Type, count n: Int, _ label: (Int) -> L?
    ) -> Column where L.RawValue == String, L: Equatable {
        let cases = Array(L.allCases)
        var codes = [Int32](repeating: 0, count: n)
        var valid = [Bool](repeating: true, count: n)
        for i in 0..<n {
            if let l = label(i) { codes[i] = Int32(cases.firstIndex(of: l)!) } else { valid[i] = false }
        }
        guard case .category(let category) = levels(L.self) else { preconditionFailure("a category") }
        return Column(.string(codes: codes, dictionary: .levels(of: category)), validity: valid)
    }
}

extension PurchaseSummary {
    /// Days from the last purchase to as-of, nil without a purchase.
    @inline(__always) func recency(_ i: Int) -> Int64? {
        let last = lastDay(i)
        guard let asOf, last != .min else { return nil }
        return Int64(asOf) - Int64(last)
    }
}
