import CrmqEngine
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The buy-till-you-die models of probabilistic CLV: BG/NBD (Fader, Hardie and Lee 2005,
// "Counting your customers the easy way") for the number of repeat purchases and whether a
// customer is still alive, and Gamma-Gamma (Fader, Hardie and Lee 2005, "RFM and CLV";
// Colombo and Jiang 1999) for the value of a purchase. Both are fitted by maximum
// likelihood with the log-likelihood and its gradient written out by hand: the terms that
// depend on a customer's repeat count alone are computed once per count, the rest in one
// pass over the customers split across cores (docs/crm.md, "Probabilistic CLV").

/// The repeat-purchase histories of the customers, one per customer, in a time unit (days,
/// weeks or months). Struct of arrays, so the likelihood's loop streams through memory.
struct RepeatHistories: Sendable {
    /// x: repeat purchases, the distinct purchase days after the first.
    var repeats: [Int32] = []
    /// t_x: the last purchase day minus the first, in the unit.
    var recency: [Double] = []
    /// T: the last day the data covers minus the first purchase day, in the unit.
    var age: [Double] = []
    /// The mean value of the repeat purchases (each purchase day's amounts summed); NaN
    /// without a repeat purchase.
    var meanValue: [Double] = []
    /// T in whole days (the memo key of predictions that depend on x and T alone).
    var ageDays: [Int32] = []

    var count: Int { repeats.count }

    /// How many customers have each repeat count `0...max`.
    func repeatCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: Int(repeats.max() ?? 0) + 1)
        for x in repeats { counts[Int(x)] += 1 }
        return counts
    }
}

/// Special functions the models need beyond the C library's `lgamma`.
enum SpecialFunctions {
    /// The digamma function ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) - 1/x
    /// up to x ≥ 10, then the asymptotic series (error below 1e-15 there).
    static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
        var x = x
        var result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        let f = 1 / (x * x)
        let series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))))
        return result + log(x) - 0.5 / x + series
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its power series,
    /// switched by Euler's transformation ₂F₁(a, b; c; z) = (1 - z)^(c-a-b) ₂F₁(c-a, c-b; c; z)
    /// to the form whose terms fall faster (c - a - b > 0 makes the plain series' terms fall
    /// like k^(a+b-c-1) z^k). Summed until a term no longer changes the sum, or a million
    /// terms (exact for z up to 1 - 4e-5; the callers keep z below that by their limits).
    static func hyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard z > 0 else { return 1 }
        guard z < 1 else { return .nan }
        if c - a - b < 0 {
            return pow(1 - z, c - a - b) * series(c - a, c - b, c, z)
        }
        return series(a, b, c, z)
    }

    private static func series(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        var k = 0.0
        while k < 1e6 {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            let next = sum + term
            if next == sum || !next.isFinite {
                sum = next
                break
            }
            sum = next
            k += 1
        }
        return sum
    }
}

/// Minimises a smooth function of a few variables given with its gradient: BFGS, the
/// quasi-Newton method, with a backtracking line search that asks for sufficient decrease
/// (Armijo), the update skipped when the step shows no positive curvature. Stops when every
/// gradient component is below `tolerance`, or when no step decreases the function any more
/// (then it has converged when the gradient is below 1e3 × `tolerance`).
enum BFGS {
    struct Result {
        var x: [Double]
        var value: Double
        var gradient: [Double]
        var iterations: Int
        var converged: Bool
    }

