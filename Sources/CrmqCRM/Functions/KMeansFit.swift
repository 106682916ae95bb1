import CrmqEngine
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lloyd's k-means with greedy k-means++ seeding (Arthur & Vassilvitskii 2007; the greedy
/// variant with 2 + ln k candidates per centre is scikit-learn's), over row-major points.
/// No numerics library on the machine's list offers clustering, so this is a small routine
/// of our own, checked against scikit-learn by scripts/checks/kmeans_check.py.
///
/// Every sum over the points is made per fixed-size chunk and the chunks' partial sums are
/// added in chunk order, so centres, labels and inertia do not depend on how many cores ran
/// the chunks (`Parallel`).
struct KMeansFit {
    /// k × d centres, row-major.
    var centers: [Double]
    /// The centre of each point (0..<k).
    var labels: [Int32]
    /// The squared distance of each point to its centre.
    var distances: [Double]
    /// The sum of `distances`.
    var inertia: Double
    /// Lloyd iterations of the best restart.
    var iterations: Int

    struct Settings {
        var k: Int
        var seed: UInt64
        var restarts: Int
        var maxIterations: Int
        /// Stop when the centres move by at most this much in total (sum of squared shifts),
        /// relative to the mean variance of the columns (scikit-learn's rule).
        var tolerance: Double
    }

    /// Rows per chunk of every parallel pass: partial sums are per chunk, never per core.
    static let chunk = 1 << 14

    /// The best of `settings.restarts` runs (lowest inertia; the first on a tie), each started
    /// from its own k-means++ draw.
    static func fit(
        points: [Double], n: Int, d: Int, settings: Settings, cancellation: CancellationFlag
    ) throws(EngineError) -> KMeansFit {
        precondition(n >= settings.k && settings.k >= 1 && d >= 1)
        let tolerance = settings.tolerance * meanVariance(points, n: n, d: d)
        var best: KMeansFit? = nil
        for restart in 0..<max(1, settings.restarts) {
            // Restart r draws from the stream of seed + r (the generator's xoshiro), so a run with
            // n restarts is the best of the runs seeded seed, seed + 1, ..., each with one.
            var random = Xoshiro(seed: settings.seed &+ UInt64(restart))
            let start = try seed(points: points, n: n, d: d, k: settings.k, random: &random, cancellation: cancellation)
            let fit = try lloyd(
                points: points, n: n, d: d, k: settings.k, centers: start, maxIterations: settings.maxIterations,
                tolerance: tolerance, cancellation: cancellation)
            if best == nil || fit.inertia < best!.inertia { best = fit }
        }
        return best!
    }

