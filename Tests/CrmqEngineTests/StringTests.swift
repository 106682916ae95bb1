import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct StringFunctionTests {
    let t = table([("s", .string, [.string("  Hello 客户 "), .null, .string("ÉCOLE"), .string("  Hello 客户 ")])])

    @Test func caseAndTrim() throws {
        #expect(try eval(call(.lower, [col(0, .string)], .string), t) == [.string("  hello 客户 "), .null, .string("école"), .string("  hello 客户 ")])
        #expect(try eval(call(.upper, [col(0, .string)], .string), t) == [.string("  HELLO 客户 "), .null, .string("ÉCOLE"), .string("  HELLO 客户 ")])
        #expect(try eval(call(.trim, [col(0, .string)], .string), t) == [.string("Hello 客户"), .null, .string("ÉCOLE"), .string("Hello 客户")])
        #expect(try scalar(.lower, [.null], .string) == .null)
    }

    @Test func functionResultsShareOneDictionaryEntryPerValue() throws {
        let u = table([("s", .string, [.string("A"), .string("a"), .string("A")])])
        let c = try executor().evaluate(call(.lower, [col(0, .string)], .string), over: u)
        guard case .string(let codes, let d) = c.values else { Issue.record("not a string column"); return }
        #expect(Set(codes).count == 1)
        #expect(d.values.filter { $0 == "a" }.count == 1)
    }

    @Test func lengthCountsCharacters() throws {
        #expect(try eval(call(.length, [col(0, .string)], .int), t) == [.int(11), .null, .int(5), .int(11)])
        #expect(try scalar(.length, [.string("客户")], .int) == .int(2))
        #expect(try scalar(.length, [.string("")], .int) == .int(0))
    }

    @Test func containsStartsEnds() throws {
        let u = table([("s", .string, [.string("客户 Alpha"), .string("beta"), .null])])
        #expect(try eval(call(.contains, [col(0, .string), lit(.string("客户"))], .bool), u) == [.bool(true), .bool(false), .null])
        #expect(try eval(call(.startsWith, [col(0, .string), lit(.string("be"))], .bool), u) == [.bool(false), .bool(true), .null])
        #expect(try eval(call(.endsWith, [col(0, .string), lit(.string("pha"))], .bool), u) == [.bool(true), .bool(false), .null])
        #expect(try scalar(.contains, [.string("abc"), .string("")], .bool) == .bool(true))
        #expect(try scalar(.contains, [.string("abc"), .null], .bool) == .null)
        #expect(try scalar(.startsWith, [.string("ab"), .string("abc")], .bool) == .bool(false))
    }

    @Test func replace() throws {
        #expect(try scalar(.replace, [.string("a-b-c"), .string("-"), .string("+")], .string) == .string("a+b+c"))
        #expect(try scalar(.replace, [.string("客户客户"), .string("客"), .string("K")], .string) == .string("K户K户"))
        #expect(try scalar(.replace, [.string("abc"), .string(""), .string("x")], .string) == .string("abc"))
        #expect(try scalar(.replace, [.string("abc"), .null, .string("x")], .string) == .null)
    }

    @Test func substring() throws {
        #expect(try scalar(.substring, [.string("Hello"), .int(2)], .string) == .string("ello"))
        #expect(try scalar(.substring, [.string("Hello"), .int(2), .int(3)], .string) == .string("ell"))
        #expect(try scalar(.substring, [.string("客户关系"), .int(2), .int(2)], .string) == .string("户关"))
        #expect(try scalar(.substring, [.string("Hello"), .int(10)], .string) == .string(""))
        #expect(try scalar(.substring, [.string("Hello"), .int(0), .int(2)], .string) == .string("H"))
        #expect(try scalar(.substring, [.string("Hello"), .int(-3)], .string) == .string("llo"))
        #expect(try scalar(.substring, [.string("Hello"), .int(1), .int(-1)], .string) == .string(""))
        #expect(try scalar(.substring, [.string("Hello"), .null], .string) == .null)
    }

    /// Extreme starts and lengths clamp instead of overflowing.
    @Test func substringWithExtremeArguments() throws {
        let big = Int64.max, small = Int64.min
        #expect(try scalar(.substring, [.string("abc"), .int(1), .int(big)], .string) == .string("abc"))
        #expect(try scalar(.substring, [.string("abc"), .int(2), .int(big)], .string) == .string("bc"))
        #expect(try scalar(.substring, [.string("é"), .int(big), .int(big)], .string) == .string(""))
        #expect(try scalar(.substring, [.string("abc"), .int(big)], .string) == .string(""))
        // The length counts from the (far negative) start, as for substr("abc", -5, 4).
        #expect(try scalar(.substring, [.string("abc"), .int(small), .int(big)], .string) == .string("ab"))
        #expect(try scalar(.substring, [.string("abc"), .int(-5), .int(4)], .string) == .string("ab"))
        #expect(try scalar(.substring, [.string("abc"), .int(small), .int(small)], .string) == .string(""))
        #expect(try scalar(.substring, [.string("abc"), .int(-2), .int(big)], .string) == .string("bc"))
    }

    @Test func concatTreatsNullAsEmpty() throws {
        let u = table([
            ("a", .string, [.string("x"), .null, .string("客")]),
            ("b", .string, [.string("y"), .string("z"), .null]),
        ])
        #expect(try eval(call(.concat, [col(0, .string), lit(.string("-")), col(1, .string)], .string), u)
            == [.string("x-y"), .string("-z"), .string("客-")])
        #expect(try scalar(.concat, [.null, .null], .string) == .string(""))
    }

    @Test func functionOfTwoColumns() throws {
        let u = table([
            ("a", .string, [.string("abc"), .string("abc"), .string("xyz"), .null]),
            ("b", .string, [.string("b"), .string("z"), .string("z"), .string("a")]),
        ])
        #expect(try eval(call(.contains, [col(0, .string), col(1, .string)], .bool), u) == [.bool(true), .bool(false), .bool(true), .null])
    }
}
