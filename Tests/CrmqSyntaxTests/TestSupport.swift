import CrmqDiagnostics
import CrmqSource

@testable import CrmqSyntax

/// Helpers shared by the syntax tests: lexing and parsing a string, and a compact
/// S-expression rendering of the tree so that assertions stay readable.
enum Syntax {
    static func lex(_ text: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        Lexer.tokenize(SourceFile(name: "<test>", text: text))
    }

    static func kinds(_ text: String) -> [TokenKind] {
        lex(text).tokens.map(\.kind)
    }

    static func parse(_ text: String) -> (script: Script, diagnostics: [Diagnostic]) {
        Parser.parse(SourceFile(name: "<test>", text: text))
    }

    /// The one statement of `text`, which must parse without diagnostics.
    static func statement(_ text: String) -> StatementKind? {
        let (script, diagnostics) = parse(text)
        guard diagnostics.isEmpty, script.statements.count == 1 else { return nil }
        return script.statements[0].kind
    }

    /// The rendering of the statements in `text`, or the first error's message.
    static func render(_ text: String) -> String {
        let (script, diagnostics) = parse(text)
        if let first = diagnostics.first { return "error: \(first.message)" }
        return script.statements.map { render($0.kind) }.joined(separator: "; ")
    }

    static func messages(_ text: String) -> [String] {
        parse(text).diagnostics.map(\.message)
    }

    /// The ids of the diagnostics of `text`.
    static func errors(_ text: String) -> [String] {
        parse(text).diagnostics.map(\.id)
    }

    static func render(_ kind: StatementKind) -> String {
        switch kind {
        case .query(let p): return render(p)
        case .let(let name, let value): return "let \(name.name) = \(render(value))"
        case .load(let path, let alias): return "load \"\(path.value)\"" + (alias.map { " as \($0.name)" } ?? "")
        case .save(let source, let path): return "save \(render(source)) to \"\(path.value)\""
        case .set(let name, let value):
            guard let name, let value else { return "set" }
            return "set \(name.name) = \(render(value))"
        case .help(let topic): return "help" + (topic.map { " \($0.name)" } ?? "")
        case .dotCommand(let name, let arguments):
            return ".\(name.name)" + arguments.map { " [\($0.value)]" }.joined()
        case .explain(let p): return "explain \(render(p))"
        case .explainSQL(let p): return "explain sql \(render(p))"
        case .connect(let url): return "connect \"\(url.value)\""
        case .disconnect: return "disconnect"
        }
    }

    static func render(_ p: Pipeline) -> String {
        ([render(p.source)] + p.stages.map(render)).joined(separator: " | ")
    }

    static func render(_ stage: Stage) -> String {
        switch stage.kind {
        case .where(let e): return "where \(render(e))"
        case .select(let items): return "select \(render(items))"
        case .extend(let items): return "extend \(render(items))"
        case .sort(let items): return "sort \(render(items))"
        case .take(let e): return "take \(render(e))"
        case .top(let count, let by, let per):
            return "top \(render(count)) by \(render(by))" + (per.isEmpty ? "" : " per \(render(per))")
        case .window(let w):
            return "window \(render(w.items))" + (w.by.isEmpty ? "" : " by \(render(w.by))")
                + (w.sort.isEmpty ? "" : " sort \(render(w.sort))")
        case .count(let by): return by.isEmpty ? "count" : "count by \(render(by))"
        case .summarize(let aggregates, let by):
            return "summarize \(render(aggregates))" + (by.isEmpty ? "" : " by \(render(by))")
        case .join(let source, let keys, let kind):
            let keyText = keys.map { $0.left == $0.right ? $0.left.name : "\($0.left.name)==\($0.right.name)" }
            return "join \(render(source)) on \(keyText.joined(separator: ", ")) kind \(kind.rawValue)"
        case .distinct(let items): return "distinct \(render(items))"
        case .chart(let c):
            var text = "chart \(c.style.rawValue)"
            if !c.columns.isEmpty { text += " " + c.columns.map(\.name).joined(separator: ", ") }
            if let bins = c.bins { text += " bins \(bins.count)" }
            if let title = c.title { text += " title \"\(title.value)\"" }
            return text
        }
    }

    static func render(_ items: [NamedExpr]) -> String {
        items.map { item in (item.name.map { "\($0.name)=" } ?? "") + render(item.expr) }.joined(separator: ", ")
    }

    static func render(_ items: [SortItem]) -> String {
        items.map { render($0.expr) + ($0.direction.map { " \($0.rawValue)" } ?? "") }.joined(separator: ", ")
    }

    static func render(_ e: Expr) -> String {
        switch e.kind {
        case .literal(let value):
            switch value {
            case .integer(let i): return "\(i)"
            case .decimal(let d): return d
            case .string(let s): return "\"\(s)\""
            case .bool(let b): return "\(b)"
            case .null: return "null"
            }
        case .name(let n): return n
        case .unary(let op, let operand): return "(\(op.rawValue) \(render(operand)))"
        case .binary(let op, let l, let r): return "(\(op.rawValue) \(render(l)) \(render(r)))"
        case .call(let name, let arguments): return "\(name.name)(\(arguments.map(render).joined(separator: ", ")))"
        case .inList(let x, let items, let negated):
            return "(\(negated ? "not-in" : "in") \(render(x)) [\(items.map(render).joined(separator: ", "))])"
        case .between(let x, let low, let high, let negated):
            return "(\(negated ? "not-between" : "between") \(render(x)) \(render(low)) \(render(high)))"
        case .isNull(let x, let negated): return "(\(negated ? "is-not-null" : "is-null") \(render(x)))"
        case .subquery(let p): return "{\(render(p))}"
        }
    }
}
