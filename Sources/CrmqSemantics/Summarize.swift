import CrmqDiagnostics
import CrmqSource
import CrmqSyntax

// count [by keys]            -> aggregate(keys, [countRows] as n), then appendShare(n) as share when grouped
// summarize items [by keys]  -> aggregate(keys, the aggregate calls found in the items),
//                               then a project computing each item from keys and aggregates
//                               (left out when every item is exactly one aggregate, in order).
// Output columns: the keys first, then the items (or n and share).

extension CheckContext {
    func count(by items: [NamedExpr], _ input: Plan, stage: Stage) -> Plan? {
        guard let keys = checkItems(items, in: Scope(columns: .row(input.schema), aggregates: .inBy)) else { return nil }
        guard checkDistinctNames(keys.map { ($0.field.name, $0.nameRange) }) else { return nil }
        // A key named like a column count adds is reported at the key, saying where the
        // other column comes from.
        let added = keys.isEmpty ? ["n"] : ["n", "share"]
        var clash = false
        for key in keys where added.contains(key.field.name) {
            let name = key.field.name
            report(.duplicateColumn(name), at: key.nameRange, notes: [Note(
                "'count by' adds the columns 'n' and 'share' itself; name the key differently, as in "
                    + "'count by \(name)_value = \(text(key.expr.range))'")])
            clash = true
        }
        if clash { return nil }

        let rows = BoundAggregate(function: .countRows, arguments: [], type: .int, range: stage.name.range)
        let counted = Plan(
            .aggregate(input, keys: keys.map(\.expr), aggregates: [rows]),
            schema: Schema(keys.map(\.field) + [Field("n", .int)]))
        if keys.isEmpty { return counted }
        return Plan(.appendShare(counted, of: keys.count), schema: Schema(counted.schema.fields + [Field("share", .double)]))
    }

    func summarize(_ items: [NamedExpr], by: [NamedExpr], _ input: Plan) -> Plan? {
        guard let keys = checkItems(by, in: Scope(columns: .row(input.schema), aggregates: .inBy)) else { return nil }
        let keySchema = Schema(keys.map(\.field))
        let collector = AggregateCollector(input: input.schema, keys: keySchema)
        let scope = Scope(columns: .grouped(collector), aggregates: .collect(collector))
        guard let values = checkItems(items, in: scope),
            checkDistinctNames((keys + values).map { ($0.field.name, $0.nameRange) })
        else { return nil }

        let aggregateFields = zip(collector.labels, collector.aggregates).map { Field($0, $1.type) }
        let grouped = Plan(
            .aggregate(input, keys: keys.map(\.expr), aggregates: collector.aggregates),
            schema: Schema(keySchema.fields + aggregateFields))
        let outputSchema = Schema(keySchema.fields + values.map(\.field))

        let isBare = values.count == collector.aggregates.count
            && values.enumerated().allSatisfy { k, value in
                if case .column(let i) = value.expr.kind { return i == keys.count + k }
                return false
            }
        if isBare { return Plan(grouped.kind, schema: outputSchema) }
        let keyColumns = keySchema.fields.indices.map { i in
            BoundExpr(.column(i), type: keySchema[i].type, range: keys[i].expr.range)
        }
        return Plan(.project(grouped, keyColumns + values.map(\.expr)), schema: outputSchema)
    }
}
