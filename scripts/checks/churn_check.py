#!/usr/bin/env python3
"""crmq's churn model (logit, logit_gain, logit_score) against scikit-learn, on data `crmq generate` makes.

For each model below, on the same rows (no null in the key, y or x) and the same split:

- the split: every scored row's in_holdout must be what the documented rule gives, recomputed
  here: u = SplitMix64-mix(seed, customer_id) / 2^64, held out when u < holdout;
- coefficients, odds ratios: equal to scikit-learn's LogisticRegression(no penalty,
  solver="newton-cholesky"; C=inf from
  scikit-learn 1.8 on) fitted on the training rows, to 1e-6 relative;
- standard errors, z and p: equal to numpy's inverse of XᵀWX at scikit-learn's estimate (and
  the normal tail), to 1e-6 relative;
- train_auc and holdout_auc: equal to sklearn.metrics.roc_auc_score of scikit-learn's own
  probabilities, to 1e-6; every probability of logit_score equal to predict_proba, to 1e-6;
- the gain table: equal to a plain Python count over crmq's probabilities.

Exit status 1 on any mismatch.

    python scripts/checks/churn_check.py --crmq .build/debug/crmq [--data DIR]
    python scripts/checks/churn_check.py --crmq .build/release/crmq --speed FOLDER

--speed instead times the fit on 1,000,000 customers x 6 features in crmq and scikit-learn on the
same rows, side by side (docs/performance.md).
"""
import argparse
import csv
import io
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

MODELS = [
    # (y, x, holdout, seed)
    ("churned", ["satisfaction", "trust", "perceived_value", "switching_cost"], 0.3, 42),
    ("churned", ["recency", "frequency", "monetary", "satisfaction", "tenure_days", "share_of_wallet"], 0.25, 7),
    ("churned", ["satisfaction", "complaints"], 0.0, 1),
]
# The customers with their complaint counts (interactions), so a model mixes a joined column in.
SOURCE = ("(customers | join (interactions | where kind == \"complaint\" | count by customer_id) on customer_id kind left"
          " | extend complaints = coalesce(n, 0))")
RELATIVE = 1e-6
# No penalty: penalty=None until scikit-learn 1.8 deprecated it for C=inf (the same unpenalised fit).
UNPENALISED = ({"C": np.inf} if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8)
               else {"penalty": None})
MASK = (1 << 64) - 1


