/// The order of a node's rows: part of what the node means, so a backend that keeps no order
/// by itself (SQL) must produce it (an ORDER BY), and `explain` shows it.
public enum RowOrder: Sendable, Equatable {
    /// The order the stored table or `let` result keeps (a file's rows as read).
    case stored
    /// The input's order, kept.
    case input
    /// By the keys; a stable sort, so ties keep the input's order. Nulls last either way.
    case sorted([SortKey])
    /// Groups ordered by their key columns ascending, nulls last (one row without keys).
    case groupKeys
    /// The left input's order; several matches of one left row in the right input's order.
    case leftThenRight
    /// Rows in the order they first appear in the input.
    case firstAppearance
    /// As the table function's help describes.
    case tableFunction
}

extension Plan {
    /// The order of this node's rows.
    public var order: RowOrder {
        switch kind {
        case .scan: .stored
        case .filter, .project, .limit, .appendShare, .definition: .input
        case .sort(_, let keys), .topN(_, let keys, _): .sorted(keys)
        case .aggregate: .groupKeys
        case .join: .leftThenRight
        case .distinct: .firstAppearance
        case .tableFunction: .tableFunction
        case .window(_, let groups, let order, _):
            .sorted(groups.map { SortKey(expr: $0, descending: false) } + order)
        case .topNPerGroup(_, let groups, let keys, _):
            .sorted(groups.map { SortKey(expr: $0, descending: false) } + keys)
        }
    }
}

/// A plan as text, one node a line, each node's input indented below it: what `explain`
/// prints. Expressions are written in crmq's own syntax over the columns of the node's input.
extension Plan: CustomStringConvertible {
    public var description: String { lines(depth: 0).joined(separator: "\n") }

    private func lines(depth: Int) -> [String] {
        let pad = String(repeating: "  ", count: depth)
        var out = [pad + nodeText]
        for input in inputs { out += input.lines(depth: depth + 1) }
        return out
    }

    /// A projection: `extend` when it keeps every input column in place (only the columns it
    /// adds or replaces are shown), otherwise `select`; a run of input columns kept in place
    /// is shortened, and columns that are null placeholders (read by no node) are listed last.
    private func projectText(_ input: Plan, _ exprs: [BoundExpr]) -> String {
        func name(_ i: Int) -> String { ExpressionText.name(schema.fields[i].name) }
        func kept(_ i: Int) -> Bool {
            if case .column(let c) = exprs[i].kind, c == i, i < input.schema.count,
                input.schema.fields[c].name == schema.fields[i].name { return true }
            return false
        }
        var prefix = 0
        while prefix < exprs.count, kept(prefix) { prefix += 1 }
        var items: [String] = []
        var placeholders: [String] = []
        let extend = exprs.count >= input.schema.count
            && (0..<input.schema.count).allSatisfy { i in kept(i) || input.schema.fields[i].name == schema.fields[i].name }
        if !extend {
            if prefix > 3 {
                items.append("\(name(0)) … \(name(prefix - 1))")
            } else {
                items += (0..<prefix).map(name)
            }
        }
        for i in (extend ? 0 : prefix)..<exprs.count where !(extend && kept(i)) {
            let e = exprs[i]
            if case .literal(.null) = e.kind, e.type != .null {
                placeholders.append(name(i))
            } else if case .column(let c) = e.kind, input.schema.fields[c].name == schema.fields[i].name {
                items.append(name(i))
            } else {
                items.append("\(name(i)) = \(e.text(over: input.schema))")
            }
        }
        if extend && items.isEmpty && !placeholders.isEmpty {
            return "extend null columns, as no node reads them: " + placeholders.joined(separator: ", ")
        }
        var text = (extend ? "extend " : "select ") + items.joined(separator: ", ")
        if !placeholders.isEmpty { text += "  -- null, as no node reads them: " + placeholders.joined(separator: ", ") }
        return text
    }

