#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The causal model of the generated customers (docs/dataset.md explains each effect and
// where it comes from in the course material). Latent attitudes are continuous; the
// survey reports them rounded and clipped to their scales.

/// The fixed vocabularies and their shares.
enum Vocabulary {
    static let regions = ["North", "South", "East", "West", "Central", "Coastal", "Highlands", "Islands"]
    static let regionShare = [0.22, 0.18, 0.15, 0.12, 0.11, 0.09, 0.08, 0.05]
    /// Small regional differences in delivered quality.
    static let regionQualityShift = [0.15, -0.10, 0.00, 0.30, -0.30, 0.10, -0.20, 0.40]
    static let channels = ["web", "store", "phone", "partner"]
    static let channelShare = [0.45, 0.30, 0.10, 0.15]
    /// Switching cost by acquisition channel: partner and store relationships bind more.
    static let channelSwitchingCost = [-0.2, 0.3, 0.0, 0.6]
    static let categories = ["Apparel", "Beauty", "Electronics", "Garden", "Grocery", "Home", "Sports", "Toys"]
    static let categoryShare = [0.18, 0.12, 0.10, 0.08, 0.22, 0.14, 0.09, 0.07]
    /// Price level of each product line relative to the customer's usual basket.
    static let categoryPrice = [1.0, 0.7, 2.6, 1.2, 0.5, 1.4, 1.1, 0.8]
    static let kinds = ["complaint", "inquiry", "service", "feedback"]

    /// The associations planted in the orders (docs/dataset.md, "Orders and baskets"): an
    /// order holding a line in `trigger` also gets a line in each of `adds` with probability
    /// `chance`. Triggers and added categories are disjoint, so the order of the list does not matter.
    struct Association: Sendable {
        var trigger: Int
        var adds: [Int]
        var chance: Double
    }
    // Category numbers: Apparel 0, Beauty 1, Electronics 2, Garden 3, Grocery 4, Home 5, Sports 6, Toys 7.
    static let associations = [
        Association(trigger: 3, adds: [5], chance: 0.45),  // Garden → Home
        Association(trigger: 6, adds: [0], chance: 0.50),  // Sports → Apparel
        Association(trigger: 2, adds: [7], chance: 0.35),  // Electronics → Toys
        Association(trigger: 1, adds: [0, 5], chance: 0.25),  // Beauty → Apparel and Home (a gift set)
    ]
    /// The share of orders that are shopping trips, at an average cross-buy intent (times
    /// exp(0.25 · (cross-buy intent − 3.8)) for the customer); the rest hold one line.
    static let tripShare = 0.30
    /// A trip holds each category independently with probability `tripSize` times its
    /// share (about `tripSize` lines); an empty trip becomes a one-line order.
    static let tripSize = 2.7
    static let tripInclusion = categoryShare.map { min(tripSize * $0 / categoryShare.reduce(0, +), 0.9) }
    /// The lines an order holds on average (about: it sets how many orders make the
    /// purchases per customer the generator aims at).
    static let linesPerOrder = 1.85

