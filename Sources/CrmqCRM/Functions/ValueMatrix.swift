import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// `value_matrix(customers)`: each customer's cell in the current-value × potential-value
/// matrix (docs/crm.md "The value matrix"). The split of value into what a customer is worth
/// now and what they could still be worth follows Peppers & Rogers' actual versus strategic
/// value; the cell names are crmq's own.
enum ValueMatrix {
    /// The four cells, in the order of the category's levels.
    static let cells = ["invest", "retain", "develop", "maintain"]
    static let category = CategoryType(cells)

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "value_matrix",
            usage: "value_matrix(customers [, key = col, current = col, potential = col, split = \"median\" | \"mean\", current_cut = x, potential_cut = x])",
            summary: "each customer's quadrant of current value against potential value: invest, retain, develop, maintain",
            example: "value_matrix(customers) | count by quadrant",
            options: ["key", "current", "potential", "split", "current_cut", "potential_cut"],
            bind: bind),
        details: """
            One row per input row with both values present: the key (key = col, else customer_id), \
            current_value, potential_value and quadrant. Current value is what the customer brings now \
            (current = col; default spend_12m, the last 12 months' spend); potential value is what they could \
            still bring (potential = col; default the share of wallet not yet won, category_spend - spend_12m). \
            Each axis is split at its median (split = "mean" for the mean, or current_cut = x and \
            potential_cut = y for fixed thresholds); a value above the cut is high.

            The quadrants (names are crmq's own):

              invest    high current, high potential: worth most now and with room to grow; develop and protect
              retain    high current, low potential: most of their wallet is already ours; keep them
              develop   low current, high potential: spend elsewhere we could win (cross-sell, up-sell)
              maintain  low current, low potential: serve them at low cost

            The model: a value-based segmentation ('help segmentation') in two dimensions, what a customer \
            is worth now and what they could still be worth. The CRM course material asks for value-based \
            segmentation and for growing the customer share ('help customer_share'), but has no value \
            matrix of its own; the split into current and potential (strategic) value follows Peppers and \
            Rogers (Enterprise One to One, 1997), and the quadrant names are crmq's own. Read the quadrants \
            as where to spend: develop holds the spend still to win (cross-sell and up-sell, 'help \
            customer_development'), retain and invest the value to protect. Join it back to the customers \
            by customer_id to compare churn, satisfaction or clv between quadrants.
            """,
        run: run)

    @Sendable static func bind(_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    {
        var resolved: [String: Value] = [:]
        func column(_ option: String, default name: String?, meaning: String, numeric: Bool)
            -> Result<String?, TableFunctionProblem>
        {
            switch options[option] {
            case .value?, .names?:
                return .failure(TableFunctionProblem(
                    "value_matrix's option \(option) takes one column name (\(meaning))", option: option))
            case .name(let n)?:
                guard let i = input.index(of: n) else {
                    return .failure(TableFunctionProblem(
                        "value_matrix's input has no column '\(n)' (\(option) = names the column of \(meaning))",
                        option: option, notes: [Suggestions.note(for: n, among: input.names, kind: "column")]))
                }
                if numeric && input[i].type != .int && input[i].type != .double {
                    return .failure(TableFunctionProblem(
                        "value_matrix's \(option) column '\(n)' is \(input[i].type); it must be int or double",
                        option: option))
                }
                return .success(n)
            case nil:
                guard let name else { return .success(nil) }
                guard let i = input.index(of: name) else {
                    return .failure(TableFunctionProblem(
                        "value_matrix needs a \(option) column (\(meaning)): none is called '\(name)'; "
                            + "name yours with \(option) = your_column"))
                }
                if numeric && input[i].type != .int && input[i].type != .double {
                    return .failure(TableFunctionProblem(
                        "value_matrix's \(option) column '\(name)' is \(input[i].type); it must be int or double"))
                }
                return .success(name)
            }
        }
        let key: String, current: String
        switch column("key", default: "customer_id", meaning: "the customer", numeric: false) {
        case .success(let k): key = k!
        case .failure(let p): return .failure(p)
        }
        switch column("current", default: "spend_12m", meaning: "current value", numeric: true) {
        case .success(let c): current = c!
        case .failure(let p): return .failure(p)
        }
        resolved["key"] = .string(key)
        resolved["current"] = .string(current)
        switch column("potential", default: nil, meaning: "potential value", numeric: true) {
        case .success(let p?): resolved["potential"] = .string(p)
        case .success(nil):
            for needed in ["category_spend", "spend_12m"] {
                guard let i = input.index(of: needed), input[i].type == .int || input[i].type == .double else {
                    return .failure(TableFunctionProblem(
                        "value_matrix's default potential value is category_spend - spend_12m, and its input has "
                            + "no number column '\(needed)'; name a column with potential = your_column"))
                }
            }
            resolved["potential"] = .null
        case .failure(let p): return .failure(p)
        }
        switch options["split"] {
        case nil, .value(.string("median"))?: resolved["split"] = .string("median")
        case .value(.string("mean"))?: resolved["split"] = .string("mean")
        default:
            return .failure(TableFunctionProblem(
                "value_matrix's split is \"median\" or \"mean\" (or give current_cut = x and potential_cut = y)",
                option: "split"))
        }
        for cut in ["current_cut", "potential_cut"] {
            switch options[cut] {
            case nil: resolved[cut] = .null
            case .value(.int(let v))?: resolved[cut] = .double(Double(v))
            case .value(.double(let v))? where v.isFinite: resolved[cut] = .double(v)
            default:
                return .failure(TableFunctionProblem("value_matrix's \(cut) takes a number", option: cut))
            }
        }
        for name in ["current_value", "potential_value", "quadrant"] where key == name {
            return .failure(TableFunctionProblem(
                "value_matrix's key column cannot be called '\(name)', a name of its output; rename it first",
                option: options["key"] == nil ? nil : "key"))
        }
        let keyType = input[input.index(of: key)!].type
        return .success((resolved, schema(key: key, keyType: keyType)))
    }

    static func schema(key: String, keyType: DataType) -> Schema {
        Schema([
            Field(key, keyType), Field("current_value", .double), Field("potential_value", .double),
            Field("quadrant", .category(category)),
        ])
    }

    static func numbers(_ c: Column) -> [Double] {
        switch c.values {
        case .double(let a): a
        case .int(let a): a.map(Double.init)
        default: [Double](repeating: 0, count: c.count)
        }
    }

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        guard case .string(let key)? = options["key"], case .string(let currentName)? = options["current"] else {
            preconditionFailure("ValueMatrix.bind resolves key and current")
        }
        let currentColumn = input.column(named: currentName)!
        let current = numbers(currentColumn)
        var nulls: [Column] = [currentColumn]
        var potential: [Double]
        if case .string(let name)? = options["potential"] {
            let c = input.column(named: name)!
            nulls.append(c)
            potential = numbers(c)
        } else {
            let wallet = input.column(named: "category_spend")!, ours = input.column(named: "spend_12m")!
            nulls += [wallet, ours]
            let w = numbers(wallet), o = numbers(ours)
            potential = (0..<input.rowCount).map { max(0, w[$0] - o[$0]) }
        }
        var rows: [Int] = []
        for i in 0..<input.rowCount where !nulls.contains(where: { $0.isNull(i) }) { rows.append(i) }
        try cancellation.check()
        let cv = rows.map { current[$0] }, pv = rows.map { potential[$0] }
        let mean = options["split"] == .string("mean")
        func cut(_ option: String, _ values: [Double]) -> Double {
            if case .double(let v)? = options[option] { return v }
            guard !values.isEmpty else { return 0 }
            if mean { return values.reduce(0, +) / Double(values.count) }
            let sorted = values.sorted()
            let m = sorted.count
            return m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2
        }
        let cc = cut("current_cut", cv), pc = cut("potential_cut", pv)
        let codes: [Int32] = zip(cv, pv).map { c, p in
            switch (c > cc, p > pc) {
            case (true, true): 0
            case (true, false): 1
            case (false, true): 2
            case (false, false): 3
            }
        }
        let keyColumn = input.column(named: key)!.gather(rows)
        return Table(
            schema: schema(key: key, keyType: keyColumn.type),
            columns: [
                keyColumn, Column(.double(cv)), Column(.double(pv)),
                Column(.string(codes: codes, dictionary: .levels(of: category))),
            ],
            rowCount: rows.count)
    }
}
