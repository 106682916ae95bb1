import CrmqSource

// The syntax tree: exactly what was written, with a byte range on every node.
// Names are plain strings here; the checker (CrmqSemantics) resolves them.

/// A whole script or REPL entry.
public struct Script: Sendable {
    public var file: SourceFile
    public var statements: [Statement]
    /// Comment lines after the last statement (notebook prose at the end).
    public var trailingComments: [String]
    public init(file: SourceFile, statements: [Statement], trailingComments: [String] = []) {
        self.file = file
        self.statements = statements
        self.trailingComments = trailingComments
    }
}

/// A name as written, with its place.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var range: SourceRange
    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// A string literal's decoded value with its place (file paths, `help` topics).
public struct StringLiteral: Sendable, Hashable {
    public var value: String
    public var range: SourceRange
    public init(_ value: String, range: SourceRange) {
        self.value = value
        self.range = range
    }
}

public struct Statement: Sendable {
    public var kind: StatementKind
    public var range: SourceRange
    /// The comment block directly above the statement (notebook prose), one entry per line.
    public var leadingComments: [String]
    public init(kind: StatementKind, range: SourceRange, leadingComments: [String] = []) {
        self.kind = kind
        self.range = range
        self.leadingComments = leadingComments
    }
}

public enum StatementKind: Sendable {
    /// `<pipeline>`: a query (or a scalar expression) whose result is printed.
    case query(Pipeline)
    /// `let name = <pipeline>`
    case `let`(name: Identifier, value: Pipeline)
    /// `load "path" [as name]`
    case load(path: StringLiteral, alias: Identifier?)
    /// `save <name | (pipeline)> to "path"`
    case save(source: Pipeline, path: StringLiteral)
    /// `set name = expr`, or `set` alone (name and value nil) to list the settings.
    case set(name: Identifier?, value: Expr?)
    /// `help [topic]`; the topic is any word, operator symbol or string.
    case help(topic: Identifier?)
    /// `.name arg arg ...`: arguments split at spaces, double quotes group.
    case dotCommand(name: Identifier, arguments: [StringLiteral])
    /// `explain <pipeline>`: the checked plan, printed instead of run.
    case explain(Pipeline)
    /// `explain sql <pipeline>`: the SQL the connected database would run.
    case explainSQL(Pipeline)
    /// `connect "postgres://..."`: queries run in that database from now on.
    case connect(url: StringLiteral)
    /// `disconnect`: back to the tables in memory.
    case disconnect
}

/// `source | stage | stage ...`. A pipeline with no stages may be a table name,
/// a table-function call, or a scalar expression: the checker decides.
public struct Pipeline: Sendable {
    public var source: Expr
    public var stages: [Stage]
    public var range: SourceRange
    public init(source: Expr, stages: [Stage], range: SourceRange) {
        self.source = source
        self.stages = stages
        self.range = range
    }
}

/// An expression with an optional output name: `name = expr` or just `expr`.
public struct NamedExpr: Sendable {
    public var name: Identifier?
    public var expr: Expr
    public var range: SourceRange { name.map { $0.range.union(expr.range) } ?? expr.range }
    public init(name: Identifier?, expr: Expr) {
        self.name = name
        self.expr = expr
    }
}

public enum SortDirection: String, Sendable {
    case ascending = "asc", descending = "desc"
}

/// `expr [asc|desc]`; `direction` is nil when not written (each operator has its default).
public struct SortItem: Sendable {
    public var expr: Expr
    public var direction: SortDirection?
    public var range: SourceRange
    public init(expr: Expr, direction: SortDirection?, range: SourceRange) {
        self.expr = expr
        self.direction = direction
        self.range = range
    }
}

public enum JoinKind: String, Sendable {
    case inner, left
}

public struct Stage: Sendable {
    public var kind: StageKind
    /// From the operator name to the end of the stage.
    public var range: SourceRange
    /// The operator name as written (for messages and completion).
    public var name: Identifier
    public init(kind: StageKind, range: SourceRange, name: Identifier) {
        self.kind = kind
        self.range = range
        self.name = name
    }
}

public enum StageKind: Sendable {
    /// `where <predicate>`
    case `where`(Expr)
    /// `select item, ...` where an item is `col` or `name = expr`
    case select([NamedExpr])
    /// `extend name = expr, ...`
    case extend([NamedExpr])
    /// `sort item [asc|desc], ...` (ascending by default)
    case sort([SortItem])
    /// `take n`
    case take(Expr)
    /// `top n by item [asc|desc], ... [per key, ...]` (descending by default); with `per`, the
    /// first n rows of each group of the keys
    case top(count: Expr, by: [SortItem], per: [NamedExpr])
    /// `count [by item, ...]`
    case count(by: [NamedExpr])
    /// `summarize name = agg, ... [by item, ...]`
    case summarize(aggregates: [NamedExpr], by: [NamedExpr])
    /// `join <source> on col[, col...] [kind inner|left]`; `on a == b` names differing key columns.
    case join(source: Expr, on: [JoinKey], kind: JoinKind)
    /// `distinct item, ...`
    case distinct([NamedExpr])
    /// `chart bar|line|histogram|scatter [x [, y ...]] [bins n] [title "text"]`; only as the last stage.
    case chart(ChartStage)
    /// `window name = expr, ... [by key, ...] [sort item [asc|desc], ...]`: columns computed by window
    /// functions (`rank()`, `lag(x)`, `running_sum(x)`, ...) and aggregates over each row's group
    case window(WindowStage)
}