    static func minimize(
        from start: [Double], tolerance: Double = 1e-9, maxIterations: Int = 1000,
        _ f: ([Double]) throws(EngineError) -> (value: Double, gradient: [Double])
    ) throws(EngineError) -> Result {
        let n = start.count
        var x = start
        var (fx, g) = try f(x)
        guard fx.isFinite else { return Result(x: x, value: fx, gradient: g, iterations: 0, converged: false) }
        var h = identity(n)
        var iteration = 0
        func small(_ g: [Double], _ limit: Double) -> Bool { g.allSatisfy { abs($0) < limit } }
        while iteration < maxIterations {
            if small(g, tolerance) { return Result(x: x, value: fx, gradient: g, iterations: iteration, converged: true) }
            iteration += 1
            var p = (0..<n).map { i in -(0..<n).reduce(0.0) { $0 + h[i][$1] * g[$1] } }
            var slope = zip(p, g).reduce(0.0) { $0 + $1.0 * $1.1 }
            if !(slope < 0) {
                h = identity(n)
                p = g.map { -$0 }
                slope = -g.reduce(0.0) { $0 + $1 * $1 }
            }
            // Backtracking: halve the step until the decrease is at least 1e-4 of the slope's.
            var t = 1.0
            var accepted: (x: [Double], value: Double, gradient: [Double])?
            for _ in 0..<60 {
                let trial = (0..<n).map { x[$0] + t * p[$0] }
                let (ft, gt) = try f(trial)
                if ft.isFinite, ft <= fx + 1e-4 * t * slope, gt.allSatisfy(\.isFinite) {
                    accepted = (trial, ft, gt)
                    break
                }
                t *= 0.5
            }
            guard let step = accepted, step.value < fx || small(step.gradient, tolerance) else {
                return Result(x: x, value: fx, gradient: g, iterations: iteration, converged: small(g, tolerance * 1e3))
            }
            let s = (0..<n).map { step.x[$0] - x[$0] }
            let y = (0..<n).map { step.gradient[$0] - g[$0] }
            let sy = zip(s, y).reduce(0.0) { $0 + $1.0 * $1.1 }
            if sy > 1e-12 * sqrt(s.reduce(0) { $0 + $1 * $1 } * y.reduce(0) { $0 + $1 * $1 }) {
                if iteration == 1 {
                    // Scale the first guess of the inverse Hessian to the curvature seen.
                    let scale = sy / y.reduce(0) { $0 + $1 * $1 }
                    h = identity(n).map { $0.map { $0 * scale } }
                }
                // H ← (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ
                let rho = 1 / sy
                let hy = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + h[i][$1] * y[$1] } }
                let yhy = zip(y, hy).reduce(0.0) { $0 + $1.0 * $1.1 }
                for i in 0..<n {
                    for j in 0..<n {
                        h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                    }
                }
            }
            x = step.x
            fx = step.value
            g = step.gradient
        }
        return Result(x: x, value: fx, gradient: g, iterations: iteration, converged: small(g, tolerance))
    }

    private static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
    }
}

/// Minimises a smooth function of a few variables given with its gradient and Hessian:
/// Newton's method, the Hessian shifted by λI when it is not positive definite (λ grown
/// tenfold until a Cholesky factorisation succeeds; Levenberg), each step at most 1 long in
/// every variable, with the same backtracking line search and stopping rules as BFGS, and
/// one more: converged when the Newton decrement gᵀH⁻¹g falls below 1e-14 of the value,
/// where rounding hides any further decrease (over a million customers the mean
/// log-likelihood's gradient does not get below 1e-9 for that reason).
enum Newton {
    static func minimize(
        from start: [Double], tolerance: Double = 1e-9, maxIterations: Int = 200,
        _ f: ([Double]) throws(EngineError) -> (value: Double, gradient: [Double], hessian: [Double])
    ) throws(EngineError) -> BFGS.Result {
        let n = start.count
        var x = start
        var (fx, g, h) = try f(x)
        guard fx.isFinite else { return BFGS.Result(x: x, value: fx, gradient: g, iterations: 0, converged: false) }
        func small(_ g: [Double], _ limit: Double) -> Bool { g.allSatisfy { abs($0) < limit } }
        var iteration = 0
        while iteration < maxIterations {
            if small(g, tolerance) { return BFGS.Result(x: x, value: fx, gradient: g, iterations: iteration, converged: true) }
            iteration += 1
            // Solve (H + λI) p = -g.
            var lambda = 0.0
            var p: [Double]? = nil
            let scale = (0..<n).reduce(0.0) { max($0, abs(h[$1 * n + $1])) }
            for _ in 0..<40 {
                var m = h
                for i in 0..<n { m[i * n + i] += lambda }
                if let step = Self.choleskySolve(m, g.map { -$0 }, n) {
                    p = step
                    break
                }
                lambda = lambda == 0 ? max(1e-10, 1e-8 * scale) : lambda * 10
            }
            guard var step = p else { break }
            // At most a factor e per step in any parameter: a full Newton step far from the
            // optimum can throw a and b towards the no-heterogeneity limit, where the
            // likelihood is flat and the search would stay.
            let longest = step.reduce(0.0) { max($0, abs($1)) }
            if longest > 1 { step = step.map { $0 / longest } }
            var slope = zip(step, g).reduce(0.0) { $0 + $1.0 * $1.1 }
            if !(slope < 0) {
                step = g.map { -$0 }
                slope = -g.reduce(0.0) { $0 + $1 * $1 }
            } else if lambda == 0, -slope <= 1e-14 * max(1, abs(fx)) {
                // The Newton decrement: what a full step would gain is below the rounding of
                // the function's value, so no step can show a decrease any more.
                return BFGS.Result(x: x, value: fx, gradient: g, iterations: iteration, converged: true)
            }
            var t = 1.0
            var accepted: (x: [Double], value: Double, gradient: [Double], hessian: [Double])?
            for _ in 0..<60 {
                let trial = (0..<n).map { x[$0] + t * step[$0] }
                let (ft, gt, ht) = try f(trial)
                if ft.isFinite, ft <= fx + 1e-4 * t * slope, gt.allSatisfy(\.isFinite), ht.allSatisfy(\.isFinite) {
                    accepted = (trial, ft, gt, ht)
                    break
                }
                t *= 0.5
            }
            guard let next = accepted, next.value < fx || small(next.gradient, tolerance) else {
                return BFGS.Result(x: x, value: fx, gradient: g, iterations: iteration, converged: small(g, tolerance * 1e3))
            }
            (x, fx, g, h) = (next.x, next.value, next.gradient, next.hessian)
        }
        return BFGS.Result(x: x, value: fx, gradient: g, iterations: iteration, converged: small(g, tolerance))
    }

