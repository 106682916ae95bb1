import CrmqDiagnostics
import CrmqSource
import CrmqSyntax

/// An aggregate written in crmq over the basic ones, as the CRM layer defines
/// `retention_rate()` or `nps(score)`: the checker binds a call by binding the body in the
/// call's place, so the plan holds plain aggregates and `explain` shows them. The catalog
/// supplies the definitions (Catalog.aggregateDefinitions); none is built into the checker.
public struct AggregateDefinition: Sendable {
    /// One way of calling it: positional parameters, or a period (`months = n` or
    /// `from = date`) that the checker turns into the date `start` the body reads.
    public struct Form: Sendable {
        public enum Parameters: Sendable, Equatable {
            /// Positional row expressions, named in the body (`nps(score)`).
            case positional([String])
            /// `months = n` (back from the as-of date) or `from = date`: the body reads `start`.
            case period
        }
        public var parameters: Parameters
        /// A crmq expression over the input's columns and the parameters.
        public var body: String

        public init(_ parameters: Parameters, _ body: String) {
            self.parameters = parameters
            self.body = body
        }

        var arity: Int {
            switch parameters {
            case .positional(let names): names.count
            case .period: 1
            }
        }
    }

    public var name: String
    public var signature: String
    public var summary: String
    public var example: String
    public var forms: [Form]
    /// What to tell a user whose table lacks a column the body reads (where it comes from).
    public var columnNote: String?
    /// Whether each positional argument must be a number (`nps(score)`).
    public var numericArguments: Bool
    /// How to ask it over a period when it has no period form (repeat_rate: rfm over the period).
    public var periodNote: String?

    public init(
        name: String, signature: String, summary: String, example: String, forms: [Form], columnNote: String? = nil,
        numericArguments: Bool = false, periodNote: String? = nil
    ) {
        self.numericArguments = numericArguments
        self.periodNote = periodNote
        self.name = name
        self.signature = signature
        self.summary = summary
        self.example = example
        self.forms = forms
        self.columnNote = columnNote
    }

    /// How help, completion and the checker list it: an aggregate among the others.
    public var info: FunctionInfo {
        FunctionInfo(
            name: name, aliases: [], kind: .aggregate, category: "aggregates", signature: signature,
            summary: summary, example: example, rule: .defined(self))
    }

    /// The definition as `help` and docs print it, one line per form.
    public var definitionText: [String] {
        forms.map { form in
            switch form.parameters {
            case .positional(let names): "\(name)(\(names.joined(separator: ", "))) = \(form.body)"
            case .period: "\(name)(months = n | from = date) = \(form.body)"
            }
        }
    }
}

extension FunctionInfo {
    /// The crmq definition of a defined aggregate, nil for a built-in function.
    public var definition: AggregateDefinition? {
        if case .defined(let d) = rule { return d }
        return nil
    }
}

extension FunctionCatalog {
    /// Every function with `definitions` placed after the built-in aggregates, in help order.
    public static func functions(with definitions: [AggregateDefinition]) -> [FunctionInfo] {
        let split = functions.lastIndex(where: \.isAggregate).map { $0 + 1 } ?? functions.count
        return Array(functions[..<split]) + definitions.map(\.info) + Array(functions[split...])
    }
}

extension CheckContext {
    /// The function `name` names: a built-in one, else one of the catalog's definitions.
    func function(named name: String) -> FunctionInfo? {
        if let info = FunctionCatalog.function(named: name) { return info }
        let key = name.lowercased()
        return catalog.aggregateDefinitions.first { $0.name == key }?.info
    }

    var functionNames: [String] { FunctionCatalog.names + catalog.aggregateDefinitions.map(\.name) }

