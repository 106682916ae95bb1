import Foundation

// Small numeric routines written here and tested in Tests/CrmqCRMTests/LeastSquaresTests.swift:
// swift-numerics (the one numerics library on this machine's list) has no linear algebra
// and no distribution functions, and a regression needs only a QR factorisation of a few
// columns and the Student-t tail.

/// Ordinary least squares by Householder QR: the design's columns are reflected one at a
/// time into an upper-triangular R, never forming XᵀX, so the error grows with the design's
/// condition number rather than its square (as the normal equations' would).
struct LeastSquares {
    /// The coefficients, one per column of the design.
    var coefficients: [Double]
    /// The residual sum of squares, ‖y − Xb‖².
    var residualSumOfSquares: Double
    /// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ, row-major k × k: the coefficients' covariance up to the residual variance.
    var inverseGram: [Double]

    /// Why a design cannot be solved: column `column` is (nearly) a combination of the
    /// columns before it, or zero.
    struct Collinear: Error, Equatable {
        var column: Int
    }

    /// Solves min ‖y − Xb‖ for `x` given column-major (`columns` arrays of `rows` values).
    /// A column whose part orthogonal to the earlier ones is below `tolerance` times its own
    /// norm is collinear.
    static func solve(columns x: [[Double]], y: [Double], tolerance: Double = 1e-10) throws(Collinear) -> LeastSquares {
        let k = x.count
        let n = y.count
        var a = x
        var b = y
        var r = [Double](repeating: 0, count: k * k)
        for j in 0..<k {
            let original = norm(a[j], from: 0)
            let columnNorm = norm(a[j], from: j)
            if original == 0 || columnNorm <= tolerance * original { throw Collinear(column: j) }
            let alpha = a[j][j] > 0 ? -columnNorm : columnNorm
            // v = a[j][j...] − alpha·e₁, kept in place of the column.
            a[j][j] -= alpha
            let v = a[j]
            var vv = 0.0
            for i in j..<n { vv += v[i] * v[i] }
            func reflect(_ c: inout [Double]) {
                v.withUnsafeBufferPointer { v in
                    c.withUnsafeMutableBufferPointer { c in
                        var dot = 0.0
                        for i in j..<n { dot += v[i] * c[i] }
                        let f = 2 * dot / vv
                        for i in j..<n { c[i] -= f * v[i] }
                    }
                }
            }
            for c in (j + 1)..<max(k, j + 1) {
                reflect(&a[c])
                r[j * k + c] = a[c][j]
            }
            reflect(&b)
            r[j * k + j] = alpha
        }
        // Back substitution: R b = (Qᵀy)[0..<k].
        var beta = [Double](repeating: 0, count: k)
        for j in stride(from: k - 1, through: 0, by: -1) {
            var s = b[j]
            for c in (j + 1)..<max(k, j + 1) { s -= r[j * k + c] * beta[c] }
            beta[j] = s / r[j * k + j]
        }
        var rss = 0.0
        for i in k..<max(n, k) { rss += b[i] * b[i] }
        // R⁻¹ (upper triangular), column by column, then R⁻¹R⁻ᵀ.
        var inv = [Double](repeating: 0, count: k * k)
        for c in 0..<k {
            inv[c * k + c] = 1 / r[c * k + c]
            for j in stride(from: c - 1, through: 0, by: -1) {
                var s = 0.0
                for m in (j + 1)...c { s += r[j * k + m] * inv[m * k + c] }
                inv[j * k + c] = -s / r[j * k + j]
            }
        }
        var gram = [Double](repeating: 0, count: k * k)
        for p in 0..<k {
            for q in 0..<k {
                var s = 0.0
                for m in max(p, q)..<k { s += inv[p * k + m] * inv[q * k + m] }
                gram[p * k + q] = s
            }
        }
        return LeastSquares(coefficients: beta, residualSumOfSquares: rss, inverseGram: gram)
    }

    private static func norm(_ v: [Double], from start: Int) -> Double {
        // Scaled, so that large or tiny values neither overflow nor underflow.
        var scale = 0.0
        for i in start..<v.count { scale = max(scale, abs(v[i])) }
        if scale == 0 { return 0 }
        var s = 0.0
        for i in start..<v.count {
            let t = v[i] / scale
            s += t * t
        }
        return scale * s.squareRoot()
    }
}

/// Student's t distribution.
enum StudentT {
    /// P(|T| ≥ |t|) for T with `df` degrees of freedom: the two-sided p value of a t
    /// statistic, I_{df/(df+t²)}(df/2, 1/2).
    static func twoSidedP(_ t: Double, df: Double) -> Double {
        guard t.isFinite, df > 0 else { return t.isNaN ? .nan : 0 }
        return regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
    }

    /// I_x(a, b), by the continued fraction of Numerical Recipes (§6.4, `betai`/`betacf`,
    /// modified Lentz), evaluated on the side of x where it converges quickly.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