    /// The solution of m z = v for a symmetric positive definite n × n m (row by row), or nil
    /// when m is not positive definite.
    static func choleskySolve(_ m: [Double], _ v: [Double], _ n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = m[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = v
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }
}

/// The BG/NBD model's parameters: while alive, a customer buys at a Poisson rate λ drawn
/// from Gamma(r, α); after each purchase they drop out with probability p drawn from
/// Beta(a, b). α is in the time unit of the histories it was fitted on.
struct BGNBD: Equatable, Sendable {
    var r: Double
    var alpha: Double
    var a: Double
    var b: Double

    var array: [Double] { [r, alpha, a, b] }

    /// The log-likelihood of `histories` (the sum over customers of FHL 2005's equation 6,
    /// in logs), its gradient and its Hessian (row by row, 4 × 4) in (r, α, a, b).
    /// `counts`: histories.repeatCounts().
    func logLikelihood(_ h: RepeatHistories, counts: [Int], cancellation: CancellationFlag) throws(EngineError)
        -> (value: Double, gradient: [Double], hessian: [Double])
    {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b)
        // The terms of a customer with x repeat purchases that depend on x alone:
        // ln Γ(r+x) - ln Γ(r) = Σ_{k<x} ln(r+k), ln B(a, b+x) - ln B(a, b) = Σ_{k<x} ln((b+k)/(a+b+k)),
        // their first and second derivatives, and ln(a / (b+x-1)).
        let top = counts.count
        var value = 0.0
        var g = [Double](repeating: 0, count: 4)
        var hess = [Double](repeating: 0, count: 16)
        var lnRate = 0.0, dRate = 0.0, d2Rate = 0.0
        var lnBeta = 0.0, dBetaA = 0.0, dBetaB = 0.0, d2BetaAA = 0.0, d2BetaBB = 0.0
        var dropout = [Double](repeating: 0, count: top)
        for x in 0..<top {
            if x > 0 {
                let k = Double(x - 1)
                lnRate += log(r + k)
                dRate += 1 / (r + k)
                d2Rate -= 1 / ((r + k) * (r + k))
                lnBeta += log((b + k) / (a + b + k))
                let ab = 1 / (a + b + k)
                dBetaA -= ab
                dBetaB += 1 / (b + k) - ab
                d2BetaAA += ab * ab
                d2BetaBB += ab * ab - 1 / ((b + k) * (b + k))
                dropout[x] = log(a / (b + k))
            }
            let n = Double(counts[x])
            guard n > 0 else { continue }
            value += n * (lnRate + lnBeta)
            g[0] += n * dRate
            g[2] += n * dBetaA
            g[3] += n * dBetaB
            hess[0] += n * d2Rate
            hess[10] += n * d2BetaAA
            hess[11] += n * d2BetaAA
            hess[15] += n * d2BetaBB
        }
        let customers = Double(h.count)
        value += customers * r * log(alpha)
        g[0] += customers * log(alpha)
        g[1] += customers * r / alpha
        hess[1] += customers / alpha
        hess[5] -= customers * r / (alpha * alpha)

