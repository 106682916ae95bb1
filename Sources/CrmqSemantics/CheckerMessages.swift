import CrmqDiagnostics

/// Every message the checker reports. Ids are stable (tests and docs use them);
/// texts start lower-case and quote culprits. An expression is shown by its source
/// text: in single quotes, except literals, which are shown as written (`5`, `"North"`).
enum CheckMessage: DiagnosticMessage {
    // Names
    case unknownColumn(String)
    case unknownColumnIn(String, table: String)
    /// A computed column that exists only when the tables it is made from are loaded.
    case unavailableColumn(String, reason: String)
    case unknownName(String)
    case tableAsValue(String)
    case unknownTable(String)
    case unknownTableFunction(String)
    case tableFunctionNeedsTable(String, usage: String)
    case tableFunctionOptionForm(String, usage: String)
    case unknownTableFunctionOption(String, function: String)
    case tableFunctionOptionValue(String)
    case tableFunctionProblem(String)
    case notATable(String)
    case queryAsValue
    case notGrouped(String)
    case missingColumn(function: String, column: String)

    // Functions and aggregates
    case unknownFunction(String)
    case argumentCount(function: String, expected: String, given: Int)
    case argumentType(function: String, position: Int, expected: String, text: String, type: DataType)
    case mixedTypes(function: String, first: String, firstType: DataType, second: String, secondType: DataType)
    case aggregateOutsideSummarize(String)
    case aggregateInBy(String)
    case nestedAggregate(inner: String, outer: String)
    case dateTruncUnit(String)
    case percentileFraction(String)
    /// `retention_rate(months = 12)`: the period option is malformed.
    case ratePeriod(function: String)
    /// A period rate without an as-of date to count back from.
    case ratePeriodNeedsAsOf(function: String)
    /// A defined aggregate whose body does not check on this input (the reason: the body's first error).
    case definitionFailed(function: String, reason: String)
    /// A definition whose body is not one crmq expression (a bad definition in the catalog).
    case definitionInvalid(function: String, definition: String)
    case tableFunctionAsValue(String)
    /// A window function outside the items of a `window` stage.
    case windowOutsideWindow(String, signature: String)
    /// `lag(rank())`, `sum(rank())`, `lag(sum(x))`: the phrases name kind and function.
    case nestedWindow(inner: String, outer: String)
    /// An aggregate or window function in a window stage's `by` or `sort`.
    case windowKey(kind: String, name: String, clause: String)
    /// `rank()` in a window stage without `sort`.
    case windowNeedsOrder(String)
    case ntileCount(String)
    case windowOffset(function: String, text: String)

    // Operators and types
    case cannotCompare(left: String, leftType: DataType, right: String, rightType: DataType)
    /// `churned == true` on an int column of 0 and 1.
    case boolWithInt(text: String, value: Bool, op: String)
    case operandTypes(op: String, verb: String, left: DataType, right: DataType)
    case cannotNegate(text: String, type: DataType)
    case needsBool(op: String, text: String, type: DataType)
    case whereNeedsBool(text: String, type: DataType)
    case invalidDate(String)
    case invalidNumber(String)
    case notALevel(text: String, subject: String?, category: CategoryType)
    case orderAgainstText(subject: String, type: DataType, text: String)
    case orderedLevel(position: Int, text: String)
    case duplicateLevel(String)

    // Stages
    case nameThisColumn
    case duplicateColumn(String)
    case needsCount(stage: String, text: String)
    case joinSource(String)
    case joinKeyTypes(left: String, leftType: DataType, right: String, rightType: DataType)

    // Statements
    case unknownSetting(String)
    case settingType(name: String, expected: DataType, text: String, type: DataType)
    case settingNeedsValue(String)
    case saveNeedsTable(String)
    case explainSQLNeedsTable

