# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""slicekit from Python, cell by cell (`# %%` cells run in Jupyter/VS Code as
a notebook, or top to bottom as a script).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/walkthrough.py

Builds a synthetic model run, filters it three ways, orders and pages it,
saves slices in SQLite and explores them with summaries, looks at the auto
slices, curates appended rows and evaluates a tiny COCO run. The same
queries over partitions on Dask workers: examples/python/scale_out.py.
"""

# %% Setup
import argparse
import json
import pathlib
import tempfile

import numpy as np
import pandas as pd

import slicekit as sk
from slicekit import col

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=20000)
args, _ = parser.parse_known_args()
work = pathlib.Path(tempfile.mkdtemp(prefix="slicekit-walkthrough-"))


def metrics_frame(n: int, first: int = 0, seed: int = 7) -> pd.DataFrame:
    """A synthetic per-image metrics table (the columns of `slicekit eval`)."""
    rng = np.random.default_rng(seed + first)
    tp, fp, fn = (rng.poisson(lam, n) for lam in (2.0, 0.6, 0.5))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
    return pd.DataFrame({
        "data_row_id": [f"img-{i:08d}" for i in range(first, first + n)],
        "dataset": rng.choice(["city", "highway", "night", "rain"], n,
                              p=[0.5, 0.3, 0.15, 0.05]),
        "split": rng.choice(["train", "val", "test"], n, p=[0.8, 0.1, 0.1]),
        "tp": tp, "fp": fp, "fn": fn,
        "precision": precision, "recall": recall,
        "iou": np.where(tp > 0, rng.beta(8, 2, n), np.nan),
        "confidence": rng.beta(5, 2, n),
    })


# %% A table from a DataFrame (no CSV round trip); NumPy arrays work too
frame = metrics_frame(args.rows)
table = sk.Table.from_pandas(frame)
print(table, table.schema[:4])

# %% Filters: the builder, text and JSON are the same tree
built = (col("confidence") < 0.5) & (col("fp") >= 1)
text = sk.parse_filter("confidence < 0.5 AND fp >= 1")
assert built == text == sk.filter_from_json(built.to_json())
print("filter:", built, "| json:", built.to_json())

# %% Bind once, scan many times (the GIL is released while scanning)
bound = sk.bind(built, table)
rows = bound.scan(threads=2)
print(f"{rows.count()} of {len(table)} rows; first positions",
      rows.to_numpy()[:5])

# %% Top-k and multi-key order, as NumPy positions and as a DataFrame
top = sk.order_rows(table, rows, ["confidence desc"], limit=5)
print(table.to_pandas(top, columns=["data_row_id", "confidence", "fp"]))
worst = sk.order_rows(table, sk.scan(table, "split = 'val'"),
                      ["recall", "confidence desc"], limit=3)
print("worst val recall:", list(table.row_ids(worst)))

# %% pandas idioms: a boolean mask of the frame selects those rows
frame = table.to_pandas(columns=["data_row_id", "fp", "confidence"])
# fp is a nullable Int64 column: NULL compares as <NA>, filled as False
# (a mask with missing values is refused, as pandas' own indexing does).
mask = ((frame.fp >= 2) & (frame.confidence > 0.9)).fillna(False).to_numpy()
picked = sk.Selection.from_rows(table, mask)
print(f"mask: {mask.sum()} rows; the same as the filter:",
      picked == sk.scan(table, "fp >= 2 AND confidence > 0.9"))

# %% Keyset pages: cursors stay valid while rows are appended
page = sk.order_page(table, rows, "confidence desc", limit=3)
print("page 1:", list(table.row_ids(page.rows)))
page2 = sk.order_page(table, rows, "confidence desc", page.next_cursor, 3)
print("page 2:", list(table.row_ids(page2.rows)))

# %% Errors are Python exceptions with the C++ messages
try:
    sk.scan(table, "confidense < 0.5")
except sk.NotFoundError as e:
    print(f"{type(e).__name__} [{e.code}]: {e}")

# %% Saved slices in SQLite; explore one with its summary
store = sk.SliceStore.open_sqlite(str(work / "slices.db"))
saved = store.create("acme", "Confident FPs", "fp >= 1 AND confidence > 0.8",
                     description="detections matching nothing",
                     order_by="confidence desc")
explored = sk.explore(table, saved, limit=5)
s = explored.summary
print(f"slice '{saved.name}': {explored.total_rows} rows; "
      f"precision {s.precision:.3f} recall {s.recall:.3f} f1 {s.f1:.3f}")
everything = sk.summarize_all(table)
print(f"all data: precision {everything.precision:.3f} "
      f"recall {everything.recall:.3f}")
store.update_filter("acme", saved.id, "fp >= 2 AND confidence > 0.8",
                    "confidence desc", expected_version=saved.version)
print("saved:",
      [(x.name, str(x.filter), x.version) for x in store.list("acme")])

# %% Auto slices: counts and the first rows of each
for auto in sk.auto_slices(table):
    first = sk.slice_row_ids(table, auto.to_slice(), limit=2)
    print(f"  {auto.name} [{auto.filter}]: "
          f"{sk.count(table, auto.filter)} rows, first {list(first)}")

# %% Curation: which appended rows entered which slice
curator = sk.Curator(table, store.list("acme") + [
    sk.Slice(name="Night misses", filter="dataset = 'night' AND fn >= 1")])
mark = table.end_watermark()
table.append(metrics_frame(1000, first=args.rows))
for entry in curator.new_rows_since(mark).slices:
    print(f"  entered '{entry.slice_name}': {entry.count()} rows")

# %% Evaluate a (tiny) COCO run into a metrics table
gt = {"images": [{"id": 1, "dataset": "demo"}, {"id": 2, "dataset": "demo"}],
      "categories": [{"id": 1, "name": "car"}],
      "annotations": [{"id": 1, "image_id": 1, "category_id": 1,
                       "bbox": [0, 0, 10, 10]},
                      {"id": 2, "image_id": 2, "category_id": 1,
                       "bbox": [0, 0, 10, 10]}]}
dets = [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 10, 10],
         "score": 0.9},
        {"image_id": 2, "category_id": 1, "bbox": [50, 50, 5, 5],
         "score": 0.8}]
(work / "gt.json").write_text(json.dumps(gt))
(work / "dets.json").write_text(json.dumps(dets))
coco = sk.eval_coco(str(work / "gt.json"), str(work / "dets.json"))
print(coco.to_pandas(columns=["data_row_id", "tp", "fp", "fn", "fp[car]"]))
ap = sk.coco_ap(work / "gt.json", work / "dets.json")   # as `slicekit ap`
print(ap.stat_lines[0])
print(ap.per_class[["class", "ground_truths", "detections", "ap", "ap50"]])

# %% Discovery and the report, as the CLI gives them
found = sk.discover(table, error="fp + fn", max_predicates=2, top=3)
print(found[["rank", "size", "mean_error", "score", "filter"]])
print("report:", sk.write_report(work / "report.html", table, store=store,
                                 org="acme", auto_slices=False))

print("walkthrough: done")
