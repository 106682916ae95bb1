#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CrmqEngine
import CrmqSemantics
import Testing

@Suite struct ArithmeticTests {
    let t = table([
        ("a", .int, [.int(7), .int(-7), .null, .int(Int64.max)]),
        ("b", .int, [.int(2), .int(0), .int(3), .int(1)]),
        ("x", .double, [.double(7.5), .double(-2.5), .null, .double(0)]),
    ])

    @Test func intArithmeticWithNulls() throws {
        let u = table([("a", .int, [.int(7), .int(-7), .null]), ("b", .int, [.int(2), .int(0), .int(3)])])
        #expect(try eval(call(.add, [col(0, .int), lit(.int(1))], .int), u) == [.int(8), .int(-6), .null])
        #expect(try eval(call(.subtract, [col(0, .int), col(1, .int)], .int), u) == [.int(5), .int(-7), .null])
        #expect(try eval(call(.multiply, [lit(.int(3)), col(1, .int)], .int), t) == [.int(6), .int(0), .int(9), .int(3)])
        #expect(try eval(call(.negate, [col(1, .int)], .int), t) == [.int(-2), .int(0), .int(-3), .int(-1)])
        #expect(try eval(call(.add, [col(0, .int), lit(.null, as: .int)], .int), u) == [.null, .null, .null])
    }

    @Test func overflowIsARuntimeError() {
        let m = runtimeMessage { _ = try eval(call(.add, [col(0, .int), col(1, .int)], .int), t) }
        #expect(m == .integerOverflow(operation: "+"))
        #expect(runtimeMessage { _ = try scalar(.multiply, [.int(Int64.max), .int(2)], .int) } == .integerOverflow(operation: "*"))
        #expect(runtimeMessage { _ = try scalar(.negate, [.int(Int64.min)], .int) } == .integerOverflow(operation: "-"))
        #expect(runtimeMessage { _ = try scalar(.abs, [.int(Int64.min)], .int) } != nil)
    }

    @Test func overflowInANullRowIsIgnored() throws {
        let u = table([("a", .int, [.null, .int(1)])])
        var c = u.columns[0]
        // A null row may hold any value; make it one that would overflow.
        c = Column(.int([Int64.max, 1]), validity: [false, true])
        let v = Table(schema: u.schema, columns: [c])
        #expect(try eval(call(.add, [col(0, .int), lit(.int(1))], .int), v) == [.null, .int(2)])
    }

    @Test func divisionAndModulo() throws {
        #expect(try scalar(.divide, [.double(7), .double(2)], .double) == .double(3.5))
        #expect(try scalar(.divide, [.double(7), .double(0)], .double) == .null)
        #expect(try eval(call(.modulo, [col(0, .int), col(1, .int)], .int), t) == [.int(1), .null, .null, .int(0)])
        #expect(try scalar(.modulo, [.int(-7), .int(2)], .int) == .int(-1))
        #expect(try scalar(.modulo, [.int(7), .int(-2)], .int) == .int(1))
        #expect(try scalar(.modulo, [.int(Int64.min), .int(-1)], .int) == .int(0))
        #expect(try scalar(.modulo, [.double(-7.5), .double(2)], .double) == .double(-1.5))
        #expect(try scalar(.modulo, [.double(1), .double(0)], .double) == .null)
        #expect(try eval(call(.divide, [col(2, .double), lit(.double(0))], .double), t) == [.null, .null, .null, .null])
    }

    @Test func doubleArithmetic() throws {
        #expect(try eval(call(.multiply, [col(2, .double), lit(.double(2))], .double), t) == [.double(15), .double(-5), .null, .double(0)])
        #expect(try eval(call(.negate, [col(2, .double)], .double), t) == [.double(-7.5), .double(2.5), .null, .double(-0.0)])
        #expect(try scalar(.power, [.double(2), .double(10)], .double) == .double(1024))
        #expect(try scalar(.abs, [.double(-3.5)], .double) == .double(3.5))
        #expect(try scalar(.abs, [.int(-3)], .int) == .int(3))
    }

    @Test func round() throws {
        #expect(try scalar(.round, [.double(2.5)], .double) == .double(3))
        #expect(try scalar(.round, [.double(-2.5)], .double) == .double(-3))
        #expect(try scalar(.round, [.double(1.2345), .int(2)], .double) == .double(1.23))
        #expect(try scalar(.round, [.double(-1.235), .int(1)], .double) == .double(-1.2))
        #expect(try scalar(.round, [.double(1250), .int(-2)], .double) == .double(1300))
        #expect(try scalar(.round, [.double(-1250), .int(-2)], .double) == .double(-1300))
        #expect(try scalar(.round, [.double(1249), .int(-2)], .double) == .double(1200))
        #expect(try scalar(.round, [.double(5), .int(-1)], .double) == .double(10))
        #expect(try scalar(.round, [.null, .int(1)], .double) == .null)
    }

