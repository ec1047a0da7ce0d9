#!/usr/bin/python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Runs the public tidecv package (TIDE, box mode) on the COCO fixtures for
several image sets and thresholds and writes its answers as JSON (see
README.md). tidecv is not part of slicekit:

    /work/venvs/tide/bin/python make_oracle.py > oracle.json   (from here)
"""
import contextlib
import copy
import io
import json
import os
import random
import sys
import tempfile

from tidecv import TIDE, datasets

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)

# (fixture, set name, how the set is chosen, argument, fg, bg). Filters are
# slicekit filter texts the C++ test runs over the metrics table; the
# Python predicate restates each on the image records.
SETS = [
    ("coco_ap", "all", None, None, 0.5, 0.1),
    ("coco_ap", "fog", "weather = 'fog'", lambda im: im["weather"] == "fog", 0.5, 0.1),
    ("coco_ap", "b_or_val", "dataset = 'b' OR split = 'val'",
     lambda im: im["dataset"] == "b" or im["split"] == "val", 0.5, 0.1),
    ("coco_ap", "random_23", "random", 23, 0.5, 0.1),
    ("coco_ap", "all_fg75_bg20", None, None, 0.75, 0.2),
    ("coco_ap", "all_fg30_bg05", None, None, 0.3, 0.05),
    ("coco_small", "all", None, None, 0.5, 0.1),
    ("coco_small", "drone", "dataset = 'drone'", lambda im: im["dataset"] == "drone", 0.5, 0.1),
    ("coco_small", "random_41", "random", 41, 0.5, 0.1),
]
SHORT = ["Cls", "Loc", "Both", "Dupe", "Bkg", "Miss"]


def box_polygon(b):
    x, y, w, h = b
    return [[x, y, x + w, y, x + w, y + h, x, y + h]]


def subset(gt, dets, ids):
    keep = set(ids)
    g = copy.deepcopy(gt)
    g["images"] = [im for im in g["images"] if im["id"] in keep]
    g["annotations"] = [a for a in g["annotations"] if a["image_id"] in keep]
    return g, [d for d in dets if d["image_id"] in keep]


def run_tide(gt, dets, fg, bg):
    for a in gt["annotations"]:
        a.setdefault("segmentation", box_polygon(a["bbox"]))
        a.setdefault("iscrowd", 0)
    with tempfile.TemporaryDirectory() as tmp:
        gp, dp = os.path.join(tmp, "gt.json"), os.path.join(tmp, "dets.json")
        with open(gp, "w") as f:
            json.dump(gt, f)
        with open(dp, "w") as f:
            json.dump(dets, f)
        tide = TIDE(pos_threshold=fg, background_threshold=bg)
        with contextlib.redirect_stdout(io.StringIO()):
            run = tide.evaluate(datasets.COCO(gp), datasets.COCOResult(dp),
                                mode=TIDE.BOX, name="run")
            errors = tide.get_all_errors()
    main = errors["main"]["run"]
    special = errors["special"]["run"]
    counts = {t.short_name: len(run.error_dict[t]) for t in TIDE._error_types}
    return {
        "ap": float(run.ap),
        "main": {k: float(main[k]) for k in SHORT},
        "special": {k: float(special[k]) for k in ("FalsePos", "FalseNeg")},
        "counts": {k: counts[k] for k in SHORT},
    }


def main():
    out = []
    for fixture, name, how, arg, fg, bg in SETS:
        with open(os.path.join(DATA, fixture, "gt.json")) as f:
            gt = json.load(f)
        with open(os.path.join(DATA, fixture, "dets.json")) as f:
            dets = json.load(f)
        images = sorted(gt["images"], key=lambda im: im["id"])
        if how is None:
            ids = None
        elif how == "random":
            ids = sorted(random.Random(name).sample([im["id"] for im in images], arg))
        else:
            ids = [im["id"] for im in images if arg(im)]
        g, d = (gt, dets) if ids is None else subset(gt, dets, ids)
        entry = {"fixture": fixture, "set": name, "fg": fg, "bg": bg,
                 "image_ids": "all" if ids is None else ids}
        if how not in (None, "random"):
            entry["filter"] = how
        entry.update(run_tide(copy.deepcopy(g), d, fg, bg))
        out.append(entry)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
