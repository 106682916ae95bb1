import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The table functions of probabilistic CLV: `bgnbd_fit`, `bgnbd`, `expected_purchases_curve`,
/// `gamma_gamma_fit`, `gamma_gamma` and `clv_model` (docs/crm.md, "Probabilistic CLV";
/// the models are in Statistics/BuyTillYouDie.swift). All read transactions, share their
/// options and compute the same per-customer summary as of the as-of date.
enum ProbabilisticCLV {
    static let roles: [TransactionRole] = [.customer, .date]
    static let commonOptions = ["customer", "date", "amount", "asof", "period"]
    static let commonUsage = "customer = col, date = col, amount = col, asof = date, period = \"week\""

    /// The time unit: its length in days. Weeks are 7 days, months 365.25 / 12; times are
    /// kept as fractions of the unit, never rounded.
    static let periods: [(name: String, days: Double, year: Double)] = [
        ("day", 1, 365), ("week", 7, 52), ("month", 365.25 / 12, 12),
    ]

    enum Output: Sendable { case bgnbdFit, bgnbd, curve, gammaGammaFit, gammaGamma, clv }

    static func function(_ name: String, _ output: Output, usage extra: String, options extraOptions: [String],
                         summary: String, example: String) -> CRMTableFunction {
        CRMTableFunction(
            signature: TableFunctionSignature(
                name: name,
                usage: "\(name)(transactions [, \(commonUsage)\(extra)])",
                summary: summary, example: example,
                options: commonOptions + extraOptions,
                bind: { bind(name, output, $0, $1) }),
            details: details(output),
            run: { (i, o, s, c) throws(EngineError) in try run(name, output, i, o, s, c) })
    }

    static let bgnbdFit = function(
        "bgnbd_fit", .bgnbdFit, usage: "", options: [],
        summary: "the BG/NBD model of repeat purchases fitted by maximum likelihood: r, alpha, a, b and the log-likelihood",
        example: "bgnbd_fit(transactions, period = \"week\")")
    static let bgnbd = function(
        "bgnbd", .bgnbd, usage: ", horizon = periods", options: ["horizon"],
        summary: "each customer's repeat purchases, P(alive) and expected purchases over a horizon, from a fitted BG/NBD model",
        example: "bgnbd(transactions, period = \"week\", horizon = 39) | top 10 by expected_purchases")
    static let curve = function(
        "expected_purchases_curve", .curve, usage: ", until = date", options: ["until"],
        summary: "the population's actual and BG/NBD-expected repeat purchases per period: a tracking chart",
        example: "expected_purchases_curve(transactions, asof = date(\"2025-01-01\")) | chart line period, actual_cumulative, expected_cumulative")
    static let gammaGammaFit = function(
        "gamma_gamma_fit", .gammaGammaFit, usage: "", options: [],
        summary: "the Gamma-Gamma model of spend per purchase fitted on repeat customers: p, q, gamma and the log-likelihood",
        example: "gamma_gamma_fit(transactions, period = \"week\")")
    static let gammaGamma = function(
        "gamma_gamma", .gammaGamma, usage: "", options: [],
        summary: "each customer's mean repeat purchase value and the Gamma-Gamma model's expected value of their purchases",
        example: "gamma_gamma(transactions) | top 10 by expected_avg_value")
    static let clv = function(
        "clv_model", .clv, usage: ", months = 36, on_error = \"empty\"", options: ["months", "on_error"],
        summary: "model CLV: BG/NBD expected purchases month by month times Gamma-Gamma expected value, margin and discount",
        example: "clv_model(transactions) | top 10 by model_clv")

    static var all: [CRMTableFunction] { [bgnbdFit, bgnbd, curve, gammaGammaFit, gammaGamma, clv] }

    // MARK: Checking a call