        // Per customer: S = ln(e^A3 + [x > 0] e^A4) with A3 = -(r+x) ln(α+T) and
        // A4 = ln(a/(b+x-1)) - (r+x) ln(α+t_x). With w3, w4 the shares of the two terms and
        // D = ∇A3 - ∇A4: ∇S = w3 ∇A3 + w4 ∇A4, ∇²S = w3 ∇²A3 + w4 ∇²A4 + w3 w4 D Dᵀ.
        // Sums per part: S, ∇S (4), and the Hessian's entries rr, rα, αα, ra, rb, αa, αb, aa, ab, bb.
        let parts = Parallel.parts(h.count)
        let out = SendableBox([[Double]](repeating: [Double](repeating: 0, count: 15), count: parts))
        h.repeats.withUnsafeBufferPointer { xs in
            h.recency.withUnsafeBufferPointer { txs in
                h.age.withUnsafeBufferPointer { ts in
                    dropout.withUnsafeBufferPointer { dropout in
                        Parallel.forEach(h.count, parts: parts) { part, range in
                            var ll = 0.0, dr = 0.0, dal = 0.0, da = 0.0, db = 0.0
                            var hrr = 0.0, hral = 0.0, halal = 0.0, hra = 0.0, hrb = 0.0
                            var hala = 0.0, halb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0
                            for i in range {
                                if i & (cancellationStride - 1) == 0, cancellation.isCancelled { break }
                                let x = Int(xs[i])
                                let lt = log(alpha + ts[i])
                                let inverseT = 1 / (alpha + ts[i])
                                if x == 0 {
                                    ll -= r * lt
                                    dr -= lt
                                    dal -= r * inverseT
                                    hral -= inverseT
                                    halal += r * inverseT * inverseT
                                    continue
                                }
                                let rx = r + Double(x)
                                let ltx = log(alpha + txs[i])
                                let inverseTx = 1 / (alpha + txs[i])
                                let a3 = -rx * lt
                                let a4 = dropout[x] - rx * ltx
                                // log(1 + e) rather than log1p(e): e is at most 1, so the absolute
                                // error is below 2^-52 either way, and log is the faster of the two.
                                let (w3, w4, s): (Double, Double, Double)
                                if a3 >= a4 {
                                    let e = exp(a4 - a3)
                                    let inverse = 1 / (1 + e)
                                    (w3, w4, s) = (inverse, e * inverse, a3 + log(1 + e))
                                } else {
                                    let e = exp(a3 - a4)
                                    let inverse = 1 / (1 + e)
                                    (w3, w4, s) = (e * inverse, inverse, a4 + log(1 + e))
                                }
                                let inverseB = 1 / (b + Double(x - 1))
                                ll += s
                                dr -= w3 * lt + w4 * ltx
                                dal -= rx * (w3 * inverseT + w4 * inverseTx)
                                da += w4
                                db -= w4 * inverseB
                                // D = ∇A3 - ∇A4 (the a entry is -1/a: a's factor is applied after the loop).
                                let d0 = ltx - lt
                                let d1 = rx * (inverseTx - inverseT)
                                let d3 = inverseB
                                let c = w3 * w4
                                hrr += c * d0 * d0
                                hral += c * d0 * d1 - w3 * inverseT - w4 * inverseTx
                                halal += c * d1 * d1 + rx * (w3 * inverseT * inverseT + w4 * inverseTx * inverseTx)
                                hra -= c * d0
                                hrb += c * d0 * d3
                                hala -= c * d1
                                halb += c * d1 * d3
                                haa += c - w4
                                hab -= c * d3
                                hbb += c * d3 * d3 + w4 * inverseB * inverseB
                            }
                            out.lock.withLock { _ in
                                out.value[part] = [ll, dr, dal, da, db, hrr, hral, halal, hra, hrb, hala, halb, haa, hab, hbb]
                            }
                        }
                    }
                }
            }
        }
        try cancellation.check()
        // The a entries carry 1/a (∂A4/∂a = 1/a), and aa also ∂²A4/∂a² = -1/a².
        for s in out.value {
            value += s[0]
            g[0] += s[1]
            g[1] += s[2]
            g[2] += s[3] / a
            g[3] += s[4]
            hess[0] += s[5]
            hess[1] += s[6]
            hess[5] += s[7]
            hess[2] += s[8] / a
            hess[3] += s[9]
            hess[6] += s[10] / a
            hess[7] += s[11]
            hess[10] += s[12] / (a * a)
            hess[11] += s[13] / a
            hess[15] += s[14]
        }
        for i in 0..<4 { for j in 0..<i { hess[i * 4 + j] = hess[j * 4 + i] } }
        return (value, g, hess)
    }

