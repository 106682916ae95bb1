#!/usr/bin/env python3
"""Cross-check of crmq's statistics against numpy, on data `crmq generate` makes.

regress(): the coefficients, standardised coefficients, standard errors, t values and R²
must equal numpy's (numpy.linalg.lstsq on the same rows, standardised the same way: mean 0,
sample standard deviation 1) to 1e-9 relative; corr, covar and covar_pop must equal
numpy.corrcoef / numpy.cov to 1e-12 relative. Exit status 1 on any mismatch.

    regression_check.py --crmq .build/debug/crmq [--customers 20000] [--seed 7] [--data DIR]
"""
import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time

import numpy as np

DRIVERS = ["trust", "perceived_value", "satisfaction", "switching_cost"]
INTENTS = ["repurchase_intent", "price_tolerance", "cross_buy_intent", "recommend"]


def crmq_csv(crmq, data, query):
    out = subprocess.run([crmq, "--data", data, "--format", "csv", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def number(text):
    return float("nan") if text == "" else float(text)


def close(a, b, tol):
    if np.isnan(a) and np.isnan(b):
        return True
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300)


def numpy_fit(y, X):
    """The regression as regress() defines it, computed with numpy."""
    n, k = X.shape
    my, sy = y.mean(), y.std(ddof=1)
    mx, sx = X.mean(axis=0), X.std(axis=0, ddof=1)
    zy, Z = (y - my) / sy, (X - mx) / sx
    beta, _, _, _ = np.linalg.lstsq(Z, zy, rcond=None)
    b = beta * sy / sx
    a = my - b @ mx
    design = np.column_stack([np.ones(n), X])
    resid = y - design @ np.concatenate([[a], b])
    df = n - k - 1
    s2 = resid @ resid / df
    cov = s2 * np.linalg.inv(design.T @ design)
    se = np.sqrt(np.diag(cov))
    r2 = 1 - (resid @ resid) / ((y - my) @ (y - my))
    coef = np.concatenate([[a], b])
    return {
        "coefficient": coef, "std_coefficient": np.concatenate([[np.nan], beta]), "std_error": se,
        "t": coef / se, "r2": np.full(k + 1, r2), "adj_r2": np.full(k + 1, 1 - (1 - r2) * (n - 1) / df),
    }


def timings(args, data, values):
    """crmq's regression of recommend on the four drivers, timed inside one session
    (`.timer on`: the first run also computes the customers' computed columns, which regress
    reads; the second finds them cached), beside numpy's fit of the same rows."""
    one = "regress(customers, y = recommend, x = " + " + ".join(DRIVERS) + ")"
    script = ".timer on\ncustomers | count\n" + one + "\n" + one + "\n"
    run = subprocess.run([args.crmq, "--data", data], input=script, check=True, capture_output=True, text=True)
    out = run.stdout + "\n" + run.stderr  # the timer writes to standard error
    times = []
    for line in out.splitlines():
        if line.startswith("time: "):
            value, unit = line[len("time: "):].split()
            times.append(float(value) / (1000 if unit == "ms" else 1))
    keep = ~np.isnan(values["recommend"])
    for d in DRIVERS:
        keep &= ~np.isnan(values[d])
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        X = np.column_stack([values[d][keep] for d in DRIVERS])
        numpy_fit(values["recommend"][keep], X)
        best = min(best, time.perf_counter() - start)
    print(f"regression of recommend on 4 drivers over {len(keep)} customers ({int(keep.sum())} complete rows):")
    print(f"  crmq regress, first run (computing the computed columns too): {times[1]:.3f} s")
    print(f"  crmq regress, second run: {times[2]:.3f} s")
    print(f"  numpy (standardise, lstsq, standard errors), best of 3: {best:.3f} s")
    print(f"  ratio crmq / numpy: {times[2] / best:.2f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--crmq", required=True)
    p.add_argument("--customers", type=int, default=20000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--data", help="use this folder instead of generating one")
    p.add_argument("--time", action="store_true", help="time crmq's and numpy's regression side by side")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = tmp + "/data"
            subprocess.run([args.crmq, "generate", "--customers", str(args.customers), "--seed", str(args.seed),
                            "--out", data], check=True, capture_output=True)
        return check(args, data)


def check(args, data):
    failures = []
    columns = ["lifecycle_stage"] + DRIVERS + INTENTS
    rows = crmq_csv(args.crmq, data, "customers | select " + ", ".join(columns))
    stages = sorted({r["lifecycle_stage"] for r in rows if r["lifecycle_stage"] != ""})
    values = {c: np.array([number(r[c]) for r in rows]) for c in DRIVERS + INTENTS}
    stage = np.array([r["lifecycle_stage"] for r in rows])

    # regress: every intent on the four drivers, per lifecycle stage and overall.
    query = ("regress(customers, y = " + " + ".join(INTENTS) + ", x = " + " + ".join(DRIVERS)
             + ", by = lifecycle_stage)")
    got = crmq_csv(args.crmq, data, query)
    compared = 0
    for s in stages + [None]:
        table = got if s is not None else crmq_csv(
            args.crmq, data, query.replace(", by = lifecycle_stage", ""))
        for outcome in INTENTS:
            mine = [r for r in table if r["outcome"] == outcome and (s is None or r["lifecycle_stage"] == s)]
            keep = ~np.isnan(values[outcome])
            for d in DRIVERS:
                keep &= ~np.isnan(values[d])
            if s is not None:
                keep &= stage == s
            X = np.column_stack([values[d][keep] for d in DRIVERS])
            want = numpy_fit(values[outcome][keep], X)
            terms = ["(intercept)"] + DRIVERS
            if [r["term"] for r in mine] != terms:
                failures.append(f"{s} {outcome}: terms {[r['term'] for r in mine]}")
                continue
            for i, r in enumerate(mine):
                if int(r["n"]) != int(keep.sum()):
                    failures.append(f"{s} {outcome}: n {r['n']} != {keep.sum()}")
                for stat, w in want.items():
                    compared += 1
                    if not close(number(r[stat]), float(w[i]), 1e-9):
                        failures.append(f"{s or 'all'} {outcome} {terms[i]} {stat}: crmq {r[stat]} numpy {w[i]!r}")

    # corr, covar, covar_pop per stage, over the pairs where both are present.
    pairs = [("trust", "recommend"), ("satisfaction", "repurchase_intent"), ("switching_cost", "price_tolerance")]
    items = ", ".join(f"r{i} = corr({x}, {y}), c{i} = covar({x}, {y}), p{i} = covar_pop({x}, {y})"
                      for i, (x, y) in enumerate(pairs))
    got = {r["lifecycle_stage"]: r for r in crmq_csv(
        args.crmq, data, f"customers | summarize {items} by lifecycle_stage")}
    for s in stages:
        for i, (x, y) in enumerate(pairs):
            keep = (stage == s) & ~np.isnan(values[x]) & ~np.isnan(values[y])
            a, b = values[x][keep], values[y][keep]
            want = {f"r{i}": np.corrcoef(a, b)[0, 1], f"c{i}": np.cov(a, b, ddof=1)[0, 1],
                    f"p{i}": np.cov(a, b, ddof=0)[0, 1]}
            for name, w in want.items():
                compared += 1
                if not close(number(got[s][name]), float(w), 1e-12):
                    failures.append(f"{s} {name} ({x}, {y}): crmq {got[s][name]} numpy {w!r}")

    if args.time:
        timings(args, data, values)

    if failures:
        print(f"regression check: {len(failures)} mismatches of {compared}:", file=sys.stderr)
        for f in failures[:40]:
            print("  " + f, file=sys.stderr)
        return 1
    print(f"regression check: {compared} values equal to numpy's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