    @Sendable static func bind(
        _ function: String, _ output: Output, _ input: Schema, _ options: [String: TableFunctionOption]
    ) -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem> {
        TransactionInput.bind(function, roles: roles, input: input, options: options).flatMap { base in
            var resolved = base
            // amount: a column; needed for the values (Gamma-Gamma, model CLV), else read when present.
            let needsAmount = [.gammaGammaFit, .gammaGamma, .clv].contains(output)
            switch options["amount"] {
            case .name(let n)?:
                guard let i = input.index(of: n) else {
                    return .failure(TableFunctionProblem(
                        "\(function)'s input has no column '\(n)' (amount = names the column of purchase amounts)",
                        option: "amount", notes: [Suggestions.note(for: n, among: input.names, kind: "column")]))
                }
                guard [.int, .double, .null].contains(input[i].type) else {
                    return .failure(TableFunctionProblem(
                        "\(function)'s amount column '\(n)' is \(input[i].type); it must be int or double", option: "amount"))
                }
                resolved["amount"] = .string(n)
            case nil:
                if let i = input.index(of: "amount"), [.int, .double, .null].contains(input[i].type) {
                    resolved["amount"] = .string("amount")
                } else if needsAmount {
                    return .failure(TableFunctionProblem(
                        "\(function) needs purchase amounts: no int or double column is called 'amount'; "
                            + "name yours with amount = your_column",
                        notes: [Suggestions.note(for: "amount", among: input.names, kind: "column")]))
                } else {
                    resolved["amount"] = .null
                }
            default:
                return .failure(TableFunctionProblem(
                    "\(function)'s option amount takes a column name, e.g. amount = amount", option: "amount"))
            }
            switch options["period"] {
            case nil:
                resolved["period"] = .string("week")
            case .value(.string(let p))? where periods.contains { $0.name == p }:
                resolved["period"] = .string(p)
            case .name(let p)? where periods.contains { $0.name == p }:
                resolved["period"] = .string(p)
            default:
                return .failure(TableFunctionProblem(
                    "\(function)'s option period is \"day\", \"week\" or \"month\" (in quotes), the unit of recency, "
                        + "age, horizon and the fitted alpha", option: "period"))
            }
            // Ten years at most: the series behind a prediction lengthen as the horizon grows
            // against a customer's age, and a forecast further out says little anyway.
            guard case .string(let periodName)? = resolved["period"],
                let unit = periods.first(where: { $0.name == periodName })
            else { preconditionFailure("period is resolved above") }
            let limits = [("horizon", output == .bgnbd, (unit.year * 10).rounded(.up)), ("months", output == .clv, 120.0)]
            for (option, present, limit) in limits where present {
                var value: Double?
                switch options[option] {
                case nil: resolved[option] = .null
                case .value(.int(let h))?: value = Double(h)
                case .value(.double(let h))? where option == "horizon" || h == h.rounded(): value = h
                default: value = .nan
                }
                if let v = value {
                    guard v > 0, v <= limit else {
                        return .failure(TableFunctionProblem(
                            option == "horizon"
                                ? "\(function)'s option horizon is a number of \(periodName)s above 0 and at most \(Int(limit)) "
                                    + "(ten years), e.g. horizon = \(Int(unit.year))"
                                : "\(function)'s option months is a whole number of months from 1 to 120 (ten years), e.g. months = 36",
                            option: option))
                    }
                    resolved[option] = .double(v)
                }
            }
            if output == .clv {
                switch options["on_error"] {
                case nil: resolved["on_error"] = .null
                case .value(.string("empty"))?, .name("empty")?: resolved["on_error"] = .string("empty")
                default:
                    return .failure(TableFunctionProblem(
                        "\(function)'s option on_error can only be \"empty\": no rows instead of an error when the models cannot be fitted",
                        option: "on_error"))
                }
            }
            if output == .curve {
                switch options["until"] {
                case nil, .value(.null)?: resolved["until"] = .null
                case .value(.date(let d))?: resolved["until"] = .date(d)
                case .value(.string(let s))? where CivilDate.parse(s) != nil:
                    resolved["until"] = .date(CivilDate.parse(s)!.days)
                default:
                    return .failure(TableFunctionProblem(
                        "\(function)'s option until takes a date, e.g. until = date(\"2026-01-01\")", option: "until"))
                }
            }
            guard case .string(let customer)? = resolved["customer"] else {
                preconditionFailure("TransactionInput.bind resolves every role to a column name")
            }
            let fields = outputFields(output)
            if fields.contains(where: { $0.name == customer }) {
                return .failure(TableFunctionProblem(
                    "\(function)'s customer column cannot be called '\(customer)', a name of its output; rename it first "
                        + "(extend customer_id = \(customer))",
                    option: options["customer"] == nil ? nil : "customer"))
            }
            let customerType = input[input.index(of: customer)!].type
            let key = [Field(customer, customerType == .string ? .string : .int)]
            switch output {
            case .bgnbdFit, .gammaGammaFit, .curve: return .success((resolved, Schema(fields)))
            case .bgnbd, .gammaGamma, .clv: return .success((resolved, Schema(key + fields)))
            }
        }
    }

