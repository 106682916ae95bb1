import CrmqSemantics
import CrmqCRM

/// The settings of a session, by name, with their current values.
public struct Settings: Sendable {
    /// Every setting crmq knows, in the order `set` lists them: display, then CRM.
    public static let specs: [SettingSpec] = display + CRM.settings

    static let display: [SettingSpec] = [
        SettingSpec(
            name: "max_rows", type: .int, defaultValue: .int(40),
            summary: "rows shown before eliding the middle (0: all)",
            validate: { if case .int(let n) = $0, n < 0 { "max_rows must be 0 or more" } else { nil } }),
        SettingSpec(
            name: "max_cell_width", type: .int, defaultValue: .int(50),
            summary: "widest cell shown; longer values end in '…'",
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

    /// Every setting's current value.
    public var all: [String: Value] { values }

    public func int(_ name: String) -> Int {
        if case .int(let v)? = values[name] { return Int(v) }
        return 0
    }
}
