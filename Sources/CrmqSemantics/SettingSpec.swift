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
