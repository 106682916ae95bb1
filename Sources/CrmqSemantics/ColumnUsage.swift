/// Which columns of each scanned table a plan reads: the session computes a table's
/// computed columns (the CRM measures of `customers`) only when a query uses them.
extension Plan {
    /// For each table the plan scans, the indexes of its columns that some node reads.
    public func scannedColumns() -> [String: Set<Int>] {
        var usage: [String: Set<Int>] = [:]
        collect(needed: Set(0..<schema.count), into: &usage)
        return usage
    }

    /// Walks down from this node, given which of its output columns are needed.
    private func collect(needed: Set<Int>, into usage: inout [String: Set<Int>]) {
        if case .scan(let table) = kind {
            usage[table, default: []].formUnion(needed)
            return
        }
        for (input, columns) in zip(inputs, inputNeeds(needed)) { input.collect(needed: columns, into: &usage) }
    }

    /// The plans this node reads, in order (left, then right, for a join).
    public var inputs: [Plan] {
        switch kind {
        case .scan: []
        case .filter(let input, _), .project(let input, _), .sort(let input, _), .topN(let input, _, _),
            .limit(let input, _), .aggregate(let input, _, _), .appendShare(let input, _), .distinct(let input),
            .tableFunction(_, let input, _), .definition(_, _, let input):
            [input]
        case .join(let left, let right, _, _, _): [left, right]
        case .window(let input, _, _, _), .topNPerGroup(let input, _, _, _): [input]
        }
    }

    /// The node with `new` in place of `inputs`, in the same order.
    public func replacingInputs(_ new: [Plan]) -> Plan {
        switch kind {
        case .scan: self
        case .filter(_, let e): Plan(.filter(new[0], predicate: e), schema: schema)
        case .project(_, let e): Plan(.project(new[0], e), schema: schema)
        case .sort(_, let k): Plan(.sort(new[0], keys: k), schema: schema)
        case .limit(_, let n): Plan(.limit(new[0], count: n), schema: schema)
        case .topN(_, let k, let n): Plan(.topN(new[0], keys: k, count: n), schema: schema)
        case .aggregate(_, let k, let a): Plan(.aggregate(new[0], keys: k, aggregates: a), schema: schema)
        case .appendShare(_, let of): Plan(.appendShare(new[0], of: of), schema: schema)
        case .distinct: Plan(.distinct(new[0]), schema: schema)
        case .tableFunction(let n, _, let o): Plan(.tableFunction(name: n, input: new[0], options: o), schema: schema)
        case .definition(let n, let a, _): Plan(.definition(name: n, arguments: a, new[0]), schema: schema)
        case .window(_, let g, let o, let c): Plan(.window(new[0], groups: g, order: o, computations: c), schema: schema)
        case .topNPerGroup(_, let g, let k, let n): Plan(.topNPerGroup(new[0], groups: g, keys: k, count: n), schema: schema)
        case .join(_, _, let k, let kind, let rc):
            Plan(.join(left: new[0], right: new[1], keys: k, kind: kind, rightColumns: rc), schema: schema)
        }
    }

    /// For each of `inputs`, the columns this node reads of it when `needed` are the output
    /// columns wanted of this node: what it computes them from, and what it tests or sorts by.
    public func inputNeeds(_ needed: Set<Int>) -> [Set<Int>] {
        switch kind {
        case .scan:
            return []
        case .filter(_, let predicate):
            return [needed.union(predicate.columns)]
        case .project(_, let exprs):
            var inner = Set<Int>()
            for i in needed where i < exprs.count { inner.formUnion(exprs[i].columns) }
            return [inner]
        case .sort(_, let keys), .topN(_, let keys, _):
            return [keys.reduce(needed) { $0.union($1.expr.columns) }]
        case .limit, .definition:
            return [needed]
        case .aggregate(_, let keys, let aggregates):
            var inner = Set<Int>()
            for k in keys { inner.formUnion(k.columns) }
            for a in aggregates { for e in a.arguments { inner.formUnion(e.columns) } }
            return [inner]
        case .appendShare(let input, let of):
            return [needed.filter { $0 < input.schema.count }.union([of])]
        case .join(let left, _, let keys, _, let rightColumns):
            let leftCount = left.schema.count
            var l = Set(needed.filter { $0 < leftCount }), r = Set<Int>()
            for i in needed where i >= leftCount && i - leftCount < rightColumns.count {
                r.insert(rightColumns[i - leftCount])
            }
            for k in keys {
                l.insert(k.left)
                r.insert(k.right)
            }
            return [l, r]
        case .distinct(let input):
            return [Set(0..<input.schema.count)]
        case .tableFunction(_, let input, _):
            // A table function reads the columns it was told to use; keep it simple: all.
            return [Set(0..<input.schema.count)]
        case .window(let input, let groups, let order, let computations):
            var inner = Set(needed.filter { $0 < input.schema.count })
            for g in groups { inner.formUnion(g.columns) }
            for k in order { inner.formUnion(k.expr.columns) }
            for (j, c) in computations.enumerated() where needed.contains(input.schema.count + j) {
                for e in c.arguments { inner.formUnion(e.columns) }
            }
            return [inner]
        case .topNPerGroup(_, let groups, let keys, _):
            let grouped = groups.reduce(needed) { $0.union($1.columns) }
            return [keys.reduce(grouped) { $0.union($1.expr.columns) }]
        }
    }
}

extension BoundExpr {
    /// The input columns this expression reads.
    public var columns: Set<Int> {
        switch kind {
        case .column(let i): [i]
        case .literal: []
        case .call(_, let args): args.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        }
    }
}