/// `window name = expr, ... [by key, ...] [sort item [asc|desc], ...]`: the items, the groups
/// (`by`, as in `count by`) and the order within a group (`sort`, ascending unless written).
public struct WindowStage: Sendable {
    public var items: [NamedExpr]
    public var by: [NamedExpr]
    public var sort: [SortItem]
    public init(items: [NamedExpr], by: [NamedExpr], sort: [SortItem]) {
        self.items = items
        self.by = by
        self.sort = sort
    }
}

/// The kinds of chart the `chart` stage draws.
public enum ChartStyle: String, Sendable, CaseIterable {
    case bar, line, histogram, scatter
}

/// `chart kind [x [, y ...]] [bins n] [title "text"]`: columns by name; the checker fills
/// in what is omitted.
public struct ChartStage: Sendable {
    public var style: ChartStyle
    /// The kind word as written.
    public var styleName: Identifier
    /// The x column then the y columns, as written (possibly none).
    public var columns: [Identifier]
    /// `bins n`: the number of bins asked for, with the range of the whole option.
    public var bins: (count: Int64, range: SourceRange)?
    /// `title "text"`
    public var title: StringLiteral?
    public init(
        style: ChartStyle, styleName: Identifier, columns: [Identifier], bins: (count: Int64, range: SourceRange)?,
        title: StringLiteral?
    ) {
        self.style = style
        self.styleName = styleName
        self.columns = columns
        self.bins = bins
        self.title = title
    }
}

/// One join key: `col` (same name on both sides) or `left_col == right_col`.
public struct JoinKey: Sendable {
    public var left: Identifier
    public var right: Identifier
    public init(left: Identifier, right: Identifier) {
        self.left = left
        self.right = right
    }
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var range: SourceRange
    /// The height of the tree: 1 for a literal or name, one more than the deepest operand
    /// otherwise. Later passes recurse over the tree, so the parser bounds it.
    public private(set) var depth: Int
    public init(_ kind: ExprKind, range: SourceRange) {
        self.kind = kind
        self.range = range
        self.depth = 1 + kind.operandDepth
    }
}

extension ExprKind {
    /// The depth of the deepest operand (0 for a leaf).
    var operandDepth: Int {
        switch self {
        case .literal, .name: 0
        case .unary(_, let e), .isNull(let e, _): e.depth
        case .binary(_, let a, let b): max(a.depth, b.depth)
        case .call(_, let args): args.map(\.depth).max() ?? 0
        case .inList(let e, let items, _): max(e.depth, items.map(\.depth).max() ?? 0)
        case .between(let e, let low, let high, _): max(e.depth, low.depth, high.depth)
        case .subquery(let p): p.depth
        }
    }
}

extension Pipeline {
    /// The depth of the deepest expression in the pipeline (its source or a stage's).
    var depth: Int {
        var d = source.depth
        for stage in stages {
            switch stage.kind {
            case .where(let e), .take(let e): d = max(d, e.depth)
            case .select(let items), .extend(let items), .count(let items), .distinct(let items):
                d = max(d, items.map(\.expr.depth).max() ?? 0)
            case .sort(let items): d = max(d, items.map(\.expr.depth).max() ?? 0)
            case .top(let count, let by, let per):
                d = max(d, count.depth, by.map(\.expr.depth).max() ?? 0, per.map(\.expr.depth).max() ?? 0)
            case .window(let w):
                d = max(d, (w.items + w.by).map(\.expr.depth).max() ?? 0, w.sort.map(\.expr.depth).max() ?? 0)
            case .summarize(let aggregates, let by):
                d = max(d, (aggregates + by).map(\.expr.depth).max() ?? 0)
            case .join(let source, _, _): d = max(d, source.depth)
            case .chart: break  // column names only
            }
        }
        return d
    }
}

public enum LiteralValue: Sendable, Hashable {
    case integer(Int64)
    /// Kept as written so that `0.1` stays exact until the checker types it.
    case decimal(String)
    case string(String)
    case bool(Bool)
    case null
}

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "not"
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "and", or = "or"
}

public indirect enum ExprKind: Sendable {
    case literal(LiteralValue)
    /// A column, `let` name, table name or setting-free constant.
    case name(String)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `f(args)`; `count()` has no arguments.
    case call(name: Identifier, arguments: [Expr])
    /// `x [not] in (a, b, ...)`
    case inList(Expr, [Expr], negated: Bool)
    /// `x [not] between lo and hi`
    case between(Expr, low: Expr, high: Expr, negated: Bool)
    /// `x is [not] null`
    case isNull(Expr, negated: Bool)
    /// `(source | stage ...)` used where a source is expected (join, save, let).
    case subquery(Pipeline)
}