    static func outputFields(_ output: Output) -> [Field] {
        switch output {
        case .bgnbdFit:
            [Field("r", .double), Field("alpha", .double), Field("a", .double), Field("b", .double),
             Field("log_likelihood", .double), Field("customers", .int)]
        case .gammaGammaFit:
            [Field("p", .double), Field("q", .double), Field("gamma", .double), Field("log_likelihood", .double),
             Field("customers", .int)]
        case .bgnbd:
            [Field("frequency", .int), Field("recency", .double), Field("age", .double), Field("avg_value", .double),
             Field("p_alive", .double), Field("expected_purchases", .double)]
        case .gammaGamma:
            [Field("frequency", .int), Field("avg_value", .double), Field("expected_avg_value", .double)]
        case .clv:
            [Field("frequency", .int), Field("p_alive", .double), Field("expected_purchases", .double),
             Field("expected_avg_value", .double), Field("model_clv", .double)]
        case .curve:
            [Field("period", .int), Field("date", .date), Field("holdout", .bool), Field("actual", .int),
             Field("expected", .double), Field("actual_cumulative", .int), Field("expected_cumulative", .double)]
        }
    }

    // MARK: Running

    /// The transactions' purchase days and the customers' histories as of the as-of date.
    struct Prepared {
        /// Nil when the input is the per-customer summary a database made (PurchaseSummaryDefinition).
        var purchaseDays: PurchaseDays?
        var buyers: [Int32]
        /// The id of each customer of `histories`, in their order (ascending id).
        var ids: Column
        var histories: RepeatHistories
        var asof: Int32
        var unitDays: Double
        var periodsPerYear: Double
        var customerType: DataType
    }

    static func prepare(_ input: Table, _ options: [String: Value], _ settings: [String: Value], until: Int32?,
                        _ cancellation: CancellationFlag) throws(EngineError) -> Prepared? {
        if case .bool(true)? = options[PurchaseSummaryDefinition.option] { return try prepareSummary(input, options, settings) }
        let customerColumn = TransactionInput.column(.customer, of: input, options: options)
        let dateColumn = TransactionInput.column(.date, of: input, options: options)
        let amountColumn: Column? = if case .string(let a)? = options["amount"] { input.column(named: a) } else { nil }
        guard let asof = TransactionInput.asof(options: options, settings: settings, dates: dateColumn) else { return nil }
        let period = period(options)
        let days = try PurchaseDays(
            customers: customerColumn, dates: dateColumn, amounts: amountColumn,
            window: .init(before: max(asof, until.map { $0 + 1 } ?? asof)), cancellation: cancellation)
        let (buyers, histories) = try days.histories(before: asof, unit: period.days, cancellation: cancellation)
        return Prepared(
            purchaseDays: days, buyers: buyers, ids: days.slots.idColumn(buyers, type: customerColumn.type),
            histories: histories, asof: asof, unitDays: period.days, periodsPerYear: period.year,
            customerType: customerColumn.type)
    }

    static func period(_ options: [String: Value]) -> (name: String, days: Double, year: Double) {
        periods.first { if case .string(let p)? = options["period"] { $0.name == p } else { $0.name == "week" } }!
    }

