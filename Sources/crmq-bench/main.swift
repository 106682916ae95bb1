// crmq-bench: times the benchmark queries in-process through the same Session API as
// the REPL (scripts/bench drives it and compares its answers with DuckDB's and Polars').
//
//     crmq-bench --data DIR --reps N --json OUT [--queries FILE] [--connect URL] [--setup-sql FILE]
//
// With --connect the session is connected to a PostgreSQL database (postgres://...) or a
// Spark Connect server (sc://...) holding the same tables (scripts/bench --backend postgres
// or spark loads them) and every query runs there; there is nothing to load and no cache to
// forget. --setup-sql (Spark) runs FILE's statements, separated by lines of `;`, on the
// server first, timed as the load: scripts/bench's CREATE TABLE statements over the CSV files.
//
// Q0 loads DIR/customers.csv and DIR/transactions.csv with `load` statements (timed once,
// like the peers' load), then sets `asof = date("2026-01-01")`. Each query block of FILE
// (`-- name: qN_...` blocks, see scripts/lib/bench/queries.crmq) runs once ("first"), then N
// times; the median of those N is the warm figure. Before every run the `asof` setting is
// reset (untimed, `forgetMeasures`), which drops the session's caches of computed customer
// columns, so every timed run computes what it reads, as the peers do. `cached` times (3 runs without
// that reset) show what a repeated query costs in a REPL session. The tables the last run
// printed are written as CSV (full precision) for answer checking.
import CrmqEngine
import CrmqLoading
import CrmqSession
import CrmqPostgres
import CrmqSpark
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("crmq-bench: \(message)\n".utf8))
    exit(1)
}

var options: [String: String] = ["--reps": "5", "--queries": "scripts/lib/bench/queries.crmq"]
var argv = Array(CommandLine.arguments.dropFirst())
while !argv.isEmpty {
    let key = argv.removeFirst()
    guard ["--data", "--reps", "--json", "--queries", "--connect", "--setup-sql"].contains(key), !argv.isEmpty else {
        fail("usage: crmq-bench --data DIR --reps N --json OUT [--queries FILE] [--connect URL] [--setup-sql FILE]")
    }
    options[key] = argv.removeFirst()
}
guard let data = options["--data"], let out = options["--json"], let reps = Int(options["--reps"]!), reps >= 1
else { fail("usage: crmq-bench --data DIR --reps N --json OUT [--queries FILE]") }

/// The `-- name:` blocks of a query file, in order.
func blocks(_ path: String) -> [(name: String, text: String)] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    var result: [(String, String)] = []
    var name: String?
    var lines: [Substring] = []
    func flush() {
        if let name { result.append((name, lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))) }
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("-- name:") {
            flush()
            name = line.dropFirst("-- name:".count).trimmingCharacters(in: .whitespaces)
            lines = []
        } else if name != nil {
            lines.append(line)
        }
    }
    flush()
    return result
}

/// A field of /proc/self/status in MiB (VmHWM: peak resident set; VmRSS: now).
func procStatusMiB(_ field: String) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
        return kb / 1024
    }
    return -1
}

// The allocation policy of the crmq binary (Allocator), so the figures are the REPL's.
Allocator.keepFreedMemory()
let session = Session()
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Runs `text` through the session; returns the wall time and the tables it produced.
func run(_ text: String, name: String) -> (Double, [Table]) {
    var last: [Table] = []
    var problem: String?
    let faultsBefore = minorFaults()
    let start = clock.now
    let ok = session.run(text, name: name) { result in
        switch result.outcome {
        case .table(let t), .chart(_, let t): last.append(t)
        case .diagnostics(let ds): problem = ds.map(\.message).joined(separator: "; ")
        default: break
        }
    }
    let elapsed = seconds(clock.now - start)
    lastFaults = minorFaults() - faultsBefore
    if !ok || problem != nil { fail("\(name): \(problem ?? "failed")") }
    return (elapsed, last)
}

/// Page faults of the process so far: fresh memory a run touched shows here.
func minorFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt
}
/// The page faults of the last `run`.
nonisolated(unsafe) var lastFaults = 0

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

