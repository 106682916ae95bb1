import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
import Foundation

/// `regress(table, y = outcome [+ outcome ...], x = predictor + predictor ... [, by = col [+ col]])`:
/// ordinary least squares of each outcome on the predictors, per group of `by`, with the
/// standardised (beta) coefficients that compare the predictors' weights (docs/language.md,
/// `help loyalty_model`). One row per group, outcome and term.
enum Regress {
    static let intercept = "(intercept)"
    /// Separates the names of a list option in the resolved options.
    static let separator: Character = "\u{1F}"

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "regress",
            usage: "regress(table, y = outcome [+ outcome ...], x = predictor [+ predictor ...] [, by = column [+ column ...]])",
            summary: "linear regression (least squares): coefficients, standardised coefficients, standard errors, t, p and R² per outcome and group",
            example: "regress(customers, y = recommend, x = trust + perceived_value + satisfaction + switching_cost, by = lifecycle_stage)",
            options: ["y", "x", "by"],
            bind: bind),
        details: """
            Columns: the by columns, outcome, term, coefficient, std_coefficient, std_error, t, p, r2, adj_r2, n.
            One row per group, outcome and term; each outcome's first row is its (intercept).
            coefficient: change in the outcome per unit of the predictor, the others held fixed.
            std_coefficient (beta): the same in standard deviations of both (outcome and predictor
            standardised by their sample standard deviations): comparable across predictors.
            std_error, t = coefficient / std_error, p: two-sided, Student t with n - k - 1 degrees of freedom.
            r2: share of the outcome's variance explained; adj_r2 = 1 - (1 - r2)(n - 1)/(n - k - 1); n: rows used.
            A row with a null in the outcome or any predictor is left out of that outcome's fit (listwise);
            a group with no more rows than predictors + 1 gets null statistics.
            A constant predictor, or one that is a combination of the others, is an error naming it.
            """,
        run: run)

    static let statistics = ["coefficient", "std_coefficient", "std_error", "t", "p", "r2", "adj_r2"]

    @Sendable static func bind(_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    {
        var resolved: [String: Value] = [:]
        var fields: [Field] = []
        for (option, required, numeric) in [("y", true, true), ("x", true, true), ("by", false, false)] {
            let names: [String]
            switch options[option] {
            case nil:
                if required {
                    return .failure(TableFunctionProblem(
                        "regress needs \(option) = \(option == "y" ? "the outcome column" : "the predictor columns, joined with '+'")",
                        notes: ["e.g. \(function.signature.example)"]))
                }
                continue
            case .value?:
                return .failure(TableFunctionProblem(
                    "regress's option \(option) takes column names joined with '+', e.g. \(option) = "
                        + (option == "by" ? "lifecycle_stage" : option == "y" ? "recommend" : "trust + satisfaction"),
                    option: option))
            case .name(let n)?: names = [n]
            case .names(let ns)?: names = ns
            }
            for name in names {
                guard let i = input.index(of: name) else {
                    return .failure(TableFunctionProblem(
                        "regress's input has no column '\(name)' (in \(option) =)", option: option,
                        notes: [Suggestions.note(for: name, among: input.names, kind: "column")]))
                }
                if numeric, ![.int, .double, .bool, .null].contains(input[i].type) {
                    return .failure(TableFunctionProblem(
                        "regress's \(option) column '\(name)' is \(input[i].type), not a number", option: option))
                }
                if names.filter({ $0 == name }).count > 1 {
                    return .failure(TableFunctionProblem(
                        "regress's \(option) names '\(name)' twice", option: option))
                }
            }
            if option == "x", let y = options["y"] {
                let outcomes: [String] = if case .name(let n) = y { [n] } else if case .names(let ns) = y { ns } else { [] }
                if let both = names.first(where: outcomes.contains) {
                    return .failure(TableFunctionProblem(
                        "regress's column '\(both)' is both an outcome (y) and a predictor (x)", option: option))
                }
            }
            if option == "by" {
                fields = names.map { input[input.index(of: $0)!] }
            }
            resolved[option] = .string(String(names.joined(separator: String(separator))))
        }
        fields += [Field("outcome", .string), Field("term", .string)]
        fields += statistics.map { Field($0, .double) } + [Field("n", .int)]
        if let clash = Set(fields.map(\.name)).count == fields.count ? nil : fields.first(where: { f in
            fields.filter { $0.name == f.name }.count > 1
        }) {
            return .failure(TableFunctionProblem(
                "regress's by column '\(clash.name)' has the name of an output column; rename it first with extend",
                option: "by"))
        }
        return .success((resolved, Schema(fields)))
    }

    static func names(_ options: [String: Value], _ option: String) -> [String] {
        guard case .string(let s)? = options[option], !s.isEmpty else { return [] }
        return s.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        let outcomes = names(options, "y"), predictors = names(options, "x"), by = names(options, "by")
        let n = input.rowCount
        let byColumns = by.map { input.column(named: $0)! }
        let groups = try Groups(byColumns, rowCount: n, cancellation: cancellation)
        let x = predictors.map { Numbers(input.column(named: $0)!) }
        let allPredictorsValid: [Bool]? = Numbers.bothValid(x.map(\.valid), n)

        var firstRows: [Int] = []
        var outcomeText: [Value] = [], termText: [Value] = []
        var stats = [[Value]](repeating: [], count: statistics.count)
        var counts: [Value] = []
        for (g, rows) in groups.rows.enumerated() {
            for name in outcomes {
                try cancellation.check()
                let y = Numbers(input.column(named: name)!)
                let valid = Numbers.bothValid([allPredictorsValid, y.valid], n)
                let used = valid.map { v in rows.filter { v[$0] } } ?? rows
                let fit = try fitOne(y: y, x: x, rows: used, outcome: name, predictors: predictors,
                                     group: groups.describe(g, by: by, columns: byColumns))
                for (t, term) in ([intercept] + predictors).enumerated() {
                    firstRows.append(groups.first[g])
                    outcomeText.append(.string(name))
                    termText.append(.string(term))
                    for s in 0..<statistics.count { stats[s].append(fit.row(t, s)) }
                    counts.append(.int(Int64(used.count)))
                }
            }
        }
        var columns = byColumns.map { $0.gather(firstRows) }
        columns.append(Column.from(outcomeText, type: .string))
        columns.append(Column.from(termText, type: .string))
        for s in stats { columns.append(Column.from(s, type: .double)) }
        columns.append(Column.from(counts, type: .int))
        var fields = by.map { input.schema[input.schema.index(of: $0)!] }
        fields += [Field("outcome", .string), Field("term", .string)]
        fields += statistics.map { Field($0, .double) } + [Field("n", .int)]
        return Table(schema: Schema(fields), columns: columns, rowCount: firstRows.count)
    }

    /// One least-squares fit: the outcome and predictors standardised over `rows` (mean 0,
    /// sample standard deviation 1), solved by QR, and the results scaled back.
    static func fitOne(
        y: Numbers, x: [Numbers], rows: [Int], outcome: String, predictors: [String], group: String
    ) throws(EngineError) -> Fit {
        let k = x.count, n = rows.count
        let within = group.isEmpty ? "" : " in \(group)"
        // Too few rows to estimate (a small group): the rows are there, with n, and null statistics.
        guard n > k + 1 else { return Fit(k: k, empty: true) }
        let (zy, meanY, sdY) = standardised(y.values, rows)
        guard sdY > 0 else {
            throw .data(.tableFunction("regress's outcome '\(outcome)' is constant\(within): there is nothing to explain"))
        }
        var z: [[Double]] = [], means: [Double] = [], sds: [Double] = []
        for (j, column) in x.enumerated() {
            let (zj, m, s) = standardised(column.values, rows)
            guard s > 0 else {
                throw .data(.tableFunction(
                    "regress's predictor '\(predictors[j])' is constant\(within), so its weight cannot be told apart from the intercept"))
            }
            z.append(zj); means.append(m); sds.append(s)
        }
        let ls: LeastSquares
        do { ls = try LeastSquares.solve(columns: z, y: zy) } catch {
            throw .data(.tableFunction(
                "regress's predictor '\(predictors[error.column])' is a linear combination of the predictors before it\(within) (collinear): leave one of them out"))
        }
        let df = Double(n - k - 1)
        var tss = 0.0
        for v in zy { tss += v * v }
        let r2 = 1 - ls.residualSumOfSquares / tss
        // Residual variance on the outcome's own scale.
        let s2 = ls.residualSumOfSquares * sdY * sdY / df
        var fit = Fit(k: k)
        fit.r2 = r2
        fit.adjR2 = 1 - (1 - r2) * Double(n - 1) / df
        var interceptValue = meanY
        // (X_cᵀX_c)⁻¹ = D⁻¹ (ZᵀZ)⁻¹ D⁻¹ with D the predictors' standard deviations.
        var interceptVariance = s2 / Double(n)
        for j in 0..<k {
            let b = ls.coefficients[j] * sdY / sds[j]
            let se = (s2 * ls.inverseGram[j * k + j]).squareRoot() / sds[j]
            fit.coefficient[j + 1] = b
            fit.standardised[j + 1] = ls.coefficients[j]
            fit.standardError[j + 1] = se
            interceptValue -= b * means[j]
            for q in 0..<k {
                interceptVariance += s2 * means[j] * means[q] * ls.inverseGram[j * k + q] / (sds[j] * sds[q])
            }
        }
        fit.coefficient[0] = interceptValue
        fit.standardError[0] = interceptVariance.squareRoot()
        for t in 0...k {
            let tv = fit.coefficient[t] / fit.standardError[t]
            fit.t[t] = tv
            fit.p[t] = StudentT.twoSidedP(tv, df: df)
        }
        return fit
    }

    /// The values at `rows` as z-scores, with their mean and sample standard deviation (two passes).
    static func standardised(_ v: [Double], _ rows: [Int]) -> (z: [Double], mean: Double, sd: Double) {
        var sum = 0.0
        for r in rows { sum += v[r] }
        let mean = sum / Double(rows.count)
        var ss = 0.0
        for r in rows { ss += (v[r] - mean) * (v[r] - mean) }
        let sd = (ss / Double(rows.count - 1)).squareRoot()
        guard sd > 0 else { return ([], mean, 0) }
        return (rows.map { (v[$0] - mean) / sd }, mean, sd)
    }

    /// The results of one fit, by term (0 the intercept, then the predictors).
    struct Fit {
        var coefficient: [Double], standardised: [Double?], standardError: [Double], t: [Double], p: [Double]
        var r2 = 0.0, adjR2 = 0.0
        /// Too few rows: every statistic is null.
        var empty = false
        init(k: Int, empty: Bool = false) {
            self.empty = empty
            coefficient = [Double](repeating: 0, count: k + 1)
            standardised = [Double?](repeating: nil, count: k + 1)
            standardError = coefficient
            t = coefficient
            p = coefficient
        }

        /// The value of statistic `s` (in `Regress.statistics` order) for term `t`.
        func row(_ t: Int, _ s: Int) -> Value {
            if empty { return .null }
            let v: Double? = switch s {
            case 0: coefficient[t]
            case 1: standardised[t]
            case 2: standardError[t]
            case 3: self.t[t]
            case 4: p[t]
            case 5: r2
            default: adjR2
            }
            guard let v, v.isFinite else { return .null }
            return .double(v)
        }
    }

    /// A numeric column as doubles (true is 1), with its validity.
    struct Numbers {
        var values: [Double]
        var valid: [Bool]?
        init(_ c: Column) {
            let n = c.count
            switch c.values {
            case .int(let a): values = a.map(Double.init)
            case .double(let a): values = a
            case .bool(let a): values = a.map { $0 ? 1 : 0 }
            default: values = [Double](repeating: 0, count: n)
            }
            if c.isNullType { valid = [Bool](repeating: false, count: n) } else { valid = c.validity }
        }

        /// Rows valid in all of `masks` (nil: every row).
        static func bothValid(_ masks: [[Bool]?], _ n: Int) -> [Bool]? {
            let present = masks.compactMap { $0 }
            guard var out = present.first else { return nil }
            for m in present.dropFirst() { for i in 0..<n where !m[i] { out[i] = false } }
            return out
        }
    }

    /// The rows of each group of the `by` columns, groups in the order of their values
    /// (a category by level, nulls last); one group of all rows without `by`.
    struct Groups {
        var rows: [[Int]]
        var first: [Int]

        init(_ columns: [Column], rowCount n: Int, cancellation: CancellationFlag) throws(EngineError) {
            guard !columns.isEmpty else {
                rows = [Array(0..<n)]
                first = [0]
                return
            }
            // Each row's group as a dense id: per column a local id (a string's code, other
            // values numbered as met; null its own id), combined column by column.
            var ids = [Int](repeating: 0, count: n)
            var count = 1
            for c in columns {
                try cancellation.check()
                let (local, m) = Groups.localIds(c)
                var combined: [Int: Int] = [:]
                for i in 0..<n {
                    let key = ids[i] * m + local[i]
                    if let g = combined[key] {
                        ids[i] = g
                    } else {
                        ids[i] = combined.count
                        combined[key] = ids[i]
                    }
                }
                count = combined.count
            }
            var members = [[Int]](repeating: [], count: count)
            for i in 0..<n { members[ids[i]].append(i) }
            let ranks = columns.map(Groups.ranks)
            let order = (0..<count).sorted { a, b in
                for rank in ranks {
                    let ra = rank(members[a][0]), rb = rank(members[b][0])
                    if ra != rb { return Groups.less(ra, rb) }
                }
                return false
            }
            rows = order.map { members[$0] }
            first = rows.map { $0[0] }
        }

        /// Each row's id among the column's distinct values (0 ..< m), null included.
        static func localIds(_ c: Column) -> (ids: [Int], m: Int) {
            let n = c.count
            if case .string(let codes, let d) = c.values {
                let m = d.count
                return ((0..<n).map { c.isNull($0) ? m : Int(codes[$0]) }, m + 1)
            }
            var seen: [Value: Int] = [:]
            let ids = (0..<n).map { i in
                let v = c.isNull(i) ? Value.null : c.value(at: i)
                if let id = seen[v] { return id }
                seen[v] = seen.count
                return seen.count - 1
            }
            return (ids, max(seen.count, 1))
        }

        /// A sortable key of row i of a column: nil for null (sorted last).
        static func ranks(_ c: Column) -> (Int) -> Value? {
            switch c.values {
            case .string(let codes, let d):
                let order: [Int32: Int]
                if d.isLevels {
                    return { i in c.isNull(i) ? nil : .int(Int64(codes[i])) }
                }
                let sorted = (0..<d.count).sorted { d.values[$0] < d.values[$1] }
                order = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { (Int32($0.element), $0.offset) })
                return { i in c.isNull(i) ? nil : .int(Int64(order[codes[i]]!)) }
            default:
                return { i in c.isNull(i) ? nil : c.value(at: i) }
            }
        }

        static func less(_ a: Value?, _ b: Value?) -> Bool {
            switch (a, b) {
            case (nil, _): return false
            case (_, nil): return true
            case (.int(let x)?, .int(let y)?): return x < y
            case (.double(let x)?, .double(let y)?): return x < y
            case (.date(let x)?, .date(let y)?): return x < y
            case (.bool(let x)?, .bool(let y)?): return !x && y
            case (.string(let x)?, .string(let y)?): return x < y
            default: return false
            }
        }

        /// "lifecycle_stage = development", for messages.
        func describe(_ g: Int, by: [String], columns: [Column]) -> String {
            zip(by, columns).map { name, c in "\(name) = \(c.isNull(first[g]) ? "null" : c.value(at: first[g]).exactText)" }
                .joined(separator: ", ")
        }
    }
}
