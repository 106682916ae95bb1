import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct OperatorTests {
    let people = table([
        ("name", .string, [.string("ann"), .string("bob"), .string("cy"), .string("dee"), .string("ed"), .string("flo")]),
        ("region", .string, [.string("N"), .string("S"), .null, .string("N"), .string("S"), .string("N")]),
        ("score", .int, [.int(3), .int(1), .int(3), .null, .int(2), .int(1)]),
    ])

    func run(_ kind: PlanKind, schema: Schema? = nil) throws -> Table {
        try executor(["people": people]).execute(Plan(kind, schema: schema ?? people.schema))
    }

    var source: Plan { scan("people", people) }

    @Test func scanAndMissingTable() throws {
        #expect(rows(try run(.scan(table: "people"))) == rows(people))
        #expect(throws: EngineError.missingTable("gone")) { try run(.scan(table: "gone")) }
    }

    @Test func filterKeepsTrueRowsOnly() throws {
        let p = call(.greater, [col(2, .int), lit(.int(1))], .bool)
        let t = try run(.filter(source, predicate: p))
        #expect(t.rowCount == 3)
        #expect(values(t.columns[0]) == [.string("ann"), .string("cy"), .string("ed")])
        let none = try run(.filter(source, predicate: lit(.bool(false))))
        #expect(none.rowCount == 0 && none.columns.count == 3)
        let all = try run(.filter(source, predicate: lit(.bool(true))))
        #expect(all.rowCount == 6)
        let nulls = try run(.filter(source, predicate: lit(.null, as: .bool)))
        #expect(nulls.rowCount == 0)
        let stringEq = call(.equal, [col(1, .string), lit(.string("N"))], .bool)
        #expect(values(try run(.filter(source, predicate: stringEq)).columns[0]) == [.string("ann"), .string("dee"), .string("flo")])
    }

    @Test func projectEvaluatesExpressions() throws {
        let schema = Schema([Field("name", .string), Field("double_score", .int), Field("one", .int)])
        let t = try run(.project(source, [col(0, .string), call(.multiply, [col(2, .int), lit(.int(2))], .int), lit(.int(1))]), schema: schema)
        #expect(t.schema == schema)
        #expect(values(t.columns[1]) == [.int(6), .int(2), .int(6), .null, .int(4), .int(2)])
        #expect(values(t.columns[2]) == Array(repeating: .int(1), count: 6))
        let nullCol = try run(.project(source, [lit(.null, as: .int)]), schema: Schema([Field("x", .int)]))
        #expect(nullCol.columns[0].type == .int && nullCol.columns[0].nullCount == 6)
    }

    @Test func limit() throws {
        #expect(try run(.limit(source, count: 2)).rowCount == 2)
        #expect(try run(.limit(source, count: 100)).rowCount == 6)
        #expect(try run(.limit(source, count: 0)).rowCount == 0)
    }

    @Test func sortIsStableMultiKeyNullsLast() throws {
        let bySDesc = try run(.sort(source, keys: [SortKey(expr: col(2, .int), descending: true)]))
        #expect(values(bySDesc.columns[0]) == ["ann", "cy", "ed", "bob", "flo", "dee"].map { .string($0) })
        let bySAsc = try run(.sort(source, keys: [SortKey(expr: col(2, .int), descending: false)]))
        #expect(values(bySAsc.columns[0]) == ["bob", "flo", "ed", "ann", "cy", "dee"].map { .string($0) })
        let two = try run(.sort(source, keys: [
            SortKey(expr: col(1, .string), descending: true), SortKey(expr: col(2, .int), descending: false),
        ]))
        #expect(values(two.columns[0]) == ["bob", "ed", "flo", "ann", "dee", "cy"].map { .string($0) })
        let byName = try run(.sort(source, keys: [SortKey(expr: col(0, .string), descending: true)]))
        #expect(values(byName.columns[0]) == ["flo", "ed", "dee", "cy", "bob", "ann"].map { .string($0) })
    }

    @Test func sortDoublesAndStringsByBytes() throws {
        let t = table([
            ("x", .double, [.double(1.5), .double(-0.0), .null, .double(-3), .double(0), .double(.infinity)]),
            ("s", .string, [.string("b"), .string("B"), .string("é"), .string("a"), .string("Z"), .null]),
        ])
        let ex = executor(["t": t])
        let byX = try ex.execute(Plan(.sort(scan("t", t), keys: [SortKey(expr: col(0, .double), descending: false)]), schema: t.schema))
        #expect(values(byX.columns[0]) == [.double(-3), .double(-0.0), .double(0), .double(1.5), .double(.infinity), .null])
        let byS = try ex.execute(Plan(.sort(scan("t", t), keys: [SortKey(expr: col(1, .string), descending: false)]), schema: t.schema))
        #expect(values(byS.columns[1]) == [.string("B"), .string("Z"), .string("a"), .string("b"), .string("é"), .null])
    }

    @Test func topNEqualsStableSortThenLimit() throws {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<20 {
            let n = 2000 + trial
            let a: [Value] = (0..<n).map { _ in Int.random(in: 0..<10, using: &rng) == 0 ? .null : .int(Int64.random(in: 0..<20, using: &rng)) }
            // b has nulls in half the trials (a null second key on a first-key tie).
            let b: [Value] = (0..<n).map { _ in
                trial % 2 == 1 && Int.random(in: 0..<7, using: &rng) == 0 ? .null : .double(Double(Int.random(in: 0..<5, using: &rng)))
            }
            let c: [Value] = (0..<n).map { _ in .int(Int64.random(in: 0..<30, using: &rng)) }
            let id: [Value] = (0..<n).map { .int(Int64($0)) }
            let t = table([("a", .int, a), ("b", .double, b), ("c", .int, c), ("id", .int, id)])
            let up = trial % 2 == 0, down = trial % 3 == 0
            let keySets = [
                [SortKey(expr: col(0, .int), descending: up), SortKey(expr: col(1, .double), descending: down)],
                // A first key without nulls, then a nullable one.
                [SortKey(expr: col(2, .int), descending: up), SortKey(expr: col(1, .double), descending: down)],
            ]
            let ex = executor(["t": t])
            for keys in keySets {
                for k in [1, 7, 100, 500] {
                    let top = try ex.execute(Plan(.topN(scan("t", t), keys: keys, count: k), schema: t.schema))
                    let sorted = try ex.execute(Plan(.limit(Plan(.sort(scan("t", t), keys: keys), schema: t.schema), count: k), schema: t.schema))
                    #expect(rows(top) == rows(sorted))
                }
            }
            let single = [SortKey(expr: col(0, .int), descending: true)]
            let top = try ex.execute(Plan(.topN(scan("t", t), keys: single, count: 10), schema: t.schema))
            let sorted = try ex.execute(Plan(.limit(Plan(.sort(scan("t", t), keys: single), schema: t.schema), count: 10), schema: t.schema))
            #expect(rows(top) == rows(sorted))
        }
    }

    @Test func sortExtremesAgreeWithAComparatorSort() throws {
        let xs: [Value] = [.int(Int64.max), .int(-1), .null, .int(Int64.min), .int(0), .int(-1), .null, .int(Int64.max)]
        let t = table([("x", .int, xs), ("i", .int, (0..<xs.count).map { .int(Int64($0)) })])
        for descending in [false, true] {
            let s = try executor(["t": t]).execute(Plan(.sort(scan("t", t), keys: [SortKey(expr: col(0, .int), descending: descending)]), schema: t.schema))
            let expected = (0..<xs.count).sorted { a, b in
                switch (xs[a], xs[b]) {
                case (.int(let x), .int(let y)): return x != y ? (descending ? x > y : x < y) : a < b
                case (.int, .null): return true
                case (.null, .int): return false
                default: return a < b
                }
            }
            #expect(values(s.columns[1]) == expected.map { .int(Int64($0)) })
        }
    }

    @Test func distinctKeepsFirstAppearance() throws {
        let t = table([
            ("a", .string, [.string("x"), .string("y"), .string("x"), .null, .null, .string("y")]),
            ("b", .int, [.int(1), .int(1), .int(1), .null, .null, .int(2)]),
        ])
        let d = try executor(["t": t]).execute(Plan(.distinct(scan("t", t)), schema: t.schema))
        #expect(rows(d) == [[.string("x"), .int(1)], [.string("y"), .int(1)], [.null, .null], [.string("y"), .int(2)]])
        let doubles = table([("x", .double, [.double(0.0), .double(-0.0), .double(1), .double(1e300), .double(1)])])
        let dd = try executor(["t": doubles]).execute(Plan(.distinct(scan("t", doubles)), schema: doubles.schema))
        #expect(values(dd.columns[0]) == [.double(0), .double(1), .double(1e300)])
    }

    @Test func appendShare() throws {
        let t = table([("k", .string, [.string("a"), .string("b"), .string("c")]), ("n", .int, [.int(1), .int(3), .null])])
        let schema = Schema([Field("k", .string), Field("n", .int), Field("share", .double)])
        let s = try executor(["t": t]).execute(Plan(.appendShare(scan("t", t), of: 1), schema: schema))
        #expect(s.schema == schema)
        #expect(values(s.columns[2]) == [.double(0.25), .double(0.75), .null])
    }

    @Test func inputTablesAreNotChanged() throws {
        let before = rows(people)
        _ = try run(.sort(source, keys: [SortKey(expr: col(0, .string), descending: true)]))
        _ = try run(.filter(source, predicate: lit(.bool(false))))
        #expect(rows(people) == before)
    }
}
