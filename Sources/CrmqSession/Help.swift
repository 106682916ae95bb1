import CrmqDiagnostics
import CrmqSemantics
import CrmqCRM

/// One `help` topic: a statement, operator, function, concept or command, explained
/// in a few lines with its syntax and an example.
public struct HelpTopic: Sendable {
    public var name: String
    public var category: String
    /// One line: what it is for.
    public var summary: String
    /// The rest: syntax, rules, example (plain text, code indented two spaces).
    public var body: String
    public init(_ name: String, _ category: String, _ summary: String, _ body: String) {
        self.name = name
        self.category = category
        self.summary = summary
        self.body = body
    }
}

/// The help catalogue: every topic `help <topic>` knows. docs/language.md says the
/// same at more length; a test checks that every topic appears there.
public enum Help {
    /// Built once: the topics are fixed, and building them wraps every text (a `help`
    /// statement built them all several times).
    public static let topics: [HelpTopic] = languageTopics + functionTopics + crmTopics

    public static let topicNames: [String] = topics.map(\.name)

    /// The text for a topic. Case, spaces, hyphens and underscores do not matter
    /// (`help Share of Wallet` finds `share_of_wallet`); a leading '.' finds session commands.
    /// A function's alias finds its function (`power` is `pow`), and a few other spellings
    /// find theirs (`10C` is `ten_c`); a name that is both an operator and a function
    /// (`count`) shows both; `name()` shows only the function.
    public static func text(for topic: String) -> String? {
        var key = normalized(topic)
        if key == ".help" || key == "commands" { return dotCommandsText }
        if key.hasPrefix("."), let c = Session.dotCommands.first(where: { "." + $0.name == key }) {
            return "\(c.usage)\n\n\(c.summary)."
        }
        var candidates = topics
        if key.hasSuffix("()") {
            key.removeLast(2)
            candidates = functionTopics
        }
        if let f = allFunctions.first(where: { $0.aliases.contains { $0.lowercased() == key } }) {
            key = f.name.lowercased()
        }
        if let other = otherSpellings[key] { key = other }
        let found = candidates.filter { $0.name.lowercased() == key }
        guard !found.isEmpty else { return nil }
        return found.map { "\($0.name) — \($0.summary)\n\n\($0.body)" }.joined(separator: "\n\n")
    }

    /// Spellings of a topic a reader may use that are not its name.
    static let otherSpellings: [String: String] = [
        "10c": "ten_c", "10_c": "ten_c", "rfm_segments": "rfm", "rfm_segment": "rfm", "nps_score": "net_promoter",
        "customer_lifetime_value": "lifetime_value", "loyalty_stages": "oliver_stages",
        "wallet_share": "share_of_wallet", "80_20": "pareto", "customer_pyramid": "pareto",
        "customer_tiers": "pareto",
    ]

    /// A topic as `text(for:)` compares it: lower-case, with runs of spaces, hyphens and
    /// underscores made one underscore (`Share-of wallet` is `share_of_wallet`).
    static func normalized(_ topic: String) -> String {
        var out = ""
        var gap = false
        for ch in topic.lowercased() {
            if ch == " " || ch == "-" || ch == "_" || ch == "\t" {
                gap = true
                continue
            }
            if gap, !out.isEmpty, out.last != "." { out.append("_") }
            gap = false
            out.append(ch)
        }
        return out
    }

    /// The notes for a topic `text(for:)` does not know: the nearest topics ("did you
    /// mean"), or the topics that contain it as a word (`wallet`: share_of_wallet ...), and
    /// where the list of every topic is.
    public static func unknownTopicNotes(_ topic: String) -> [String] {
        let key = normalized(topic)
        let names = key.hasPrefix(".") ? Session.dotCommands.map { "." + $0.name } : topicNames
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        var close = Suggestions.closest(to: key, among: unique)
        if close.isEmpty, key.count >= 3 {
            close = unique.filter { $0.split(separator: "_").contains { $0.hasPrefix(key) } || $0.contains(key) }
        }
        let first: String
        if close.isEmpty {
            first = Suggestions.note(for: key, among: unique, kind: "topic")
        } else if close.count == 1 {
            first = "did you mean '\(close[0])'?"
        } else {
            first = "did you mean " + close.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + "?"
        }
        return [first, "'help' alone lists every topic"]
    }

