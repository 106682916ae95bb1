/// The type of a column or expression. Every type is nullable.
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    case int, double, string, date, bool
    /// The type of the literal `null` before it meets another type; never a column's type
    /// after checking, except for a column made only of `null` literals.
    case null
    /// Text restricted to a list of levels that sort, group, compare and chart in their
    /// listed order rather than alphabetically (the loyalty stages, `ordered(...)`).
    case category(CategoryType)

    /// The types without parameters, for listings and tests.
    public static let simpleTypes: [DataType] = [.int, .double, .string, .date, .bool, .null]

    public var description: String {
        switch self {
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .date: "date"
        case .bool: "bool"
        case .null: "null"
        case .category(let c): c.description
        }
    }

    /// The name as `.schema` and messages show it (the same as `description`).
    public var rawValue: String { description }

    public var isNumeric: Bool { self == .int || self == .double }
    /// Whether values are text: a string or an ordered category.
    public var isText: Bool {
        switch self {
        case .string, .category: true
        default: false
        }
    }

    /// The levels when this is an ordered category.
    public var category: CategoryType? { if case .category(let c) = self { c } else { nil } }
}

/// The levels of an ordered category, lowest first. Two categories are the same type
/// exactly when their levels are the same strings in the same order. A value of the type
/// is one of the levels (or null); it is stored, written and shown as that string.
public struct CategoryType: Sendable, Hashable, CustomStringConvertible {
    public let levels: [String]

    /// `levels` must be distinct and non-empty (the checker reports otherwise).
    public init(_ levels: [String]) {
        self.levels = levels
    }

    /// The position of `value` among the levels (0 is the lowest), nil if it is not a level.
    public func rank(of value: String) -> Int? { levels.firstIndex(of: value) }

    /// `ordered(cognitive < affective < conative < action)`: the type as `.schema` shows it.
    public var description: String { "ordered(" + levels.joined(separator: " < ") + ")" }

    /// The levels quoted and in order, for messages: `"cognitive", "affective", ...`.
    public var quotedLevels: String { levels.map { "\"\($0)\"" }.joined(separator: ", ") }
}

/// A single value: a literal, a `let` scalar, a setting, one cell of a result.
/// Dates are days since 1970-01-01.
public enum Value: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case string(String)
    case date(Int32)
    case bool(Bool)

    /// The type of the value itself: a category's values are strings here, since a value
    /// does not carry its levels (the expression's type does).
    public var type: DataType {
        switch self {
        case .null: .null
        case .int: .int
        case .double: .double
        case .string: .string
        case .date: .date
        case .bool: .bool
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The full-precision text of the value, as CSV and JSON carry it: doubles in the
    /// shortest form that reads back as the same number, dates as YYYY-MM-DD, null as "".
    public var exactText: String {
        switch self {
        case .null: ""
        case .int(let v): String(v)
        case .double(let v): Value.exactText(of: v)
        case .string(let s): s
        case .date(let d): CivilDate(days: d).description
        case .bool(let b): b ? "true" : "false"
        }
    }

    /// Shortest round-tripping text of a double. Integral values keep their ".0" so that
    /// a double column stays a double when the CSV is read back.
    public static func exactText(of v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return v.description
    }
}

/// A named, typed column of a schema.
public struct Field: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public init(_ name: String, _ type: DataType) {
        self.name = name
        self.type = type
    }
}

/// The columns of a table or of a plan's output, in order. Names are unique.
public struct Schema: Sendable, Hashable {
    public var fields: [Field]
    public init(_ fields: [Field]) { self.fields = fields }

    public var names: [String] { fields.map(\.name) }
    public var count: Int { fields.count }
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
    public subscript(i: Int) -> Field { fields[i] }
}

/// A proleptic Gregorian calendar date; conversions to and from days since 1970-01-01
/// (Howard Hinnant's civil-date algorithms, exact for every Int32 day).
public struct CivilDate: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    @inlinable
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init(days: Int32) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: m <= 2 ? y + 1 : y, month: m, day: d)
    }

    /// Inlinable, and always inlined: the CSV reader converts millions of dates through it,
    /// and the call into this module was 3.6% of loading the benchmark files (still 5% of
    /// it as a call once the structure scan got faster).
    @inlinable @inline(__always)
    public var days: Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// `days` moved by `months` calendar months, the day clamped to the month's last
    /// (2024-03-31 minus 1 month is 2024-02-29): `add_months`. Nil outside `years`.
    public static func addingMonths(_ days: Int32, _ months: Int64) -> Int32? {
        let c = CivilDate(days: days)
        guard months.magnitude < 1_000_000 else { return nil }
        let total = Int64(c.year) * 12 + Int64(c.month - 1) + months
        let year = total >= 0 ? total / 12 : (total - 11) / 12
        guard Int64(years.lowerBound)...Int64(years.upperBound) ~= year else { return nil }
        let month = Int(total - year * 12) + 1
        let day = Swift.min(c.day, CivilDate.daysIn(month: month, year: Int(year)))
        return CivilDate(year: Int(year), month: month, day: day).days
    }

    /// The dates crmq handles: the years written with four digits, so that every date
    /// prints as `YYYY-MM-DD` and reads back.
    public static let years: ClosedRange<Int> = 0...9999
    /// `years` as days since 1970-01-01: 0000-01-01 ... 9999-12-31.
    public static let dayRange: ClosedRange<Int64> =
        Int64(CivilDate(year: 0, month: 1, day: 1).days)...Int64(CivilDate(year: 9999, month: 12, day: 31).days)

    @inlinable
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    @inlinable
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses exactly `YYYY-MM-DD` (a valid calendar date), else nil.
    public static func parse(_ s: some StringProtocol) -> CivilDate? {
        let u = Array(s.utf8)
        return parse(bytes: u[...])
    }

    /// Parses exactly `YYYY-MM-DD` from bytes (the CSV reader's fast path).
    public static func parse(bytes u: ArraySlice<UInt8>) -> CivilDate? {
        guard u.count == 10 else { return nil }
        let b = u.startIndex
        guard u[b + 4] == UInt8(ascii: "-"), u[b + 7] == UInt8(ascii: "-") else { return nil }
        func digits(_ from: Int, _ n: Int) -> Int? {
            var v = 0
            for i in from..<(from + n) {
                let c = u[b + i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2),
            m >= 1, m <= 12, d >= 1, d <= daysIn(month: m, year: y)
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    public var description: String {
        let y = String(year), m = String(month), d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-"
            + (m.count < 2 ? "0" : "") + m + "-" + (d.count < 2 ? "0" : "") + d
    }
}

extension Int {
    /// The number with thousands separators, as crmq shows counts: `1,000`, `-12,500`.
    public var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
