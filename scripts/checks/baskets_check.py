#!/usr/bin/env python3
"""crmq's association rules against a plain Python count, on data `crmq generate` makes.

The baskets are the orders of transactions.csv (order_id), the items their categories. Python
counts every item, pair and triple of every basket (itertools.combinations, no pruning) and
derives the rules from the counts with the formulas of docs/crm.md ("rules"); for each set of
thresholds below, crmq's `rules(...)` must give exactly the same rules (antecedent, consequent,
baskets), the same support, confidence and lift to 1e-12, in the documented order (lift, then
confidence, support, antecedent and consequent). The planted associations of docs/dataset.md
must be among the default rules.

Exit status 1 on any mismatch.

    python scripts/checks/baskets_check.py --crmq .build/debug/crmq [--data DIR]
    python scripts/checks/baskets_check.py --crmq .build/release/crmq --speed FOLDER

--speed instead times rules(transactions) on 1,000,000 customers (crmq's statement timer)
beside the plain Python count of the same baskets (docs/performance.md).
"""
import argparse
import collections
import csv
import io
import itertools
import os
import subprocess
import sys
import tempfile
import time

TOLERANCE = 1e-12
# (options written in the call, min_support, min_confidence, min_lift, max_items)
THRESHOLDS = [
    ("", 0.01, 0.2, 1.0, 2),
    ("min_support = 0.001, min_confidence = 0, min_lift = 0", 0.001, 0.0, 0.0, 2),
    ("max_items = 3, min_support = 0.002, min_confidence = 0, min_lift = 0", 0.002, 0.0, 0.0, 3),
    ("max_items = 3, min_support = 0.01, min_confidence = 0.4, min_lift = 1.5", 0.01, 0.4, 1.5, 3),
    ("min_support = 0.05, min_confidence = 0.3", 0.05, 0.3, 1.0, 2),
]
PLANTED = [("Garden", "Home"), ("Sports", "Apparel"), ("Electronics", "Toys"), ("Beauty", "Apparel"),
           ("Beauty", "Home")]


def crmq_tables(binary, data, statements):
    """Runs the statements in one crmq process; its CSV tables, split at their header lines."""
    out = subprocess.run(
        [binary, "--data", data, "--format", "csv", "-c", "; ".join(statements)],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    tables = []
    for line in out:
        if line.startswith("antecedent,"):
            tables.append([line])
        elif tables:
            tables[-1].append(line)
    return [list(csv.DictReader(io.StringIO("\n".join(t)))) for t in tables]


def baskets_of(path):
    baskets = collections.defaultdict(set)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["order_id"] != "" and row["category"] != "":
                baskets[row["order_id"]].add(row["category"])
    return list(baskets.values())


def count(baskets, max_items):
    counts = collections.Counter()
    for b in baskets:
        items = sorted(b)
        for size in range(1, max_items + 1):
            counts.update(itertools.combinations(items, size))
    return counts


def python_rules(counts, n, min_support, min_confidence, min_lift, max_items):
    rules = []
    for itemset, both in counts.items():
        if not 2 <= len(itemset) <= max_items or both / n < min_support:
            continue
        for consequent in itemset:
            antecedent = tuple(i for i in itemset if i != consequent)
            a, b = counts[antecedent], counts[(consequent,)]
            confidence = both / a
            lift = both * n / (a * b)
            if confidence >= min_confidence and lift >= min_lift:
                rules.append((" + ".join(antecedent), consequent, both / n, confidence, lift, both))
    rules.sort(key=lambda r: (-r[4], -r[3], -r[5], r[0], r[1]))
    return rules


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def check(binary, data):
    failures = []
    baskets = baskets_of(os.path.join(data, "transactions.csv"))
    n = len(baskets)
    counts = count(baskets, 3)
    statements = [f"rules(transactions{', ' + opts if opts else ''})" for opts, *_ in THRESHOLDS]
    tables = crmq_tables(binary, data, statements)
    if len(tables) != len(THRESHOLDS):
        return [f"crmq printed {len(tables)} tables for {len(THRESHOLDS)} statements"]
    for (opts, ms, mc, ml, mi), ours in zip(THRESHOLDS, tables):
        expected = python_rules(counts, n, ms, mc, ml, mi)
        label = f"rules(transactions{', ' + opts if opts else ''})"
        got = [(r["antecedent"], r["consequent"], float(r["support"]), float(r["confidence"]), float(r["lift"]),
                int(r["baskets"])) for r in ours]
        keys = [(r[0], r[1], r[5]) for r in got]
        want = [(r[0], r[1], r[5]) for r in expected]
        if set(keys) != set(want):
            failures.append(f"{label}: rule sets differ: only crmq {sorted(set(keys) - set(want))[:5]}, "
                            f"only Python {sorted(set(want) - set(keys))[:5]}")
            continue
        if keys != want:
            failures.append(f"{label}: same rules, another order")
        worst = 0.0
        for g, e in zip(got, expected):
            for what, x, y in (("support", g[2], e[2]), ("confidence", g[3], e[3]), ("lift", g[4], e[4])):
                worst = max(worst, abs(x - y) / max(1.0, abs(y)))
                if not close(x, y):
                    failures.append(f"{label}: {g[0]} -> {g[1]} {what} {x!r}, Python {y!r}")
        print(f"{label:90} {len(got):4} rules, equal; largest difference {worst:.1e}")
        if opts == "":
            found = {(r[0], r[1]) for r in got}
            for rule in PLANTED:
                if rule not in found:
                    failures.append(f"the planted association {rule[0]} -> {rule[1]} is not among the default rules")
    print(f"{n:,} baskets")
    return failures


def speed(binary, folder):
    """rules(transactions) on the 1M-customer data: crmq's statement time beside the plain Python count."""
    data = os.path.join(folder, "1m")
    if not os.path.exists(os.path.join(data, "transactions.csv")):
        subprocess.run([binary, "generate", "--customers", "1000000", "--seed", "1", "--out", data], check=True)
    for query in ("rules(transactions) | count", "rules(transactions, max_items = 3) | count"):
        script = ".timer on; " + "; ".join([query] * 3)
        out = subprocess.run([binary, "--data", data, "-c", script], check=True, capture_output=True, text=True)
        times = []
        for line in (out.stdout + out.stderr).splitlines():
            if line.startswith("time: "):
                value, unit = line[len("time: "):].split()
                times.append(float(value) / (1000 if unit == "ms" else 1))
        print(f"crmq  {query:45} best of 3: {min(times):6.3f} s  (the statement's time, .timer on)")
    t = time.perf_counter()
    baskets = baskets_of(os.path.join(data, "transactions.csv"))
    read = time.perf_counter() - t
    t = time.perf_counter()
    counts = count(baskets, 2)
    rules = python_rules(counts, len(baskets), 0.01, 0.2, 1.0, 2)
    pairs = time.perf_counter() - t
    print(f"Python: reading {len(baskets):,} baskets {read:6.3f} s; counting pairs and making {len(rules)} rules "
          f"{pairs:6.3f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crmq", required=True)
    parser.add_argument("--data", help="a folder `crmq generate` wrote (default: 20,000 customers, seed 7)")
    parser.add_argument("--speed", metavar="FOLDER", help="time 1M customers; data kept in FOLDER")
    args = parser.parse_args()
    if args.speed:
        speed(args.crmq, args.speed)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = os.path.join(tmp, "data")
            subprocess.run([args.crmq, "generate", "--customers", "20000", "--seed", "7", "--out", data],
                           check=True, capture_output=True)
        failures = check(args.crmq, data)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print("association rules check:", "failed" if failures else "crmq's rules equal the plain Python count")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
