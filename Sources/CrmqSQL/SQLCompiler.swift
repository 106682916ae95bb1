import CrmqSource
import CrmqSemantics

/// How the compiler reads a named table of the remote database: its quoted, qualified
/// name, and for each of its columns the SQL that reads it as crmq's type (a cast where
/// the database's type is not one crmq holds).
public struct SQLRelation: Sendable, Equatable {
    public var qualifiedName: String
    public var columns: [String: String]
    /// An expression that orders the rows as crmq holds them (a table crmq sent, with its
    /// row numbers); nil: the dialect's storage order.
    public var order: String?
    public init(qualifiedName: String, columns: [String: String], order: String? = nil) {
        self.qualifiedName = qualifiedName
        self.columns = columns
        self.order = order
    }
}

/// Why a plan cannot become SQL: the message names the construct and what to do.
public struct SQLCompileError: Error, Equatable, Sendable {
    public var message: String
    /// The source range of the construct, where the plan knows it.
    public var range: SourceRange?
    public init(_ message: String, range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }
}

/// A checked plan compiled to one SQL statement that gives the same rows in the same order
/// as the in-memory engine (docs/backends.md).
///
/// Every node becomes a subquery whose columns are named `c0 … cN` (so no user name
/// reaches the SQL except quoted, in the final select) plus `o`, the row's position in
/// crmq's order. The order rules of the plan are kept explicitly: a scan numbers rows in
/// storage order, a filter or projection keeps `o`, a sort numbers rows by its keys and
/// then by `o` (a stable sort), a join by the left row and then the right, grouped output
/// by its keys, `distinct` by first appearance. The final select orders by `o`. Where a
/// parent does not need its input's order (an aggregate's input), `o` is not computed.
/// Literals become parameters; identifiers are quoted by the dialect.
public struct SQLCompiler {
    public let dialect: any SQLDialect
    /// The remote relation of a table name, or nil when the database has no such table.
    public let relation: (String) -> SQLRelation?
    private var binds: [Value] = []
    private var aliases = 0

    public init(dialect: any SQLDialect, relation: @escaping (String) -> SQLRelation?) {
        self.dialect = dialect
        self.relation = relation
    }

    /// The SQL for a plan: its schema's columns, named as in crmq, in crmq's row order.
    public static func compile(
        _ plan: Plan, dialect: any SQLDialect, relation: @escaping (String) -> SQLRelation?
    ) throws(SQLCompileError) -> SQLStatement {
        var compiler = SQLCompiler(dialect: dialect, relation: relation)
        let body = try compiler.node(plan, ordered: true)
        let t = compiler.alias()
        let columns = plan.schema.fields.enumerated().map { i, f in
            compiler.dialect.cast("\(t).c\(i)", to: f.type) + " AS " + compiler.dialect.quote(f.name)
        }
        let select = columns.isEmpty ? "1 AS \(dialect.quote("?"))" : columns.joined(separator: ", ")
        return SQLStatement(
            compiler.dialect.finish("SELECT \(select) FROM (\(body)) AS \(t) ORDER BY \(t).o"), binds: compiler.binds)
    }

    private mutating func alias() -> String {
        aliases += 1
        return "t\(aliases)"
    }

    private mutating func bind(_ value: Value, _ type: DataType) -> String {
        if let literal = dialect.literal(value, type: type) { return literal }
        binds.append(value)
        return dialect.parameter(binds.count, type: type)
    }