    /// This node alone: its operation, its expressions, and where it sets the order of rows.
    private var nodeText: String {
        func over(_ input: Plan, _ e: BoundExpr) -> String { e.text(over: input.schema) }
        func keysText(_ input: Plan, _ keys: [SortKey]) -> String {
            keys.map { over(input, $0.expr) + ($0.descending ? " desc" : " asc") }.joined(separator: ", ")
        }
        func name(_ i: Int) -> String { ExpressionText.name(schema.fields[i].name) }
        switch kind {
        case .scan(let table):
            return "scan \(ExpressionText.name(table))  -- rows in stored order"
        case .filter(let input, let predicate):
            return "where \(over(input, predicate))"
        case .project(let input, let exprs):
            return projectText(input, exprs)
        case .sort(let input, let keys):
            return "sort \(keysText(input, keys))  -- stable: ties keep input order; nulls last"
        case .limit(_, let count):
            return "take \(count)"
        case .topN(let input, let keys, let count):
            return "top \(count) by \(keysText(input, keys))  -- stable: ties keep input order; nulls last"
        case .aggregate(let input, let keys, let aggregates):
            var items = keys.enumerated().map { i, k -> String in
                let text = over(input, k)
                return text == name(i) ? text : "\(name(i)) = \(text)"
            }
            let values = aggregates.enumerated().map { j, a in
                "\(name(keys.count + j)) = \(a.text(over: input.schema))"
            }
            if keys.isEmpty { return "summarize " + values.joined(separator: ", ") + "  -- one row" }
            items = ["summarize " + values.joined(separator: ", "), "by " + items.joined(separator: ", ")]
            return items.joined(separator: " ") + "  -- groups in key order, nulls last"
        case .appendShare(let input, let of):
            return "extend \(name(schema.count - 1)) = \(ExpressionText.name(input.schema.fields[of].name)) / "
                + "sum(\(ExpressionText.name(input.schema.fields[of].name))) over all rows"
        case .join(let left, let right, let keys, let kind, let rightColumns):
            let on = keys.map {
                let l = ExpressionText.name(left.schema.fields[$0.left].name)
                let r = ExpressionText.name(right.schema.fields[$0.right].name)
                return l == r ? l : "\(l) == \(r)"
            }.joined(separator: ", ")
            let taken = rightColumns.map { ExpressionText.name(right.schema.fields[$0].name) }.joined(separator: ", ")
            return "join kind \(kind.rawValue) on \(on), taking \(taken.isEmpty ? "no column" : taken)"
                + "  -- left order; a left row's matches in right order"
        case .distinct:
            return "distinct  -- in order of first appearance"
        case .definition(let name, let arguments, _):
            let args = arguments.keys.sorted().map { "\($0) = \(ExpressionText.literal(arguments[$0]!))" }
            return "definition \(name)(\(args.joined(separator: ", ")))  -- the rows of the plan below"
        case .topNPerGroup(let input, let groups, let keys, let count):
            return "top \(count) by \(keysText(input, keys)) per \(groups.map { over(input, $0) }.joined(separator: ", "))"
                + "  -- groups in key order (nulls last), each group's rows in key order, stable"
        case .tableFunction(let name, _, let options):
            let args = options.keys.sorted().map { "\($0) = \(ExpressionText.literal(options[$0]!))" }
            return "\(name)(\(args.joined(separator: ", ")))"
        case .window(let input, let groups, let order, let computations):
            let first = input.schema.count
            let items = computations.enumerated().map { j, c -> String in
                let call: String
                switch c {
                case .aggregate(let a): call = a.text(over: input.schema)
                case .function(let f):
                    var args = f.arguments.map { over(input, $0) }
                    if f.function == .ntile { args = [String(f.parameter)] }
                    if f.function == .lag || f.function == .lead {
                        args.insert(String(f.parameter), at: min(1, args.count))
                    }
                    call = f.function.rawValue + "(" + args.joined(separator: ", ") + ")"
                }
                return "\(name(first + j)) = \(call)"
            }
            var text = "window " + items.joined(separator: ", ")
            if !groups.isEmpty { text += " by " + groups.map { over(input, $0) }.joined(separator: ", ") }
            if !order.isEmpty { text += " sort " + keysText(input, order) }
            return text + "  -- groups in key order, nulls last; within a group the sort, ties in input order"
        }
    }
}

extension BoundAggregate {
    /// The call in crmq's syntax, its arguments over `input`.
    public func text(over input: Schema) -> String {
        let args = arguments.map { $0.text(over: input) }.joined(separator: ", ")
        return ExpressionText.aggregateName(function) + "(" + args + ")"
    }
}

