import Testing
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

@Suite struct TypeInferenceTests {
    @Test func integers() throws {
        let t = try read("a,b,c\n1,0,-5\n+2,1,9223372036854775807\n003,0,-9223372036854775808\n")
        #expect(types(t) == [.int, .int, .int])
        #expect(values(t, "a") == [.int(1), .int(2), .int(3)])
        #expect(values(t, "c") == [.int(-5), .int(Int64.max), .int(Int64.min)])
    }

    @Test func zeroAndOneAreIntegersNotBools() throws {
        #expect(types(try read("flag\n0\n1\n1\n")) == [.int])
    }

    @Test func bools() throws {
        let t = try read("a\ntrue\nFALSE\nTrue\n\n")
        #expect(types(t) == [.bool])
        // One column: the empty line before the final line break is a null row.
        #expect(values(t, "a") == [.bool(true), .bool(false), .bool(true), .null])
        #expect(types(try read("a\ntrue\n1\n")) == [.string])
        #expect(types(try read("a\ntrue\nyes\n")) == [.string])
    }

    @Test func dates() throws {
        let t = try read("d\n2025-01-31\n2024-02-29\n\n2025-12-01\n")
        #expect(types(t) == [.date])
        #expect(values(t, "d")[1] == .date(CivilDate(year: 2024, month: 2, day: 29).days))
    }

    @Test func invalidCalendarDateMakesText() throws {
        let t = try read("d\n2025-01-31\n2025-02-30\n")
        #expect(types(t) == [.string])
        #expect(values(t, "d") == [.string("2025-01-31"), .string("2025-02-30")])
        #expect(types(try read("d\n2023-02-29\n")) == [.string])
        #expect(types(try read("d\n2025-1-05\n")) == [.string])
    }

    @Test func doubles() throws {
        let t = try read("x\n1.5\n-2\n.5\n5.\n1e3\n-1.25E-2\n")
        #expect(types(t) == [.double])
        #expect(values(t, "x") == [.double(1.5), .double(-2), .double(0.5), .double(5), .double(1000), .double(-0.0125)])
    }

    @Test func mixedIntAndDoubleIsDouble() throws {
        let t = try read("x\n1\n2\n2.5\n")
        #expect(types(t) == [.double])
        #expect(values(t, "x") == [.double(1), .double(2), .double(2.5)])
    }

    @Test func mixedIntAndTextIsString() throws {
        let t = try read("x\n1\n2\nthree\n")
        #expect(types(t) == [.string])
        #expect(values(t, "x") == [.string("1"), .string("2"), .string("three")])
        // A widening found late (int, then double, then text) keeps the original text.
        #expect(values(try read("x\n007\n2.50\nn/a\n"), "x") == [.string("007"), .string("2.50"), .string("n/a")])
    }

    @Test func dateAndNumberIsString() throws {
        #expect(types(try read("x\n2025-01-01\n3\n")) == [.string])
    }

    @Test func hugeIntegerIsDouble() throws {
        let t = try read("x\n1\n9223372036854775808\n")
        #expect(types(t) == [.double])
        #expect(values(t, "x") == [.double(1), .double(9_223_372_036_854_775_808)])
        #expect(types(try read("x\n123456789012345678901234567890\n")) == [.double])
    }

    @Test func doublesAreCorrectlyRounded() throws {
        let texts = [
            "0.1", "0.3", "2.2250738585072014e-308", "1.7976931348623157e308", "4.9e-324",
            "9007199254740993", "123456789012345678901234567890.5", "0.000001234", "3.141592653589793",
            "1e23", "8.98846567431158e307", "-0.0", "12.30",
        ]
        let t = try read("x\n" + texts.joined(separator: "\n") + "\n")
        #expect(types(t) == [.double])
        for (k, text) in texts.enumerated() {
            #expect(values(t, "x")[k] == .double(Double(text)!), "\(text)")
        }
    }

    /// crmq's doubles are finite: NaN, infinities and numbers beyond the largest double
    /// are not numbers, so a column holding them is text.
    @Test func nonFiniteSpellingsAreNotNumbers() throws {
        let t = try read("x\n1.5\nNaN\ninf\n-inf\n")
        #expect(types(t) == [.string])
        #expect(values(t, "x")[2] == .string("inf"))
        #expect(types(try read("x\nnan\n")) == [.string])
        #expect(types(try read("x\n1.5\n1e999\n")) == [.string])
        #expect(types(try read("x\n1\n1" + String(repeating: "0", count: 400) + "\n")) == [.string])
        #expect(types(try read("x\n1\n1" + String(repeating: "0", count: 300) + "\n")) == [.double])
        #expect(values(try read("x\n1e308\n-1e-400\n"), "x") == [.double(1e308), .double(-0.0)])
    }

    @Test func emptyCellsAreNullAndDoNotDecide() throws {
        let t = try read("a,b,c\n,1,\n2,,\n,3,\n")
        #expect(types(t) == [.int, .int, .string])
        #expect(values(t, "a") == [.null, .int(2), .null])
        #expect(values(t, "c") == [.null, .null, .null])
    }

    @Test func quotedNumbersKeepTheirType() throws {
        let t = try read("a,b\n\"1\",\"2.5\"\n\"\",\"\"\n")
        #expect(types(t) == [.int, .double])
        #expect(values(t, "a") == [.int(1), .null])
    }

    @Test func stringsAreDictionaryEncoded() throws {
        let t = try read("r\nNorth\nSouth\nNorth\n\nSouth\n")
        guard case .string(let codes, let dictionary) = t.columns[0].values else {
            Issue.record("not a string column")
            return
        }
        #expect(dictionary.values == ["North", "South"])
        #expect(codes == [0, 1, 0, 0, 1])
        #expect(t.columns[0].isNull(3))
    }
}
