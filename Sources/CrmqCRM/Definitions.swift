import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
import CrmqSemantics
import CrmqEngine

/// The one definition of what a query sees as `customers`: the stored table as of the as-of
/// date, with the computed columns it reads, written in crmq over the stored tables. Settings
/// appear by name (`asof`, `margin`, ...) and are frozen into the plan as literals when the
/// definition is checked. `help <column>` shows these texts; `explain` shows the plan made from
/// them; the in-memory engine computes the same rows with its fast passes (PurchasePass,
/// MeasureCache), and a test holds the two equal.
public enum CustomerDefinitions {
    /// Each computed column: its expression over a row of `customers` as of asof joined to
    /// the helper columns of `fragments` (names starting with `_`), and what it reads: other
    /// computed columns, helpers and fragments (in the order they must be computed).
    public static let columns: [(name: String, expression: String, reads: [String])] = [
        ("recency", "days_between(_last, asof)", ["purchases"]),
        ("frequency", "coalesce(_n, 0)", ["purchases"]),
        ("monetary", "coalesce(_revenue, 0.0)", ["purchases"]),
        ("spend_12m", "coalesce(_revenue_12m, 0.0)", ["purchases"]),
        ("share_of_wallet", "if(category_spend > 0, spend_12m / category_spend, null)", ["spend_12m"]),
        ("tenure_days", "if(signup_date <= asof, days_between(signup_date, asof), null)", []),
        ("lifecycle_stage", """
            ordered(if(_churned, "lost", if(coalesce(recency, tenure_days) is null, null, \
            if(coalesce(recency, tenure_days) > decline_days, "decline", \
            if(coalesce(tenure_days < identification_days, false) or frequency <= 1, "identification", \
            if(coalesce(tenure_days >= stability_days, false) and _n_12m >= stability_purchases, "stability", \
            "development"))))), "identification", "development", "stability", "decline", "lost")
            """, ["_churned", "recency", "tenure_days", "frequency"]),
        ("loyalty_stage", """
            ordered(if(repurchase_intent is null and satisfaction is null and trust is null, null, \
            if(coalesce(repurchase_intent >= conative_intent, false), \
            if(not _churned and _n_12m >= action_purchases, "action", "conative"), \
            if(coalesce(satisfaction >= affective_satisfaction, false) or coalesce(trust >= affective_trust, false), \
            "affective", "cognitive"))), "cognitive", "affective", "conative", "action")
            """, ["_churned", "purchases"]),
        ("nps_group", """
            ordered(if(recommend >= 0 and recommend <= 10, if(recommend >= 9, "promoter", \
            if(recommend >= 7, "passive", "detractor")), null), "detractor", "passive", "promoter")
            """, []),
        ("clv", """
            margin * spend_12m * _r_customer / (1 + discount_rate - _r_customer)
            """, ["spend_12m", "_r_customer"]),
        ("clp", """
            if(tenure_days is null, null, \
            margin * monetary - cost_per_contact * coalesce(_contacts, 0) - marketing_cost * tenure_days / 365)
            """, ["monetary", "tenure_days", "contacts"]),
        ("satisfaction_gap", "perceived_quality - expectation", []),
        ("model_clv", "_model_clv", ["model"]),
    ]

    /// Helper columns (computed like the columns, but not shown).
    static let helpers: [(name: String, expression: String, reads: [String])] = [
        // clv's r for one customer: 0 once churned, else the yearly retention rate; null
        // when the rate has no base (clv is then null for everyone).
        ("_r_customer", "if(1 + discount_rate - if(_churned and _r is not null, 0.0, _r) > 0, "
            + "if(_churned and _r is not null, 0.0, _r), null)", ["_churned", "retention"]),
    ]

    /// The purchases before asof of each customer id, joined to `customers` (left join on
    /// customer_id; a customer without purchases gets nulls).
    public static let purchases = """
        transactions | where date < asof
          | summarize _n = count(), _last = max(date), _revenue = sum(amount * 1.0),
              _n_12m = count(if(date >= add_days(asof, -365), 1, null)),
              _revenue_12m = sum(if(date >= add_days(asof, -365), amount * 1.0, 0.0)) by customer_id
        """