    // Charts
    case chartNotATable(user: String)
    case chartYNotNumeric(kind: String, column: String, type: DataType)
    case scatterXNotNumeric(column: String, type: DataType)
    case histogramNotNumeric(column: String, type: DataType)
    case histogramOneColumn(given: Int)
    case chartNeedsNumeric(kind: String, columns: String)
    case chartBinsOnlyHistogram(kind: String)
    case chartBinsRange(Int64)

    var id: String {
        switch self {
        case .unknownColumn, .unknownColumnIn: "check.unknown-column"
        case .unavailableColumn: "check.unavailable-column"
        case .unknownName: "check.unknown-name"
        case .tableAsValue: "check.table-as-value"
        case .unknownTable: "check.unknown-table"
        case .unknownTableFunction: "check.unknown-table-function"
        case .tableFunctionNeedsTable: "check.table-function-needs-table"
        case .tableFunctionOptionForm: "check.table-function-option-form"
        case .unknownTableFunctionOption: "check.unknown-table-function-option"
        case .tableFunctionOptionValue: "check.table-function-option-value"
        case .tableFunctionProblem: "check.table-function"
        case .notATable: "check.not-a-table"
        case .queryAsValue: "check.query-as-value"
        case .notGrouped: "check.not-grouped"
        case .missingColumn: "check.missing-column"
        case .unknownFunction: "check.unknown-function"
        case .argumentCount: "check.argument-count"
        case .argumentType: "check.argument-type"
        case .mixedTypes: "check.mixed-types"
        case .aggregateOutsideSummarize: "check.aggregate-outside-summarize"
        case .aggregateInBy: "check.aggregate-in-by"
        case .nestedAggregate: "check.nested-aggregate"
        case .dateTruncUnit: "check.date-trunc-unit"
        case .percentileFraction: "check.percentile-fraction"
        case .ratePeriod: "check.rate-period"
        case .ratePeriodNeedsAsOf: "check.rate-period-asof"
        case .definitionFailed: "check.definition-failed"
        case .definitionInvalid: "check.definition-invalid"
        case .tableFunctionAsValue: "check.table-function-as-value"
        case .windowOutsideWindow: "check.window-outside-window"
        case .nestedWindow: "check.nested-window"
        case .windowKey: "check.window-key"
        case .windowNeedsOrder: "check.window-needs-order"
        case .ntileCount: "check.ntile-count"
        case .windowOffset: "check.window-offset"
        case .cannotCompare: "check.compare-types"
        case .boolWithInt: "check.bool-with-int"
        case .operandTypes, .cannotNegate: "check.operand-types"
        case .needsBool: "check.needs-bool"
        case .whereNeedsBool: "check.where-not-bool"
        case .invalidDate: "check.invalid-date"
        case .invalidNumber: "check.invalid-number"
        case .notALevel: "check.not-a-level"
        case .orderAgainstText: "check.compare-types"
        case .orderedLevel, .duplicateLevel: "check.ordered-levels"
        case .nameThisColumn: "check.unnamed-column"
        case .duplicateColumn: "check.duplicate-column"
        case .needsCount: "check.count-not-integer"
        case .joinSource: "check.join-source"
        case .joinKeyTypes: "check.join-key-types"
        case .unknownSetting: "check.unknown-setting"
        case .settingType: "check.setting-type"
        case .settingNeedsValue: "check.setting-needs-value"
        case .saveNeedsTable: "check.save-not-table"
        case .explainSQLNeedsTable: "check.explain-sql-not-table"
        case .chartNotATable: "check.chart-not-table"
        case .chartYNotNumeric, .histogramNotNumeric, .scatterXNotNumeric: "check.chart-not-numeric"
        case .histogramOneColumn: "check.histogram-columns"
        case .chartNeedsNumeric: "check.chart-needs-numeric"
        case .chartBinsOnlyHistogram, .chartBinsRange: "check.chart-bins"
        }
    }

