/// The checked form of a table function's options: `rfm(t, customer = cust_id, asof = "2025-01-01")`.
/// A bare name stays a name (most options name columns); literals become values.
public enum TableFunctionOption: Sendable, Equatable {
    case name(String)
    case value(Value)
    /// Several columns joined with `+`, as in a model formula: `x = trust + satisfaction`.
    case names([String])
}

/// What a table function says is wrong with a call: a message, and the option it is
/// about (nil: the call as a whole, or its input table).
public struct TableFunctionProblem: Error, Sendable {
    public var message: String
    public var option: String?
    public var notes: [String]
    public init(_ message: String, option: String? = nil, notes: [String] = []) {
        self.message = message
        self.option = option
        self.notes = notes
    }
}

/// A table function as the checker sees it: its help line, its options, and how it
/// types a call. Layers above (the CRM layer) define them; the catalog lists them.
public struct TableFunctionSignature: Sendable {
    public var name: String
    /// How a call is written: `rfm(transactions [, customer = col, date = col, amount = col])`.
    public var usage: String
    public var summary: String
    public var example: String
    /// The option names it accepts.
    public var options: [String]
    /// The table it reads when it takes no input table, every argument being an option
    /// (`customers(asof = date("2025-01-01"))` reads customers); nil: the first argument is its input.
    public var source: String?
    /// Given the input's schema and the options written, the resolved options (every
    /// option filled in, names checked) and the output schema; or what is wrong.
    public var bind: @Sendable (_ input: Schema, _ options: [String: TableFunctionOption])
        -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>

    public init(
        name: String, usage: String, summary: String, example: String, options: [String], source: String? = nil,
        bind: @escaping @Sendable (Schema, [String: TableFunctionOption])
            -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem>
    ) {
        self.name = name
        self.usage = usage
        self.summary = summary
        self.example = example
        self.options = options
        self.source = source
        self.bind = bind
    }
}
