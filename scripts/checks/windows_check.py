#!/usr/bin/env python3
"""crmq's window functions against SQLite's, on data `crmq generate` makes.

SQLite (Python's standard sqlite3 module, SQLite 3.30 or later) is the established
implementation: its window functions follow the SQL standard that crmq's follow. The same rows
(customers as crmq computes them) go into both; for each window (groups, order) crmq's
row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, running_sum (SQL's
ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), share (x / sum(x) over the group) and
aggregates over the group must equal SQLite's, row for row, and crmq's rows must come in
SQLite's ORDER BY groups NULLS LAST, keys NULLS LAST, input position: crmq's documented order
(ties keep their input order, which SQLite is told by the input position). Also
`top n by ... per ...` against ROW_NUMBER() <= n, and the Pareto share of the top 20% against
plain Python.

Exit status 1 on any mismatch.

    python scripts/checks/windows_check.py --crmq .build/debug/crmq [--data DIR]
"""
import argparse
import csv
import io
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

COLUMNS = ["customer_id", "region", "channel", "satisfaction", "monetary", "recency"]
TYPES = {"customer_id": int, "region": str, "channel": str, "satisfaction": int, "monetary": float, "recency": int}

# (crmq's by, crmq's sort, SQLite's PARTITION BY, SQLite's ORDER BY); crmq's ties keep input
# order, which SQLite gets as the final key `pos`.
WINDOWS = [
    ("region", "satisfaction desc", "region", "satisfaction DESC NULLS LAST"),
    ("", "recency", "", "recency ASC NULLS LAST"),
    ("region, channel", "monetary desc", "region, channel", "monetary DESC NULLS LAST"),
    ("satisfaction", "monetary, recency desc", "satisfaction", "monetary ASC NULLS LAST, recency DESC NULLS LAST"),
]

# name: (crmq item, SQLite expression with {w} the window in crmq's row order, {peers} the
# window whose ties are peers (no input position), {p} its partition clause, {o} its ORDER BY)
FUNCTIONS = {
    "rn": ("row_number()", "row_number() OVER {w}"),
    "rk": ("rank()", "rank() OVER {peers}"),
    "dr": ("dense_rank()", "dense_rank() OVER {peers}"),
    "pr": ("percent_rank()", "percent_rank() OVER {peers}"),
    "cd": ("cume_dist()", "cume_dist() OVER {peers}"),
    "nt": ("ntile(7)", "ntile(7) OVER {w}"),
    "nt1000": ("ntile(1000)", "ntile(1000) OVER {w}"),
    "lg": ("lag(monetary)", "lag(monetary) OVER {w}"),
    "ld": ("lead(satisfaction, 2, -1)", "lead(satisfaction, 2, -1) OVER {w}"),
    "lg0": ("lag(region, 0)", "lag(region, 0) OVER {w}"),
    "rs": ("running_sum(monetary)", "sum(monetary) OVER ({p} {o} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"),
    "rsi": ("running_sum(satisfaction)", "sum(satisfaction) OVER ({p} {o} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"),
    "sh": ("share(monetary)", "monetary / nullif(sum(monetary) OVER ({p}), 0)"),
    "total": ("sum(monetary)", "sum(monetary) OVER ({p})"),
    "n": ("count()", "count(*) OVER ({p})"),
    "mx": ("max(recency)", "max(recency) OVER ({p})"),
}


def crmq_csv(binary, data, query):
    out = subprocess.run(
        [binary, "--data", data, "--format", "csv", "-c", query],
        check=True, capture_output=True, text=True,
    ).stdout
    return list(csv.DictReader(io.StringIO(out)))


def value(text, kind):
    if text == "":
        return None
    return kind(text)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def load(binary, data):
    rows = crmq_csv(binary, data, "customers | select " + ", ".join(COLUMNS))
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE c (pos INTEGER, customer_id INTEGER, region TEXT, channel TEXT, "
               "satisfaction INTEGER, monetary REAL, recency INTEGER)")
    db.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?, ?, ?)", [
        [i] + [value(r[c], TYPES[c]) for c in COLUMNS] for i, r in enumerate(rows)])
    return db, len(rows)


