import CrmqEngine
import CrmqSemantics
import Foundation
import Testing
@testable import CrmqCRM

@Suite struct StudentTTests {
    @Test func closedForms() {
        // One degree of freedom is the Cauchy distribution: P(|T| ≥ 1) = 1/2.
        #expect(abs(StudentT.twoSidedP(1, df: 1) - 0.5) < 1e-14)
        #expect(abs(StudentT.twoSidedP(-1, df: 1) - 0.5) < 1e-14)
        // Two degrees of freedom: P(|T| ≥ t) = 1 − t / √(2 + t²).
        for t in [0.1, 0.5, 1.3, 2.160246899469287, 7.5, 40] {
            #expect(abs(StudentT.twoSidedP(t, df: 2) - (1 - t / (2 + t * t).squareRoot())) < 1e-13)
        }
        #expect(StudentT.twoSidedP(0, df: 5) == 1)
    }

    @Test func tableValues() {
        // Critical values of Student's t (two-sided 5% and 1%).
        #expect(abs(StudentT.twoSidedP(2.228138851986274, df: 10) - 0.05) < 1e-12)
        #expect(abs(StudentT.twoSidedP(3.169272672616960, df: 10) - 0.01) < 1e-12)
        #expect(abs(StudentT.twoSidedP(2.042272456301238, df: 30) - 0.05) < 1e-12)
        // Many degrees of freedom: the normal distribution's 1.96.
        #expect(abs(StudentT.twoSidedP(1.959963984540054, df: 1e9) - 0.05) < 1e-7)
        #expect(StudentT.twoSidedP(50, df: 1000) < 1e-200)
    }
}

@Suite struct LeastSquaresTests {
    @Test func smallProblemByHand() throws {
        // y = 3.5 + 1.4 x over x = 1...4, y = 6, 5, 7, 10: RSS 4.2, (XᵀX)⁻¹ = [[1.5, -0.5], [-0.5, 0.2]].
        let fit = try LeastSquares.solve(columns: [[1, 1, 1, 1], [1, 2, 3, 4]], y: [6, 5, 7, 10])
        #expect(abs(fit.coefficients[0] - 3.5) < 1e-13)
        #expect(abs(fit.coefficients[1] - 1.4) < 1e-13)
        #expect(abs(fit.residualSumOfSquares - 4.2) < 1e-12)
        for (got, want) in zip(fit.inverseGram, [1.5, -0.5, -0.5, 0.2]) { #expect(abs(got - want) < 1e-13) }
    }

    @Test func exactFitRecoversCoefficients() throws {
        let a: [Double] = (0..<50).map { Double($0 % 7) - 3 }
        let b: [Double] = (0..<50).map { sin(Double($0)) }
        let y = zip(a, b).map { 1 + 2 * $0 - 3 * $1 }
        let fit = try LeastSquares.solve(columns: [[Double](repeating: 1, count: 50), a, b], y: y)
        for (got, want) in zip(fit.coefficients, [1.0, 2, -3]) { #expect(abs(got - want) < 1e-12) }
        #expect(fit.residualSumOfSquares < 1e-20)
    }

    @Test func collinearColumnIsNamed() {
        let a: [Double] = [1, 2, 3, 5, 8]
        #expect(throws: LeastSquares.Collinear(column: 2)) {
            try LeastSquares.solve(columns: [a, [1, 0, 1, 0, 1], a.map { 2 * $0 }], y: [1, 2, 3, 4, 5])
        }
        #expect(throws: LeastSquares.Collinear(column: 0)) {
            try LeastSquares.solve(columns: [[0, 0, 0]], y: [1, 2, 3])
        }
    }
}

@Suite struct RegressTests {
    func input(_ x: [Value], _ y: [Value], group: [Value]? = nil) -> Table {
        var columns: [(String, DataType, [Value])] = [("x", .int, x), ("y", .double, y)]
        if let group { columns.append(("g", .string, group)) }
        return table(columns)
    }

    func double(_ t: Table, _ name: String) -> [Double?] {
        column(t, name).map { if case .double(let v) = $0 { v } else { nil } }
    }

