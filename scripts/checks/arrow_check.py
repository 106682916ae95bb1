#!/usr/bin/env python3
"""crmq's Arrow IPC reader (`load` of .arrow, .feather, .ipc and .arrows files) against pyarrow.

pyarrow writes random tables (every type crmq reads, with nulls, several record batches,
dictionary-encoded strings with int8/int16/int32 indices, decimals, dates, timestamps with and
without a time zone) as Feather/Arrow files (uncompressed, LZ4, Zstandard) and as streams; crmq
loads each and prints it as CSV, and every value must equal what pyarrow holds, converted by
crmq's documented rules: ints as int, floats and decimals as double, timestamps as their UTC
day. Files crmq must refuse (a list column, a uint64 above 2^63 - 1, a file cut short) must give
an error naming the file, not a crash.

The other way round, crmq saves each table it loaded as an Arrow file and an Arrow stream
(`save t to "x.feather"`, `"x.arrows"`); pyarrow reads both, and every value must equal what
crmq printed, in the types crmq documents (int64, float64, string, date32, bool).

    .venv-checks/bin/python scripts/checks/arrow_check.py --crmq .build/debug/crmq
"""
import argparse
import csv
import datetime
import decimal
import io
import math
import os
import random
import subprocess
import sys
import tempfile

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc


def crmq_csv(binary, path):
    out = subprocess.run([binary, "--no-data", "--format", "csv", "-c", f'load "{path}" as t; t'],
                         capture_output=True, text=True)
    return out


def random_table(rng, rows):
    def maybe(v):
        return None if rng.random() < 0.15 else v
    words = ["red", "blue", "green", "héllo", "", "a,b", 'say "hi"', "日本"]
    epoch = datetime.date(1970, 1, 1)
    return pa.table({
        "i8": pa.array([maybe(rng.randint(-128, 127)) for _ in range(rows)], pa.int8()),
        "i16": pa.array([maybe(rng.randint(-32768, 32767)) for _ in range(rows)], pa.int16()),
        "i32": pa.array([maybe(rng.randint(-2**31, 2**31 - 1)) for _ in range(rows)], pa.int32()),
        "i64": pa.array([maybe(rng.randint(-2**63, 2**63 - 1)) for _ in range(rows)], pa.int64()),
        "u8": pa.array([maybe(rng.randint(0, 255)) for _ in range(rows)], pa.uint8()),
        "u64": pa.array([maybe(rng.randint(0, 2**63 - 1)) for _ in range(rows)], pa.uint64()),
        "f32": pa.array([maybe(rng.uniform(-1e6, 1e6)) for _ in range(rows)], pa.float32()),
        "f64": pa.array([maybe(rng.uniform(-1e12, 1e12)) for _ in range(rows)], pa.float64()),
        "s": pa.array([maybe(rng.choice(words)) for _ in range(rows)], pa.string()),
        "ls": pa.array([maybe(rng.choice(words)) for _ in range(rows)], pa.large_string()),
        "cat8": pa.array([maybe(rng.choice(words)) for _ in range(rows)]).dictionary_encode().cast(
            pa.dictionary(pa.int8(), pa.string())),
        "cat16": pa.array([maybe(rng.choice(words)) for _ in range(rows)]).dictionary_encode().cast(
            pa.dictionary(pa.int16(), pa.string())),
        "b": pa.array([maybe(rng.random() < 0.5) for _ in range(rows)], pa.bool_()),
        "d32": pa.array([maybe(epoch + datetime.timedelta(days=rng.randint(-30000, 30000))) for _ in range(rows)],
                        pa.date32()),
        "d64": pa.array([maybe(epoch + datetime.timedelta(days=rng.randint(-30000, 30000))) for _ in range(rows)],
                        pa.date64()),
        "ts_ms": pa.array([maybe(rng.randint(-2**40, 2**40)) for _ in range(rows)], pa.timestamp("ms")),
        "ts_ns_utc": pa.array([maybe(rng.randint(-2**60, 2**60)) for _ in range(rows)], pa.timestamp("ns", tz="UTC")),
        "dec": pa.array([maybe(decimal.Decimal(rng.randint(-10**12, 10**12)) / 100) for _ in range(rows)],
                        pa.decimal128(18, 2)),
    })


def expected(value, arrow_type):
    """pyarrow's value as crmq's CSV output writes it."""
    if value is None:
        return ""
    if pa.types.is_dictionary(arrow_type):
        return value
    if pa.types.is_boolean(arrow_type):
        return "true" if value else "false"
    if pa.types.is_integer(arrow_type):
        return str(value)
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return float(value)
    if pa.types.is_date(arrow_type):
        return value.isoformat()
    if pa.types.is_timestamp(arrow_type):
        return value  # the raw count, converted below
    return value


def timestamp_day(raw, unit):
    per_day = {"s": 86400, "ms": 86400_000, "us": 86400_000_000, "ns": 86400_000_000_000}[unit]
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=raw // per_day)).isoformat()


