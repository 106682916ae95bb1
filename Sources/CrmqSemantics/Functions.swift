/// Every scalar operation the engine implements. The checker resolves operators and
/// function calls to these and inserts casts, so that each case sees only the argument
/// types written beside it (the engine may rely on that).
public enum ScalarFunction: String, Sendable, CaseIterable {
    // Arithmetic: (int, int) -> int with overflow as a runtime error, or (double, double) -> double.
    case add, subtract, multiply
    /// (double, double) -> double; ints are cast first, so 7 / 2 is 3.5. x / 0 is null.
    case divide
    /// (int, int) -> int or (double, double) -> double; sign follows the dividend; x % 0 is null.
    case modulo
    /// (int) -> int or (double) -> double
    case negate
    /// (date, int) -> date, (date, int) -> date, (date, date) -> int (days)
    case dateAddDays, dateSubtractDays, dateDifference

    // Comparison: both arguments of one type (int, double, string, date, bool, or one
    // category, whose string literals are its levels: compared by level) -> bool.
    case equal, notEqual, less, lessEqual, greater, greaterEqual

    // Logic, SQL three-valued: (bool, bool) -> bool; not: (bool) -> bool.
    case and, or, not
    /// (any) -> bool, never null.
    case isNull, isNotNull
    /// (x, a, b, ...) all of one type -> bool: true if x equals one of them; SQL rules with nulls.
    case inList
    /// (bool, T, T) -> T: the second argument where the condition is true, else the third.
    case ifThenElse
    /// (T, T, ...) -> T: the first non-null argument.
    case coalesce

    // Casts the checker inserts or the user calls.
    /// (int) -> double
    case intToDouble
    /// int(x): (double) -> int truncating toward zero, (string) -> int (null if not an integer), (bool) -> int
    case toInt
    /// double(x): (string) -> double (null if not a number), (bool) -> double
    case toDouble
    /// string(x): (any) -> string, as `Value.exactText`; a category's values as plain text
    case toString
    /// ordered(s, levels...): (string) -> the call's category type; a string that is not one
    /// of the levels is null. The levels are in the type, not among the arguments.
    case toCategory
    /// date(s): (string) -> date, a runtime error naming the text if it is not YYYY-MM-DD;
    /// date(y, m, d): (int, int, int) -> date, a runtime error if it is no calendar date.
    case toDate, makeDate

    // Numbers.
    /// round(x): (double) -> double; round(x, digits): (double, int) -> double; half away from zero.
    case round
    /// (double) -> double
    case floor, ceil, sqrt, ln, log10, exp
    /// (int) -> int or (double) -> double
    case abs
    /// (double, double) -> double
    case power
    /// bin(x, width): (int, int) -> int or (double, double) -> double: x rounded down to a multiple of width.
    case bin
    /// (T, T, ...) -> T for int, double, string, date: nulls are skipped.
    case least, greatest

    // Strings.
    /// (string) -> string
    case lower, upper, trim
    /// (string) -> int, in characters
    case length
    /// (string, string) -> bool
    case contains, startsWith, endsWith
    /// (string, string, string) -> string: every occurrence replaced
    case replace
    /// substr(s, start[, length]): (string, int[, int]) -> string; start is 1-based
    case substring
    /// (string, string, ...) -> string; null arguments count as empty
    case concat

    // Dates.
    /// (date) -> int
    case year, month, day, quarter
    /// (date) -> int, 1 = Monday ... 7 = Sunday (ISO)
    case weekday
    /// (string unit, date) -> date; unit is "year", "quarter", "month" or "week" (Monday), checked as a literal.
    case dateTrunc
    /// (date, date) -> int: b - a in days
    case daysBetween
    /// (date, int) -> date
    case addDays
    /// (date, int) -> date: calendar months, clamped to the month's last day
    case addMonths
    /// (date, date) -> int: whole calendar months from a to b
    case monthsBetween
}

/// Every aggregate. Nulls are skipped by all but `countRows`.
public enum AggregateFunction: String, Sendable, CaseIterable {
    /// count(): rows, -> int
    case countRows
    /// count(x): non-null values, -> int
    case count
    /// count_distinct(x): distinct non-null values, -> int
    case countDistinct
    /// sum(x): int -> int (overflow is a runtime error), double -> double, bool -> int (true = 1); null if no values
    case sum
    /// avg(x): int, double or bool -> double; null if no values
    case avg
    /// min(x), max(x): int, double, string, date, bool, a category -> same type (a category by level)
    case min, max
    /// median(x): int, double -> double (mean of the two middle values for an even count)
    case median
    /// stddev(x): sample standard deviation, int/double -> double; null for fewer than two values
    case stddev
    /// corr(x, y): Pearson correlation of the pairs where both are non-null, -> double;
    /// null for fewer than two pairs or a constant x or y
    case corr
    /// covar(x, y): sample covariance (divides by n - 1) of the non-null pairs, -> double; null below two pairs
    case covar
    /// covar_pop(x, y): population covariance (divides by n) of the non-null pairs, -> double; null without pairs
    case covarPop
    /// percentile(x, p): p a literal in [0, 1], linear interpolation (DuckDB's quantile_cont), -> double
    case percentile
}
