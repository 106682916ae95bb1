import CrmqEngine
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Small numeric routines written here and tested in Tests/CrmqCRMTests/LogisticTests.swift:
// swift-numerics (the one numerics library on this machine's list) has no linear algebra,
// no optimiser and no normal tail, and a logistic regression needs only Newton's method over
// a few columns, a Cholesky solve of their (k + 1) × (k + 1) information matrix, and erfc.
// scripts/checks/churn_check.py compares the results with scikit-learn.

/// An unpenalised logistic regression with an intercept, fitted by maximum likelihood with
/// Newton–Raphson steps (the same steps as iteratively reweighted least squares), each solved
/// by Cholesky. The columns are standardised for the iterations, so the information matrix
/// is well scaled whatever their units, and the results are mapped back to the columns' units.
struct LogisticFit: Equatable {
    /// The intercept, then one coefficient per column, in the columns' own units.
    var coefficients: [Double]
    /// The coefficients' covariance, row-major (k + 1) × (k + 1): the inverse of the observed
    /// information XᵀWX at the estimate (W = p(1 − p)), in the columns' units.
    var covariance: [Double]
    /// The log-likelihood at the estimate, and of the intercept alone.
    var logLikelihood: Double
    var nullLogLikelihood: Double
    /// Newton steps taken.
    var iterations: Int

    /// Why there is no estimate.
    enum Failure: Error, Equatable {
        /// Column `column` is constant over the rows.
        case constant(column: Int)
        /// Column `column` is (nearly) a linear combination of the columns before it.
        case collinear(column: Int)
        /// The outcome is the same for every row.
        case oneClass
        /// The predictors separate the outcomes (completely, or for a subset of the rows):
        /// the likelihood grows as coefficients run off to infinity, so no finite estimate exists.
        case separation
        /// No convergence within the allowed steps, and no sign of separation.
        case notConverged(iterations: Int)
    }

    /// Rows per chunk of a pass: sums are made per chunk and added in chunk order, so the
    /// estimate does not depend on the number of cores.
    static let chunk = 1 << 14

    /// A step whose largest change of a standardised coefficient is below this has converged.
    static let stepTolerance = 1e-10

    /// Fits `y` (0 or 1 per row) on `columns` (each `y.count` values).
    static func fit(
        columns: [[Double]], y: [Double], maxIterations: Int = 100, cancellation: CancellationFlag = CancellationFlag()
    ) throws(EngineError) -> Result<LogisticFit, Failure> {
        let n = y.count, k = columns.count, d = k + 1
        var positives = 0.0
        for v in y { positives += v }
        if positives == 0 || positives == Double(n) { return .failure(.oneClass) }

        // Standardise (population standard deviation) into a column-major design.
        var means = [Double](repeating: 0, count: k), scales = [Double](repeating: 1, count: k)
        for (j, c) in columns.enumerated() {
            var s = 0.0
            for v in c { s += v }
            let m = s / Double(n)
            var q = 0.0
            for v in c { q += (v - m) * (v - m) }
            let sd = (q / Double(n)).squareRoot()
            if !(sd > 0) || !sd.isFinite || sd <= 1e-12 * max(abs(m), 1e-300) { return .failure(.constant(column: j)) }
            means[j] = m
            scales[j] = sd
        }
        var z = [Double](repeating: 0, count: n * k)
        z.withUnsafeMutableBufferPointer { z in
            for j in 0..<k {
                let c = columns[j], m = means[j], s = scales[j]
                for i in 0..<n { z[j * n + i] = (c[i] - m) / s }
            }
        }

        // Start from the intercept alone: the information matrix is then the standardised
        // columns' Gram matrix times a constant, so a failed pivot names a collinear column.
        let mean = positives / Double(n)
        var beta = [Double](repeating: 0, count: d)
        beta[0] = log(mean / (1 - mean))
        let nullLL = Double(n) * (mean * log(mean) + (1 - mean) * log1p(-mean))

        var current = pass(z: z, y: y, n: n, k: k, beta: beta)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            try cancellation.check()
            guard let step = solve(current.information, current.gradient, d: d) else {
                let pivot = cholesky(current.information, d: d).pivot
                if iterations == 0, pivot > 0 { return .failure(.collinear(column: pivot - 1)) }
                return .failure(.separation)
            }
            iterations += 1
            var largest = 0.0
            for t in 0..<d { largest = max(largest, abs(step[t])) }
            if largest <= stepTolerance {
                // Converged: a step this small changes no standard error beyond its tenth digit,
                // so the information matrix at hand serves, without another pass.
                for t in 0..<d { beta[t] += step[t] }
                converged = true
                break
            }
            // Step halving: a Newton step that lowers the likelihood is shortened.
            var scale = 1.0
            var next = beta
            var trial = current
            for _ in 0..<40 {
                for t in 0..<d { next[t] = beta[t] + scale * step[t] }
                trial = pass(z: z, y: y, n: n, k: k, beta: next)
                if trial.logLikelihood >= current.logLikelihood - 1e-12 * abs(current.logLikelihood) { break }
                scale /= 2
            }
            beta = next
            current = trial
            // Complete separation: every row fitted (almost) exactly.
            if current.logLikelihood > -1e-9 * Double(n) {
                return .failure(.separation)
            }
        }
        if !converged {
            return .failure(current.extremeRows > 0 ? .separation : .notConverged(iterations: iterations))
        }
        guard let inverse = invert(current.information, d: d) else { return .failure(.separation) }

