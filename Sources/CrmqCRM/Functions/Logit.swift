import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `logit`, `logit_gain` and `logit_score`: a logistic regression of a 0/1 outcome (churned)
/// on chosen columns, fitted on a seeded training part of the rows and judged on the rest,
/// the holdout (docs/language.md "logit", `help churn_model`). The three share their options
/// and fit the same model: its coefficients, its gain/lift table on the holdout, and a
/// probability per row to join back.
enum Logit {
    static let intercept = "(intercept)"
    static let defaultHoldout = 0.3
    static let defaultSeed: Int64 = 1
    static let defaultMaxIterations: Int64 = 100
    static let defaultBins: Int64 = 10
    static let commonOptions = ["y", "x", "key", "holdout", "seed", "max_iter"]
    static let commonUsage = "y = outcome, x = predictor [+ predictor ...] [, key = col, holdout = 0.3, seed = n, max_iter = n]"
    static let example = "logit(customers, y = churned, x = satisfaction + trust + perceived_value + switching_cost, seed = 42)"

    enum Output { case coefficients, gain, score }

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "logit",
            usage: "logit(table, \(commonUsage))",
            summary: "logistic regression of a 0/1 outcome (churn): coefficients, odds ratios, standard errors, z, p and AUC on a seeded holdout",
            example: example,
            options: commonOptions,
            bind: { bind("logit", $0, $1, output: .coefficients) }),
        details: details(.coefficients),
        run: { (i, o, _, c) throws(EngineError) in try run("logit", i, o, output: .coefficients, c) })

    static let gain = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "logit_gain",
            usage: "logit_gain(table, \(commonUsage) [, bins = 10])",
            summary: "the gain and lift table of a logit model on its holdout: rows ranked by predicted probability, in bins (deciles)",
            example: "logit_gain(customers, y = churned, x = satisfaction + trust + perceived_value + switching_cost, seed = 42) | chart line depth, gain",
            options: commonOptions + ["bins"],
            bind: { bind("logit_gain", $0, $1, output: .gain) }),
        details: details(.gain),
        run: { (i, o, _, c) throws(EngineError) in try run("logit_gain", i, o, output: .gain, c) })

    static let score = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "logit_score",
            usage: "logit_score(table, \(commonUsage))",
            summary: "each row's predicted probability from a logit model (a churn probability), to join back, and whether it was held out",
            example: "customers | join logit_score(customers, y = churned, x = satisfaction + trust + perceived_value + switching_cost, seed = 42) on customer_id | where churned == 0 | top 10 by probability",
            options: commonOptions,
            bind: { bind("logit_score", $0, $1, output: .score) }),
        details: details(.score),
        run: { (i, o, _, c) throws(EngineError) in try run("logit_score", i, o, output: .score, c) })

    static func details(_ output: Output) -> String {
        let what: String
        switch output {
        case .coefficients:
            what = """
                Columns: term, coefficient, odds_ratio, std_coefficient, std_error, z, p, n, holdout_n, train_auc, \
                holdout_auc. One row per term, the (intercept) first. coefficient: the change in the log-odds of \
                y = 1 per unit of the predictor, the others held fixed; odds_ratio = exp(coefficient): the factor \
                the odds are multiplied by per unit (above 1 raises the probability, below 1 lowers it); \
                std_coefficient: the coefficient times the predictor's sample standard deviation, the change in \
                log-odds per standard deviation, comparable across predictors; std_error from the inverse of the \
                information matrix; z = coefficient / std_error; p: two-sided, standard normal. n: training rows; \
                holdout_n: holdout rows; train_auc and holdout_auc: the area under the ROC curve on each (0.5 is \
                a coin toss, 1 a perfect ranking; null without both outcomes, holdout_auc null when holdout = 0).
                """
        case .gain:
            what = """
                The holdout rows (all the fitted rows when holdout = 0) ranked by predicted probability, highest \
                first, cut into bins (default 10, deciles) whose sizes differ by at most one, the larger first \
                (ties in rank order of the input rows). Columns: bin (1 = the highest probabilities), customers \
                (rows in the bin), a column named after y (rows with y = 1 in the bin: the churners), rate (their \
                share of the bin), mean_probability (the model's mean prediction in the bin: close to rate when \
                the model is calibrated), depth (the share of rows in this bin and the ones above it), gain (the \
                share of all y = 1 rows found in them: the cumulative gain), lift (rate over the overall rate) \
                and cumulative_lift (gain / depth). 'chart line depth, gain' draws the gain curve; a model no \
                better than chance follows gain = depth.
                """
        case .score:
            what = """
                One row per input row with no null in key or x: the key column (key = col, else customer_id, its \
                name and type kept, so it joins back), probability (the fitted P(y = 1), e.g. a churn \
                probability) and in_holdout (true when the row was held out of the fit). Rows with a null y are \
                scored too: the model can be fitted on customers whose outcome is known and applied to others.
                """
        }
        return what + """


            How: rows with a null in y, in any x or in key are left out of the fit; y must be 0 or 1 (or \
            false/true); x columns are numbers (bool as 0/1). The split is seeded and does not depend on the \
            order or the number of rows: each row's key is hashed with the seed (SplitMix64; seed = n, default \
            1) to a number u in [0, 1), and the row is held out when u < holdout (default 0.3; 0 fits every \
            row). The model is the unpenalised maximum-likelihood fit (Newton-Raphson; scikit-learn's \
            LogisticRegression without a penalty gives the same), stopped when no standardised coefficient \
            moves by 1e-10, or failing after max_iter steps (default 100). Errors name the culprit: an outcome other than 0/1, a constant or \
            collinear predictor, too few training rows, an outcome with one value only, and separation (a \
            predictor, or a combination, that splits the outcomes perfectly: then no finite estimate exists). \
            'help churn_model' says how to read the three tables.
            """
    }

    @Sendable static func bind(
        _ function: String, _ input: Schema, _ options: [String: TableFunctionOption], output: Output
    ) -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem> {
        var resolved: [String: Value] = [:]
        func column(_ name: String, _ option: String) -> TableFunctionProblem? {
            guard let i = input.index(of: name) else {
                return TableFunctionProblem(
                    "\(function)'s input has no column '\(name)' (in \(option) =)", option: option,
                    notes: [Suggestions.note(for: name, among: input.names, kind: "column")])
            }
            if option != "key", ![.int, .double, .bool, .null].contains(input[i].type) {
                return TableFunctionProblem(
                    "\(function)'s \(option) column '\(name)' is \(input[i].type), not a number"
                        + (option == "y" ? " (y must hold 0 and 1, or false and true)" : ""),
                    option: option)
            }
            return nil
        }

        // y: one column.
        let y: String
        switch options["y"] {
        case nil:
            return .failure(TableFunctionProblem(
                "\(function) needs y = the outcome column (0 or 1), e.g. y = churned", notes: ["e.g. \(example)"]))
        case .name(let n)?: y = n
        case .names?:
            return .failure(TableFunctionProblem(
                "\(function) fits one outcome: y takes a single column, e.g. y = churned", option: "y"))
        case .value?:
            return .failure(TableFunctionProblem(
                "\(function)'s option y takes a column name, e.g. y = churned", option: "y"))
        }
        if let problem = column(y, "y") { return .failure(problem) }
        resolved["y"] = .string(y)

        // x: one or more columns.
        let x: [String]
        switch options["x"] {
        case nil:
            return .failure(TableFunctionProblem(
                "\(function) needs x = the predictor columns, joined with '+'", notes: ["e.g. \(example)"]))
        case .name(let n)?: x = [n]
        case .names(let ns)?: x = ns
        case .value?:
            return .failure(TableFunctionProblem(
                "\(function)'s option x takes column names joined with '+', e.g. x = satisfaction + trust",
                option: "x"))
        }
        for name in x {
            if let problem = column(name, "x") { return .failure(problem) }
            if x.filter({ $0 == name }).count > 1 {
                return .failure(TableFunctionProblem("\(function)'s x names '\(name)' twice", option: "x"))
            }
            if name == y {
                return .failure(TableFunctionProblem(
                    "\(function)'s column '\(name)' is both the outcome (y) and a predictor (x)", option: "x"))
            }
        }
        resolved["x"] = .string(x.joined(separator: String(Regress.separator)))

        // key: the column the split hashes and the scores carry.
        let key: String
        switch options["key"] {
        case .name(let n)?:
            if let problem = column(n, "key") { return .failure(problem) }
            key = n
        case .value?, .names?:
            return .failure(TableFunctionProblem(
                "\(function)'s option key takes a column name, e.g. key = customer_id", option: "key"))
        case nil:
            guard input.index(of: "customer_id") != nil else {
                return .failure(TableFunctionProblem(
                    "\(function) needs a key column, which seeds each row's place in the split and identifies its "
                        + "score: none is called 'customer_id'; name yours with key = your_column"))
            }
            key = "customer_id"
        }
        resolved["key"] = .string(key)

        switch options["holdout"] {
        case nil: resolved["holdout"] = .double(defaultHoldout)
        case .value(.int(0))?: resolved["holdout"] = .double(0)
        case .value(.double(let h))? where h >= 0 && h < 1: resolved["holdout"] = .double(h)
        default:
            return .failure(TableFunctionProblem(
                "\(function)'s holdout is the share of rows kept out of the fit to judge the model: a number from 0 "
                    + "to below 1, e.g. holdout = 0.3", option: "holdout"))
        }
        switch options["seed"] {
        case nil: resolved["seed"] = .int(defaultSeed)
        case .value(.int(let v))?: resolved["seed"] = .int(v)
        default:
            return .failure(TableFunctionProblem(
                "\(function)'s seed takes a whole number, e.g. seed = 42", option: "seed"))
        }
        let limits: [(String, Int64, Int64, Int64, String)] =
            [("max_iter", defaultMaxIterations, 1, 10_000, "the most Newton steps")]
            + (output == .gain ? [("bins", defaultBins, 1, 1000, "the number of bins, 10 for deciles")] : [])
        for (name, value, low, high, meaning) in limits {
            switch options[name] {
            case nil: resolved[name] = .int(value)
            case .value(.int(let v))? where v >= low && v <= high: resolved[name] = .int(v)
            default:
                return .failure(TableFunctionProblem(
                    "\(function)'s \(name) takes a whole number from \(low) to \(high) (\(meaning)), e.g. \(name) = \(value)",
                    option: name))
            }
        }

        let fields: [Field]
        switch output {
        case .coefficients:
            fields = [Field("term", .string)]
                + ["coefficient", "odds_ratio", "std_coefficient", "std_error", "z", "p"].map { Field($0, .double) }
                + [Field("n", .int), Field("holdout_n", .int), Field("train_auc", .double), Field("holdout_auc", .double)]
        case .gain:
            let names = ["bin", "customers", "rate", "mean_probability", "depth", "gain", "lift", "cumulative_lift"]
            if names.contains(y) {
                return .failure(TableFunctionProblem(
                    "logit_gain names its column of y = 1 counts after y, and '\(y)' is already one of its columns; "
                        + "rename it first with extend", option: "y"))
            }
            fields = [Field("bin", .int), Field("customers", .int), Field(y, .int)]
                + names.dropFirst(2).map { Field($0, .double) }
        case .score:
            for name in ["probability", "in_holdout"] where key == name {
                return .failure(TableFunctionProblem(
                    "logit_score's key column cannot be called '\(name)', a name of its output; rename it first",
                    option: options["key"] == nil ? nil : "key"))
            }
            fields = [input[input.index(of: key)!], Field("probability", .double), Field("in_holdout", .bool)]
        }
        return .success((resolved, Schema(fields)))
    }

    /// Where a row's key and the seed put it: u uniform in [0, 1) from SplitMix64 of (seed, key),
    /// held out when u < holdout. Text keys are hashed first (FNV-1a of their UTF-8 bytes).
    static func unit(seed: Int64, key: UInt64) -> Double {
        Double(SplitMix64.mix(UInt64(bitPattern: seed), key, 0) >> 11) * 0x1.0p-53
    }

    static func keyBits(_ c: Column, _ i: Int) -> UInt64 {
        switch c.values {
        case .int(let a): return UInt64(bitPattern: a[i])
        case .double(let a): return a[i].bitPattern
        case .bool(let a): return a[i] ? 1 : 0
        case .date(let a): return UInt64(bitPattern: Int64(a[i]))
        case .string(let codes, let d):
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for b in d[codes[i]].utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            return h
        case .null: return 0
        }
    }

    /// The fitted model and what the three outputs need of it.
    struct Model {
        var predictors: [String]
        var fit: LogisticFit
        /// Input rows with no null in key or x: scored.
        var scored: [Int]
        var probability: [Double]
        /// Of the scored rows: held out, and the outcome (nil: null, not fitted nor judged).
        var heldOut: [Bool]
        var outcome: [Bool?]
        var trainRows: Int
        var holdoutRows: Int
        var trainAUC: Double?
        var holdoutAUC: Double?
        /// Standard deviation (sample) of each predictor over the training rows.
        var sds: [Double]
    }

    static func model(
        _ function: String, _ input: Table, _ options: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Model {
        guard case .string(let yName)? = options["y"], case .string(let keyName)? = options["key"],
              case .double(let holdout)? = options["holdout"], case .int(let seed)? = options["seed"],
              case .int(let maxIterations)? = options["max_iter"]
        else { preconditionFailure("Logit.bind resolves every option") }
        let predictors = Regress.names(options, "x")
        let n = input.rowCount
        let keyColumn = input.column(named: keyName)!
        let yColumn = input.column(named: yName)!
        let y = Regress.Numbers(yColumn)
        let x = predictors.map { Regress.Numbers(input.column(named: $0)!) }
        let complete = Regress.Numbers.bothValid(x.map(\.valid) + [keyColumn.validity], n)
        var scored: [Int] = []
        scored.reserveCapacity(n)
        if let complete {
            for i in 0..<n where complete[i] { scored.append(i) }
        } else {
            scored = Array(0..<n)
        }
        if keyColumn.isNullType { scored = [] }
        try cancellation.check()

        var heldOut = [Bool](repeating: false, count: scored.count)
        var outcome = [Bool?](repeating: nil, count: scored.count)
        var trainIndex: [Int] = []  // positions in `scored`
        trainIndex.reserveCapacity(scored.count)
        var holdoutCount = 0
        for (s, i) in scored.enumerated() {
            if holdout > 0 { heldOut[s] = unit(seed: seed, key: keyBits(keyColumn, i)) < holdout }
            guard y.valid?[i] ?? true else { continue }
            let v = y.values[i]
            guard v == 0 || v == 1 else {
                throw .data(.tableFunction(
                    "\(function)'s outcome '\(yName)' must be 0 or 1, but the row with \(keyName) = "
                        + "\(keyColumn.value(at: i).exactText) has \(yColumn.value(at: i).exactText)"))
            }
            outcome[s] = v == 1
            if heldOut[s] { holdoutCount += 1 } else { trainIndex.append(s) }
        }
        let k = predictors.count
        let fitted = trainIndex.count
        let left = n - scored.count
        let leftOut = n == 0 ? " (the input is empty)"
            : left > 0 ? " (\(left) of \(n) rows left out for a null in \(keyName) or x)" : ""
        guard fitted > k + 1 else {
            throw .data(.tableFunction(
                "\(function) has too few rows to fit: \(fitted) training row\(fitted == 1 ? "" : "s") with \(yName) known"
                    + leftOut + ", and \(k + 1) terms need more than \(k + 1); lower holdout or give more rows"))
        }

        var columns: [[Double]] = []
        var sds: [Double] = []
        for (j, column) in x.enumerated() {
            let values = trainIndex.map { column.values[scored[$0]] }
            // Engine doubles are finite (overflow gives null), but a table function may be fed anything.
            if let bad = values.firstIndex(where: { !$0.isFinite || abs($0) > 1e150 }) {
                throw .data(.tableFunction(
                    "\(function)'s predictor '\(predictors[j])' has \(values[bad]) in the row with \(keyName) = "
                        + "\(keyColumn.value(at: scored[trainIndex[bad]]).exactText): too large to fit; rescale it"))
            }
            var s = 0.0
            for v in values { s += v }
            let m = s / Double(fitted)
            var q = 0.0
            for v in values { q += (v - m) * (v - m) }
            sds.append((q / Double(fitted - 1)).squareRoot())
            columns.append(values)
        }
        let yTrain = trainIndex.map { outcome[$0]! ? 1.0 : 0.0 }
        let fit: LogisticFit
        switch try LogisticFit.fit(columns: columns, y: yTrain, maxIterations: Int(maxIterations), cancellation: cancellation) {
        case .success(let f): fit = f
        case .failure(.oneClass):
            throw .data(.tableFunction(
                "\(function)'s outcome '\(yName)' is \(yTrain.first == 1 ? "1" : "0") in every training row: "
                    + "a model needs rows of both outcomes"))
        case .failure(.constant(let j)):
            throw .data(.tableFunction(
                "\(function)'s predictor '\(predictors[j])' is constant over the training rows, so its weight cannot "
                    + "be told apart from the intercept: leave it out"))
        case .failure(.collinear(let j)):
            throw .data(.tableFunction(
                "\(function)'s predictor '\(predictors[j])' is a linear combination of the predictors before it "
                    + "(collinear): leave one of them out"))
        case .failure(.separation):
            throw .data(.tableFunction(separationMessage(function, columns: columns, y: yTrain, predictors: predictors, outcome: yName)))
        case .failure(.notConverged(let steps)):
            throw .data(.tableFunction(
                "\(function) did not converge in \(steps) Newton steps (max_iter = \(maxIterations)); raise max_iter, "
                    + "or rescale or leave out a predictor"))
        }

        // Scores: every scored row, from the coefficients in the columns' units.
        var probability = [Double](repeating: 0, count: scored.count)
        let b = fit.coefficients
        for (s, i) in scored.enumerated() {
            var eta = b[0]
            for j in 0..<k { eta += b[j + 1] * x[j].values[i] }
            probability[s] = LogisticFit.probability(eta)
        }
        try cancellation.check()
        func auc(_ heldOutSide: Bool) -> Double? {
            var scores: [Double] = [], labels: [Bool] = []
            for s in 0..<scored.count where heldOut[s] == heldOutSide {
                guard let o = outcome[s] else { continue }
                scores.append(probability[s])
                labels.append(o)
            }
            return AUC.of(scores: scores, labels: labels)
        }
        return Model(
            predictors: predictors, fit: fit, scored: scored, probability: probability, heldOut: heldOut,
            outcome: outcome, trainRows: fitted, holdoutRows: holdoutCount, trainAUC: auc(false),
            holdoutAUC: holdout > 0 ? auc(true) : nil, sds: sds)
    }

    /// Names a predictor that separates the outcomes on its own, with the cut, when one does.
    static func separationMessage(
        _ function: String, columns: [[Double]], y: [Double], predictors: [String], outcome: String
    ) -> String {
        func text(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : Value.double(v).exactText
        }
        for (j, c) in columns.enumerated() {
            var low = [Double.infinity, .infinity], high = [-Double.infinity, -.infinity]
            for (v, o) in zip(c, y) {
                let t = o == 1 ? 1 : 0
                low[t] = min(low[t], v)
                high[t] = max(high[t], v)
            }
            let cut: String?
            if high[0] < low[1] {
                cut = "every training row with \(predictors[j]) above \(text(high[0])) has \(outcome) = 1 and every other has 0"
            } else if high[1] < low[0] {
                cut = "every training row with \(predictors[j]) above \(text(high[1])) has \(outcome) = 0 and every other has 1"
            } else {
                cut = nil
            }
            if let cut {
                return "\(function): '\(predictors[j])' separates the outcome perfectly (\(cut)), so its odds ratio is "
                    + "infinite and no finite estimate exists; leave it out, or use it to split the customers instead"
            }
        }
        return "\(function): the predictors separate the outcome '\(outcome)' perfectly, or for part of the rows "
            + "(fitted probabilities reach 0 or 1 and the coefficients grow without bound), so no finite estimate "
            + "exists; leave out the predictor that decides the outcome, or give more varied rows"
    }

    @Sendable static func run(
        _ function: String, _ input: Table, _ options: [String: Value], output: Output, _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        let m = try model(function, input, options, cancellation)
        switch output {
        case .coefficients: return coefficientTable(m)
        case .gain: return try gainTable(m, options)
        case .score: return scoreTable(m, input, options)
        }
    }

    static func finite(_ v: Double?) -> Value {
        guard let v, v.isFinite else { return .null }
        return .double(v)
    }

    static func coefficientTable(_ m: Model) -> Table {
        let k = m.predictors.count, d = k + 1
        var columns = [[Value]](repeating: [], count: 6)
        for t in 0..<d {
            let b = m.fit.coefficients[t]
            let se = m.fit.covariance[t * d + t].squareRoot()
            let z = b / se
            columns[0].append(finite(b))
            columns[1].append(finite(exp(b)))
            columns[2].append(t == 0 ? .null : finite(b * m.sds[t - 1]))
            columns[3].append(finite(se))
            columns[4].append(finite(z))
            columns[5].append(finite(Normal.twoSidedP(z)))
        }
        let schema = Schema(
            [Field("term", .string)]
                + ["coefficient", "odds_ratio", "std_coefficient", "std_error", "z", "p"].map { Field($0, .double) }
                + [Field("n", .int), Field("holdout_n", .int), Field("train_auc", .double), Field("holdout_auc", .double)])
        var out = [Column.from([intercept].map(Value.string) + m.predictors.map(Value.string), type: .string)]
        out += columns.map { Column.from($0, type: .double) }
        out.append(Column(.int([Int64](repeating: Int64(m.trainRows), count: d))))
        out.append(Column(.int([Int64](repeating: Int64(m.holdoutRows), count: d))))
        out.append(Column.from([Value](repeating: finite(m.trainAUC), count: d), type: .double))
        out.append(Column.from([Value](repeating: finite(m.holdoutAUC), count: d), type: .double))
        return Table(schema: schema, columns: out, rowCount: d)
    }

    static func gainTable(_ m: Model, _ options: [String: Value]) throws(EngineError) -> Table {
        guard case .string(let yName)? = options["y"], case .int(let binCount)? = options["bins"],
              case .double(let holdout)? = options["holdout"]
        else { preconditionFailure("Logit.bind resolves every option") }
        // The rows judged: the holdout's with a known outcome (the fitted ones when holdout = 0),
        // highest probability first, ties in input order.
        let judged = (0..<m.scored.count).filter { m.outcome[$0] != nil && m.heldOut[$0] == (holdout > 0) }
        let order = judged.sorted { m.probability[$0] != m.probability[$1] ? m.probability[$0] > m.probability[$1] : $0 < $1 }
        let n = order.count
        guard n > 0 else {
            throw .data(.tableFunction(
                "logit_gain has no holdout rows with \(yName) known to rank; raise holdout (or give more rows)"))
        }
        let bins = min(Int(binCount), n)
        var total = 0
        for s in order where m.outcome[s]! { total += 1 }
        let overall = n > 0 ? Double(total) / Double(n) : 0
        var binNumbers: [Int64] = [], customers: [Int64] = [], events: [Int64] = []
        var rate: [Value] = [], mean: [Value] = [], depth: [Value] = [], gain: [Value] = []
        var lift: [Value] = [], cumulativeLift: [Value] = []
        var start = 0, cumulativeEvents = 0
        for b in 0..<bins {
            let size = n / bins + (b < n % bins ? 1 : 0)
            var e = 0, p = 0.0
            for s in order[start..<(start + size)] {
                if m.outcome[s]! { e += 1 }
                p += m.probability[s]
            }
            start += size
            cumulativeEvents += e
            binNumbers.append(Int64(b + 1))
            customers.append(Int64(size))
            events.append(Int64(e))
            let r = Double(e) / Double(size)
            rate.append(.double(r))
            mean.append(.double(p / Double(size)))
            let dep = Double(start) / Double(n)
            depth.append(.double(dep))
            let g: Double? = total > 0 ? Double(cumulativeEvents) / Double(total) : nil
            gain.append(finite(g))
            lift.append(total > 0 ? .double(r / overall) : .null)
            cumulativeLift.append(g.map { .double($0 / dep) } ?? .null)
        }
        let schema = Schema(
            [Field("bin", .int), Field("customers", .int), Field(yName, .int)]
                + ["rate", "mean_probability", "depth", "gain", "lift", "cumulative_lift"].map { Field($0, .double) })
        let columns = [Column(.int(binNumbers)), Column(.int(customers)), Column(.int(events))]
            + [rate, mean, depth, gain, lift, cumulativeLift].map { Column.from($0, type: .double) }
        return Table(schema: schema, columns: columns, rowCount: bins)
    }

    static func scoreTable(_ m: Model, _ input: Table, _ options: [String: Value]) -> Table {
        guard case .string(let keyName)? = options["key"] else { preconditionFailure("Logit.bind resolves key") }
        let keyIndex = input.schema.index(of: keyName)!
        let key = input.column(named: keyName)!.gather(m.scored)
        let schema = Schema([input.schema[keyIndex], Field("probability", .double), Field("in_holdout", .bool)])
        return Table(
            schema: schema, columns: [key, Column(.double(m.probability)), Column(.bool(m.heldOut))],
            rowCount: m.scored.count)
    }
}
