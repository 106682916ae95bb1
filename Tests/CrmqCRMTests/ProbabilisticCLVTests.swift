import CrmqEngine
import CrmqSemantics
import Foundation
import Testing
@testable import CrmqCRM

/// The special functions, the likelihoods' gradients, the published figures and parameter
/// recovery of the buy-till-you-die models (BG/NBD, Gamma-Gamma). The cross-check against
/// lifetimes and the CDNOW fit run in scripts/checks/btyd_check.py.
@Suite struct ProbabilisticCLVTests {
    @Test func digammaMatchesKnownValues() {
        let euler = 0.5772156649015329
        #expect(abs(SpecialFunctions.digamma(1) + euler) < 5e-14)
        #expect(abs(SpecialFunctions.digamma(0.5) - (-euler - 2 * log(2.0))) < 5e-14)
        #expect(abs(SpecialFunctions.digamma(1e-3) - -1000.5755719318103) < 1e-10)
        #expect(abs(SpecialFunctions.digamma(100) - 4.600161852738087) < 1e-14)
        // ψ(x + 1) = ψ(x) + 1/x
        for x in [0.3, 2.7, 9.5, 10.5, 31.0] {
            #expect(abs(SpecialFunctions.digamma(x + 1) - SpecialFunctions.digamma(x) - 1 / x) < 1e-13)
        }
    }

    @Test func hypergeometricMatchesClosedForms() {
        // ₂F₁(1, 1; 2; z) = -ln(1 - z) / z (plain series)
        for z in [0.1, 0.5, 0.9, 0.99] {
            let want = -log(1 - z) / z
            #expect(abs(SpecialFunctions.hyp2f1(1, 1, 2, z) - want) < 1e-12 * want, "z = \(z)")
        }
        // ₂F₁(a, b; b; z) = (1 - z)^-a (Euler's transformation: c - a - b < 0)
        for z in [0.2, 0.7, 0.97] {
            let want = pow(1 - z, -2.5)
            #expect(abs(SpecialFunctions.hyp2f1(2.5, 0.75, 0.75, z) - want) < 1e-12 * want, "z = \(z)")
        }
        // ₂F₁(1/2, 1; 3/2; z²) = atanh(z) / z
        let z = 0.8
        #expect(abs(SpecialFunctions.hyp2f1(0.5, 1, 1.5, z * z) - atanh(z) / z) < 1e-13)
    }

    /// Fader, Hardie and Lee (2005), section 5: with the CDNOW parameters, a customer with
    /// x = 2, t_x = 30.43 and T = 38.86 weeks expects 1.226 purchases in the next 39 weeks.
    @Test func publishedConditionalExpectation() {
        let model = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let e = model.expectedPurchases(horizon: 39, repeats: 2, recency: 30.43, age: 38.86)
        #expect((e * 1000).rounded() == 1226, "\(e)")
        // lifetimes 0.11.3 with its own fit on the summary (r = 0.242593, alpha = 4.413532,
        // a = 0.792886, b = 2.425752) gives 1.2259104241744019.
        let fitted = BGNBD(r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752)
        #expect(abs(fitted.expectedPurchases(horizon: 39, repeats: 2, recency: 30.43, age: 38.86) - 1.2259104241744019) < 1e-5)
        // No repeat purchase: alive for sure.
        #expect(model.probabilityAlive(repeats: 0, recency: 0, age: 38.86) == 1)
    }

    /// The hand-written gradients against central differences.
    @Test func gradientsMatchDifferences() throws {
        let h = Self.simulate(BGNBD(r: 0.6, alpha: 4, a: 0.9, b: 2.2), customers: 3000, weeks: 52, seed: 3)
        let counts = h.repeatCounts()
        let flag = CancellationFlag()
        let at = BGNBD(r: 0.5, alpha: 3.5, a: 1.1, b: 2.0)
        let (_, g, hessian) = try at.logLikelihood(h, counts: counts, cancellation: flag)
        for k in 0..<4 {
            var up = at.array, down = at.array
            let step = 1e-6 * at.array[k]
            up[k] += step
            down[k] -= step
            let fu = try BGNBD(r: up[0], alpha: up[1], a: up[2], b: up[3]).logLikelihood(h, counts: counts, cancellation: flag)
            let fd = try BGNBD(r: down[0], alpha: down[1], a: down[2], b: down[3]).logLikelihood(h, counts: counts, cancellation: flag)
            let numeric = (fu.value - fd.value) / (2 * step)
            #expect(abs(numeric - g[k]) < 1e-5 * max(1, abs(g[k])), "BG/NBD ∂\(k): \(g[k]) vs \(numeric)")
            // The Hessian's column k from differences of the gradient.
            for j in 0..<4 {
                let second = (fu.gradient[j] - fd.gradient[j]) / (2 * step)
                let exact = hessian[j * 4 + k]
                #expect(abs(second - exact) < 1e-5 * max(1, abs(exact)), "BG/NBD ∂²\(j)\(k): \(exact) vs \(second)")
            }
        }
        let (xs, ms) = Self.simulateSpend(p: 6, q: 4, gamma: 15, customers: 3000, seed: 4)
        let logMs = ms.map { log($0) }
        let gg = GammaGamma(p: 5, q: 3.5, gamma: 12)
        let (_, gg0) = try gg.logLikelihood(repeats: xs, mean: ms, logMean: logMs, cancellation: flag)
        for k in 0..<3 {
            var up = gg.array, down = gg.array
            let step = 1e-6 * gg.array[k]
            up[k] += step
            down[k] -= step
            let fu = try GammaGamma(p: up[0], q: up[1], gamma: up[2]).logLikelihood(repeats: xs, mean: ms, logMean: logMs, cancellation: flag).value
            let fd = try GammaGamma(p: down[0], q: down[1], gamma: down[2]).logLikelihood(repeats: xs, mean: ms, logMean: logMs, cancellation: flag).value
            let numeric = (fu - fd) / (2 * step)
            #expect(abs(numeric - gg0[k]) < 1e-5 * max(1, abs(gg0[k])), "Gamma-Gamma ∂\(k): \(gg0[k]) vs \(numeric)")
        }
    }

