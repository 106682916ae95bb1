import Foundation

/// How much memory one statement's results may take, checked before the engine allocates
/// something large (a join's output, the gather after a sort or filter), so that a query
/// that would need more fails at once with an error saying how many rows it would make,
/// instead of growing until the system kills the process.
///
/// The sizes are estimates: 8 bytes per cell of every column a step gathers, plus the
/// 32-bit row numbers it keeps while it does so. Strings count as their 32-bit codes (their
/// texts live once, in a dictionary shared with the input).
public struct MemoryBudget: Sendable, Equatable {
    /// Bytes; `Int.max` for no limit.
    public var bytes: Int

    public init(bytes: Int) { self.bytes = max(0, bytes) }

    public static let unlimited = MemoryBudget(bytes: .max)

    /// The default limit: three quarters of the memory this process may use (physical
    /// memory, or a container's cgroup limit when that is smaller), which leaves room for
    /// the tables already loaded to be read while a result is built.
    public static var defaultFraction: (numerator: Int, denominator: Int) { (3, 4) }

    /// Physical memory, or the cgroup (v2 `memory.max`, v1 `memory.limit_in_bytes`) limit
    /// when one is set and smaller; 4 GiB when neither can be read.
    public static let availableMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), page = sysconf(Int32(_SC_PAGESIZE))
        var memory = pages > 0 && page > 0 ? pages.multipliedReportingOverflow(by: page).partialValue : 1 << 32
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
            {
                memory = min(memory, limit)
            }
        }
        return memory
    }()

    /// A fraction of `availableMemory`.
    public static func fraction(_ numerator: Int, of denominator: Int) -> MemoryBudget {
        MemoryBudget(bytes: Int((Double(availableMemory) * Double(numerator) / Double(denominator)).rounded(.down)))
    }

    /// The estimated bytes of `rows` rows of `columns` gathered columns.
    public static func estimate(rows: Int, columns: Int) -> Int {
        let perRow = 8 * max(columns, 0) + 8
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: perRow)
        return overflow ? .max : bytes
    }

    /// Throws `EngineError.limit` when `rows` rows of `columns` columns would not fit.
    /// `operation` names the step in the message ("the join", "the sort").
    public func check(rows: Int, columns: Int, operation: String) throws(EngineError) {
        guard bytes != .max else { return }
        let need = Self.estimate(rows: rows, columns: columns)
        if need > bytes {
            throw .limit(.memoryLimit(operation: operation, rows: rows, bytes: need, limit: bytes))
        }
    }

    /// "4 GB", "1.5 GB", "512 MB", "900 bytes": decimal units, as `memory_limit` is written.
    public static func describe(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (size, name) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            var text = String(format: value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text + " " + name
        }
        return "\(bytes) bytes"
    }
}
