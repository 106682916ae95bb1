import CrmqSource
import CrmqSyntax

// Function calls: the name is looked up in FunctionCatalog (case-insensitively), the
// arguments are checked, and the overload with the fewest implicit conversions wins.

extension CheckContext {
    func bindCall(_ name: Identifier, _ arguments: [Expr], range: SourceRange, in scope: Scope) -> BoundExpr? {
        guard let info = function(named: name.name) else {
            if catalog.tableFunction(name.name) != nil {
                report(.tableFunctionAsValue(name.name), at: name.range)
            } else {
                reportUnknown(
                    .unknownFunction(name.name), name: name.name, at: name.range,
                    among: functionNames + catalog.tableFunctionNames, kind: "function")
            }
            return nil
        }
        let fname = name.name.lowercased()
        if info.definition == nil, let expected = info.rule.arityText(accepting: arguments.count) {
            report(.argumentCount(function: fname, expected: expected, given: arguments.count), at: range)
            return nil
        }
        if info.kind == .aggregate {
            return bindAggregate(info, fname, arguments, range: range, in: scope)
        }
        if case .window(let function, _) = info.rule {
            return bindWindow(function, fname, arguments, range: range, in: scope)
        }
        let bound = arguments.map { bind($0, in: scope) }
        let args = bound.compactMap { $0 }
        guard args.count == bound.count else { return nil }

        switch info.rule {
        case .overloads(let overloads):
            return resolve(fname, overloads, args, range: range)
        case .sameType(let function, _, let allowed):
            guard let type = commonType(args) else {
                reportMixed(fname, args)
                return nil
            }
            // A category goes where strings do (least/greatest then compare by level).
            if !allowed.isEmpty, type != .null, !allowed.contains(type),
                !(type.category != nil && allowed.contains(.string))
            {
                let culprit = args.first { $0.type != .null }!
                report(
                    .argumentType(function: fname, position: 1, expected: describe(allowed), text: shown(culprit),
                                  type: culprit.type), at: culprit.range)
                return nil
            }
            let concreteType = concrete(type)
            guard let converted = convertAll(args, to: concreteType) else { return nil }
            return .call(function, converted, type: concreteType, range: range)
        case .concat:
            let parts = args.map { arg -> BoundExpr in
                if arg.type == .string { return arg }
                if arg.type == .null { return convert(arg, to: .string)! }
                return .call(.toString, [arg], type: .string, range: arg.range)
            }
            return .call(.concat, parts, type: .string, range: range)
        case .ifThenElse:
            guard conversionCost(args[0], to: .bool) != nil, let condition = convert(args[0], to: .bool) else {
                report(
                    .argumentType(function: fname, position: 1, expected: "true/false", text: shown(args[0]),
                                  type: args[0].type), at: args[0].range)
                return nil
            }
            let branches = Array(args[1...])
            guard let type = commonType(branches) else {
                reportMixed(fname, branches)
                return nil
            }
            guard let converted = convertAll(branches, to: type) else { return nil }
            return .call(.ifThenElse, [condition] + converted, type: type, range: range)
        case .dateTrunc:
            return dateTrunc(fname, unit: arguments[0], args[1], range: range)
        case .convert(let target):
            return convertCall(fname, to: target, args[0], range: range)
        case .ordered:
            return orderedCall(args, range: range)
        case .aggregate, .percentile, .defined, .window:
            return nil  // aggregates and window functions were handled above
        }
    }

    /// The overload needing the fewest conversions; `date("...")` of a literal is read now.
    func resolve(_ fname: String, _ overloads: [ScalarOverload], _ args: [BoundExpr], range: SourceRange) -> BoundExpr? {
        let candidates = overloads.filter { $0.parameters.count == args.count }
        var best: (overload: ScalarOverload, cost: Int)?
        for overload in candidates {
            var cost = 0
            var fits = true
            for (arg, parameter) in zip(args, overload.parameters) {
                guard let c = conversionCost(arg, to: parameter) else {
                    fits = false
                    break
                }
                cost += c
            }
            if fits, best == nil || cost < best!.cost { best = (overload, cost) }
        }
        guard let overload = best?.overload else {
            reportArgumentMismatch(fname, candidates.map { $0.parameters.map { Optional($0) } }, args)
            return nil
        }
        if overload.function == .toDate, args[0].stringLiteral != nil {
            guard var date = convert(args[0], to: .date) else { return nil }
            date.range = range
            return date
        }
        guard let converted = convertAll(args, to: overload.parameters) else { return nil }
        return .call(overload.function, converted, type: overload.result, range: range)
    }

    func convertAll(_ args: [BoundExpr], to types: [DataType]) -> [BoundExpr]? {
        var out: [BoundExpr] = []
        var failed = false
        for (arg, type) in zip(args, types) {
            if let c = convert(arg, to: type) { out.append(c) } else { failed = true }
        }
        return failed ? nil : out
    }

    /// Names the first argument that no signature of this arity accepts.
    func reportArgumentMismatch(_ fname: String, _ signatures: [[DataType?]], _ args: [BoundExpr]) {
        for (i, arg) in args.enumerated() {
            let allowed = signatures.map { $0[i] }
            if allowed.contains(where: { $0 == nil }) { continue }
            let types = allowed.compactMap { $0 }
            if !types.contains(where: { conversionCost(arg, to: $0) != nil }) {
                report(
                    .argumentType(function: fname, position: i + 1, expected: describe(types), text: shown(arg),
                                  type: arg.type), at: arg.range)
                return
            }
        }
        // Each argument fits some signature but no signature fits them all.
        reportMixed(fname, args)
    }

