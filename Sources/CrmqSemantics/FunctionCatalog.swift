/// One user-facing function: what `help <function>` and the docs show, and how the
/// checker resolves a call to it.
public struct FunctionInfo: Sendable {
    /// Whether a call computes one value per row or one value per group (`summarize`).
    public enum Kind: String, Sendable {
        /// One value per row; `aggregate`: one per group (`summarize`); `window`: one per row,
        /// from the rows of its group in order (a `window` stage).
        case scalar, aggregate, window
    }

    /// The name users type (function names are matched case-insensitively).
    public let name: String
    /// Other names for the same function (`power` for `pow`).
    public let aliases: [String]
    public let kind: Kind
    /// A topic group for help and docs: numbers, strings, dates, conversion, logic, aggregates.
    public let category: String
    /// How a call is written, optional arguments in brackets: `round(x [, digits])`.
    public let signature: String
    /// One sentence saying what it computes.
    public let summary: String
    /// A call as a user would write it.
    public let example: String
    let rule: FunctionRule

    public var isAggregate: Bool { kind == .aggregate }
    public var isWindow: Bool { kind == .window }

    /// Every name the function answers to.
    public var names: [String] { [name] + aliases }
}

/// One fixed signature of a scalar function: argument types (after implicit casts) and result.
struct ScalarOverload: Sendable {
    var parameters: [DataType]
    var result: DataType
    var function: ScalarFunction
}

/// One fixed signature of an aggregate; a nil parameter accepts any type. Aggregates take
/// their documented argument types as they are (no casts inserted).
struct AggregateOverload: Sendable {
    var parameters: [DataType?]
    var result: DataType
    var function: AggregateFunction
}

/// How the checker types a call; most functions are a list of overloads, a few need rules.
enum FunctionRule: Sendable {
    case overloads([ScalarOverload])
    /// (T, T, ...) -> T with T one of `allowed` (all types when empty).
    case sameType(ScalarFunction, minimum: Int, allowed: [DataType])
    /// concat: any arguments, each non-string one converted with `string(x)`.
    case concat
    case ifThenElse
    case dateTrunc
    /// int(x), double(x), string(x)
    case convert(to: DataType)
    /// ordered(s, "level", ...)
    case ordered
    case aggregate([AggregateOverload])
    case percentile
    /// An aggregate the catalog defines in crmq (AggregateDefinition).
    case defined(AggregateDefinition)
    /// A window function of a `window` stage, taking one of `arities` arguments.
    case window(WindowFunction, arities: [Int])
}

/// The table of every user-facing scalar function and aggregate, in help order.
public enum FunctionCatalog {
    public static let functions: [FunctionInfo] = numbers + strings + dates + conversions + logic + aggregates + windows

    /// Every name a function answers to (aliases included), for suggestions and completion.
    public static var names: [String] { functions.flatMap(\.names) }

    /// The function called `name` (case-insensitive), nil if there is none.
    public static func function(named name: String) -> FunctionInfo? {
        byName[name.lowercased()]
    }

    private static let byName: [String: FunctionInfo] = {
        var table: [String: FunctionInfo] = [:]
        for info in functions {
            for name in info.names { table[name] = info }
        }
        return table
    }()

    private static func scalar(
        _ name: String, aliases: [String] = [], _ category: String, _ signature: String, _ summary: String,
        _ example: String, _ rule: FunctionRule
    ) -> FunctionInfo {
        FunctionInfo(
            name: name, aliases: aliases, kind: .scalar, category: category, signature: signature, summary: summary,
            example: example, rule: rule)
    }

    private static func aggregate(
        _ name: String, _ signature: String, _ summary: String, _ example: String, _ rule: FunctionRule
    ) -> FunctionInfo {
        FunctionInfo(
            name: name, aliases: [], kind: .aggregate, category: "aggregates", signature: signature,
            summary: summary, example: example, rule: rule)
    }

    private static func window(
        _ function: WindowFunction, _ arities: [Int], _ signature: String, _ summary: String, _ example: String
    ) -> FunctionInfo {
        FunctionInfo(
            name: function.rawValue, aliases: [], kind: .window, category: "window functions", signature: signature,
            summary: summary, example: example, rule: .window(function, arities: arities))
    }

    private static func one(_ p: [DataType], _ r: DataType, _ f: ScalarFunction) -> FunctionRule {
        .overloads([ScalarOverload(parameters: p, result: r, function: f)])
    }