    /// The histories from the per-customer summary of PurchaseSummaryDefinition (one row per
    /// customer in id order: first and last purchase day, purchase days, the repeat days'
    /// amounts summed, the as-of date), as `PurchaseDays.histories` makes them from transactions.
    static func prepareSummary(_ input: Table, _ options: [String: Value], _ settings: [String: Value])
        throws(EngineError) -> Prepared?
    {
        let customerColumn = TransactionInput.column(.customer, of: input, options: options)
        guard let first = input.column(named: "_first"), let last = input.column(named: "_last"),
            let days = input.column(named: "_days"), let repeatValue = input.column(named: "_repeat"),
            let asofColumn = input.column(named: "_asof")
        else { throw .data(.tableFunction("the purchase summary lacks a column of its definition")) }
        var asof: Int32?
        if case .date(let d)? = options["asof"] { asof = d } else if case .date(let d)? = settings["asof"] { asof = d }
        if asof == nil, input.rowCount > 0, case .date(let d) = asofColumn.value(at: 0) { asof = d }
        guard let asof else { return nil }
        let unit = period(options).days
        let hasAmounts: Bool = if case .string? = options["amount"] { true } else { false }
        var h = RepeatHistories()
        var ids: [Value] = []
        for i in 0..<input.rowCount {
            guard case .date(let f) = first.value(at: i), case .date(let l) = last.value(at: i),
                case .int(let n) = days.value(at: i), n >= 1 else { continue }
            ids.append(customerColumn.value(at: i))
            h.repeats.append(Int32(n - 1))
            h.recency.append(Double(l - f) / unit)
            h.age.append(Double(asof - 1 - f) / unit)
            h.ageDays.append(asof - 1 - f)
            let value: Double = switch repeatValue.value(at: i) {
            case .double(let v): v
            case .int(let v): Double(v)
            default: 0
            }
            h.meanValue.append(n > 1 && hasAmounts ? value / Double(n - 1) : .nan)
        }
        let idType: DataType = customerColumn.type == .string || customerColumn.type.category != nil ? .string : .int
        return Prepared(
            purchaseDays: nil, buyers: [], ids: Column.from(ids, type: idType), histories: h, asof: asof, unitDays: unit,
            periodsPerYear: period(options).year, customerType: customerColumn.type)
    }

    @Sendable static func run(
        _ function: String, _ output: Output, _ input: Table, _ options: [String: Value], _ settings: [String: Value],
        _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        let customerName: String = if case .string(let s)? = options["customer"] { s } else { "customer_id" }
        let customerType = TransactionInput.column(.customer, of: input, options: options).type
        let key = [Field(customerName, customerType == .string ? .string : .int)]
        let fields = outputFields(output)
        let schema = [.bgnbdFit, .gammaGammaFit, .curve].contains(output) ? Schema(fields) : Schema(key + fields)
        var until: Int32?
        if output == .curve {
            if case .date(let d)? = options["until"] { until = d } else {
                until = DateRange(TransactionInput.column(.date, of: input, options: options))?.max
            }
        }
        guard let prepared = try prepare(input, options, settings, until: until, cancellation),
            prepared.histories.count > 0
        else {
            if output == .clv, case .string("empty")? = options["on_error"] { return RFM.empty(schema) }
            throw .data(.tableFunction("\(function) found no customer with a purchase before the as-of date"))
        }
        let h = prepared.histories
        switch output {
        case .bgnbdFit:
            let (model, ll) = try fitBGNBD(function, h, cancellation)
            return Table(
                schema: schema,
                columns: model.array.map { Column(.double([$0])) } + [Column(.double([ll])), Column(.int([Int64(h.count)]))],
                rowCount: 1)
        case .gammaGammaFit:
            let repeaters = repeatCustomers(h)
            let (model, ll) = try fitGammaGamma(function, repeaters, cancellation)
            return Table(
                schema: schema,
                columns: model.array.map { Column(.double([$0])) }
                    + [Column(.double([ll])), Column(.int([Int64(repeaters.xs.count)]))],
                rowCount: 1)
        case .bgnbd:
            let (model, _) = try fitBGNBD(function, h, cancellation)
            let horizon = if case .double(let t)? = options["horizon"] { t } else { prepared.periodsPerYear }
            let alive = probabilitiesAlive(model, h)
            let expected = try conditionalExpected(model, h, horizon: horizon, cancellation)
            return Table(
                schema: schema,
                columns: [
                    prepared.ids,
                    Column(.int(h.repeats.map(Int64.init))), Column(.double(h.recency)), Column(.double(h.age)),
                    nullable(h.meanValue), Column(.double(alive)), Column(.double(expected)),
                ],
                rowCount: h.count)
        case .gammaGamma:
            let repeaters = repeatCustomers(h)
            let (model, _) = try fitGammaGamma(function, repeaters, cancellation)
            let expected = (0..<h.count).map { i in
                model.expectedAverageValue(repeats: h.repeats[i], mean: h.meanValue[i].isNaN ? 0 : h.meanValue[i])
            }
            return Table(
                schema: schema,
                columns: [
                    prepared.ids,
                    Column(.int(h.repeats.map(Int64.init))), nullable(h.meanValue), nullable(expected),
                ],
                rowCount: h.count)
        case .clv:
            let months = if case .double(let m)? = options["months"] { Int(m) } else { defaultMonths }
            do {
                return try modelCLV(function, prepared, months: months, schema: schema, settings: settings, cancellation)
            } catch .data(let message) {
                if case .string("empty")? = options["on_error"] { return RFM.empty(schema) }
                throw .data(message)
            }
        case .curve:
            return try trackingCurve(function, prepared, until: until ?? prepared.asof - 1, schema: schema, cancellation)
        }
    }