    func reportMixed(_ fname: String, _ args: [BoundExpr]) {
        let typed = args.filter { $0.type != .null }
        guard let first = typed.first else { return }
        let other = typed.first { commonType([first, $0]) == nil } ?? typed.last!
        report(
            .mixedTypes(function: fname, first: shown(first), firstType: first.type, second: shown(other),
                        secondType: other.type), at: other.range)
    }

    /// "a number or a string": what a parameter accepts, int being covered by double.
    func describe(_ types: [DataType]) -> String {
        var words: [String] = []
        for type in types {
            let word =
                switch type {
                case .double: "a number"
                case .int: types.contains(.double) ? "a number" : "an integer"
                case .string: "a string"
                case .date: "a date"
                case .bool: "true/false"
                case .null: "null"
                case .category(let c): "one of " + c.levels.map { "\"\($0)\"" }.joined(separator: ", ")
                }
            if !words.contains(word) { words.append(word) }
        }
        return words.joined(separator: " or ")
    }

    private func dateTrunc(_ fname: String, unit: Expr, _ date: BoundExpr, range: SourceRange) -> BoundExpr? {
        let units = ["year", "quarter", "month", "week"]
        var unitValue: String?
        if case .literal(.string(let u)) = unit.kind, units.contains(u.lowercased()) { unitValue = u.lowercased() }
        guard let unitValue else {
            report(.dateTruncUnit(shown(unit)), at: unit.range)
            return nil
        }
        guard conversionCost(date, to: .date) != nil else {
            report(
                .argumentType(function: fname, position: 2, expected: "a date", text: shown(date), type: date.type),
                at: date.range)
            return nil
        }
        guard let d = convert(date, to: .date) else { return nil }
        return .call(.dateTrunc, [.literal(.string(unitValue), range: unit.range), d], type: .date, range: range)
    }

    // int(x), double(x), string(x): a no-op when x already has the type.
    private func convertCall(_ fname: String, to target: DataType, _ x: BoundExpr, range: SourceRange) -> BoundExpr? {
        // A category converts as its text: int(size) reads "3" as 3.
        var x = x
        if x.type.category != nil, target != .string { x = convert(x, to: .string)! }
        if x.type == target || x.type == .null {
            var same = convert(x, to: target)!
            same.range = range
            return same
        }
        let function: ScalarFunction?
        switch (target, x.type) {
        case (.string, _): function = .toString
        case (.int, .double), (.int, .string), (.int, .bool): function = .toInt
        case (.double, .int): function = .intToDouble
        case (.double, .string), (.double, .bool): function = .toDouble
        default: function = nil
        }
        guard let function else {
            report(
                .argumentType(function: fname, position: 1, expected: "a number, a string or true/false",
                              text: shown(x), type: x.type), at: x.range)
            return nil
        }
        return .call(function, [x], type: target, range: range)
    }
}

extension CheckContext {
    /// ordered(s, "level", ...): text made an ordered category. The levels must be distinct
    /// string literals; the category is in the result type, so only `s` is an argument.
    func orderedCall(_ args: [BoundExpr], range: SourceRange) -> BoundExpr? {
        let x = args[0]
        guard x.type.isText || x.type == .null else {
            report(
                .argumentType(function: "ordered", position: 1, expected: "a string", text: shown(x), type: x.type),
                at: x.range)
            return nil
        }
        var levels: [String] = []
        for (i, arg) in args.enumerated().dropFirst() {
            guard let level = arg.stringLiteral else {
                report(.orderedLevel(position: i + 1, text: shown(arg)), at: arg.range)
                return nil
            }
            guard !levels.contains(level) else {
                report(.duplicateLevel(level), at: arg.range)
                return nil
            }
            levels.append(level)
        }
        guard let text = convert(x, to: .string) else { return nil }
        return .call(.toCategory, [text], type: .category(CategoryType(levels)), range: range)
    }
}

extension FunctionRule {
    /// nil when `count` arguments are accepted, else what is accepted ("1 or 2 arguments").
    func arityText(accepting count: Int) -> String? {
        let counts: [Int]
        switch self {
        case .overloads(let overloads): counts = Array(Set(overloads.map(\.parameters.count))).sorted()
        case .aggregate(let overloads): counts = Array(Set(overloads.map(\.parameters.count))).sorted()
        case .sameType(_, let minimum, _):
            return count >= minimum ? nil : "at least \(minimum) argument\(minimum == 1 ? "" : "s")"
        case .concat: return count >= 1 ? nil : "at least 1 argument"
        case .ifThenElse: counts = [3]
        case .dateTrunc, .percentile: counts = [2]
        case .convert: counts = [1]
        case .ordered: return count >= 2 ? nil : "a column and at least 1 level"
        case .defined(let definition): counts = Array(Set(definition.forms.map(\.arity))).sorted()
        case .window(_, let arities): counts = arities
        }
        if counts.contains(count) { return nil }
        if counts == [0] { return "no arguments" }
        let numbers = counts.map(String.init)
        let list = numbers.count == 1 ? numbers[0] : numbers.dropLast().joined(separator: ", ") + " or " + numbers.last!
        return "\(list) argument\(counts == [1] ? "" : "s")"
    }
}