    /// Binds a call of a defined aggregate: the form the arguments choose, its parameters
    /// bound in the caller's row scope, then the body bound in the call's place with those
    /// parameters. The body's aggregates are labelled after the call, and every source range
    /// of the result points at the call, so runtime messages and `explain` refer to what
    /// the user wrote. A body that does not check (a column missing or of another type)
    /// is reported at the call, naming the column and showing the definition.
    func bindDefined(
        _ definition: AggregateDefinition, _ fname: String, _ arguments: [Expr], range: SourceRange, in scope: Scope,
        collector: any AggregateSink
    ) -> BoundExpr? {
        // `months = 12` reads as a comparison; it is a period only where a form takes one
        // (nps(x == 9) is a score).
        let looksLikeOption = arguments.count == 1 && {
            if case .binary(.equal, let key, _) = arguments[0].kind, case .name = key.kind { return true }
            return false
        }()
        let isPeriod = looksLikeOption && definition.forms.contains { $0.parameters == .period }
        let form = definition.forms.first { form in
            form.parameters == .period ? isPeriod : (!isPeriod && form.arity == arguments.count)
        }
        guard let form else {
            if arguments.count == 1, definition.forms.contains(where: { $0.parameters == .period }) {
                report(.ratePeriod(function: fname), at: arguments[0].range)
            } else {
                report(.argumentCount(function: fname, expected: definition.info.rule.arityText(accepting: -1) ?? "",
                                      given: arguments.count), at: range,
                       notes: looksLikeOption ? definition.periodNote.map { [Note($0)] } ?? [] : [])
            }
            return nil
        }
        var parameters: [String: BoundExpr] = [:]
        switch form.parameters {
        case .period:
            guard let start = periodStart(fname, arguments[0], range: range, in: scope) else { return nil }
            parameters["start"] = start
        case .positional(let names):
            let inner = Scope(columns: .row(collector.input), aggregates: .inside(fname), parameters: scope.parameters)
            let bound = arguments.map { bind($0, in: inner) }
            let args = bound.compactMap { $0 }
            guard args.count == bound.count else { return nil }
            if definition.numericArguments {
                for (i, arg) in args.enumerated() where !(arg.type.isNumeric || arg.type == .null) {
                    report(.argumentType(function: fname, position: i + 1, expected: "a number", text: shown(arg),
                                         type: arg.type), at: arg.range)
                    return nil
                }
            }
            for (name, arg) in zip(names, args) { parameters[name] = arg }
        }
        let file = SourceFile(name: "definition of \(definition.name)", text: form.body)
        let (script, syntaxErrors) = Parser.parse(file)
        guard syntaxErrors.isEmpty, script.statements.count == 1, case .query(let pipeline) = script.statements[0].kind,
            pipeline.stages.isEmpty
        else {
            report(.definitionInvalid(function: fname, definition: form.body), at: range)
            return nil
        }
        let body = CheckContext(catalog: catalog, file: file)
        var inBody = scope
        inBody.parameters = parameters
        // A definition may call another (retention_rate is 1 - churn_rate): the inner one is
        // labelled and placed after the outermost call, whose text is what the user wrote.
        let expansion = scope.expansion.map { Scope.Expansion(label: $0.label + ": " + text(range), range: $0.range) }
            ?? Scope.Expansion(label: text(range), range: range)
        inBody.expansion = expansion
        guard let result = body.bind(pipeline.source, in: inBody), body.diagnostics.isEmpty else {
            if scope.expansion != nil, let problem = body.diagnostics.first {
                // Inside an outer body: pass the inner problem up as it is.
                diagnostics.append(problem)
            } else {
                reportDefinitionProblem(definition, fname, form, body.diagnostics.first, range: range)
            }
            return nil
        }
        return result.relocated(to: expansion.range)
    }

    private func reportDefinitionProblem(
        _ definition: AggregateDefinition, _ fname: String, _ form: AggregateDefinition.Form, _ problem: Diagnostic?,
        range: SourceRange
    ) {
        var notes = [Note("\(fname) is defined as \(form.body)")]
        if let problem, problem.id == CheckMessage.unknownColumn("").id,
            let column = problem.location.flatMap({ location -> String? in
                guard case .source(let file, let r) = location else { return nil }
                return file.text(of: r)
            })
        {
            if let note = definition.columnNote { notes.append(Note(note)) }
            report(.missingColumn(function: fname, column: column), at: range, notes: notes)
            return
        }
        report(.definitionFailed(function: fname, reason: problem?.message ?? "its definition does not check here"),
               at: range, notes: notes)
    }

    /// The first day of `months = n` (back from the as-of date) or `from = date`.
    private func periodStart(_ fname: String, _ period: Expr, range: SourceRange, in scope: Scope) -> BoundExpr? {
        // A definition passing its own period on: `churn_rate(from = start)`.
        if case .binary(.equal, let key, let value) = period.kind, case .name("from") = key.kind,
            case .name(let name) = value.kind, let start = scope.parameters[name], start.type == .date
        {
            return start
        }
        guard case .binary(.equal, let key, let value) = period.kind, case .name(let option) = key.kind,
            ["months", "from"].contains(option), let bound = bind(value, in: .scalar), case .literal(let v) = bound.kind
        else {
            report(.ratePeriod(function: fname), at: period.range)
            return nil
        }
        guard let asOf = catalog.asOf else {
            report(.ratePeriodNeedsAsOf(function: fname), at: period.range)
            return nil
        }
        switch (option, v) {
        case ("months", .int(let m)) where m > 0 && m <= 1200:
            return .call(.addMonths, [.literal(.date(asOf), range: range), .literal(.int(-m), range: range)],
                         type: .date, range: range)
        case ("from", .date(let d)):
            return .literal(.date(d), range: range)
        default:
            report(.ratePeriod(function: fname), at: period.range)
            return nil
        }
    }
}

extension BoundExpr {
    /// The same expression with every source range set to `range`.
    public func relocated(to range: SourceRange) -> BoundExpr {
        switch kind {
        case .column, .literal: BoundExpr(kind, type: type, range: range)
        case .call(let f, let args): BoundExpr(.call(f, args.map { $0.relocated(to: range) }), type: type, range: range)
        }
    }
}

extension BoundAggregate {
    func relocated(to range: SourceRange) -> BoundAggregate {
        BoundAggregate(function: function, arguments: arguments.map { $0.relocated(to: range) }, type: type, range: range)
    }
}
