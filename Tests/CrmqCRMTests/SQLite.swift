import Foundation

/// The sqlite3 command line shell.
enum SQLite {
    static let path: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/bin/sqlite3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { path != nil }

    /// Loads `csv` (txn_id, customer_id, date, amount, ...) into table `t` with SQL types (empty
    /// cells as NULL) and returns the rows of `sql` as CSV fields.
    static func query(csv: String, _ sql: String) throws -> [[String]] {
        let script = """
            CREATE TABLE raw(txn_id TEXT, customer_id TEXT, date TEXT, amount TEXT, category TEXT);
            .import --csv --skip 1 '\(csv)' raw
            CREATE TABLE t AS SELECT
                CAST(NULLIF(customer_id, '') AS INTEGER) AS customer_id, NULLIF(date, '') AS date,
                CAST(NULLIF(amount, '') AS REAL) AS amount
            FROM raw;
            .mode csv
            \(sql)
            """
        return try run(script)
    }

    /// Runs a script in an in-memory database; its output lines as CSV fields (quotes removed).
    static func run(_ script: String) throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["-bail", ":memory:"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SQLiteError.failed(String(decoding: failure, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"\r"))
            }
        }
    }

    enum SQLiteError: Error { case failed(String) }
}