    /// model CLV's default horizon in months.
    static let defaultMonths = 36

    static func fitBGNBD(_ function: String, _ h: RepeatHistories, _ cancellation: CancellationFlag)
        throws(EngineError) -> (BGNBD, Double)
    {
        guard h.repeats.contains(where: { $0 > 0 }) else {
            throw .data(.tableFunction("\(function): no customer made a repeat purchase before the as-of date, so the BG/NBD model has nothing to fit"))
        }
        let (model, ll, converged) = try BGNBD.fit(h, cancellation: cancellation)
        try accept(
            function, "BG/NBD", zip(["r", "alpha", "a", "b"], model.array), converged: converged,
            edge: ". r and alpha running off mean purchase rates do not vary between customers, a to 0 or b to "
                + "infinity that nobody seems to drop out; it happens with few customers, or little repeat buying "
                + "before the as-of date")
        return (model, ll)
    }

    /// Nothing when a fit is an estimate; else the error saying where it stopped: not
    /// converged, or at the edge of the model (`edge` says what that means for this model).
    static func accept(
        _ function: String, _ model: String, _ parameters: Zip2Sequence<[String], [Double]>, converged: Bool, edge: String
    ) throws(EngineError) {
        let at = parameters.map { "\($0) = \(short($1))" }.joined(separator: ", ")
        guard converged else {
            throw .data(.tableFunction("\(function): the \(model) fit did not converge (it stopped at \(at))"))
        }
        guard parameters.allSatisfy({ plausible($1) }) else {
            throw .data(.tableFunction(
                "\(function): the \(model) fit ran to the edge of the model (\(at)): on these data the likelihood "
                    + "keeps growing as a parameter runs off to 0 or infinity, so there is no estimate" + edge))
        }
    }

    /// A fitted parameter inside the model: a maximum at 1e-5 or 1e6 and beyond is a likelihood
    /// that grows without bound towards a limit of the model (no heterogeneity, no drop-out),
    /// not an estimate.
    static func plausible(_ v: Double) -> Bool { v.isFinite && v >= 1e-5 && v <= 1e6 }

    struct Repeaters {
        var xs: [Int32] = []
        var ms: [Double] = []
    }

    /// The customers the Gamma-Gamma model is fitted on: a repeat purchase, and a mean value above 0.
    static func repeatCustomers(_ h: RepeatHistories) -> Repeaters {
        var r = Repeaters()
        for i in 0..<h.count where h.repeats[i] > 0 && h.meanValue[i] > 0 {
            r.xs.append(h.repeats[i])
            r.ms.append(h.meanValue[i])
        }
        return r
    }

    static func fitGammaGamma(_ function: String, _ r: Repeaters, _ cancellation: CancellationFlag)
        throws(EngineError) -> (GammaGamma, Double)
    {
        guard r.xs.count >= 2 else {
            throw .data(.tableFunction("\(function): the Gamma-Gamma model needs customers with repeat purchases of a value above 0; there are \(r.xs.count)"))
        }
        let (model, ll, converged) = try GammaGamma.fit(repeats: r.xs, mean: r.ms, cancellation: cancellation)
        try accept(
            function, "Gamma-Gamma", zip(["p", "q", "gamma"], model.array), converged: converged,
            edge: "; the customers' mean values may vary too little, or too few customers have repeat purchases")
        return (model, ll)
    }

    static func probabilitiesAlive(_ model: BGNBD, _ h: RepeatHistories) -> [Double] {
        Parallel.array(h.count) { (out: UnsafeMutableBufferPointer<Double>, range) in
            for i in range { out[i] = model.probabilityAlive(repeats: h.repeats[i], recency: h.recency[i], age: h.age[i]) }
        }
    }

