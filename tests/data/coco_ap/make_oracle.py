#!/usr/bin/python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Runs pycocotools' COCOeval on a fixture for several image sets and writes
its answers as JSON (see README.md). pycocotools is not part of slicekit:

    PYTHONPATH=/path/to/cocoapi/PythonAPI /usr/bin/python3 make_oracle.py \
        coco_ap > coco_ap/oracle.json
    ... make_oracle.py coco_small > coco_small/ap_oracle.json
"""
import contextlib
import io
import json
import random
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

# Image sets per fixture: a name, how the set is chosen, and for filters the
# slicekit filter text the C++ test runs over the metrics table (the Python
# predicate restates it on the image records).
SETS = {
    "coco_ap": [
        ("all", None, None),
        ("fog", "weather = 'fog'", lambda im: im["weather"] == "fog"),
        ("b_or_val", "dataset = 'b' OR split = 'val'",
         lambda im: im["dataset"] == "b" or im["split"] == "val"),
        ("random_23", "random", 23),
        ("no_images", "empty", None),
    ],
    "coco_small": [
        ("all", None, None),
        ("drone", "dataset = 'drone'", lambda im: im["dataset"] == "drone"),
        ("val_test_wide", "split IN ('val', 'test') AND width >= 1280",
         lambda im: im["split"] in ("val", "test") and im["width"] >= 1280),
        ("random_41", "random", 41),
    ],
}
# The full arrays are kept for the "all" image set only, at these IoU
# threshold indexes (precision, scores) to keep the files small.
DETAIL_T = [0, 5, 8, 9]


def evaluate(gt, dt, image_ids):
    e = COCOeval(gt, dt, "bbox")
    if image_ids is not None:
        e.params.imgIds = image_ids
    with contextlib.redirect_stdout(io.StringIO()):
        e.evaluate()
        e.accumulate()
        e.summarize()
    return e


def main(fixture):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(fixture + "/gt.json")
        dt = gt.loadRes(fixture + "/dets.json")
    cat_ids = sorted(gt.getCatIds())
    names = [gt.loadCats(c)[0]["name"] for c in cat_ids]
    images = gt.loadImgs(sorted(gt.getImgIds()))
    out = {"params": {}, "sets": {}}
    p = COCOeval(gt, dt, "bbox").params
    out["params"]["iou_thresholds"] = [float(v) for v in p.iouThrs]
    out["params"]["recall_thresholds"] = [float(v) for v in p.recThrs]
    for name, how, arg in SETS[fixture]:
        if how is None:
            ids = None
        elif how == "random":
            ids = sorted(random.Random(name).sample([im["id"] for im in images], arg))
        elif how == "empty":
            ids = []
        else:
            ids = [im["id"] for im in images if arg(im)]
        e = evaluate(gt, dt, ids)
        prec = e.eval["precision"]  # T R K A M
        rec = e.eval["recall"]  # T K A M
        entry = {
            "image_ids": "all" if ids is None else ids,
            "stats": [float(v) for v in e.stats],
            "per_class": {},
        }
        if how not in (None, "random", "empty"):
            entry["filter"] = how
        for k, cname in enumerate(names):
            s = prec[:, :, k, 0, 2]
            entry["per_class"][cname] = {
                "ap": float(np.mean(s[s > -1])) if (s > -1).any() else -1.0,
                "ap50": float(np.mean(s[0][s[0] > -1])) if (s[0] > -1).any() else -1.0,
                "ap75": float(np.mean(s[5][s[5] > -1])) if (s[5] > -1).any() else -1.0,
            }
        if ids is None:
            entry["precision_area_all_maxdets100"] = {
                str(t): {cname: [float(v) for v in prec[t, :, k, 0, 2]]
                         for k, cname in enumerate(names)} for t in DETAIL_T}
            entry["scores_area_all_maxdets100"] = {
                str(t): {cname: [float(v) for v in e.eval["scores"][t, :, k, 0, 2]]
                         for k, cname in enumerate(names)} for t in DETAIL_T}
            # recall[t][class name][area][maxDets]
            entry["recall"] = [
                {cname: [[float(rec[t, k, a, m]) for m in range(3)]
                         for a in range(4)] for k, cname in enumerate(names)}
                for t in range(rec.shape[0])]
            # maxDets 1 and 10 at area "small", IoU .5: the cut per image.
            entry["precision_iou50_small"] = {
                cname: [[float(v) for v in prec[0, :, k, 1, m]] for m in range(3)]
                for k, cname in enumerate(names)}
        out["sets"][name] = entry
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
