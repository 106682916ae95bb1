import CrmqSource

/// An expression after checking: names resolved to column indexes, every node typed,
/// operators and calls resolved to `ScalarFunction`s, implicit casts made explicit.
/// The range points back at the source for runtime errors; it is no part of the value
/// (two expressions are equal when they compute the same thing).
public struct BoundExpr: Sendable, Equatable {
    public var kind: BoundExprKind
    public var type: DataType
    public var range: SourceRange

    public init(_ kind: BoundExprKind, type: DataType, range: SourceRange) {
        self.kind = kind
        self.type = type
        self.range = range
    }

    public static func == (a: BoundExpr, b: BoundExpr) -> Bool { a.kind == b.kind && a.type == b.type }
}

public indirect enum BoundExprKind: Sendable, Equatable {
    /// The column at this index of the input schema.
    case column(Int)
    case literal(Value)
    case call(ScalarFunction, [BoundExpr])
}

/// One aggregate of a `summarize` or `count`: the function and its checked arguments
/// (evaluated over the aggregate's input rows).
public struct BoundAggregate: Sendable, Equatable {
    public var function: AggregateFunction
    public var arguments: [BoundExpr]
    public var type: DataType
    public var range: SourceRange
    public init(function: AggregateFunction, arguments: [BoundExpr], type: DataType, range: SourceRange) {
        self.function = function
        self.arguments = arguments
        self.type = type
        self.range = range
    }

    public static func == (a: BoundAggregate, b: BoundAggregate) -> Bool {
        a.function == b.function && a.arguments == b.arguments && a.type == b.type
    }
}

/// A checked sort key over the input schema. Nulls sort last in both directions.
public struct SortKey: Sendable, Equatable {
    public var expr: BoundExpr
    public var descending: Bool
    public init(expr: BoundExpr, descending: Bool) {
        self.expr = expr
        self.descending = descending
    }
}

/// The kind of a join: inner keeps matching pairs; left keeps every left row,
/// with nulls on the right where nothing matches.
public enum PlanJoinKind: String, Sendable, Equatable {
    case inner, left
}

/// A pair of join key columns: an index into the left input's schema and one into the right's.
public struct PlanJoinKey: Sendable, Equatable {
    public var left: Int
    public var right: Int
    public init(left: Int, right: Int) {
        self.left = left
        self.right = right
    }
}

/// A checked query plan: a value, separate from its execution (a `Backend` runs it; it can
/// equally be printed, `explain`, or compiled to SQL). Every node knows its output schema
/// and the order of its rows (`order`). Plans compare equal when they compute the same rows
/// (source ranges aside).
public struct Plan: Sendable, Equatable {
    public var kind: PlanKind
    public var schema: Schema
    public init(_ kind: PlanKind, schema: Schema) {
        self.kind = kind
        self.schema = schema
    }
}

public indirect enum PlanKind: Sendable, Equatable {
    /// Rows of a named table of the session (a loaded table or a `let`-bound result).
    case scan(table: String)
    /// Rows where the predicate is true (false and null drop the row).
    case filter(Plan, predicate: BoundExpr)
    /// One output column per expression, named by the plan's schema (select, extend).
    case project(Plan, [BoundExpr])
    /// All rows, ordered by the keys; a stable sort, so ties keep input order.
    case sort(Plan, keys: [SortKey])
    /// The first `count` rows.
    case limit(Plan, count: Int)
    /// The first `count` rows in key order, without sorting everything (stable on ties).
    case topN(Plan, keys: [SortKey], count: Int)
    /// Groups by `keys` (none: one row for all input, even when empty) and computes the
    /// aggregates. Output: the key columns, then the aggregates; groups ordered by key ascending,
    /// nulls last.
    case aggregate(Plan, keys: [BoundExpr], aggregates: [BoundAggregate])
    /// Appends a double column: the value of column `of` divided by its total over all rows
    /// (the `share` of `count by`).
    case appendShare(Plan, of: Int)
    /// Equi-join on key column pairs (left index, right index), SQL null semantics (a null key
    /// matches nothing). Output: all left columns, then the right columns listed in
    /// `rightColumns` (the keys are not repeated). Left order is kept; matches of one left row
    /// follow right order.
    case join(left: Plan, right: Plan, keys: [PlanJoinKey], kind: PlanJoinKind, rightColumns: [Int])
    /// Distinct rows of the input, in order of first appearance.
    case distinct(Plan)
    /// A table function (`rfm(transactions)`) over its input's rows, with its options
    /// resolved: column names as strings, settings and literals as values.
    case tableFunction(name: String, input: Plan, options: [String: Value])
    /// A named definition of the CRM layer (`customers` as of a date with its computed
    /// columns): its rows are `definition`'s, a plain plan over the stored tables with the
    /// settings it depends on frozen into it as literals and listed in `arguments`. A backend
    /// that knows the definition by name may compute the same rows its own way (the in-memory
    /// engine's purchase pass); a backend that does not runs `definition`.
    case definition(name: String, arguments: [String: Value], Plan)
    /// The rows ordered by `groups` (ascending, nulls last, a category by level, as `count by`
    /// orders its groups), then within a group by `order` (stable: ties keep input order); then
    /// one column appended per computation, computed for each row from the rows of its group
    /// in that order. Output: the input columns in that row order, then the computations.
    case window(Plan, groups: [BoundExpr], order: [SortKey], computations: [WindowComputation])
    /// The first `count` rows of each group of `groups`, in key order (stable on ties). Output:
    /// the input columns; groups in ascending order of their keys (nulls last), each group's
    /// rows in key order.
    case topNPerGroup(Plan, groups: [BoundExpr], keys: [SortKey], count: Int)
}

