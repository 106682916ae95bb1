#!/usr/bin/env python3
"""crmq's probabilistic CLV (bgnbd_fit, bgnbd, gamma_gamma_fit, gamma_gamma, clv_model,
expected_purchases_curve) against lifetimes 0.11.3 and the published CDNOW results.

Runs in its own virtual environment (.venv-lifetimes: lifetimes needs older numpy, pandas and
scipy; CRMQ_LIFETIMES_PACKAGES in scripts/lib/setup.sh pins what works).

1. The published results, on the CDNOW sample that lifetimes ships (2,357 customers, first
   purchases in the first quarter of 1997, calibration through 1997-09-30, so asof =
   1997-10-01, weeks): Fader, Hardie and Lee (2005) report r = 0.243, alpha = 4.414,
   a = 0.793, b = 2.426 and a log-likelihood of -9582.4; Gamma-Gamma gives p = 6.25, q = 3.74,
   gamma = 15.44. crmq must give each to 3 significant figures.
2. lifetimes on the same data (the CDNOW sample, and data `crmq generate` makes, as of two dates):
   - the summary (frequency, recency, T, monetary_value of summary_data_from_transaction_data
     with freq = "D", freq_multiplier = 7 and observation_period_end = asof - 1 day), equal
     to 1e-9;
   - the fitted parameters of BetaGeoFitter and GammaGammaFitter, to 1e-4 relative;
   - per customer, with crmq's parameters put into lifetimes' fitters: P(alive),
     the conditional expected purchases over the horizon and the expected average value,
     to 1e-6 (relative, or absolute below 1); model CLV against the same sum written with
     lifetimes' predictions.
3. The tracking curve: actual repeat purchases per week recounted here from the transactions,
   expected ones as Σ lifetimes' expected_number_of_purchases_up_to_time.

    .venv-lifetimes/bin/python scripts/checks/btyd_check.py --crmq .build/debug/crmq
    .venv-lifetimes/bin/python scripts/checks/btyd_check.py --crmq .build/release/crmq --speed FOLDER

--speed times crmq and lifetimes side by side on data `crmq generate --customers N` makes
(docs/performance.md).
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
import pandas as pd
import lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

RELATIVE_PARAMETERS = 1e-4
RELATIVE_PREDICTIONS = 1e-6
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def crmq(binary, data, query):
    out = subprocess.run([binary, "--data", data, "--format", "csv", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def number(text):
    return float("nan") if text == "" else float(text)


def close(a, b, tol):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(abs(a), abs(b), 1.0)


def relative_close(a, b, tol):
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300)


def three_figures(x):
    """x rounded to 3 significant figures."""
    if x == 0:
        return 0.0
    digits = 2 - int(math.floor(math.log10(abs(x))))
    return round(x, digits)


def cdnow_folder(tmp):
    """The CDNOW sample of lifetimes' package as crmq's transactions.csv."""
    source = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "CDNOW_sample.txt")
    folder = os.path.join(tmp, "cdnow")
    os.makedirs(folder)
    with open(source) as f, open(os.path.join(folder, "transactions.csv"), "w") as out:
        out.write("customer_id,date,amount\n")
        for line in f:
            _, cid, day, _, amount = line.split()
            out.write(f"{int(cid)},{day[:4]}-{day[4:6]}-{day[6:]},{amount}\n")
    return folder


def lifetimes_summary(folder, asof, period_days):
    t = pd.read_csv(os.path.join(folder, "transactions.csv"), usecols=["customer_id", "date", "amount"])
    t = t.dropna(subset=["customer_id", "date"])
    t["date"] = pd.to_datetime(t["date"])
    end = pd.Timestamp(asof) - pd.Timedelta(days=1)
    t = t[t["date"] <= end]
    s = summary_data_from_transaction_data(t, "customer_id", "date", monetary_value_col="amount",
                                           observation_period_end=end, freq="D", freq_multiplier=1)
    s["recency"] /= period_days
    s["T"] /= period_days
    return s.sort_index()


def check(binary, folder, asof, label, failures, published=False, horizon=39):
    """Compares every function with lifetimes on one dataset as of one date; returns the count compared."""
    compared = 0
    options = f'asof = date("{asof}"), period = "week"'
    summary = lifetimes_summary(folder, asof, 7.0)

    fit = crmq(binary, folder, f"bgnbd_fit(transactions, {options})")[0]
    ours = {k: number(fit[k]) for k in ["r", "alpha", "a", "b", "log_likelihood"]}
    bg = BetaGeoFitter()
    bg.fit(summary["frequency"], summary["recency"], summary["T"], tol=1e-8)
    theirs = dict(bg.params_)
    # lifetimes fits on rescaled times, so its own log-likelihood is of other units: evaluate its
    # formula at crmq's parameters on the data in weeks instead.
    f0, r0, t0 = (summary[c].to_numpy() for c in ["frequency", "recency", "T"])
    theirs_ll = -BetaGeoFitter._negative_log_likelihood(
        np.log([ours[k] for k in ["r", "alpha", "a", "b"]]), f0, r0, t0, np.ones(len(f0)), 0.0) * len(f0)
    drift = max(abs(ours[k] - theirs[k]) / abs(theirs[k]) for k in ["r", "alpha", "a", "b"])
    for k in ["r", "alpha", "a", "b"]:
        if not relative_close(ours[k], theirs[k], RELATIVE_PARAMETERS):
            failures.append(f"{label}: BG/NBD {k} = {ours[k]!r}, lifetimes {theirs[k]!r}")
        compared += 1
    if not relative_close(ours["log_likelihood"], theirs_ll, 1e-6):
        failures.append(f"{label}: BG/NBD log-likelihood {ours['log_likelihood']!r}, lifetimes {theirs_ll!r}")
    if int(fit["customers"]) != len(summary):
        failures.append(f"{label}: bgnbd_fit customers {fit['customers']}, lifetimes' summary has {len(summary)}")
    compared += 2
    if published:
        for k, want in PUBLISHED_BGNBD.items():
            if three_figures(ours[k]) != three_figures(want):
                failures.append(f"{label}: BG/NBD {k} = {ours[k]!r}, published {want} (3 significant figures)")
            compared += 1

    # Per customer, with crmq's parameters in lifetimes' fitter.
    bg.params_ = pd.Series({k: ours[k] for k in ["r", "alpha", "a", "b"]})
    rows = crmq(binary, folder, f"bgnbd(transactions, {options}, horizon = {horizon})")
    ids = [int(r["customer_id"]) for r in rows]
    if ids != [int(i) for i in summary.index]:
        failures.append(f"{label}: bgnbd's customers differ from lifetimes' summary ({len(ids)} against {len(summary)})")
        return compared
    f = summary["frequency"].to_numpy()
    rec = summary["recency"].to_numpy()
    age = summary["T"].to_numpy()
    alive = bg.conditional_probability_alive(f, rec, age)
    expected = bg.conditional_expected_number_of_purchases_up_to_time(horizon, f, rec, age)
    worst = 0.0
    for i, r in enumerate(rows):
        for name, got, want, tol in [
            ("frequency", number(r["frequency"]), f[i], 0),
            ("recency", number(r["recency"]), rec[i], 1e-9),
            ("age", number(r["age"]), age[i], 1e-9),
            ("avg_value", number(r["avg_value"]), summary["monetary_value"].iat[i] if f[i] > 0 else float("nan"), 1e-9),
            ("p_alive", number(r["p_alive"]), alive[i], RELATIVE_PREDICTIONS),
            ("expected_purchases", number(r["expected_purchases"]), expected[i], RELATIVE_PREDICTIONS),
        ]:
            compared += 1
            if not close(got, want, tol):
                failures.append(f"{label}: customer {ids[i]} {name} = {got!r}, lifetimes {want!r}")
            elif not math.isnan(got) and name in ("p_alive", "expected_purchases"):
                worst = max(worst, abs(got - want) / max(abs(want), 1.0))

    # Gamma-Gamma on the repeat customers.
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    gg_fit = crmq(binary, folder, f"gamma_gamma_fit(transactions, {options})")[0]
    gg_ours = {k: number(gg_fit[k]) for k in ["p", "q", "gamma"]}
    gg = GammaGammaFitter()
    gg.fit(repeat["frequency"], repeat["monetary_value"], tol=1e-8)
    gg_theirs = {"p": gg.params_["p"], "q": gg.params_["q"], "gamma": gg.params_["v"]}
    drift = max([drift] + [abs(gg_ours[k] - gg_theirs[k]) / abs(gg_theirs[k]) for k in ["p", "q", "gamma"]])
    for k in ["p", "q", "gamma"]:
        if not relative_close(gg_ours[k], gg_theirs[k], RELATIVE_PARAMETERS):
            failures.append(f"{label}: Gamma-Gamma {k} = {gg_ours[k]!r}, lifetimes {gg_theirs[k]!r}")
        compared += 1
    if int(gg_fit["customers"]) != len(repeat):
        failures.append(f"{label}: gamma_gamma_fit customers {gg_fit['customers']}, lifetimes {len(repeat)}")
    if published:
        for k, want in PUBLISHED_GAMMA_GAMMA.items():
            if three_figures(gg_ours[k]) != three_figures(want):
                failures.append(f"{label}: Gamma-Gamma {k} = {gg_ours[k]!r}, published {want} (3 significant figures)")
            compared += 1
    gg.params_ = pd.Series({"p": gg_ours["p"], "q": gg_ours["q"], "v": gg_ours["gamma"]})
    spend_rows = crmq(binary, folder, f"gamma_gamma(transactions, {options})")
    monetary = summary["monetary_value"].to_numpy()
    spend = gg.conditional_expected_average_profit(pd.Series(f), pd.Series(np.where(f > 0, monetary, 0.0))).to_numpy()
    for i, r in enumerate(spend_rows):
        compared += 1
        if not close(number(r["expected_avg_value"]), spend[i], RELATIVE_PREDICTIONS):
            failures.append(f"{label}: customer {ids[i]} expected_avg_value = {r['expected_avg_value']}, lifetimes {spend[i]!r}")

    # Model CLV: the monthly sum of lifetimes' conditional expectations, discounted yearly.
    margin, discount, months = 0.3, 0.1, 12
    clv_rows = crmq(binary, folder, f"set margin = {margin}; set discount_rate = {discount}; "
                                    f"clv_model(transactions, {options}, months = {months})")
    month = 365.25 / 12 / 7
    value = np.zeros(len(f))
    previous = np.zeros(len(f))
    for m in range(1, months + 1):
        e = bg.conditional_expected_number_of_purchases_up_to_time(m * month, f, rec, age)
        value += (e - previous) / (1 + discount) ** (m / 12)
        previous = e
    value *= margin * spend
    for i, r in enumerate(clv_rows):
        compared += 1
        if not close(number(r["model_clv"]), value[i], RELATIVE_PREDICTIONS):
            failures.append(f"{label}: customer {ids[i]} model_clv = {r['model_clv']}, lifetimes' sum {value[i]!r}")

    # The tracking curve.
    curve = crmq(binary, folder, f"expected_purchases_curve(transactions, {options})")
    t = pd.read_csv(os.path.join(folder, "transactions.csv"), usecols=["customer_id", "date"]).dropna()
    t["date"] = pd.to_datetime(t["date"])
    days = t.drop_duplicates().sort_values(["customer_id", "date"])
    first = days.groupby("customer_id")["date"].transform("min")
    cohort = first < pd.Timestamp(asof)
    repeats = days[cohort & (days["date"] > first)]
    firsts = days[cohort].groupby("customer_id")["date"].min()
    origin = firsts.min()
    for r in curve:
        end = pd.Timestamp(r["date"])
        want_actual = int((repeats["date"] <= end).sum())
        ages = ((end - firsts).dt.days / 7.0).to_numpy()
        ages = ages[ages >= 0]
        want_expected = float(np.sum(bg.expected_number_of_purchases_up_to_time(ages)))
        compared += 2
        if int(r["actual_cumulative"]) != want_actual:
            failures.append(f"{label}: curve period {r['period']} actual_cumulative {r['actual_cumulative']}, recount {want_actual}")
        if not close(number(r["expected_cumulative"]), want_expected, RELATIVE_PREDICTIONS):
            failures.append(f"{label}: curve period {r['period']} expected_cumulative {r['expected_cumulative']}, lifetimes {want_expected!r}")
    if curve and pd.Timestamp(curve[0]["date"]) != origin + pd.Timedelta(days=6):
        failures.append(f"{label}: the curve's first period ends {curve[0]['date']}, not a week after {origin.date()}")
    print(f"  {label}: {len(summary)} customers, BG/NBD r={ours['r']:.6g} alpha={ours['alpha']:.6g} "
          f"a={ours['a']:.6g} b={ours['b']:.6g} LL={ours['log_likelihood']:.6g}; Gamma-Gamma p={gg_ours['p']:.6g} "
          f"q={gg_ours['q']:.6g} gamma={gg_ours['gamma']:.6g}; parameters within {drift:.1e} of lifetimes', "
          f"predictions within {worst:.1e}")
    return compared


def speed(binary, folder, customers):
    """crmq from the transactions against lifetimes' summary, fit and predictions, one run each side."""
    data = os.path.join(folder, f"btyd{customers}")
    if not os.path.exists(os.path.join(data, "transactions.csv")):
        subprocess.run([binary, "generate", "--customers", str(customers), "--seed", "1", "--out", data], check=True)
    # The day after the generated data's last purchase: every customer with a purchase counts.
    asof = "2026-01-01"
    options = f'asof = date("{asof}"), period = "week"'
    timed = {
        "bgnbd_fit": f"bgnbd_fit(transactions, {options})",
        "bgnbd": f"bgnbd(transactions, {options}, horizon = 39) | count",
        "gamma_gamma_fit": f"gamma_gamma_fit(transactions, {options})",
        "gamma_gamma": f"gamma_gamma(transactions, {options}) | count",
    }
    script = ".timer on; " + "; ".join(q for q in timed.values() for _ in range(3))
    out = subprocess.run([binary, "--data", data, "-c", script], check=True, capture_output=True, text=True)
    times = []
    for line in (out.stdout + out.stderr).splitlines():
        if line.startswith("time: "):
            value, unit = line[len("time: "):].split()
            times.append(float(value) / (1000 if unit == "ms" else 1))
    ours = {name: min(times[3 * i:3 * i + 3]) for i, name in enumerate(timed)}
    t0 = time.perf_counter()
    summary = lifetimes_summary(data, asof, 7.0)
    summary_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    bg_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    bg.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    bg.conditional_expected_number_of_purchases_up_to_time(39, summary["frequency"], summary["recency"], summary["T"])
    bg_predict = time.perf_counter() - t0
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    t0 = time.perf_counter()
    gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    gg_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    gg.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    gg_predict = time.perf_counter() - t0
    rows = [
        ("summary + BG/NBD fit (bgnbd_fit)", ours["bgnbd_fit"], summary_time + bg_fit),
        ("summary + fit + P(alive) and E[X] (bgnbd)", ours["bgnbd"], summary_time + bg_fit + bg_predict),
        ("  the predictions alone", ours["bgnbd"] - ours["bgnbd_fit"], bg_predict),
        ("summary + Gamma-Gamma fit (gamma_gamma_fit)", ours["gamma_gamma_fit"], summary_time + gg_fit),
        ("summary + fit + expected value (gamma_gamma)", ours["gamma_gamma"], summary_time + gg_fit + gg_predict),
    ]
    print(f"probabilistic CLV, {len(summary):,} customers as of {asof}, weeks (crmq: the statement's time with "
          f".timer on, best of 3, from the loaded transactions; lifetimes 0.11.3: one run of each step; its "
          f"summary_data_from_transaction_data took {summary_time:.2f} s, BetaGeoFitter.fit {bg_fit:.2f} s, "
          f"GammaGammaFitter.fit {gg_fit:.2f} s):")
    print(f"  {'':46} {'crmq':>9} {'lifetimes':>10} {'ratio':>7}")
    for label, a, b in rows:
        print(f"  {label:46} {a:8.3f}s {b:9.3f}s {a / b:7.3f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crmq", required=True)
    parser.add_argument("--speed", metavar="FOLDER", help="time crmq and lifetimes; data kept in FOLDER")
    parser.add_argument("--customers", type=int, default=1000000)
    args = parser.parse_args()
    if args.speed:
        speed(args.crmq, args.speed, args.customers)
        return 0
    failures = []
    compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        cdnow = cdnow_folder(tmp)
        compared += check(args.crmq, cdnow, "1997-10-01", "CDNOW sample", failures, published=True)
        generated = os.path.join(tmp, "generated")
        subprocess.run([args.crmq, "generate", "--customers", "3000", "--seed", "5", "--out", generated],
                       check=True, capture_output=True)
        for asof in ["2024-07-01", "2025-06-15"]:
            compared += check(args.crmq, generated, asof, f"generated, asof {asof}", failures, horizon=26)
    for f in failures[:40]:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        print(f"probabilistic CLV check: {len(failures)} mismatches of {compared}", file=sys.stderr)
        return 1
    print(f"probabilistic CLV check: {compared} values equal to lifetimes' and the published results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
