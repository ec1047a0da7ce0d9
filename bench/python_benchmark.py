# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""What the Python bindings cost on top of the C++ library (docs/python.md).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_benchmark.py \
        --rows 1000000

Loads the same 12-column metrics rows as a DataFrame (string ids as Python
objects), as NumPy arrays (ids as a bytes "S" array), and from a CSV file
(the C++ loader); then times a scan with and without binding, a top-100,
to_pandas and row_ids. Medians of --repeat runs. --smoke runs it small.
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np
import pandas as pd

import slicekit as sk


def frame(n: int) -> dict:
    rng = np.random.default_rng(1)
    tp, fp, fn = (rng.integers(0, k, n) for k in (4, 3, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn),
                      np.nan)
    return {
        "data_row_id": np.char.add(b"dr-", np.char.zfill(
            np.arange(n).astype("S9"), 9)),
        "dataset": pd.Categorical.from_codes(rng.integers(0, 8, n),
                                             [f"ds{i}" for i in range(8)]),
        "split": pd.Categorical.from_codes(rng.integers(0, 3, n),
                                           ["train", "val", "test"]),
        "tp": tp, "fp": fp, "fn": fn, "tn": rng.integers(0, 2, n),
        "precision": precision, "recall": recall, "f1": f1,
        "iou": np.where(rng.random(n) < 0.1, np.nan, rng.random(n)),
        "confidence": rng.random(n).astype(np.float32),
    }


def median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 5000, 2
    n = args.rows
    arrays = frame(n)
    df = pd.DataFrame({k: (v.astype(str) if k == "data_row_id" else v)
                       for k, v in arrays.items()})
    table = sk.Table.from_arrays(arrays)
    path = os.path.join(tempfile.mkdtemp(), "m.csv")
    with open(path, "w") as f:
        f.write(sk.export_rows(table, format="csv"))

    rows = {
        "Table.from_pandas (ids as str objects)":
            lambda: sk.Table.from_pandas(df),
        "Table.from_arrays (ids as a NumPy S array)":
            lambda: sk.Table.from_arrays(arrays),
        "read_csv (C++ loader, same rows)": lambda: sk.read_csv(path),
    }
    print(f"{n:,} rows, medians of {args.repeat}")
    print("| load | ms | ns/row |\n| --- | ---: | ---: |")
    for name, fn in rows.items():
        ms = median_ms(fn, args.repeat)
        print(f"| {name} | {ms:.1f} | {ms * 1e6 / n:.0f} |")

    expr = sk.parse_filter("confidence < 0.5 AND fp >= 1")
    bound = sk.bind(expr, table)
    selection = bound.scan()
    top = sk.order_rows(table, selection, "confidence desc", limit=100)
    calls = {
        "bind + scan + count (q2)": lambda: sk.scan(table, expr).count(),
        "BoundFilter.scan + count (q2)": lambda: bound.scan().count(),
        "Selection.to_numpy": lambda: selection.to_numpy(),
        "order_rows top-100 by confidence desc": lambda: sk.order_rows(
            table, selection, "confidence desc", limit=100),
        "row_ids of 100 rows": lambda: table.row_ids(top),
        "to_pandas of 100 rows": lambda: table.to_pandas(top),
        "to_pandas of every row": lambda: table.to_pandas(),
        "summarize the selection": lambda: sk.summarize(table, selection),
    }
    print("\n| call | ms |\n| --- | ---: |")
    for name, fn in calls.items():
        print(f"| {name} | {median_ms(fn, args.repeat):.3f} |")
    print("python_benchmark: done")


if __name__ == "__main__":
    main()