    @Test func simpleRegressionByHand() throws {
        let t = try call("regress", input([.int(1), .int(2), .int(3), .int(4)], [6, 5, 7, 10].map(Value.double)),
                         ["y": .name("y"), "x": .name("x")])
        #expect(t.schema.names == ["outcome", "term", "coefficient", "std_coefficient", "std_error", "t", "p", "r2",
                                   "adj_r2", "n"])
        #expect(column(t, "term") == [.string("(intercept)"), .string("x")])
        let b = double(t, "coefficient"), se = double(t, "std_error"), p = double(t, "p")
        #expect(abs(b[0]! - 3.5) < 1e-12 && abs(b[1]! - 1.4) < 1e-12)
        // s² = RSS / (n − 2) = 2.1; SE(b) = √(2.1 · 0.2), SE(a) = √(2.1 · 1.5).
        #expect(abs(se[1]! - (2.1 * 0.2).squareRoot()) < 1e-12)
        #expect(abs(se[0]! - (2.1 * 1.5).squareRoot()) < 1e-12)
        // beta = b · sd(x) / sd(y) = 1.4 √(5/14); r² = 1 − 4.2 / 14.
        #expect(double(t, "std_coefficient")[0] == nil)
        #expect(abs(double(t, "std_coefficient")[1]! - 1.4 * (5.0 / 14).squareRoot()) < 1e-12)
        #expect(abs(double(t, "r2")[1]! - 0.7) < 1e-12)
        #expect(abs(double(t, "adj_r2")[1]! - (1 - 0.3 * 3 / 2)) < 1e-12)
        let tb = 1.4 / (2.1 * 0.2).squareRoot()
        #expect(abs(double(t, "t")[1]! - tb) < 1e-12)
        #expect(abs(p[1]! - (1 - tb / (2 + tb * tb).squareRoot())) < 1e-12)
        #expect(ints(t, "n") == [4, 4])
    }

    @Test func groupsInOrderAndNullsDroppedListwise() throws {
        let x: [Value] = [.int(1), .int(2), .int(3), .int(4), .null, .int(1), .int(2), .int(3), .int(9)]
        let y: [Value] = [6, 5, 7, 10, 99, 1, 3, 5].map(Value.double) + [.null]
        let g: [Value] = ["b", "b", "b", "b", "b", "a", "a", "a", "a"].map(Value.string)
        let t = try call("regress", input(x, y, group: g), ["y": .name("y"), "x": .name("x"), "by": .name("g")])
        #expect(column(t, "g") == ["a", "a", "b", "b"].map(Value.string))
        #expect(ints(t, "n") == [3, 3, 4, 4])
        let b = double(t, "coefficient")
        #expect(abs(b[1]! - 2) < 1e-12 && abs(b[3]! - 1.4) < 1e-12)
        // A group with no more rows than predictors + 1 keeps its rows, with null statistics.
        let small = try call("regress", input(Array(x.prefix(7)), Array(y.prefix(7)), group: Array(g.prefix(7))),
                             ["y": .name("y"), "x": .name("x"), "by": .name("g")])
        #expect(ints(small, "n") == [2, 2, 4, 4])
        #expect(double(small, "coefficient")[0] == nil && double(small, "r2")[1] == nil)
    }

    @Test func dataProblemsNameTheColumn() throws {
        let constant = table([("x", .int, [1, 1, 1, 1].map(Value.int)), ("z", .int, [1, 2, 3, 5].map(Value.int)),
                              ("y", .int, [1, 2, 4, 3].map(Value.int))])
        #expect(throws: EngineError.data(.tableFunction(
            "regress's predictor 'x' is constant, so its weight cannot be told apart from the intercept"))) {
            try call("regress", constant, ["y": .name("y"), "x": .names(["z", "x"])])
        }
        let doubled = table([("a", .int, [1, 2, 3, 5, 7].map(Value.int)), ("b", .int, [2, 4, 6, 10, 14].map(Value.int)),
                             ("y", .int, [1, 2, 4, 3, 5].map(Value.int))])
        #expect(throws: EngineError.data(.tableFunction(
            "regress's predictor 'b' is a linear combination of the predictors before it (collinear): leave one of them out"))) {
            try call("regress", doubled, ["y": .name("y"), "x": .names(["a", "b"])])
        }
        // One row per group is too few: null statistics rather than an error.
        #expect(try call("regress", doubled, ["y": .name("y"), "x": .names(["a"]), "by": .name("b")]).rowCount == 10)
    }

    @Test func optionProblems() {
        let s = Schema([Field("x", .int), Field("y", .double), Field("name", .string)])
        #expect(problem("regress", s, ["x": .name("x")])?.message.hasPrefix("regress needs y =") == true)
        #expect(problem("regress", s, ["y": .name("y")])?.message.hasPrefix("regress needs x =") == true)
        #expect(problem("regress", s, ["y": .name("y"), "x": .name("nme")])?.message
            == "regress's input has no column 'nme' (in x =)")
        #expect(problem("regress", s, ["y": .name("y"), "x": .name("name")])?.message
            == "regress's x column 'name' is string, not a number")
        #expect(problem("regress", s, ["y": .name("y"), "x": .names(["x", "y"])])?.message
            == "regress's column 'y' is both an outcome (y) and a predictor (x)")
        #expect(problem("regress", s, ["y": .name("y"), "x": .value(.int(3))])?.option == "x")
        #expect(problem("regress", s, ["y": .name("y"), "x": .name("x"), "by": .name("name")]) == nil)
    }
}
