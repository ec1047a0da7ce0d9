# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""eval_coco / eval_ndjson: files into a metrics table, checked against
pycocotools' own committed answers (tests/data/coco_small/README.md)."""

import json

import pandas as pd
import pytest

import slicekit as sk


@pytest.mark.parametrize("iou", [50, 75])
def test_eval_coco_matches_pycocotools(coco_dir, iou):
    table = sk.eval_coco(str(coco_dir / "gt.json"), str(coco_dir / "dets.json"),
                         iou_threshold=iou / 100, confidence_threshold=0)
    got = table.to_pandas().set_index("data_row_id")
    want = pd.read_csv(coco_dir / f"per_image_iou{iou}.csv")
    assert len(got) == len(want) == 300
    for row in want.itertuples():
        r = got.loc[str(row.image_id)]
        assert (r.tp, r.fp, r.fn) == (row.tp, row.fp, row.fn), row.image_id
    names = {c["id"]: c["name"] for c in
             json.loads((coco_dir / "gt.json").read_text())["categories"]}
    per_class = pd.read_csv(coco_dir / f"per_class_iou{iou}.csv")
    for row in per_class.itertuples():
        r = got.loc[str(row.image_id)]
        name = names[row.category_id]
        assert (r[f"tp[{name}]"], r[f"fp[{name}]"], r[f"fn[{name}]"]) == (
            row.tp, row.fp, row.fn)
    # The table filters like any other, class scopes included.
    assert sk.count(table, "fp['traffic light'] >= 1") == int(
        (got["fp[traffic light]"] >= 1).sum())
    assert got.loc["1000", "dataset"] == "handheld"


def test_eval_options_and_errors(coco_dir, tmp_path):
    gt, dets = str(coco_dir / "gt.json"), str(coco_dir / "dets.json")
    plain = sk.eval_coco(gt, dets, per_class_columns=False, rule="labelbox")
    assert not any("[" in c for c in plain.columns)
    with pytest.raises(sk.InvalidArgumentError, match="unknown matching rule"):
        sk.eval_coco(gt, dets, rule="voc")
    with pytest.raises(sk.InvalidArgumentError, match="iou_threshold"):
        sk.eval_coco(gt, dets, iou_threshold=2)
    with pytest.raises(sk.NotFoundError, match="nope.json"):
        sk.eval_coco(str(tmp_path / "nope.json"), dets)
    bad = tmp_path / "gt.json"
    g = json.loads((coco_dir / "gt.json").read_text())
    g["annotations"][3]["bbox"][2] = -3
    bad.write_text(json.dumps(g))
    with pytest.raises(sk.InvalidArgumentError) as e:
        sk.eval_coco(str(bad), dets)
    assert str(e.value).startswith("gt.json: annotations[3]")
    assert "width is negative (-3)" in str(e.value)
    with pytest.warns(UserWarning, match="skipped 1 bad records"):
        lenient = sk.eval_coco(str(bad), dets, lenient=True)
    assert lenient.num_rows == 300


def test_eval_ndjson(tmp_path):
    path = tmp_path / "rows.ndjson"
    path.write_text(
        '{"data_row_id": "a", "dataset": "d", "ground_truth": [{"class": "car",'
        ' "bbox": [0, 0, 10, 10]}], "predictions": [{"class": "car", "bbox":'
        ' [0, 0, 10, 10], "confidence": 0.9}]}\n'
        '{"data_row_id": "b", "ground_truth": [{"class": "car", "bbox":'
        ' [0, 0, 10, 10]}]}\n')
    table = sk.eval_ndjson(str(path))
    frame = table.to_pandas().set_index("data_row_id")
    assert frame.loc["a", "tp"] == 1 and frame.loc["b", "fn"] == 1
    assert frame.loc["a", "tp[car]"] == 1
    path.write_text('{"data_row_id": "a"}\n{')
    with pytest.raises(sk.InvalidArgumentError,
                       match="rows.ndjson: line 2: line: malformed"):
        sk.eval_ndjson(str(path))


def test_threads_give_the_same_answers(coco_dir):
    # The library's EvaluatorTest checks runs large enough to split over
    # threads; here the keyword reaches it and changes nothing.
    gt, dets = str(coco_dir / "gt.json"), str(coco_dir / "dets.json")
    one = sk.eval_coco(gt, dets, threads=1).to_pandas()
    for threads in (4, None):
        pd.testing.assert_frame_equal(
            sk.eval_coco(gt, dets, threads=threads).to_pandas(), one)
    assert sk.coco_ap(gt, dets, threads=3).stats == sk.coco_ap(
        gt, dets, threads=1).stats
    for bad in (0, -2):
        with pytest.raises(ValueError, match="threads must be at least 1"):
            sk.eval_coco(gt, dets, threads=bad)
        with pytest.raises(ValueError, match="threads"):
            sk.load_coco(gt, dets, threads=bad)
    with pytest.raises(TypeError, match="threads"):
        sk.load_coco(gt, dets, threads="many")
