#!/usr/bin/env python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Writes the COCO keypoints parity set and pycocotools' answers for it
(see README.md): gt.json, dets.json and oracle.json.

Needs numpy and pycocotools built from its public source:
  /work/venvs/tide/bin/python make_fixture.py .     (from this directory)
The seed is fixed, so reruns give the same files.
"""
import contextlib
import io
import json
import os
import random
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

# pycocotools 2.0.x's accumulate() uses np.float, gone from numpy >= 1.24.
if not hasattr(np, "float"):
    np.float = float

NAMES = ["nose", "left_eye", "right_eye", "left_ear", "right_ear",
         "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
         "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
         "right_knee", "left_ankle", "right_ankle"]
SKELETON = [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12],
            [7, 13], [6, 7], [6, 8], [7, 9], [8, 10], [9, 11], [2, 3],
            [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]
CATEGORIES = [{"id": 5, "name": "mannequin", "keypoints": NAMES,
               "skeleton": SKELETON},
              {"id": 1, "name": "person", "supercategory": "person",
               "keypoints": NAMES, "skeleton": SKELETON}]
SCORES = [0.4, 0.6, 0.8, 0.9]
# Non-default sigmas for the second oracle entry.
CUSTOM_SIGMAS = [0.05 + 0.01 * (k % 5) for k in range(17)]


def person(rng, w, h):
    bw = rng.choice([12, 25, 40, 70, 110, 160])
    bh = bw * rng.uniform(1.2, 2.2)
    x, y = rng.uniform(0, w - bw), rng.uniform(0, max(1, h - bh))
    return [round(x, 2), round(y, 2), round(bw, 2), round(min(bh, h - y), 2)]


def keypoints(rng, box, all_hidden=False):
    out = []
    for _ in range(17):
        v = 0 if all_hidden else rng.choice([0, 1, 2, 2, 2])
        if v == 0:
            out += [0, 0, 0]
        else:
            out += [round(box[0] + rng.random() * box[2], 2),
                    round(box[1] + rng.random() * box[3], 2), v]
    return out


def detect(rng, gt_kps, box, noise):
    out = []
    for k in range(17):
        x, y, v = gt_kps[3 * k:3 * k + 3]
        if v == 0:  # a guess somewhere in the box
            x, y = box[0] + rng.random() * box[2], box[1] + rng.random() * box[3]
        s = noise * (box[2] * box[3]) ** 0.5
        out += [round(x + rng.gauss(0, s), 2), round(y + rng.gauss(0, s), 2),
                round(rng.random(), 3)]
    return out


def make(rng):
    images, anns, dets = [], [], []
    ann_id = 1
    for i in range(40):
        image_id = 7 + (i * 53) % 101
        w, h = rng.choice([(320, 240), (640, 480), (200, 300)])
        images.append({"id": image_id, "width": w, "height": h,
                       "scene": rng.choice(["indoor", "street"])})
        if i % 13 == 12:
            continue  # no objects
        for _ in range(rng.randint(1, 4)):
            cat = rng.choice(CATEGORIES)["id"]
            box = person(rng, w, h)
            hidden = rng.random() < 0.1  # num_keypoints 0: ignored
            kps = keypoints(rng, box, hidden)
            area = round(box[2] * box[3] * rng.uniform(0.5, 0.9), 2)
            anns.append({"id": ann_id, "image_id": image_id,
                         "category_id": cat, "bbox": box, "area": area,
                         "iscrowd": 0, "keypoints": kps,
                         "num_keypoints": sum(1 for v in kps[2::3] if v > 0)})
            ann_id += 1
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                dets.append({"image_id": image_id, "category_id": cat,
                             "keypoints": detect(rng, kps, box,
                                                 rng.choice([0.01, 0.03,
                                                             0.08, 0.3])),
                             "score": rng.choice(SCORES)
                             if rng.random() < 0.5 else round(rng.random(), 4)})
        if i % 5 == 2:  # a crowd of persons, and detections inside it
            box = [10.0, 10.0, w / 2, h / 2]
            anns.append({"id": ann_id, "image_id": image_id, "category_id": 1,
                         "bbox": box, "area": box[2] * box[3] * 0.7,
                         "iscrowd": 1, "keypoints": [0] * 51,
                         "num_keypoints": 0})
            ann_id += 1
            for _ in range(rng.randint(1, 3)):
                inner = [box[0] + rng.random() * box[2] / 2,
                         box[1] + rng.random() * box[3] / 2, 20, 40]
                dets.append({"image_id": image_id, "category_id": 1,
                             "keypoints": detect(rng, keypoints(rng, inner),
                                                 inner, 0.05),
                             "score": round(rng.random(), 4)})
        for _ in range(rng.randint(0, 2)):  # false positives
            box = person(rng, w, h)
            dets.append({"image_id": image_id,
                         "category_id": rng.choice(CATEGORIES)["id"],
                         "keypoints": detect(rng, keypoints(rng, box), box, 0.1),
                         "score": round(rng.random() * 0.6, 4)})
        if i == 3:  # more than maxDets 20 in one image
            box = person(rng, w, h)
            for _ in range(25):
                dets.append({"image_id": image_id, "category_id": 1,
                             "keypoints": detect(rng, keypoints(rng, box),
                                                 box, 0.2),
                             "score": round(rng.random(), 4)})
    return {"images": images, "annotations": anns,
            "categories": CATEGORIES}, dets


def evaluate(gt_path, dets_path, sigmas=None):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        dt = gt.loadRes(dets_path)
        e = COCOeval(gt, dt, "keypoints")
        if sigmas is not None:
            e.params.kpt_oks_sigmas = np.array(sigmas)
        e.evaluate()
        e.accumulate()
        e.summarize()
    cat_ids = sorted(gt.getCatIds())
    names = [gt.loadCats(c)[0]["name"] for c in cat_ids]
    prec = e.eval["precision"]  # T R K A(3) M(1)
    rec = e.eval["recall"]  # T K A M
    entry = {"stats": [float(v) for v in e.stats], "per_class": {}}
    for k, cname in enumerate(names):
        s = prec[:, :, k, 0, 0]
        entry["per_class"][cname] = {
            "ap": float(np.mean(s[s > -1])) if (s > -1).any() else -1.0,
            "ap50": float(np.mean(s[0][s[0] > -1])) if (s[0] > -1).any() else -1.0,
            "ap75": float(np.mean(s[5][s[5] > -1])) if (s[5] > -1).any() else -1.0,
        }
    # Whole arrays by class name: precision and scores [area][t][r] and
    # recall [area][t] for the area ranges all, medium, large (maxDets 20).
    entry["precision"] = {
        cname: [[[float(v) for v in prec[t, :, k, a, 0]]
                 for t in range(prec.shape[0])] for a in range(3)]
        for k, cname in enumerate(names)}
    entry["scores"] = {
        cname: [[[float(v) for v in e.eval["scores"][t, :, k, a, 0]]
                 for t in range(prec.shape[0])] for a in range(3)]
        for k, cname in enumerate(names)}
    entry["recall"] = {
        cname: [[float(rec[t, k, a, 0]) for t in range(rec.shape[0])]
                for a in range(3)] for k, cname in enumerate(names)}
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
                dm, di = ev["dtMatches"][t], ev["dtIgnore"][t].astype(bool)
                gm, gi = ev["gtMatches"][t], ev["gtIgnore"].astype(bool)
                counts[slot][0] += int(((dm > 0) & ~di).sum())
                counts[slot][1] += int(((dm == 0) & ~di).sum())
                counts[slot][2] += int(((gm == 0) & ~gi).sum())
    entry["per_image"] = per_image
    entry["per_image_iou"] = [float(e.params.iouThrs[0]),
                              float(e.params.iouThrs[5])]
    entry["sigmas"] = [float(v) for v in e.params.kpt_oks_sigmas]
    return entry


def main(out_dir):
    rng = random.Random(2103)
    gt, dets = make(rng)
    for name, value in (("gt.json", gt), ("dets.json", dets)):
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(value, f, separators=(",", ":"))
            f.write("\n")
    g, d = os.path.join(out_dir, "gt.json"), os.path.join(out_dir, "dets.json")
    oracle = {"default": evaluate(g, d), "custom_sigmas": evaluate(g, d, CUSTOM_SIGMAS)}
    with open(os.path.join(out_dir, "oracle.json"), "w") as f:
        json.dump(oracle, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
