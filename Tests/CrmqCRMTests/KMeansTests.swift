import CrmqEngine
import CrmqSemantics
import Testing
@testable import CrmqCRM

/// k-means, its elbow and profile, and the value matrix on hand-made tables whose answers
/// are known (the comparison with scikit-learn is scripts/checks/kmeans_check.py).
@Suite struct KMeansTests {
    /// Two tight groups far apart: 6 rows near (0, 0) and 3 near (10, 100), one row with a null.
    static let blobs = table([
        ("customer_id", .int, (1...10).map { Value.int(Int64($0)) }),
        ("x", .double, [0, 0.1, -0.1, 0, 0.1, -0.1, 10, 10.1, 9.9].map(Value.double) + [.null]),
        ("y", .int, [0, 1, 0, -1, 1, -1, 100, 101, 99, 5].map { Value.int(Int64($0)) }),
    ])
    static let columns: [String: TableFunctionOption] = ["columns": .value(.string("x, y")), "k": .value(.int(2))]

    @Test func separatesTheGroupsAndNumbersSegmentsBySize() throws {
        let r = try call("kmeans", Self.blobs, Self.columns)
        #expect(r.schema.names == ["customer_id", "segment", "distance"])
        // The row with a null x is left out.
        #expect(ints(r, "customer_id") == Array(1...9))
        #expect(ints(r, "segment") == [1, 1, 1, 1, 1, 1, 2, 2, 2])
        for case .double(let d) in column(r, "distance") { #expect(d < 0.1) }
    }

    @Test func theProfileGivesMeansInTheirUnitsAndStandardised() throws {
        let r = try call("kmeans_profile", Self.blobs, Self.columns)
        #expect(r.schema.names == ["segment", "customers", "share", "x", "y", "x_z", "y_z"])
        #expect(ints(r, "customers") == [6, 3])
        #expect(column(r, "share") == [.double(6.0 / 9), .double(3.0 / 9)])
        #expect(column(r, "x") == [.double(0), .double(10)])
        #expect(column(r, "y") == [.double(0), .double(100)])
        // Standardised: y's mean over the nine rows is 100/3; the squares within the groups add 4 + 2.
        let mean = 100.0 / 3, sd = ((6 * mean * mean + 3 * (100 - mean) * (100 - mean) + 6) / 9).squareRoot()
        guard case .double(let z)? = column(r, "y_z").first else { Issue.record("no y_z"); return }
        #expect(abs(z - (0 - mean) / sd) < 1e-12)
    }

    @Test func theElbowFallsToZeroWhenEveryRowIsASegment() throws {
        let small = table([
            ("customer_id", .int, [1, 2, 3].map(Value.int)),
            ("v", .double, [1, 2, 4].map(Value.double)),
        ])
        let r = try call("kmeans_elbow", small, ["columns": .name("v")])
        #expect(ints(r, "k") == [1, 2, 3])
        let inertia = column(r, "inertia").map { v -> Double in if case .double(let d) = v { d } else { -1 } }
        // Standardised, the inertia of one segment is the number of rows times the number of columns.
        #expect(abs(inertia[0] - 3) < 1e-12)
        #expect(inertia[2] == 0)
        #expect(column(r, "drop")[0] == .null)
    }

    @Test func theSameSeedGivesTheSameSegments() throws {
        var values: [Value] = [], other: [Value] = []
        var random = Xoshiro(seed: 9)
        for _ in 0..<500 {
            values.append(.double(random.normal()))
            other.append(.double(random.normal() * 3))
        }
        let t = table([
            ("customer_id", .int, (0..<500).map { Value.int(Int64($0)) }), ("a", .double, values),
            ("b", .double, other),
        ])
        let options: [String: TableFunctionOption] = ["k": .value(.int(5)), "seed": .value(.int(11))]
        let first = try call("kmeans", t, options), second = try call("kmeans", t, options)
        #expect(rows(first) == rows(second))
        // More restarts never do worse: the best of seeds 11..14 includes seed 11's run.
        func inertia(_ restarts: Int64) throws -> Double {
            let e = try call(
                "kmeans_elbow", t, ["max_k": .value(.int(5)), "seed": .value(.int(11)), "n_init": .value(.int(restarts))])
            if case .double(let v) = column(e, "inertia")[4] { return v }
            return .nan
        }
        #expect(try inertia(4) <= inertia(1))
    }

    @Test func fewerDistinctPointsThanSegmentsLeavesEmptySegmentsWithoutMeans() throws {
        let same = table([
            ("customer_id", .int, [1, 2, 3, 4].map(Value.int)), ("v", .double, [5, 5, 5, 5].map(Value.double)),
        ])
        let r = try call("kmeans_profile", same, ["columns": .name("v"), "k": .value(.int(2))])
        #expect(ints(r, "customers") == [4, 0])
        #expect(column(r, "v") == [.double(5), .null])
    }

    @Test func badCallsSayWhatIsWrong() {
        let s = Self.blobs.schema
        #expect(problem("kmeans", s, ["columns": .value(.string("x"))])?.message.contains("k = n") == true)
        #expect(problem("kmeans", s, ["columns": .value(.string("x")), "k": .value(.int(0))])?.option == "k")
        #expect(problem("kmeans", s, ["columns": .value(.string("x, z")), "k": .value(.int(2))])?.option == "columns")
        #expect(problem("kmeans", s, ["columns": .value(.string("customer_id")), "k": .value(.int(2))]) != nil)
        #expect(problem("kmeans_elbow", s, ["max_k": .value(.int(0))])?.option == "max_k")
        #expect(problem("kmeans_elbow", s, ["tol": .value(.double(-1))])?.option == "tol")
        // Without a columns option, every number column but the key.
        #expect(problem("kmeans", s, ["k": .value(.int(2))]) == nil)
    }

    @Test func moreSegmentsThanRowsIsAnErrorAtRunTime() {
        #expect(throws: EngineError.data(.tableFunction(
            "kmeans cannot make 10 segments of 9 rows (1 with a null in a chosen column left out); ask for k = 9 or fewer")))
        {
            try call("kmeans", Self.blobs, ["columns": .value(.string("x, y")), "k": .value(.int(10))])
        }
    }

    @Test func theValueMatrixSplitsEachAxisAtItsMedian() throws {
        let t = table([
            ("customer_id", .int, [1, 2, 3, 4, 5].map(Value.int)),
            ("now", .double, [.double(1), .double(2), .double(3), .double(4), .null]),
            ("later", .int, [4, 1, 3, 2, 9].map(Value.int)),
        ])
        let r = try call("value_matrix", t, ["current": .name("now"), "potential": .name("later")])
        #expect(r.schema.names == ["customer_id", "current_value", "potential_value", "quadrant"])
        #expect(ints(r, "customer_id") == [1, 2, 3, 4])
        #expect(column(r, "quadrant") == ["develop", "maintain", "invest", "retain"].map(Value.string))
        let cut = try call(
            "value_matrix", t,
            ["current": .name("now"), "potential": .name("later"), "current_cut": .value(.int(0)),
             "potential_cut": .value(.int(10))])
        #expect(column(cut, "quadrant") == [Value](repeating: .string("retain"), count: 4))
    }

    @Test func theValueMatrixDefaultsToTheWalletNotYetWon() throws {
        let t = table([
            ("customer_id", .int, [1, 2, 3].map(Value.int)),
            ("spend_12m", .double, [100, 10, 50].map(Value.double)),
            ("category_spend", .double, [150, 500, 40].map(Value.double)),
        ])
        let r = try call("value_matrix", t)
        #expect(column(r, "potential_value") == [.double(50), .double(490), .double(0)])
        #expect(column(r, "quadrant") == ["retain", "develop", "maintain"].map(Value.string))
    }
}
