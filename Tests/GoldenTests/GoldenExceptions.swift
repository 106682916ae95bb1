/// The golden cases that print something else on a database (PostgreSQL, Spark), each with
/// the reason: a listing that says where a table lives, or what a database cannot say (which
/// expression overflowed).
enum GoldenExceptions {
    static func reason(in exceptions: [String: [String: String]], file: String, case name: String) -> String? {
        exceptions[file]?[name] ?? exceptions[file]?["*"]
    }

    /// file -> case name -> reason ("*": every case of the file): what differs on any database.
    static let anyDatabase: [String: [String: String]] = [
        "commands.test": [
            ".tables lists the fixtures":
                "the listing of a connected session shows each table's place (database or memory) and the database's own types",
            ".tables shows let-bound results":
                "the listing of a connected session shows each table's place (database or memory) and the database's own types",
            ".schema of one table":
                "the listing of a connected session shows each table's place (database or memory) and the database's own types",
            ".schema of every table":
                "the listing of a connected session shows each table's place (database or memory) and the database's own types",
        ],
        "conversions.test": [
            "inferred column types":
                ".schema of a database table shows the database's types, not crmq's inference over a loaded file's values (null counts need a scan)",
            "a column with an impossible date stays a string":
                ".schema of a database table shows the database's types, not crmq's inference over a loaded file's values (null counts need a scan)",
            "the fixture column types":
                ".schema of a database table shows the database's types, not crmq's inference over a loaded file's values (null counts need a scan)",
        ],
        "crm_measures.test": [
            ".schema customers lists the computed columns with their meaning":
                ".schema of a database table shows the database's types instead of null counts",
        ],
        "explain.test": [
            "a table function over its input":
                "on a database explain shows the plain plan of rfm that runs there (its definition) instead of the in-memory function",
        ],
        "limits.test": [
            "a join that would not fit fails before it allocates, saying how many rows it would make":
                "memory_limit guards crmq's own joins in memory; in the database the server's limits apply",
        ],
        "load_save.test": [
            "an Arrow file keeps its column types (pyarrow, LZ4-compressed Feather v2)":
                ".schema of a table loaded while connected says it is in memory instead of counting its nulls",
            "CRLF does not leak into the last column's type":
                ".schema of a table loaded while connected says it is in memory instead of counting its nulls",
            "a UTF-8 BOM is not part of the first column name":
                ".schema of a table loaded while connected says it is in memory instead of counting its nulls",
            "save then load round trip keeps types and values":
                ".schema of a table loaded while connected says it is in memory instead of counting its nulls",
        ],
        "ordered.test": [
            ".schema shows the order":
                ".schema of a database table shows the database's types instead of null counts",
        ],
        "runtime_errors.test": [
            "a negative bin width in a column":
                "an expression in SQL cannot raise crmq's error: a bin width at or below 0 gives null there",
        ],
    ]

    static let postgres = merged(anyDatabase, [
        "runtime_errors.test": Dictionary(uniqueKeysWithValues: overflowCases.map {
            ($0, "PostgreSQL reports an integer overflow without naming the expression: crmq shows the server's message on the whole statement")
        }),
    ])

    /// The cases that print something else on Spark, each with the reason.
    static let spark = merged(anyDatabase, [
        "runtime_errors.test": Dictionary(uniqueKeysWithValues: overflowCases.map {
            ($0, "Spark reports a long overflow with its own message and a position in the SQL, not crmq's expression")
        }),
    ])

    /// The cases of an integer overflow inside the query, which a database reports its way.
    static let overflowCases = [
        "integer overflow in a column", "the same column, read", "integer overflow in sum", "a runtime error stops the script",
    ]

    static func merged(_ a: [String: [String: String]], _ b: [String: [String: String]]) -> [String: [String: String]] {
        a.merging(b) { $0.merging($1) { _, new in new } }
    }
}