    /// The service contacts before asof of each customer id (clp).
    public static let contacts = "interactions | where date < asof | summarize _contacts = count() by customer_id"

    /// clv's yearly retention rate r as one row: the CRM aggregate retention_rate(months = 12)
    /// over `customers` as of asof (`CUSTOMERS`), so clv and a query asking for the yearly
    /// rate read one definition (CRM.aggregates).
    public static let retention = "CUSTOMERS | summarize _r = retention_rate(months = 12)"

    /// model_clv of each customer id: the table function clv_model over the transactions as of
    /// asof (ASOF: `, asof = date("...")` when asof is known, else nothing: the function's own
    /// default is the same day after the last transaction), in weeks over clv_months months; no
    /// rows when the models cannot be fitted.
    public static let model = """
        clv_model(transactions, period = "week", months = clv_months ASOF, on_error = "empty")
          | select customer_id, _model_clv = model_clv
        """

    /// The definition as crmq source for `customers` with the stored schema `stored`, the
    /// computed columns `needed` (and what they read), and the tables `loaded` usable as inputs.
    static func source(stored: Schema, needed: [String], loaded: Set<String>, settings: [String: Value] = [:]) -> String {
        func has(_ name: String, _ type: DataType? = nil) -> Bool {
            guard let i = stored.index(of: name) else { return false }
            return type == nil || stored[i].type == type
        }
        // What must be computed, dependencies first.
        var order: [String] = []
        var fragments: Set<String> = []
        let all = columns + helpers
        func visit(_ name: String) {
            if ["purchases", "contacts", "retention", "model"].contains(name) { fragments.insert(name); return }
            guard !order.contains(name) else { return }
            if name == "_churned" { fragments.insert("_churned"); return }
            guard let c = all.first(where: { $0.name == name }) else { return }
            for r in c.reads { visit(r) }
            order.append(name)
        }
        for n in needed { visit(n) }
        if fragments.contains("retention") { fragments.insert("_churned") }

        var asOf = "customers"
        // Signed up by asof; a customer whose signup (or the as-of date: no transactions) is
        // unknown is there.
        if has("signup_date", .date) { asOf += " | where coalesce(signup_date <= asof, true)" }
        let churnedType = stored.index(of: "churned").map { stored[$0].type }
        if let type = churnedType, has("churn_date", .date) {
            // A churn dated on or after asof has not happened (a churned that is not a flag stays).
            if [.bool, .int, .double].contains(type) {
                let no = type == .bool ? "false" : type == .double ? "0.0" : "0"
                asOf += " | extend churned = if(churn_date >= asof and churned is not null, \(no), churned),"
            } else {
                asOf += " | extend"
            }
            asOf += " churn_date = if(churn_date >= asof, null, churn_date)"
        }
        if fragments.contains("_churned") {
            let churned = switch churnedType {
            case .bool?: "coalesce(churned, false)"
            case .int?: "coalesce(churned != 0, false)"
            case .double?: "coalesce(churned != 0.0, false)"
            default: "false"
            }
            asOf += " | extend _churned = \(churned)"
        }
        var text = asOf
        if fragments.contains("purchases") { text += "\n  | join (\(purchases)) on customer_id kind left" }
        if fragments.contains("contacts") {
            text += loaded.contains("interactions")
                ? "\n  | join (\(contacts)) on customer_id kind left" : "\n  | extend _contacts = 0"
        }
        if fragments.contains("model") {
            var asofOption = ""
            if case .date(let d)? = settings["asof"] { asofOption = ", asof = date(\"\(CivilDate(days: d).description)\")" }
            var months = "\(ProbabilisticCLV.defaultMonths)"
            if case .int(let m)? = settings["clv_months"] { months = "\(m)" }
            let model = Self.model.replacingOccurrences(of: " ASOF", with: asofOption)
                .replacingOccurrences(of: "clv_months", with: months)
            text += "\n  | join (\(model)) on customer_id kind left"
        }
        if fragments.contains("retention"), !numeric("churned", stored) {
            // clv is null without a usable churned (nullUnlessUsable); so is its r.
            text += "\n  | extend _r = if(false, 0.0, null)"
        } else if fragments.contains("retention") {
            // Without signup_date or churn_date, the period's conditions on them hold for
            // everyone: the columns stand in as null dates.
            var customers = asOf
            if !has("signup_date", .date) { customers += " | extend signup_date = if(false, asof, null)" }
            if !has("churn_date", .date) { customers += " | extend churn_date = if(false, asof, null)" }
            let base = retention.replacingOccurrences(of: "CUSTOMERS", with: customers)
            text += "\n  | extend _one = 1 | join (\(base) | extend _one = 1) on _one kind left"
        }
        for name in order {
            var expression = all.first { $0.name == name }!.expression
            if let null = nullUnlessUsable(name, stored) {
                expression = null
            } else if name == "loyalty_stage" {
                // An answer that is not a number counts as missing, as in the fast pass.
                for answer in ["repurchase_intent", "satisfaction", "trust"] where !numeric(answer, stored) {
                    expression = expression.replacingOccurrences(of: answer + " ", with: "if(false, 0, null) ")
                }
            }
            text += "\n  | extend \(name) = \(expression)"
        }
        return text
    }

