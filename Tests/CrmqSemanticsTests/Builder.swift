import CrmqSource
import CrmqDiagnostics
import CrmqSyntax
@testable import CrmqSemantics

// A test-only way to write syntax trees: each builder value renders itself as crmq text
// while building the AST, so every node's range points at its own text (the parser is
// written elsewhere; these trees are what it is specified to produce).

/// An expression to build. A string literal in Swift is a *name*; crmq strings are `.str`.
indirect enum E: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case name(String)
    case int(Int64)
    case dec(String)
    case str(String)
    case bool(Bool)
    case null
    case neg(E)
    case not(E)
    case bin(E, BinaryOperator, E)
    case call(String, [E])
    case isIn(E, [E], negated: Bool = false)
    case between(E, E, E, negated: Bool = false)
    case isNull(E, negated: Bool = false)
    case sub(P)

    init(stringLiteral value: String) { self = .name(value) }
    init(integerLiteral value: Int64) { self = .int(value) }

    static func + (l: E, r: E) -> E { .bin(l, .add, r) }
    static func - (l: E, r: E) -> E { .bin(l, .subtract, r) }
    static func * (l: E, r: E) -> E { .bin(l, .multiply, r) }
    static func / (l: E, r: E) -> E { .bin(l, .divide, r) }
    static func % (l: E, r: E) -> E { .bin(l, .modulo, r) }
    static func == (l: E, r: E) -> E { .bin(l, .equal, r) }
    static func != (l: E, r: E) -> E { .bin(l, .notEqual, r) }
    static func < (l: E, r: E) -> E { .bin(l, .less, r) }
    static func <= (l: E, r: E) -> E { .bin(l, .lessEqual, r) }
    static func > (l: E, r: E) -> E { .bin(l, .greater, r) }
    static func >= (l: E, r: E) -> E { .bin(l, .greaterEqual, r) }
    static func && (l: E, r: E) -> E { .bin(l, .and, r) }
    static func || (l: E, r: E) -> E { .bin(l, .or, r) }
}

func f(_ name: String, _ args: E...) -> E { .call(name, args) }

/// An output item: `name = expr` or `expr`. A Swift string literal is a column.
struct I: ExpressibleByStringLiteral {
    var name: String?
    var expr: E
    init(_ name: String? = nil, _ expr: E) {
        self.name = name
        self.expr = expr
    }
    init(stringLiteral value: String) { self.init(nil, .name(value)) }
}

func named(_ name: String, _ expr: E) -> I { I(name, expr) }

/// A sort item.
struct O: ExpressibleByStringLiteral {
    var expr: E
    var direction: SortDirection?
    init(_ expr: E, _ direction: SortDirection? = nil) {
        self.expr = expr
        self.direction = direction
    }
    init(stringLiteral value: String) { self.init(.name(value)) }
}

/// A stage to build; `join` keys are (left, right) names, equal names meaning `on col`.
enum S {
    case where_(E)
    case select([I])
    case extend([I])
    case sort([O])
    case take(E)
    case top(E, [O])
    case count([I])
    case summarize([I], by: [I])
    case join(E, [(String, String)], JoinKind = .inner)
    case distinct([I])
}

/// A pipeline to build.
struct P {
    var source: E
    var stages: [S]
    init(_ source: E, _ stages: S...) {
        self.source = source
        self.stages = stages
    }
}

/// A statement to build.
enum St {
    case query(P)
    case let_(String, P)
    case save(P, String)
    case set(String?, E?)
    case help(String?)
}

/// Renders builder values to text and AST at once.
final class Writer {
    var text = ""
    var offset: Int { text.utf8.count }

    @discardableResult
    func put(_ s: String) -> SourceRange {
        let start = offset
        text += s
        return SourceRange(start, offset)
    }

    func identifier(_ s: String) -> Identifier { Identifier(s, range: put(s)) }