    private static let numbers: [FunctionInfo] = [
        scalar(
            "round", "numbers", "round(x [, digits])",
            "Rounds to the nearest whole number, or to `digits` decimals; halves round away from zero.",
            "round(avg_amount, 2)",
            .overloads([
                ScalarOverload(parameters: [.double], result: .double, function: .round),
                ScalarOverload(parameters: [.double, .int], result: .double, function: .round),
            ])),
        scalar("floor", "numbers", "floor(x)", "The largest whole number not above x.", "floor(amount)",
               one([.double], .double, .floor)),
        scalar("ceil", "numbers", "ceil(x)", "The smallest whole number not below x.", "ceil(amount)",
               one([.double], .double, .ceil)),
        scalar(
            "abs", "numbers", "abs(x)", "The absolute value of x.", "abs(satisfaction - 5)",
            .overloads([
                ScalarOverload(parameters: [.int], result: .int, function: .abs),
                ScalarOverload(parameters: [.double], result: .double, function: .abs),
            ])),
        scalar("sqrt", "numbers", "sqrt(x)", "The square root of x; null for a negative x.", "sqrt(amount)", one([.double], .double, .sqrt)),
        scalar("ln", "numbers", "ln(x)", "The natural logarithm of x; null unless x > 0.", "ln(amount)", one([.double], .double, .ln)),
        scalar("log10", "numbers", "log10(x)", "The base-10 logarithm of x; null unless x > 0.", "log10(amount)",
               one([.double], .double, .log10)),
        scalar("exp", "numbers", "exp(x)", "e raised to the power x; null when that is too large for a double.", "exp(0.5)", one([.double], .double, .exp)),
        scalar("pow", aliases: ["power"], "numbers", "pow(x, y)", "x raised to the power y; null when that is no finite number (pow(-8, 1.0/3), pow(0, -1)).", "pow(1.1, 3)",
               one([.double, .double], .double, .power)),
        scalar(
            "bin", "numbers", "bin(x, width)", "x rounded down to a multiple of width, for histograms and bands.",
            "bin(amount, 25)",
            .overloads([
                ScalarOverload(parameters: [.int, .int], result: .int, function: .bin),
                ScalarOverload(parameters: [.double, .double], result: .double, function: .bin),
            ])),
        scalar("least", "numbers", "least(a, b, ...)", "The smallest of its arguments, skipping nulls.",
               "least(satisfaction, 5)", .sameType(.least, minimum: 2, allowed: [.int, .double, .string, .date])),
        scalar("greatest", "numbers", "greatest(a, b, ...)", "The largest of its arguments, skipping nulls.",
               "greatest(amount, 0)", .sameType(.greatest, minimum: 2, allowed: [.int, .double, .string, .date])),
    ]

    private static let strings: [FunctionInfo] = [
        scalar("lower", "strings", "lower(s)", "s in lower case.", "lower(name)", one([.string], .string, .lower)),
        scalar("upper", "strings", "upper(s)", "s in upper case.", "upper(region)", one([.string], .string, .upper)),
        scalar("trim", "strings", "trim(s)", "s without leading and trailing spaces.", "trim(name)",
               one([.string], .string, .trim)),
        scalar("length", "strings", "length(s)", "The number of characters in s.", "length(name)",
               one([.string], .int, .length)),
        scalar("contains", "strings", "contains(s, part)", "Whether s contains part (case-sensitive).",
               "contains(name, \"Ltd\")", one([.string, .string], .bool, .contains)),
        scalar("starts_with", "strings", "starts_with(s, prefix)", "Whether s starts with prefix.",
               "starts_with(category, \"Home\")", one([.string, .string], .bool, .startsWith)),
        scalar("ends_with", "strings", "ends_with(s, suffix)", "Whether s ends with suffix.",
               "ends_with(name, \"GmbH\")", one([.string, .string], .bool, .endsWith)),
        scalar("replace", "strings", "replace(s, from, to)", "s with every occurrence of from replaced by to.",
               "replace(category, \"_\", \" \")", one([.string, .string, .string], .string, .replace)),
        scalar(
            "substr", "strings", "substr(s, start [, length])",
            "The part of s from position start (1-based), to the end or for length characters.",
            "substr(name, 1, 3)",
            .overloads([
                ScalarOverload(parameters: [.string, .int], result: .string, function: .substring),
                ScalarOverload(parameters: [.string, .int, .int], result: .string, function: .substring),
            ])),
        scalar("concat", "strings", "concat(a, b, ...)",
               "Its arguments joined into one string; other types are converted, nulls count as empty.",
               "concat(region, \" / \", category)", .concat),
    ]