    /// The maximum-likelihood fit: Newton's method over the logs of the parameters (so they
    /// stay positive) on the mean log-likelihood per customer, with the exact Hessian. Newton
    /// takes about ten passes over the customers where BFGS took 50 to 130.
    static func fit(_ h: RepeatHistories, cancellation: CancellationFlag) throws(EngineError)
        -> (model: BGNBD, logLikelihood: Double, converged: Bool)
    {
        let counts = h.repeatCounts()
        let n = Double(max(h.count, 1))
        let meanAge = h.age.reduce(0, +) / n
        let start = [0.0, log(max(meanAge, 1e-3)), 0.0, 0.0]
        let result = try Newton.minimize(from: start) { (u: [Double]) throws(EngineError) in
            let p = u.map { exp($0) }
            guard p.allSatisfy({ $0.isFinite && $0 > 0 }) else { return (.infinity, [0, 0, 0, 0], []) }
            let (ll, g, hess) = try BGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3])
                .logLikelihood(h, counts: counts, cancellation: cancellation)
            // In u = ln θ: ∂f/∂u_i = -θ_i g_i / n, ∂²f/∂u_i∂u_j = -(θ_i θ_j H_ij + [i = j] θ_i g_i) / n.
            var hu = [Double](repeating: 0, count: 16)
            for i in 0..<4 {
                for j in 0..<4 { hu[i * 4 + j] = -p[i] * p[j] * hess[i * 4 + j] / n }
                hu[i * 4 + i] -= p[i] * g[i] / n
            }
            return (-ll / n, (0..<4).map { -g[$0] * p[$0] / n }, hu)
        }
        let p = result.x.map { exp($0) }
        return (BGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3]), -result.value * n, result.converged)
    }

    /// P(alive | x, t_x, T): the chance a customer with this history has not dropped out.
    func probabilityAlive(repeats x: Int32, recency tx: Double, age t: Double) -> Double {
        guard x > 0 else { return 1 }
        let k = Double(x)
        let logRatio = (r + k) * log((alpha + t) / (alpha + tx)) + log(a / (b + k - 1))
        return logRatio > 700 ? 0 : 1 / (1 + exp(logRatio))
    }

    /// E[X(T, T + t] | x, t_x, T]: the expected purchases of a customer with this history in
    /// the next `t` units (FHL 2005, equation 10): P(alive) times the purchases expected if alive.
    func expectedPurchases(horizon t: Double, repeats x: Int32, recency tx: Double, age T: Double) -> Double {
        expectedPurchasesIfAlive(horizon: t, repeats: x, age: T) * probabilityAlive(repeats: x, recency: tx, age: T)
    }

    /// The purchases a customer with x repeat purchases and age T is expected to make in the
    /// next `t` units if still alive: equation 10 without its P(alive). It does not depend on
    /// t_x, so callers compute it once per (x, T).
    func expectedPurchasesIfAlive(horizon t: Double, repeats x: Int32, age T: Double) -> Double {
        guard t > 0 else { return 0 }
        let k = Double(x)
        let z = t / (alpha + T + t)
        let f = SpecialFunctions.hyp2f1(r + k, b + k, a + b + k - 1, z)
        return (a + b + k - 1) / (a - 1) * (1 - exp(log(f) + (r + k) * log((alpha + T) / (alpha + T + t))))
    }

    /// E[X(t)]: the expected repeat purchases of a new customer in their first `t` units
    /// (FHL 2005, equation 9).
    func expectedPurchases(within t: Double) -> Double {
        guard t > 0 else { return 0 }
        let z = t / (alpha + t)
        let f = SpecialFunctions.hyp2f1(r, b, a + b - 1, z)
        return (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * f)
    }
}

/// The Gamma-Gamma model of spend per purchase: a customer's purchase values vary around
/// their mean ν with Gamma(p, ν) values, and ν varies across customers as Gamma(q, γ).
/// Fitted on the customers with a repeat purchase, from their count x and mean repeat value m.
struct GammaGamma: Equatable, Sendable {
    var p: Double
    var q: Double
    var gamma: Double

    var array: [Double] { [p, q, gamma] }

