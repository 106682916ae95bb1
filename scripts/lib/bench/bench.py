#!/usr/bin/env python3
"""crmq against DuckDB and Polars on the same CSVs, in one run (issue 6).

    bench.py --data DIR --scale LABEL --reps N --crmq-bin PATH --crmq-repl-bin PATH --shared DIR --out FILE
             [--engines crmq,duckdb,polars[,crmq-postgres|crmq-spark]] [--build release|debug] [--prompt-runs N]
             [--shell-starts N] [--postgres-url URL] [--spark-url URL]

Every engine runs in its own process, so its peak RSS (VmHWM) is its own:
  crmq    the crmq-bench executable (Session API in-process; queries in queries.crmq)
  duckdb  ../shared/bench/run_anchors.py --worker duckdb   (python duckdb, in-process)
  polars  ../shared/bench/run_anchors.py --worker polars   (eager frames, lazy queries)
  crmq-postgres  crmq-bench connected to the PostgreSQL server at --postgres-url: the same
          queries compiled to SQL and run there; its load is psql's \\copy of the CSV files
  crmq-spark  crmq-bench connected to the Spark Connect server at --spark-url: the same queries
          compiled to Spark SQL and run there; its load makes Parquet tables of the CSV files
          (CREATE TABLE ... USING parquet AS SELECT over the CSV read with these types)
Load timed once, then per query a first run and N timed runs; the median is the figure.
Answers are checked against DuckDB's with run_anchors' rules (numbers to 1e-9 relative;
rows sorted, except q3 whose order is part of the answer).
The REPL's first prompt: first_prompt.py starts the real crmq (--crmq-repl-bin) on a
pseudo-terminal with the demo data, --prompt-runs times (first one cold, median of the rest
warm); the target is 100 ms in a release build (reported, never a failure; a debug
build's time is reported and not judged).
The shell on the data (scales 1m and 10m): shell_at_scale.py starts `crmq --data DIR`
--shell-starts times and times the first answer after loading and Ctrl-C in long queries
(issue 17's targets: 2 s and 100 ms; reported, never a failure).
"""
import argparse
import csv
import io
import json
import os
import platform
import subprocess
import sys
import time

import first_prompt
import shell_at_scale

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_cell(s):
    if s == "":
        return None
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s)
    except ValueError:
        return s


def table_rows(t):
    r = list(csv.reader(io.StringIO(t["csv"])))
    header, body = r[0], r[1:]
    return [dict(zip(header, (parse_cell(c) for c in row))) for row in body]


def crmq_rows(q, tables):
    """The crmq block's printed tables shaped as the reference query's rows."""
    ts = [table_rows(t) for t in tables]
    if q == "q1_customers_per_region":  # `count by` adds a share column
        return [(r["region"], r["n"]) for r in ts[0]]
    if q == "q4_rfm":  # cells, then totals (SQL: one result through GROUPING SETS)
        return ([(r["r"], r["f"], r["m"], r["total"], r["n"]) for r in ts[0]]
                + [(None, None, None, r["total"], r["n"]) for r in ts[1]])
    if q == "q7_nps":  # overall, then per region (SQL: GROUPING SETS, '(all)')
        return ([("(all)", r["respondents"], r["nps"]) for r in ts[0]]
                + [(r["region"], r["respondents"], r["nps"]) for r in ts[1]])
    assert len(ts) == 1, f"{q}: {len(ts)} tables"
    return [tuple(r.values()) for r in ts[0]]


# The benchmark tables in PostgreSQL, with the types crmq infers from the CSV files.
POSTGRES_TABLES = {
    "customers": "customer_id bigint, name text, signup_date date, region text, channel text, expectation bigint, "
                 "perceived_quality bigint, satisfaction bigint, trust bigint, perceived_value bigint, "
                 "switching_cost bigint, repurchase_intent bigint, price_tolerance bigint, cross_buy_intent bigint, "
                 "recommend bigint, category_spend float8, churned bigint, churn_date date",
    "transactions": "txn_id bigint, customer_id bigint, date date, amount float8, category text",
}


def load_postgres(a):
    """Loads the CSV files into a schema of their own (psql's \\copy, then ANALYZE); the seconds it took."""
    lines = ["DROP SCHEMA IF EXISTS crmq_bench CASCADE;", "CREATE SCHEMA crmq_bench;", "SET search_path = crmq_bench;"]
    for name, columns in POSTGRES_TABLES.items():
        path = os.path.join(a.data, name + ".csv").replace("'", "''")
        lines.append(f"CREATE TABLE {name} ({columns});")
        lines.append(f"\\copy {name} FROM '{path}' WITH (FORMAT csv, HEADER true)")
    lines.append("ANALYZE;")
    t = time.time()
    subprocess.run(["psql", a.postgres_url, "-X", "-q", "-v", "ON_ERROR_STOP=1"], input="\n".join(lines) + "\n",
                   text=True, check=True)
    return time.time() - t