    @Test func mathFunctionsAndDomains() throws {
        #expect(try scalar(.floor, [.double(-1.5)], .double) == .double(-2))
        #expect(try scalar(.ceil, [.double(-1.5)], .double) == .double(-1))
        #expect(try scalar(.sqrt, [.double(9)], .double) == .double(3))
        #expect(try scalar(.sqrt, [.double(-1)], .double) == .null)
        #expect(try scalar(.ln, [.double(0)], .double) == .null)
        #expect(try scalar(.ln, [.double(-1)], .double) == .null)
        #expect(try scalar(.log10, [.double(1000)], .double) == .double(3))
        #expect(try scalar(.log10, [.double(0)], .double) == .null)
        #expect(try scalar(.exp, [.double(0)], .double) == .double(1))
        let u = table([("x", .double, [.double(4), .double(-4), .null])])
        #expect(try eval(call(.sqrt, [col(0, .double)], .double), u) == [.double(2), .null, .null])
    }

    /// A double result that is not a finite number is null, so NaN and infinities never
    /// reach output, files, sorting or min/max.
    @Test func nonFiniteResultsAreNull() throws {
        #expect(try scalar(.round, [.double(1.5), .int(-400)], .double) == .double(0))
        #expect(try scalar(.round, [.double(-1.5e300), .int(-309)], .double) == .double(0))
        #expect(try scalar(.round, [.double(1.7e308), .int(-308)], .double) == .null)
        #expect(try scalar(.power, [.double(-8), .double(1.0 / 3)], .double) == .null)
        #expect(try scalar(.power, [.double(0), .double(-1)], .double) == .null)
        #expect(try scalar(.power, [.double(10), .double(400)], .double) == .null)
        #expect(try scalar(.exp, [.double(1000)], .double) == .null)
        #expect(try scalar(.multiply, [.double(1e308), .double(10)], .double) == .null)
        #expect(try scalar(.subtract, [.double(-1e308), .double(1e308)], .double) == .null)
        #expect(try scalar(.divide, [.double(1e308), .double(1e-10)], .double) == .null)
        #expect(try scalar(.bin, [.double(1e308), .double(1e-308)], .double) == .null)
        let u = table([("x", .double, [.double(1), .double(1000), .null, .double(-1000)])])
        let e = try executor().evaluate(call(.exp, [col(0, .double)], .double), over: u)
        #expect(values(e) == [.double(exp(1)), .null, .null, .double(exp(-1000))])
        // Null rows hold 0, not the infinity that was computed.
        if case .double(let raw) = e.values { #expect(raw.allSatisfy { $0.isFinite }) }
    }

    @Test func doubleOfTextIsAFiniteDecimal() throws {
        for text in ["nan", "NaN", "inf", "-inf", "infinity", "1e999", "0x10", "", " "] {
            #expect(try scalar(.toDouble, [.string(text)], .double) == .null, "\(text)")
        }
        #expect(try scalar(.toDouble, [.string(" -1.5e3 ")], .double) == .double(-1500))
        #expect(try scalar(.toInt, [.string("3.7")], .int) == .null)
        #expect(try scalar(.toInt, [.double(3.7)], .int) == .int(3))
    }

    @Test func bin() throws {
        #expect(try scalar(.bin, [.int(17), .int(5)], .int) == .int(15))
        #expect(try scalar(.bin, [.int(-17), .int(5)], .int) == .int(-20))
        #expect(try scalar(.bin, [.int(-15), .int(5)], .int) == .int(-15))
        #expect(try scalar(.bin, [.double(2.7), .double(0.5)], .double) == .double(2.5))
        #expect(try scalar(.bin, [.double(-0.1), .double(1)], .double) == .double(-1))
        #expect(runtimeMessage { _ = try scalar(.bin, [.int(1), .int(0)], .int) } == .invalidBinWidth)
        #expect(runtimeMessage { _ = try scalar(.bin, [.double(1), .double(-2)], .double) } == .invalidBinWidth)
    }

    @Test func casts() throws {
        #expect(try scalar(.intToDouble, [.int(3)], .double) == .double(3))
        #expect(try scalar(.toInt, [.double(-3.9)], .int) == .int(-3))
        #expect(try scalar(.toInt, [.double(3.9)], .int) == .int(3))
        #expect(try scalar(.toInt, [.bool(true)], .int) == .int(1))
        #expect(try scalar(.toInt, [.string(" 42 ")], .int) == .int(42))
        #expect(try scalar(.toInt, [.string("4.2")], .int) == .null)
        #expect(try scalar(.toInt, [.string("abc")], .int) == .null)
        #expect(runtimeMessage { _ = try scalar(.toInt, [.double(1e30)], .int) } == .integerOverflow(operation: "int"))
        #expect(try scalar(.toDouble, [.string("2.5")], .double) == .double(2.5))
        #expect(try scalar(.toDouble, [.string("x")], .double) == .null)
        #expect(try scalar(.toDouble, [.bool(false)], .double) == .double(0))
        #expect(try scalar(.toString, [.double(2)], .string) == .string("2.0"))
        #expect(try scalar(.toString, [.int(-5)], .string) == .string("-5"))
        #expect(try scalar(.toString, [.bool(true)], .string) == .string("true"))
        #expect(try scalar(.toString, [date("2024-02-29")], .string) == .string("2024-02-29"))
        #expect(try scalar(.toString, [.null], .string) == .null)
        let u = table([("s", .string, [.string("1"), .string("x"), .null, .string("1")])])
        #expect(try eval(call(.toInt, [col(0, .string)], .int), u) == [.int(1), .null, .null, .int(1)])
        let v = table([("i", .int, [.int(10), .null, .int(10), .int(-2)])])
        #expect(try eval(call(.toString, [col(0, .int)], .string), v) == [.string("10"), .null, .string("10"), .string("-2")])
    }
}
