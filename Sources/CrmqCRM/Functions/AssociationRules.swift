import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// `rules(transactions [, basket = order_id, item = category, min_support = 0.01,
/// min_confidence = 0.2, min_lift = 1, max_items = 2])`: association rules over baskets
/// (market-basket analysis; docs/crm.md "Cross-sell", `help basket_analysis`). One row per
/// rule A → B: the items of A (one, or two with max_items = 3), the item B, and the rule's
/// support, confidence, lift and basket count.
enum AssociationRules {
    static let defaultMinSupport = 0.01
    static let defaultMinConfidence = 0.2
    static let defaultMinLift = 1.0
    static let defaultMaxItems: Int64 = 2
    /// Joins the items of an antecedent of two items, in name order: "Apparel + Home".
    static let itemSeparator = " + "

    static let outputSchema = Schema([
        Field("antecedent", .string), Field("consequent", .string), Field("support", .double),
        Field("confidence", .double), Field("lift", .double), Field("baskets", .int),
    ])

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "rules",
            usage: "rules(table [, basket = col, item = col, min_support = 0.01, min_confidence = 0.2, min_lift = 1, max_items = 2])",
            summary: "association rules A → B over baskets (cross-sell): support, confidence, lift and baskets per rule",
            example: "rules(transactions, basket = order_id, item = category)",
            options: ["basket", "item", "min_support", "min_confidence", "min_lift", "max_items"],
            bind: bind),
        details: """
            Columns: antecedent (A: one item, or two joined by ' + ' in name order), consequent (B), \
            support, confidence, lift, baskets. One row per rule A → B whose items are bought together \
            often enough (support >= min_support), that holds often enough (confidence >= min_confidence) \
            and that beats chance by enough (lift >= min_lift); sorted by lift, highest first, then by \
            confidence, support, antecedent and consequent.

            A basket is the set of distinct items of the rows sharing a basket value (basket = col, default \
            order_id); an item is a value of item = col (default category; int or string). Rows with a null \
            basket or item are left out; an item twice in one basket counts once.

            With N baskets, and n(X) the baskets holding every item of X: support = n(A and B) / N \
            (baskets is n(A and B)); confidence = n(A and B) / n(A); lift = confidence / (n(B) / N), \
            which is 1 when A and B are bought independently.

            min_support (default 0.01) must be above 0 and at most 1; min_confidence (default 0.2) 0 to 1; \
            min_lift (default 1) 0 or more; max_items (default 2) is the largest itemset: 2 for rules \
            A → B between two items, 3 also for rules of two items to a third. Itemsets are found by \
            Apriori: an itemset is counted only when each of its items (and, for three, each pair of them) \
            reaches min_support. 'help basket_analysis' says how to read the rules.
            """,
        run: run)

    // MARK: - Binding

    @Sendable static func bind(_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    {
        var resolved: [String: Value] = [:]
        for (option, defaultName, meaning) in [
            ("basket", "order_id", "the column saying which basket, or order, each row belongs to"),
            ("item", "category", "the column of the items bought"),
        ] {
            let name: String
            switch options[option] {
            case .value?, .names?:
                return .failure(TableFunctionProblem(
                    "rules's option \(option) takes a column name, e.g. \(option) = \(defaultName)", option: option))
            case .name(let n)?:
                guard input.index(of: n) != nil else {
                    return .failure(TableFunctionProblem(
                        "rules's input has no column '\(n)' (\(option) = names \(meaning))", option: option,
                        notes: [Suggestions.note(for: n, among: input.names, kind: "column")]))
                }
                name = n
            case nil:
                guard input.index(of: defaultName) != nil else {
                    return .failure(TableFunctionProblem(
                        "rules needs a \(option) column (\(meaning)): none is called '\(defaultName)'; "
                            + "name yours with \(option) = your_column",
                        notes: [Suggestions.note(for: defaultName, among: input.names, kind: "column")]))
                }
                name = defaultName
            }
            let type = input[input.index(of: name)!].type
            switch type {
            case .int, .string, .category, .null: break
            default:
                return .failure(TableFunctionProblem(
                    "rules's \(option) column '\(name)' is \(type); it must be int or string",
                    option: options[option] == nil ? nil : option))
            }
            resolved[option] = .string(name)
        }
        if resolved["basket"] == resolved["item"] {
            return .failure(TableFunctionProblem(
                "rules's basket and item are the same column; a basket holds items of another column",
                option: options["item"] == nil ? "basket" : "item"))
        }

        func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }
        func number(_ option: String) -> Double? {
            switch options[option] {
            case .value(.int(let v))?: Double(v)
            case .value(.double(let v))? where v.isFinite: v
            default: nil
            }
        }
        let thresholds: [(String, Double, String, (Double) -> Bool, String)] = [
            ("min_support", defaultMinSupport, "above 0 and at most 1", { $0 > 0 && $0 <= 1 },
             "the least share of baskets holding a rule's items"),
            ("min_confidence", defaultMinConfidence, "0 to 1", { $0 >= 0 && $0 <= 1 },
             "the least share of A's baskets that also hold B"),
            ("min_lift", defaultMinLift, "0 or more", { $0 >= 0 }, "the least lift"),
        ]
        for (option, value, range, valid, meaning) in thresholds {
            guard options[option] != nil else {
                resolved[option] = .double(value)
                continue
            }
            guard let v = number(option) else {
                return .failure(TableFunctionProblem(
                    "rules's \(option) takes a number (\(meaning)), e.g. \(option) = \(text(value))",
                    option: option))
            }
            guard valid(v) else {
                return .failure(TableFunctionProblem(
                    "rules's \(option) must be \(range) (\(meaning)); it is \(text(v))",
                    option: option))
            }
            resolved[option] = .double(v)
        }
        switch options["max_items"] {
        case nil: resolved["max_items"] = .int(defaultMaxItems)
        case .value(.int(let v))? where v == 2 || v == 3: resolved["max_items"] = .int(v)
        default:
            return .failure(TableFunctionProblem(
                "rules's max_items is 2 (rules between two items) or 3 (also two items to a third)",
                option: "max_items"))
        }
        return .success((resolved, outputSchema))
    }

    // MARK: - Running

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], _ settings: [String: Value], _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        guard case .string(let basketName)? = options["basket"], case .string(let itemName)? = options["item"],
              case .double(let minSupport)? = options["min_support"],
              case .double(let minConfidence)? = options["min_confidence"],
              case .double(let minLift)? = options["min_lift"], case .int(let maxItems)? = options["max_items"]
        else { preconditionFailure("AssociationRules.bind resolves every option") }
        let basketColumn = input.column(named: basketName) ?? Column(.null(count: input.rowCount))
        let itemColumn = input.column(named: itemName) ?? Column(.null(count: input.rowCount))

        let baskets = try BasketSet(basket: basketColumn, item: itemColumn, cancellation: cancellation)
        if baskets.count == 0 {
            throw .data(.tableFunction(
                "rules has no baskets: every row has a null in '\(basketName)' or '\(itemName)'"
                    + (input.rowCount == 0 ? " (the input is empty)" : "")))
        }
        let mined = try AprioriMiner(
            baskets, minSupport: minSupport, maxItems: Int(maxItems), cancellation: cancellation)
        var rules = mined.rules(minConfidence: minConfidence, minLift: minLift)
        let names = baskets.itemNames
        // Antecedent text: its items in name order.
        func text(_ items: [Int32]) -> String {
            items.map { names[Int($0)] }.sorted().joined(separator: itemSeparator)
        }
        var antecedents = rules.map { text($0.antecedent) }
        let order = rules.indices.sorted { a, b in
            let x = rules[a], y = rules[b]
            if x.lift != y.lift { return x.lift > y.lift }
            if x.confidence != y.confidence { return x.confidence > y.confidence }
            if x.count != y.count { return x.count > y.count }
            if antecedents[a] != antecedents[b] { return antecedents[a] < antecedents[b] }
            return names[Int(x.consequent)] < names[Int(y.consequent)]
        }
        rules = order.map { rules[$0] }
        antecedents = order.map { antecedents[$0] }
        let n = Double(baskets.count)
        return Table(
            schema: outputSchema,
            columns: [
                stringColumn(antecedents),
                stringColumn(rules.map { names[Int($0.consequent)] }),
                Column(.double(rules.map { Double($0.count) / n })),
                Column(.double(rules.map(\.confidence))),
                Column(.double(rules.map(\.lift))),
                Column(.int(rules.map { Int64($0.count) })),
            ],
            rowCount: rules.count)
    }

    static func stringColumn(_ strings: [String]) -> Column {
        var builder = StringDictionaryBuilder()
        let codes = strings.map { builder.code(for: $0) }
        return Column(.string(codes: codes, dictionary: builder.build()))
    }
}
