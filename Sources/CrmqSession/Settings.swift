import CrmqSemantics

/// A setting a user may change with `set name = value`: its type, default, allowed
/// range and a sentence for `set` and `help`.
public struct SettingSpec: Sendable {
    public var name: String
    public var type: DataType
    public var defaultValue: Value
    public var summary: String
    /// Returns a message when the value is not allowed (e.g. out of range), nil if it is.
    public var validate: @Sendable (Value) -> String?

    public init(
        name: String, type: DataType, defaultValue: Value, summary: String,
        validate: @escaping @Sendable (Value) -> String? = { _ in nil }
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
        self.validate = validate
    }
}

/// The settings of a session, by name, with their current values.
public struct Settings: Sendable {
    /// Every setting crmq knows, in the order `set` lists them.
    public static let specs: [SettingSpec] = [
        SettingSpec(
            name: "max_rows", type: .int, defaultValue: .int(40),
            summary: "rows the table view shows before eliding the middle (0 shows all)",
            validate: { if case .int(let n) = $0, n < 0 { "max_rows must be 0 or more" } else { nil } }),
        SettingSpec(
            name: "max_cell_width", type: .int, defaultValue: .int(50),
            summary: "widest cell of the table view, in terminal columns; longer values end in '…'",
            validate: { if case .int(let n) = $0, n < 4 { "max_cell_width must be at least 4" } else { nil } }),
    ]

    public static func spec(_ name: String) -> SettingSpec? { specs.first { $0.name == name } }

    private var values: [String: Value]

    public init() {
        values = Dictionary(uniqueKeysWithValues: Self.specs.map { ($0.name, $0.defaultValue) })
    }

    public subscript(name: String) -> Value? {
        get { values[name] }
        set { values[name] = newValue }
    }

    public func int(_ name: String) -> Int {
        if case .int(let v)? = values[name] { return Int(v) }
        return 0
    }
}