    /// A subquery with columns c0 … c(n-1) and o. `ordered`: whether the parent reads `o`.
    private mutating func node(_ plan: Plan, ordered: Bool) throws(SQLCompileError) -> String {
        switch plan.kind {
        case .scan(let table):
            guard let rel = relation(table) else {
                throw SQLCompileError(
                    "the table '\(table)' is not in the database; 'disconnect' to query the tables in memory, or load it into the database")
            }
            var columns: [String] = []
            for (i, f) in plan.schema.fields.enumerated() {
                guard let read = rel.columns[f.name] else {
                    throw SQLCompileError("the column '\(table).\(f.name)' is computed by crmq in memory and cannot run in \(dialect.name) yet")
                }
                columns.append("\(read) AS c\(i)")
            }
            let key = rel.order ?? dialect.storageOrder(table: table)
            let order = ordered ? (key.map { "row_number() OVER (ORDER BY \($0))" } ?? "row_number() OVER ()") : "0"
            columns.append("\(order) AS o")
            return "SELECT \(columns.joined(separator: ", ")) FROM \(rel.qualifiedName)"

        case .filter(let input, let predicate):
            let t = alias()
            let child = try node(input, ordered: ordered)
            let test = try expr(predicate) { "\(t).c\($0)" }
            return "SELECT * FROM (\(child)) AS \(t) WHERE \(test)"

        case .project(let input, let exprs):
            let t = alias()
            let child = try node(input, ordered: ordered)
            var columns: [String] = []
            for (i, e) in exprs.enumerated() {
                columns.append(try expr(e) { "\(t).c\($0)" } + " AS c\(i)")
            }
            columns.append("\(t).o")
            return "SELECT \(columns.joined(separator: ", ")) FROM (\(child)) AS \(t)"

        case .sort(let input, let keys):
            let t = alias()
            let child = try node(input, ordered: true)
            let order = try orderBy(keys, t)
            let number = ordered ? "row_number() OVER (ORDER BY \(order), \(t).o)" : "0"
            return "SELECT \(passThrough(input.schema.count, t)), \(number) AS o FROM (\(child)) AS \(t)"

        case .limit(let input, let count):
            let t = alias()
            let child = try node(input, ordered: true)
            let n = dialect.limit(bind(.int(Int64(count)), .int))
            return "SELECT * FROM (\(child)) AS \(t) ORDER BY \(t).o LIMIT \(n)"

        case .topN(let input, let keys, let count):
            let t = alias()
            let child = try node(input, ordered: true)
            let inner = try orderBy(keys, t) + ", \(t).o"
            let n = dialect.limit(bind(.int(Int64(count)), .int))
            let u = alias()
            let outer = try orderBy(keys, u) + ", \(u).o"
            return "SELECT \(passThrough(input.schema.count, u)), row_number() OVER (ORDER BY \(outer)) AS o FROM (SELECT * FROM (\(child)) AS \(t) ORDER BY \(inner) LIMIT \(n)) AS \(u)"

        case .aggregate(let input, let keys, let aggregates):
            let t = alias()
            let child = try node(input, ordered: false)
            var columns: [String] = []
            var groups: [String] = []
            for (i, k) in keys.enumerated() {
                let sql = try expr(k) { "\(t).c\($0)" }
                groups.append(sql)
                columns.append("\(sql) AS c\(i)")
            }
            for (j, a) in aggregates.enumerated() {
                columns.append(try aggregate(a) { "\(t).c\($0)" } + " AS c\(keys.count + j)")
            }
            let grouped = "SELECT \(columns.isEmpty ? "1 AS c0" : columns.joined(separator: ", ")) FROM (\(child)) AS \(t)"
                + (groups.isEmpty ? "" : " GROUP BY \(groups.joined(separator: ", "))")
            let u = alias()
            var order = "0"
            if !keys.isEmpty && ordered {
                var parts: [String] = []
                for (i, k) in keys.enumerated() { parts.append(sortKey("\(u).c\(i)", k.type, descending: false)) }
                order = "row_number() OVER (ORDER BY \(parts.joined(separator: ", ")))"
            }
            return "SELECT \(passThrough(plan.schema.count, u)), \(order) AS o FROM (\(grouped)) AS \(u)"

        case .appendShare(let input, let of):
            let t = alias()
            let child = try node(input, ordered: ordered)
            let share = dialect.divide("(\(t).c\(of))::float8", "(sum(\(t).c\(of)) OVER ())::float8")
            return "SELECT \(passThrough(input.schema.count, t)), \(share) AS c\(input.schema.count), \(t).o FROM (\(child)) AS \(t)"

        case .join(let left, let right, let keys, let kind, let rightColumns):
            let l = alias(), r = alias()
            let lsql = try node(left, ordered: ordered)
            let rsql = try node(right, ordered: ordered)
            var columns = (0..<left.schema.count).map { "\(l).c\($0) AS c\($0)" }
            for (k, j) in rightColumns.enumerated() { columns.append("\(r).c\(j) AS c\(left.schema.count + k)") }
            let on = keys.map { "\(l).c\($0.left) = \(r).c\($0.right)" }.joined(separator: " AND ")
            let order = ordered ? "row_number() OVER (ORDER BY \(l).o, \(r).o)" : "0"
            let join = kind == .inner ? "JOIN" : "LEFT JOIN"
            return "SELECT \(columns.joined(separator: ", ")), \(order) AS o FROM (\(lsql)) AS \(l) \(join) (\(rsql)) AS \(r) ON \(on.isEmpty ? "TRUE" : on)"

        case .distinct(let input):
            let t = alias()
            let child = try node(input, ordered: ordered)
            let columns = (0..<input.schema.count).map { "\(t).c\($0)" }
            let order = ordered ? "row_number() OVER (ORDER BY min(\(t).o))" : "0"
            let select = columns.isEmpty ? "" : passThrough(input.schema.count, t) + ", "
            return "SELECT \(select)\(order) AS o FROM (\(child)) AS \(t)" + (columns.isEmpty ? "" : " GROUP BY \(columns.joined(separator: ", "))")

        case .definition(_, _, let definition):
            // A CRM definition runs as its plain plan over the stored tables.
            return try node(definition, ordered: ordered)

        case .window(let input, let groups, let order, let computations):
            return try window(input, groups: groups, order: order, computations: computations, ordered: ordered)

        case .topNPerGroup(let input, let groups, let keys, let count):
            // Each row's number in its group (keys, then input order), the first `count` kept;
            // output ordered by group, then keys, then input order, as the engine orders it.
            let t = alias()
            let child = try node(input, ordered: true)
            var groupColumns: [String] = []
            var partition: [String] = []
            for (i, g) in groups.enumerated() {
                let sql = try expr(g) { "\(t).c\($0)" }
                partition.append(sql)
                groupColumns.append("\(sql) AS g\(i)")
            }
            let inner = try orderBy(keys, t) + ", \(t).o"
            let partitionBy = partition.isEmpty ? "" : "PARTITION BY \(partition.joined(separator: ", ")) "
            let numbered = "SELECT \(t).*, \(groupColumns.map { $0 + ", " }.joined())row_number() OVER (\(partitionBy)ORDER BY \(inner)) AS rn FROM (\(child)) AS \(t)"
            let u = alias()
            let n = bind(.int(Int64(count)), .int)
            var outer: [String] = []
            for (i, g) in groups.enumerated() { outer.append(sortKey("\(u).g\(i)", g.type, descending: false)) }
            outer.append(try orderBy(keys, u))
            outer.append("\(u).o")
            let number = ordered ? "row_number() OVER (ORDER BY \(outer.joined(separator: ", ")))" : "0"
            return "SELECT \(passThrough(input.schema.count, u)), \(number) AS o FROM (\(numbered)) AS \(u) WHERE \(u).rn <= \(n)"

        case .tableFunction(let name, _, _):
            // A session runs such a plan across (its input here, the model in memory); only
            // `explain sql` of it meets this.
            throw SQLCompileError("the table function '\(name)' fits its model in memory, not in the database: its input runs in the database and the model here, so no one SQL statement shows the query")
        }
    }

