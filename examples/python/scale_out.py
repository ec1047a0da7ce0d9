# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""One model run over 4 partitions on Dask workers (slicekit.distributed):
the same answers as one Table, from a LocalCluster of 2 worker processes.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/scale_out.py \
        --rows 200000

On a real cluster, pass a distributed.Client connected to its scheduler
instead; for large runs build the partitions on the workers with
PartitionedTable.from_sources(client, load_partition, P, schema) so the
rows never pass through the client (docs/scale-out.md).
"""

import argparse
import logging
import tempfile

import numpy as np
import pandas as pd
from distributed import Client, LocalCluster

import slicekit as sk
from slicekit.distributed import PartitionedTable


def metrics_frame(n: int, first: int = 0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed + first)
    return pd.DataFrame({
        "data_row_id": [f"img-{i:08d}" for i in range(first, first + n)],
        "dataset": rng.choice(["city", "highway", "night"], n),
        "tp": rng.poisson(2.0, n), "fp": rng.poisson(0.6, n),
        "fn": rng.poisson(0.5, n),
        "iou": rng.beta(8, 2, n), "confidence": rng.beta(5, 2, n),
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()
    frame = metrics_frame(args.rows)
    single = sk.Table.from_pandas(frame)  # the reference: one table

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        parted = PartitionedTable.from_pandas(client, frame, args.partitions)
        print("partition sizes:", parted.partition_sizes())

        query = "fp >= 1 AND confidence > 0.7"
        print("count:", parted.count(query), "(one table:",
              sk.count(single, query), ")")
        top = parted.row_ids(query, ["confidence desc", "dataset"], limit=5)
        assert list(top) == list(sk.slice_row_ids(
            single, query, ["confidence desc", "dataset"], limit=5))
        print("top 5:", list(top))

        # Keyset pages: the cursor works on every partition.
        page = parted.order_page(query, "confidence desc", limit=3)
        more = parted.order_page(query, "confidence desc", page.next_cursor, 3)
        print("pages:", list(page.ids), list(more.ids))

        # A saved slice (one SQLite store for the host), explored with its
        # summary; counts add, precision/recall/F1 come from the sums.
        store = sk.SliceStore.open_sqlite(tempfile.mkdtemp() + "/slices.db")
        saved = store.create("acme", "Confident FPs", query,
                             order_by="confidence desc")
        explored = parted.explore(saved, limit=3)
        s = explored.summary
        print(f"slice: {explored.total_rows} rows, precision "
              f"{s.precision:.4f}, recall {s.recall:.4f}, f1 {s.f1:.4f}")

        # Appends are routed to their partitions; curation reports the
        # new rows that entered each slice.
        mark = parted.end_watermark()
        parted.append(metrics_frame(1000, first=args.rows))
        for entry in parted.new_rows_since(mark, [saved]):
            print(f"entered '{entry.slice_name}': {len(entry.ids)} new rows")
        parted.close()
    print("scale_out: done")


if __name__ == "__main__":
    main()