def spark_setup(a, out):
    """The Spark SQL that makes the benchmark tables as Parquet tables of the server's default
    database from the CSV files (crmq-bench --setup-sql runs and times it as the load)."""
    types = {"bigint": "BIGINT", "text": "STRING", "date": "DATE", "float8": "DOUBLE"}
    statements = []
    for name, columns in POSTGRES_TABLES.items():
        cols = ", ".join(f"{c.split()[0]} {types[c.split()[1]]}" for c in columns.split(", "))
        path = os.path.join(a.data, name + ".csv").replace("'", "\\'")
        statements += [f"DROP TABLE IF EXISTS {name}", f"DROP TABLE IF EXISTS {name}_csv",
                       f"CREATE TABLE {name}_csv ({cols}) USING csv OPTIONS (path '{path}', header 'true', escape '\"')",
                       f"CREATE TABLE {name} USING parquet AS SELECT * FROM {name}_csv",
                       f"DROP TABLE {name}_csv"]
    path = out + ".setup.sql"
    with open(path, "w") as f:
        f.write("\n;\n".join(statements) + "\n")
    return path


def run_crmq(a, out, backend=None):
    cmd = [a.crmq_bin, "--data", a.data, "--reps", str(a.reps), "--json", out,
           "--queries", os.path.join(HERE, "queries.crmq")]
    load_s = None
    if backend == "postgres":
        load_s = load_postgres(a)
        cmd += ["--connect", a.postgres_url + ("&" if "?" in a.postgres_url else "?") + "search_path=crmq_bench"]
    elif backend == "spark":
        cmd += ["--connect", a.spark_url, "--setup-sql", spark_setup(a, out)]
    subprocess.run(cmd, check=True)
    raw = json.load(open(out))
    res = {k: v for k, v in raw.items() if k != "queries"}
    res["queries"] = {}
    for q in raw["queries"]:
        qr = {k: v for k, v in q.items() if k != "tables"}
        qr["result_tables"] = q["tables"]
        res["queries"][q["name"]] = qr
    if load_s is not None:
        res["load_s"] = load_s  # psql's copy of the CSV files into the database
    return res


# Peak memory per byte of CSV an eager peer needs, and the share of the machine's memory it
# may plan on. Polars' eager frames peaked at 2.2 bytes per CSV byte at 1m (bench-results/1m.json)
# and were killed for memory at 10m on 24 GiB; query intermediates come on top of the frames.
EAGER_BYTES_PER_CSV_BYTE = {"polars": 3.5}