    /// Data simulated from known parameters give them back: 40,000 customers, within about
    /// three standard errors.
    @Test func recoversSimulatedParameters() throws {
        let truth = BGNBD(r: 0.5, alpha: 6, a: 0.8, b: 2.5)
        let h = Self.simulate(truth, customers: 40000, weeks: 78, seed: 11)
        let (fit, ll, converged) = try BGNBD.fit(h, cancellation: CancellationFlag())
        #expect(converged)
        #expect(ll < 0)
        for (got, want) in zip(fit.array, truth.array) {
            #expect(abs(got - want) < 0.1 * want, "BG/NBD \(fit) against \(truth)")
        }
        let (xs, ms) = Self.simulateSpend(p: 6, q: 4, gamma: 15, customers: 40000, seed: 12)
        let (gg, _, ggConverged) = try GammaGamma.fit(repeats: xs, mean: ms, cancellation: CancellationFlag())
        #expect(ggConverged)
        for (got, want) in zip(gg.array, [6.0, 4.0, 15.0]) {
            #expect(abs(got - want) < 0.12 * want, "Gamma-Gamma \(gg)")
        }
    }

    /// Histories drawn from the BG/NBD story: λ ~ Gamma(r, α), p ~ Beta(a, b); purchases at
    /// rate λ; after each repeat purchase the customer drops out with probability p. Ages
    /// uniform in 0...weeks.
    static func simulate(_ m: BGNBD, customers: Int, weeks: Double, seed: UInt64) -> RepeatHistories {
        var rng = Xoshiro(seed: seed)
        var h = RepeatHistories()
        for _ in 0..<customers {
            let lambda = gamma(&rng, m.r) / m.alpha
            let ga = gamma(&rng, m.a)
            let p = ga / (ga + gamma(&rng, m.b))
            let age = rng.uniform() * weeks
            var t = 0.0
            var x: Int32 = 0
            var last = 0.0
            while true {
                t += rng.exponential() / lambda
                if t > age { break }
                x += 1
                last = t
                if rng.uniform() < p { break }
            }
            h.repeats.append(x)
            h.recency.append(last)
            h.age.append(age)
            h.ageDays.append(Int32(age * 7))
            h.meanValue.append(.nan)
        }
        return h
    }

    /// Repeat counts 1...10 and mean values drawn from Gamma-Gamma: ν ~ Gamma(q, γ) (rate γ),
    /// each value ~ Gamma(p, ν).
    static func simulateSpend(p: Double, q: Double, gamma g: Double, customers: Int, seed: UInt64) -> ([Int32], [Double]) {
        var rng = Xoshiro(seed: seed)
        var xs: [Int32] = []
        var ms: [Double] = []
        for _ in 0..<customers {
            let x = 1 + rng.below(10)
            let nu = gamma(&rng, q) / g
            var sum = 0.0
            for _ in 0..<x { sum += gamma(&rng, p) / nu }
            xs.append(Int32(x))
            ms.append(sum / Double(x))
        }
        return (xs, ms)
    }

    /// Gamma(shape, 1) for any shape > 0 (boosting shape < 1 by U^(1/shape)).
    static func gamma(_ rng: inout Xoshiro, _ shape: Double) -> Double {
        if shape >= 1 { return rng.gamma(shape: shape) }
        return rng.gamma(shape: shape + 1) * pow(rng.uniformPositive(), 1 / shape)
    }
}

/// The buy-till-you-die models' input, each customer's purchase days, polls the flag every
/// 65,536 rows or customers in each of its loops (finding each row's customer, counting and
/// placing the rows, sorting each customer's days, the histories), so Ctrl-C stops a model at
/// 10M customers within milliseconds: one loop without polling ran 650 ms past it.
@Suite struct PurchaseDaysCancellationTests {
    @Test func purchaseDaysPollEveryChunk() throws {
        let n = 1 << 20, customers = 100_000
        let ids = Column(.int((0..<n).map { Int64($0 * 7919 % customers + 1) }))
        let dates = Column(.date((0..<n).map { Int32(19_000 + $0 % 700) }))
        let amounts = Column(.double((0..<n).map { Double($0 % 97) }))
        let flag = CancellationFlag()
        let days = try PurchaseDays(
            customers: ids, dates: dates, amounts: amounts, window: .init(before: 19_800), cancellation: flag)
        let (buyers, h) = try days.histories(before: 19_800, unit: 7, cancellation: flag)
        #expect(buyers.count == customers && h.repeats.count == customers)
        // Finding the customers, counting, placing: three passes over n rows; then the days
        // of the customers and their histories.
        let chunks = n / 65_536
        #expect(flag.pollCount >= 3 * chunks + 2, "polled \(flag.pollCount) times")

        flag.reset()
        flag.cancel()
        #expect(throws: EngineError.cancelled) {
            _ = try PurchaseDays(
                customers: ids, dates: dates, amounts: amounts, window: .init(before: 19_800), cancellation: flag)
        }
        #expect(flag.pollCount <= 2, "polled \(flag.pollCount) times after the flag was set")
    }
}