    var message: String {
        switch self {
        case .unknownColumn(let name): "unknown column '\(name)'"
        case .unknownColumnIn(let name, let table): "unknown column '\(name)' in \(table)"
        case .unavailableColumn(_, let reason): reason
        case .unknownName(let name): "unknown name '\(name)'"
        case .tableAsValue(let name): "'\(name)' is a table, not a value"
        case .unknownTable(let name): "unknown table '\(name)'"
        case .unknownTableFunction(let name): "unknown table function '\(name)'"
        case .tableFunctionNeedsTable(let name, let usage): "'\(name)' needs a table as its first argument: \(usage)"
        case .tableFunctionOptionForm(let name, let usage): "after the table, '\(name)' takes options written 'option = value': \(usage)"
        case .unknownTableFunctionOption(let option, let function): "'\(function)' has no option '\(option)'"
        case .tableFunctionOptionValue(let option): "option '\(option)' takes a column name, columns joined with '+', or a constant"
        case .tableFunctionProblem(let message): message
        case .notATable(let text): "'\(text)' is not a table"
        case .queryAsValue: "a query cannot be used as a value here"
        case .notGrouped(let name): "'\(name)' is neither aggregated nor in 'by'"
        case .missingColumn(let function, let column): "'\(function)' needs a '\(column)' column"
        case .unknownFunction(let name): "unknown function '\(name)'"
        case .argumentCount(let function, let expected, let given):
            "'\(function)' takes \(expected), but \(given) \(given == 1 ? "was" : "were") given"
        case .argumentType(let function, let position, let expected, let text, let type):
            "argument \(position) of '\(function)' must be \(expected), but \(text) is \(type)"
        case .mixedTypes(let function, let first, let firstType, let second, let secondType):
            "'\(function)' cannot mix \(first) (\(firstType)) and \(second) (\(secondType))"
        case .aggregateOutsideSummarize(let name): "aggregate '\(name)' can only be used in 'summarize'"
        case .aggregateInBy(let name): "aggregate '\(name)' cannot be used in 'by'"
        case .nestedAggregate(let inner, let outer): "aggregate '\(inner)' cannot be used inside aggregate '\(outer)'"
        case .dateTruncUnit(let text):
            "'date_trunc' needs the unit \"year\", \"quarter\", \"month\" or \"week\" as its first argument, but got \(text)"
        case .percentileFraction(let text):
            "'percentile' needs a number between 0 and 1 written as its second argument, but got \(text)"
        case .ratePeriod(let function):
            "'\(function)' takes no argument, or the period it is measured over: months = 12 (a whole number above 0) or from = date(\"2024-01-01\")"
        case .ratePeriodNeedsAsOf(let function):
            "'\(function)' over a period counts from the as-of date, and there is none: set asof, or load transactions"
        case .definitionFailed(let function, let reason):
            "'\(function)' cannot be computed on this table: in its definition, \(reason)"
        case .definitionInvalid(let function, let definition):
            "the definition of '\(function)' is not one crmq expression: \(definition)"
        case .tableFunctionAsValue(let name): "table function '\(name)' can only be the source of a query"
        case .windowOutsideWindow(let name, let signature):
            "window function '\(name)' can only be used in the items of a 'window' stage: 'window name = \(signature) [by groups] [sort order]'"
        case .nestedWindow(let inner, let outer):
            "\(inner) cannot be used inside \(outer); compute it in a 'window' stage of its own first and use its column"
        case .windowKey(let kind, let name, let clause):
            "\(kind) '\(name)' cannot be used in the '\(clause)' of a 'window' stage; compute it in a stage before"
        case .windowNeedsOrder(let name):
            "'\(name)' ranks rows by the window's order, and this window has none: add 'sort key [desc]', as in 'window r = \(name)() sort amount desc'"
        case .ntileCount(let text):
            "'ntile' needs the number of tiles, a whole number above 0 such as ntile(5), but got \(text)"
        case .windowOffset(let function, let text):
            "argument 2 of '\(function)' is how many rows back or ahead: a whole number, 0 or more, such as 1, but got \(text)"
        case .boolWithInt(let text, let value, let op):
            "\(text) is an int, not a bool; for a 0/1 column crmq writes '\(text.hasPrefix("'") ? String(text.dropFirst().dropLast()) : text) \(op) \(value ? 1 : 0)'"
        case .cannotCompare(let left, let leftType, let right, let rightType):
            "cannot compare \(left) (\(leftType)) with \(right) (\(rightType))"
        case .operandTypes(let op, let verb, let left, let right): "'\(op)' cannot \(verb) \(left) and \(right)"
        case .cannotNegate(let text, let type): "'-' cannot negate \(text) (\(type))"
        case .needsBool(let op, let text, let type): "'\(op)' needs true/false values, but \(text) is \(type)"
        case .whereNeedsBool(let text, let type): "'where' needs a true/false condition, but \(text) is \(type)"
        case .invalidDate(let text): "\(text) is not a date; dates are written YYYY-MM-DD"
        case .invalidNumber(let text): "'\(text)' is not a valid number (too large for a double)"
        case .notALevel(let text, let subject, let category):
            "\(text) is not a level of \(subject ?? "this ordered category"); its levels, in order, are "
                + category.levels.map { "\"\($0)\"" }.joined(separator: " < ")
        case .orderAgainstText(let subject, let type, let text):
            "cannot order \(subject) (\(type)) against \(text) (string): only its levels have an order"
        case .orderedLevel(let position, let text):
            "argument \(position) of 'ordered' must be a level written as a string literal, but got \(text)"
        case .duplicateLevel(let level): "level \"\(level)\" is listed twice in 'ordered'"
        case .nameThisColumn: "name this column: write 'name = ...'"
        case .duplicateColumn(let name): "duplicate column name '\(name)'"
        case .needsCount(let stage, let text): "'\(stage)' needs a non-negative integer, but got \(text)"
        case .joinSource(let text): "'join' needs a table name or a (query), but got \(text)"
        case .joinKeyTypes(let left, let leftType, let right, let rightType):
            "cannot join on '\(left)' (\(leftType)) and '\(right)' (\(rightType)): the key types differ"
        case .unknownSetting(let name): "unknown setting '\(name)'"
        case .settingType(let name, let expected, let text, let type):
            "setting '\(name)' needs \(expected == .int ? "an" : "a") \(expected) value, but \(text) is \(type)"
        case .settingNeedsValue(let name): "setting '\(name)' needs a value: write 'set \(name) = ...'"
        case .saveNeedsTable(let text): "'save' needs a table, but \(text) is a value"
        case .explainSQLNeedsTable: "'explain sql' shows the SQL of a query over tables; a value is computed by crmq itself"
        case .chartNotATable(let user): "a chart is not a table: \(user) needs rows, so leave out '| chart ...'"
        case .chartYNotNumeric(let kind, let column, let type):
            "'chart \(kind)' draws numbers on the y axis, but '\(column)' is \(type)"
        case .scatterXNotNumeric(let column, let type):
            "'chart scatter' places points by two numbers, but its x '\(column)' is \(type)"
        case .histogramNotNumeric(let column, let type):
            "'chart histogram' bins numbers, but '\(column)' is \(type)"
        case .histogramOneColumn(let given):
            "'chart histogram' takes one numeric column, but \(given) were given"
        case .chartNeedsNumeric(let kind, let columns):
            "'chart \(kind)' needs a numeric column for the y axis after the x column, but the rows have \(columns)"
        case .chartBinsOnlyHistogram(let kind): "'bins' is an option of 'chart histogram', not of 'chart \(kind)'"
        case .chartBinsRange(let n): "'bins' must be between 1 and \(ChartLimits.maxBins), but got \(n)"
        }
    }
}
