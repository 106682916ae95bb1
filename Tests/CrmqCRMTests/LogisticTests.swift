import CrmqEngine
import CrmqSemantics
import Foundation
import Testing
@testable import CrmqCRM

@Suite struct LogisticFitTests {
    static let x1: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    static let x2: [Double] = [3.5, 1.0, 4.0, 2.5, 0.5, 3.0, 1.5, 4.5, 2.0, 0.0, 3.0, 1.0]

    func fit(_ columns: [[Double]], _ y: [Double], maxIterations: Int = 100) throws -> Result<LogisticFit, LogisticFit.Failure> {
        try LogisticFit.fit(columns: columns, y: y, maxIterations: maxIterations)
    }

    /// Reference values: scikit-learn's LogisticRegression(C=inf, solver="newton-cholesky", tol=1e-14)
    /// and numpy's inverse of XᵀWX at its estimate.
    @Test func matchesScikitLearnOnASmallProblem() throws {
        let y: [Double] = [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1]
        let f = try fit([Self.x1, Self.x2], y).get()
        let want = [-1.421231254276256, 0.14016331315339786, 0.23101214747722057]
        let se = [1.8697923477012954, 0.1825993379401251, 0.45510567791350914]
        for t in 0..<3 {
            #expect(abs(f.coefficients[t] - want[t]) < 1e-9 * abs(want[t]), "coefficient \(t): \(f.coefficients[t])")
            #expect(abs(f.covariance[t * 3 + t].squareRoot() - se[t]) < 1e-9 * se[t], "std error \(t)")
        }
        #expect(abs(f.covariance[1 * 3 + 2] - 0.02524812180861654) < 1e-9)
        #expect(abs(f.covariance[1 * 3 + 2] - f.covariance[2 * 3 + 1]) < 1e-15)
        #expect(abs(f.logLikelihood - -7.958855745751558) < 1e-10)
        // The intercept alone: 6 of 12, log-likelihood 12 log(1/2).
        #expect(abs(f.nullLogLikelihood - 12 * log(0.5)) < 1e-12)
        #expect(f.iterations < 10)
    }

    /// Units do not matter: a column in cents gives the coefficient in dollars / 100.
    @Test func rescaledColumnRescalesItsCoefficient() throws {
        let y: [Double] = [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1]
        let a = try fit([Self.x1, Self.x2], y).get()
        let b = try fit([Self.x1.map { $0 * 1e6 + 5e8 }, Self.x2], y).get()
        #expect(abs(b.coefficients[1] * 1e6 - a.coefficients[1]) < 1e-9 * abs(a.coefficients[1]))
        #expect(abs(b.coefficients[2] - a.coefficients[2]) < 1e-9 * abs(a.coefficients[2]))
        #expect(abs(b.covariance[4].squareRoot() * 1e6 - a.covariance[4].squareRoot()) < 1e-8 * a.covariance[4].squareRoot())
    }

    @Test func completeSeparationIsReported() throws {
        // x1 alone splits the outcomes at 6.5.
        let y: [Double] = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
        #expect(try fit([Self.x1], y) == .failure(.separation))
        // A combination of x1 and x2 splits them (no single column does).
        let combined: [Double] = [0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1]
        #expect(try fit([Self.x1, Self.x2], combined) == .failure(.separation))
    }

    @Test func quasiCompleteSeparationIsReported() throws {
        // Every row with x above 4 has y = 1; at x = 4 both outcomes occur.
        let x: [Double] = [1, 2, 3, 4, 4, 5, 6, 7]
        let y: [Double] = [0, 0, 0, 0, 1, 1, 1, 1]
        #expect(try fit([x], y) == .failure(.separation))
    }

    @Test func constantAndCollinearColumnsAreNamed() throws {
        let y: [Double] = [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1]
        #expect(try fit([Self.x1, [Double](repeating: 3, count: 12)], y) == .failure(.constant(column: 1)))
        #expect(try fit([Self.x1, Self.x2, Self.x1.map { 2 * $0 + 1 }], y) == .failure(.collinear(column: 2)))
        #expect(try fit([Self.x1, Self.x2, zip(Self.x1, Self.x2).map { $0 - $1 }], y) == .failure(.collinear(column: 2)))
        #expect(try fit([Self.x1], [Double](repeating: 1, count: 12)) == .failure(.oneClass))
    }

    @Test func tooFewStepsIsNotConvergence() throws {
        let y: [Double] = [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1]
        #expect(try fit([Self.x1, Self.x2], y, maxIterations: 1) == .failure(.notConverged(iterations: 1)))
    }

