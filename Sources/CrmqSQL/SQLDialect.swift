import Foundation
import CrmqSemantics

/// One SQL statement with its parameters: `$1 … $n` (or the dialect's markers) in `text`
/// are `binds[0] …`. Every literal of a plan travels as a parameter, so no value can
/// change the statement.
public struct SQLStatement: Equatable, Sendable, CustomStringConvertible {
    public var text: String
    public var binds: [Value]

    public init(_ text: String, binds: [Value] = []) {
        self.text = text
        self.binds = binds
    }

    /// The SQL, then each parameter on a line of its own (what `explain sql` prints).
    public var description: String {
        guard !binds.isEmpty else { return text }
        return text + "\n" + binds.enumerated().map { "-- $\($0.offset + 1) = " + shown($0.element) }.joined(separator: "\n")
    }

    private func shown(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .string(let s): "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case .date(let d): "date '\(CivilDate(days: d))'"
        default: v.exactText
        }
    }
}

/// What differs between SQL engines, in one place. The compiler writes standard SQL and
/// asks the dialect for everything else: quoting, parameters, type names, and the
/// functions whose names or edge cases differ (division by zero, string comparison by
/// bytes, percentiles, date arithmetic, rounding, non-finite doubles).
public protocol SQLDialect: Sendable {
    /// A name for messages ("PostgreSQL").
    var name: String { get }
    /// An identifier, quoted so that any name is taken literally.
    func quote(_ identifier: String) -> String
    /// The marker of the parameter `index` (1-based) of type `type`, cast to that type.
    func parameter(_ index: Int, type: DataType) -> String
    /// The SQL type crmq's type is held in.
    func typeName(_ type: DataType) -> String
    /// `sql` cast to `type`.
    func cast(_ sql: String, to type: DataType) -> String
    /// A string expression compared byte by byte (crmq orders strings by their UTF-8 bytes).
    func bytewise(_ sql: String) -> String
    /// a / b for doubles, null where b is 0.
    func divide(_ a: String, _ b: String) -> String
    /// a % b for the type, sign of the dividend, null where b is 0.
    func modulo(_ a: String, _ b: String, type: DataType) -> String
    /// Round half away from zero to `digits` (nil: to an integer); a double.
    func round(_ x: String, digits: String?) -> String
    /// A date plus a number of days (an int8 expression).
    func addDays(_ date: String, _ days: String) -> String
    /// b - a in days, as int8.
    func daysBetween(_ a: String, _ b: String) -> String
    /// A date plus calendar months, clamped to the month's last day.
    func addMonths(_ date: String, _ months: String) -> String
    /// A date part as int8: year, month, day, quarter, isodow.
    func datePart(_ part: String, _ date: String) -> String
    /// The first day of the year, quarter, month or week (Monday) holding the date.
    func dateTrunc(_ unit: String, _ date: String) -> String
    /// The continuous percentile (linear interpolation) of `x` at fraction `p` (an aggregate).
    func percentile(_ x: String, _ p: String) -> String
    /// A double expression whose non-finite values become null (crmq has none).
    func finite(_ x: String) -> String
    /// Whether `text` (a string) reads as an integer, as crmq's int(s) reads it.
    func looksLikeInteger(_ text: String) -> String
    /// Whether `text` reads as a decimal number, as crmq's double(s) reads it.
    func looksLikeNumber(_ text: String) -> String
    /// The position (0-based) of a row in its table's storage order, for a table scan;
    /// nil when the engine has none (then rows come in an unspecified order).
    func storageOrder(table: String) -> String?
    /// A value written into the SQL text instead of a bind parameter, for engines whose
    /// clients send no parameters (Spark SQL over Spark Connect); nil: a parameter.
    func literal(_ value: Value, type: DataType) -> String?
    /// A LIMIT's count (some engines want a 32-bit integer there).
    func limit(_ count: String) -> String
    /// The compiled statement's text made the engine's own: the compiler writes PostgreSQL's
    /// `x::int8` casts, which other dialects rename.
    func finish(_ sql: String) -> String
    /// A scalar function spelled the engine's way, given its compiled arguments and their
    /// types; nil: the compiler's own spelling (PostgreSQL's), which the engine shares.
    func scalar(_ function: ScalarFunction, _ arguments: [String], types: [DataType]) -> String?
    /// Pearson's correlation of two double expressions (an aggregate; `over` is a window
    /// clause or empty), null where either has no variance.
    func correlation(_ x: String, _ y: String, over: String) -> String
}