    /// Expected purchases in the next `horizon` units, per customer. The part of the formula
    /// that depends on x and T alone (the hypergeometric series) is computed once per
    /// (x, T in days), so a million customers need a few thousand series.
    static func conditionalExpected(_ model: BGNBD, _ h: RepeatHistories, horizon: Double,
                                    _ cancellation: CancellationFlag) throws(EngineError) -> [Double] {
        var memo: [Int64: Double] = [:]
        var out = [Double](repeating: 0, count: h.count)
        for i in 0..<h.count {
            if i & (cancellationStride - 1) == 0 { try cancellation.check() }
            let key = Int64(h.repeats[i]) << 32 | Int64(UInt32(bitPattern: h.ageDays[i]))
            let ifAlive: Double
            if let v = memo[key] {
                ifAlive = v
            } else {
                ifAlive = model.expectedPurchasesIfAlive(horizon: horizon, repeats: h.repeats[i], age: h.age[i])
                memo[key] = ifAlive
            }
            out[i] = ifAlive * model.probabilityAlive(repeats: h.repeats[i], recency: h.recency[i], age: h.age[i])
        }
        return out
    }

    /// model CLV per customer: margin × Σ over months m = 1...months of the expected
    /// purchases in month m × the Gamma-Gamma expected value, discounted by
    /// (1 + discount_rate)^(m / 12) (lifetimes' customer_lifetime_value, with crmq's yearly
    /// discount rate and margin settings).
    static func modelCLV(_ function: String, _ p: Prepared, months: Int, schema: Schema, settings: [String: Value],
                         _ cancellation: CancellationFlag) throws(EngineError) -> Table {
        let h = p.histories
        let (bg, _) = try fitBGNBD(function, h, cancellation)
        let (gg, _) = try fitGammaGamma(function, repeatCustomers(h), cancellation)
        let margin = if case .double(let m)? = settings["margin"] { m } else { 0.3 }
        let discount = if case .double(let d)? = settings["discount_rate"] { d } else { 0.1 }
        let monthUnits = 365.25 / 12 / p.unitDays
        // Per (x, T in days): Σ_m (E(m) - E(m-1)) / (1 + d)^(m/12) with E the purchases expected if
        // alive, and E(months); P(alive) multiplies both per customer.
        var memo: [Int64: (value: Double, horizon: Double)] = [:]
        var value = [Double](repeating: 0, count: h.count)
        var expected = [Double](repeating: 0, count: h.count)
        var spend = [Double](repeating: 0, count: h.count)
        var alive = [Double](repeating: 0, count: h.count)
        for i in 0..<h.count {
            if i & 4095 == 0 { try cancellation.check() }
            let x = h.repeats[i]
            let key = Int64(x) << 32 | Int64(UInt32(bitPattern: h.ageDays[i]))
            let sums: (value: Double, horizon: Double)
            if let v = memo[key] {
                sums = v
            } else {
                var previous = 0.0
                var total = 0.0
                for m in 1...max(months, 1) {
                    let e = bg.expectedPurchasesIfAlive(horizon: Double(m) * monthUnits, repeats: x, age: h.age[i])
                    total += (e - previous) / pow(1 + discount, Double(m) / 12)
                    previous = e
                }
                sums = (total, previous)
                memo[key] = sums
            }
            let pAlive = bg.probabilityAlive(repeats: x, recency: h.recency[i], age: h.age[i])
            alive[i] = pAlive
            expected[i] = sums.horizon * pAlive
            spend[i] = gg.expectedAverageValue(repeats: x, mean: h.meanValue[i].isNaN ? 0 : h.meanValue[i])
            value[i] = margin * spend[i] * sums.value * pAlive
        }
        return Table(
            schema: schema,
            columns: [
                p.ids,
                Column(.int(h.repeats.map(Int64.init))), Column(.double(alive)), Column(.double(expected)),
                nullable(spend), nullable(value),
            ],
            rowCount: h.count)
    }