    func expr(_ e: E) -> Expr {
        let start = offset
        let kind: ExprKind
        switch e {
        case .name(let n): kind = .name(n); put(n)
        case .int(let v): kind = .literal(.integer(v)); put(String(v))
        case .dec(let t): kind = .literal(.decimal(t)); put(t)
        case .str(let s): kind = .literal(.string(s)); put("\"\(s)\"")
        case .bool(let b): kind = .literal(.bool(b)); put(b ? "true" : "false")
        case .null: kind = .literal(.null); put("null")
        case .neg(let x): put("-"); kind = .unary(.negate, operand(x))
        case .not(let x): put("not "); kind = .unary(.not, operand(x))
        case .bin(let l, let op, let r):
            let le = operand(l)
            put(" \(op.rawValue) ")
            kind = .binary(op, le, operand(r))
        case .call(let name, let args):
            let id = identifier(name)
            put("(")
            let bound = list(args) { self.expr($0) }
            put(")")
            kind = .call(name: id, arguments: bound)
        case .isIn(let x, let items, let negated):
            let xe = operand(x)
            put(negated ? " not in (" : " in (")
            let bound = list(items) { self.expr($0) }
            put(")")
            kind = .inList(xe, bound, negated: negated)
        case .between(let x, let lo, let hi, let negated):
            let xe = operand(x)
            put(negated ? " not between " : " between ")
            let loe = operand(lo)
            put(" and ")
            kind = .between(xe, low: loe, high: operand(hi), negated: negated)
        case .isNull(let x, let negated):
            let xe = operand(x)
            put(negated ? " is not null" : " is null")
            kind = .isNull(xe, negated: negated)
        case .sub(let p):
            put("(")
            let pipeline = self.pipeline(p)
            put(")")
            kind = .subquery(pipeline)
        }
        return Expr(kind, range: SourceRange(start, offset))
    }

    /// Operands of operators are parenthesised when compound, so the text reads as the tree.
    private func operand(_ e: E) -> Expr {
        switch e {
        case .bin, .isIn, .between, .isNull, .not:
            put("(")
            let inner = expr(e)
            put(")")
            return inner
        default: return expr(e)
        }
    }

    func list<T, R>(_ items: [T], _ body: (T) -> R) -> [R] {
        var out: [R] = []
        for (i, item) in items.enumerated() {
            if i > 0 { put(", ") }
            out.append(body(item))
        }
        return out
    }

    func item(_ i: I) -> NamedExpr {
        var name: Identifier?
        if let n = i.name {
            name = identifier(n)
            put(" = ")
        }
        return NamedExpr(name: name, expr: expr(i.expr))
    }

    func sortItem(_ o: O) -> SortItem {
        let start = offset
        let e = expr(o.expr)
        if let d = o.direction { put(" \(d.rawValue)") }
        return SortItem(expr: e, direction: o.direction, range: SourceRange(start, offset))
    }

    func stage(_ s: S) -> Stage {
        let start = offset
        let word: String
        switch s {
        case .where_: word = "where"
        case .select: word = "select"
        case .extend: word = "extend"
        case .sort: word = "sort"
        case .take: word = "take"
        case .top: word = "top"
        case .count: word = "count"
        case .summarize: word = "summarize"
        case .join: word = "join"
        case .distinct: word = "distinct"
        }
        let name = identifier(word)
        put(" ")
        let kind: StageKind
        switch s {
        case .where_(let e): kind = .where(expr(e))
        case .select(let items): kind = .select(list(items, item))
        case .extend(let items): kind = .extend(list(items, item))
        case .sort(let items): kind = .sort(list(items, sortItem))
        case .take(let e): kind = .take(expr(e))
        case .top(let n, let items):
            let count = expr(n)
            put(" by ")
            kind = .top(count: count, by: list(items, sortItem), per: [])
        case .count(let by):
            if !by.isEmpty { put("by ") }
            kind = .count(by: list(by, item))
        case .summarize(let items, let by):
            let aggregates = list(items, item)
            if !by.isEmpty { put(" by ") }
            kind = .summarize(aggregates: aggregates, by: list(by, item))
        case .join(let source, let keys, let joinKind):
            let src = expr(source)
            put(" on ")
            let bound = list(keys) { key -> JoinKey in
                let l = identifier(key.0)
                if key.0 == key.1 { return JoinKey(left: l, right: l) }
                put(" == ")
                return JoinKey(left: l, right: identifier(key.1))
            }
            if joinKind == .left { put(" kind left") }
            kind = .join(source: src, on: bound, kind: joinKind)
        case .distinct(let items): kind = .distinct(list(items, item))
        }
        return Stage(kind: kind, range: SourceRange(start, offset), name: name)
    }