    private static func numeric(_ name: String, _ stored: Schema) -> Bool {
        guard let i = stored.index(of: name) else { return false }
        return [.int, .double, .bool].contains(stored[i].type)
    }

    /// A null of the column's type when a column it is computed from has a type the rule
    /// cannot use (a signup_date read as text, a category_spend that is not a number): the
    /// column is null then, as the fast passes make it.
    private static func nullUnlessUsable(_ name: String, _ stored: Schema) -> String? {
        func type(_ c: String) -> DataType? { stored.index(of: c).map { stored[$0].type } }
        switch name {
        case "tenure_days" where type("signup_date") != .date: return "if(false, 0, null)"
        case "share_of_wallet" where !numeric("category_spend", stored): return "if(false, 0.0, null)"
        case "clv" where !numeric("churned", stored): return "if(false, 0.0, null)"
        case "satisfaction_gap" where type("perceived_quality") != .int || type("expectation") != .int:
            return "if(false, 0, null)"
        case "nps_group" where !numeric("recommend", stored):
            return #"ordered(if(false, "", null), "detractor", "passive", "promoter")"#
        default: return nil
        }
    }

    /// The definition of `customers` as a plan: the stored table as of asof with the
    /// computed columns in `schema` (stored columns, then every computed column, as the
    /// catalog gives `customers`); those not in `needed` are null placeholders, read by
    /// no node. `settings` are the values to freeze (asof resolved to a date or null).
    public static func plan(
        schema: Schema, stored: [String: Schema], needed: [String], settings: [String: Value]
    ) throws(DiagnosticList) -> Plan {
        let storedCustomers = stored[CRM.customersTable] ?? Schema([])
        let loaded = Set(stored.keys.filter { CRM.inputProblem($0, schema: stored[$0]!) == nil })
        let text = source(stored: storedCustomers, needed: needed, loaded: loaded, settings: settings)
        let file = SourceFile(name: "<definition of customers>", text: text)
        let (script, parseErrors) = Parser.parse(file)
        guard parseErrors.isEmpty, let statement = script.statements.first else { throw DiagnosticList(parseErrors) }
        let checked = try Checker(catalog: DefinitionCatalog(tables: stored, settings: settings), file: file)
            .check(statement)
        guard case .query(let body) = checked else { throw DiagnosticList([]) }
        // The columns in the order the query's `customers` has them.
        let exprs = schema.fields.map { f -> BoundExpr in
            if let i = body.schema.index(of: f.name), storedCustomers.index(of: f.name) != nil || needed.contains(f.name) {
                return BoundExpr(.column(i), type: body.schema[i].type, range: .at(0))
            }
            return BoundExpr(.literal(.null), type: f.type, range: .at(0))
        }
        return Plan(.project(body, exprs), schema: schema)
    }

