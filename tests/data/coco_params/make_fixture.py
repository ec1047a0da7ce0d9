#!/usr/bin/env python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Runs pycocotools' COCOeval under non-default Params on the committed
bbox (coco_ap), segm (coco_segm) and keypoints (coco_keypoints) parity sets
and writes its answers as oracle.json (see README.md).

Needs numpy and pycocotools built from its public source:
  /work/venvs/tide/bin/python make_fixture.py .     (from this directory)
Deterministic: no randomness.
"""
import contextlib
import io
import json
import os
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

# pycocotools 2.0.x's accumulate() uses np.float, gone from numpy >= 1.24.
if not hasattr(np, "float"):
    np.float = float

DEFAULT_AREAS = [["all", 0, 1e10], ["small", 0, 32 ** 2],
                 ["medium", 32 ** 2, 96 ** 2], ["large", 96 ** 2, 1e10]]

# name: (fixture, results file, iouType, Params overrides). None keeps
# pycocotools' default.
CASES = {
    "bbox_max_dets_1_5_20": ("coco_ap", "dets.json", "bbox", dict(
        maxDets=[1, 5, 20], iouThrs=[0.5, 0.6, 0.75, 0.8, 0.95],
        recThrs=np.linspace(0, 1, 11))),
    "bbox_max_dets_2_100_300": ("coco_ap", "dets.json", "bbox", dict(
        maxDets=[2, 100, 300], iouThrs=[0.5, 0.6, 0.75, 0.8, 0.95],
        recThrs=np.linspace(0, 1, 11))),
    "bbox_max_dets_5_50": ("coco_ap", "dets.json", "bbox",
                           dict(maxDets=[5, 50], iouThrs=[0.5, 0.6, 0.75, 0.8, 0.95],
                                recThrs=np.linspace(0, 1, 11))),
    "bbox_custom": ("coco_ap", "dets.json", "bbox", dict(
        iouThrs=[0.3, 0.5, 0.62, 0.75, 0.9],
        recThrs=[0.0, 0.05, 0.33, 0.5, 0.8, 0.97, 1.0],
        areaRng=[["all", 0, 1e10], ["tiny", 0, 16 ** 2],
                 ["small", 0, 32 ** 2], ["huge", 128 ** 2, 1e10]])),
    # pycocotools' default Params but useCats: the arrays at full size.
    "bbox_no_categories": ("coco_ap", "dets.json", "bbox",
                           dict(useCats=0)),
    "bbox_no_categories_custom": ("coco_ap", "dets.json", "bbox", dict(
        useCats=0, maxDets=[3, 30, 60],
        iouThrs=np.linspace(0.55, 0.85, 4), recThrs=np.linspace(0, 1, 21),
        areaRng=[["all", 0, 1e10], ["medium", 32 ** 2, 96 ** 2],
                 ["large", 96 ** 2, 1e10]])),
    "segm_custom": ("coco_segm", "dets.json", "segm", dict(
        maxDets=[1, 4, 10], iouThrs=[0.5, 0.6, 0.75, 0.8],
        recThrs=np.linspace(0, 1, 26),
        areaRng=[["all", 0, 1e10], ["small", 0, 20 ** 2],
                 ["medium", 20 ** 2, 60 ** 2], ["large", 60 ** 2, 1e10]])),
    "segm_no_categories": ("coco_segm", "dets.json", "segm",
                           dict(useCats=0, recThrs=np.linspace(0, 1, 26))),
    "keypoints_custom": ("coco_keypoints", "dets.json", "keypoints", dict(
        maxDets=[5, 20], iouThrs=[0.5, 0.65, 0.75, 0.9],
        recThrs=np.linspace(0, 1, 26),
        areaRng=[["all", 0, 1e10], ["medium", 32 ** 2, 96 ** 2],
                 ["large", 96 ** 2, 1e10], ["xl", 150 ** 2, 1e10]])),
}


def clamped_stats(e):
    """summarize()'s detection stats where it would raise IndexError
    (fewer than three maxDets): slicekit clamps each position to the last
    (docs/metrics.md#coco-parameters). Computed here from pycocotools' own
    accumulate() arrays, with summarize()'s mean over entries > -1."""
    p = e.params
    at = lambda i: p.maxDets[min(i, len(p.maxDets) - 1)]
    specs = [(1, None, "all", 100), (1, .5, "all", at(2)),
             (1, .75, "all", at(2)), (1, None, "small", at(2)),
             (1, None, "medium", at(2)), (1, None, "large", at(2)),
             (0, None, "all", at(0)), (0, None, "all", at(1)),
             (0, None, "all", at(2)), (0, None, "small", at(2)),
             (0, None, "medium", at(2)), (0, None, "large", at(2))]
    out = []
    for ap, iou, area, max_dets in specs:
        a = [i for i, l in enumerate(p.areaRngLbl) if l == area]
        m = [i for i, v in enumerate(p.maxDets) if v == max_dets]
        s = e.eval["precision"] if ap else e.eval["recall"]
        if iou is not None:
            s = s[np.where(iou == np.array(p.iouThrs))[0]]
        s = s[..., a, :][..., m] if a and m else np.array([])
        s = s[s > -1]
        out.append(float(np.mean(s)) if s.size else -1.0)
    return out


def run_case(root, fixture, results, iou_type, overrides):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(os.path.join(root, "..", fixture, "gt.json"))
        dt = gt.loadRes(os.path.join(root, "..", fixture, results))
    e = COCOeval(gt, dt, iou_type)
    p = e.params
    for key, value in overrides.items():
        if key == "areaRng":
            p.areaRngLbl = [r[0] for r in value]
            p.areaRng = [[float(r[1]), float(r[2])] for r in value]
        elif key in ("iouThrs", "recThrs"):
            setattr(p, key, np.array(value, dtype=float))
        else:
            setattr(p, key, value)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        e.evaluate()
        e.accumulate()
        try:
            e.summarize()
            stats = [float(v) for v in e.stats]
            lines = printed.getvalue().splitlines()[-len(stats):]
            source = "pycocotools"
        except IndexError:
            stats = clamped_stats(e)
            lines = None
            source = "clamped"
    cats = sorted(gt.getCatIds())
    entry = {
        "fixture": fixture,
        "results": results,
        "iou_type": iou_type,
        "params": {
            "iou_thresholds": [float(v) for v in p.iouThrs],
            "recall_thresholds": [float(v) for v in p.recThrs],
            "max_dets": [int(v) for v in p.maxDets],
            "area_ranges": [{"label": l, "min": float(r[0]), "max": float(r[1])}
                            for l, r in zip(p.areaRngLbl, p.areaRng)],
            "use_cats": bool(p.useCats),
        },
        "stats": stats,
        "stats_source": source,
        # Class names in the arrays' K order (sorted category ids); pooled:
        # one entry, "all".
        "classes": ([gt.loadCats(c)[0]["name"] for c in cats]
                    if p.useCats else ["all"]),
        "precision": e.eval["precision"].tolist(),  # T R K A M
        "scores": e.eval["scores"].tolist() if len(p.recThrs) < 101 else None,
        "recall": e.eval["recall"].tolist(),  # T K A M
    }
    if lines is not None:
        entry["lines"] = lines
    return entry


def main(root):
    out = {name: run_case(root, *case) for name, case in CASES.items()}
    with open(os.path.join(root, "oracle.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