    func pipeline(_ p: P) -> Pipeline {
        let start = offset
        let source = expr(p.source)
        var stages: [Stage] = []
        for s in p.stages {
            put(" | ")
            stages.append(stage(s))
        }
        return Pipeline(source: source, stages: stages, range: SourceRange(start, offset))
    }

    func statement(_ st: St) -> Statement {
        let kind: StatementKind
        switch st {
        case .query(let p): kind = .query(pipeline(p))
        case .let_(let name, let p):
            put("let ")
            let id = identifier(name)
            put(" = ")
            kind = .let(name: id, value: pipeline(p))
        case .save(let p, let path):
            put("save ")
            let source = pipeline(p)
            put(" to ")
            kind = .save(source: source, path: StringLiteral(path, range: put("\"\(path)\"")))
        case .set(let name, let value):
            put("set")
            var id: Identifier?
            var v: Expr?
            if let name {
                put(" ")
                id = identifier(name)
            }
            if let value {
                put(" = ")
                v = expr(value)
            }
            kind = .set(name: id, value: v)
        case .help(let topic):
            put("help")
            var id: Identifier?
            if let topic {
                put(" ")
                id = identifier(topic)
            }
            kind = .help(topic: id)
        }
        return Statement(kind: kind, range: SourceRange(0, offset))
    }
}

/// The outcome of checking one built statement, with its source text for range assertions.
struct Checked {
    var file: SourceFile
    var result: Result<CheckedStatement, DiagnosticList>
    /// The parser's messages when parsing the text failed (text-based tests only).
    var parseErrors: String? = nil

    var statement: CheckedStatement? { try? result.get() }

    var plan: Plan? {
        switch statement {
        case .query(let plan), .letTable(_, let plan), .save(let plan, _): plan
        default: nil
        }
    }

    var scalar: BoundExpr? {
        switch statement {
        case .scalar(let e), .letScalar(_, let e), .set(_, let e): e
        default: nil
        }
    }

    var diagnostics: [Diagnostic] {
        if case .failure(let list) = result { return list.diagnostics }
        return []
    }

    var messages: [String] { diagnostics.map(\.message) }
    var ids: [String] { diagnostics.map(\.id) }

    /// The source text each diagnostic points at.
    var culprits: [String] {
        diagnostics.map { d in
            if case .source(_, let range) = d.location { return file.text(of: range) }
            return "<no location>"
        }
    }

    var notes: [String] { diagnostics.flatMap { $0.notes.map(\.message) } }

    /// The output column names and types, as `name:type`.
    var schema: [String] { plan?.schema.fields.map { "\($0.name):\($0.type)" } ?? [] }
}

func check(_ st: St, catalog: FixtureCatalog = FixtureCatalog()) -> Checked {
    let writer = Writer()
    let statement = writer.statement(st)
    let file = SourceFile(name: "<test>", text: writer.text)
    let checker = Checker(catalog: catalog, file: file)
    let result: Result<CheckedStatement, DiagnosticList>
    do {
        result = .success(try checker.check(statement))
    } catch {
        result = .failure(error)
    }
    return Checked(file: file, result: result)
}

func check(_ p: P, catalog: FixtureCatalog = FixtureCatalog()) -> Checked { check(.query(p), catalog: catalog) }

/// The text a pipeline renders to, to assert what the builder wrote.
func text(_ p: P) -> String { check(p).file.text }
