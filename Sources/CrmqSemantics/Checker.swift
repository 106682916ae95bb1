import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

/// Resolves every name and type of one statement against a catalog, producing a
/// checked statement (a plan value) or the diagnostics that stop it from running.
///
/// A `let` may rebind any name, a loaded table's included: the catalog does not tell
/// loaded tables from `let` results, and the session decides what rebinding means.
public struct Checker {
    let catalog: any Catalog
    let file: SourceFile

    public init(catalog: any Catalog, file: SourceFile) {
        self.catalog = catalog
        self.file = file
    }

    public func check(_ statement: Statement) throws(DiagnosticList) -> CheckedStatement {
        let context = CheckContext(catalog: catalog, file: file)
        let checked = context.checkStatement(statement)
        if let checked, context.diagnostics.isEmpty { return checked }
        if context.diagnostics.isEmpty {
            // Every path that gives up reports first; this guards against a silent failure.
            throw DiagnosticList([Diagnostic(id: "check.internal", message: "the statement could not be checked",
                                             location: .source(file, statement.range))])
        }
        throw DiagnosticList(context.diagnostics)
    }
}

// statement := pipeline | 'let' name '=' pipeline | 'load' path ['as' name]
//            | 'save' source 'to' path | 'set' [name '=' expr] | 'help' [topic] | '.command' args
extension CheckContext {
    func checkStatement(_ statement: Statement) -> CheckedStatement? {
        switch statement.kind {
        case .query(let pipeline):
            switch checkPipeline(pipeline) {
            case .table(let plan): return .query(plan)
            case .scalar(let value): return .scalar(value)
            case .chart(let plan, let spec): return .chart(plan, spec)
            case nil: return nil
            }
        case .let(let name, let value):
            switch checkPipeline(value) {
            case .table(let plan): return .letTable(name: name.name, plan)
            case .scalar(let value): return .letScalar(name: name.name, value)
            case .chart(_, let spec):
                report(.chartNotATable(user: "'let'"), at: spec.range)
                return nil
            case nil: return nil
            }
        case .load(let path, let alias):
            return .load(path: path.value, alias: alias?.name)
        case .save(let source, let path):
            switch checkPipeline(source) {
            case .table(let plan): return .save(plan, path: path.value)
            case .scalar(let value):
                report(.saveNeedsTable(shown(value)), at: source.range)
                return nil
            case .chart(_, let spec):
                report(.chartNotATable(user: "'save'"), at: spec.range)
                return nil
            case nil: return nil
            }
        case .set(nil, _):
            return .listSettings
        case .set(let name?, let value):
            return checkSetting(name, value)
        case .help(let topic):
            return .help(topic: topic?.name)
        case .dotCommand(let name, let arguments):
            return .dotCommand(name: name.name, arguments: arguments.map(\.value))
        case .explain(let pipeline):
            switch checkPipeline(pipeline) {
            case .table(let plan), .chart(let plan, _): return .explain(.query(plan))
            case .scalar(let value): return .explain(.scalar(value))
            case nil: return nil
            }
        case .explainSQL(let pipeline):
            switch checkPipeline(pipeline) {
            case .table(let plan), .chart(let plan, _): return .explainSQL(plan)
            case .scalar(let value):
                report(.explainSQLNeedsTable, at: value.range)
                return nil
            case nil: return nil
            }
        case .connect(let url):
            return .connect(url: url.value)
        case .disconnect:
            return .disconnect
        }
    }

    // The value is a constant (no columns; scalar `let`s allowed) of the setting's type:
    // an int may set a double, and ISO text a date.
    private func checkSetting(_ name: Identifier, _ value: Expr?) -> CheckedStatement? {
        guard let type = catalog.settingType(name.name) else {
            reportUnknown(.unknownSetting(name.name), name: name.name, at: name.range, among: catalog.settingNames,
                          kind: "setting")
            return nil
        }
        guard let value else {
            report(.settingNeedsValue(name.name), at: name.range)
            return nil
        }
        guard let bound = bind(value, in: .scalar) else { return nil }
        if let other = catalog.settingAlternativeType(name.name), bound.type == other, bound.type != type {
            return .set(name: name.name, value: bound)
        }
        guard conversionCost(bound, to: type) != nil else {
            report(.settingType(name: name.name, expected: type, text: shown(bound), type: bound.type), at: value.range)
            return nil
        }
        guard let converted = convert(bound, to: type) else { return nil }
        return .set(name: name.name, value: converted)
    }
}