let resetAsOf = #"set asof = date("2026-01-01")"#
let connected = options["--connect"] != nil
/// Makes the next run compute the computed customer columns it reads, as the peers compute
/// everything (untimed). Setting `asof` empties the session's cache of computed columns,
/// but the purchase pass behind them is also remembered (one summary, keyed by the tables
/// and `asof`: docs/crm.md), so a pass for another as-of date is made to replace it first.
func forgetMeasures() {
    if connected { return }
    _ = run(#"set asof = date("2025-12-31"); customers | summarize s = sum(spend_12m)"#, name: "forget")
    _ = run(resetAsOf, name: "asof")
}

let rssStart = procStatusMiB("VmRSS")
var loadSeconds = 0.0
if let url = options["--connect"] {
    let spark = url.hasPrefix("sc://")
    session.connector = spark ? SparkDatabase.connector : PostgresClient.connector
    if let setup = options["--setup-sql"] {
        guard spark else { fail("--setup-sql is for a Spark Connect server (sc://...)") }
        guard let text = try? String(contentsOfFile: setup, encoding: .utf8) else { fail("cannot read \(setup)") }
        let start = clock.now
        do {
            let client = try SparkConnectClient(SparkConnectURL(parsing: url))
            for statement in text.components(separatedBy: "\n;\n") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                _ = try client.query(statement, cancellation: CancellationFlag())
            }
        } catch {
            fail("setting up the Spark tables: \(error)")
        }
        loadSeconds = seconds(clock.now - start)
    }
    do {
        _ = try session.connect(url: url)
    } catch {
        fail("cannot connect: \(error.message)")
    }
} else {
    for file in ["customers", "transactions"] {
        let path = (data as NSString).appendingPathComponent("\(file).csv")
        let escaped = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        loadSeconds += run("load \"\(escaped)\"", name: "q0_load").0
    }
}
_ = run(resetAsOf, name: "asof")
let rssAfterLoad = procStatusMiB("VmRSS")
FileHandle.standardError.write(Data(String(format: "[crmq] load %.2fs rss %.0f MB\n", loadSeconds, rssAfterLoad).utf8))

var queries: [[String: Any]] = []
for (name, text) in blocks(options["--queries"]!) {
    forgetMeasures()
    let (first, _) = run(text, name: name)
    var times: [Double] = []
    var faults: [Double] = []
    var answer: [Table] = []
    for _ in 0..<reps {
        forgetMeasures()
        let (t, table) = run(text, name: name)
        times.append(t)
        faults.append(Double(lastFaults))
        answer = table
    }
    var cached: [Double] = []
    for _ in 0..<min(reps, 3) { cached.append(run(text, name: name).0) }
    guard !answer.isEmpty else { fail("\(name): no table") }
    queries.append([
        "name": name, "text": text, "first_s": first, "times_s": times, "median_s": median(times),
        "min_s": times.min()!, "page_faults_median": median(faults), "cached_times_s": cached, "cached_median_s": median(cached),
        "rows": answer.map(\.rowCount).reduce(0, +),
        // One CSV per table the block printed (q4 and q7 print two), in order.
        "tables": answer.map { ["columns": $0.schema.fields.map(\.name), "csv": CSVWriter.encode($0)] as [String: Any] },
    ])
    FileHandle.standardError.write(Data(String(
        format: "[crmq] %@: median %.1f ms over %d (first %.1f ms, cached %.1f ms), %d rows, %.0f page faults\n",
        name, median(times) * 1e3, reps, first * 1e3, median(cached) * 1e3, answer.map(\.rowCount).reduce(0, +),
        median(faults)).utf8))
}

let result: [String: Any] = [
    "engine": options["--connect"].map { $0.hasPrefix("sc://") ? "crmq-spark" : "crmq-postgres" } ?? "crmq", "load_s": loadSeconds, "reps": reps, "rss_start_mb": rssStart,
    "rss_after_load_mb": rssAfterLoad, "rss_end_mb": procStatusMiB("VmRSS"), "peak_rss_mb": procStatusMiB("VmHWM"),
    "queries": queries,
]
do {
    let json = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
    try json.write(to: URL(fileURLWithPath: out))
} catch {
    fail("cannot write \(out): \(error)")
}
