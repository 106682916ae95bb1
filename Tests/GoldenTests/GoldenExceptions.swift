/// The golden cases that print something else on PostgreSQL, each with the reason: a
/// listing that says where a table lives, or what a database cannot say (which expression
/// overflowed).
enum GoldenExceptions {
    static func reason(file: String, case name: String) -> String? {
        byFile[file]?[name] ?? byFile[file]?["*"]
    }

    /// file -> case name -> reason ("*": every case of the file).
    static let byFile: [String: [String: String]] = [
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
            "integer overflow in a column":
                "PostgreSQL reports an integer overflow without naming the expression: crmq shows the server's message on the whole statement",
            "the same column, read":
                "PostgreSQL reports an integer overflow without naming the expression: crmq shows the server's message on the whole statement",
            "integer overflow in sum":
                "PostgreSQL reports an integer overflow without naming the expression: crmq shows the server's message on the whole statement",
            "a negative bin width in a column":
                "an expression in SQL cannot raise crmq's error: a bin width at or below 0 gives null there",
            "a runtime error stops the script":
                "PostgreSQL reports an integer overflow without naming the expression: crmq shows the server's message on the whole statement",
        ],
    ]
}