/// The functions of a `window` stage that look at a row's place in its group.
public enum WindowFunction: String, Sendable, CaseIterable {
    /// 1, 2, 3, ... in order; ties numbered in input order.
    case rowNumber = "row_number"
    /// 1 + the rows before the row's peers (rows with equal order keys): ties share a rank, gaps follow.
    case rank
    /// 1 + the distinct order-key values before the row's: ties share a rank, no gaps.
    case denseRank = "dense_rank"
    /// (rank - 1) / (rows - 1), 0 for a group of one row.
    case percentRank = "percent_rank"
    /// (rows up to and including the row's last peer) / rows.
    case cumeDist = "cume_dist"
    /// The tile 1...`parameter` of SQL's NTILE: rows / tiles rows each, the first rows % tiles tiles one more.
    case ntile
    /// The value `parameter` rows before (lag) or after (lead) in the group, else the default.
    case lag, lead
    /// The sum of the value over the group's rows up to and including this one (row by row,
    /// not peers); null until the first non-null value.
    case runningSum = "running_sum"
    /// The value divided by its group's total (null when the total is null or 0).
    case share

    /// Whether the function compares order keys, so that it means nothing without an order.
    public var needsOrder: Bool { [.rank, .denseRank, .percentRank, .cumeDist].contains(self) }
}

/// One window function call after checking.
public struct BoundWindowCall: Sendable, Equatable {
    public var function: WindowFunction
    /// lag and lead: the value and the default (a null literal when none was written);
    /// running_sum and share: the value; the others: none.
    public var arguments: [BoundExpr]
    /// ntile: the number of tiles; lag and lead: the offset; the others: 0.
    public var parameter: Int
    public var type: DataType
    public var range: SourceRange
    public init(function: WindowFunction, arguments: [BoundExpr], parameter: Int, type: DataType, range: SourceRange) {
        self.function = function
        self.arguments = arguments
        self.parameter = parameter
        self.type = type
        self.range = range
    }

    /// Source ranges aside, as for expressions.
    public static func == (a: BoundWindowCall, b: BoundWindowCall) -> Bool {
        a.function == b.function && a.arguments == b.arguments && a.parameter == b.parameter && a.type == b.type
    }
}

/// One column a `window` node appends: a window function, or an aggregate over the whole group.
public enum WindowComputation: Sendable, Equatable {
    case function(BoundWindowCall)
    case aggregate(BoundAggregate)

    public var type: DataType {
        switch self {
        case .function(let f): f.type
        case .aggregate(let a): a.type
        }
    }

    /// The argument expressions, over the window's input.
    public var arguments: [BoundExpr] {
        switch self {
        case .function(let f): f.arguments
        case .aggregate(let a): a.arguments
        }
    }
}

/// A statement after checking, ready for the session to carry out.
public enum CheckedStatement: Sendable {
    /// A query whose rows are printed.
    case query(Plan)
    /// A query ending in `| chart ...`: the plan computes the rows, the spec says what to draw.
    case chart(Plan, ChartSpec)
    /// A scalar expression (evaluated on one empty row) whose value is printed.
    case scalar(BoundExpr)
    case letTable(name: String, Plan)
    case letScalar(name: String, BoundExpr)
    /// `load path [as alias]`; the session resolves files and folders.
    case load(path: String, alias: String?)
    case save(Plan, path: String)
    /// `set name = value` after the value was checked against the setting's type.
    case set(name: String, value: BoundExpr)
    case listSettings
    case help(topic: String?)
    case dotCommand(name: String, arguments: [String])
    /// `explain <query>`: the statement's plan (after the session expands what it reads),
    /// printed instead of run.
    indirect case explain(CheckedStatement)
    /// `explain sql <query>`: the SQL the connected database would run for the query.
    case explainSQL(Plan)
    /// `connect "url"`: the URL as written.
    case connect(url: String)
    case disconnect
}

/// What a `chart` stage draws, checked against the rows flowing into it.
public struct ChartSpec: Sendable {
    public var style: ChartStyleKind
    /// The index of the x column (for a histogram: the column whose values are binned).
    public var x: Int
    /// The indexes of the y columns, one series each (empty for a histogram).
    public var y: [Int]
    /// The number of bins asked for (`bins n`); nil: chosen from the data.
    public var bins: Int?
    public var title: String?
    /// The `chart` stage, for runtime messages.
    public var range: SourceRange
    public init(style: ChartStyleKind, x: Int, y: [Int], bins: Int?, title: String?, range: SourceRange) {
        self.style = style
        self.x = x
        self.y = y
        self.bins = bins
        self.title = title
        self.range = range
    }
}

/// The kinds of chart, as the plan layer names them (no AST types below the checker's output).
public enum ChartStyleKind: String, Sendable, CaseIterable {
    case bar, line, histogram, scatter
}