extension BoundExpr {
    /// The expression in crmq's syntax, its columns named from `input`; casts the checker
    /// made are written as the conversion calls they are (`double(x)`).
    public func text(over input: Schema) -> String { ExpressionText(input: input).text(self, top: true) }
}

/// Writes checked expressions as crmq source.
public struct ExpressionText {
    var input: Schema

    /// A column or table name as written: backquoted unless it is a plain identifier.
    public static func name(_ s: String) -> String {
        let plain = s.first.map { $0.isLetter || $0 == "_" } == true
            && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return plain ? s : "`\(s)`"
    }

    public static func literal(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .string(let s): "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\""
        case .date: "date(\"\(v.exactText)\")"
        default: v.exactText
        }
    }

    static func aggregateName(_ f: AggregateFunction) -> String {
        switch f {
        case .countRows: "count"
        case .countDistinct: "count_distinct"
        case .covarPop: "covar_pop"
        default: f.rawValue
        }
    }

    /// Infix operators, with their binding strength (higher binds tighter).
    private static func infix(_ f: ScalarFunction) -> (String, Int)? {
        switch f {
        case .or: ("or", 1)
        case .and: ("and", 2)
        case .equal: ("==", 4)
        case .notEqual: ("!=", 4)
        case .less: ("<", 4)
        case .lessEqual: ("<=", 4)
        case .greater: (">", 4)
        case .greaterEqual: (">=", 4)
        case .add, .dateAddDays: ("+", 5)
        case .subtract, .dateSubtractDays, .dateDifference: ("-", 5)
        case .multiply: ("*", 6)
        case .divide: ("/", 6)
        case .modulo: ("%", 6)
        default: nil
        }
    }

    /// The name a function call is written with.
    private static func functionName(_ f: ScalarFunction) -> String {
        switch f {
        case .ifThenElse: "if"
        case .intToDouble, .toDouble: "double"
        case .toInt: "int"
        case .toString: "string"
        case .toCategory: "ordered"
        case .toDate, .makeDate: "date"
        case .startsWith: "starts_with"
        case .endsWith: "ends_with"
        case .substring: "substr"
        case .dateTrunc: "date_trunc"
        case .daysBetween: "days_between"
        case .addDays: "add_days"
        case .addMonths: "add_months"
        case .monthsBetween: "months_between"
        default: f.rawValue
        }
    }

    func text(_ e: BoundExpr, top: Bool = false) -> String {
        switch e.kind {
        case .column(let i):
            return i < input.count ? Self.name(input.fields[i].name) : "#\(i)"
        case .literal(let v):
            return Self.literal(v)
        case .call(.intToDouble, let args) where args.count == 1:
            // A cast the checker made of an int literal is the double it makes.
            if case .literal(.int(let v)) = args[0].kind { return Self.literal(.double(Double(v))) }
            return "double(" + text(args[0]) + ")"
        case .call(let f, let args):
            if let (op, strength) = Self.infix(f), args.count == 2 {
                func side(_ a: BoundExpr, right: Bool) -> String {
                    let t = text(a)
                    if case .call(let g, let inner) = a.kind, inner.count == 2, let (_, s) = Self.infix(g),
                        s < strength || (right && s == strength)
                    {
                        return "(" + t + ")"
                    }
                    return t
                }
                return side(args[0], right: false) + " \(op) " + side(args[1], right: true)
            }
            switch f {
            case .not: return "not " + wrapped(args[0])
            case .negate: return "-" + wrapped(args[0])
            case .isNull: return wrapped(args[0]) + " is null"
            case .isNotNull: return wrapped(args[0]) + " is not null"
            case .inList:
                return wrapped(args[0]) + " in (" + args.dropFirst().map { text($0) }.joined(separator: ", ") + ")"
            case .toCategory:
                let levels = e.type.category?.levels.map { Self.literal(.string($0)) } ?? []
                return "ordered(" + ([text(args[0])] + levels).joined(separator: ", ") + ")"
            default:
                return Self.functionName(f) + "(" + args.map { text($0) }.joined(separator: ", ") + ")"
            }
        }
    }

    /// An operand of a prefix or postfix operator, bracketed when it is itself an operation.
    private func wrapped(_ e: BoundExpr) -> String {
        if case .call(let f, let args) = e.kind, Self.infix(f) != nil, args.count == 2 { return "(" + text(e) + ")" }
        return text(e)
    }
}

extension String {
    fileprivate func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: Substring(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
