# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""sk.compare: two runs slice by slice as a DataFrame with the JSON's
columns (docs/compare.md)."""

import json

import pandas as pd
import pytest

import slicekit as sk


@pytest.fixture
def worse(coco_dir, tmp_path):
    """The parity set's detections with the handheld images' boxes moved."""
    gt = json.loads((coco_dir / "gt.json").read_text())
    handheld = {i["id"] for i in gt["images"] if i["dataset"] == "handheld"}
    dets = json.loads((coco_dir / "dets.json").read_text())
    for d in dets:
        if d["image_id"] in handheld:
            d["bbox"][0] += 0.6 * d["bbox"][2]
    path = tmp_path / "worse.json"
    path.write_text(json.dumps(dets))
    return path


def test_a_run_against_itself_changes_nothing(coco_dir):
    dets = coco_dir / "dets.json"
    frame = sk.compare(dets, dets, coco_dir / "gt.json", bootstrap=50,
                       where=["split = 'val'", sk.col("dataset") == "drone"])
    assert isinstance(frame, sk.ComparisonFrame)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns[:11]) == [
        "name", "filter", "metric", "images", "base", "new", "delta", "ci",
        "p_value", "q_value", "verdict"]
    assert len(frame) == 3 * 6
    assert list(frame["name"].unique()) == [
        "all data", "split = 'val'", "dataset = 'drone'"]
    assert (frame["delta"] == 0).all()
    assert (frame["verdict"] == "no change").all()
    assert frame.attrs["options"]["bootstrap"] == 50
    assert len(frame.attrs["classes"]) > 0
    assert frame.regressions().empty


def test_a_regression_is_found_and_rendered(coco_dir, worse):
    store = sk.SliceStore.in_memory()
    store.create("acme", "Handheld", "dataset = 'handheld'")
    frame = sk.compare(coco_dir / "dets.json", worse, coco_dir / "gt.json",
                       store=store, org="acme", metrics=["ap", "recall"],
                       bootstrap=100, threads=2)
    assert list(frame["metric"]) == ["ap", "recall", "ap", "recall"]
    handheld = frame[frame["name"] == "Handheld"].set_index("metric")
    assert handheld.loc["ap", "verdict"] == "regression"
    lo, hi = handheld.loc["ap", "ci"]
    assert lo <= handheld.loc["ap", "delta"] <= hi < 0
    assert set(frame.regressions()["name"]) >= {"Handheld"}
    html = frame._repr_html_()
    assert "slicekit-comparison" in html
    assert "#D55E00" in html  # the regression's colour
    assert "Handheld" in html
    # The same slice by name.
    named = sk.compare(coco_dir / "dets.json", worse, coco_dir / "gt.json",
                       store=store, org="acme", slices=["handheld"],
                       metrics=["ap"], bootstrap=20)
    assert list(named["name"]) == ["all data", "Handheld"]


def test_two_metrics_tables(coco_dir, worse):
    base = sk.eval_coco(str(coco_dir / "gt.json"), str(coco_dir / "dets.json"))
    new = sk.eval_coco(str(coco_dir / "gt.json"), str(worse))
    frame = sk.compare(base, new, bootstrap=50,
                       where="dataset = 'handheld'")
    assert list(frame["metric"].unique()) == ["precision", "recall", "f1"]
    row = frame[(frame["name"] == "dataset = 'handheld'") &
                (frame["metric"] == "recall")].iloc[0]
    assert row["verdict"] == "regression"


def test_bad_input_is_a_clear_error(coco_dir):
    dets = coco_dir / "dets.json"
    gt = coco_dir / "gt.json"
    with pytest.raises(sk.InvalidArgumentError, match="unknown metric 'mAP'"):
        sk.compare(dets, dets, gt, metrics=["mAP"])
    with pytest.raises(sk.InvalidArgumentError,
                       match=r"bootstrap count must be in \[1, 1000000\]"):
        sk.compare(dets, dets, gt, bootstrap=0)
    store = sk.SliceStore.in_memory()
    with pytest.raises(sk.NotFoundError, match="Nope"):
        sk.compare(dets, dets, gt, store=store, org="acme", slices=["Nope"])
    with pytest.raises(ValueError, match="need gt"):
        sk.compare(dets, dets)


def test_iou_type_segm_compares_masks():
    import pathlib
    segm = pathlib.Path(__file__).resolve().parent.parent / "data" / "coco_segm"
    oracle = json.loads((segm / "oracle.json").read_text())
    frame = sk.compare(segm / "dets.json", segm / "dets_bbox.json",
                       segm / "gt.json", metrics=["ap"], bootstrap=50,
                       min_images=1, iou_type="segm")
    all_data = frame.iloc[0]
    assert all_data["name"] == "all data" and all_data["metric"] == "ap"
    assert all_data["base"] == pytest.approx(
        oracle["dets.json"]["stats"][0], abs=1e-9)
    assert all_data["new"] == pytest.approx(
        oracle["dets_bbox.json"]["stats"][0], abs=1e-9)
    boxes = sk.compare(segm / "dets.json", segm / "dets_bbox.json",
                       segm / "gt.json", metrics=["ap"], bootstrap=50,
                       min_images=1)
    assert boxes.iloc[0]["base"] != all_data["base"]
    with pytest.raises(sk.InvalidArgumentError, match="unknown iou_type"):
        sk.compare(segm / "dets.json", segm / "dets.json", segm / "gt.json",
                   iou_type="mask")
    t = sk.eval_coco(segm / "gt.json", segm / "dets.json")
    with pytest.raises(ValueError, match="iou_type goes with COCO results"):
        sk.compare(t, t, iou_type="segm")
