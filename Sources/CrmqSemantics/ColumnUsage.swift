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
        switch kind {
        case .scan(let table):
            usage[table, default: []].formUnion(needed)
        case .filter(let input, let predicate):
            input.collect(needed: needed.union(predicate.columns), into: &usage)
        case .project(let input, let exprs):
            var inner = Set<Int>()
            for i in needed where i < exprs.count { inner.formUnion(exprs[i].columns) }
            input.collect(needed: inner, into: &usage)
        case .sort(let input, let keys), .topN(let input, let keys, _):
            input.collect(needed: keys.reduce(needed) { $0.union($1.expr.columns) }, into: &usage)
        case .limit(let input, _):
            input.collect(needed: needed, into: &usage)
        case .aggregate(let input, let keys, let aggregates):
            var inner = Set<Int>()
            for k in keys { inner.formUnion(k.columns) }
            for a in aggregates { for e in a.arguments { inner.formUnion(e.columns) } }
            input.collect(needed: inner, into: &usage)
        case .appendShare(let input, let of):
            input.collect(needed: needed.filter { $0 < input.schema.count }.union([of]), into: &usage)
        case .join(let left, let right, let keys, _, let rightColumns):
            let leftCount = left.schema.count
            var l = Set(needed.filter { $0 < leftCount }), r = Set<Int>()
            for i in needed where i >= leftCount && i - leftCount < rightColumns.count {
                r.insert(rightColumns[i - leftCount])
            }
            for k in keys {
                l.insert(k.left)
                r.insert(k.right)
            }
            left.collect(needed: l, into: &usage)
            right.collect(needed: r, into: &usage)
        case .distinct(let input):
            input.collect(needed: Set(0..<input.schema.count), into: &usage)
        case .tableFunction(_, let input, _):
            // A table function reads the columns it was told to use; keep it simple: all.
            input.collect(needed: Set(0..<input.schema.count), into: &usage)
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