    static func meanVariance(_ points: [Double], n: Int, d: Int) -> Double {
        var total = 0.0
        for j in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += points[i * d + j] }
            mean /= Double(n)
            var s = 0.0
            for i in 0..<n {
                let e = points[i * d + j] - mean
                s += e * e
            }
            total += s / Double(n)
        }
        return total / Double(d)
    }

    /// Runs `body(chunk, rows)` for every chunk of `0..<n`, on every core when there are many.
    @inline(__always)
    static func forEachChunk(_ n: Int, _ body: (_ chunk: Int, _ rows: Range<Int>) -> Void) {
        let chunks = (n + chunk - 1) / chunk
        let parts = n >= Parallel.minimumRows / 4 ? min(Parallel.cores, chunks) : 1
        Parallel.forEach(chunks, parts: parts) { _, range in
            for c in range { body(c, c * chunk..<min(n, (c + 1) * chunk)) }
        }
    }

    @inline(__always)
    static func squaredDistance(
        _ p: UnsafeBufferPointer<Double>, _ i: Int, _ c: UnsafeBufferPointer<Double>, _ j: Int, _ d: Int
    ) -> Double {
        var s = 0.0
        for t in 0..<d {
            let e = p[i * d + t] - c[j * d + t]
            s += e * e
        }
        return s
    }

    /// Greedy k-means++: the first centre uniformly at random; each next one the best, by the
    /// resulting sum of squared distances, of 2 + ⌊ln k⌋ points drawn with probability
    /// proportional to their squared distance to the nearest centre so far.
    static func seed(
        points: [Double], n: Int, d: Int, k: Int, random: inout Xoshiro, cancellation: CancellationFlag
    ) throws(EngineError) -> [Double] {
        var centers = [Double](repeating: 0, count: k * d)
        let first = random.below(n)
        for t in 0..<d { centers[t] = points[first * d + t] }
        var closest = [Double](repeating: 0, count: n)
        let chunks = (n + chunk - 1) / chunk
        points.withUnsafeBufferPointer { p in
            centers.withUnsafeBufferPointer { c in
                closest.withUnsafeMutableBufferPointer { out in
                    forEachChunk(n) { _, rows in
                        for i in rows { out[i] = squaredDistance(p, i, c, 0, d) }
                    }
                }
            }
        }
        let trials = 2 + Int(log(Double(k)))
        var cumulative = [Double](repeating: 0, count: n)
        var candidateDistances = [Double](repeating: 0, count: trials * n)
        var candidatePartials = [Double](repeating: 0, count: trials * chunks)
        for center in 1..<k {
            try cancellation.check()
            var running = 0.0
            for i in 0..<n {
                running += closest[i]
                cumulative[i] = running
            }
            var candidates: [Int] = []
            for _ in 0..<trials {
                let target = random.uniform() * running
                // The first point whose cumulative sum exceeds the target (numpy's searchsorted).
                var lo = 0, hi = n - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] <= target { lo = mid + 1 } else { hi = mid }
                }
                candidates.append(lo)
            }
            points.withUnsafeBufferPointer { p in
                closest.withUnsafeBufferPointer { near in
                    candidateDistances.withUnsafeMutableBufferPointer { out in
                        candidatePartials.withUnsafeMutableBufferPointer { part in
                            forEachChunk(n) { chunkIndex, rows in
                                for (t, cand) in candidates.enumerated() {
                                    var s = 0.0
                                    for i in rows {
                                        var e = 0.0
                                        for u in 0..<d {
                                            let x = p[i * d + u] - p[cand * d + u]
                                            e += x * x
                                        }
                                        let m = min(near[i], e)
                                        out[t * n + i] = m
                                        s += m
                                    }
                                    part[t * chunks + chunkIndex] = s
                                }
                            }
                        }
                    }
                }
            }
            var bestTrial = 0
            var bestPotential = Double.infinity
            for t in 0..<trials {
                var s = 0.0
                for c in 0..<chunks { s += candidatePartials[t * chunks + c] }
                if s < bestPotential {
                    bestPotential = s
                    bestTrial = t
                }
            }
            for u in 0..<d { centers[center * d + u] = points[candidates[bestTrial] * d + u] }
            for i in 0..<n { closest[i] = candidateDistances[bestTrial * n + i] }
        }
        return centers
    }

    /// The result of one assignment pass: labels and distances written in place, per-chunk
    /// sums reduced in chunk order.
    struct Assignment {
        var sums: [Double]
        var counts: [Int]
        var inertia: Double
        var changed: Int
    }

    static func assign(
        points: [Double], n: Int, d: Int, k: Int, centers: [Double], labels: inout [Int32],
        distances: inout [Double]
    ) -> Assignment {
        let chunks = (n + chunk - 1) / chunk
        var sums = [Double](repeating: 0, count: chunks * k * d)
        var counts = [Int](repeating: 0, count: chunks * k)
        var inertias = [Double](repeating: 0, count: chunks)
        var changes = [Int](repeating: 0, count: chunks)
        points.withUnsafeBufferPointer { p in
            centers.withUnsafeBufferPointer { c in
                labels.withUnsafeMutableBufferPointer { labels in
                    distances.withUnsafeMutableBufferPointer { dist in
                        sums.withUnsafeMutableBufferPointer { sums in
                            counts.withUnsafeMutableBufferPointer { counts in
                                inertias.withUnsafeMutableBufferPointer { inertias in
                                    changes.withUnsafeMutableBufferPointer { changes in
                                        forEachChunk(n) { chunkIndex, rows in
                                            let s = sums.baseAddress! + chunkIndex * k * d
                                            let cnt = counts.baseAddress! + chunkIndex * k
                                            var inertia = 0.0
                                            var changed = 0
                                            for i in rows {
                                                var best = 0
                                                var bestDistance = squaredDistance(p, i, c, 0, d)
                                                for j in 1..<max(k, 1) where k > 1 {
                                                    let e = squaredDistance(p, i, c, j, d)
                                                    if e < bestDistance {
                                                        bestDistance = e
                                                        best = j
                                                    }
                                                }
                                                if labels[i] != Int32(best) {
                                                    changed += 1
                                                    labels[i] = Int32(best)
                                                }
                                                dist[i] = bestDistance
                                                inertia += bestDistance
                                                cnt[best] += 1
                                                for t in 0..<d { s[best * d + t] += p[i * d + t] }
                                            }
                                            inertias[chunkIndex] = inertia
                                            changes[chunkIndex] = changed
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var total = [Double](repeating: 0, count: k * d)
        var count = [Int](repeating: 0, count: k)
        for c in 0..<chunks {
            for j in 0..<k * d { total[j] += sums[c * k * d + j] }
            for j in 0..<k { count[j] += counts[c * k + j] }
        }
        return Assignment(
            sums: total, counts: count, inertia: inertias.reduce(0, +), changed: changes.reduce(0, +))
    }

    /// Lloyd iterations from `centers` until no point changes centre, the centres move less
    /// than `tolerance`, or `maxIterations` passes. An emptied cluster takes the point farthest
    /// from its centre (the first such point), as scikit-learn does.
    static func lloyd(
        points: [Double], n: Int, d: Int, k: Int, centers start: [Double], maxIterations: Int,
        tolerance: Double, cancellation: CancellationFlag
    ) throws(EngineError) -> KMeansFit {
        var centers = start
        var labels = [Int32](repeating: -1, count: n)
        var distances = [Double](repeating: 0, count: n)
        var iterations = 0
        var a = assign(points: points, n: n, d: d, k: k, centers: centers, labels: &labels, distances: &distances)
        while iterations < maxIterations {
            try cancellation.check()
            iterations += 1
            var next = [Double](repeating: 0, count: k * d)
            var taken = Set<Int>()
            for j in 0..<k {
                if a.counts[j] > 0 {
                    for t in 0..<d { next[j * d + t] = a.sums[j * d + t] / Double(a.counts[j]) }
                } else {
                    var far = -1
                    for i in 0..<n where !taken.contains(i) && (far < 0 || distances[i] > distances[far]) { far = i }
                    taken.insert(far)
                    for t in 0..<d { next[j * d + t] = points[far * d + t] }
                }
            }
            var shift = 0.0
            for j in 0..<k * d {
                let e = next[j] - centers[j]
                shift += e * e
            }
            centers = next
            a = assign(points: points, n: n, d: d, k: k, centers: centers, labels: &labels, distances: &distances)
            if a.changed == 0 || shift <= tolerance { break }
        }
        return KMeansFit(
            centers: centers, labels: labels, distances: distances, inertia: a.inertia, iterations: iterations)
    }
}
