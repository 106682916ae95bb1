import CrmqSemantics

/// Spark SQL (Spark 4, ANSI mode on, as its default is). Values are written into the text
/// (Spark Connect's SQL relation carries no bind parameters crmq sends): strings as
/// `decode(unhex('…'), 'UTF-8')`, so no character of a value can end the literal, whatever
/// the server's escaping settings.
public struct SparkDialect: SQLDialect {
    public init() {}
    public var name: String { "Spark SQL" }

    public func quote(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``").replacingOccurrences(of: "\u{0}", with: "") + "`"
    }

    /// Not used: every value is a literal (`literal`).
    public func parameter(_ index: Int, type: DataType) -> String { "NULL" }

    public func literal(_ value: Value, type: DataType) -> String? {
        switch value {
        case .null: return "CAST(NULL AS \(typeName(type)))"
        case .int(let n): return "CAST(\(n) AS BIGINT)"
        case .double(let d):
            guard d.isFinite else { return "CAST(NULL AS DOUBLE)" }
            return "CAST('\(d)' AS DOUBLE)"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date(let d): return "DATE '\(CivilDate(days: d))'"
        case .string(let s):
            let hex = s.utf8.map { b in String(b, radix: 16, uppercase: true).leftPadded(2) }.joined()
            return "decode(unhex('\(hex)'), 'UTF-8')"
        }
    }

    public func typeName(_ type: DataType) -> String {
        switch type {
        case .int: "BIGINT"
        case .double: "DOUBLE"
        case .string, .category, .null: "STRING"
        case .date: "DATE"
        case .bool: "BOOLEAN"
        }
    }

    public func cast(_ sql: String, to type: DataType) -> String { "CAST((\(sql)) AS \(typeName(type)))" }

    // Spark's default collation (UTF8_BINARY) compares strings by their UTF-8 bytes already.
    public func bytewise(_ sql: String) -> String { "(\(sql))" }

    public func divide(_ a: String, _ b: String) -> String { finite("try_divide(CAST((\(a)) AS DOUBLE), CAST((\(b)) AS DOUBLE))") }

    public func modulo(_ a: String, _ b: String, type: DataType) -> String {
        // Spark's % keeps the dividend's sign, as crmq's does.
        let r = "CASE WHEN (\(b)) = 0 THEN NULL ELSE (\(a)) % (\(b)) END"
        return type == .int ? r : finite(r)
    }

    public func round(_ x: String, digits: String?) -> String {
        // Spark rounds half away from zero (HALF_UP).
        "CAST(round(CAST((\(x)) AS DOUBLE)\(digits.map { ", CAST((\($0)) AS INT)" } ?? "")) AS DOUBLE)"
    }

    public func addDays(_ date: String, _ days: String) -> String { "date_add((\(date)), CAST((\(days)) AS INT))" }
    public func daysBetween(_ a: String, _ b: String) -> String { "CAST(datediff((\(b)), (\(a))) AS BIGINT)" }
    public func addMonths(_ date: String, _ months: String) -> String { "add_months((\(date)), CAST((\(months)) AS INT))" }

    public func datePart(_ part: String, _ date: String) -> String {
        switch part {
        case "isodow": "CAST((dayofweek(\(date)) + 5) % 7 + 1 AS BIGINT)"
        case "day": "CAST(dayofmonth(\(date)) AS BIGINT)"
        default: "CAST(\(part)(\(date)) AS BIGINT)"
        }
    }

    // trunc(date, unit) stays a date; date_trunc goes through a timestamp and back, per row.
    public func dateTrunc(_ unit: String, _ date: String) -> String { "trunc((\(date)), '\(unit)')" }
    public func percentile(_ x: String, _ p: String) -> String { "percentile((\(x)), (\(p)))" }

    public func finite(_ x: String) -> String {
        "(CASE WHEN isnan(\(x)) OR abs(\(x)) = double('Infinity') THEN NULL ELSE \(x) END)"
    }

    public func looksLikeInteger(_ text: String) -> String {
        "((\(text)) RLIKE '^\\\\s*[+-]?[0-9]{1,19}\\\\s*$')"
    }

    public func looksLikeNumber(_ text: String) -> String {
        "((\(text)) RLIKE '^\\\\s*[+-]?([0-9]+\\\\.?[0-9]*|\\\\.[0-9]+)([eE][+-]?[0-9]+)?\\\\s*$')"
    }

    public func limit(_ count: String) -> String { "CAST((\(count)) AS INT)" }

    public func scalar(_ function: ScalarFunction, _ a: [String], types: [DataType]) -> String? {
        switch function {
        // Spark's trunc is for dates; a cast to BIGINT truncates toward zero (and fails on
        // overflow in ANSI mode, as PostgreSQL's int8 does).
        case .toInt where types.first == .double: return "CAST((\(a[0])) AS BIGINT)"
        // Spark's one-argument log is the natural logarithm.
        case .log10: return "(CASE WHEN \(a[0]) > 0 THEN log10(\(a[0])) END)"
        case .contains: return "(instr(\(a[0]), \(a[1])) > 0)"
        // No E'\t' strings: the whitespace crmq trims, by code.
        case .trim: return "btrim(\(a[0]), concat(' ', char(9), char(10), char(13), char(12), char(11)))"
        default: return nil
        }
    }

    /// ANSI mode makes Spark's corr fail with a division by zero where a variance is 0; the
    /// same ratio with try_divide is null there, as crmq's is. Each standard deviation is over
    /// the pairs where both values are present, as corr's are.
    public func correlation(_ x: String, _ y: String, over: String) -> String {
        let xs = "stddev_pop(CASE WHEN \(y) IS NOT NULL THEN \(x) END)\(over)"
        let ys = "stddev_pop(CASE WHEN \(x) IS NOT NULL THEN \(y) END)\(over)"
        return "try_divide(covar_pop(\(x), \(y))\(over), \(xs) * \(ys))"
    }

    /// PostgreSQL's type names in the compiler's `::` casts become Spark's (Spark 4 reads the
    /// `::` syntax), outside backquoted names; values never appear as text (see `literal`).
    public func finish(_ sql: String) -> String {
        let names = [("::int8", "::bigint"), ("::float8", "::double"), ("::int4", "::int"), ("::numeric", "::decimal(38,10)"),
                     ("::text", "::string")]
        var out = ""
        var quoted = false
        var i = sql.startIndex
        outer: while i < sql.endIndex {
            let c = sql[i]
            if c == "`" { quoted.toggle() }
            if !quoted, c == ":" {
                for (from, to) in names where sql[i...].hasPrefix(from) {
                    let end = sql.index(i, offsetBy: from.count)
                    // Only the whole type name (not ::int4range, say).
                    if end == sql.endIndex || !(sql[end].isLetter || sql[end].isNumber || sql[end] == "_") {
                        out += to
                        i = end
                        continue outer
                    }
                }
            }
            out.append(c)
            i = sql.index(after: i)
        }
        return out
    }

    /// Spark has no row address; monotonically_increasing_id follows the files' order within
    /// each partition, and the partitions' order, which is the order of a table read from
    /// files.
    public func storageOrder(table: String) -> String? { "monotonically_increasing_id()" }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