    /// The tracking curve: per period from the first purchase of the customers fitted (those
    /// with a purchase before asof), their actual repeat purchases (purchase days after each
    /// one's first, before and after asof) and the model's expectation Σ E[X(t - first)].
    static func trackingCurve(_ function: String, _ p: Prepared, until: Int32, schema: Schema,
                              _ cancellation: CancellationFlag) throws(EngineError) -> Table {
        // The curve counts purchase days over time: it reads the transactions, never a summary.
        guard let purchaseDays = p.purchaseDays else {
            throw .data(.tableFunction("\(function) needs the transactions themselves, not a summary of them"))
        }
        let (model, _) = try fitBGNBD(function, p.histories, cancellation)
        let firsts = p.buyers.map { purchaseDays.firstDay($0) }
        guard let origin = firsts.min(), until >= origin else {
            throw .data(.tableFunction("\(function): until is before the first purchase"))
        }
        // Ten years past the as-of date at most, as for bgnbd's horizon.
        guard Int(until) - Int(p.asof) <= 3653 else {
            throw .data(.tableFunction(
                "\(function): until is more than ten years after the as-of date \(CivilDate(days: p.asof)); the curve "
                    + "follows the fitted customers at most that far"))
        }
        let spanDays = Int(until - origin) + 1
        guard spanDays <= 36525 else {
            throw .data(.tableFunction(
                "\(function): the curve would span more than 100 years, from the first purchase on "
                    + "\(CivilDate(days: origin)); leave the older purchases out first (where date >= ...)"))
        }
        // Repeat purchase days per calendar day, and new customers per first day.
        var repeatsOnDay = [Int](repeating: 0, count: spanDays)
        var firstsOnDay = [Int](repeating: 0, count: spanDays)
        for (k, s) in p.buyers.enumerated() {
            firstsOnDay[Int(firsts[k] - origin)] += 1
            for d in purchaseDays.purchaseDays(s).dropFirst() where d <= until { repeatsOnDay[Int(d - origin)] += 1 }
        }
        let periodCount = Int((Double(spanDays) / p.unitDays).rounded(.up))
        // E[X(d days)] for every whole number of days d.
        var expectedByAge = [Double](repeating: 0, count: spanDays)
        for d in 0..<spanDays {
            if d & 1023 == 0 { try cancellation.check() }
            expectedByAge[d] = model.expectedPurchases(within: Double(d) / p.unitDays)
        }
        var period: [Int64] = [], date: [Int32] = [], holdout: [Bool] = []
        var actual: [Int64] = [], expected: [Double] = [], actualCumulative: [Int64] = [], expectedCumulative: [Double] = []
        var cumulative = 0
        var day = 0
        var previousExpected = 0.0
        var firstDays: [(offset: Int, count: Int)] = []
        for k in 1...periodCount {
            try cancellation.check()
            let last = min(spanDays - 1, Int((Double(k) * p.unitDays).rounded(.down)) - 1)
            var inPeriod = 0
            while day <= last {
                inPeriod += repeatsOnDay[day]
                if firstsOnDay[day] > 0 { firstDays.append((day, firstsOnDay[day])) }
                day += 1
            }
            cumulative += inPeriod
            var e = 0.0
            for f in firstDays { e += Double(f.count) * expectedByAge[last - f.offset] }
            period.append(Int64(k))
            date.append(origin + Int32(last))
            holdout.append(origin + Int32(last) >= p.asof)
            actual.append(Int64(inPeriod))
            actualCumulative.append(Int64(cumulative))
            expected.append(e - previousExpected)
            expectedCumulative.append(e)
            previousExpected = e
        }
        return Table(
            schema: schema,
            columns: [
                Column(.int(period)), Column(.date(date)), Column(.bool(holdout)), Column(.int(actual)),
                Column(.double(expected)), Column(.int(actualCumulative)), Column(.double(expectedCumulative)),
            ],
            rowCount: period.count)
    }

    /// The column `value` of a per-customer result, in the rows of `ids` (customers' customer_id);
    /// null where a customer has no row.
    static func joined(_ result: Table, value: String, onto ids: Column) -> Column {
        let n = ids.count
        guard let key = result.column(named: "customer_id"), let v = result.column(named: value),
            case .double(let values) = v.values
        else { return Column(.null(count: n)) }
        var out = [Double](repeating: 0, count: n)
        var valid = [Bool](repeating: false, count: n)
        switch (key.values, ids.values) {
        case (.int(let keys), .int(let wanted)):
            var row: [Int64: Int] = [:]
            row.reserveCapacity(keys.count)
            for (i, k) in keys.enumerated() where key.validity?[i] ?? true { row[k] = i }
            for i in 0..<n where ids.validity?[i] ?? true {
                if let r = row[wanted[i]], v.validity?[r] ?? true {
                    out[i] = values[r]
                    valid[i] = true
                }
            }
        default:
            return Column(.null(count: n))
        }
        return Column(.double(out), validity: valid)
    }

