import CrmqSemantics
import Testing

@testable import CrmqEngine

/// The columnar string kernels give exactly what the generic per-distinct evaluation gives
/// (one function call per distinct argument tuple), on columns with nulls, duplicates,
/// non-ASCII text, unused dictionary entries and every argument type.
@Suite struct StringColumnKernelTests {
    static let texts = ["", "a", "A", "Hello", "  padded ", "café", "ÉCOLE", "客户关系", "x,y", "a", "Straße", "42", " 7 ",
                        "3.5", "nan", "2024-02-29", "2023-02-29"]

    /// A pseudo-random column of `n` rows drawn from `texts` (every fifth row null), whose
    /// dictionary also holds entries no row uses.
    static func strings(_ n: Int, seed: UInt64) -> Column {
        var state = seed
        var codes: [Int32] = []
        var valid: [Bool] = []
        for i in 0..<n {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            codes.append(Int32((state >> 33) % UInt64(texts.count)))
            valid.append(i % 5 != 3)
        }
        return Column(.string(codes: codes, dictionary: StringDictionary(texts + ["unused", "UNUSED é"])), validity: valid)
    }

    static func compare(_ fn: ScalarFunction, _ args: [Datum], type: DataType, n: Int) throws {
        let cx = CallContext(n: n, type: type, range: r0)
        let cancel = CancellationFlag()
        guard let fast = try StringColumnKernels.call(fn, args, cx, cancel: cancel) else {
            Issue.record("\(fn) has no columnar kernel for these arguments")
            return
        }
        let slow = try perDistinct(args, cx, cancel: cancel, stringFunction(fn, cx)!)
        let a = materialize(fast, type: type, count: n), b = materialize(slow, type: type, count: n)
        #expect(a.type == b.type, "\(fn)")
        for i in 0..<n { #expect(a.value(at: i) == b.value(at: i), "\(fn) row \(i)") }
        // One dictionary entry per distinct value, as the generic path gives.
        if case .string(_, let d) = a.values { #expect(Set(d.values).count == d.count, "\(fn)") }
    }

    @Test func unaryFunctionsMatchPerDistinctEvaluation() throws {
        let n = 300
        let s = Datum.column(Self.strings(n, seed: 1))
        for fn in [ScalarFunction.lower, .upper, .trim] { try Self.compare(fn, [s], type: .string, n: n) }
        try Self.compare(.length, [s], type: .int, n: n)
        try Self.compare(.toInt, [s], type: .int, n: n)
        try Self.compare(.toDouble, [s], type: .double, n: n)
        for t in ["a", "", "é", "Straße", "ll", "\r", "e"] {
            for fn in [ScalarFunction.contains, .startsWith, .endsWith] {
                try Self.compare(fn, [s, .scalar(.string(t))], type: .bool, n: n)
            }
            try Self.compare(.replace, [s, .scalar(.string(t)), .scalar(.string("_"))], type: .string, n: n)
        }
        for start in [Int64(-3), 0, 2, .max, .min] {
            try Self.compare(.substring, [s, .scalar(.int(start))], type: .string, n: n)
            try Self.compare(.substring, [s, .scalar(.int(start)), .scalar(.int(2))], type: .string, n: n)
        }
        // A null literal argument makes every row null.
        try Self.compare(.contains, [s, .scalar(.null)], type: .bool, n: n)
    }

    @Test func byteSearch() {
        #expect(bytesContain("hello gift card", "gift"))
        #expect(bytesContain("gift", "gift"))
        #expect(bytesContain("xgif gift", "gift"))
        #expect(!bytesContain("gif", "gift"))
        #expect(!bytesContain("gi ft gifT", "gift"))
        #expect(bytesContain("café", "é"))
        #expect(bytesContain("ab", "b"))
    }

    @Test func toDateReportsABadValueInUse() throws {
        let n = 300
        let cx = CallContext(n: n, type: .date, range: r0)
        let s = Datum.column(Self.strings(n, seed: 2))
        #expect(runtimeMessage { _ = try StringColumnKernels.call(.toDate, [s], cx, cancel: CancellationFlag()) } != nil)
    }

    @Test func toStringOfEveryTypeMatches() throws {
        let n = 500
        let valid = (0..<n).map { $0 % 7 != 2 }
        let ints = Column(.int((0..<n).map { Int64(($0 * 7919) % 97) - 48 }), validity: valid)
        let bigInts = Column(.int((0..<n).map { Int64($0) * 1_000_003 + .min / 2 }), validity: valid)
        let doubles = Column(.double((0..<n).map { [0.1, -0.0, 0.0, 1e300, 3, -2.5, 1.0 / 3][$0 % 7] }), validity: valid)
        let dates = Column(.date((0..<n).map { Int32($0 % 40) * 31 - 400 }), validity: valid)
        let bools = Column(.bool((0..<n).map { $0 % 3 == 0 }), validity: valid)
        for (c, _) in [(ints, 0), (bigInts, 0), (doubles, 0), (dates, 0), (bools, 0)] {
            try Self.compare(.toString, [.column(c)], type: .string, n: n)
        }
    }

    @Test func concatMatches() throws {
        let n = 400
        let a = Datum.column(Self.strings(n, seed: 3)), b = Datum.column(Self.strings(n, seed: 4))
        try Self.compare(.concat, [a, b], type: .string, n: n)
        try Self.compare(.concat, [a, .scalar(.string(" / ")), b, .scalar(.null)], type: .string, n: n)
        try Self.compare(.concat, [.scalar(.string("<")), a, .scalar(.string(">"))], type: .string, n: n)
        // "a" + "bc" and "ab" + "c" are one entry.
        let l = Column.from([.string("a"), .string("ab")], type: .string)
        let r = Column.from([.string("bc"), .string("c")], type: .string)
        try Self.compare(.concat, [.column(l), .column(r)], type: .string, n: 2)
        // Many distinct pairs take the hashed path.
        let m = 70_000
        let many = Column(.int((0..<m).map { Int64($0) }))
        let cancel = CancellationFlag()
        let cx = CallContext(n: m, type: .string, range: r0)
        let text = try StringColumnKernels.call(.toString, [.column(many)], cx, cancel: cancel)!
        try Self.compare(.concat, [text, a.sliceForTest(m)], type: .string, n: m)
    }
}

extension Datum {
    /// A string column of `m` rows repeating this one's codes.
    func sliceForTest(_ m: Int) -> Datum {
        guard case .column(let c) = self, case .string(let codes, let d) = c.values else { return self }
        return .column(Column(
            .string(codes: (0..<m).map { codes[$0 % codes.count] }, dictionary: d),
            validity: c.validity.map { v in (0..<m).map { v[$0 % v.count] } }))
    }
}