def splitmix_next(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def mix(seed, a, b):
    """SplitMix64.mix of crmq's generator (Sources/CrmqCRM/Generator/Random.swift)."""
    state = seed & MASK
    state, v = splitmix_next(state)
    state ^= (v + a * 0xD1B54A32D192ED03) & MASK
    state, v = splitmix_next(state)
    state ^= (v + b * 0x8CB92BA72F3D8DD7) & MASK
    state, v = splitmix_next(state)
    return v


def held_out(seed, key, holdout):
    return holdout > 0 and (mix(seed, key & MASK, 0) >> 11) * 2.0 ** -53 < holdout


def crmq(binary, data, query):
    out = subprocess.run([binary, "--data", data, "--format", "csv", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def number(text):
    return float("nan") if text == "" else float(text)


def close(a, b, tol=RELATIVE):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-12)


def check_model(binary, data, y, x, holdout, seed, failures):
    name = f"{y} ~ {' + '.join(x)} (holdout {holdout}, seed {seed})"
    args = f"y = {y}, x = {' + '.join(x)}, holdout = {holdout}, seed = {seed}"
    rows = crmq(binary, data, f"{SOURCE} | select customer_id, {y}, {', '.join(x)}")
    coefs = crmq(binary, data, f"logit({SOURCE}, {args})")
    scores = crmq(binary, data, f"logit_score({SOURCE}, {args})")
    gains = crmq(binary, data, f"logit_gain({SOURCE}, {args})")
    compared = 0

    complete = [r for r in rows if all(r[c] != "" for c in x)]
    ids = np.array([int(r["customer_id"]) for r in complete])
    X = np.array([[float(r[c]) for c in x] for r in complete])
    known = np.array([r[y] != "" for r in complete])
    Y = np.array([int(r[y]) if r[y] != "" else -1 for r in complete])
    hold = np.array([held_out(seed, int(i), holdout) for i in ids])

    # The split and the scored rows.
    if [int(r["customer_id"]) for r in scores] != list(ids):
        failures.append(f"{name}: logit_score's rows are not the rows with no null in x")
        return 0
    flags = np.array([r["in_holdout"] == "true" for r in scores])
    if not (flags == hold).all():
        failures.append(f"{name}: {(flags != hold).sum()} rows' in_holdout differ from the documented hash rule")
    compared += len(flags)

    train = known & ~hold
    model = LogisticRegression(**UNPENALISED, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    model.fit(X[train], Y[train])
    b = np.concatenate([model.intercept_, model.coef_[0]])
    design = np.column_stack([np.ones(len(X)), X])
    p_all = model.predict_proba(X)[:, 1]
    w = p_all[train] * (1 - p_all[train])
    cov = np.linalg.inv(design[train].T @ (design[train] * w[:, None]))
    se = np.sqrt(np.diag(cov))
    z = b / se
    sd = np.concatenate([[np.nan], X[train].std(axis=0, ddof=1)])
    want = {
        "coefficient": b, "odds_ratio": np.exp(b), "std_coefficient": b * sd, "std_error": se, "z": z,
        "p": np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z]),
    }
    worst_relative = 0.0
    terms = ["(intercept)"] + x
    if [r["term"] for r in coefs] != terms:
        failures.append(f"{name}: terms {[r['term'] for r in coefs]}")
        return compared
    for i, r in enumerate(coefs):
        for stat, values in want.items():
            compared += 1
            got = number(r[stat])
            if stat != "p" and not math.isnan(got):
                worst_relative = max(worst_relative, abs(got - values[i]) / max(abs(values[i]), 1e-300))
            # A p value below 1e-300 is 0 in both; a tiny one is compared relative to its size.
            if not close(got, float(values[i])):
                failures.append(f"{name} {terms[i]} {stat}: crmq {r[stat]} scikit-learn/numpy {values[i]!r}")
    auc_train = roc_auc_score(Y[train], p_all[train])
    test = known & hold
    auc_hold = roc_auc_score(Y[test], p_all[test]) if holdout > 0 else float("nan")
    first = coefs[0]
    for label, got, w_ in [("train_auc", first["train_auc"], auc_train), ("holdout_auc", first["holdout_auc"], auc_hold)]:
        compared += 1
        if not close(number(got), w_):
            failures.append(f"{name} {label}: crmq {got} scikit-learn {w_!r}")
    for label, got, w_ in [("n", first["n"], int(train.sum())), ("holdout_n", first["holdout_n"], int(test.sum()))]:
        compared += 1
        if int(got) != w_:
            failures.append(f"{name} {label}: crmq {got}, {w_} expected")

    probs = np.array([float(r["probability"]) for r in scores])
    worst = np.max(np.abs(probs - p_all))
    compared += len(probs)
    if worst > 1e-6:
        failures.append(f"{name}: a probability differs from predict_proba by {worst}")

    # The gain table, counted by hand from crmq's own probabilities.
    judged = [i for i in range(len(ids)) if known[i] and (hold[i] if holdout > 0 else True)]
    judged.sort(key=lambda i: (-probs[i], i))
    n, bins = len(judged), min(10, len(judged))
    total = sum(Y[i] for i in judged)
    start, cumulative = 0, 0
    for bn in range(bins):
        size = n // bins + (1 if bn < n % bins else 0)
        part = judged[start:start + size]
        start += size
        events = sum(Y[i] for i in part)
        cumulative += events
        rate = events / size
        expect = {"bin": bn + 1, "customers": size, y: events, "rate": rate,
                  "mean_probability": sum(probs[i] for i in part) / size, "depth": start / n,
                  "gain": cumulative / total, "lift": rate / (total / n), "cumulative_lift": (cumulative / total) / (start / n)}
        got = gains[bn]
        for key, value in expect.items():
            compared += 1
            if not close(number(got[key]), float(value), 1e-12):
                failures.append(f"{name} gain bin {bn + 1} {key}: crmq {got[key]}, counted {value}")
    print(f"{name}: AUC holdout {auc_hold:.6f}, train {auc_train:.6f}; largest relative difference"
          f" of a coefficient, odds ratio, standard error or z: {worst_relative:.1e}")
    return compared


def check(binary, data):
    failures = []
    compared = 0
    for y, x, holdout, seed in MODELS:
        compared += check_model(binary, data, y, x, holdout, seed, failures)
    return failures, compared


FEATURES = ["recency", "frequency", "monetary", "satisfaction", "trust", "switching_cost"]


def speed(binary, folder):
    """crmq and scikit-learn on the same 1M customers x 6 features, every row fitted."""
    data = os.path.join(folder, "1m")
    if not os.path.exists(os.path.join(data, "customers.csv")):
        subprocess.run([binary, "generate", "--customers", "1000000", "--seed", "1", "--out", data], check=True)
    path = os.path.join(folder, "churn1m.csv")
    # Missing answers and recency of customers who never bought filled in, so all 1M rows are fitted.
    filled = ", ".join(f"{c} = coalesce({c}, {'1000' if c == 'recency' else '4'})" for c in FEATURES)
    subprocess.run([binary, "--data", data, "-c",
                    f'save (customers | select customer_id, churned, {filled}) to "{path}"'], check=True)
    formula = "y = churned, x = " + " + ".join(FEATURES)
    query = f"logit(churn1m, {formula}, holdout = 0)"
    script = f'load "{path}" as churn1m; .timer on; ' + "; ".join([query] * 3)
    out = subprocess.run([binary, "--data", data, "-c", script], check=True, capture_output=True, text=True)
    times = []
    for line in (out.stdout + out.stderr).splitlines():
        if line.startswith("time: "):
            value, unit = line[len("time: "):].split()
            times.append(float(value) / (1000 if unit == "ms" else 1))
    ours = min(times)
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    X, Y = table[:, 2:], table[:, 1]
    theirs = {}
    for label, model in [
        ("newton-cholesky, tol 1e-8", lambda: LogisticRegression(**UNPENALISED, solver="newton-cholesky", tol=1e-8, max_iter=100)),
        ("lbfgs, default tol", lambda: LogisticRegression(**UNPENALISED, solver="lbfgs", max_iter=1000)),
    ]:
        best = 1e9
        for _ in range(3):
            t = time.perf_counter()
            model().fit(X, Y)
            best = min(best, time.perf_counter() - t)
        theirs[label] = best
    print(f"logistic regression, {len(Y):,} customers x {X.shape[1]} features, every row fitted (best of 3):")
    print(f"  crmq logit                    {ours:6.3f} s  (the statement's time, .timer on)")
    for label, t in theirs.items():
        print(f"  scikit-learn {label:27} {t:6.3f} s  ratio crmq / scikit-learn {ours / t:.2f}")


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
        failures, compared = check(args.crmq, data)
    for f in failures[:40]:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        print(f"churn model check: {len(failures)} mismatches of {compared}", file=sys.stderr)
        return 1
    print(f"churn model check: {compared} values equal to scikit-learn's and the documented rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