    /// A `window` node: the input's columns, then one window expression per computation over
    /// the row's group; rows in group order (ascending, nulls last, categories by level),
    /// then the window's order, then input order. Row-by-row functions order by the input
    /// order last, so ties go as the engine takes them; the peer functions (rank,
    /// dense_rank, percent_rank, cume_dist) order by the keys alone, so ties are peers.
    private mutating func window(
        _ input: Plan, groups: [BoundExpr], order: [SortKey], computations: [WindowComputation], ordered: Bool
    ) throws(SQLCompileError) -> String {
        let t = alias()
        let child = try node(input, ordered: true)
        var partition: [String] = []
        var groupOrder: [String] = []
        for g in groups {
            let sql = try expr(g) { "\(t).c\($0)" }
            partition.append(sql)
            groupOrder.append(sortKey(sql, g.type, descending: false))
        }
        let partitionBy = partition.isEmpty ? "" : "PARTITION BY \(partition.joined(separator: ", "))"
        let keys = order.isEmpty ? nil : try orderBy(order, t)
        let rowOrder = "ORDER BY " + (keys.map { $0 + ", " } ?? "") + "\(t).o"
        func over(_ orderClause: String?, frame: String = "") -> String {
            "OVER (" + [partitionBy, orderClause ?? "", frame].filter { !$0.isEmpty }.joined(separator: " ") + ")"
        }
        var columns = (0..<input.schema.count).map { "\(t).c\($0) AS c\($0)" }
        for (j, computation) in computations.enumerated() {
            let sql: String
            switch computation {
            case .aggregate(let a):
                sql = try aggregate(a, over: over(nil)) { "\(t).c\($0)" }
            case .function(let call):
                var x: [String] = []
                for arg in call.arguments { x.append(try expr(arg) { "\(t).c\($0)" }) }
                let peers = keys.map { "ORDER BY " + $0 }
                switch call.function {
                case .rowNumber: sql = "(row_number() \(over(rowOrder)))::int8"
                case .rank: sql = "(rank() \(over(peers)))::int8"
                case .denseRank: sql = "(dense_rank() \(over(peers)))::int8"
                case .percentRank: sql = "(percent_rank() \(over(peers)))::float8"
                case .cumeDist: sql = "(cume_dist() \(over(peers)))::float8"
                case .ntile:
                    sql = "(ntile(\(bind(.int(Int64(call.parameter)), .int))::int4) \(over(rowOrder)))::int8"
                case .lag, .lead:
                    let offset = bind(.int(Int64(call.parameter)), .int)
                    sql = "\(call.function.rawValue)(\(x[0]), (\(offset))::int4, \(x[1])) \(over(rowOrder))"
                case .runningSum:
                    let value = call.arguments[0].type == .bool ? "(\(x[0]))::int4" : x[0]
                    let sum = "sum(\(value)) \(over(rowOrder, frame: "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"))"
                    sql = call.type == .int ? "(\(sum))::int8" : dialect.finite(sum)
                case .share:
                    let value = call.arguments[0].type == .bool ? "((\(x[0]))::int4)::float8" : "(\(x[0]))::float8"
                    sql = dialect.divide(value, "(sum(\(value)) \(over(nil)))")
                }
            }
            columns.append("\(sql) AS c\(input.schema.count + j)")
        }
        let number = ordered
            ? "row_number() OVER (ORDER BY " + (groupOrder + (keys.map { [$0] } ?? []) + ["\(t).o"]).joined(separator: ", ") + ")"
            : "0"
        return "SELECT \(columns.joined(separator: ", ")), \(number) AS o FROM (\(child)) AS \(t)"
    }

