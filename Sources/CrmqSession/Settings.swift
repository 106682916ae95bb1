import Foundation
import CrmqSemantics
import CrmqEngine
import CrmqCRM

/// The settings of a session, by name, with their current values.
public struct Settings: Sendable {
    /// Every setting crmq knows, in the order `set` lists them: display, then CRM.
    public static let specs: [SettingSpec] = display + limits + CRM.settings

    static let display: [SettingSpec] = [
        SettingSpec(
            name: "max_rows", type: .int, defaultValue: .int(40),
            summary: "rows shown before eliding the middle (0: all)",
            validate: { if case .int(let n) = $0, n < 0 { "max_rows must be 0 or more" } else { nil } }),
        SettingSpec(
            name: "max_cell_width", type: .int, defaultValue: .int(50),
            summary: "widest cell shown; longer values end in '…'",
            validate: { if case .int(let n) = $0, n < 4 { "max_cell_width must be at least 4" } else { nil } }),
        SettingSpec(
            name: "history_size", type: .int, defaultValue: .int(Int64(defaultHistorySize)),
            summary: "entries the shell's history file keeps",
            validate: { if case .int(let n) = $0, n < 1 { "history_size must be at least 1" } else { nil } }),
    ]

    /// `history_size` by default: the newest entries the history file keeps (HistoryStore).
    public static let defaultHistorySize = 10_000

    /// The limits of docs/safety.md.
    static let limits: [SettingSpec] = [
        SettingSpec(
            name: "memory_limit", type: .string, defaultValue: .string(MemoryLimit.defaultText),
            summary: "memory a step may use: \"4GB\", \"50%\", \"none\"",
            validate: { MemoryLimit.parse($0).problem }),
        SettingSpec(
            name: "safe", type: .bool, defaultValue: .bool(false),
            summary: "safe mode (--safe); once on, it stays on"),
    ]

    /// Settings that take an int as well as their own type (`set memory_limit = 4000000000`).
    static let alsoInt: Set<String> = ["memory_limit"]

    /// The memory budget `memory_limit` gives.
    public var memoryBudget: MemoryBudget {
        values["memory_limit"].flatMap { MemoryLimit.parse($0).budget } ?? MemoryLimit.defaultBudget
    }

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

/// The forms `memory_limit` takes: a size with a unit ("4GB", "512 MB", "1.5GiB"), a share
/// of the memory crmq may use ("50%"), a number of bytes (as an int, or text), or "none".
public enum MemoryLimit {
    public static let defaultText = "\(MemoryBudget.defaultFraction.numerator * 100 / MemoryBudget.defaultFraction.denominator)%"
    public static let defaultBudget = MemoryBudget.fraction(
        MemoryBudget.defaultFraction.numerator, of: MemoryBudget.defaultFraction.denominator)
    /// Below this, not even the demo data's queries run.
    public static let minimumBytes = 1_000_000

    public static func parse(_ value: Value) -> (budget: MemoryBudget?, problem: String?) {
        let usage = "memory_limit is a size such as \"4GB\", \"512MB\" or \"50%\", a number of bytes, or \"none\""
        switch value {
        case .int(let n):
            return n >= minimumBytes ? (MemoryBudget(bytes: Int(n)), nil)
                : (nil, "memory_limit must be at least \(minimumBytes.grouped) bytes (1MB)")
        case .string(let raw):
            let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if text == "none" { return (.unlimited, nil) }
            if text.hasSuffix("%") {
                guard let p = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), p > 0, p <= 100 else {
                    return (nil, "a share of memory is from 1% to 100% (got '\(raw)')")
                }
                let bytes = Double(MemoryBudget.availableMemory) * p / 100
                return bytes >= Double(minimumBytes) ? (MemoryBudget(bytes: Int(bytes)), nil)
                    : (nil, "memory_limit must be at least 1MB")
            }
            let units: [(String, Double)] = [
                ("tib", 0x1p40), ("gib", 0x1p30), ("mib", 0x1p20), ("kib", 0x1p10),
                ("tb", 1e12), ("gb", 1e9), ("mb", 1e6), ("kb", 1e3), ("t", 1e12), ("g", 1e9), ("m", 1e6),
                ("k", 1e3), ("bytes", 1), ("b", 1), ("", 1),
            ]
            for (unit, size) in units where text.hasSuffix(unit) {
                let number = text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
                guard let n = Double(number), n.isFinite, n >= 0 else { continue }
                let bytes = n * size
                guard bytes >= Double(minimumBytes) else { return (nil, "memory_limit must be at least 1MB (got '\(raw)')") }
                return (MemoryBudget(bytes: bytes >= 0x1p62 ? .max : Int(bytes)), nil)
            }
            return (nil, usage + " (got '\(raw)')")
        default:
            return (nil, usage)
        }
    }
}