    private static let dates: [FunctionInfo] = [
        scalar("year", "dates", "year(d)", "The year of date d.", "year(signup_date)", one([.date], .int, .year)),
        scalar("month", "dates", "month(d)", "The month of date d, 1 to 12.", "month(date)",
               one([.date], .int, .month)),
        scalar("day", "dates", "day(d)", "The day of the month of date d, 1 to 31.", "day(date)",
               one([.date], .int, .day)),
        scalar("quarter", "dates", "quarter(d)", "The quarter of date d, 1 to 4.", "quarter(date)",
               one([.date], .int, .quarter)),
        scalar("weekday", "dates", "weekday(d)", "The day of the week of date d, 1 = Monday to 7 = Sunday.",
               "weekday(date)", one([.date], .int, .weekday)),
        scalar("date_trunc", "dates", "date_trunc(unit, d)",
               "The first day of the year, quarter, month or week (from Monday) holding d.",
               "date_trunc(\"month\", date)", .dateTrunc),
        scalar("days_between", "dates", "days_between(a, b)", "The number of days from a to b (b - a).",
               "days_between(signup_date, \"2025-06-30\")", one([.date, .date], .int, .daysBetween)),
        scalar("add_days", "dates", "add_days(d, n)", "The date n days after d (before it when n is negative).",
               "add_days(signup_date, 30)", one([.date, .int], .date, .addDays)),
        scalar("add_months", "dates", "add_months(d, n)",
               "The date n calendar months after d, clamped to the month's last day.",
               "add_months(signup_date, 12)", one([.date, .int], .date, .addMonths)),
        scalar("months_between", "dates", "months_between(a, b)", "The number of whole calendar months from a to b: the most months that add_months can add to a without passing b (negative when b is earlier), so months_between(a, add_months(a, k)) is k.",
               "months_between(signup_date, date)", one([.date, .date], .int, .monthsBetween)),
        scalar(
            "date", "dates", "date(text) or date(year, month, day)",
            "A date from YYYY-MM-DD text or from its year, month and day.", "date(\"2025-01-01\")",
            .overloads([
                ScalarOverload(parameters: [.string], result: .date, function: .toDate),
                ScalarOverload(parameters: [.int, .int, .int], result: .date, function: .makeDate),
            ])),
    ]

    private static let conversions: [FunctionInfo] = [
        scalar("int", "conversion", "int(x)",
               "x as an integer: decimals truncate toward zero (int(3.7) is 3); text must be a whole number (int(\"3.7\") is null).",
               "int(amount)", .convert(to: .int)),
        scalar("double", "conversion", "double(x)", "x as a decimal number; text must be a finite decimal number (double(\"nan\") and double(\"inf\") are null).",
               "double(satisfaction)", .convert(to: .double)),
        scalar("string", "conversion", "string(x)", "x as text; an ordered category's values as plain text, which sort alphabetically.",
               "string(customer_id)", .convert(to: .string)),
        scalar("ordered", "conversion", "ordered(s, level, ...)",
               "s as an ordered category: the levels, lowest first, decide how it sorts, groups, compares (with a level: ordered(...) >= \"store\") and charts, as for loyalty_stage; a value that is not a level becomes null; string(x) gives plain text back.",
               "ordered(channel, \"web\", \"phone\", \"store\", \"partner\")", .ordered),
    ]

    private static let logic: [FunctionInfo] = [
        scalar("coalesce", "logic", "coalesce(a, b, ...)", "The first of its arguments that is not null.",
               "coalesce(satisfaction, 0)", .sameType(.coalesce, minimum: 1, allowed: [])),
        scalar("if", "logic", "if(condition, a, b)", "a where the condition is true, otherwise b.",
               "if(amount > 100, \"large\", \"small\")", .ifThenElse),
    ]

    private static func agg(_ p: [DataType?], _ r: DataType, _ f: AggregateFunction) -> AggregateOverload {
        AggregateOverload(parameters: p, result: r, function: f)
    }

    /// The overloads of a two-number aggregate: each of x and y an int or a double.
    private static func pairs(_ f: AggregateFunction) -> [AggregateOverload] {
        [DataType.int, .double].flatMap { x in [DataType.int, .double].map { y in agg([x, y], .double, f) } }
    }