    /// `help <column>`'s definition: the column's expression, then what it reads, each
    /// defined in turn, down to the stored tables; made from the texts the plans are made from.
    public static func helpText(_ name: String) -> String? {
        guard columns.contains(where: { $0.name == name }) else { return nil }
        var lines: [String] = []
        var fragments: [String] = []
        var seen: Set<String> = []
        func define(_ n: String) {
            guard !seen.contains(n) else { return }
            seen.insert(n)
            if let c = (columns + helpers).first(where: { $0.name == n }) {
                lines.append("  \(c.name) = \(c.expression)")
                for r in c.reads { define(r) }
                return
            }
            switch n {
            case "purchases":
                fragments.append("_n, _last, _revenue, _n_12m and _revenue_12m: each customer's purchases\n"
                    + "before asof (joined on customer_id, kind left):\n" + indent(purchases))
            case "contacts":
                fragments.append("_contacts: each customer's service contacts before asof (joined on\n"
                    + "customer_id, kind left; 0 without an interactions table):\n" + indent(contacts))
            case "retention":
                fragments.append("_r: the yearly retention rate, one row joined to every customer:\n"
                    + indent(retention.replacingOccurrences(of: "CUSTOMERS", with: "customers")))
            case "model":
                fragments.append("_model_clv: each customer's model CLV from clv_model (joined on customer_id,\n"
                    + "kind left; asof = the as-of date when set, clv_months = the setting):\n"
                    + indent(model.replacingOccurrences(of: " ASOF", with: "")))
            case "_churned":
                lines.append("  _churned = churned as of asof: churned true (or not 0), a null counting as false")
            default: break
            }
        }
        define(name)
        var text = "Definition, in crmq (`explain customers | select \(name)` shows the plan it\n"
            + "becomes, with the settings' values):\n\n" + lines.joined(separator: "\n")
        for f in fragments { text += "\n\n" + f }
        text += "\n\ncustomers is the stored table as of asof:\n" + indent("""
            customers | where coalesce(signup_date <= asof, true)
              | extend churned = if(churn_date >= asof and churned is not null, 0, churned),
                  churn_date = if(churn_date >= asof, null, churn_date)
            """)
        return text
    }

    private static func indent(_ s: String) -> String {
        s.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    }
}

/// The names a definition may use: the stored tables, and the settings as scalars.
struct DefinitionCatalog: Catalog {
    var tables: [String: Schema]
    var settings: [String: Value]
    func tableSchema(_ name: String) -> Schema? { tables[name] }
    var tableNames: [String] { tables.keys.sorted() }
    func scalarValue(_ name: String) -> Value? { settings[name] }
    var scalarNames: [String] { settings.keys.sorted() }
    func settingType(_ name: String) -> DataType? { nil }
    var settingNames: [String] { [] }
    /// The frozen as-of date: what retention_rate(months = 12) counts back from.
    var asOf: Int32? { if case .date(let d)? = settings["asof"] { d } else { nil } }
    var aggregateDefinitions: [AggregateDefinition] { CRM.aggregates }
    /// The CRM table functions (model_clv's definition calls clv_model).
    func tableFunction(_ name: String) -> TableFunctionSignature? { CRM.tableFunctions[name.lowercased()]?.signature }
    var tableFunctionNames: [String] { CRM.tableFunctions.keys.sorted() }
}