def cannot_fit(engine, csv_bytes):
    """Why a peer is not run at this size (its estimated peak above available memory), or None."""
    factor = EAGER_BYTES_PER_CSV_BYTE.get(engine)
    if factor is None:
        return None
    available = next((int(l.split()[1]) * 1024 for l in open("/proc/meminfo") if l.startswith("MemAvailable:")),
                     os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    need = factor * csv_bytes
    if need <= available:
        return None
    return (f"cannot fit: about {need / 2**30:.1f} GiB for {csv_bytes / 2**30:.1f} GiB of CSV "
            f"({factor} bytes a byte), {available / 2**30:.1f} GiB available")


# Scales at which the shell is timed on the benchmark's data, and how long each long query
# runs before Ctrl-C there.
SHELL_SCALES = {"1m": 0.05, "10m": 0.4}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--scale", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--crmq-bin", required=True)
    ap.add_argument("--shared", required=True, help="the shared/bench folder (run_anchors.py)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--engines", default="crmq,duckdb,polars")
    ap.add_argument("--crmq-repl-bin", required=True, help="the crmq executable (same build as --crmq-bin)")
    ap.add_argument("--build", default="release", help="the build configuration of both binaries (recorded)")
    ap.add_argument("--prompt-runs", type=int, default=10, help="starts of the REPL (first cold; at least 5)")
    ap.add_argument("--shell-starts", type=int, default=3,
                    help=f"starts of the shell on the data at scales {', '.join(SHELL_SCALES)} (shell_at_scale.py)")
    ap.add_argument("--postgres-url", help="the PostgreSQL server of the crmq-postgres engine (scripts/bench --backend postgres)")
    ap.add_argument("--spark-url", help="the Spark Connect server of the crmq-spark engine (scripts/bench --backend spark)")
    a = ap.parse_args()
    a.data = os.path.abspath(a.data)
    sys.path.insert(0, a.shared)
    import run_anchors as ra

    engines = a.engines.split(",")
    tmp = os.path.join(os.path.dirname(os.path.abspath(a.out)), ".tmp")
    os.makedirs(tmp, exist_ok=True)
    meta = {
        "scale": a.scale, "data": a.data, "reps": a.reps, "build": a.build, "command": " ".join(sys.argv),
        "csv_bytes": {f: os.path.getsize(os.path.join(a.data, f)) for f in ("customers.csv", "transactions.csv")},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                 if l.startswith("model name")), "?"),
                    "mem_gib": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
                    "python": platform.python_version()},
        "versions": {},
    }
    # the REPL's first prompt, before the engines (a quiet machine, nothing else of ours running)
    t = time.time()
    try:
        prompt = first_prompt.measure(a.crmq_repl_bin, a.prompt_runs)
    except first_prompt.StartError as e:
        print(f"bench.py: the REPL's first prompt: {e}", file=sys.stderr)
        return 1
    prompt["build"] = a.build
    if a.build != "release":  # the target is a release build's; a debug build's time is only reported
        prompt["met"] = None
    print(f"[first prompt] done in {time.time() - t:.0f}s", flush=True)
    # the shell on this scale's data: first answer after loading, and Ctrl-C (issue 17)
    shell = None
    if a.scale in SHELL_SCALES and "crmq" in engines:
        t = time.time()
        try:
            shell = shell_at_scale.measure(a.crmq_repl_bin, a.data, a.shell_starts,
                                           interrupt_after=SHELL_SCALES[a.scale])
        except first_prompt.StartError as e:
            print(f"bench.py: the shell on {a.data}: {e}", file=sys.stderr)
            return 1
        print(f"[shell at scale] done in {time.time() - t:.0f}s", flush=True)

    results = {}
    skipped = {}
    csv_bytes = sum(meta["csv_bytes"].values())
    for eng in engines:
        out = os.path.join(tmp, f"{a.scale}-{eng}.json")
        t = time.time()
        if eng == "crmq":
            results[eng] = run_crmq(a, out)
        elif eng in ("crmq-postgres", "crmq-spark"):
            results[eng] = run_crmq(a, out, backend=eng.removeprefix("crmq-"))
        else:
            why = cannot_fit(eng, csv_bytes)
            if why:
                skipped[eng] = why
                print(f"[{eng}] skipped: {why}", flush=True)
                continue
            run = subprocess.run([sys.executable, os.path.join(a.shared, "run_anchors.py"), "--worker", eng,
                                  "--out", out, "--data", a.data, "--scale", a.scale, "--reps", str(a.reps)])
            if run.returncode != 0:
                # A peer killed for memory (SIGKILL from the kernel) or failing is reported, and
                # the others' figures stand.
                killed = run.returncode in (-9, 137)
                skipped[eng] = (f"killed after {time.time() - t:.0f} s (out of memory)" if killed
                                else f"failed with exit status {run.returncode}")
                print(f"[{eng}] {skipped[eng]}", flush=True)
                continue
            results[eng] = json.load(open(out))
            meta["versions"][eng] = results[eng]["info"]["version"]
        results[eng]["wall_s"] = time.time() - t
        print(f"[{eng}] done in {results[eng]['wall_s']:.0f}s", flush=True)
    meta["skipped"] = skipped
    engines = [e for e in engines if e in results]

    # answers: crmq's shaped and canonicalised as run_anchors does the peers', all against DuckDB's
    for eng in [e for e in results if e.startswith("crmq")]:
        for q, qr in results[eng]["queries"].items():
            rows = [tuple(ra.canon(v) for v in r) for r in crmq_rows(q, qr["result_tables"])]
            if q not in ra.ORDERED:
                rows.sort(key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))
            qr["rows"] = rows
    mismatches = []
    ref = results.get("duckdb") or results.get("polars")
    ref_name = "duckdb" if "duckdb" in results else "polars"
    if ref:
        for eng, r in results.items():
            for q, qr in r["queries"].items():
                if "rows" not in qr or eng == ref_name:
                    continue
                why = ra.same(ref["queries"][q]["rows"], qr["rows"])
                qr[f"matches_{ref_name}"] = why is None
                if why:
                    mismatches.append(f"{eng} {q}: {why}")
    meta["answers_checked_against"] = ref_name if ref else None
    meta["mismatches"] = mismatches

    # bytes touched: run_anchors' logical column bytes per row (DuckDB's in-memory widths)
    n_rows = {"customers": None, "transactions": None}
    if "duckdb" in results:
        n_rows = results["duckdb"]["info"]["rows"]
    summary = {}
    for q in ra.QNAMES:
        s = {}
        for eng in engines:
            qr = results[eng]["queries"].get(q, {})
            if "median_s" in qr:
                s[f"{eng}_ms"] = qr["median_s"] * 1e3
        peers = [s[f"{e}_ms"] for e in ("duckdb", "polars") if f"{e}_ms" in s]
        if "crmq_ms" in s and peers:
            s["ratio_crmq_fastest"] = s["crmq_ms"] / min(peers)
        for remote in ("postgres", "spark"):
            if "crmq_ms" in s and f"crmq-{remote}_ms" in s:
                s[f"ratio_{remote}_memory"] = s[f"crmq-{remote}_ms"] / s["crmq_ms"]
        if n_rows["transactions"] is not None:
            tb, cb = ra.SCAN_BYTES[q]
            s["logical_bytes"] = tb * n_rows["transactions"] + cb * n_rows["customers"]
            if "crmq_ms" in s:
                s["crmq_logical_GBps"] = s["logical_bytes"] / (s["crmq_ms"] / 1e3) / 1e9
        summary[q] = s
    load = {f"{e}_s": results[e]["load_s"] for e in engines}
    peak = {f"{e}_mb": results[e]["peak_rss_mb"] for e in engines}
    path = os.path.abspath(a.out)
    with open(path, "w") as f:
        json.dump({"meta": meta, "summary": summary, "load": load, "peak_rss": peak, "first_prompt": prompt,
                   "shell": shell, "engines": results}, f, indent=1)

    # table
    def ms(x):
        return "-" if x is None else (f"{x:.1f}" if x < 100 else f"{x:.0f}")
    print(f"\nscale {a.scale}: customers {n_rows['customers']}, transactions {n_rows['transactions']}; "
          f"warm medians of {a.reps} runs, ms")
    remotes = [r for r in ("postgres", "spark") if f"crmq-{r}" in engines and "crmq" in engines]
    cols = [f"{e} ms" for e in engines] + ["crmq/fastest", "MB touched"] + [f"{r}/memory" for r in remotes]
    print(f"{'query':30}" + "".join(f"{c:>17}" for c in cols))
    for q, s in summary.items():
        cells = [ms(s.get(f"{e}_ms")) + ("!" if any(m.startswith(f"{e} {q}:") for m in mismatches) else "")
                 for e in engines]
        cells.append(f"{s['ratio_crmq_fastest']:.2f}" if "ratio_crmq_fastest" in s else "-")
        cells.append(f"{s['logical_bytes'] / 1e6:.0f}" if "logical_bytes" in s else "-")
        for r in remotes:
            cells.append(f"{s[f'ratio_{r}_memory']:.1f}" if f"ratio_{r}_memory" in s else "-")
        print(f"{q:30}" + "".join(f"{c:>17}" for c in cells))
    peers_load = [results[e]["load_s"] for e in engines if not e.startswith("crmq")]
    lr = f"{results['crmq']['load_s'] / min(peers_load):.2f}" if "crmq" in results and peers_load else "-"
    print(f"{'q0 load (s)':30}" + "".join(f"{results[e]['load_s']:>17.2f}" for e in engines) + f"{lr:>17}")
    print(f"{'peak RSS (MB)':30}" + "".join(f"{results[e]['peak_rss_mb']:>17.0f}" for e in engines))
    verdict = {True: "met", False: "MISSED", None: "not judged"}[prompt["met"]]
    print(f"{'REPL first prompt (ms)':30}{prompt['first_prompt_ms']:>14.1f}   target {prompt['target_ms']:.0f}: "
          f"{verdict} ({a.build} build; warm median of {prompt['runs'] - 1}, "
          f"cold {prompt['first_prompt_cold_ms']:.1f}; first answer {prompt['first_answer_ms']:.1f})")
    if shell:
        met = {True: "met", False: "MISSED"}
        print(f"{'shell: first answer (ms)':30}{shell['first_answer_after_prompt_ms']:>14.0f}   after the prompt "
              f"({shell['prompt_after_load_ms']:.0f} ms, loading); target {shell['first_answer_target_ms']:.0f}: "
              f"{met[shell['first_answer_met']]} ({shell['first_answer_statement']})")
        if shell["cancel_worst_ms"] is not None:
            print(f"{'shell: Ctrl-C (ms)':30}{shell['cancel_worst_ms']:>14.1f}   worst of {len(shell['cancel_ms'])} long "
                  f"queries, {shell['starts']} starts, after {shell['cancel_after_s']:g} s; target "
                  f"{shell['cancel_target_ms']:.0f}: {met[shell['cancel_met']]}")
    for eng, why in skipped.items():
        print(f"{eng}: not run: {why}")
    print("answers: " + ("all equal to " + ref_name if ref and not mismatches else
                         "not checked (one engine)" if not ref else "MISMATCHES\n  " + "\n  ".join(mismatches)))
    print(f"wrote {path}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