    private static let aggregates: [FunctionInfo] = [
        aggregate("count", "count() or count(x)", "The number of rows, or of non-null values of x.", "count()",
                  .aggregate([agg([], .int, .countRows), agg([nil], .int, .count)])),
        aggregate("count_distinct", "count_distinct(x)", "The number of distinct non-null values of x.",
                  "count_distinct(customer_id)", .aggregate([agg([nil], .int, .countDistinct)])),
        aggregate("sum", "sum(x)", "The sum of x; true counts as 1.", "sum(amount)",
                  .aggregate([agg([.int], .int, .sum), agg([.double], .double, .sum), agg([.bool], .int, .sum)])),
        aggregate("avg", "avg(x)", "The mean of x; for true/false or 0/1 values, the share that is true.",
                  "avg(satisfaction)",
                  .aggregate([agg([.int], .double, .avg), agg([.double], .double, .avg), agg([.bool], .double, .avg)])),
        aggregate("min", "min(x)", "The smallest value of x.", "min(date)",
                  .aggregate([.int, .double, .string, .date, .bool].map { agg([$0], $0, .min) })),
        aggregate("max", "max(x)", "The largest value of x.", "max(date)",
                  .aggregate([.int, .double, .string, .date, .bool].map { agg([$0], $0, .max) })),
        aggregate("median", "median(x)", "The middle value of x (the mean of the two middle ones for an even count).",
                  "median(amount)", .aggregate([agg([.int], .double, .median), agg([.double], .double, .median)])),
        aggregate("stddev", "stddev(x)", "The sample standard deviation of x.", "stddev(amount)",
                  .aggregate([agg([.int], .double, .stddev), agg([.double], .double, .stddev)])),
        aggregate("corr", "corr(x, y)",
                  "The Pearson correlation of x and y, -1 to 1, over the rows where both are non-null.",
                  "corr(satisfaction, recommend)", .aggregate(pairs(.corr))),
        aggregate("covar", "covar(x, y)",
                  "The sample covariance of x and y (dividing by n - 1), over the rows where both are non-null.",
                  "covar(trust, recommend)", .aggregate(pairs(.covar))),
        aggregate("covar_pop", "covar_pop(x, y)",
                  "The population covariance of x and y (dividing by n), over the rows where both are non-null.",
                  "covar_pop(trust, recommend)", .aggregate(pairs(.covarPop))),
        aggregate("percentile", "percentile(x, p)",
                  "The value below which a fraction p of x lies, interpolating between neighbours.",
                  "percentile(amount, 0.9)", .percentile),
    ]

    private static let windows: [FunctionInfo] = [
        window(.rowNumber, [0], "row_number()",
               "The row's number in its group, 1, 2, 3, ... in the window's order; ties are numbered in input order.",
               "customers | window n = row_number() by region sort monetary desc"),
        window(.rank, [0], "rank()",
               "The row's rank in its group in the window's order: tied rows share a rank and the next rank skips (1, 1, 3).",
               "customers | window r = rank() sort monetary desc | where r <= 10"),
        window(.denseRank, [0], "dense_rank()",
               "Like rank, but without gaps after ties (1, 1, 2).",
               "customers | window level = dense_rank() sort satisfaction desc"),
        window(.percentRank, [0], "percent_rank()",
               "(rank - 1) / (rows in the group - 1), from 0 for the first to 1 for the last; 0 in a group of one row.",
               "customers | window p = percent_rank() sort clv desc"),
        window(.cumeDist, [0], "cume_dist()",
               "The share of the group's rows that come up to this row in order, ties included: the top 20% have cume_dist() <= 0.2.",
               "customers | window top = cume_dist() sort monetary desc | where top <= 0.2"),
        window(.ntile, [1], "ntile(n)",
               "Splits each group in order into n tiles as equal as possible, numbered 1 to n (SQL's NTILE: the first tiles take one row more when the rows do not divide evenly).",
               "customers | window quintile = ntile(5) sort monetary desc"),
        window(.lag, [1, 2, 3], "lag(x [, offset [, default]])",
               "x of the row offset rows (1 unless given) earlier in the group, in the window's order; default (null unless given) where there is none.",
               "transactions | window previous = lag(date) by customer_id sort date"),
        window(.lead, [1, 2, 3], "lead(x [, offset [, default]])",
               "x of the row offset rows (1 unless given) later in the group, in the window's order; default (null unless given) where there is none.",
               "transactions | window next = lead(date) by customer_id sort date"),
        window(.runningSum, [1], "running_sum(x)",
               "The sum of x over the group's rows so far in the window's order, this row included; nulls are skipped.",
               "customers | window cumulative = running_sum(monetary) / sum(monetary) sort monetary desc"),
        window(.share, [1], "share(x)",
               "x divided by its total over the row's group: the row's share of the total (null when the total is 0).",
               "customers | window share_in_region = share(monetary) by region"),
    ]
}