extension CRM {
    /// The rewrite pass: `plan` with what it reads expanded into plain plans over the stored
    /// tables, so that the plan says everything and depends on no setting. A scan of
    /// `customers` becomes the definition of `customers` (as of asof, with the computed
    /// columns some node of the plan reads); with `asof` set, a scan of `transactions` or
    /// `interactions` leaves out the rows dated on or after it.
    /// `defaultAsOf` is the as-of date when `asof` is null (`CRM.defaultAsOf`). A filter on
    /// transactions is left out when no transaction is dated on or after asof.
    /// `stored` holds the schemas of the tables as stored (in memory, or in a database).
    public static func expand(
        _ plan: Plan, stored: [String: Schema], settings: [String: Value], defaultAsOf: Int32?
    ) throws(DiagnosticList) -> Plan {
        let usage = plan.scannedColumns()
        var customers: Plan?
        if let storedCustomers = stored[customersTable], let used = usage[customersTable],
            let schema = plan.scannedSchema(customersTable)
        {
            let needed = used.sorted().filter { $0 >= storedCustomers.count }.map { schema[$0].name }
            var frozen = frozenSettings(settings, defaultAsOf: defaultAsOf)
            let definition = try CustomerDefinitions.plan(
                schema: schema, stored: stored, needed: needed, settings: frozen)
            frozen["columns"] = .string(needed.joined(separator: ","))
            customers = Plan(.definition(name: customersTable, arguments: frozen, definition), schema: schema)
        }
        var asOf: Int32?
        if case .date(let d)? = settings["asof"] { asOf = d }
        return plan.replacingScans { name, scan in
            if name == customersTable, let customers, scan.schema == customers.schema { return customers }
            if let asOf, ["transactions", "interactions"].contains(name), let i = scan.schema.index(of: "date"),
                scan.schema[i].type == .date, !(name == "transactions" && (defaultAsOf ?? .max) <= asOf)
            {
                // A row without a date stays: nothing says it came after asof.
                let date = BoundExpr(.column(i), type: .date, range: .at(0))
                let before = BoundExpr(.call(.or, [
                    BoundExpr(.call(.isNull, [date]), type: .bool, range: .at(0)),
                    BoundExpr(.call(.less, [date, BoundExpr(.literal(.date(asOf)), type: .date, range: .at(0))]),
                              type: .bool, range: .at(0)),
                ]), type: .bool, range: .at(0))
                return Plan(.filter(scan, predicate: before), schema: scan.schema)
            }
            return scan
        }
    }

    /// The CRM settings with `asof` resolved (its default: the day after the last transaction).
    public static func frozenSettings(_ settings: [String: Value], defaultAsOf: Int32?) -> [String: Value] {
        var frozen: [String: Value] = [:]
        for s in CRM.settings { frozen[s.name] = settings[s.name] ?? s.defaultValue }
        if case .date = settings["asof"] ?? .null {} else { frozen["asof"] = defaultAsOf.map { .date($0) } ?? .null }
        return frozen
    }
}

extension Plan {
    /// The schema of the first scan of `table` in the plan.
    func scannedSchema(_ table: String) -> Schema? {
        if case .scan(let name) = kind, name == table { return schema }
        for input in inputs { if let s = input.scannedSchema(table) { return s } }
        return nil
    }

    /// The plan with `replace` applied to every node after its inputs (a nil answer keeps
    /// the node); the nodes of a definition are left as they are.
    func rewritingBottomUp(_ replace: (Plan) -> Plan?) -> Plan {
        func go(_ p: Plan) -> Plan {
            if case .definition = p.kind { return replace(p) ?? p }
            let node = p.replacingInputs(p.inputs.map(go))
            return replace(node) ?? node
        }
        return go(self)
    }

    /// The plan with each scan replaced by what `replace` gives for it (table functions'
    /// inputs included; a definition's own scans are left as they are).
    func replacingScans(_ replace: (String, Plan) -> Plan) -> Plan {
        func go(_ p: Plan) -> Plan {
            switch p.kind {
            case .scan(let name): replace(name, p)
            case .definition: p
            default: p.replacingInputs(p.inputs.map(go))
            }
        }
        return go(self)
    }
}
