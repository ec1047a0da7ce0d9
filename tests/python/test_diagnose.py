# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""sk.errors, sk.confusion_matrix and sk.label_issues (docs/errors.md):
TIDE against tidecv's committed answers, the matrix's sums, the issue
frame, errors as exceptions."""

import json

import pandas as pd
import pytest

import slicekit as sk


def _oracle(coco_dir, fixture, name):
    entries = json.loads((coco_dir.parent / "tide" / "oracle.json").read_text())
    return next(e for e in entries if e["fixture"] == fixture and e["set"] == name)


def _expect_tide(got, want):
    assert got["ap50"] == pytest.approx(want["ap"], abs=1e-6)
    for ours, theirs in [("cls", "Cls"), ("loc", "Loc"), ("both", "Both"),
                         ("dupe", "Dupe"), ("bkg", "Bkg"), ("miss", "Miss")]:
        assert got["main"][ours] == pytest.approx(want["main"][theirs], abs=1e-6)
        assert got["counts"][ours] == want["counts"][theirs]
    assert got["special"]["false_pos"] == pytest.approx(
        want["special"]["FalsePos"], abs=1e-6)
    assert got["special"]["false_neg"] == pytest.approx(
        want["special"]["FalseNeg"], abs=1e-6)


def test_errors_equal_tidecv_for_all_images_and_a_filter(coco_dir):
    gt, dets = coco_dir / "gt.json", coco_dir / "dets.json"
    all_images = sk.errors(str(gt), str(dets))
    _expect_tide(all_images["tide"], _oracle(coco_dir, "coco_small", "all"))
    drone = sk.errors(str(gt), str(dets), where=sk.col("dataset") == "drone")
    _expect_tide(drone["tide"], _oracle(coco_dir, "coco_small", "drone"))
    assert drone["images"] < all_images["images"] == 300
    assert len(all_images["calibration"]["bins"]) == 15
    assert 0 <= all_images["calibration"]["ece"] <= 1
    assert len(sk.errors(str(gt), str(dets), bins=4)["calibration"]["bins"]) == 4


def test_confusion_matrix_rows_sum_to_each_class_ground_truths(coco_dir):
    gt = json.loads((coco_dir / "gt.json").read_text())
    names = {c["id"]: c["name"] for c in gt["categories"]}
    regular = {}
    for a in gt["annotations"]:
        if not a.get("iscrowd", 0):
            regular[names[a["category_id"]]] = regular.get(
                names[a["category_id"]], 0) + 1
    m = sk.confusion_matrix(str(coco_dir / "gt.json"),
                            str(coco_dir / "dets.json"))
    assert isinstance(m, pd.DataFrame)
    assert m.index[-1] == "background" and m.columns[-1] == "missed"
    for name, count in regular.items():
        assert m.loc[name].sum() == count
    assert m.loc["background", "missed"] == 0
    strict = sk.confusion_matrix(str(coco_dir / "gt.json"),
                                 str(coco_dir / "dets.json"), confidence=0.9)
    assert strict.drop(index="background").drop(columns="missed").values.sum() \
        < m.drop(index="background").drop(columns="missed").values.sum()
    assert set(m.attrs["crowd"]) == set(m.columns[:-1])


def test_label_issues_frame_is_highest_score_first(coco_dir):
    issues = sk.label_issues(str(coco_dir / "gt.json"),
                             str(coco_dir / "dets.json"))
    assert list(issues.columns) == sk._diagnose.ISSUE_COLUMNS
    assert len(issues) > 0
    assert issues["score"].is_monotonic_decreasing
    assert set(issues["kind"]) <= {"swapped", "overlooked", "badly_located"}
    overlooked = issues[issues["kind"] == "overlooked"]
    assert overlooked["annotation_id"].isna().all()
    assert (issues["confidence"] >= 0.5).all()
    top = sk.label_issues(str(coco_dir / "gt.json"),
                          str(coco_dir / "dets.json"), top=3,
                          min_confidence=0.9)
    assert len(top) == 3 and (top["confidence"] >= 0.9).all()


def test_bad_options_raise_with_the_reason(coco_dir):
    gt, dets = str(coco_dir / "gt.json"), str(coco_dir / "dets.json")
    with pytest.raises(sk.InvalidArgumentError, match="background IoU 0.6"):
        sk.errors(gt, dets, background_iou=0.6)
    with pytest.raises(sk.InvalidArgumentError, match="overlap IoU 0.7"):
        sk.label_issues(gt, dets, overlap_iou=0.7)
    with pytest.raises(sk.NotFoundError):
        sk.errors(gt, dets, where="no_such_column = 1")
    with pytest.raises(sk.Error):
        sk.errors(gt + ".missing", dets)