    /// Over several chunks (and cores), sums are added in chunk order: the same data in the same
    /// order gives the same bits, and the estimate agrees with a direct Newton iteration.
    @Test func manyRowsAreDeterministic() throws {
        var random = Xoshiro(seed: 5)
        let n = 100_000
        var a = [Double](), b = [Double](), y = [Double]()
        for _ in 0..<n {
            let u = random.normal(), v = random.normal()
            a.append(u)
            b.append(v * 10 + 3)
            y.append(random.uniform() < LogisticFit.probability(0.5 + 1.2 * u - 0.05 * v) ? 1 : 0)
        }
        let first = try fit([a, b], y).get()
        let second = try fit([a, b], y).get()
        #expect(first.coefficients == second.coefficients)
        #expect(abs(first.coefficients[1] - 1.2) < 0.05)
        #expect(abs(first.coefficients[2] - -0.005) < 0.003)
    }

    @Test func choleskySolvesAndInverts() {
        let m: [Double] = [4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]
        let x = LogisticFit.solve(m, [1, 2, 3], d: 3)!
        for r in 0..<3 {
            var s = 0.0
            for c in 0..<3 { s += m[r * 3 + c] * x[c] }
            #expect(abs(s - Double(r + 1)) < 1e-13)
        }
        let inverse = LogisticFit.invert(m, d: 3)!
        for r in 0..<3 {
            for c in 0..<3 {
                var s = 0.0
                for p in 0..<3 { s += m[r * 3 + p] * inverse[p * 3 + c] }
                #expect(abs(s - (r == c ? 1 : 0)) < 1e-13)
            }
        }
        #expect(LogisticFit.cholesky([1, 1, 1, 1], d: 2).pivot == 1)
    }

    @Test func probabilityIsStableAtTheExtremes() {
        #expect(LogisticFit.probability(0) == 0.5)
        #expect(LogisticFit.probability(800) == 1)
        #expect(LogisticFit.probability(-800) == 0)
        #expect(abs(LogisticFit.probability(-40) - exp(-40)) < 1e-30)
    }
}

@Suite struct AUCTests {
    @Test func rankingsAndTies() {
        #expect(AUC.of(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]) == 1)
        #expect(AUC.of(scores: [0.1, 0.2, 0.8, 0.9], labels: [true, true, false, false]) == 0)
        #expect(AUC.of(scores: [0.5, 0.5, 0.5], labels: [true, false, true]) == 0.5)
        // scikit-learn's roc_auc_score of the same: 0.5416666666666667 (ties count one half).
        let auc = AUC.of(scores: [0.9, 0.9, 0.5, 0.5, 0.5, 0.2, 0.1], labels: [true, false, true, false, true, true, false])
        #expect(abs(auc! - 0.5416666666666667) < 1e-15)
        #expect(AUC.of(scores: [0.3, 0.4], labels: [true, true]) == nil)
        #expect(AUC.of(scores: [], labels: []) == nil)
    }
}

@Suite struct NormalTests {
    @Test func twoSidedTail() {
        #expect(abs(Normal.twoSidedP(1.959963984540054) - 0.05) < 1e-14)
        #expect(abs(Normal.twoSidedP(-2.5758293035489) - 0.01) < 1e-13)
        #expect(Normal.twoSidedP(0) == 1)
        #expect(Normal.twoSidedP(40) < 1e-300)
        #expect(Normal.twoSidedP(.nan).isNaN)
    }
}

@Suite struct LogitSplitTests {
    /// The documented rule, u = SplitMix64-mix(seed, key, 0) / 2^64, with values computed by
    /// scripts/checks/churn_check.py's own implementation of it.
    @Test func splitFollowsTheDocumentedHash() {
        #expect(Logit.unit(seed: 42, key: 1) == 0.4024593873209614)
        #expect(Logit.unit(seed: 42, key: 2) == 0.5277356961243381)
        #expect(Logit.unit(seed: 1, key: 1_000_000) == 0.3851778607250893)
        #expect(Logit.unit(seed: 7, key: 12345) == 0.9812344335918077)
    }

    @Test func textKeysHashTheirBytes() {
        let c = Column.from([.string("a"), .string("b"), .string("a")], type: .string)
        #expect(Logit.keyBits(c, 0) == Logit.keyBits(c, 2))
        #expect(Logit.keyBits(c, 0) != Logit.keyBits(c, 1))
        // FNV-1a of "a".
        #expect(Logit.keyBits(c, 0) == 0xAF63_DC4C_8601_EC8C)
    }
}

@Suite struct RadixSortTests {
    @Test func sortsLikeTheStandardLibrary() {
        var random = Xoshiro(seed: 9)
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.5, -1e-300, 1e300, -1e300, .infinity, -.infinity]
        for _ in 0..<5000 { values.append(random.normal() * 1000) }
        for _ in 0..<500 { values.append(Double(random.below(7))) }
        let sorted = radixSorted(values)
        let expected = values.sorted()
        #expect(sorted.count == expected.count)
        // -0.0 and 0 compare equal but may come in either order.
        #expect(zip(sorted, expected).allSatisfy { $0 == $1 })
        #expect(radixSorted([]) == [])
        #expect(radixSorted([3]) == [3])
        #expect(radixSorted([0.25, 0.25, 0.25]) == [0.25, 0.25, 0.25])
    }
}

