import CrmqSource
import CrmqSyntax
import CrmqDiagnostics

// Expressions: names, literals and operators. Calls are in Calls.swift.
//
//   between  x [not] between a and b  ->  x >= a and x <= b   (not(...) when negated)
//   in       x [not] in (a, ...)      ->  inList(x, a, ...)   (not(...) when negated)
//   is null  x is [not] null          ->  isNull(x) / isNotNull(x)

extension CheckContext {
    /// Checks `expr` in `scope`; nil after reporting why it cannot be checked.
    func bind(_ expr: Expr, in scope: Scope) -> BoundExpr? {
        switch expr.kind {
        case .literal(let literal):
            return bindLiteral(literal, range: expr.range)
        case .name(let name):
            return bindName(name, range: expr.range, in: scope)
        case .unary(let op, let operand):
            guard let x = bind(operand, in: scope) else { return nil }
            return unary(op, x, range: expr.range)
        case .binary(let op, let left, let right):
            let l = bind(left, in: scope), r = bind(right, in: scope)
            guard let l, let r else { return nil }
            return binary(op, l, r, range: expr.range)
        case .call(let name, let arguments):
            return bindCall(name, arguments, range: expr.range, in: scope)
        case .inList(let subject, let items, let negated):
            let x = bind(subject, in: scope)
            let list = items.map { bind($0, in: scope) }
            guard let x, case let bound = list.compactMap({ $0 }), bound.count == list.count else { return nil }
            guard let test = inList(x, bound, range: expr.range) else { return nil }
            return negated ? .call(.not, [test], type: .bool, range: expr.range) : test
        case .between(let subject, let low, let high, let negated):
            let x = bind(subject, in: scope), lo = bind(low, in: scope), hi = bind(high, in: scope)
            guard let x, let lo, let hi else { return nil }
            let above = compare(.greaterEqual, x, lo, range: expr.range)
            let below = compare(.lessEqual, x, hi, range: expr.range)
            guard let above, let below else { return nil }
            let both = BoundExpr.call(.and, [above, below], type: .bool, range: expr.range)
            return negated ? .call(.not, [both], type: .bool, range: expr.range) : both
        case .isNull(let subject, let negated):
            guard let x = bind(subject, in: scope) else { return nil }
            return .call(negated ? .isNotNull : .isNull, [x], type: .bool, range: expr.range)
        case .subquery:
            report(.queryAsValue, at: expr.range)
            return nil
        }
    }

    func bindLiteral(_ literal: LiteralValue, range: SourceRange) -> BoundExpr? {
        switch literal {
        case .integer(let v): return .literal(.int(v), range: range)
        case .decimal(let text):
            guard let v = Double(text), v.isFinite else {
                report(.invalidNumber(text), at: range)
                return nil
            }
            return .literal(.double(v), range: range)
        case .string(let s): return .literal(.string(s), range: range)
        case .bool(let b): return .literal(.bool(b), range: range)
        case .null: return .literal(.null, range: range)
        }
    }

    // Inside a stage a name is a column of the input, otherwise a scalar `let` (inlined).
    func bindName(_ name: String, range: SourceRange, in scope: Scope) -> BoundExpr? {
        if let parameter = scope.parameters[name] { return parameter }
        switch scope.columns {
        case .row(let schema):
            if let i = schema.index(of: name) { return BoundExpr(.column(i), type: schema[i].type, range: range) }
            if let value = catalog.scalarValue(name) { return .literal(value, range: range) }
            if let (reason, remedy) = catalog.unavailableColumn(name) {
                report(.unavailableColumn(name, reason: reason), at: range, notes: remedy.map { [Note($0)] } ?? [])
                return nil
            }
            reportUnknown(.unknownColumn(name), name: name, at: range, among: schema.names, kind: "column")
        case .grouped(let groups):
            if let i = groups.keys.index(of: name) { return BoundExpr(.column(i), type: groups.keys[i].type, range: range) }
            if groups.input.index(of: name) != nil {
                report(.notGrouped(name), at: range)
                return nil
            }
            if let value = catalog.scalarValue(name) { return .literal(value, range: range) }
            reportUnknown(.unknownColumn(name), name: name, at: range, among: groups.input.names, kind: "column")
        case .none:
            if let value = catalog.scalarValue(name) { return .literal(value, range: range) }
            if catalog.tableSchema(name) != nil {
                report(.tableAsValue(name), at: range)
                return nil
            }
            if catalog.scalarNames.isEmpty {
                report(.unknownName(name), at: range, notes: [Note(
                    "here a name must be a 'let' value, and none is defined; columns exist only after a table, as in 'customers | where ...'")])
            } else {
                reportUnknown(.unknownName(name), name: name, at: range, among: catalog.scalarNames, kind: "let value")
            }
        }
        return nil
    }

    func unary(_ op: UnaryOperator, _ x: BoundExpr, range: SourceRange) -> BoundExpr? {
        switch op {
        case .not:
            guard let b = requireBool(x, op: "not") else { return nil }
            return .call(.not, [b], type: .bool, range: range)
        case .negate:
            // A negative literal stays a literal, so that `take -1` and `set x = -5` read as numbers.
            switch x.kind {
            case .literal(.int(let v)) where v != .min: return .literal(.int(-v), range: range)
            case .literal(.double(let v)): return .literal(.double(-v), range: range)
            default: break
            }
            let type = concrete(x.type)
            guard type.isNumeric, let operand = convert(x, to: type) else {
                report(.cannotNegate(text: shown(x), type: x.type), at: range)
                return nil
            }
            return .call(.negate, [operand], type: type, range: range)
        }
    }