    static let firstNames = """
        James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard \
        Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark \
        Sandra Donald Margaret Steven Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle \
        Kevin Carol Brian Amanda George Melissa Timothy Deborah Ronald Stephanie Jason Rebecca Edward \
        Sharon Jeffrey Laura Ryan Cynthia Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan \
        Brenda Stephen Emma Larry Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin Katherine \
        Samuel Christine Gregory Helen Alexander Debra Patrick Rachel Frank Carolyn Raymond Janet Jack \
        Maria Dennis Olivia Jerry Heather Tyler Diane Aaron Julie Jose Joyce Adam Victoria Nathan Ruth \
        Henry Virginia Zachary Lauren Douglas Kelly Peter Christina Kyle Joan Noah Evelyn Ethan Judith \
        Jeremy Andrea Walter Hannah Christian Megan Keith Cheryl Roger Jacqueline Terry Martha Austin \
        Madison Sean Teresa Gerald Gloria Carl Sara Harold Janice Dylan Ann Arthur Kathryn Lawrence \
        Abigail Jordan Sophia Jesse Frances Bryan Jean Billy Alice Bruce Judy Gabriel Isabella Joe Julia \
        Logan Grace Alan Amber Juan Denise Albert Danielle Willie Marilyn Elijah Beverly Wayne Charlotte \
        Randy Natalie Vincent Theresa Mason Diana Roy Brittany Ralph Doris Bobby Kayla Russell Alexis \
        Bradley Lori Philip Marie
        """.split(separator: " ").map(String.init)
    static let lastNames = """
        Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez \
        Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris \
        Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill \
        Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips \
        Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers \
        Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson \
        Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders \
        Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler \
        Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton \
        Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina \
        Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington \
        Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter \
        Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black \
        Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson \
        Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins
        """.split(separator: " ").map(String.init)

    static func cumulative(_ shares: [Double]) -> [Double] {
        let total = shares.reduce(0, +)
        var s = 0.0
        var c = shares.map { x -> Double in
            s += x
            return s / total
        }
        c[c.count - 1] = 1.0
        return c
    }

    static let regionCum = cumulative(regionShare)
    static let channelCum = cumulative(channelShare)
    static let categoryCum = cumulative(categoryShare)
    /// The expected price factor of a purchase (share-weighted category prices).
    static let meanCategoryPrice = zip(categoryShare, categoryPrice).map(*).reduce(0, +)
}

/// The survey columns, in file order, with their scales.
enum Survey {
    static let columns = [
        "expectation", "perceived_quality", "satisfaction", "trust", "perceived_value", "switching_cost",
        "repurchase_intent", "price_tolerance", "cross_buy_intent", "recommend",
    ]
    static let lower: [Double] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    static let upper: [Double] = [10, 10, 10, 7, 7, 7, 7, 7, 7, 10]
    static let count = 10
    /// Whole-survey non-response (a little higher among churners) and item non-response:
    /// together about 10% of every survey column is empty.
    static let noSurvey = 0.05, noSurveyChurnedExtra = 0.04, itemMissing = 0.045
    /// A missing answer.
    static let missing: Int8 = -1
}

/// One customer's latent state, drawn from its own stream (phase 1).
struct Profile {
    var signup = 0
    var region = 0, channel = 0, firstName = 0, lastName = 0
    /// Survey answers in `Survey.columns` order; `Survey.missing` when not answered.
    var survey = SIMD16<Int8>(repeating: Survey.missing)
    var satisfaction = 0.0
    /// Latent loyalty: trust, value, satisfaction (steep near the top) and switching cost.
    var loyalty = 0.0
    var churned = false
    /// The churn day (only meaningful when `churned`).
    var churnDay = 0
    /// The last day a purchase can happen: the day before churn, or the window's end.
    var endDay = 0
    var buyer = false
    var firstPurchase = 0
    /// Years of seasonally weighted exposure after the first purchase.
    var exposure = 0.0
    /// Relative purchase rate (gamma heterogeneity times loyalty); scaled globally later.
    var rateWeight = 0.0
    /// The customer's typical basket in money (log-normal across customers).
    var basket = 0.0
    var favourite = 0
    /// The chance that an order is a shopping trip of several lines: customers with more
    /// cross-buy intent buy more product lines at once.
    var tripChance = 0.0

