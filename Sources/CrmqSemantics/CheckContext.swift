import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

/// The state of checking one statement: the catalog, the source text, and the
/// diagnostics found so far. Checking functions return nil after reporting a problem,
/// so a caller whose part failed stays silent (no cascades).
final class CheckContext {
    let catalog: any Catalog
    let file: SourceFile
    var diagnostics: [Diagnostic] = []

    init(catalog: any Catalog, file: SourceFile) {
        self.catalog = catalog
        self.file = file
    }

    func report(_ message: CheckMessage, at range: SourceRange, notes: [Note] = [], fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(message, in: file, at: range, notes: notes, fixIts: fixIts))
    }

    /// Reports an unknown name with a did-you-mean note over `candidates`.
    func reportUnknown(_ message: CheckMessage, name: String, at range: SourceRange, among candidates: [String], kind: String) {
        report(message, at: range, notes: [Note(Suggestions.note(for: name, among: candidates, kind: kind))])
    }

    /// A note pointing at `range` of this statement's source.
    func note(_ text: String, at range: SourceRange) -> Note {
        Note(text, at: .source(file, range))
    }

    func text(_ range: SourceRange) -> String { file.text(of: range) }

    /// An expression as messages show it: literals as written, anything else in quotes.
    func shown(_ range: SourceRange, isLiteral: Bool) -> String {
        isLiteral ? text(range) : "'\(text(range))'"
    }

    func shown(_ expr: Expr) -> String {
        if case .literal = expr.kind { return shown(expr.range, isLiteral: true) }
        // A negative number is a literal too (as the checker folds it): -0.1, like 1.5.
        if case .unary(.negate, let operand) = expr.kind, case .literal(let value) = operand.kind {
            switch value {
            case .integer, .decimal: return shown(expr.range, isLiteral: true)
            default: break
            }
        }
        return shown(expr.range, isLiteral: false)
    }

    func shown(_ expr: BoundExpr) -> String {
        // A scalar `let` is inlined as a literal but written as a name: show what was written.
        let written = text(expr.range)
        if case .literal = expr.kind,
            ["true", "false", "null"].contains(written.lowercased()) || !(written.first?.isLetter ?? true)
        {
            return written
        }
        return "'\(written)'"
    }
}

/// What an expression may refer to where it is checked.
struct Scope {
    /// The columns names resolve to.
    enum Columns {
        /// No columns: a scalar statement, a `set` value, a `take` count.
        case none
        /// The columns of the table flowing into a stage.
        case row(Schema)
        /// A `summarize` item outside any aggregate: only the `by` keys are columns.
        case grouped(AggregateCollector)
    }

    /// Whether aggregate and window function calls are allowed, and what to say when they are not.
    enum Aggregates {
        case outsideSummarize
        case inBy
        /// In the arguments of this aggregate.
        case inside(String)
        case collect(AggregateCollector)
        /// The items of a `window` stage: window functions and aggregates (over the row's group).
        case window(WindowCollector)
        /// In the arguments of this window function.
        case insideWindow(String)
        /// In the `by` or `sort` keys ("by", "sort") of a `window` stage.
        case inWindowKeys(String)
    }

    /// The body of a defined aggregate being bound in place of a call: what its aggregates
    /// are labelled after, and the call's range their source ranges take.
    struct Expansion {
        var label: String
        var range: SourceRange
    }

    var columns: Columns
    var aggregates: Aggregates
    /// Names bound to expressions before columns are looked up: a definition's parameters.
    var parameters: [String: BoundExpr] = [:]
    var expansion: Expansion? = nil

    static var scalar: Scope { Scope(columns: .none, aggregates: .outsideSummarize) }
    static func row(_ schema: Schema) -> Scope { Scope(columns: .row(schema), aggregates: .outsideSummarize) }
}

/// Where the aggregate calls of a stage's items go: a column each, of the node that computes them.
protocol AggregateSink: AnyObject {
    /// The columns the aggregates' arguments see.
    var input: Schema { get }
    /// The column computing `aggregate`, labelled `label` (its text: a repeated call is one column).
    func column(for aggregate: BoundAggregate, label: String) -> BoundExpr
}

/// The aggregates found in the items of one `summarize`, in order of first use. Each becomes
/// a column of the aggregate node after the keys; an identical call (same function and
/// argument text) is computed once.
final class AggregateCollector: AggregateSink {
    let input: Schema
    let keys: Schema
    private(set) var aggregates: [BoundAggregate] = []
    private(set) var labels: [String] = []

    init(input: Schema, keys: Schema) {
        self.input = input
        self.keys = keys
    }

    /// The column (in the aggregate node's output) computing `aggregate`, labelled `label`.
    func column(for aggregate: BoundAggregate, label: String) -> BoundExpr {
        let index: Int
        // The same text, or the same computation written another way (a defined aggregate's
        // body next to a plain call: churn_rate() beside retention_rate()), is one column.
        if let existing = labels.firstIndex(of: label) ?? aggregates.firstIndex(of: aggregate) {
            index = existing
        } else {
            aggregates.append(aggregate)
            labels.append(label)
            index = aggregates.count - 1
        }
        return BoundExpr(.column(keys.count + index), type: aggregate.type, range: aggregate.range)
    }
}

/// The window functions and aggregates found in the items of one `window` stage, in order of
/// first use. Each becomes a column of the window node after the input's columns; an identical
/// call (same text) is computed once.
final class WindowCollector: AggregateSink {
    let input: Schema
    private(set) var computations: [WindowComputation] = []
    private(set) var labels: [String] = []

    init(input: Schema) {
        self.input = input
    }

    func column(for aggregate: BoundAggregate, label: String) -> BoundExpr {
        column(.aggregate(aggregate), label: label, range: aggregate.range)
    }

    func column(for call: BoundWindowCall, label: String) -> BoundExpr {
        column(.function(call), label: label, range: call.range)
    }

    private func column(_ computation: WindowComputation, label: String, range: SourceRange) -> BoundExpr {
        let index: Int
        if let existing = labels.firstIndex(of: label) ?? computations.firstIndex(of: computation) {
            index = existing
        } else {
            computations.append(computation)
            labels.append(label)
            index = computations.count - 1
        }
        return BoundExpr(.column(input.count + index), type: computation.type, range: range)
    }
}
