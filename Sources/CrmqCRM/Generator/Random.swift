#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The generator's own random numbers, so a dataset depends only on its seed: never the
// system generator, never Foundation. Every customer gets its own stream per phase,
// derived from (seed, customer, phase) by SplitMix64, so the output does not depend on
// how customers are split into blocks or on which core runs which block.

/// SplitMix64 (Steele, Lea, Flood 2014): a fast 64-bit mixer, used to seed xoshiro.
struct SplitMix64 {
    var state: UInt64

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A well-mixed 64-bit value for a (seed, a, b) triple.
    @inline(__always)
    static func mix(_ seed: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        var s = SplitMix64(state: seed)
        s.state ^= s.next() &+ a &* 0xD1B5_4A32_D192_ED03
        s.state ^= s.next() &+ b &* 0x8CB9_2BA7_2F3D_8DD7
        return s.next()
    }
}

/// xoshiro256** (Blackman, Vigna 2018) with the samplers the generator needs.
struct Xoshiro {
    private var s0, s1, s2, s3: UInt64
    /// The second normal of the last Box–Muller pair, if unused.
    private var spareNormal = Double.nan

    init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// The stream of one customer in one phase of generation.
    init(seed: UInt64, customer: Int, phase: UInt64) {
        self.init(seed: SplitMix64.mix(seed, UInt64(customer), phase))
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1), 53 bits.
    @inline(__always)
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    @inline(__always)
    mutating func uniformPositive() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Uniform integer in 0..<n (multiply-shift; the bias is below 2^-40 for our n).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(n)) >> 32)
    }

    /// Standard normal (Box–Muller; the pair's second value is kept for the next call).
    @inline(__always)
    mutating func normal() -> Double {
        if !spareNormal.isNaN {
            let z = spareNormal
            spareNormal = .nan
            return z
        }
        let r = (-2.0 * log(uniformPositive())).squareRoot()
        let theta = 2.0 * Double.pi * uniform()
        spareNormal = r * sin(theta)
        return r * cos(theta)
    }

    @inline(__always)
    mutating func normal(_ mean: Double, _ sd: Double) -> Double {
        mean + sd * normal()
    }

    /// Exponential with mean 1.
    @inline(__always)
    mutating func exponential() -> Double {
        -log(uniformPositive())
    }

    /// Geometric on 1, 2, 3, ...: trials up to and including the first success.
    mutating func geometric(_ p: Double) -> Int {
        1 + Int(log(uniformPositive()) / log(1.0 - p))
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang (2000); shape >= 1.
    mutating func gamma(shape: Double) -> Double {
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1.0 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniformPositive()
            if u < 1.0 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1.0 - v + log(v)) { return d * v }
        }
    }

    /// Poisson(lambda): multiplication for small lambda, PTRS (Hörmann 1993) above 10.
    mutating func poisson(_ lambda: Double) -> Int {
        if !(lambda > 0) { return 0 }
        if lambda < 10 {
            let limit = exp(-lambda)
            var k = 0
            var p = uniform()
            while p > limit {
                k += 1
                p *= uniform()
            }
            return k
        }
        let slam = lambda.squareRoot(), loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// An index drawn with the given cumulative probabilities (last entry 1).
    @inline(__always)
    mutating func pick(_ cumulative: [Double]) -> Int {
        let u = uniform()
        var i = 0
        while i < cumulative.count - 1 && u >= cumulative[i] { i += 1 }
        return i
    }
}

@inline(__always)
func sigmoid(_ x: Double) -> Double { 1.0 / (1.0 + exp(-x)) }
