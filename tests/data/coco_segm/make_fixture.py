#!/usr/bin/env python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Writes the COCO segm parity set and pycocotools' answers for it (see
README.md): gt.json, dets.json (results without bbox: area = mask area),
dets_bbox.json (the same results with a bbox, some as polygons: loadRes then
takes area = w * h) and oracle.json.

Needs numpy and pycocotools built from its public source:
  /work/venvs/tide/bin/python make_fixture.py .     (from this directory)
The seed is fixed, so reruns give the same files.
"""
import contextlib
import io
import json
import math
import os
import random
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

# pycocotools 2.0.x's accumulate() uses np.float, gone from numpy >= 1.24.
if not hasattr(np, "float"):
    np.float = float

CATEGORIES = [{"id": 7, "name": "dog"}, {"id": 1, "name": "person"},
              {"id": 3, "name": "car"}]
SCORES = [0.3, 0.5, 0.7, 0.9, 0.95]


def star(rng, cx, cy, r, n=None):
    """A star-shaped polygon around (cx, cy) with radii near r."""
    n = n or rng.randint(3, 9)
    pts = []
    for k in range(n):
        a = 2 * math.pi * k / n + rng.uniform(-0.2, 0.2)
        rr = r * rng.uniform(0.6, 1.2)
        pts += [round(cx + rr * math.cos(a), 2), round(cy + rr * math.sin(a), 2)]
    return pts


def clamp_some(rng, poly, w, h):
    """Moves some vertices onto or just past the image border."""
    out = list(poly)
    for i in range(0, len(out), 2):
        if rng.random() < 0.3:
            out[i] = rng.choice([0.0, -0.4, float(w), w + 0.3, out[i]])
        if rng.random() < 0.3:
            out[i + 1] = rng.choice([0.0, -0.7, float(h), h + 0.2, out[i + 1]])
    return out


def rle_of(polys, h, w):
    return mask_utils.merge(mask_utils.frPyObjects(polys, h, w))


def uncompressed(rle):
    m = mask_utils.decode(rle)
    flat = m.flatten(order="F")
    counts, cur, run = [], 0, 0
    for v in flat:
        if v != cur:
            counts.append(run)
            cur, run = v, 0
        run += 1
    counts.append(run)
    return {"size": [int(m.shape[0]), int(m.shape[1])], "counts": counts}


def text(rle):
    return {"size": [int(v) for v in rle["size"]],
            "counts": rle["counts"].decode("ascii")}


def jitter(rng, poly, s):
    return [round(v + rng.uniform(-s, s), 2) for v in poly]


def make(rng):
    images, anns, dets, dets_bbox = [], [], [], []
    ann_id = 1
    for i in range(32):
        image_id = 100 + (i * 37) % 97
        w, h = rng.choice([(160, 120), (256, 192), (97, 131)])
        images.append({"id": image_id, "width": w, "height": h,
                       "file_name": "im%d.jpg" % image_id,
                       "weather": rng.choice(["fog", "sun"])})
        if i % 11 == 10:
            continue  # an image without objects
        for _ in range(rng.randint(1, 4)):
            cat = rng.choice(CATEGORIES)["id"]
            r = rng.choice([4, 8, 15, 18, 30, 45, 60, 75])
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            parts = [clamp_some(rng, star(rng, cx, cy, r), w, h)]
            if rng.random() < 0.3:  # a second (and third) part
                for _ in range(rng.randint(1, 2)):
                    parts.append(star(rng, cx + rng.uniform(-2, 2) * r,
                                      cy + rng.uniform(-2, 2) * r, r / 2))
            rle = rle_of(parts, h, w)
            area = float(mask_utils.area(rle))
            if area == 0:
                continue
            seg = parts
            if rng.random() < 0.15:
                seg = text(rle)  # a compressed RLE ground truth
            a = {"id": ann_id, "image_id": image_id, "category_id": cat,
                 "segmentation": seg, "iscrowd": 0,
                 "area": area if rng.random() < 0.85 else round(area * 0.7, 1),
                 "bbox": [float(v) for v in mask_utils.toBbox(rle)]}
            anns.append(a)
            ann_id += 1
            # Detections of this object: jittered copies, sometimes two.
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                dpoly = [jitter(rng, p, rng.choice([0.5, 2, 5])) for p in parts]
                dets.append((image_id, cat, dpoly, h, w))
        if i % 4 == 1:  # a crowd region with detections inside it
            cat = rng.choice(CATEGORIES)["id"]
            cx, cy = w / 2, h / 2
            crowd_parts = [star(rng, cx, cy, 40, 12)]
            rle = rle_of(crowd_parts, h, w)
            anns.append({"id": ann_id, "image_id": image_id,
                         "category_id": cat, "segmentation": uncompressed(rle),
                         "iscrowd": 1, "area": float(mask_utils.area(rle)),
                         "bbox": [float(v) for v in mask_utils.toBbox(rle)]})
            ann_id += 1
            for _ in range(rng.randint(1, 3)):
                dets.append((image_id, cat,
                             [star(rng, cx + rng.uniform(-15, 15),
                                   cy + rng.uniform(-15, 15), 10)], h, w))
        for _ in range(rng.randint(0, 2)):  # false positives
            cat = rng.choice(CATEGORIES)["id"]
            dets.append((image_id, cat,
                         [star(rng, rng.uniform(0, w), rng.uniform(0, h),
                               rng.choice([5, 20, 50]))], h, w))
    out, out_bbox = [], []
    for image_id, cat, polys, h, w in dets:
        rle = rle_of(polys, h, w)
        score = rng.choice(SCORES) if rng.random() < 0.6 else round(rng.random(), 4)
        out.append({"image_id": image_id, "category_id": cat,
                    "segmentation": text(rle), "score": score})
        bbox = [float(v) for v in mask_utils.toBbox(rle)]
        if rng.random() < 0.3:  # a looser box: its w * h is the area
            bbox = [bbox[0] - 2, bbox[1] - 2, bbox[2] + 4, bbox[3] + 4]
        seg = polys if rng.random() < 0.3 else text(rle)
        out_bbox.append({"image_id": image_id, "category_id": cat,
                         "bbox": bbox, "segmentation": seg, "score": score})
    gt = {"images": images, "annotations": anns, "categories": CATEGORIES}
    return gt, out, out_bbox


def evaluate(gt_path, dets_path):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        dt = gt.loadRes(dets_path)
        e = COCOeval(gt, dt, "segm")
        e.evaluate()
        e.accumulate()
        e.summarize()
    cat_ids = sorted(gt.getCatIds())
    names = [gt.loadCats(c)[0]["name"] for c in cat_ids]
    prec = e.eval["precision"]  # T R K A M
    rec = e.eval["recall"]  # T K A M
    entry = {"stats": [float(v) for v in e.stats], "per_class": {}}
    for k, cname in enumerate(names):
        s = prec[:, :, k, 0, 2]
        entry["per_class"][cname] = {
            "ap": float(np.mean(s[s > -1])) if (s > -1).any() else -1.0,
            "ap50": float(np.mean(s[0][s[0] > -1])) if (s[0] > -1).any() else -1.0,
            "ap75": float(np.mean(s[5][s[5] > -1])) if (s[5] > -1).any() else -1.0,
        }
    # Whole arrays at area all, maxDets 100 (by class name), and recall.
    entry["precision"] = {cname: [[float(v) for v in prec[t, :, k, 0, 2]]
                                  for t in range(prec.shape[0])]
                          for k, cname in enumerate(names)}
    entry["scores"] = {cname: [[float(v) for v in e.eval["scores"][t, :, k, 0, 2]]
                               for t in range(prec.shape[0])]
                       for k, cname in enumerate(names)}
    entry["recall"] = {cname: [[[float(rec[t, k, a, m]) for m in range(3)]
                                for a in range(4)] for t in range(rec.shape[0])]
                       for k, cname in enumerate(names)}
    # Per image, summed over classes: TP, FP, FN at area "all", maxDets 100,
    # at IoU thresholds index 0 (.5) and 5 (.75), from evalImgs.
    per_image = {}
    n_area = len(e.params.areaRng)
    n_img = len(e.params.imgIds)
    for ki, _ in enumerate(e.params.catIds):
        for ii, image_id in enumerate(e.params.imgIds):
            ev = e.evalImgs[ki * n_area * n_img + 0 * n_img + ii]
            counts = per_image.setdefault(str(image_id), [[0, 0, 0], [0, 0, 0]])
            if ev is None:
                continue
            for slot, t in enumerate([0, 5]):
                dm, di = ev["dtMatches"][t], ev["dtIgnore"][t]
                gm, gi = ev["gtMatches"][t], ev["gtIgnore"]
                counts[slot][0] += int(((dm > 0) & ~di.astype(bool)).sum())
                counts[slot][1] += int(((dm == 0) & ~di.astype(bool)).sum())
                counts[slot][2] += int(((gm == 0) & ~gi.astype(bool)).sum())
    entry["per_image"] = per_image
    entry["per_image_iou"] = [float(e.params.iouThrs[0]),
                              float(e.params.iouThrs[5])]
    return entry


def main(out_dir):
    rng = random.Random(21)
    gt, dets, dets_bbox = make(rng)
    files = {"gt.json": gt, "dets.json": dets, "dets_bbox.json": dets_bbox}
    for name, value in files.items():
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(value, f, separators=(",", ":"))
            f.write("\n")
    oracle = {name: evaluate(os.path.join(out_dir, "gt.json"),
                             os.path.join(out_dir, name))
              for name in ("dets.json", "dets_bbox.json")}
    with open(os.path.join(out_dir, "oracle.json"), "w") as f:
        json.dump(oracle, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
