# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""COCO's parameters from Python: coco_ap(max_dets=, iou_thresholds=,
rec_thresholds=, area_ranges=, use_cats=) against pycocotools' committed
answers (tests/data/coco_params/make_fixture.py), and their errors."""

import json
import pathlib

import numpy as np
import pytest

import slicekit as sk

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
ORACLE = json.loads((DATA / "coco_params" / "oracle.json").read_text())


def keywords(params):
    return {
        "max_dets": params["max_dets"],
        "iou_thresholds": params["iou_thresholds"],
        "rec_thresholds": params["recall_thresholds"],
        "area_ranges": [(a["label"], a["min"], a["max"])
                        for a in params["area_ranges"]],
        "use_cats": params["use_cats"],
    }


@pytest.mark.parametrize("case", sorted(ORACLE))
def test_stats_and_lines_equal_pycocotools(case):
    want = ORACLE[case]
    d = DATA / want["fixture"]
    got = sk.coco_ap(d / "gt.json", d / want["results"],
                     iou_type=want["iou_type"], **keywords(want["params"]))
    np.testing.assert_allclose(got.stats, want["stats"], rtol=0, atol=1e-9)
    assert [s == -1 for s in got.stats] == [s == -1 for s in want["stats"]]
    if "lines" in want:
        assert got.stat_lines == want["lines"]
    p = got.params
    assert p["max_dets"] == want["params"]["max_dets"]
    assert p["iou_thresholds"] == want["params"]["iou_thresholds"]
    assert p["rec_thresholds"] == want["params"]["recall_thresholds"]
    assert p["use_cats"] == want["params"]["use_cats"]
    assert [a[0] for a in p["area_ranges"]] == \
        [a["label"] for a in want["params"]["area_ranges"]]


def test_pr_curves_follow_the_params_and_pooled_classes_are_all():
    want = ORACLE["bbox_no_categories_custom"]
    d = DATA / "coco_ap"
    got = sk.coco_ap(d / "gt.json", d / "dets.json",
                     **keywords(want["params"]))
    curves = got.pr_curves
    assert set(curves["class"]) == {"all"}
    assert sorted(set(curves["iou_threshold"])) == \
        want["params"]["iou_thresholds"]
    assert len(curves) == len(want["params"]["iou_thresholds"]) * \
        len(want["params"]["recall_thresholds"])
    # The first area range (all), the last maxDets: the oracle's
    # precision[t, r, 0, 0, -1].
    prec = np.array(want["precision"])[:, :, 0, 0, -1].reshape(-1)
    np.testing.assert_array_equal(np.nan_to_num(curves["precision"], nan=-1),
                                  prec)
    assert list(got.per_class["class"]) == ["all"]
    # The sweep takes the params' IoU thresholds.
    assert not got.sweep(0.55).empty
    with pytest.raises(ValueError, match="got 0.5"):
        got.sweep(0.5)


def test_area_ranges_as_a_dict_and_run_ap_take_the_same_params():
    d = DATA / "coco_ap"
    run = sk.load_coco(d / "gt.json", d / "dets.json")
    areas = {"all": (0, 1e10), "small": (0, 32 ** 2)}
    a = sk.coco_ap(run, None, area_ranges=areas, max_dets=[1, 10, 100])
    b = run.ap(area_ranges=list((k, *v) for k, v in areas.items()))
    assert a.stats == b.stats
    assert a.stats[4] == -1 and a.stats[3] >= 0  # no "medium" range
    assert sk.coco_ap(run, None).stats != a.stats


@pytest.mark.parametrize("kwargs, error, message", [
    ({"max_dets": 100}, TypeError, "max_dets must be a sequence of integers"),
    ({"max_dets": [1, 10.5]}, TypeError, r"max_dets\[1\] must be an integer"),
    ({"max_dets": [1, True]}, TypeError, r"max_dets\[1\] must be an integer"),
    ({"iou_thresholds": "0.5"}, TypeError,
     "iou_thresholds must be a sequence of numbers"),
    ({"rec_thresholds": [0, "1"]}, TypeError,
     r"rec_thresholds\[1\] must be a number"),
    ({"area_ranges": 5}, TypeError, "area_ranges must be a dict"),
    ({"area_ranges": [("all", 0)]}, TypeError,
     r"area_ranges\[0\] must be \(label, min, max\)"),
    ({"area_ranges": {1: (0, 1)}}, TypeError, "label must be a str"),
    ({"use_cats": 0}, TypeError, "use_cats must be a bool"),
    ({"max_dets": [10, 1]}, ValueError,
     r"max_dets\[1\] = 1 is not above the one before"),
    ({"max_dets": []}, ValueError, "max_dets is empty"),
    ({"iou_thresholds": [0.5, 1.2]}, ValueError,
     r"iou_thresholds\[1\] = 1.2 is not in \(0, 1\]"),
    ({"rec_thresholds": [0, 0.5, 0.4]}, ValueError,
     r"rec_thresholds\[2\] = 0.4 is not above"),
    ({"area_ranges": {"all": (10, 1)}}, ValueError,
     r"area_ranges\[0\] \(all\): min 10 is above max 1"),
])
def test_bad_params_name_the_keyword(kwargs, error, message):
    d = DATA / "coco_ap"
    with pytest.raises(error, match=message):
        sk.coco_ap(d / "gt.json", d / "dets.json", **kwargs)


def test_keypoints_refuse_pooled_classes():
    d = DATA / "coco_keypoints"
    with pytest.raises(ValueError, match="use_cats false is not supported"):
        sk.coco_ap(d / "gt.json", d / "dets.json", iou_type="keypoints",
                   use_cats=False)
