import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine

/// `kmeans`, `kmeans_elbow` and `kmeans_profile`: k-means segmentation of the rows of a table
/// (customers) on chosen numeric columns, standardised first (docs/crm.md "Segmentation").
enum KMeans {
    static let commonOptions = ["key", "columns", "seed", "n_init", "max_iter", "tol"]

    static let function = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "kmeans",
            usage: "kmeans(table, columns = \"c1, c2, ...\", k = n [, key = col, seed = n, n_init = n, max_iter = n, tol = x])",
            summary: "k-means segments of the rows on standardised columns: the key, segment (1 = largest) and distance",
            example: "kmeans(customers, columns = \"recency, frequency, monetary\", k = 4) | count by segment",
            options: commonOptions + ["k"],
            bind: { bind("kmeans", $0, $1, output: .segments) }),
        details: details(.segments),
        run: { (i, o, _, c) throws(EngineError) in try run(i, o, output: .segments, c) })

    static let elbow = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "kmeans_elbow",
            usage: "kmeans_elbow(table, columns = \"c1, c2, ...\" [, max_k = 10, key = col, seed = n, n_init = n, max_iter = n, tol = x])",
            summary: "k-means inertia for k = 1 to max_k and the drop from k - 1, for choosing k",
            example: "kmeans_elbow(customers, columns = \"recency, frequency, monetary\")",
            options: commonOptions + ["max_k"],
            bind: { bind("kmeans_elbow", $0, $1, output: .elbow) }),
        details: details(.elbow),
        run: { (i, o, _, c) throws(EngineError) in try run(i, o, output: .elbow, c) })

    static let profile = CRMTableFunction(
        signature: TableFunctionSignature(
            name: "kmeans_profile",
            usage: "kmeans_profile(table, columns = \"c1, c2, ...\", k = n [, key = col, seed = n, n_init = n, max_iter = n, tol = x])",
            summary: "one row per k-means segment: its size, share and the mean of each column, as is and standardised",
            example: "kmeans_profile(customers, columns = \"recency, frequency, monetary\", k = 4)",
            options: commonOptions + ["k"],
            bind: { bind("kmeans_profile", $0, $1, output: .profile) }),
        details: details(.profile),
        run: { (i, o, _, c) throws(EngineError) in try run(i, o, output: .profile, c) })

    enum Output { case segments, elbow, profile }

    static let defaultMaxK: Int64 = 10
    static let defaultSeed: Int64 = 1
    static let defaultRestarts: Int64 = 1
    static let defaultMaxIterations: Int64 = 300
    static let defaultTolerance = 1e-4

    static func details(_ output: Output) -> String {
        let what: String
        switch output {
        case .segments:
            what = """
                One row per input row with no null in the chosen columns: the key column (key = col, else \
                customer_id), segment (1 to k) and distance (from the row to its segment's centre, in \
                standard deviations). Join it back with 'customers | join kmeans(...) on customer_id'; add \
                'kind left' to keep the rows left out, with an empty segment.
                """
        case .elbow:
            what = """
                One row per k from 1 to max_k (default 10, at most the number of rows): k, inertia (the sum of \
                squared distances of the rows to their segment's centre, in standardised units), drop (the \
                inertia k - 1 segments leave minus this one) and drop_share (drop as a share of the inertia of \
                k - 1). Choose the k after which the drop flattens: the elbow.
                """
        case .profile:
            what = """
                One row per segment: segment, customers (rows in it), share (of the rows clustered), then for \
                each chosen column its mean in the column's own units and, as <column>_z, the segment's centre \
                in standard deviations from the mean of all rows clustered (once the iterations have converged, \
                the mean of the segment's standardised values; with max_iter = 0, the k-means++ starting centre).
                """
        }
        return what + """


            How: the chosen columns (columns = a + b + c or "a, b, c", or a single name; default: every int or double \
            column except the key) are standardised (minus their mean, divided by their standard deviation, \
            as scikit-learn's StandardScaler; a constant column becomes 0), rows with a null in any of them \
            are left out, then k-means++ picks k starting centres at random (seed = n, default 1: the same \
            seed gives the same segments on any machine and any number of cores) and Lloyd's iterations move \
            each centre to the mean of its rows until no row changes segment, the centres move less than tol \
            (default 1e-4, relative to the columns' variance) or max_iter passes (default 300; 0 keeps the \
            starting centres). n_init = n (default 1) runs n restarts, seeded seed, seed + 1, ..., and keeps \
            the one with the lowest inertia. Segments are numbered by size, 1 the largest (ties: the lower \
            centre on the first column first). 'help segmentation' says how to read them.
            """
    }

    @Sendable static func bind(
        _ function: String, _ input: Schema, _ options: [String: TableFunctionOption], output: Output
    ) -> Result<(options: [String: Value], schema: Schema), TableFunctionProblem> {
        var resolved: [String: Value] = [:]
        // The key column.
        let key: String
        switch options["key"] {
        case .name(let n)?:
            guard input.index(of: n) != nil else {
                return .failure(TableFunctionProblem(
                    "\(function)'s input has no column '\(n)' (key = names the column that identifies a row)",
                    option: "key", notes: [Suggestions.note(for: n, among: input.names, kind: "column")]))
            }
            key = n
        case .value?, .names?:
            return .failure(TableFunctionProblem(
                "\(function)'s option key takes a column name, e.g. key = customer_id", option: "key"))
        case nil:
            guard input.index(of: "customer_id") != nil else {
                return .failure(TableFunctionProblem(
                    "\(function) needs a key column: none is called 'customer_id'; name yours with key = your_column"))
            }
            key = "customer_id"
        }
        resolved["key"] = .string(key)

        // The columns to cluster on.
        var columns: [String]
        switch options["columns"] {
        case .name(let n)?: columns = [n]
        case .names(let ns)?: columns = ns
        case .value(.string(let text))?:
            columns = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            if columns.contains(where: \.isEmpty) {
                return .failure(TableFunctionProblem(
                    "\(function)'s columns option lists column names separated by commas, e.g. "
                        + "columns = \"recency, frequency, monetary\"", option: "columns"))
            }
        case .value?:
            return .failure(TableFunctionProblem(
                "\(function)'s columns option takes column names in quotes, e.g. columns = \"recency, frequency, monetary\"",
                option: "columns"))
        case nil:
            columns = input.fields.filter { $0.name != key && ($0.type == .int || $0.type == .double) }.map(\.name)
            if columns.isEmpty {
                return .failure(TableFunctionProblem(
                    "\(function)'s input has no int or double column besides the key; name the columns to "
                        + "cluster on with columns = \"a, b\""))
            }
        }
        var seen = Set<String>()
        for c in columns {
            guard let i = input.index(of: c) else {
                return .failure(TableFunctionProblem(
                    "\(function)'s input has no column '\(c)' (in the columns option)", option: "columns",
                    notes: [Suggestions.note(for: c, among: input.names, kind: "column")]))
            }
            let type = input[i].type
            guard type == .int || type == .double else {
                return .failure(TableFunctionProblem(
                    "\(function) clusters on numbers: column '\(c)' is \(type); the columns must be int or double",
                    option: options["columns"] == nil ? nil : "columns"))
            }
            guard seen.insert(c).inserted else {
                return .failure(TableFunctionProblem(
                    "\(function)'s columns option names '\(c)' twice", option: "columns"))
            }
            if c == key {
                return .failure(TableFunctionProblem(
                    "\(function) cannot cluster on its key column '\(c)'", option: "columns"))
            }
        }
        resolved["columns"] = .string(columns.joined(separator: ","))

        func integer(_ name: String, default value: Int64, minimum: Int64, meaning: String)
            -> Result<Int64, TableFunctionProblem>
        {
            switch options[name] {
            case nil: return .success(value)
            case .value(.int(let v))? where v >= minimum && v <= 1_000_000:
                return .success(v)
            case .value(.int(let v))?:
                return .failure(TableFunctionProblem(
                    "\(function)'s \(name) must be \(minimum) to 1,000,000 (\(meaning)); it is \(v)", option: name))
            default:
                return .failure(TableFunctionProblem(
                    "\(function)'s \(name) takes a whole number (\(meaning)), e.g. \(name) = \(value)", option: name))
            }
        }
        let checks: [(String, Int64, Int64, String)] =
            (output == .elbow
                ? [("max_k", defaultMaxK, 1, "the largest number of segments tried")]
                : [("k", 0, 1, "the number of segments")])
            + [
                ("n_init", defaultRestarts, 1, "restarts, the best kept"),
                ("max_iter", defaultMaxIterations, 0, "the most Lloyd iterations per restart"),
            ]
        for (name, value, minimum, meaning) in checks {
            if name == "k" && options["k"] == nil {
                return .failure(TableFunctionProblem(
                    "\(function) needs the number of segments: k = n (try kmeans_elbow to choose it)"))
            }
            switch integer(name, default: value, minimum: minimum, meaning: meaning) {
            case .success(let v): resolved[name] = .int(v)
            case .failure(let p): return .failure(p)
            }
        }
        switch options["seed"] {
        case nil: resolved["seed"] = .int(defaultSeed)
        case .value(.int(let v))?: resolved["seed"] = .int(v)
        default:
            return .failure(TableFunctionProblem(
                "\(function)'s seed takes a whole number, e.g. seed = 7", option: "seed"))
        }
        switch options["tol"] {
        case nil: resolved["tol"] = .double(defaultTolerance)
        case .value(.int(let v))? where v >= 0: resolved["tol"] = .double(Double(v))
        case .value(.double(let v))? where v >= 0 && v.isFinite: resolved["tol"] = .double(v)
        default:
            return .failure(TableFunctionProblem(
                "\(function)'s tol takes a number of 0 or more, e.g. tol = 0.0001", option: "tol"))
        }

        let keyType = input[input.index(of: key)!].type
        let schema: Schema
        switch output {
        case .segments:
            for name in ["segment", "distance"] where key == name {
                return .failure(TableFunctionProblem(
                    "\(function)'s key column cannot be called '\(name)', a name of its output; rename it first",
                    option: options["key"] == nil ? nil : "key"))
            }
            schema = Schema([Field(key, keyType), Field("segment", .int), Field("distance", .double)])
        case .elbow:
            schema = Schema([
                Field("k", .int), Field("inertia", .double), Field("drop", .double), Field("drop_share", .double),
            ])
        case .profile:
            var names: Set<String> = ["segment", "customers", "share"]
            var fields = [Field("segment", .int), Field("customers", .int), Field("share", .double)]
            for name in columns + columns.map({ $0 + "_z" }) {
                guard names.insert(name).inserted else {
                    return .failure(TableFunctionProblem(
                        "\(function) would have two output columns called '\(name)'; rename the column first",
                        option: "columns"))
                }
                fields.append(Field(name, .double))
            }
            schema = Schema(fields)
        }
        return .success((resolved, schema))
    }

    /// The rows with every chosen column present, and their standardised values (row-major).
    struct Points {
        var rows: [Int]
        var values: [Double]
        var d: Int
        var means: [Double]
        var scales: [Double]
        /// The raw values, column by column, of `rows`.
        var raw: [[Double]]
    }

    static func points(_ input: Table, columns: [String]) -> Points {
        let cols = columns.map { input.column(named: $0)! }
        var rows: [Int] = []
        rows.reserveCapacity(input.rowCount)
        for i in 0..<input.rowCount where !cols.contains(where: { $0.isNull(i) }) { rows.append(i) }
        let n = rows.count, d = cols.count
        var raw: [[Double]] = []
        for c in cols {
            switch c.values {
            case .double(let a): raw.append(rows.map { a[$0] })
            case .int(let a): raw.append(rows.map { Double(a[$0]) })
            default: raw.append([Double](repeating: 0, count: n))
            }
        }
        var means = [Double](repeating: 0, count: d), scales = [Double](repeating: 1, count: d)
        var values = [Double](repeating: 0, count: n * d)
        for j in 0..<d where n > 0 {
            var s = 0.0
            for v in raw[j] { s += v }
            let mean = s / Double(n)
            var q = 0.0
            for v in raw[j] { q += (v - mean) * (v - mean) }
            let sd = (q / Double(n)).squareRoot()
            means[j] = mean
            scales[j] = sd > 0 && sd.isFinite ? sd : 1
            for i in 0..<n { values[i * d + j] = (raw[j][i] - mean) / scales[j] }
        }
        return Points(rows: rows, values: values, d: d, means: means, scales: scales, raw: raw)
    }

    static func int(_ options: [String: Value], _ name: String) -> Int {
        if case .int(let v)? = options[name] { Int(v) } else { 0 }
    }

    static func settings(_ options: [String: Value], k: Int) -> KMeansFit.Settings {
        let tol: Double = if case .double(let t)? = options["tol"] { t } else { defaultTolerance }
        let seed: Int64 = if case .int(let s)? = options["seed"] { s } else { defaultSeed }
        return KMeansFit.Settings(
            k: k, seed: UInt64(bitPattern: seed), restarts: int(options, "n_init"),
            maxIterations: int(options, "max_iter"), tolerance: tol)
    }

    @Sendable static func run(
        _ input: Table, _ options: [String: Value], output: Output, _ cancellation: CancellationFlag
    ) throws(EngineError) -> Table {
        guard case .string(let key)? = options["key"], case .string(let list)? = options["columns"] else {
            preconditionFailure("KMeans.bind resolves key and columns")
        }
        let columns = list.split(separator: ",").map(String.init)
        let name = output == .segments ? "kmeans" : output == .elbow ? "kmeans_elbow" : "kmeans_profile"
        let p = points(input, columns: columns)
        let n = p.rows.count
        if n == 0 {
            throw .data(.tableFunction(
                "\(name) has no rows to cluster: every row has a null in \(columns.map { "'\($0)'" }.joined(separator: ", "))"
                    + (input.rowCount == 0 ? " (the input is empty)" : "")))
        }

        if output == .elbow {
            let maxK = min(int(options, "max_k"), n)
            var ks: [Int64] = [], inertias: [Double] = [], drops: [Double] = [], shares: [Double] = []
            var valid: [Bool] = []
            for k in 1...maxK {
                let fit = try KMeansFit.fit(
                    points: p.values, n: n, d: p.d, settings: settings(options, k: k), cancellation: cancellation)
                ks.append(Int64(k))
                inertias.append(fit.inertia)
                if let previous = inertias.dropLast().last {
                    drops.append(previous - fit.inertia)
                    shares.append(previous > 0 ? (previous - fit.inertia) / previous : 0)
                    valid.append(true)
                } else {
                    drops.append(0)
                    shares.append(0)
                    valid.append(false)
                }
            }
            let schema = Schema([
                Field("k", .int), Field("inertia", .double), Field("drop", .double), Field("drop_share", .double),
            ])
            return Table(
                schema: schema,
                columns: [
                    Column(.int(ks)), Column(.double(inertias)), Column(.double(drops), validity: valid),
                    Column(.double(shares), validity: valid),
                ],
                rowCount: ks.count)
        }

        let k = int(options, "k")
        guard k <= n else {
            throw .data(.tableFunction(
                "\(name) cannot make \(k) segments of \(n) row\(n == 1 ? "" : "s")"
                    + (n < input.rowCount ? " (\(input.rowCount - n) with a null in a chosen column left out)" : "")
                    + "; ask for k = \(n) or fewer"))
        }
        let fit = try KMeansFit.fit(
            points: p.values, n: n, d: p.d, settings: settings(options, k: k), cancellation: cancellation)
        // Segment numbers by size, the largest first; ties by the first column's centre.
        var counts = [Int](repeating: 0, count: k)
        for l in fit.labels { counts[Int(l)] += 1 }
        let order = (0..<k).sorted {
            counts[$0] != counts[$1] ? counts[$0] > counts[$1]
                : fit.centers[$0 * p.d] != fit.centers[$1 * p.d] ? fit.centers[$0 * p.d] < fit.centers[$1 * p.d]
                : $0 < $1
        }
        var number = [Int64](repeating: 0, count: k)
        for (rank, j) in order.enumerated() { number[j] = Int64(rank + 1) }

        if output == .segments {
            let keyColumn = input.column(named: key)!.gather(p.rows)
            let schema = Schema([
                Field(key, keyColumn.type), Field("segment", .int), Field("distance", .double),
            ])
            return Table(
                schema: schema,
                columns: [
                    keyColumn, Column(.int(fit.labels.map { number[Int($0)] })),
                    Column(.double(fit.distances.map { $0.squareRoot() })),
                ],
                rowCount: n)
        }

        // The profile: per segment, the mean of each column in its units (rows in input order).
        var sums = [Double](repeating: 0, count: k * p.d)
        for i in 0..<n {
            let j = Int(fit.labels[i])
            for t in 0..<p.d { sums[j * p.d + t] += p.raw[t][i] }
        }
        var columnsOut: [Column] = [
            Column(.int(order.map { number[$0] })), Column(.int(order.map { Int64(counts[$0]) })),
            Column(.double(order.map { Double(counts[$0]) / Double(n) })),
        ]
        // A segment can be empty only when the rows have fewer distinct points than k: no means then.
        let filled = order.map { counts[$0] > 0 }
        for t in 0..<p.d {
            columnsOut.append(Column(
                .double(order.map { counts[$0] > 0 ? sums[$0 * p.d + t] / Double(counts[$0]) : 0 }), validity: filled))
        }
        for t in 0..<p.d { columnsOut.append(Column(.double(order.map { fit.centers[$0 * p.d + t] }))) }
        let schema = Schema(
            [Field("segment", .int), Field("customers", .int), Field("share", .double)]
                + columns.map { Field($0, .double) } + columns.map { Field($0 + "_z", .double) })
        return Table(schema: schema, columns: columnsOut, rowCount: k)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}