        // Back to the columns' units: b_j = β_j / s_j, b_0 = β_0 − Σ β_j m_j / s_j, so
        // b = Aβ with A's first row (1, −m_1/s_1, ...) and diagonal (1, 1/s_1, ...); Cov(b) = A Cov(β) Aᵀ.
        var a = [Double](repeating: 0, count: d * d)
        a[0] = 1
        for j in 0..<k {
            a[j + 1] = -means[j] / scales[j]
            a[(j + 1) * d + j + 1] = 1 / scales[j]
        }
        var b = [Double](repeating: 0, count: d)
        for r in 0..<d { for c in 0..<d { b[r] += a[r * d + c] * beta[c] } }
        var temp = [Double](repeating: 0, count: d * d)
        for r in 0..<d { for c in 0..<d { for m in 0..<d { temp[r * d + c] += a[r * d + m] * inverse[m * d + c] } } }
        var cov = [Double](repeating: 0, count: d * d)
        for r in 0..<d { for c in 0..<d { for m in 0..<d { cov[r * d + c] += temp[r * d + m] * a[c * d + m] } } }
        return .success(LogisticFit(
            coefficients: b, covariance: cov, logLikelihood: current.logLikelihood, nullLogLikelihood: nullLL,
            iterations: iterations))
    }

    /// The log-likelihood, its gradient and the information matrix at one estimate.
    struct Pass {
        var logLikelihood: Double
        var gradient: [Double]
        /// XᵀWX, row-major d × d.
        var information: [Double]
        /// Rows whose fitted probability is within 1e-10 of 0 or 1.
        var extremeRows: Int
    }

    /// One pass over the rows, on every core when there are many: per chunk, the
    /// log-likelihood, the gradient and the upper triangle of XᵀWX, added in chunk order.
    /// `z` is column-major (column j at j·n): within a chunk the linear predictors, weights and
    /// residuals are computed as vectors, and each entry of XᵀWX is one dot product of two of
    /// them, which keeps its running sums in registers.
    static func pass(z: [Double], y: [Double], n: Int, k: Int, beta: [Double]) -> Pass {
        let d = k + 1
        let packed = d * (d + 1) / 2
        let width = 2 + d + packed
        let chunks = (n + chunk - 1) / chunk
        var partial = [Double](repeating: 0, count: chunks * width)
        z.withUnsafeBufferPointer { z in
            y.withUnsafeBufferPointer { y in
                beta.withUnsafeBufferPointer { beta in
                    partial.withUnsafeMutableBufferPointer { out in
                        let parts = n >= Parallel.minimumRows / 4 ? min(Parallel.cores, chunks) : 1
                        Parallel.forEach(chunks, parts: parts) { _, range in
                            // eta, then w, r and w·z_a for one chunk.
                            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 4 * chunk)
                            defer { scratch.deallocate() }
                            let eta = scratch, w = scratch + chunk, r = scratch + 2 * chunk, wz = scratch + 3 * chunk
                            for c in range {
                                let o = out.baseAddress! + c * width
                                let lo = c * chunk, m = min(n, lo + chunk) - lo
                                for i in 0..<m { eta[i] = beta[0] }
                                for j in 0..<k {
                                    let b = beta[j + 1], column = z.baseAddress! + j * n + lo
                                    for i in 0..<m { eta[i] += b * column[i] }
                                }
                                var ll = 0.0, extreme = 0.0
                                for i in 0..<m {
                                    // Stable forms: p = σ(η); log(1 + e^η) = max(η, 0) + log1p(e^−|η|).
                                    let h = eta[i]
                                    let e = exp(-abs(h))
                                    let p = h >= 0 ? 1 / (1 + e) : e / (1 + e)
                                    let v = p * (1 - p)
                                    if v < 1e-10 { extreme += 1 }
                                    ll += y[lo + i] * h - (max(h, 0) + log1p(e))
                                    w[i] = v
                                    r[i] = y[lo + i] - p
                                }
                                o[0] = ll
                                o[1] = extreme
                                // Gradient: Σr, Σr·z_j. Information: Σw, Σw·z_j, Σw·z_a·z_b (a ≤ b).
                                o[2] = sum(r, m)
                                for j in 0..<k { o[3 + j] = dot(r, z.baseAddress! + j * n + lo, m) }
                                var t = 2 + d
                                o[t] = sum(w, m)
                                t += 1
                                for j in 0..<k {
                                    o[t] = dot(w, z.baseAddress! + j * n + lo, m)
                                    t += 1
                                }
                                for a in 0..<k {
                                    let za = z.baseAddress! + a * n + lo
                                    for i in 0..<m { wz[i] = w[i] * za[i] }
                                    for b in a..<k {
                                        o[t] = dot(wz, z.baseAddress! + b * n + lo, m)
                                        t += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var ll = 0.0, extreme = 0.0
        var sums = [Double](repeating: 0, count: d + packed)
        for c in 0..<chunks {
            ll += partial[c * width]
            extreme += partial[c * width + 1]
            for t in 0..<(d + packed) { sums[t] += partial[c * width + 2 + t] }
        }
        var information = [Double](repeating: 0, count: d * d)
        var t = d
        for a in 0..<d {
            for b in a..<d {
                information[a * d + b] = sums[t]
                information[b * d + a] = sums[t]
                t += 1
            }
        }
        return Pass(logLikelihood: ll, gradient: Array(sums[0..<d]), information: information, extremeRows: Int(extreme))
    }

    /// Σ x[i]·y[i] over m values, in four running sums (independent additions the processor
    /// overlaps), added in a fixed order.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ m: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= m {
            s0 += x[i] * y[i]
            s1 += x[i + 1] * y[i + 1]
            s2 += x[i + 2] * y[i + 2]
            s3 += x[i + 3] * y[i + 3]
            i += 4
        }
        while i < m {
            s0 += x[i] * y[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    @inline(__always)
    static func sum(_ x: UnsafePointer<Double>, _ m: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= m {
            s0 += x[i]
            s1 += x[i + 1]
            s2 += x[i + 2]
            s3 += x[i + 3]
            i += 4
        }
        while i < m {
            s0 += x[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// The lower-triangular L with LLᵀ = `m` (row-major d × d); or nil and the first pivot
    /// (0-based) that is not clearly positive: below 1e-10 of its diagonal entry, that column is
    /// a combination of the ones before it, as far as doubles can tell.
    static func cholesky(_ m: [Double], d: Int) -> (factor: [Double]?, pivot: Int) {
        var l = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            var s = m[j * d + j]
            for p in 0..<j { s -= l[j * d + p] * l[j * d + p] }
            if !(s > 1e-10 * m[j * d + j]) || !s.isFinite { return (nil, j) }
            let diagonal = s.squareRoot()
            l[j * d + j] = diagonal
            for i in (j + 1)..<max(d, j + 1) {
                var t = m[i * d + j]
                for p in 0..<j { t -= l[i * d + p] * l[j * d + p] }
                l[i * d + j] = t / diagonal
            }
        }
        return (l, d)
    }

    /// Solves m x = v by Cholesky; nil when m is not clearly positive definite.
    static func solve(_ m: [Double], _ v: [Double], d: Int) -> [Double]? {
        guard let l = cholesky(m, d: d).factor else { return nil }
        var x = v
        for i in 0..<d {
            for p in 0..<i { x[i] -= l[i * d + p] * x[p] }
            x[i] /= l[i * d + i]
        }
        for i in stride(from: d - 1, through: 0, by: -1) {
            for p in (i + 1)..<max(d, i + 1) { x[i] -= l[p * d + i] * x[p] }
            x[i] /= l[i * d + i]
        }
        return x
    }

    /// m⁻¹ by Cholesky, one column at a time; nil when m is not clearly positive definite.
    static func invert(_ m: [Double], d: Int) -> [Double]? {
        var inverse = [Double](repeating: 0, count: d * d)
        for c in 0..<d {
            var e = [Double](repeating: 0, count: d)
            e[c] = 1
            guard let x = solve(m, e, d: d) else { return nil }
            for r in 0..<d { inverse[r * d + c] = x[r] }
        }
        return inverse
    }

    /// σ(η) = 1 / (1 + e^−η), without overflow for large |η|.
    @inline(__always)
    static func probability(_ eta: Double) -> Double {
        let e = exp(-abs(eta))
        return eta >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
}

/// The area under the ROC curve of scores against 0/1 labels: the probability that a random
/// positive scores above a random negative, ties counting one half (the Mann–Whitney U over
/// n₁n₀, which is what the trapezoids of the ROC curve add up to). Nil without both labels.
enum AUC {
    static func of(scores: [Double], labels: [Bool]) -> Double? {
        // The two classes' scores sorted apart (plain Double sorts, much faster than sorting
        // indices through a closure), then, for each positive, the negatives below it and
        // those tied with it, by two pointers that only move forward.
        var positives: [Double] = [], negatives: [Double] = []
        positives.reserveCapacity(scores.count)
        negatives.reserveCapacity(scores.count)
        for (s, l) in zip(scores, labels) {
            if l { positives.append(s) } else { negatives.append(s) }
        }
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        positives = radixSorted(positives)
        negatives = radixSorted(negatives)
        var below = 0, notAbove = 0
        var sum = 0.0
        for v in positives {
            while below < negatives.count && negatives[below] < v { below += 1 }
            if notAbove < below { notAbove = below }
            while notAbove < negatives.count && negatives[notAbove] <= v { notAbove += 1 }
            sum += Double(below) + Double(notAbove - below) / 2
        }
        return sum / (Double(positives.count) * Double(negatives.count))
    }
}

/// `values` in ascending order (no NaN), by a least-significant-digit radix sort of their
/// bit patterns made to sort as unsigned integers (negative values' bits flipped, the sign
/// bit of the others set), a byte at a time, skipping bytes every value shares: several
/// times faster than the standard library's comparison sort on the million scores of a
/// large holdout.
func radixSorted(_ values: [Double]) -> [Double] {
    let n = values.count
    guard n > 1 else { return values }
    var keys = values.map { v -> UInt64 in
        let b = v.bitPattern
        return b >> 63 == 1 ? ~b : b | (1 << 63)
    }
    var scratch = [UInt64](repeating: 0, count: n)
    keys.withUnsafeMutableBufferPointer { a in
        scratch.withUnsafeMutableBufferPointer { b in
            var from = a, to = b
            for shift in stride(from: 0, to: 64, by: 8) {
                var counts = [Int](repeating: 0, count: 257)
                for key in from { counts[Int((key >> UInt64(shift)) & 0xFF) + 1] += 1 }
                if counts.contains(n) { continue }
                for i in 1...256 { counts[i] += counts[i - 1] }
                for key in from {
                    let digit = Int((key >> UInt64(shift)) & 0xFF)
                    to[counts[digit]] = key
                    counts[digit] += 1
                }
                swap(&from, &to)
            }
            if from.baseAddress != a.baseAddress { for i in 0..<n { a[i] = from[i] } }
        }
    }
    return keys.map { k in Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k) }
}

/// The standard normal distribution.
enum Normal {
    /// P(|Z| ≥ |z|): the two-sided p value of a z statistic, erfc(|z| / √2).
    static func twoSidedP(_ z: Double) -> Double {
        guard !z.isNaN else { return .nan }
        return erfc(abs(z) / 2.0.squareRoot())
    }
}
