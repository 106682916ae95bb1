import CrmqDiagnostics
import CrmqSource
import CrmqSyntax

// window items [by keys] [sort keys] -> window(input, keys, order, the window functions and
//                                        aggregates found in the items), then a project: every
//                                        input column, an item of the same name replacing it in
//                                        place, the other items after them (as `extend` does).
// top n by keys per groups          -> topNPerGroup
//
// Window functions are allowed only in a window stage's items, where each call becomes a
// column of the window node (WindowCollector); their arguments see the input rows, without
// window functions or aggregates. An aggregate in an item is computed over the row's group.

extension CheckContext {
    func window(_ stage: WindowStage, _ input: Plan) -> Plan? {
        let keyScope = { (clause: String) in Scope(columns: .row(input.schema), aggregates: .inWindowKeys(clause)) }
        let groups = stage.by.map { bind($0.expr, in: keyScope("by")) }
        let order = stage.sort.map { item in
            bind(item.expr, in: keyScope("sort")).map { SortKey(expr: $0, descending: item.direction == .descending) }
        }
        let collector = WindowCollector(input: input.schema)
        let itemScope = Scope(columns: .row(input.schema), aggregates: .window(collector))
        let items = stage.items.map { bind($0.expr, in: itemScope) }
        let names = stage.items.compactMap { item in item.name.map { ($0.name, $0.range) } }
        guard checkDistinctNames(names) else { return nil }
        guard case let boundGroups = groups.compactMap({ $0 }), boundGroups.count == groups.count,
            case let boundOrder = order.compactMap({ $0 }), boundOrder.count == order.count,
            case let boundItems = items.compactMap({ $0 }), boundItems.count == items.count
        else { return nil }
        if boundOrder.isEmpty {
            var unordered = false
            for case .function(let call) in collector.computations where call.function.needsOrder {
                report(.windowNeedsOrder(call.function.rawValue), at: call.range)
                unordered = true
            }
            if unordered { return nil }
        }

        let computedFields = zip(collector.labels, collector.computations).map { Field($0, $1.type) }
        let windowed = Plan(
            .window(input, groups: boundGroups, order: boundOrder, computations: collector.computations),
            schema: Schema(input.schema.fields + computedFields))
        var fields = input.schema.fields
        var exprs = fields.indices.map { BoundExpr(.column($0), type: fields[$0].type, range: SourceRange.at(0)) }
        for (item, bound) in zip(stage.items, boundItems) {
            guard let name = item.name?.name else { continue }  // the parser requires names
            if let i = fields.firstIndex(where: { $0.name == name }) {
                fields[i] = Field(name, bound.type)
                exprs[i] = bound
            } else {
                fields.append(Field(name, bound.type))
                exprs.append(bound)
            }
        }
        return Plan(.project(windowed, exprs), schema: Schema(fields))
    }

    /// `top n by keys per groups`: the first n rows of each group.
    func topPerGroup(count n: Int, keys: [SortKey], per: [NamedExpr], _ input: Plan) -> Plan? {
        let groups = per.map { bind($0.expr, in: .row(input.schema)) }
        let bound = groups.compactMap { $0 }
        guard bound.count == groups.count else { return nil }
        return Plan(.topNPerGroup(input, groups: bound, keys: keys, count: n), schema: input.schema)
    }

    /// A call of a window function: allowed in a window stage's items only.
    func bindWindow(
        _ function: WindowFunction, _ fname: String, _ arguments: [Expr], range: SourceRange, in scope: Scope
    ) -> BoundExpr? {
        let collector: WindowCollector
        switch scope.aggregates {
        case .window(let w):
            collector = w
        case .inWindowKeys(let clause):
            report(.windowKey(kind: "window function", name: fname, clause: clause), at: range)
            return nil
        case .inside(let outer):
            report(.nestedWindow(inner: "window function '\(fname)'", outer: "aggregate '\(outer)'"), at: range)
            return nil
        case .insideWindow(let outer):
            report(.nestedWindow(inner: "window function '\(fname)'", outer: "window function '\(outer)'"), at: range)
            return nil
        case .outsideSummarize, .inBy, .collect:
            let info = self.function(named: fname)
            report(.windowOutsideWindow(fname, signature: info?.signature ?? fname + "()"), at: range,
                   notes: info.map { [Note("for example: \($0.example)")] } ?? [])
            return nil
        }
        let inner = Scope(columns: .row(collector.input), aggregates: .insideWindow(fname))
        let label = "\(fname)(" + arguments.map { text($0.range) }.joined(separator: ", ") + ")"
        func call(_ args: [BoundExpr], parameter: Int = 0, type: DataType) -> BoundExpr {
            collector.column(
                for: BoundWindowCall(function: function, arguments: args, parameter: parameter, type: type, range: range),
                label: label)
        }

        switch function {
        case .rowNumber, .rank, .denseRank, .ntile:
            guard function == .ntile else { return call([], type: .int) }
            guard let tiles = wholeNumber(arguments[0], atLeast: 1) else {
                report(.ntileCount(shown(arguments[0])), at: arguments[0].range)
                return nil
            }
            return call([], parameter: tiles, type: .int)
        case .percentRank, .cumeDist:
            return call([], type: .double)
        case .lag, .lead:
            let x = bind(arguments[0], in: inner)
            var offset: Int? = 1
            if arguments.count > 1 {
                offset = wholeNumber(arguments[1], atLeast: 0)
                if offset == nil { report(.windowOffset(function: fname, text: shown(arguments[1])), at: arguments[1].range) }
            }
            let fallback = arguments.count > 2 ? bind(arguments[2], in: inner) : BoundExpr.literal(.null, range: range)
            guard let x, let offset, let fallback else { return nil }
            guard let type = commonType([x, fallback]) else {
                reportMixed(fname, [x, fallback])
                return nil
            }
            let concreteType = concrete(type)
            guard let converted = convertAll([x, fallback], to: [concreteType, concreteType]) else { return nil }
            return call(converted, parameter: offset, type: concreteType)
        case .runningSum, .share:
            guard let x = bind(arguments[0], in: inner) else { return nil }
            let accepted: [DataType] = function == .runningSum ? [.int, .double, .bool, .null] : [.int, .double, .null]
            guard accepted.contains(x.type) else {
                report(.argumentType(function: fname, position: 1, expected: function == .runningSum ? "a number or true/false" : "a number",
                                     text: shown(x), type: x.type), at: x.range)
                return nil
            }
            if function == .share {
                guard let value = convert(x, to: .double) else { return nil }
                return call([value], type: .double)
            }
            // A running count of true values is a running sum of 1s.
            if x.type == .bool { return call([.call(.toInt, [x], type: .int, range: x.range)], type: .int) }
            let type = concrete(x.type)
            guard let value = convert(x, to: type) else { return nil }
            return call([value], type: type)
        }
    }

    /// A whole-number constant (a literal or scalar `let`) of at least `minimum`.
    /// Anything else is nil, reported by the caller alone.
    private func wholeNumber(_ expr: Expr, atLeast minimum: Int64) -> Int? {
        var value: Int64?
        switch expr.kind {
        case .literal(.integer(let n)): value = n
        case .name(let name): if case .int(let n) = catalog.scalarValue(name) { value = n }
        default: break
        }
        guard let n = value, n >= minimum, n <= Int64(Int32.max) else { return nil }
        return Int(n)
    }
}