    init(_ r: inout Xoshiro, window w: Window) {
        signup = Window.day(at: r.uniform() * w.signupCum[Window.days], in: w.signupCum)
        region = r.pick(Vocabulary.regionCum)
        channel = r.pick(Vocabulary.channelCum)
        firstName = r.below(Vocabulary.firstNames.count)
        lastName = r.below(Vocabulary.lastNames.count)

        // Kotler: satisfaction compares perceived performance with expectation.
        let e = r.normal(7.0, 1.5)
        let q = r.normal(6.9, 1.6) + 0.25 * (e - 7.0) + Vocabulary.regionQualityShift[region]
        let s = 7.1 + 0.85 * (q - e) + 0.40 * (q - 6.9) + r.normal(0, 0.9)
        let trust = 4.0 + 0.45 * (s - 7.0) + r.normal(0, 0.9)
        let value = 4.0 + 0.30 * (q - 6.9) + 0.25 * (s - 7.0) + r.normal(0, 0.9)
        let switching = 3.6 + Vocabulary.channelSwitchingCost[channel] + r.normal(0, 1.2)
        satisfaction = s

        // Trust, value, satisfaction and switching cost drive loyalty; satisfaction's
        // effect is shallow through the middle and steep near the top (Jones & Sasser).
        let gS = s <= 8.0 ? 0.25 * (s - 7.0) : 0.25 + 1.1 * (s - 8.0)
        loyalty = 0.35 * (trust - 4.0) + 0.30 * (value - 4.0) + 0.45 * gS + 0.25 * (switching - 3.6)
        let repurchase = 4.1 + 1.0 * loyalty + r.normal(0, 0.8)
        let priceTolerance = 3.5 + 0.45 * (trust - 4.0) + 0.40 * (switching - 3.6) + 0.8 * max(s - 8.0, 0)
            + r.normal(0, 0.9)
        let crossBuy = 3.8 + 0.50 * (trust - 4.0) + 0.30 * (s - 7.0) + 0.20 * (value - 4.0) + r.normal(0, 1.0)
        let recommend = 7.9 + 1.1 * (s - 7.0) + 0.3 * (trust - 4.0) + r.normal(0, 1.0)

        // Churn: a yearly probability from a logit that collapses below a minimum
        // satisfaction (the zone of defection), barely moves across the middle, and
        // drops steeply near the top; trust, value and switching cost all retain.
        let z = -1.05 + 0.85 * max(4.5 - s, 0) - 1.6 * max(s - 8.5, 0)
            - 0.15 * (trust - 4.0) - 0.12 * (value - 4.0) - 0.30 * (switching - 3.6) + r.normal(0, 0.3)
        let hazard = -log1p(-sigmoid(z))  // per year
        let after = min(max((r.exponential() / hazard * 365.25).rounded(.up), 1), 100_000)
        churnDay = signup + Int(after)
        churned = churnDay <= Window.days - 1
        endDay = churned ? churnDay - 1 : Window.days - 1

        let latent = SIMD16<Double>(
            e, q, s, trust, value, switching, repurchase, priceTolerance, crossBuy, recommend, 0, 0, 0, 0, 0, 0)
        let noSurvey = r.uniform() < Survey.noSurvey + (churned ? Survey.noSurveyChurnedExtra : 0)
        for k in 0..<Survey.count {
            let itemMissing = r.uniform() < Survey.itemMissing
            survey[k] = noSurvey || itemMissing
                ? Survey.missing
                : Int8(min(max(latent[k].rounded(.toNearestOrEven), Survey.lower[k]), Survey.upper[k]))
        }

        // Purchases: most customers buy at or just after signup, then at their own rate.
        buyer = r.uniform() < 0.95
        firstPurchase = signup + min(r.geometric(0.35) - 1, endDay - signup)
        exposure = w.purchaseCum[endDay + 1] - w.purchaseCum[firstPurchase + 1]
        rateWeight = r.gamma(shape: 1.6) * exp(0.15 * loyalty)
        basket = exp(r.normal(3.45, 0.45))
        favourite = r.pick(Vocabulary.categoryCum)
        // Computed, not drawn: the phase's stream, and so every attitude and churn date, is
        // the same as before orders had lines.
        tripChance = min(Vocabulary.tripShare * exp(0.25 * (crossBuy - 3.8)), 0.9)
    }
}
