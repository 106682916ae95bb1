import CrmqDiagnostics

/// The parser's messages. Associated values are phrases already quoted or described
/// for the reader ("'where'", "end of line", "name 'foo'"), so every message reads the same way.
public enum ParseMessage: DiagnosticMessage, Equatable {
    /// `where` with nothing after it, `a +` at the end of a line, ...
    case expectedExpression(after: String, found: String)
    /// A `(` that is never closed; a note points at the opener.
    case expectedClosingParen
    /// A `)` with no `(` before it.
    case unmatchedClosingParen
    /// A required word or symbol is missing: `expected 'on' after 'join orders', found ...`.
    case expectedToken(String, after: String, found: String)
    /// A name (of a binding, alias, setting, column) is missing.
    case expectedName(after: String, found: String)
    case expectedPath(after: String, found: String)
    case expectedConnectionURL(found: String)
    /// `top 10 x`: the count must be followed by `by`.
    case expectedBy(after: String)
    /// `top by x`: no row count before 'by'.
    case topNeedsCount
    /// `extend x + 1`, `window rank()`: a stage that adds columns needs their names.
    case needsName(stage: String)
    /// `top 3 by x per r = region`: the keys of `per` and of `window ... by` group and add no column.
    case namedGroupKey(word: String, name: String, expression: String)
    /// `extend r = rank() over (...)`: SQL's window clause; crmq has a `window` stage.
    case overClause(stage: String)
    /// `window ... partition by x`, `order by x`: SQL's clauses inside a window stage.
    case windowClause(String, crmq: String)
    /// `summarize by region`: no aggregate before 'by'.
    case summarizeNeedsAggregate
    case statementCannotStart(String)
    case reservedWord(String)
    case unknownOperator(String)
    /// An operator of SQL, KQL, PRQL or dplyr (`order by`, `limit`, `filter`, `project`, ...):
    /// the message names crmq's spelling.
    case foreignOperator(String, crmq: String)
    /// `sort by x`: KQL's spelling of `sort x`.
    case sortBy
    /// `count(distinct x)`: SQL's spelling of `count_distinct(x)`.
    case countDistinct(function: String)
    case expectedOperator(found: String)
    /// `customers where x`: an operator word where the statement should have ended.
    case missingPipe(before: String)
    case expectedEndOfStatement(found: String)
    case expectedStageEnd(stage: String, closer: String, found: String)
    case chainedComparison(suggestion: String)
    case expectedJoinSource(found: String)
    case unknownJoinKind(String)
    case expectedSaveSource(found: String)
    case helpTakesOneTopic(found: String)
    /// Brackets, operators or calls nested deeper than later passes' recursion allows.
    case nestedTooDeeply
    /// More stages in one pipeline than the checker and executor handle.
    case tooManyStages
    case chartNotLast(next: String)
    case expectedChartKind(found: String)
    case unknownChartKind(String)
    case chartBinsCount(found: String)

    public var id: String {
        switch self {
        case .expectedExpression: "parse.expected-expression"
        case .expectedClosingParen: "parse.expected-closing-paren"
        case .unmatchedClosingParen: "parse.unmatched-closing-paren"
        case .expectedToken: "parse.expected-token"
        case .expectedName: "parse.expected-name"
        case .expectedPath: "parse.expected-path"
        case .expectedConnectionURL: "parse.expected-url"
        case .expectedBy: "parse.expected-by"
        case .topNeedsCount: "parse.top-needs-count"
        case .needsName: "parse.extend-needs-name"
        case .namedGroupKey: "parse.named-group-key"
        case .overClause, .windowClause: "parse.window-clause"
        case .summarizeNeedsAggregate: "parse.summarize-needs-aggregate"
        case .statementCannotStart: "parse.statement-cannot-start"
        case .reservedWord: "parse.reserved-word"
        case .unknownOperator: "parse.unknown-operator"
        case .foreignOperator: "parse.foreign-operator"
        case .sortBy: "parse.sort-by"
        case .countDistinct: "parse.count-distinct"
        case .expectedOperator: "parse.expected-operator"
        case .missingPipe: "parse.missing-pipe"
        case .expectedEndOfStatement: "parse.expected-end-of-statement"
        case .expectedStageEnd: "parse.expected-stage-end"
        case .chainedComparison: "parse.chained-comparison"
        case .expectedJoinSource: "parse.expected-join-source"
        case .unknownJoinKind: "parse.unknown-join-kind"
        case .expectedSaveSource: "parse.expected-save-source"
        case .helpTakesOneTopic: "parse.help-takes-one-topic"
        case .nestedTooDeeply: "parse.nested-too-deeply"
        case .tooManyStages: "parse.too-many-stages"
        case .chartNotLast: "parse.chart-not-last"
        case .expectedChartKind, .unknownChartKind: "parse.chart-kind"
        case .chartBinsCount: "parse.chart-bins"
        }
    }

