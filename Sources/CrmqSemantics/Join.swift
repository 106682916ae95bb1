import CrmqSource
import CrmqSyntax

// join source on key, ... [kind inner|left]
//   source: a table or `let` name, or a (subquery)
//   key:    col (the same name on both sides) or left_col == right_col; both of one type
// Output: every left column, then the right columns except the right keys; a right column
// whose name is taken gets the suffix _right (then _right2, _right3, ...).

extension CheckContext {
    func join(_ source: Expr, on keys: [JoinKey], kind: JoinKind, left: Plan) -> Plan? {
        let right: Plan
        switch source.kind {
        case .name, .subquery, .call:
            guard let checked = checkSource(source, hasStages: true) else { return nil }
            switch checked {
            case .table(let plan): right = plan
            case .scalar(let value):
                report(.notATable(text(value.range)), at: source.range)
                return nil
            case .chart:
                return nil  // checkSource reported that a chart is not a table
            }
        default:
            report(.joinSource(shown(source)), at: source.range)
            return nil
        }
        let rightLabel: String
        if case .name(let name) = source.kind { rightLabel = "'\(name)'" } else { rightLabel = "the joined table" }

        var pairs: [PlanJoinKey] = []
        var failed = false
        for key in keys {
            let l = left.schema.index(of: key.left.name)
            if l == nil {
                reportUnknown(.unknownColumn(key.left.name), name: key.left.name, at: key.left.range,
                              among: left.schema.names, kind: "column")
            }
            let r = right.schema.index(of: key.right.name)
            if r == nil {
                reportUnknown(.unknownColumnIn(key.right.name, table: rightLabel), name: key.right.name,
                              at: key.right.range, among: right.schema.names, kind: "column")
            }
            guard let l, let r else {
                failed = true
                continue
            }
            let lt = left.schema[l].type, rt = right.schema[r].type
            // Text meets text (a category by its levels' text); other types must agree.
            if lt != rt, !(lt.isText && rt.isText) {
                report(.joinKeyTypes(left: key.left.name, leftType: lt, right: key.right.name, rightType: rt),
                       at: key.left.range.union(key.right.range))
                failed = true
                continue
            }
            pairs.append(PlanJoinKey(left: l, right: r))
        }
        if failed { return nil }

        let rightKeys = Set(pairs.map(\.right))
        var fields = left.schema.fields
        var taken = Set(fields.map(\.name))
        var rightColumns: [Int] = []
        for (j, field) in right.schema.fields.enumerated() where !rightKeys.contains(j) {
            var name = field.name
            if taken.contains(name) {
                name = field.name + "_right"
                var n = 2
                while taken.contains(name) || right.schema.index(of: name) != nil {
                    name = field.name + "_right\(n)"
                    n += 1
                }
            }
            taken.insert(name)
            fields.append(Field(name, field.type))
            rightColumns.append(j)
        }
        let planKind: PlanJoinKind = kind == .left ? .left : .inner
        return Plan(
            .join(left: left, right: right, keys: pairs, kind: planKind, rightColumns: rightColumns),
            schema: Schema(fields))
    }
}