    /// A double column with NaN and infinities as null.
    static func nullable(_ values: [Double]) -> Column {
        let valid = values.map(\.isFinite)
        return Column(.double(values.map { $0.isFinite ? $0 : 0 }), validity: valid.allSatisfy { $0 } ? nil : valid)
    }

    static func short(_ v: Double) -> String { String(format: "%.4g", v) }

    // MARK: Help

    static func details(_ output: Output) -> String {
        let what: String
        switch output {
        case .bgnbdFit:
            what = """
                One row: r and alpha (purchase rates while alive vary across customers as Gamma(r, alpha); \
                alpha is in periods), a and b (the chance of dropping out after a purchase varies as Beta(a, b)), \
                log_likelihood (of the data under the fitted model: larger is better, comparable between fits \
                on the same customers) and customers (those fitted). A maximum-likelihood fit (BFGS on the \
                exact log-likelihood and its gradient), to 1e-9 in the mean log-likelihood's gradient.
                """
        case .bgnbd:
            what = """
                One row per customer with a purchase before the as-of date: frequency, recency, age and \
                avg_value (the summary below), p_alive (the chance the customer has not dropped out) and \
                expected_purchases (expected repeat purchases in the next horizon periods; default one year: \
                52 weeks, 365 days or 12 months), from a BG/NBD model fitted on the same customers.
                """
        case .curve:
            what = """
                Periods from the first purchase of the customers fitted (those with a purchase before the as-of \
                date) to until (default: the last transaction): period (1, 2, ...), date (its last day), \
                holdout (true after the as-of date: the model never saw those purchases; until is at most ten \
                years after it), actual (repeat \
                purchases of those customers in the period, before and after the as-of date), expected (what \
                the BG/NBD model fitted before the as-of date expects: Σ over customers of E[X(t)] since their \
                first purchase), actual_cumulative and expected_cumulative. Chart it: \
                chart line period, actual_cumulative, expected_cumulative.
                """
        case .gammaGammaFit:
            what = """
                One row: p, q and gamma (a customer's purchase values vary around their own mean as Gamma(p, ν); \
                the means vary across customers as Gamma(q, gamma)), log_likelihood and customers (those fitted: \
                customers with a repeat purchase whose mean repeat value is above 0). The model assumes a \
                customer's spend per purchase does not depend on how often they buy; check that \
                frequency and avg_value are barely correlated.
                """
        case .gammaGamma:
            what = """
                One row per customer with a purchase before the as-of date: frequency, avg_value (the mean value \
                of the repeat purchases, null without one) and expected_avg_value: the Gamma-Gamma model's \
                expected value of this customer's purchases, their own mean weighted by frequency against the \
                population's mean gamma p / (q - 1) (the population's mean for customers without a repeat \
                purchase).
                """
        case .clv:
            what = """
                One row per customer with a purchase before the as-of date: frequency, p_alive, \
                expected_purchases (over the months), expected_avg_value (Gamma-Gamma) and model_clv = margin × \
                Σ over months m = 1 ... months (default 36) of the expected purchases in month m × \
                expected_avg_value / (1 + discount_rate)^(m / 12), with the margin and discount_rate settings \
                (lifetimes' customer_lifetime_value, with a yearly discount rate). The formula clv of customers \
                assumes every customer stays with the yearly retention rate; model_clv predicts each one's \
                purchases from their own history ('help clv_models'); the column model_clv of customers is \
                this function's model_clv in weeks over the clv_months setting. on_error = "empty" gives no \
                rows instead of an error when the models cannot be fitted.
                """
        }
        return what + """


            The summary, per customer, as of the as-of date (the asof option, else the asof setting, else the \
            day after the last transaction), in periods of period = "day", "week" (the default, 7 days) or \
            "month" (365.25 / 12 days), kept as fractions: frequency, the repeat purchases, that is the distinct \
            purchase days after the first (two orders on one day are one purchase); recency, the last purchase \
            day minus the first; age, the last day the data cover (the day before asof) minus the first \
            purchase day; avg_value, the mean value of the repeat purchases, each day's amounts summed (the \
            amount option, else a column called amount). These are lifetimes' summary_data_from_transaction_data \
            with observation_period_end = asof - 1 day.
            """
    }
}
