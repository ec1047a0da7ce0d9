# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Scale-out benchmark: one process against a PartitionedTable on a Dask
LocalCluster (docs/scale-out.md has the figures and the conditions).

    PYTHONPATH=build/python /usr/bin/python3 bench/distributed_benchmark.py \
        --rows 50000000 --partitions 4 --workers 2

Both sides hold the same rows, generated from the row index alone (a
counter-based generator), so a worker builds its partition without the
rows passing through the client, and the answers can be compared. Reports
build time and memory, then the median latency of scans (counts) and
top-k/page queries: in one process at 1 and 2 threads, and through the
scheduler over the partitions; and the fixed cost per query of going
through the scheduler (the same queries on a tiny partitioned table).
Every partitioned answer is checked against the single table's.
--smoke runs a small size quickly (a ctest).
"""

import argparse
import gc
import logging
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd

import slicekit as sk
from slicekit.distributed import PartitionedTable, partition_of

BLOCK = 1 << 20
DATASETS = [f"ds{i}" for i in range(8)]
SPLITS = ["train", "val", "test"]
QUERIES = [
    ("q1 count", "confidence < 0.5", None),
    ("q2 count", "confidence < 0.5 AND fp >= 1", None),
    ("q3 count", "(iou BETWEEN 0.3 AND 0.7) OR recall < 0.2", None),
    ("q4 count", "dataset IN ('ds1', 'ds5') AND NOT split = 'train' "
                 "AND f1 < 0.6", None),
    ("q7 top-100", "fp >= 1", ["confidence desc"]),
    ("q8 top-100", "TRUE", ["precision"]),
]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a counter-based generator, the same value for a row in
    any process."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _unit(rows: np.ndarray, salt: int) -> np.ndarray:
    bits = _mix(rows * np.uint64(16) + np.uint64(salt)) >> np.uint64(40)
    return (bits.astype(np.float64) / float(1 << 24)).astype(np.float32)


def _ids(rows: np.ndarray) -> np.ndarray:
    """'dr-%09d' as a NumPy bytes array, built without Python objects."""
    digits = np.empty((len(rows), 12), dtype=np.uint8)
    digits[:, 0:3] = np.frombuffer(b"dr-", dtype=np.uint8)
    value = rows.copy()
    for i in range(11, 2, -1):
        digits[:, i] = ord("0") + (value % 10).astype(np.uint8)
        value //= 10
    return digits.view("S12").ravel()


def block(first: int, n: int, keep=None) -> dict:
    """Rows first..first+n (only those where keep(ids) is true)."""
    rows = np.arange(first, first + n, dtype=np.uint64)
    ids = _ids(rows)
    if keep is not None:
        mask = keep(ids)
        rows, ids = rows[mask], ids[mask]
    u = [_unit(rows, salt) for salt in range(8)]
    tp = (u[0] * 4).astype(np.int64)
    fp = (u[1] * 3).astype(np.int64)
    fn = (u[2] * 3).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn),
                      np.nan)
    codes = _mix(rows + np.uint64(1 << 60))
    return {
        "data_row_id": ids,
        "dataset": pd.Categorical.from_codes(
            (codes % np.uint64(8)).astype(np.int64), DATASETS),
        "split": pd.Categorical.from_codes(
            ((codes >> np.uint64(8)) % np.uint64(3)).astype(np.int64), SPLITS),
        "tp": tp, "fp": fp, "fn": fn,
        "tn": (u[3] * 2).astype(np.int64),
        "precision": precision, "recall": recall, "f1": f1,
        "iou": np.where(u[4] < 0.1, np.nan, u[5]),
        "confidence": u[6],
    }


def partition_blocks(p: int, partitions: int, total: int):
    """The source of partition p: the rows hashing to p, block by block."""
    keep = lambda ids: partition_of(ids, partitions) == p  # noqa: E731
    for first in range(0, total, BLOCK):
        yield block(first, min(BLOCK, total - first), keep)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def single_answers(table, filter, keys):
    selection = sk.scan(table, filter)
    if keys is None:
        return selection.count()
    return list(table.row_ids(sk.order_rows(table, selection, keys, 0, 100)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads-per-worker", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--smoke", action="store_true",
                        help="20,000 rows, 3 repeats: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 20000, 3
    print(f"rows={args.rows:,} partitions={args.partitions} "
          f"workers={args.workers}x{args.threads_per_worker} threads, "
          f"{os.cpu_count()} CPUs, repeat={args.repeat} (medians)")

    # ---- One process -----------------------------------------------------
    before = rss_mb()
    start = time.perf_counter()
    table = sk.Table.from_arrays(block(0, min(BLOCK, args.rows)))
    for first in range(BLOCK, args.rows, BLOCK):
        table.append(block(first, min(BLOCK, args.rows - first)))
    build_s = time.perf_counter() - start
    print(f"\none process: built in {build_s:.1f} s, "
          f"{table.memory_bytes() / args.rows:.1f} table bytes/row, "
          f"RSS +{rss_mb() - before:.0f} MB")
    single = {}
    answers = {}
    for name, filter, keys in QUERIES:
        answers[name] = single_answers(table, filter, keys)
        for threads in (1, 2):
            def run():
                selection = sk.scan(table, filter, threads=threads)
                if keys is None:
                    return selection.count()
                return sk.order_rows(table, selection, keys, 0, 100)
            single[(name, threads)] = median_ms(run, args.repeat)
    cursor = sk.order_page(table, sk.scan(table, "fp >= 1"),
                           "confidence desc", "", 50).next_cursor
    page_answer = list(table.row_ids(sk.order_page(
        table, sk.scan(table, "fp >= 1"), "confidence desc", cursor,
        50).rows))
    single[("page 2 (50)", 1)] = median_ms(
        lambda: sk.order_page(table, sk.scan(table, "fp >= 1"),
                              "confidence desc", cursor, 50), args.repeat)
    schema = table.schema
    table = None  # free its memory before the cluster starts
    gc.collect()

    # ---- Partitions on a LocalCluster --------------------------------------
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=args.workers,
                      threads_per_worker=args.threads_per_worker,
                      processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR,
                      memory_limit=0) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        parted = PartitionedTable.from_sources(
            client, lambda p, n, total=args.rows: partition_blocks(p, n, total),
            args.partitions, schema)
        build_s = time.perf_counter() - start
        worker_rss = client.run(rss_mb)
        print(f"\n{args.partitions} partitions: built in {build_s:.1f} s "
              f"(on the workers), sizes {parted.partition_sizes()}, worker "
              f"RSS {', '.join(f'{v:.0f}' for v in worker_rss.values())} MB")
        parted_ms = {}
        for name, filter, keys in QUERIES:
            if keys is None:
                got = parted.count(filter)
                run = lambda f=filter: parted.count(f)  # noqa: E731
            else:
                got = list(parted.row_ids(filter, keys, 0, 100))
                run = lambda f=filter, k=keys: parted.row_ids(  # noqa: E731
                    f, k, 0, 100)
            if got != answers[name]:
                sys.exit(f"MISMATCH on {name}: partitioned answer differs")
            parted_ms[name] = median_ms(run, args.repeat)
        got_page = list(parted.order_page("fp >= 1", "confidence desc",
                                          cursor, 50).ids)
        if got_page != page_answer:
            sys.exit("MISMATCH on page 2")
        parted_ms["page 2 (50)"] = median_ms(
            lambda: parted.order_page("fp >= 1", "confidence desc", cursor,
                                      50), args.repeat)
        parted.close()

        # The fixed cost: the same calls on tiny partitioned tables (4,000
        # rows), for several partition counts.
        overhead = {}
        counts = {args.partitions} if args.smoke else {args.partitions, 16, 64}
        for count in sorted(counts):
            tiny = PartitionedTable.from_sources(
                client, lambda p, n: partition_blocks(p, n, 4000), count,
                schema)
            overhead[count] = {
                "count": median_ms(lambda: tiny.count("fp >= 1"), args.repeat),
                "top-100": median_ms(lambda: tiny.row_ids(
                    "fp >= 1", "confidence desc", 0, 100), args.repeat),
                "page": median_ms(lambda: tiny.order_page(
                    "fp >= 1", "confidence desc", "", 50), args.repeat),
            }
            tiny.close()

    print("\n| query | one process 1 thread (ms) | one process 2 threads (ms) "
          f"| {args.partitions} partitions / {args.workers} workers (ms) |")
    print("| --- | ---: | ---: | ---: |")
    for name, _, _ in QUERIES:
        print(f"| {name} | {single[(name, 1)]:.2f} | {single[(name, 2)]:.2f} "
              f"| {parted_ms[name]:.2f} |")
    page_ms = (single[("page 2 (50)", 1)], parted_ms["page 2 (50)"])
    print(f"| page 2 (50 rows after a cursor) | {page_ms[0]:.2f} | "
          f"| {page_ms[1]:.2f} |")
    print("\nper-query cost through the scheduler (4,000 rows in all):")
    for count, costs in overhead.items():
        print(f"  {count:3d} partitions: " + ", ".join(
            f"{k} {v:.1f} ms" for k, v in costs.items()))
    print("distributed_benchmark: done, every answer equal")


if __name__ == "__main__":
    main()