extension SQLDialect {
    public func literal(_ value: Value, type: DataType) -> String? { nil }
    public func limit(_ count: String) -> String { count }
    public func finish(_ sql: String) -> String { sql }
    public func scalar(_ function: ScalarFunction, _ arguments: [String], types: [DataType]) -> String? { nil }
    public func correlation(_ x: String, _ y: String, over: String) -> String { "corr(\(x), \(y))\(over)" }
}

/// PostgreSQL (version 12 and later).
public struct PostgresDialect: SQLDialect {
    public init() {}
    public var name: String { "PostgreSQL" }

    public func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\u{0}", with: "") + "\""
    }

    public func parameter(_ index: Int, type: DataType) -> String { "$\(index)::" + typeName(type) }

    public func typeName(_ type: DataType) -> String {
        switch type {
        case .int: "int8"
        case .double: "float8"
        case .string, .category, .null: "text"
        case .date: "date"
        case .bool: "bool"
        }
    }

    public func cast(_ sql: String, to type: DataType) -> String { "(\(sql))::" + typeName(type) }

    public func bytewise(_ sql: String) -> String { "(\(sql)) COLLATE \"C\"" }

    public func divide(_ a: String, _ b: String) -> String { finite("(\(a)) / NULLIF(\(b), 0)") }

    public func modulo(_ a: String, _ b: String, type: DataType) -> String {
        if type == .int { return "((\(a)) % NULLIF(\(b), 0))" }
        // float8 has no %: a - b * trunc(a / b), the sign of a.
        return finite("(\(a)) - (\(b)) * trunc((\(a)) / NULLIF(\(b), 0))")
    }

    public func round(_ x: String, digits: String?) -> String {
        // numeric's round is half away from zero (float8's is half to even).
        let arg = digits.map { ", (\($0))::int4" } ?? ""
        return "(round((\(x))::numeric\(arg)))::float8"
    }

    public func addDays(_ date: String, _ days: String) -> String { "((\(date)) + (\(days))::int4)" }
    public func daysBetween(_ a: String, _ b: String) -> String { "((\(b)) - (\(a)))::int8" }
    public func addMonths(_ date: String, _ months: String) -> String {
        "((\(date)) + make_interval(months => (\(months))::int4))::date"
    }
    // date_part (double precision) rather than extract (numeric since PostgreSQL 14), and
    // date_trunc over a timestamp rather than the timestamptz a date would become: both
    // several times faster per row (measured in docs/performance.md), and no time zone.
    public func datePart(_ part: String, _ date: String) -> String { "(date_part('\(part)', \(date)))::int8" }
    public func dateTrunc(_ unit: String, _ date: String) -> String { "(date_trunc('\(unit)', (\(date))::timestamp))::date" }
    public func percentile(_ x: String, _ p: String) -> String {
        "percentile_cont(\(p)) WITHIN GROUP (ORDER BY \(x))"
    }
    public func finite(_ x: String) -> String {
        "NULLIF(NULLIF(NULLIF(\(x), 'Infinity'::float8), '-Infinity'::float8), 'NaN'::float8)"
    }
    public func looksLikeInteger(_ text: String) -> String {
        "(\(text)) ~ '^[[:space:]]*[+-]?[0-9]{1,19}[[:space:]]*$'"
    }
    public func looksLikeNumber(_ text: String) -> String {
        "(\(text)) ~ '^[[:space:]]*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?[[:space:]]*$'"
    }
    public func storageOrder(table: String) -> String? { "ctid" }
}