    /// The log-likelihood of the mean values `m` (all > 0) of customers with `x` (all > 0)
    /// repeat purchases, and its gradient in (p, q, γ); `logM` holds ln m.
    func logLikelihood(repeats xs: [Int32], mean ms: [Double], logMean logMs: [Double], cancellation: CancellationFlag)
        throws(EngineError) -> (value: Double, gradient: [Double])
    {
        let (p, q, gamma) = (self.p, self.q, self.gamma)
        // Per repeat count x: ln Γ(px+q) - ln Γ(px) - ln Γ(q) + px ln x, and derivatives.
        let top = Int(xs.max() ?? 0) + 1
        var constant = [Double](repeating: 0, count: top)
        var dp = [Double](repeating: 0, count: top)
        var dq = [Double](repeating: 0, count: top)
        let lgq: Double = lgamma(q)
        let psiq = SpecialFunctions.digamma(q)
        var seen = [Bool](repeating: false, count: top)
        for x in xs { seen[Int(x)] = true }
        for x in 1..<max(top, 1) where seen[x] {
            let k = Double(x)
            let px = p * k
            let lgSum: Double = lgamma(px + q)
            let lgPx: Double = lgamma(px)
            constant[x] = lgSum - lgPx - lgq + px * log(k)
            let psiSum = SpecialFunctions.digamma(px + q)
            dp[x] = k * (psiSum - SpecialFunctions.digamma(px) + log(k))
            dq[x] = psiSum - psiq
        }
        let logGamma = log(gamma)
        let parts = Parallel.parts(xs.count)
        let out = SendableBox([[Double]](repeating: [0, 0, 0, 0], count: parts))
        xs.withUnsafeBufferPointer { xs in
            ms.withUnsafeBufferPointer { ms in
                logMs.withUnsafeBufferPointer { logMs in
                    Parallel.forEach(xs.count, parts: parts) { part, range in
                        var ll = 0.0, gp = 0.0, gq = 0.0, gg = 0.0
                        for i in range {
                            if i & (cancellationStride - 1) == 0, cancellation.isCancelled { break }
                            let x = Int(xs[i])
                            let k = Double(x)
                            let px = p * k
                            let spend = gamma + ms[i] * k
                            let l = log(spend)
                            ll += constant[x] + q * logGamma + (px - 1) * logMs[i] - (px + q) * l
                            gp += dp[x] + k * (logMs[i] - l)
                            gq += dq[x] + logGamma - l
                            gg += q / gamma - (px + q) / spend
                        }
                        out.lock.withLock { _ in out.value[part] = [ll, gp, gq, gg] }
                    }
                }
            }
        }
        try cancellation.check()
        var total = [0.0, 0.0, 0.0, 0.0]
        for s in out.value { for j in 0..<4 { total[j] += s[j] } }
        return (total[0], Array(total[1...]))
    }

    /// The maximum-likelihood fit, as BGNBD.fit.
    static func fit(repeats xs: [Int32], mean ms: [Double], cancellation: CancellationFlag) throws(EngineError)
        -> (model: GammaGamma, logLikelihood: Double, converged: Bool)
    {
        let logMs = ms.map { log($0) }
        let n = Double(max(xs.count, 1))
        let meanValue = ms.reduce(0, +) / n
        let start = [0.0, 0.0, log(max(meanValue, 1e-6))]
        let result = try BFGS.minimize(from: start) { (u: [Double]) throws(EngineError) in
            let v = u.map { exp($0) }
            guard v.allSatisfy({ $0.isFinite && $0 > 0 }) else { return (.infinity, [0, 0, 0]) }
            let (ll, g) = try GammaGamma(p: v[0], q: v[1], gamma: v[2])
                .logLikelihood(repeats: xs, mean: ms, logMean: logMs, cancellation: cancellation)
            return (-ll / n, (0..<3).map { -g[$0] * v[$0] / n })
        }
        let v = result.x.map { exp($0) }
        return (GammaGamma(p: v[0], q: v[1], gamma: v[2]), -result.value * n, result.converged)
    }

    /// E[M | x, m]: the expected value of this customer's purchases, their own mean m
    /// weighted by x against the population's mean γp/(q-1). Without a repeat purchase
    /// (x = 0) that is the population's mean; null (NaN) when q ≤ 1, where it has none.
    func expectedAverageValue(repeats x: Int32, mean m: Double) -> Double {
        guard q > 1 else { return .nan }
        let k = Double(x)
        guard x > 0 else { return gamma * p / (q - 1) }
        return p * (gamma + m * k) / (p * k + q - 1)
    }
}