/// The table functions on hand-made tables (scripts/checks/churn_check.py compares them with
/// scikit-learn on generated data).
@Suite struct LogitFunctionTests {
    /// 400 customers whose churn follows satisfaction, noisily; ids from 1001, in `order`.
    static func customers(_ order: [Int]) -> Table {
        var random = Xoshiro(seed: 11)
        var satisfaction: [Double] = [], churned: [Int64] = []
        for _ in 0..<400 {
            let s = Double(1 + random.below(10))
            satisfaction.append(s)
            churned.append(random.uniform() < LogisticFit.probability(1.5 - 0.4 * s) ? 1 : 0)
        }
        return table([
            ("customer_id", .int, order.map { .int(Int64(1001 + $0)) }),
            ("satisfaction", .double, order.map { .double(satisfaction[$0]) }),
            ("churned", .int, order.map { .int(churned[$0]) }),
        ])
    }

    static let options: [String: TableFunctionOption] = [
        "y": .name("churned"), "x": .name("satisfaction"), "holdout": .value(.double(0.3)), "seed": .value(.int(42)),
    ]

    /// The split follows the key, not the row order: reversed rows hold out the same customers
    /// and give the same model.
    @Test func splitAndFitDoNotDependOnRowOrder() throws {
        let forward = Self.customers(Array(0..<400)), backward = Self.customers(Array((0..<400).reversed()))
        let a = try call("logit_score", forward, Self.options), b = try call("logit_score", backward, Self.options)
        var held: [Int64: Value] = [:]
        for row in rows(a) { if case .int(let id) = row[0] { held[id] = row[2] } }
        for row in rows(b) { if case .int(let id) = row[0] { #expect(held[id] == row[2]) } }
        let heldOut = rows(a).filter { $0[2] == .bool(true) }.count
        #expect(heldOut > 80 && heldOut < 160, "about 30% of 400: \(heldOut)")

        let ca = try call("logit", forward, Self.options), cb = try call("logit", backward, Self.options)
        for (x, y) in zip(column(ca, "coefficient"), column(cb, "coefficient")) {
            guard case .double(let u) = x, case .double(let v) = y else { Issue.record("no coefficient"); continue }
            #expect(abs(u - v) < 1e-9 * abs(u))
        }
        #expect(column(ca, "holdout_auc") == column(cb, "holdout_auc"))
        #expect(ints(ca, "holdout_n") == [Int64(heldOut), Int64(heldOut)])
        // A lower satisfaction raises churn: the fitted odds ratio is below 1.
        if case .double(let ratio) = column(ca, "odds_ratio")[1] { #expect(ratio < 1) }
    }

    @Test func theGainTableAddsUp() throws {
        let g = try call("logit_gain", Self.customers(Array(0..<400)), Self.options.merging(["bins": .value(.int(4))]) { $1 })
        #expect(g.schema.names == ["bin", "customers", "churned", "rate", "mean_probability", "depth", "gain", "lift", "cumulative_lift"])
        let sizes = ints(g, "customers")
        #expect(sizes.count == 4 && sizes.max()! - sizes.min()! <= 1)
        #expect(column(g, "depth").last == .double(1))
        #expect(column(g, "gain").last == .double(1))
        #expect(column(g, "cumulative_lift").last == .double(1))
    }

    @Test func hugePredictorValuesAreAnError() throws {
        var t = Self.customers(Array(0..<400))
        t = table([
            ("customer_id", .int, column(t, "customer_id")),
            ("satisfaction", .double, column(t, "satisfaction").enumerated().map { $0.offset == 7 ? .double(1e200) : $0.element }),
            ("churned", .int, column(t, "churned")),
        ])
        do {
            _ = try call("logit", t, Self.options.merging(["holdout": .value(.int(0))]) { $1 })
            Issue.record("no error")
        } catch let EngineError.data(.tableFunction(message)) {
            #expect(message.contains("'satisfaction' has 1e+200 in the row with customer_id = 1008: too large"), "\(message)")
        }
    }

    @Test func bindNamesTheCulprit() {
        let schema = Self.customers([0]).schema
        #expect(problem("logit", schema, ["x": .name("satisfaction")])?.message.contains("needs y") == true)
        #expect(problem("logit", schema, ["y": .name("churned"), "x": .name("satisfaction"), "holdout": .value(.double(1.5))])?.option == "holdout")
        #expect(problem("logit_score", schema, ["y": .name("churned"), "x": .name("satisfaction"), "key": .name("nope")])?.option == "key")
        #expect(problem("logit_gain", schema, ["y": .name("churned"), "x": .name("satisfaction"), "bins": .value(.int(0))])?.option == "bins")
    }
}