    private func passThrough(_ count: Int, _ t: String) -> String {
        (0..<count).map { "\(t).c\($0)" }.joined(separator: ", ")
    }

    private mutating func orderBy(_ keys: [SortKey], _ t: String) throws(SQLCompileError) -> String {
        var parts: [String] = []
        for k in keys {
            parts.append(sortKey(try expr(k.expr) { "\(t).c\($0)" }, k.expr.type, descending: k.descending))
        }
        return parts.joined(separator: ", ")
    }

    /// An ORDER BY item in crmq's order: strings by bytes, categories by level, nulls last.
    private mutating func sortKey(_ sql: String, _ type: DataType, descending: Bool) -> String {
        let key: String
        switch type {
        case .string: key = dialect.bytewise(sql)
        case .category(let c): key = rank(sql, c)
        default: key = sql
        }
        return key + (descending ? " DESC" : " ASC") + " NULLS LAST"
    }

    /// A category value's level number (0-based); null for null.
    private mutating func rank(_ sql: String, _ category: CategoryType) -> String {
        var cases = ""
        for (i, level) in category.levels.enumerated() {
            cases += " WHEN \(bind(.string(level), .string)) THEN \(i)"
        }
        return "(CASE \(sql)\(cases) END)"
    }

    // MARK: - Expressions

    private mutating func expr(_ e: BoundExpr, _ column: (Int) -> String) throws(SQLCompileError) -> String {
        switch e.kind {
        case .column(let i):
            return column(i)
        case .literal(let v):
            if case .null = v { return "CAST(NULL AS \(dialect.typeName(e.type)))" }
            return bind(v, e.type.category != nil ? .string : e.type)
        case .call(let f, let args):
            var a: [String] = []
            for arg in args { a.append(try expr(arg, column)) }
            return try call(f, a, args, e)
        }
    }

