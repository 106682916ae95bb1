#!/usr/bin/env python3
"""crmq's k-means against scikit-learn's, on data `crmq generate` makes.

For each set of columns and each k, with the same standardisation (StandardScaler) and the same
rows (those with no null in the columns):

- same seeds: crmq's inertia with n_init = R (the best of its runs seeded 1 to R) must be no
  worse, within 1e-9 relative, than the best of scikit-learn's KMeans started from the same R
  k-means++ starting centres (crmq's kmeans_profile with max_iter = 0 shows them);
- own seeds: against scikit-learn's own KMeans(init="k-means++", n_init=R), whose random draws
  differ from crmq's, it must be within 1% (a broken seeding would be far off);
- its segments must agree with its inertia (the sum of squared distances of `kmeans`), its profile's
  means must be the segments' means, segments must be numbered by size, and a second run must
  give the same segments.

Exit status 1 on any mismatch.

    python scripts/checks/kmeans_check.py --crmq .build/debug/crmq [--data DIR]
    python scripts/checks/kmeans_check.py --crmq .build/release/crmq --speed FOLDER

--speed instead times k-means (k = 5, 3 columns, one restart) on 1,000,000 customers in crmq and
scikit-learn on the same points, side by side (docs/performance.md).
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

COLUMN_SETS = [
    ["recency", "frequency", "monetary"],
    ["satisfaction", "trust", "perceived_value", "switching_cost"],
]
KS = range(1, 7)
RESTARTS = 5
RELATIVE = 1e-9
OWN_SEEDS = 0.01


def crmq(binary, data, query):
    out = subprocess.run(
        [binary, "--data", data, "--format", "csv", "-c", query],
        check=True, capture_output=True, text=True,
    ).stdout
    return list(csv.DictReader(io.StringIO(out)))


def points(binary, data, columns):
    rows = crmq(binary, data, "customers | select customer_id, " + ", ".join(columns))
    kept = [r for r in rows if all(r[c] != "" for c in columns)]
    ids = np.array([int(r["customer_id"]) for r in kept])
    x = np.array([[float(r[c]) for c in columns] for r in kept])
    return ids, x


def tables(binary, data, statements):
    """Runs the statements in one crmq process; its CSV tables, each split at its header line."""
    out = subprocess.run(
        [binary, "--data", data, "--format", "csv", "-c", "; ".join(statements)],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    result = []
    for line in out:
        if line.startswith("segment,") or line.startswith("k,inertia"):
            result.append([line])
        elif result:
            result[-1].append(line)
    return [list(csv.DictReader(io.StringIO("\n".join(t)))) for t in result]


def check(binary, data):
    failures = []
    for columns in COLUMN_SETS:
        listed = ", ".join(columns)
        ids, x = points(binary, data, columns)
        z = StandardScaler().fit_transform(x)
        base = f'customers, columns = "{listed}"'
        statements = [f"kmeans_elbow({base}, max_k = {max(KS)}, n_init = {RESTARTS})"]
        for k in KS:
            for seed in range(1, RESTARTS + 1):
                statements.append(f"kmeans_profile({base}, k = {k}, seed = {seed}, max_iter = 0)")
        out = tables(binary, data, statements)
        ours = {int(r["k"]): float(r["inertia"]) for r in out[0]}
        starts = iter(out[1:])
        for k in KS:
            same = min(
                KMeans(n_clusters=k, init=np.array([[float(r[c + "_z"]) for c in columns] for r in next(starts)]),
                       n_init=1).fit(z).inertia_
                for _ in range(RESTARTS))
            own = KMeans(n_clusters=k, init="k-means++", n_init=RESTARTS, random_state=0).fit(z).inertia_
            ok = ours[k] <= same * (1 + RELATIVE)
            close = ours[k] <= own * (1 + OWN_SEEDS)
            print(f"{listed:52} k={k}  crmq {ours[k]:12.4f}  scikit-learn, same starts {same:12.4f}"
                  f" {'ok' if ok else 'WORSE'}  own k-means++ {own:12.4f} {'ok' if close else 'WORSE'}")
            if not ok:
                failures.append(f"{listed} k={k}: crmq inertia {ours[k]} > scikit-learn's {same} from the same starts")
            if not close:
                failures.append(f"{listed} k={k}: crmq inertia {ours[k]} > scikit-learn's own k-means++ {own} + 1%")

        k = 4
        query = f"kmeans({base}, k = {k}, n_init = {RESTARTS})"
        seg = crmq(binary, data, query)
        again = crmq(binary, data, query)
        if seg != again:
            failures.append(f"{listed}: two runs of kmeans gave different segments")
        if len(seg) != len(ids):
            failures.append(f"{listed}: kmeans returned {len(seg)} rows, {len(ids)} have no null")
        distance = sum(float(r["distance"]) ** 2 for r in seg)
        if abs(distance - ours[k]) > 1e-9 * ours[k]:
            failures.append(f"{listed}: sum of squared distances {distance} is not the elbow's inertia {ours[k]}")
        label = {int(r["customer_id"]): int(r["segment"]) for r in seg}
        labels = np.array([label[i] for i in ids])
        inertia = sum(((z[labels == s] - z[labels == s].mean(axis=0)) ** 2).sum() for s in set(labels))
        if inertia > ours[k] * (1 + RELATIVE):
            failures.append(f"{listed}: the segments' own inertia {inertia} exceeds the reported {ours[k]}")
        sizes = [int((labels == s).sum()) for s in range(1, k + 1)]
        if sizes != sorted(sizes, reverse=True):
            failures.append(f"{listed}: segments are not numbered by size: {sizes}")
        profile = crmq(binary, data, f"kmeans_profile({base}, k = {k}, n_init = {RESTARTS})")
        for r in profile:
            s = int(r["segment"])
            for j, c in enumerate(columns):
                mean = x[labels == s, j].mean()
                if abs(float(r[c]) - mean) > 1e-9 * max(1.0, abs(mean)):
                    failures.append(f"{listed}: segment {s} mean of {c} is {r[c]}, the rows give {mean}")
            if int(r["customers"]) != int((labels == s).sum()):
                failures.append(f"{listed}: segment {s} size {r['customers']} is not {(labels == s).sum()}")
    return failures


def speed(binary, folder):
    """crmq and scikit-learn on the same 1M standardised points: k = 5, one restart."""
    data = os.path.join(folder, "1m")
    if not os.path.exists(os.path.join(data, "customers.csv")):
        subprocess.run([binary, "generate", "--customers", "1000000", "--seed", "1", "--out", data], check=True)
    rows = crmq(binary, data, "rfm(transactions) | select customer_id, recency, frequency, monetary")
    path = os.path.join(folder, "rfm.csv")
    with open(path, "w") as f:
        f.write("customer_id,recency,frequency,monetary\n")
        for r in rows:
            f.write(f"{r['customer_id']},{r['recency']},{r['frequency']},{r['monetary']}\n")
    x = np.array([[float(r["recency"]), float(r["frequency"]), float(r["monetary"])] for r in rows])
    # crmq's own statement timer (.timer on), best of 3 runs in one process after the load.
    query = 'kmeans(rfm1m, columns = "recency, frequency, monetary", k = 5) | count'
    script = f'load "{path}" as rfm1m; .timer on; ' + "; ".join([query] * 3)
    out = subprocess.run([binary, "--data", data, "-c", script], check=True, capture_output=True, text=True)
    times = []
    for line in (out.stdout + out.stderr).splitlines():
        if line.startswith("time: "):
            value, unit = line[len("time: "):].split()
            times.append(float(value) / (1000 if unit == "ms" else 1))
    ours = min(times)
    z = StandardScaler().fit_transform(x)
    theirs = 1e9
    for _ in range(3):
        t = time.perf_counter()
        KMeans(n_clusters=5, init="k-means++", n_init=1, random_state=1).fit(z)
        theirs = min(theirs, time.perf_counter() - t)
    print(f"k-means, k = 5, 3 columns, {len(x):,} customers, one restart (best of 3):")
    print(f"  crmq          {ours:6.3f} s  (the statement's time, .timer on)")
    print(f"  scikit-learn  {theirs:6.3f} s  (fit on standardised points)")
    print(f"  ratio crmq / scikit-learn: {ours / theirs:.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crmq", required=True)
    parser.add_argument("--data", help="a folder `crmq generate --customers 20000 --seed 7` wrote")
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
    print("k-means check:", "failed" if failures else "crmq's inertia is no worse than scikit-learn's")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