    /// `x` as a bool operand of `op`, or a reported error.
    func requireBool(_ x: BoundExpr, op: String) -> BoundExpr? {
        guard conversionCost(x, to: .bool) != nil, let b = convert(x, to: .bool) else {
            report(.needsBool(op: op, text: shown(x), type: x.type), at: x.range)
            return nil
        }
        return b
    }

    func binary(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, range: SourceRange) -> BoundExpr? {
        switch op {
        case .and, .or:
            let lb = requireBool(l, op: op.rawValue), rb = requireBool(r, op: op.rawValue)
            guard let lb, let rb else { return nil }
            return .call(op == .and ? .and : .or, [lb, rb], type: .bool, range: range)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return compare(op, l, r, range: range)
        case .add, .subtract, .multiply, .divide, .modulo:
            return arithmetic(op, l, r, range: range)
        }
    }

    /// A comparison of two values of one type (after the implicit conversions).
    func compare(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, range: SourceRange) -> BoundExpr? {
        let function: ScalarFunction =
            switch op {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessEqual: .lessEqual
            case .greater: .greater
            default: .greaterEqual
            }
        guard literalsAreLevels([l, r]) else { return nil }
        guard let type = commonType([l, r]) else {
            // `churned == true` where churned is 0/1 (SQL and KQL habit): name crmq's spelling.
            for (x, literal) in [(l, r), (r, l)] {
                if x.type == .int, case .literal(.bool(let b)) = literal.kind {
                    report(.boolWithInt(text: shown(x), value: b, op: op.rawValue), at: literal.range)
                    return nil
                }
            }
            report(.cannotCompare(left: shown(l), leftType: l.type, right: shown(r), rightType: r.type), at: range)
            return nil
        }
        if type == .string, op != .equal, op != .notEqual,
            let ordered = [l, r].first(where: { $0.type.category != nil }), let plain = [l, r].first(where: { $0.type == .string })
        {
            // Only the levels have an order; text is ordered alphabetically. Say which to use.
            report(
                .orderAgainstText(subject: shown(ordered), type: ordered.type, text: shown(plain)), at: range,
                notes: [Note("compare with a level, as in \(text(ordered.range)) >= \"\(ordered.type.category!.levels.last!)\", or compare text with string(\(text(ordered.range)))")])
            return nil
        }
        guard let args = convertAll([l, r], to: concrete(type)) else { return nil }
        return .call(function, args, type: .bool, range: range)
    }

    func inList(_ x: BoundExpr, _ items: [BoundExpr], range: SourceRange) -> BoundExpr? {
        guard literalsAreLevels([x] + items) else { return nil }
        guard let type = commonType([x] + items) else {
            // Name the first item that does not fit the subject (or the subject's own type).
            let subjectType = x.type == .null ? (commonType(items) ?? items.first { $0.type != .null }?.type ?? .null) : x.type
            let culprit = firstMismatch(items, type: subjectType) ?? items.first { $0.type != x.type } ?? x
            report(
                .cannotCompare(left: shown(x), leftType: x.type, right: shown(culprit), rightType: culprit.type),
                at: culprit.range)
            return nil
        }
        guard let args = convertAll([x] + items, to: concrete(type)) else { return nil }
        return .call(.inList, args, type: .bool, range: range)
    }

    // + - * % on numbers (int stays int unless a double is involved), / always double,
    // and date arithmetic: date ± int -> date, int + date -> date, date - date -> int.
    // A string literal subtracted from a date, or a date from one, is read as a date (as
    // in comparisons): `d - "2024-01-01"` is a number of days.
    func arithmetic(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, range: SourceRange) -> BoundExpr? {
        var lt = l.type == .null ? (r.type == .date ? .int : r.type) : l.type
        var rt = r.type == .null ? (l.type == .date ? .int : l.type) : r.type
        if op == .subtract {
            if lt == .date && r.stringLiteral != nil { rt = .date }
            if rt == .date && l.stringLiteral != nil { lt = .date }
        }
        func fail() -> BoundExpr? {
            let verb =
                switch op {
                case .add: "add"
                case .subtract: "subtract"
                case .multiply: "multiply"
                case .divide: "divide"
                default: "take the remainder of"
                }
            report(.operandTypes(op: op.rawValue, verb: verb, left: l.type, right: r.type), at: range)
            return nil
        }
        if op == .add || op == .subtract {
            switch (lt, rt) {
            case (.date, .int):
                guard let a = convert(l, to: .date), let b = convert(r, to: .int) else { return nil }
                return .call(op == .add ? .dateAddDays : .dateSubtractDays, [a, b], type: .date, range: range)
            case (.int, .date) where op == .add:
                guard let a = convert(r, to: .date), let b = convert(l, to: .int) else { return nil }
                return .call(.dateAddDays, [a, b], type: .date, range: range)
            case (.date, .date) where op == .subtract:
                guard let a = convert(l, to: .date), let b = convert(r, to: .date) else { return nil }
                return .call(.dateDifference, [a, b], type: .int, range: range)
            default: break
            }
        }
        let lt2 = concrete(lt), rt2 = concrete(rt)
        guard lt2.isNumeric, rt2.isNumeric else { return fail() }
        let type: DataType = op == .divide || lt2 == .double || rt2 == .double ? .double : .int
        guard let a = convert(l, to: type), let b = convert(r, to: type) else { return nil }
        let function: ScalarFunction =
            switch op {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            case .divide: .divide
            default: .modulo
            }
        return .call(function, [a, b], type: type, range: range)
    }
}