    private mutating func call(_ f: ScalarFunction, _ a: [String], _ args: [BoundExpr], _ e: BoundExpr) throws(SQLCompileError) -> String {
        let d = dialect
        func unsupported() -> SQLCompileError {
            SQLCompileError("'\(f.rawValue)' cannot run in \(d.name) yet", range: e.range)
        }
        if let spelled = d.scalar(f, a, types: args.map(\.type)) { return spelled }
        switch f {
        case .add: return e.type == .double ? d.finite("(\(a[0]) + \(a[1]))") : "(\(a[0]) + \(a[1]))"
        case .subtract: return e.type == .double ? d.finite("(\(a[0]) - \(a[1]))") : "(\(a[0]) - \(a[1]))"
        case .multiply: return e.type == .double ? d.finite("(\(a[0]) * \(a[1]))") : "(\(a[0]) * \(a[1]))"
        case .divide: return d.divide(a[0], a[1])
        case .modulo: return d.modulo(a[0], a[1], type: e.type)
        case .negate: return "(-\(a[0]))"
        case .dateAddDays, .addDays: return d.addDays(a[0], a[1])
        case .dateSubtractDays: return d.addDays(a[0], "-(\(a[1]))")
        case .dateDifference: return d.daysBetween(a[1], a[0])
        case .daysBetween: return d.daysBetween(a[0], a[1])
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let op = [ScalarFunction.equal: "=", .notEqual: "<>", .less: "<", .lessEqual: "<=", .greater: ">", .greaterEqual: ">="][f]!
            let t = args[0].type
            if let c = t.category ?? args[1].type.category, f != .equal && f != .notEqual {
                return "(\(rank(a[0], c)) \(op) \(rank(a[1], c)))"
            }
            if t == .string || t.category != nil { return "(\(d.bytewise(a[0])) \(op) \(a[1]))" }
            return "(\(a[0]) \(op) \(a[1]))"
        case .and: return "(\(a[0]) AND \(a[1]))"
        case .or: return "(\(a[0]) OR \(a[1]))"
        case .not: return "(NOT \(a[0]))"
        case .isNull: return "(\(a[0]) IS NULL)"
        case .isNotNull: return "(\(a[0]) IS NOT NULL)"
        case .inList: return "(\(a[0]) IN (\(a.dropFirst().joined(separator: ", "))))"
        case .ifThenElse: return "(CASE WHEN \(a[0]) THEN \(a[1]) ELSE \(a[2]) END)"
        case .coalesce: return "COALESCE(\(a.joined(separator: ", ")))"
        case .intToDouble: return d.cast(a[0], to: .double)
        case .toInt:
            switch args[0].type {
            case .double: return d.cast("trunc(\(a[0]))", to: .int)
            case .bool: return "(CASE WHEN \(a[0]) THEN 1 WHEN NOT \(a[0]) THEN 0 END)::int8"
            default: return "(CASE WHEN \(d.looksLikeInteger(a[0])) THEN (btrim(\(a[0])))::int8 END)"
            }
        case .toDouble:
            if args[0].type == .bool { return "(CASE WHEN \(a[0]) THEN 1.0 WHEN NOT \(a[0]) THEN 0.0 END)::float8" }
            return d.finite("(CASE WHEN \(d.looksLikeNumber(a[0])) THEN (btrim(\(a[0])))::float8 END)")
        case .toString:
            switch args[0].type {
            case .bool: return "(CASE WHEN \(a[0]) THEN 'true' WHEN NOT \(a[0]) THEN 'false' END)"
            case .double, .int, .date, .string, .category, .null: return d.cast(a[0], to: .string)
            }
        case .toCategory:
            guard let c = e.type.category else { throw unsupported() }
            return "(CASE WHEN \(rank(a[0], c)) IS NOT NULL THEN \(a[0]) END)"
        case .toDate: return d.cast(a[0], to: .date)
        case .makeDate: return "make_date((\(a[0]))::int4, (\(a[1]))::int4, (\(a[2]))::int4)"
        case .round: return d.round(a[0], digits: a.count > 1 ? a[1] : nil)
        case .floor: return "floor(\(a[0]))"
        case .ceil: return "ceil(\(a[0]))"
        case .sqrt: return "(CASE WHEN \(a[0]) >= 0 THEN sqrt(\(a[0])) END)"
        case .ln: return "(CASE WHEN \(a[0]) > 0 THEN ln(\(a[0])) END)"
        case .log10: return "(CASE WHEN \(a[0]) > 0 THEN log(\(a[0])) END)"
        case .exp: return "(CASE WHEN \(a[0]) <= 709.78 THEN exp(\(a[0])) END)"
        case .abs: return "abs(\(a[0]))"
        case .power:
            return d.finite("(CASE WHEN (\(a[0]) = 0 AND \(a[1]) < 0) OR (\(a[0]) < 0 AND \(a[1]) <> floor(\(a[1]))) THEN NULL ELSE power(\(a[0]), \(a[1])) END)")
        case .bin:
            // A width at or below 0 is an error in memory; an expression here cannot raise one,
            // so it gives null rather than a wrong bin.
            if e.type == .int {
                return "(CASE WHEN \(a[1]) > 0 THEN (floor((\(a[0]))::numeric / \(a[1])) * (\(a[1])))::int8 END)"
            }
            return d.finite("(CASE WHEN \(a[1]) > 0 THEN floor((\(a[0])) / \(a[1])) * (\(a[1])) END)")
        case .least, .greatest:
            let name = f == .least ? "LEAST" : "GREATEST"
            if e.type == .string { return "\(name)(\(a.map { d.bytewise($0) }.joined(separator: ", ")))" }
            if case .category(let c) = e.type {
                // By level, not by text: the level numbers compared, the winner's text back.
                let levels = a.map { rank($0, c) }
                var cases = ""
                for (i, level) in c.levels.enumerated() { cases += " WHEN \(i) THEN \(bind(.string(level), .string))" }
                return "(CASE \(name)(\(levels.joined(separator: ", ")))\(cases) END)"
            }
            return "\(name)(\(a.joined(separator: ", ")))"
        case .lower: return "lower(\(a[0]))"
        case .upper: return "upper(\(a[0]))"
        case .trim: return "btrim(\(a[0]), E' \\t\\n\\r\\f\\v')"
        case .length: return "(char_length(\(a[0])))::int8"
        case .contains: return "(strpos(\(a[0]), \(a[1])) > 0)"
        case .startsWith: return "(left(\(a[0]), char_length(\(a[1]))) = \(a[1]))"
        case .endsWith: return "(right(\(a[0]), char_length(\(a[1]))) = \(a[1]))"
        case .replace: return "(CASE WHEN \(a[1]) = '' THEN \(a[0]) ELSE replace(\(a[0]), \(a[1]), \(a[2])) END)"
        case .substring:
            // crmq's rule: a negative start counts from the end; the range is clamped to the string.
            let n = "char_length(\(a[0]))"
            let from = "(CASE WHEN \(a[1]) < 0 THEN \(n) + \(a[1]) + 1 ELSE \(a[1]) END)"
            if a.count < 3 { return "substr(\(a[0]), GREATEST(\(from), 1)::int4)" }
            return "(CASE WHEN \(a[2]) < 0 THEN '' ELSE substr(\(a[0]), GREATEST(\(from), 1)::int4, GREATEST(LEAST(\(from) + \(a[2]), \(n) + 1) - GREATEST(\(from), 1), 0)::int4) END)"
        case .concat:
            return "concat(\(a.enumerated().map { i, s in args[i].type == .bool || args[i].type == .double ? call0(.toString, s, args[i]) : s }.joined(separator: ", ")))"
        case .year: return d.datePart("year", a[0])
        case .month: return d.datePart("month", a[0])
        case .day: return d.datePart("day", a[0])
        case .quarter: return d.datePart("quarter", a[0])
        case .weekday: return d.datePart("isodow", a[0])
        case .dateTrunc:
            guard case .literal(.string(let unit)) = args[0].kind, ["year", "quarter", "month", "week"].contains(unit) else {
                throw unsupported()
            }
            return d.dateTrunc(unit, a[1])
        case .addMonths: return d.addMonths(a[0], a[1])
        case .monthsBetween:
            // crmq's rule (DateKernels.monthsBetween): whole calendar months, a day past the
            // end of a shorter month counting as its last day. Forward, one month less when
            // min(day(x), days in y's month) > day(y), which is day(x) > day(y) with y not the
            // last day of its month (y + 1 not a 1st); backward the same the other way.
            func months(_ x: String) -> String { "(\(d.datePart("year", x)) * 12 + \(d.datePart("month", x)))" }
            func notLastDay(_ x: String) -> String { "\(d.datePart("day", "(\(x) + 1)")) <> 1" }
            let (x, y) = (a[0], a[1])
            let diff = "(\(months(y)) - \(months(x)))"
            let (dx, dy) = (d.datePart("day", x), d.datePart("day", y))
            let forward = "(\(diff) - (CASE WHEN \(dx) > \(dy) AND \(notLastDay(y)) THEN 1 ELSE 0 END))"
            let backward = "(\(diff) + (CASE WHEN \(dy) > \(dx) AND \(notLastDay(x)) THEN 1 ELSE 0 END))"
            return "(CASE WHEN \(months(y)) < \(months(x)) OR (\(months(y)) = \(months(x)) AND \(dy) < \(dx)) THEN \(backward) ELSE \(forward) END)::int8"
        }
    }

