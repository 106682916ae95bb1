/// The golden cases that print something else on PostgreSQL, each with the reason: a
/// feature that runs only in memory, or output that names where the query ran.
enum GoldenExceptions {
    static func reason(file: String, case name: String) -> String? {
        byFile[file]?[name] ?? byFile[file]?["*"]
    }

    /// file -> case name -> reason ("*": every case of the file).
    static let byFile: [String: [String: String]] = [:]
}
