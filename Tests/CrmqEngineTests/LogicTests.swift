import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct ComparisonAndLogicTests {
    @Test func numericComparisonsAgainstLiterals() throws {
        let t = table([("amount", .double, [.double(10), .double(60), .null, .double(50)])])
        #expect(try eval(call(.greater, [col(0, .double), lit(.double(50))], .bool), t) == [.bool(false), .bool(true), .null, .bool(false)])
        #expect(try eval(call(.lessEqual, [lit(.double(50)), col(0, .double)], .bool), t) == [.bool(false), .bool(true), .null, .bool(true)])
        #expect(try eval(call(.equal, [col(0, .double), lit(.null, as: .double)], .bool), t) == [.null, .null, .null, .null])
        let d = table([("d", .date, [date("2024-12-31"), date("2025-01-01")])])
        #expect(try eval(call(.greaterEqual, [col(0, .date), lit(date("2025-01-01"))], .bool), d) == [.bool(false), .bool(true)])
        // An ISO string literal typed as a date reads as one.
        #expect(try eval(call(.greaterEqual, [col(0, .date), lit(.string("2025-01-01"), as: .date)], .bool), d) == [.bool(false), .bool(true)])
        let b = table([("b", .bool, [.bool(true), .bool(false)])])
        #expect(try eval(call(.less, [col(0, .bool), lit(.bool(true))], .bool), b) == [.bool(false), .bool(true)])
    }

    @Test func stringComparisonsWithLiterals() throws {
        let t = table([("region", .string, [.string("North"), .string("south"), .null, .string("North"), .string("Éast"), .string("East")])])
        #expect(try eval(call(.equal, [col(0, .string), lit(.string("North"))], .bool), t)
            == [.bool(true), .bool(false), .null, .bool(true), .bool(false), .bool(false)])
        #expect(try eval(call(.notEqual, [col(0, .string), lit(.string("Nowhere"))], .bool), t)
            == [.bool(true), .bool(true), .null, .bool(true), .bool(true), .bool(true)])
        // Byte order: uppercase before lowercase, "É" (0xC3...) after all ASCII.
        #expect(try eval(call(.less, [col(0, .string), lit(.string("S"))], .bool), t)
            == [.bool(true), .bool(false), .null, .bool(true), .bool(false), .bool(true)])
        #expect(try eval(call(.greater, [lit(.string("S")), col(0, .string)], .bool), t)
            == [.bool(true), .bool(false), .null, .bool(true), .bool(false), .bool(true)])
    }

    @Test func stringComparisonAcrossDictionaries() throws {
        let a = stringColumn(["b", "a", "c"], codes: [0, 1, 2, 0])
        let b = stringColumn(["a", "c", "b", "zz"], codes: [2, 0, 0, 3], nulls: [3])
        let t = Table(schema: Schema([Field("a", .string), Field("b", .string)]), columns: [a, b])
        #expect(try eval(call(.equal, [col(0, .string), col(1, .string)], .bool), t) == [.bool(true), .bool(true), .bool(false), .null])
        #expect(try eval(call(.less, [col(0, .string), col(1, .string)], .bool), t) == [.bool(false), .bool(false), .bool(false), .null])
        #expect(try eval(call(.greater, [col(0, .string), col(1, .string)], .bool), t) == [.bool(false), .bool(false), .bool(true), .null])
    }

    @Test func threeValuedLogic() throws {
        let vals: [Value] = [.bool(true), .bool(false), .null]
        var a: [Value] = [], b: [Value] = []
        for x in vals { for y in vals { a.append(x); b.append(y) } }
        let t = table([("a", .bool, a), ("b", .bool, b)])
        let and = try eval(call(.and, [col(0, .bool), col(1, .bool)], .bool), t)
        let or = try eval(call(.or, [col(0, .bool), col(1, .bool)], .bool), t)
        let T = Value.bool(true), F = Value.bool(false), N = Value.null
        #expect(and == [T, F, N, F, F, F, N, F, N])
        #expect(or == [T, T, T, T, F, N, T, N, N])
        #expect(try eval(call(.not, [col(0, .bool)], .bool), t) == [F, F, F, T, T, T, N, N, N])
        #expect(try eval(call(.isNull, [col(0, .bool)], .bool), t) == [F, F, F, F, F, F, T, T, T])
        #expect(try eval(call(.isNotNull, [col(1, .bool)], .bool), t) == [T, T, F, T, T, F, T, T, F])
        #expect(try scalar(.and, [.null, .bool(false)], .bool) == F)
        #expect(try scalar(.or, [.null, .bool(true)], .bool) == T)
        #expect(try eval(call(.and, [col(0, .bool), lit(.bool(false))], .bool), t).allSatisfy { $0 == F })
    }

    @Test func inList() throws {
        let t = table([("x", .int, [.int(1), .int(2), .null])])
        #expect(try eval(call(.inList, [col(0, .int), lit(.int(1)), lit(.int(3))], .bool), t) == [.bool(true), .bool(false), .null])
        // SQL: no match but a null in the list gives null; a match is still true.
        #expect(try eval(call(.inList, [col(0, .int), lit(.int(1)), lit(.null, as: .int)], .bool), t) == [.bool(true), .null, .null])
        let s = table([("s", .string, [.string("a"), .string("b"), .null, .string("c")])])
        #expect(try eval(call(.inList, [col(0, .string), lit(.string("a")), lit(.string("c"))], .bool), s)
            == [.bool(true), .bool(false), .null, .bool(true)])
    }

    @Test func ifThenElse() throws {
        let t = table([
            ("c", .bool, [.bool(true), .bool(false), .null]),
            ("s", .string, [.string("x"), .string("y"), .string("z")]),
        ])
        #expect(try eval(call(.ifThenElse, [col(0, .bool), lit(.int(1)), lit(.int(2))], .int), t) == [.int(1), .int(2), .int(2)])
        #expect(try eval(call(.ifThenElse, [col(0, .bool), col(1, .string), lit(.string("other"))], .string), t)
            == [.string("x"), .string("other"), .string("other")])
        #expect(try eval(call(.ifThenElse, [col(0, .bool), lit(.null, as: .string), col(1, .string)], .string), t)
            == [.null, .string("y"), .string("z")])
        #expect(try scalar(.ifThenElse, [.null, .int(1), .int(2)], .int) == .int(2))
    }

    @Test func coalesceAcrossDictionaries() throws {
        let a = stringColumn(["p", "q"], codes: [0, 0, 1], nulls: [1])
        let b = stringColumn(["q", "r"], codes: [1, 1, 0], nulls: [])
        let t = Table(schema: Schema([Field("a", .string), Field("b", .string)]), columns: [a, b])
        let c = call(.coalesce, [col(0, .string), col(1, .string)], .string)
        #expect(try eval(c, t) == [.string("p"), .string("r"), .string("q")])
        // Equal strings from both dictionaries compare equal afterwards.
        let eq = call(.equal, [c, lit(.string("q"))], .bool)
        #expect(try eval(eq, t) == [.bool(false), .bool(false), .bool(true)])
        let n = table([("x", .int, [.null, .int(2), .null]), ("y", .int, [.int(5), .int(6), .null])])
        #expect(try eval(call(.coalesce, [col(0, .int), col(1, .int), lit(.int(0))], .int), n) == [.int(5), .int(2), .int(0)])
        #expect(try scalar(.coalesce, [.null, .null], .int) == .null)
    }

    @Test func leastAndGreatestSkipNulls() throws {
        let t = table([("x", .int, [.int(1), .null, .int(9), .null]), ("y", .int, [.int(5), .int(3), .int(2), .null])])
        #expect(try eval(call(.least, [col(0, .int), col(1, .int)], .int), t) == [.int(1), .int(3), .int(2), .null])
        #expect(try eval(call(.greatest, [col(0, .int), col(1, .int), lit(.int(4))], .int), t) == [.int(5), .int(4), .int(9), .int(4)])
        let s = table([("s", .string, [.string("b"), .null, .string("a")])])
        #expect(try eval(call(.least, [col(0, .string), lit(.string("ab"))], .string), s) == [.string("ab"), .string("ab"), .string("a")])
        #expect(try eval(call(.greatest, [col(0, .string), lit(.string("ab"))], .string), s) == [.string("b"), .string("ab"), .string("ab")])
        #expect(try scalar(.least, [.double(2), .double(-1)], .double) == .double(-1))
        #expect(try scalar(.greatest, [date("2024-01-01"), date("2025-01-01")], .date) == date("2025-01-01"))
    }
}