    /// A unary conversion of already compiled SQL (inside `concat`).
    private func call0(_ f: ScalarFunction, _ sql: String, _ arg: BoundExpr) -> String {
        if arg.type == .bool { return "(CASE WHEN \(sql) THEN 'true' WHEN NOT \(sql) THEN 'false' END)" }
        return dialect.cast(sql, to: .string)
    }

    /// An aggregate; with `over` (a window stage's aggregate over the row's group), each
    /// aggregate call followed by that OVER clause.
    private mutating func aggregate(
        _ a: BoundAggregate, over: String = "", _ column: (Int) -> String
    ) throws(SQLCompileError) -> String {
        var x: [String] = []
        for arg in a.arguments { x.append(try expr(arg, column)) }
        let t = a.arguments.first?.type
        let w = over.isEmpty ? "" : " " + over
        if !over.isEmpty, [.countDistinct, .median, .percentile].contains(a.function) {
            throw SQLCompileError(
                "'\(a.function)' over a window's group runs only in memory: \(dialect.name) has no such window aggregate; "
                    + "'disconnect' first, or summarize it by the group and join it back", range: a.range)
        }
        switch a.function {
        case .countRows: return "(count(*)\(w))::int8"
        case .count: return "(count(\(x[0]))\(w))::int8"
        case .sum:
            if t == .bool { return "(sum((\(x[0]))::int4)\(w))::int8" }
            return t == .int ? "(sum(\(x[0]))\(w))::int8" : "sum(\(x[0]))\(w)"
        case .avg:
            if t == .bool { return "avg(((\(x[0]))::int4)::float8)\(w)" }
            return "avg((\(x[0]))::float8)\(w)"
        case .min, .max:
            let isMin = a.function == .min
            switch t {
            case .bool?: return isMin ? "bool_and(\(x[0]))\(w)" : "bool_or(\(x[0]))\(w)"
            case .string?: return "\(isMin ? "min" : "max")(\(dialect.bytewise(x[0])))\(w)"
            case .category(let c)?:
                let r = rank(x[0], c)
                var cases = ""
                for (i, level) in c.levels.enumerated() { cases += " WHEN \(i) THEN \(bind(.string(level), .string))" }
                return "(CASE \(isMin ? "min" : "max")(\(r))\(w)\(cases) END)"
            default: return "\(isMin ? "min" : "max")(\(x[0]))\(w)"
            }
        case .stddev: return "stddev_samp((\(x[0]))::float8)\(w)"
        case .corr: return dialect.correlation("(\(x[0]))::float8", "(\(x[1]))::float8", over: w)
        case .covar: return "covar_samp((\(x[0]))::float8, (\(x[1]))::float8)\(w)"
        case .covarPop: return "covar_pop((\(x[0]))::float8, (\(x[1]))::float8)\(w)"
        case .countDistinct: return "(count(DISTINCT \(x[0])))::int8"
        case .median: return dialect.percentile("(\(x[0]))::float8", "0.5")
        case .percentile:
            guard case .literal(let p) = a.arguments[1].kind, let fraction = p.asDouble else {
                throw SQLCompileError("percentile needs a literal fraction", range: a.range)
            }
            return dialect.percentile("(\(x[0]))::float8", String(fraction))
        }
    }
}

extension Value {
    var asDouble: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
