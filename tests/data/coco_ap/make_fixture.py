#!/usr/bin/python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Writes gt.json and dets.json: a small COCO detection set built to hit the
corners of COCO AP (see README.md). Deterministic; needs only the standard
library.

    /usr/bin/python3 make_fixture.py OUT_DIR
"""
import json
import random
import sys


def main(out_dir):
    rng = random.Random(20260410)
    # File order is not id order, for images and categories alike.
    categories = [
        {"id": 5, "name": "cat a"},
        {"id": 2, "name": "b"},
        {"id": 9, "name": "no gt"},  # detections only
        {"id": 4, "name": "d"},  # ground truth only
        {"id": 7, "name": "e"},
    ]
    image_ids = rng.sample(range(1, 1000), 60)
    images = []
    for i, image_id in enumerate(image_ids):
        images.append({
            "id": image_id,
            "file_name": "%04d.jpg" % image_id,
            "width": 640,
            "height": 480,
            "dataset": "a" if i % 3 else "b",
            "split": rng.choice(["train", "val"]),
            "weather": rng.choice(["sun", "sun", "fog"]),
        })
    annotations = []
    dets = []
    tie_scores = [0.3, 0.5, 0.7, 0.9, 0.95]

    def score():
        if rng.random() < 0.7:
            return rng.choice(tie_scores)
        return round(rng.random(), 4)

    def add_gt(image_id, cat, box, crowd=0, area=None):
        annotations.append({
            "id": len(annotations) + 1,
            "image_id": image_id,
            "category_id": cat,
            "bbox": box,
            "iscrowd": crowd,
            "area": box[2] * box[3] if area is None else area,
        })

    def add_det(image_id, cat, box, s=None):
        dets.append({"image_id": image_id, "category_id": cat, "bbox": box,
                     "score": score() if s is None else s})

    # Sizes around the small/medium/large boundaries (32^2, 96^2).
    sides = [8, 20, 31, 32, 33, 60, 95, 96, 97, 150]
    for n, image in enumerate(images):
        image_id = image["id"]
        if n % 11 == 10:
            continue  # no objects at all
        for cat in (5, 2, 4, 7):
            for _ in range(rng.randint(0, 4)):
                w = rng.choice(sides)
                h = rng.choice(sides)
                x = round(rng.uniform(0, 640 - w), 2)
                y = round(rng.uniform(0, 480 - h), 2)
                crowd = 1 if rng.random() < 0.06 else 0
                r = rng.random()
                # `area` need not be w * h: pycocotools ranges by `area`.
                if r < 0.1:
                    area = 1024.0
                elif r < 0.2:
                    area = 9216.0
                elif r < 0.35:
                    area = round(w * h * 0.7, 2)
                else:
                    area = None
                add_gt(image_id, cat, [x, y, w, h], crowd, area)
                if cat == 4:
                    continue
                k = rng.random()
                if k < 0.15:
                    # IoU exactly 0.55, 0.75 or 0.9 (h scaled, same origin).
                    add_det(image_id, cat,
                            [x, y, w, h * rng.choice([0.55, 0.75, 0.9])])
                elif k < 0.85:
                    j = rng.choice([0.02, 0.1, 0.25])
                    add_det(image_id, cat, [
                        round(x + w * rng.uniform(-j, j), 2),
                        round(y + h * rng.uniform(-j, j), 2),
                        round(w * (1 + rng.uniform(-j, j)), 2),
                        round(h * (1 + rng.uniform(-j, j)), 2)])
                if rng.random() < 0.2:  # a duplicate
                    add_det(image_id, cat, [x + 1, y, w, h])
        # Unmatched detections, some exactly at the range boundaries.
        for _ in range(rng.randint(0, 3)):
            side = rng.choice([10, 32, 50, 96, 120])
            add_det(image_id, rng.choice([5, 2, 9, 7]),
                    [round(rng.uniform(0, 500), 2),
                     round(rng.uniform(0, 350), 2), side, side])
    # One image with more than 100 detections of one class (maxDets).
    crowded = images[0]["id"]
    for i in range(130):
        add_det(crowded, 5, [i * 4.0, 10.0, 30.0, 30.0], round(0.2 + i / 200, 3))
    for i in range(6):
        add_gt(crowded, 5, [i * 40.0, 10.0, 30.0, 30.0])

    with open(out_dir + "/gt.json", "w") as f:
        json.dump({"info": {"description": "slicekit COCO AP corner cases "
                            "(tests/data/coco_ap/make_fixture.py)"},
                   "images": images, "annotations": annotations,
                   "categories": categories}, f)
        f.write("\n")
    with open(out_dir + "/dets.json", "w") as f:
        json.dump(dets, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
