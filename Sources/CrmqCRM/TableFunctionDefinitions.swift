import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics

// The table functions rfm and customers(asof = ...) as plain plans, for a backend that
// runs plans without the CRM layer's fast passes (SQL). Each is written in crmq over its
// input, checked like a query, and put in place of the function's node as a `definition`
// node; the in-memory engine keeps its passes, and TableFunctionDefinitionTests holds the
// two ways equal.
extension CRM {
    /// `plan` with every rfm and customers(asof = ...) node replaced by its definition.
    public static func definingTableFunctions(
        _ plan: Plan, stored: [String: Schema], settings: [String: Value]
    ) throws(DiagnosticList) -> Plan {
        var failure: DiagnosticList?
        let result = plan.rewritingBottomUp { node in
            guard failure == nil, case .tableFunction(let name, let input, let options) = node.kind else { return nil }
            do throws(DiagnosticList) {
                switch name {
                case "rfm":
                    return try RFMDefinition.plan(input: input, options: options, settings: settings, schema: node.schema)
                case "cohorts":
                    return try CohortsDefinition.plan(input: input, options: options, settings: settings, schema: node.schema)
                case _ where PurchaseSummaryDefinition.functions.contains(name):
                    return try PurchaseSummaryDefinition.plan(name, input: input, options: options, settings: settings, schema: node.schema)
                case customersTable:
                    guard case .date(let asOf)? = options["asof"] else { return nil }
                    var frozen = frozenSettings(settings, defaultAsOf: nil)
                    frozen["asof"] = .date(asOf)
                    let needed = node.schema.names.filter { stored[customersTable]?.index(of: $0) == nil }
                    let definition = try CustomerDefinitions.plan(
                        schema: node.schema, stored: stored, needed: needed, settings: frozen)
                    return Plan(.definition(name: customersTable, arguments: frozen, definition), schema: node.schema)
                default:
                    return nil
                }
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return result
    }
}

/// rfm(transactions, ...) in crmq: per customer the last purchase, the purchases and their
/// sum before the as-of date (and from `from`), then each score an ntile(5) in order of its
/// measure with ties in customer order, and the segment from the grid of RFMSegments.
enum RFMDefinition {
    static func source(options: [String: Value], settings: [String: Value]) -> String {
        func column(_ option: String, _ fallback: String) -> String {
            TableFunctionDefinition.column(options, option, fallback)
        }
        let customer = column("customer", "customer_id"), date = column("date", "date")
        let amount = column("amount", "amount")
        let (bounds, end, asof) = TableFunctionDefinition.asOf(options: options, settings: settings, customer: customer, date: date)
        var filters = bounds
        if case .date(let d)? = options["from"] { filters.append("\(date) >= \(ExpressionText.literal(.date(d)))") }
        // A grid cell's code is 10 * r + fm; each segment the cells that give it.
        var segment = "null"
        for (index, name) in RFMSegments.names.enumerated().reversed() {
            var codes: [String] = []
            for r in 1...5 {
                for fm in 1...5 where RFMSegments.grid[r - 1][fm - 1] == Int32(index) { codes.append(String(10 * r + fm)) }
            }
            guard !codes.isEmpty else { continue }
            segment = "if(_code in (\(codes.joined(separator: ", "))), \(ExpressionText.literal(.string(name))), \(segment))"
        }
        let levels = RFMSegments.names.map { ExpressionText.literal(.string($0)) }.joined(separator: ", ")
        return """
            _input\(end) | where \(filters.joined(separator: " and "))
              | summarize _last = max(\(date)), frequency = count(), _amount = sum(coalesce(\(amount) * 1.0, 0.0)), _asof = max(\(asof)) by \(customer)
              | extend recency = _asof - _last, monetary = round(_amount, 2)
              | window r_score = ntile(5) sort _last, \(customer)
              | window f_score = ntile(5) sort frequency, \(customer)
              | window m_score = ntile(5) sort monetary, \(customer)
              | sort \(customer)
              | extend _code = 10 * r_score + int((f_score + m_score + 1) / 2)
              | select \(customer), recency, frequency, monetary, r_score, f_score, m_score,
                  rfm_score = 100 * r_score + 10 * f_score + m_score, rfm_segment = ordered(\(segment), \(levels))
            """
    }

    static func plan(
        input: Plan, options: [String: Value], settings: [String: Value], schema: Schema
    ) throws(DiagnosticList) -> Plan {
        try TableFunctionDefinition.plan(
            "rfm", source(options: options, settings: settings), input: input, options: options, settings: settings,
            schema: schema)
    }
}

/// cohorts(transactions, ...) in crmq: each customer's months with a purchase, the first
/// one its cohort; per cohort and months since, the customers who bought, over the cohort's
/// size (its customers at period 0). The cohort is written YYYY-MM.
enum CohortsDefinition {
    static func source(options: [String: Value], settings: [String: Value]) -> String {
        func column(_ option: String, _ fallback: String) -> String {
            TableFunctionDefinition.column(options, option, fallback)
        }
        let customer = column("customer", "customer_id"), date = column("date", "date")
        var filters = ["\(customer) is not null", "\(date) is not null"]
        let given: Value? = if case .date? = options["asof"] { options["asof"] } else { settings["asof"] }
        if case .date(let d)? = given { filters.append("\(date) < \(ExpressionText.literal(.date(d)))") }
        return """
            _input | where \(filters.joined(separator: " and "))
              | distinct \(customer), _month = date_trunc("month", \(date))
              | window _cohort = min(_month) by \(customer)
              | summarize active = count() by _cohort, period = months_between(_cohort, _month)
              | window customers = max(active) by _cohort
              | extend _year = year(_cohort), _m = month(_cohort)
              | select cohort = concat(if(_year < 10, "000", if(_year < 100, "00", if(_year < 1000, "0", ""))), string(_year),
                    if(_m < 10, "-0", "-"), string(_m)),
                  period, customers, active, rate = active / customers
            """
    }

    static func plan(
        input: Plan, options: [String: Value], settings: [String: Value], schema: Schema
    ) throws(DiagnosticList) -> Plan {
        try TableFunctionDefinition.plan(
            "cohorts", source(options: options, settings: settings), input: input, options: options,
            settings: settings, schema: schema)
    }
}

/// The buy-till-you-die models over a database: their input becomes the per-customer summary
/// they fit (first and last purchase day, purchase days, the repeat days' amounts), computed
/// where the transactions are, so one row per customer travels instead of every transaction;
/// the model still fits in memory, on that summary (ProbabilisticCLV.prepareSummary). Two
/// orders on one day are one purchase, as in memory. expected_purchases_curve counts purchase
/// days over time and keeps reading the transactions.
enum PurchaseSummaryDefinition {
    static let functions: Set<String> = ["bgnbd_fit", "bgnbd", "gamma_gamma_fit", "gamma_gamma", "clv_model"]
    /// The option that tells the function its input is the summary.
    static let option = "_summary"

    static func source(options: [String: Value], settings: [String: Value]) -> String {
        let customer = TableFunctionDefinition.column(options, "customer", "customer_id")
        let date = TableFunctionDefinition.column(options, "date", "date")
        let (filters, end, asof) = TableFunctionDefinition.asOf(options: options, settings: settings, customer: customer, date: date)
        let value: String = if case .string(let a)? = options["amount"] {
            "sum(coalesce(\(ExpressionText.name(a)) * 1.0, 0.0))"
        } else {
            "0.0"
        }
        return """
            _input\(end) | where \(filters.joined(separator: " and "))
              | summarize _value = \(value), _asof = max(\(asof)) by \(customer), _day = \(date)
              | window _first_day = min(_day) by \(customer)
              | summarize _first = min(_day), _last = max(_day), _days = count(),
                  _repeat = sum(if(_day == _first_day, 0.0, _value)), _asof = max(_asof) by \(customer)
            """
    }

    /// The function's node over the summary's definition.
    static func plan(
        _ name: String, input: Plan, options: [String: Value], settings: [String: Value], schema: Schema
    ) throws(DiagnosticList) -> Plan {
        let summary = try TableFunctionDefinition.plan(
            "purchase summary", source(options: options, settings: settings), input: input, options: options,
            settings: settings, schema: nil)
        var summarized = options
        summarized[option] = .bool(true)
        return Plan(.tableFunction(name: name, input: summary, options: summarized), schema: schema)
    }
}

enum TableFunctionDefinition {
    /// The column an option names (as crmq source), else the default name.
    static func column(_ options: [String: Value], _ option: String, _ fallback: String) -> String {
        if case .string(let s)? = options[option] { return ExpressionText.name(s) }
        return fallback
    }

    /// The purchases before the as-of date, as crmq text: `filters` keep the rows with a
    /// customer and a date before it, `end` (a window stage, or empty) goes before them, and
    /// `asof` is the date as an expression: the option, the setting, else the day after the
    /// input's last date (TransactionInput.asof), which `end` computes.
    static func asOf(options: [String: Value], settings: [String: Value], customer: String, date: String)
        -> (filters: [String], end: String, asof: String)
    {
        var filters = ["\(customer) is not null", "\(date) is not null"]
        // (The resolved options hold asof as null when it was not given.)
        let given: Value? = if case .date? = options["asof"] { options["asof"] } else { settings["asof"] }
        if case .date(let d)? = given {
            let asof = ExpressionText.literal(.date(d))
            filters.append("\(date) < \(asof)")
            return (filters, "", asof)
        }
        return (filters, " | window _end = max(\(date))", "add_days(_end, 1)")
    }

    /// The definition node of table function `name`: `text` checked with `_input` standing for
    /// the function's input, whose plan then takes its place.
    /// `schema` nil: the definition's own.
    static func plan(
        _ name: String, _ text: String, input: Plan, options: [String: Value], settings: [String: Value], schema: Schema?
    ) throws(DiagnosticList) -> Plan {
        let file = SourceFile(name: "<definition of \(name)>", text: text)
        let (script, parseErrors) = Parser.parse(file)
        guard parseErrors.isEmpty, let statement = script.statements.first else { throw DiagnosticList(parseErrors) }
        let catalog = DefinitionCatalog(tables: ["_input": input.schema], settings: settings)
        guard case .query(let body) = try Checker(catalog: catalog, file: file).check(statement) else {
            throw DiagnosticList([])
        }
        let definition = body.replacingScans { name, scan in name == "_input" ? input : scan }
        var arguments = options
        if case .date? = options["asof"] {} else { arguments["asof"] = settings["asof"] ?? .null }
        return Plan(.definition(name: name, arguments: arguments, definition), schema: schema ?? definition.schema)
    }
}
