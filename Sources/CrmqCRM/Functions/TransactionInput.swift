import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// A column a transaction table function reads (the customer, the purchase date, the
/// amount): the option that names it, the name it has by default, and the types it may have.
struct TransactionRole: Sendable {
    var option: String
    var defaultName: String
    /// What the column holds, for messages: "customer ids", "purchase dates".
    var meaning: String
    var types: [DataType]
    /// "int or string", for messages.
    var typesText: String

    static let customer = TransactionRole(
        option: "customer", defaultName: "customer_id", meaning: "customer ids", types: [.int, .string, .null],
        typesText: "int or string")
    static let date = TransactionRole(
        option: "date", defaultName: "date", meaning: "purchase dates", types: [.date, .null],
        typesText: "date (YYYY-MM-DD)")
    static let amount = TransactionRole(
        option: "amount", defaultName: "amount", meaning: "purchase amounts", types: [.int, .double, .null],
        typesText: "int or double")
}

/// Checking the options of a table function over transactions (`customer = cust_id`,
/// `asof = "2025-07-01"`); the resolved options hold each column's name as a string and
/// `asof` as a date or null.
enum TransactionInput {
    /// The options every transaction function accepts besides its columns.
    static let asofOption = "asof"
    /// The first day that counts (rfm): purchases before it are left out, so frequency and
    /// monetary are over the period from it to the as-of date.
    static let fromOption = "from"

    static func bind(
        _ function: String, roles: [TransactionRole], input: Schema, options: [String: TableFunctionOption]
    ) -> Result<[String: Value], TableFunctionProblem> {
        var resolved: [String: Value] = [:]
        for role in roles {
            let name: String
            switch options[role.option] {
            case .value?, .names?:
                return .failure(TableFunctionProblem(
                    "\(function)'s option \(role.option) takes a column name, e.g. \(role.option) = \(role.defaultName)",
                    option: role.option))
            case .name(let n)?:
                name = n
                guard input.index(of: n) != nil else {
                    return .failure(TableFunctionProblem(
                        "\(function)'s input has no column '\(n)' (\(role.option) = names the column of \(role.meaning))",
                        option: role.option,
                        notes: [Suggestions.note(for: n, among: input.names, kind: "column")]))
                }
            case nil:
                name = role.defaultName
                guard input.index(of: name) != nil else {
                    return .failure(TableFunctionProblem(
                        "\(function) needs a \(role.option) column: none is called '\(name)'; "
                            + "name yours with \(role.option) = your_column",
                        notes: [Suggestions.note(for: name, among: input.names, kind: "column")]))
                }
            }
            let type = input[input.index(of: name)!].type
            guard role.types.contains(type) else {
                return .failure(TableFunctionProblem(
                    "\(function)'s \(role.option) column '\(name)' is \(type); it must be \(role.typesText)",
                    option: options[role.option] == nil ? nil : role.option))
            }
            resolved[role.option] = .string(name)
        }
        for option in [asofOption, fromOption] {
            switch options[option] {
            case nil:
                resolved[option] = .null
            case .value(.date(let d))?:
                resolved[option] = .date(d)
            case .value(.null)?:
                resolved[option] = .null
            case .value(.string(let s))? where CivilDate.parse(s) != nil:
                resolved[option] = .date(CivilDate.parse(s)!.days)
            default:
                return .failure(TableFunctionProblem(
                    "\(function)'s option \(option) takes a date, e.g. \(option) = date(\"2026-01-01\")", option: option))
            }
        }
        return .success(resolved)
    }

    /// The column an option names, from the resolved options.
    static func column(_ role: TransactionRole, of input: Table, options: [String: Value]) -> Column {
        guard case .string(let name)? = options[role.option], let c = input.column(named: name) else {
            return Column(.null(count: input.rowCount))
        }
        return c
    }

    /// The as-of date: the option, else the `asof` setting, else the day after the last
    /// non-null date of `dates` (nil when there is none).
    static func asof(options: [String: Value], settings: [String: Value], dates: Column) -> Int32? {
        if case .date(let d)? = options[asofOption] { return d }
        if case .date(let d)? = settings[asofOption] { return d }
        return DateRange(dates).map { $0.max + 1 }
    }

    /// The days whose purchases count: from the `from` option (if any) to before the as-of date.
    static func window(options: [String: Value], settings: [String: Value], dates: Column)
        -> (asof: Int32, window: CustomerSlots.DayWindow)?
    {
        guard let asof = asof(options: options, settings: settings, dates: dates) else { return nil }
        let from: Int32 = if case .date(let d)? = options[fromOption] { d } else { .min }
        return (asof, CustomerSlots.DayWindow(from: from, before: asof))
    }
}

/// The smallest and largest non-null date of a column.
struct DateRange {
    var min: Int32
    var max: Int32

    init?(_ column: Column) {
        guard case .date(let days) = column.values, !days.isEmpty else { return nil }
        var lo = Int32.max
        var hi = Int32.min
        days.withUnsafeBufferPointer { d in
            if let valid = column.validity {
                valid.withUnsafeBufferPointer { v in
                    for i in 0..<d.count where v[i] {
                        lo = Swift.min(lo, d[i])
                        hi = Swift.max(hi, d[i])
                    }
                }
            } else {
                for x in d {
                    lo = Swift.min(lo, x)
                    hi = Swift.max(hi, x)
                }
            }
        }
        guard lo <= hi else { return nil }
        min = lo
        max = hi
    }
}

/// Every 64K rows, long loops poll the cancellation flag.
let cancellationStride = 1 << 16