def compare(label, table, rows, failures):
    compared = 0
    if len(rows) != table.num_rows:
        failures.append(f"{label}: {len(rows)} rows, pyarrow has {table.num_rows}")
        return 0
    for name in table.column_names:
        column = table.column(name)
        t = column.type
        if pa.types.is_timestamp(t):
            raw = column.cast(pa.int64()).to_pylist()
            values = [None if v is None else timestamp_day(v, t.unit) for v in raw]
        else:
            values = [expected(v, t) for v in column.to_pylist()]
        for i, want in enumerate(values):
            got = rows[i][name]
            compared += 1
            if want is None:
                want = ""
            if isinstance(want, float):
                ok = got != "" and math.isclose(float(got), want, rel_tol=1e-15 if not pa.types.is_float32(t) else 1e-7,
                                                abs_tol=1e-300)
            else:
                ok = got == want
            if not ok:
                failures.append(f"{label}: row {i + 1} column {name}: crmq {got!r}, pyarrow {want!r}")
                if len(failures) > 40:
                    return compared
    return compared


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crmq", required=True)
    args = parser.parse_args()
    rng = random.Random(11)
    failures = []
    compared = 0
    files = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rows in [0, 1, 7, 1000, 20000]:
            table = random_table(rng, rows)
            variants = []
            for compression in ["uncompressed", "lz4", "zstd"]:
                for chunk in [None, 333]:
                    path = os.path.join(tmp, f"t{rows}_{compression}_{chunk}.feather")
                    feather.write_feather(table, path, compression=compression, chunksize=chunk)
                    variants.append(path)
            stream = os.path.join(tmp, f"t{rows}.arrows")
            with ipc.new_stream(stream, table.schema) as w:
                for batch in table.to_batches(max_chunksize=4096):
                    w.write_batch(batch)
            variants.append(stream)
            for path in variants:
                out = crmq_csv(args.crmq, path)
                files += 1
                if out.returncode != 0:
                    failures.append(f"{os.path.basename(path)}: crmq failed: {out.stderr.strip()}")
                    continue
                compared += compare(os.path.basename(path), table, list(csv.DictReader(io.StringIO(out.stdout))), failures)
            # What crmq writes, read by pyarrow.
            saved_file = os.path.join(tmp, f"saved{rows}.feather")
            saved_stream = os.path.join(tmp, f"saved{rows}.arrows")
            out = subprocess.run([args.crmq, "--no-data", "--format", "csv", "-c",
                                  f'load "{stream}" as t; save t to "{saved_file}"; save t to "{saved_stream}"; t'],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                failures.append(f"saving t{rows}: crmq failed: {out.stderr.strip()}")
                continue
            printed = list(csv.DictReader(io.StringIO(out.stdout)))
            with ipc.open_stream(saved_stream) as r:
                from_stream = r.read_all()
            for label, written in [(saved_file, feather.read_table(saved_file)), (saved_stream, from_stream)]:
                files += 1
                kinds = {str(f.type) for f in written.schema}
                if not kinds <= {"int64", "double", "string", "date32[day]", "bool", "null"}:
                    failures.append(f"{os.path.basename(label)}: unexpected Arrow types {sorted(kinds)}")
                if written.num_rows != rows or written.column_names != table.column_names:
                    failures.append(f"{os.path.basename(label)}: {written.num_rows} rows, columns {written.column_names}")
                    continue
                compared += compare(os.path.basename(label), written, printed, failures)

        # Files crmq must refuse with an error naming the file and the culprit.
        refused = {
            "list.arrow": (pa.table({"id": [1], "tags": pa.array([[1, 2]])}), "column 'tags' is of Arrow type List"),
            "big.arrow": (pa.table({"n": pa.array([2**64 - 1], pa.uint64())}), "above the largest int"),
        }
        for name, (table, reason) in refused.items():
            path = os.path.join(tmp, name)
            feather.write_feather(table, path, compression="uncompressed")
            out = crmq_csv(args.crmq, path)
            files += 1
            if out.returncode != 1 or path not in out.stderr or reason not in out.stderr:
                failures.append(f"{name}: expected an error naming the file and '{reason}', got {out.stderr.strip()!r}")
        cut = os.path.join(tmp, "cut.feather")
        with open(variants[0], "rb") as f:
            data = f.read()
        with open(cut, "wb") as f:
            f.write(data[: len(data) // 2])
        out = crmq_csv(args.crmq, cut)
        files += 1
        if out.returncode != 1 or "cannot read this Arrow file" not in out.stderr:
            failures.append(f"a file cut in half: expected an error, got status {out.returncode}: {out.stderr.strip()!r}")
    for f in failures[:40]:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        print(f"Arrow check: {len(failures)} mismatches", file=sys.stderr)
        return 1
    print(f"Arrow check: {compared} values of {files} files equal to pyarrow {pa.__version__}'s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
