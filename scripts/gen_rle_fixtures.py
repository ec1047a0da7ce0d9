#!/usr/bin/env python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Writes pycocotools' mask-API answers on random masks and polygons to
tests/data/coco_rle/pycocotools_mask.json, the oracle of coco_rle_test.

Needs pycocotools built from its public source (e.g. a venv with
`pip install pycocotools` from source) and numpy. Usage:
  <venv>/bin/python scripts/gen_rle_fixtures.py [out.json]
The seed is fixed, so reruns give the same file.
"""
import json
import os
import random
import sys

import numpy as np
from pycocotools import mask as mask_utils


def rand_mask(rng, h, w):
    kind = rng.random()
    if kind < 0.1:
        return np.zeros((h, w), dtype=np.uint8)
    if kind < 0.2:
        return np.ones((h, w), dtype=np.uint8)
    if kind < 0.6:
        p = rng.random()
        return (np.array([[rng.random() < p for _ in range(w)]
                          for _ in range(h)])).astype(np.uint8)
    m = np.zeros((h, w), dtype=np.uint8)  # a few rectangles: long runs
    for _ in range(rng.randint(1, 3)):
        y0, x0 = rng.randrange(h), rng.randrange(w)
        m[y0:y0 + rng.randint(1, h), x0:x0 + rng.randint(1, w)] = 1
    return m


def text(rle):
    return rle['counts'].decode('ascii')


def mask_case(rng):
    h, w = rng.randint(1, 14), rng.randint(1, 14)
    m = rand_mask(rng, h, w)
    rle = mask_utils.encode(np.asfortranarray(m))
    return {
        'h': h, 'w': w,
        'mask': ''.join(str(int(b)) for b in m.flatten(order='F')),
        'counts': text(rle),
        'area': int(mask_utils.area(rle)),
        'bbox': [float(v) for v in mask_utils.toBbox(rle)],
    }


def merge_case(rng):
    h, w = rng.randint(1, 12), rng.randint(1, 12)
    rles = [mask_utils.encode(np.asfortranarray(rand_mask(rng, h, w)))
            for _ in range(rng.randint(2, 4))]
    dts = [mask_utils.encode(np.asfortranarray(rand_mask(rng, h, w)))
           for _ in range(3)]
    crowd = [rng.randint(0, 1) for _ in rles]
    iou = mask_utils.iou(dts, rles, crowd)
    return {
        'h': h, 'w': w,
        'inputs': [text(r) for r in rles],
        'union': text(mask_utils.merge(rles, intersect=False)),
        'intersection': text(mask_utils.merge(rles, intersect=True)),
        'dts': [text(r) for r in dts],
        'crowd': crowd,
        'iou': [[float(v) for v in row] for row in np.asarray(iou)],
    }


def coord(rng, size):
    r = rng.random()
    if r < 0.15:  # on or across the border
        return rng.choice([0.0, float(size), -rng.random() * 3,
                           size + rng.random() * 3])
    if r < 0.3:  # integers and half pixels
        return rng.randint(0, 2 * size) / 2.0
    return round(rng.uniform(-1, size + 1), rng.choice([1, 2, 6, 15]))


def polygon_case(rng):
    h, w = rng.randint(1, 40), rng.randint(1, 40)
    k = rng.randint(3, 9)  # frPyObjects reads 4 numbers as a box
    xy = []
    for _ in range(k):
        xy += [coord(rng, w), coord(rng, h)]
        if rng.random() < 0.1:  # a repeated vertex
            xy += xy[-2:]
    rle = mask_utils.frPyObjects([xy], h, w)[0]
    return {'h': h, 'w': w, 'polygon': xy, 'counts': text(rle),
            'area': int(mask_utils.area(rle)),
            'bbox': [float(v) for v in mask_utils.toBbox(rle)]}


def uncompressed_case(rng):
    h, w = rng.randint(1, 10), rng.randint(1, 10)
    m = rand_mask(rng, h, w)
    counts, value, run = [], 0, 0
    for b in m.flatten(order='F'):
        if b != value:
            counts.append(run)
            run, value = 0, b
        run += 1
    counts.append(run)
    rle = mask_utils.frPyObjects({'counts': counts, 'size': [h, w]}, h, w)
    return {'h': h, 'w': w, 'uncompressed': counts, 'counts': text(rle)}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, '..', 'tests', 'data', 'coco_rle', 'pycocotools_mask.json')
    rng = random.Random(21)
    data = {
        'source': 'pycocotools ' + getattr(
            __import__('pycocotools'), '__version__', '2.0') +
        ' mask API, scripts/gen_rle_fixtures.py, seed 21',
        'masks': [mask_case(rng) for _ in range(150)],
        'merges': [merge_case(rng) for _ in range(60)],
        'polygons': [polygon_case(rng) for _ in range(250)],
        'uncompressed': [uncompressed_case(rng) for _ in range(30)],
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
