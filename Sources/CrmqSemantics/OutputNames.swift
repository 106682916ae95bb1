import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

// Output column names:
//   name = expr   -> name
//   column        -> its name
//   f(args)       -> f_<name of the first argument>, or f with no arguments
//                    (avg(amount) -> avg_amount, round(avg(x), 2) -> round_avg_x, count() -> count)
//   anything else must be named.

/// One output column of a stage as checked: its field, expression and where its name was written.
struct OutputColumn {
    var field: Field
    var expr: BoundExpr
    var nameRange: SourceRange
}

extension CheckContext {
    /// The name an unnamed expression gets, nil if it has none.
    func derivedName(_ expr: Expr) -> String? {
        switch expr.kind {
        case .name(let name): return name
        case .call(let function, let arguments):
            // Function names are case-insensitive; the derived name uses the catalog's spelling.
            let name = self.function(named: function.name) == nil ? function.name : function.name.lowercased()
            guard let first = arguments.first else { return name }
            return derivedName(first).map { "\(name)_\($0)" }
        default: return nil
        }
    }

    /// The output name of `item`; reports (with a fix-it) when it needs one written.
    func outputName(_ item: NamedExpr) -> String? {
        if let name = item.name { return name.name }
        if let name = derivedName(item.expr) { return name }
        reportUnnamed(item.expr)
        return nil
    }

    func reportUnnamed(_ expr: Expr) {
        report(.nameThisColumn, at: expr.range, fixIts: [FixIt(range: .at(expr.range.start), replacement: "name = ")])
    }

    /// Where an item's output name comes from, for duplicate messages.
    func nameRange(_ item: NamedExpr) -> SourceRange { item.name?.range ?? item.expr.range }

    /// Reports every name used twice, pointing at the second use with a note at the first.
    /// True when all names are distinct.
    func checkDistinctNames(_ names: [(name: String, range: SourceRange)]) -> Bool {
        var first: [String: SourceRange] = [:]
        var ok = true
        for (name, range) in names {
            if let earlier = first[name] {
                report(.duplicateColumn(name), at: range, notes: [note("'\(name)' is first named here", at: earlier)])
                ok = false
            } else {
                first[name] = range
            }
        }
        return ok
    }

    /// Checks a list of output items (select, distinct, by keys) over one scope, reporting
    /// every independent problem; nil if any item failed.
    func checkItems(_ items: [NamedExpr], in scope: Scope) -> [OutputColumn]? {
        var columns: [OutputColumn] = []
        var failed = false
        for item in items {
            let name = outputName(item)
            let bound = bind(item.expr, in: scope)
            guard let name, let bound else {
                failed = true
                continue
            }
            columns.append(OutputColumn(field: Field(name, bound.type), expr: bound, nameRange: nameRange(item)))
        }
        if failed { return nil }
        return columns
    }
}
