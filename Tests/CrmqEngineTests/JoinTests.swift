import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct JoinTests {
    func join(_ l: Table, _ r: Table, keys: [(left: Int, right: Int)], kind: PlanJoinKind, rightColumns: [Int]) throws -> Table {
        let fields = l.schema.fields + rightColumns.map { r.schema[$0] }
        return try executor(["l": l, "r": r]).execute(Plan(
            .join(left: scan("l", l), right: scan("r", r), keys: keys.map { PlanJoinKey(left: $0.left, right: $0.right) }, kind: kind, rightColumns: rightColumns),
            schema: Schema(fields)))
    }

    let orders = table([
        ("customer_id", .int, [.int(2), .int(1), .int(3), .null, .int(2)]),
        ("amount", .int, [.int(10), .int(20), .int(30), .int(40), .int(50)]),
    ])
    let customers = table([
        ("customer_id", .int, [.int(1), .int(2), .int(2), .null, .int(4)]),
        ("name", .string, [.string("ann"), .string("bob"), .string("bob2"), .string("nobody"), .string("dee")]),
    ])

    @Test func innerJoinKeepsLeftOrderThenRightOrder() throws {
        let t = try join(orders, customers, keys: [(0, 0)], kind: .inner, rightColumns: [1])
        #expect(rows(t) == [
            [.int(2), .int(10), .string("bob")], [.int(2), .int(10), .string("bob2")], [.int(1), .int(20), .string("ann")],
            [.int(2), .int(50), .string("bob")], [.int(2), .int(50), .string("bob2")],
        ])
    }

    @Test func leftJoinFillsNulls() throws {
        let t = try join(orders, customers, keys: [(0, 0)], kind: .left, rightColumns: [1])
        #expect(rows(t) == [
            [.int(2), .int(10), .string("bob")], [.int(2), .int(10), .string("bob2")], [.int(1), .int(20), .string("ann")],
            [.int(3), .int(30), .null], [.null, .int(40), .null],
            [.int(2), .int(50), .string("bob")], [.int(2), .int(50), .string("bob2")],
        ])
    }

    /// No keys pairs every row with every row; an empty side gives no pairs (a left join
    /// keeps its rows with nulls). The empty right side once read past an empty id table.
    @Test func joinsWithoutKeysAndWithEmptySides() throws {
        let none = table([("customer_id", .int, []), ("name", .string, [])])
        let pairs = try join(orders, customers, keys: [], kind: .inner, rightColumns: [1])
        #expect(pairs.rowCount == 25)
        #expect(try join(orders, none, keys: [], kind: .inner, rightColumns: [1]).rowCount == 0)
        let kept = try join(orders, none, keys: [], kind: .left, rightColumns: [1])
        #expect(rows(kept) == rows(orders).map { $0 + [.null] })
        #expect(try join(orders, none, keys: [(0, 0)], kind: .inner, rightColumns: [1]).rowCount == 0)
        #expect(try join(orders, none, keys: [(0, 0)], kind: .left, rightColumns: [1]).rowCount == 5)
        let noOrders = table([("customer_id", .int, []), ("amount", .int, [])])
        #expect(try join(noOrders, customers, keys: [(0, 0)], kind: .left, rightColumns: [1]).rowCount == 0)
        #expect(try join(noOrders, none, keys: [], kind: .left, rightColumns: [1]).rowCount == 0)
    }

    @Test func stringKeysAcrossDictionaries() throws {
        let l = Table(schema: Schema([Field("k", .string)]), columns: [stringColumn(["b", "a", "zz"], codes: [0, 1, 2, 0], nulls: [3])])
        let r = Table(
            schema: Schema([Field("k", .string), Field("v", .int)]),
            columns: [stringColumn(["a", "b", "c"], codes: [1, 0, 2]), Column.from([.int(1), .int(2), .int(3)], type: .int)])
        let t = try join(l, r, keys: [(0, 0)], kind: .left, rightColumns: [1])
        #expect(rows(t) == [[.string("b"), .int(1)], [.string("a"), .int(2)], [.string("zz"), .null], [.null, .null]])
    }

    @Test func multiKeyJoin() throws {
        let l = table([
            ("a", .string, [.string("x"), .string("x"), .string("y"), .string("y")]),
            ("b", .date, [date("2025-01-01"), date("2025-01-02"), date("2025-01-01"), .null]),
        ])
        let r = table([
            ("b", .date, [date("2025-01-02"), date("2025-01-01"), date("2025-01-01"), .null]),
            ("a", .string, [.string("x"), .string("y"), .string("x"), .string("y")]),
            ("v", .int, [.int(1), .int(2), .int(3), .int(4)]),
        ])
        let t = try join(l, r, keys: [(0, 1), (1, 0)], kind: .inner, rightColumns: [2])
        #expect(rows(t) == [
            [.string("x"), date("2025-01-01"), .int(3)], [.string("x"), date("2025-01-02"), .int(1)],
            [.string("y"), date("2025-01-01"), .int(2)],
        ])
    }

    @Test func wideKeysUseTheHashTable() throws {
        let l = table([("k", .int, [.int(Int64.max), .int(Int64.min), .int(0)])])
        let r = table([("k", .int, [.int(0), .int(Int64.min), .int(Int64.max)]), ("v", .int, [.int(1), .int(2), .int(3)])])
        let t = try join(l, r, keys: [(0, 0)], kind: .inner, rightColumns: [1])
        #expect(rows(t) == [[.int(Int64.max), .int(3)], [.int(Int64.min), .int(2)], [.int(0), .int(1)]])
    }

    @Test func emptySides() throws {
        let empty = table([("customer_id", .int, []), ("name", .string, [])])
        #expect(try join(orders, empty, keys: [(0, 0)], kind: .inner, rightColumns: [1]).rowCount == 0)
        let left = try join(orders, empty, keys: [(0, 0)], kind: .left, rightColumns: [1])
        #expect(left.rowCount == 5 && left.columns[2].nullCount == 5)
    }
}