    public var message: String {
        switch self {
        case .expectedExpression(let after, let found): "expected an expression after \(after), found \(found)"
        case .expectedClosingParen: "')' expected"
        case .unmatchedClosingParen: "')' has no matching '('"
        case .expectedToken(let what, let after, let found): "expected \(what) after \(after), found \(found)"
        case .expectedName(let after, let found): "expected a name after \(after), found \(found)"
        case .expectedPath(let after, let found): "expected a file path in quotes after \(after), found \(found)"
        case .expectedConnectionURL(let found):
            "expected a connection URL in quotes after 'connect', found \(found), as in connect \"postgres://user@localhost/crm\""
        case .expectedBy(let after): "expected 'by' after \(after)"
        case .topNeedsCount: "expected the number of rows after 'top', as in 'top 10 by amount'"
        case .needsName(let stage): "'\(stage)' needs a name: write '\(stage) name = expression'"
        case .namedGroupKey(let word, let name, let expression):
            "the keys after '\(word)' only group the rows and add no column, so they take no name: write '\(word) \(expression)' (not '\(name) = ...')"
        case .overClause(let stage):
            "crmq has no 'over': window functions are computed in a 'window' stage"
                + (stage == "window" ? "" : " (not in '\(stage)')")
                + ", with the groups after 'by' and the order after 'sort', as in 'window r = rank() by region sort revenue desc'"
        case .windowClause(let clause, let crmq): "a 'window' stage has no '\(clause)'; crmq writes \(crmq)"
        case .summarizeNeedsAggregate:
            "'summarize' needs an aggregate before 'by', as in 'summarize n = count() by region'; to count rows per group, write 'count by ...'"
        case .statementCannotStart(let token): "a statement cannot start with \(token)"
        case .reservedWord(let word): "'\(word)' is a reserved word; quote it as `\(word)` to use it as a name"
        case .unknownOperator(let name): "unknown operator '\(name)'"
        case .foreignOperator(let name, let crmq): "unknown operator '\(name)'; crmq writes \(crmq)"
        case .sortBy: "unexpected 'by' after 'sort'; crmq writes 'sort x [desc]'"
        case .countDistinct(let function): "crmq counts distinct values with 'count_distinct(x)', not '\(function)(distinct x)'"
        case .expectedOperator(let found): "expected an operator after '|', found \(found)"
        case .missingPipe(let word): "missing '|' before '\(word)'"
        case .expectedEndOfStatement(let found): "expected the end of the statement, found \(found)"
        case .expectedStageEnd(let stage, let closer, let found):
            "expected '|' or \(closer) after the '\(stage)' stage, found \(found)"
        case .chainedComparison(let suggestion):
            "comparisons do not chain; to test both, write '\(suggestion)'"
        case .expectedJoinSource(let found): "expected a table, a call or '(query)' after 'join', found \(found)"
        case .unknownJoinKind(let kind): "unknown join kind '\(kind)'"
        case .expectedSaveSource(let found): "expected a name or '(query)' after 'save', found \(found)"
        case .helpTakesOneTopic(let found): "'help' takes one topic, found \(found) after it"
        case .nestedTooDeeply:
            "expression too deep: more than \(ParserState.maximumNesting) levels of brackets, operators or calls; "
                + "compute parts of it in separate 'extend' steps"
        case .tooManyStages:
            "a query may have at most \(ParserState.maximumStages) stages; "
                + "split it with 'let name = ...' and continue from the name"
        case .chartNotLast(let next): "'chart' must be the last stage, but '\(next)' follows it"
        case .expectedChartKind(let found): "expected 'bar', 'line', 'histogram' or 'scatter' after 'chart', found \(found)"
        case .unknownChartKind(let kind): "unknown chart kind '\(kind)'"
        case .chartBinsCount(let found): "'bins' needs a whole number of bins, such as 'bins 20', but found \(found)"
        }
    }
}