    /// `help` alone: the topics by category.
    public static var index: String {
        var out = "crmq help. Type 'help <topic>' for one of these:\n"
        var categories: [String] = []
        for t in topics where !categories.contains(t.category) { categories.append(t.category) }
        for c in categories {
            let names = topics.filter { $0.category == c }.map(\.name)
            out += "\n\(c):\n" + wrap(names.joined(separator: ", "), indent: "  ")
        }
        out += "\nsession commands: " + Session.dotCommands.map { "." + $0.name }.joined(separator: ", ")
            + " ('.help' explains them)\n"
        return out
    }

    public static var dotCommandsText: String {
        let width = Session.dotCommands.map(\.usage.count).max() ?? 0
        return "Session commands (a line starting with '.'):\n\n"
            + Session.dotCommands.map {
                "  " + $0.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary
            }.joined(separator: "\n")
    }

    /// Prose wrapped to the terminal's usual width, paragraph by paragraph.
    /// A paragraph whose lines start with two spaces (a list, code) is kept as it is.
    static func paragraphs(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { p in
            if p.hasPrefix("  ") { return p }
            return String(wrap(p.replacingOccurrences(of: "\n", with: " "), indent: "").dropLast())
        }.joined(separator: "\n\n")
    }

    static func wrap(_ text: String, indent: String, width: Int = 76) -> String {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width, line != indent {
                lines.append(line)
                line = indent
            }
            line += (line == indent ? "" : " ") + word
        }
        if line != indent { lines.append(line) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A catalogue sentence in the style of the other summaries: lower-case start (unless
    /// it starts with an acronym such as NPS), no final period.
    static func summaryLine(_ sentence: String) -> String {
        var s = sentence
        if s.hasSuffix(".") { s.removeLast() }
        let chars = Array(s)
        if chars.count > 1, chars[0].isUppercase, chars[1].isLowercase {
            s = chars[0].lowercased() + String(chars.dropFirst())
        }
        return s
    }

    /// One topic per user-facing function and aggregate, from the checker's catalogue.
    static var functionTopics: [HelpTopic] {
        allFunctions.map { f in
            let definition = f.definition.map {
                "\n\nDefinition (in crmq; `explain` shows it in a query's plan):\n"
                    + $0.definitionText.map { "  " + $0 }.joined(separator: "\n")
            }
            return HelpTopic(
                f.name, f.isAggregate ? "aggregates" : f.isWindow ? "window functions" : "functions", summaryLine(f.summary),
                "  \(f.signature)" + (definition ?? "") + "\n\nExample:\n  \(f.example)")
        }
    }

    /// The built-in functions and the CRM layer's defined aggregates, in help order.
    static let allFunctions = FunctionCatalog.functions(with: CRM.aggregates)

    /// The CRM layer's topics: its concepts, computed columns and table functions.
    static var crmTopics: [HelpTopic] {
        let concepts = CRM.concepts.map { c in
            HelpTopic(
                c.name, "CRM concepts", c.summary,
                paragraphs(c.explanation) + (c.formula.map { "\n\nFormula:\n  " + $0 } ?? "")
                    + "\n\nExample:\n  " + c.example)
        }
        let columns = CustomerMeasures.all.map { c in
            HelpTopic(
                c.name, "computed customer columns", c.summary,
                paragraphs(
                    "A column of customers (\(c.type)), computed from its column\(c.requires.count == 1 ? "" : "s") "
                        + c.requires.joined(separator: ", ")
                        + c.needs.map { " and the \($0) table" }.joined() + ".")
                    + "\n\n" + paragraphs(c.rule)
                    + (CustomerDefinitions.helpText(c.name).map { "\n\n" + $0 } ?? ""))
        }
        let functions = CRM.tableFunctions.values.sorted { $0.signature.name < $1.signature.name }.map { f in
            HelpTopic(
                f.signature.name, "table functions", f.signature.summary,
                "  \(f.signature.usage)\n\n" + (f.details.isEmpty ? "" : paragraphs(f.details) + "\n\n")
                    + "Example:\n  \(f.signature.example)")
        }
        return concepts + columns + functions + settingTopics
    }

    /// One topic per setting: how to set it, its default, its meaning; `asof` at more length.
    static var settingTopics: [HelpTopic] {
        Settings.specs.map { spec in
            let defaultText = spec.defaultValue.isNull ? "null" : spec.defaultValue.exactText
            var body = "  set \(spec.name) = value\n\n"
            if let (prose, example) = settingDetails[spec.name] {
                body += paragraphs(prose) + "\n\nExample:\n  " + example
            } else {
                body += "A \(spec.type.rawValue) setting, \(defaultText) by default: \(spec.summary)."
                    + " 'set' alone lists every setting with its value."
            }
            return HelpTopic(spec.name, "settings", spec.summary, body)
        }
    }

    /// Settings whose topic says more than their one line: the prose and an example.
    static let settingDetails: [String: (String, String)] = [
        "asof": (
            """
            The as-of date is the day the computed customer columns are measured on: purchases count only \
            when dated before it; recency counts the days from the last purchase up to it; spend_12m sums \
            the 365 days before it; tenure_days runs from signup to it; a customer whose churn_date is on \
            or after it counts as still active. rfm and cohorts use it too, unless given their own asof \
            option.

            Where it comes from: set by the user (set asof = date("2025-07-01")); or, by default (null), \
            the day after the last transaction in the transactions table, so the newest purchase is 1 day \
            old; or none, when no transactions are loaded (tenure_days is then null; the other date measures \
            need transactions anyway). 'set' alone \
            shows the date in use and which of these it is. An earlier date shows the customers as they \
            were on that day; 'set asof = null' goes back to the default.
            """,
            """
            set asof = date("2025-01-01")
              customers | count by lifecycle_stage
            """),
        "history_size": (
            """
            The interactive shell keeps every statement entered in its history file (~/.crmq_history, or \
            the file CRMQ_HISTORY names), appending each as it is made, so shells open at the same time \
            all keep their entries. history_size is how many of the newest entries the file keeps \
            (10,000 by default, at least 1): once it holds a tenth more, it is trimmed to that many. A \
            shell starting recalls the newest history_size entries; set it in ~/.crmqrc to apply it at \
            start. '.history' lists the entries.
            """,
            "set history_size = 50000"),
    ]

    static let languageTopics: [HelpTopic] = [
        // Statements
        HelpTopic("let", "statements", "bind a name to a query result or a value",
            """
              let name = <query or expression>

            A query is run once and its rows kept under the name, which later statements
            use like a table; an expression is evaluated once and its value used wherever
            the name appears. Binding a name again replaces it.

            Example:
              let vip = customers | where satisfaction >= 9
              vip | count
              let threshold = 0.5
            """),
        HelpTopic("load", "statements", "read a CSV or Arrow file, or every such file of a folder",
            """
              load "file.csv" [as name]
              load "file.arrow" [as name]      (also .feather, .ipc, .arrows)
              load "folder"

            The first row names the columns; types are inferred (help csv). Arrow IPC files
            (Feather v2, as Polars, pandas and DuckDB write them) keep their column types:
            ints, floats and decimals (as double), strings, booleans, dates and timestamps (as
            their UTC day), compressed or not. A table is named after its file unless 'as' names
            it. A malformed file is reported with its row and column, and nothing of it is loaded.

            Example:
              load "datasets/demo/customers.csv" as c
            """),
        HelpTopic("save", "statements", "write a table or query result to a CSV, JSON or Arrow file",
            """
              save name to "file.csv"
              save (query) to "file.json"
              save (query) to "file.arrow"     (also .feather, .ipc; .arrows for a stream)

            JSON when the file name ends in .json, Arrow (Feather v2, which pandas, Polars,
            DuckDB and Spark read) for .arrow, .feather and .ipc, CSV otherwise; values at
            full precision.
            The file is written to a temporary file and renamed, so a failed save leaves the
            old file whole.

            Example:
              save (customers | where churned == 1) to "churned.csv"
            """),
        HelpTopic("set", "statements", "change a setting, or list them",
            """
              set name = value
              set

            'set' alone lists every setting with its value and meaning.

            Example:
              set max_rows = 100
            """),
        HelpTopic("connect", "statements", "run queries in a PostgreSQL database or on Spark instead of memory",
            """
              connect "postgres://user@host:port/database?sslmode=prefer&search_path=sales"
              connect "sc://host:15002/;token=..."     (a Spark Connect server)
              disconnect

            From now on the tables are the database's (those of the schemas on its search
            path): .tables and .schema list them with their types, and a query over them is
            compiled to one SQL statement and run there; its rows come back for display,
            charts, let, save and notebooks. Tables made with let or load since connecting
            stay in memory; a query may join them with the database's tables (they are
            sent once as temporary tables: COPY on PostgreSQL, Arrow on Spark). The password
            comes from the URL, PGPASSWORD or ~/.pgpass, as for psql. Ctrl-C stops a
            running query on the server. 'explain sql <query>' prints the SQL. The CRM
            computed columns of customers, rfm, cohorts, window and the CRM aggregates run
            in the database too, as their definitions; the models (kmeans, logit, regress,
            value_matrix, rules) fit in memory on the rows their input brings back, and the
            buy-till-you-die models (bgnbd, gamma_gamma, clv_model) on one row per customer
            that the database summarises. A let over the database's tables stays there.
            disconnect returns to the tables in memory. --connect URL does the same on the
            command line. Safe mode refuses it.
            With sc://, queries are compiled to Spark SQL (Spark 4) and run on the Spark
            Connect server, results coming back as Arrow; the tables of its current database
            are the tables, and all of the above holds there too (a let is a cached
            temporary view). docs/backends.md has the details, and when a cluster pays.

            Example:
              connect "postgres://analyst@localhost/crm"
            """),
        HelpTopic("disconnect", "statements", "leave the connected database: queries run in memory again",
            """
              disconnect

            Closes the connection 'connect' opened; the tables in memory are the session's
            tables again.
            """),
        HelpTopic("explain", "statements", "print the plan a query runs, with the CRM measures' definitions",
            """
              explain <query>

            Prints the checked plan instead of running it: one step a line, each step's
            input indented below it, and where a step sets the order of the rows. What the
            query reads as customers is shown expanded: the stored table as of asof with the
            computed columns the query uses, each computed from the raw tables by its
            definition (help clv shows the same text), with the settings' current values.
            Connected to a database (help connect), 'explain sql <query>' prints the one SQL
            statement the query becomes there, its parameters listed below it.

            Example:
              explain customers | count by loyalty_stage
            """),
        HelpTopic("help", "statements", "explain a statement, operator, function or concept",
            """
              help
              help <topic>

            Example:
              help summarize
            """),
        // Operators
        HelpTopic("where", "operators", "keep the rows where a condition is true",
            """
              source | where <condition>

            Rows where the condition is false or null are dropped.

            Example:
              customers | where region == "North" and satisfaction >= 8
            """),
        HelpTopic("select", "operators", "keep, rename or compute columns",
            """
              source | select col, name = expr, ...

            The result has exactly the listed columns, in order. An unnamed column keeps its
            name; a call is named after the function and its first argument (avg_amount);
            other expressions need 'name = '.

            Example:
              customers | select customer_id, gap = perceived_quality - expectation
            """),
        HelpTopic("extend", "operators", "add computed columns, keeping all others",
            """
              source | extend name = expr, ...

            A name that exists is replaced in place; a later item may use an earlier one.

            Example:
              customers | extend gap = perceived_quality - expectation
            """),
        HelpTopic("sort", "operators", "order the rows",
            """
              source | sort expr [asc|desc], ...

            Ascending unless 'desc'. Nulls come last either way. Ties keep their order.

            Example:
              customers | sort satisfaction desc, name
            """),
        HelpTopic("take", "operators", "keep the first n rows",
            """
              source | take n

            Example:
              transactions | sort date desc | take 20
            """),
        HelpTopic("top", "operators", "the n rows with the largest (or smallest) values",
            """
              source | top n by expr [asc|desc], ...
              source | top n by expr [asc|desc], ... per key, ...

            Descending unless 'asc'; the same as 'sort ... | take n' but without sorting
            every row. Nulls come last; tied rows keep their order. With 'per', the first
            n rows of each group of the keys: groups in ascending order (nulls last), each
            group's rows in the top order.

            Example:
              customers | top 10 by category_spend
              customers | top 3 by share_of_wallet per region
            """),
        HelpTopic("count", "operators", "count rows, overall or per group",
            """
              source | count
              source | count by expr, ...

            Alone: one row with column n. With 'by': the group columns, n, and share
            (n divided by the total), groups in ascending order. Inside summarize,
            the aggregates count() (rows) and count(x) (non-null values of x) count
            per group: 'help count()'.

            Example:
              customers | count by region
            """),
        HelpTopic("summarize", "operators", "aggregate rows, overall or per group",
            """
              source | summarize name = aggregate, ... [by expr, ...]

            Each item is an expression over aggregates (help aggregates), such as
            avg(amount) or 1 - avg(churned). Output: the 'by' columns, then the items;
            groups in ascending order, nulls last. Without 'by', exactly one row.

            Example:
              customers | summarize n = count(), avg_sat = avg(satisfaction) by region
            """),
        HelpTopic("join", "operators", "combine rows with the matching rows of another table",
            """
              source | join other on key [, key ...] [kind inner|left]
              source | join other on left_key == right_key

            Inner by default: rows without a match are dropped; 'kind left' keeps them with
            nulls on the right. Null keys match nothing. The result has the left columns,
            then the right ones except the keys; a right column whose name is taken gets
            the suffix _right. 'other' is a table, a let name or a (query).

            Example:
              transactions | join customers on customer_id | summarize revenue = sum(amount) by region
            """),
        HelpTopic("distinct", "operators", "the distinct combinations of some columns",
            """
              source | distinct expr, ...

            In order of first appearance.

            Example:
              transactions | distinct category
            """),
        HelpTopic("window", "operators", "rank, number, compare with neighbours, running sums and shares, per group",
            """
              source | window name = expr, ... [by key, ...] [sort key [asc|desc], ...]

            Adds columns (as 'extend' does) computed from each row's group (the 'by'
            keys; without 'by', all rows) in the 'sort' order (ascending unless 'desc').
            An item may use the window functions (each has its own topic:
            row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead,
            running_sum, share) and aggregates, which are computed over the whole group:
            'monetary / sum(monetary)'. Arguments of a window function are row values.

            The rows come out in window order: groups in ascending order of their keys
            (nulls last), each group in the sort order; tied rows keep their input order.
            Nulls sort last, also with 'desc', and tie with each other. Ties share a
            rank (rank 1, 1, 3; dense_rank 1, 1, 2); row_number, ntile, lag, lead and
            running_sum go row by row, ties in input order. ntile(n) is SQL's NTILE: the
            first (rows mod n) tiles have one row more. lag and lead give null (or their
            third argument) where the row before or after is not in the group. running_sum
            skips nulls and is null until the first value; share(x) is null when the
            group's total is 0. rank, dense_rank, percent_rank and cume_dist need 'sort'.

            Example:
              customers | window r = rank(), cumulative = running_sum(monetary) / sum(monetary) sort monetary desc
              transactions | window gap = date - lag(date) by customer_id sort date
              customers | window top = cume_dist() sort monetary desc
                | summarize top_20 = sum(if(top <= 0.2, monetary, 0)) / sum(monetary)
            """),
        HelpTopic("chart", "operators", "draw the rows as a bar, line, histogram or scatter chart",
            """
              source | chart bar|line|histogram|scatter [x [, y ...]] [bins n] [title "text"]

            The last stage of a query. In the table view it draws a Unicode chart that fits
            the terminal (80 columns when the width is unknown), in colour on a terminal
            unless NO_COLOR is set; notebooks draw it as SVG. In csv, json and markdown mode
            it prints the rows the chart is drawn from. A chart is not a table: 'let' and
            'save' cannot take one.

              bar        one bar per row (at most 50), labelled by x; each y is a series
              line       a line over x (in x order when x is a number or a date)
              histogram  counts of one numeric column in bins of equal width
              scatter    a dot per row at (x, y), both numbers ('help scatter')

            Omitted columns: x is the first column and y every numeric column after it;
            a histogram takes the first numeric column that is not an id. 'bins n' draws
            exactly n bins over decimals (at most n over whole numbers, whose bins stay whole);
            without it, round edges and about as many bins as Sturges' rule asks
            (log2(rows) + 1).

            Examples:
              customers | summarize retention = retention_rate() by satisfaction | chart line satisfaction, retention
              customers | count by region | chart bar region, n title "Customers by region"
              transactions | chart histogram amount bins 20
            """),
        HelpTopic("scatter", "operators", "chart scatter x, y: one dot per row, to see how two numbers move together",
            """
              source | chart scatter [x [, y ...]] [title "text"]

            One dot per row at (x, y); x and every y must be numbers, and rows whose x is
            null are left out (at most 100,000 points: sample bigger tables first). In a
            terminal the dots are Braille (2 x 4 per character cell), so dense regions fill
            in; notebooks draw translucent SVG dots. Several y columns are several series.
            Omitted columns: the first two numeric columns that are not ids. Survey answers
            are whole numbers, so their dots fall on a grid: 'summarize' first (the mean of
            y by x), or compare with corr(x, y).

            Examples:
              customers | chart scatter satisfaction, recommend
              customers | where tenure_days > 0 | chart scatter tenure_days, clv
            """),
        // The expression language
        HelpTopic("expressions", "language", "operators and literals inside where, select, extend ...",
            """
              + - * / %            arithmetic (/ always gives a decimal: 7 / 2 is 3.5)
              == != < <= > >=      comparison ('=' means '==', '<>' means '!=')
              and or not           logic, with SQL's rules for null
              x in (a, b)          x not in (a, b)
              x between a and b    inclusive
              x is null            x is not null
              if(cond, a, b)       a where cond is true, else b

            Literals: 42, 4.2, "text", true, false, null, date("2025-01-01").

            Example:
              customers | where region in ("North", "East") and satisfaction between 7 and 9
            """),
        HelpTopic("types", "language", "the types of columns and values",
            """
              int      whole numbers (64-bit)
              double   decimal numbers
              string   text
              date     calendar dates, written YYYY-MM-DD
              bool     true or false
              ordered(cognitive < affective < ...)
                       an ordered category: text limited to a list of levels that sort,
                       group, compare and chart in their order (loyalty_stage,
                       lifecycle_stage, nps_group, rfm_segment; help ordered)

            Every type may be null. int mixes with double (the int is widened). A string in
            ISO form compared with a date is read as a date: date >= "2025-01-01"; one
            compared with a category must be a level: loyalty_stage >= "conative".
            Functions int(), double(), string(), date(), ordered() convert.
            """),
        HelpTopic("nulls", "language", "how missing values behave",
            """
            Missing values are null, with SQL's rules: arithmetic and comparison with null
            give null; 'where' drops rows whose condition is null; 'null and false' is false,
            'null or true' is true. Aggregates skip nulls; count() counts rows, count(x)
            non-null values. Sorting puts nulls last. Test with 'is null' and replace with
            coalesce(x, default).

            Example:
              customers | where satisfaction is null | count
            """),
        HelpTopic("dates", "language", "working with dates",
            """
            Dates print as YYYY-MM-DD. date("2025-01-01") makes one; so does a string in that
            form compared with a date column. date + n and date - n move by n days;
            date - date is the number of days between. Functions: year, month, day, quarter,
            weekday, date_trunc, days_between, add_days, add_months, months_between.

            Example:
              transactions | where date >= "2025-01-01" | count by month = date_trunc("month", date)
            """),
        HelpTopic("csv", "language", "how CSV files are read and written",
            """
            The first row names the columns. Quoted fields may hold commas, quotes ("") and
            line breaks; a UTF-8 BOM and CRLF line ends are accepted. A column's type is
            inferred from its non-empty cells: all integers (0/1 included) -> int; all
            true/false -> bool; all YYYY-MM-DD dates -> date; all numbers -> double; else
            string. An empty cell is null. Writing: quotes only where needed, null as an
            empty cell, numbers at full precision.
            """),
        HelpTopic("queries", "language", "the shape of a query: a source and a pipeline of operators",
            """
              source | operator | operator ...

            A source is a table, a let name or (query). A statement ends at the end of the
            line unless a bracket is open, the line ends with '|' or ',', or the next line
            starts with '|'; ';' also ends one. A blank line ends it even inside a bracket
            (the bracket is then reported). '-- text' is a comment. In the shell, a pasted
            block runs as a whole, and a line starting with '|' right after a statement ran
            runs that statement extended by it.

            Example:
              customers
              | where churned == 0
              | count by region
            """),
        HelpTopic("settings", "language", "what 'set' can change",
            Settings.specs.map {
                "  \($0.name) (\($0.type), default \($0.defaultValue.isNull ? "null" : $0.defaultValue.exactText)): \($0.summary)"
            }.joined(separator: "\n")
                + "\n\n'help <setting>' says more; asof's null default is the day after the last transaction"
                + " ('help asof').\n\nExample:\n  set max_rows = 0"),
    ]
}