def check_window(binary, data, db, by, sort, partition, order):
    items = ", ".join(f"{name} = {crmq}" for name, (crmq, _) in FUNCTIONS.items())
    query = "customers | select " + ", ".join(COLUMNS) + f" | window {items}"
    if by:
        query += f" by {by}"
    query += f" sort {sort} | select customer_id, " + ", ".join(FUNCTIONS)
    ours = crmq_csv(binary, data, query)
    p = f"PARTITION BY {partition}" if partition else ""
    o = f"ORDER BY {order}, pos"
    w = f"({p} {o})"
    peers = f"({p} ORDER BY {order})"
    columns = ", ".join(
        f"{sql.format(w=w, peers=peers, p=p, o=o)} AS {name}" for name, (_, sql) in FUNCTIONS.items())
    groups = ", ".join(f"{g.strip()} NULLS LAST" for g in partition.split(",")) + ", " if partition else ""
    theirs = db.execute(f"SELECT customer_id, {columns} FROM c ORDER BY {groups}{order}, pos").fetchall()
    label = f"window ... {'by ' + by + ' ' if by else ''}sort {sort}"
    failures = []
    if len(ours) != len(theirs):
        return [f"{label}: crmq gave {len(ours)} rows, SQLite {len(theirs)}"]
    kinds = {"pr": float, "cd": float, "lg": float, "rs": float, "sh": float, "total": float, "lg0": str}
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if int(a["customer_id"]) != b[0]:
            failures.append(f"{label}: row {i + 1} is customer {a['customer_id']}, SQLite orders {b[0]} there")
            break
        for j, name in enumerate(FUNCTIONS):
            mine = value(a[name], kinds.get(name, int))
            if not same(mine, b[j + 1]):
                failures.append(f"{label}: customer {b[0]}: {name} is {mine}, SQLite gives {b[j + 1]}")
                break
        if len(failures) > 10:
            break
    print(f"{label:64} {len(ours):6} rows, {len(FUNCTIONS)} functions: {'ok' if not failures else 'DIFFERENT'}")
    return failures


def check_top(binary, data, db):
    ours = crmq_csv(binary, data, "customers | top 3 by monetary per region | select region, customer_id")
    theirs = db.execute(
        "SELECT region, customer_id FROM (SELECT region, customer_id, pos, monetary, row_number() OVER "
        "(PARTITION BY region ORDER BY monetary DESC NULLS LAST, pos) AS n FROM c) WHERE n <= 3 "
        "ORDER BY region NULLS LAST, n").fetchall()
    mine = [(value(r["region"], str), int(r["customer_id"])) for r in ours]
    ok = mine == theirs
    print(f"{'top 3 by monetary per region':64} {len(mine):6} rows: {'ok' if ok else 'DIFFERENT'}")
    return [] if ok else [f"top 3 per region: crmq {mine[:6]}..., SQLite {theirs[:6]}..."]


def check_pareto(binary, data):
    ours = crmq_csv(binary, data, "customers | window top = cume_dist() sort monetary desc "
                    "| summarize top_20 = sum(if(top <= 0.2, monetary, 0)) / sum(monetary)")
    values = [value(r["monetary"], float) for r in crmq_csv(binary, data, "customers | select monetary")]
    known = sorted((v for v in values if v is not None), reverse=True)
    n = len(values)  # nulls count as customers, sorted last
    # cume_dist: the customers at least as valuable (ties included) over all customers.
    total = math.fsum(known)
    top = 0.0
    i = 0
    while i < len(known):
        j = i
        while j + 1 < len(known) and known[j + 1] == known[i]:
            j += 1
        if (j + 1) / n <= 0.2:
            top += math.fsum(known[i:j + 1])
        i = j + 1
    mine = float(ours[0]["top_20"])
    ok = math.isclose(mine, top / total, rel_tol=1e-9)
    print(f"{'share of revenue from the top 20% of customers':64} crmq {mine:.6f}, Python {top / total:.6f}: "
          f"{'ok' if ok else 'DIFFERENT'}")
    return [] if ok else [f"pareto: crmq {mine}, Python {top / total}"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crmq", required=True)
    parser.add_argument("--data", help="a folder `crmq generate --customers 20000 --seed 7` wrote")
    args = parser.parse_args()
    if sqlite3.sqlite_version_info < (3, 30, 0):
        print(f"windows check: SQLite {sqlite3.sqlite_version} has no NULLS LAST; 3.30 or later needed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = os.path.join(tmp, "data")
            subprocess.run([args.crmq, "generate", "--customers", "20000", "--seed", "7", "--out", data],
                           check=True, capture_output=True)
        db, rows = load(args.crmq, data)
        failures = []
        for window in WINDOWS:
            failures += check_window(args.crmq, data, db, *window)
        failures += check_top(args.crmq, data, db)
        failures += check_pareto(args.crmq, data)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print("windows check:", "failed" if failures else f"crmq's window functions equal SQLite's on {rows:,} customers")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
