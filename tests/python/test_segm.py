# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Instance masks from Python: iou_type='segm' on load_coco, eval_coco,
coco_ap and report, against pycocotools' committed answers
(tests/data/coco_segm/README.md)."""

import json
import pathlib

import numpy as np
import pytest

import slicekit as sk

SEGM = pathlib.Path(__file__).resolve().parent.parent / "data" / "coco_segm"


@pytest.fixture(scope="module")
def oracle():
    return json.loads((SEGM / "oracle.json").read_text())


@pytest.mark.parametrize("dets", ["dets.json", "dets_bbox.json"])
def test_coco_ap_segm_matches_pycocotools(oracle, dets):
    want = oracle[dets]
    got = sk.coco_ap(SEGM / "gt.json", SEGM / dets, iou_type="segm")
    np.testing.assert_allclose(got.stats, want["stats"], rtol=0, atol=1e-9)
    run = sk.load_coco(SEGM / "gt.json", SEGM / dets, iou_type="segm")
    assert run.iou_type == "segm"
    again = sk.coco_ap(run, None)
    assert list(again.stats) == list(got.stats)
    # Boxes give other numbers on the same files.
    boxes = sk.coco_ap(SEGM / "gt.json", SEGM / dets)
    assert list(boxes.stats) != list(got.stats)
    with pytest.raises(ValueError, match="loaded with iou_type='segm'"):
        sk.coco_ap(run, None, iou_type="bbox")


def test_eval_coco_segm_rows_are_evalimgs_counts(oracle):
    want = oracle["dets.json"]
    table = sk.eval_coco(SEGM / "gt.json", SEGM / "dets.json",
                         iou_type="segm", confidence_threshold=0)
    got = table.to_pandas().set_index("data_row_id")
    assert len(got) == 32
    for image_id, counts in want["per_image"].items():
        r = got.loc[image_id]
        assert (r.tp, r.fp, r.fn) == tuple(counts[0]), image_id
    # The loaded run's metrics() matches on masks too, and filters work.
    run = sk.load_coco(SEGM / "gt.json", SEGM / "dets.json", iou_type="segm")
    again = run.metrics(confidence_threshold=0).to_pandas()
    assert list(again["tp"]) == list(got["tp"])
    fog = sk.coco_ap(run, None, where="weather = 'fog'")
    assert 0 < fog.num_images < 32


def test_segm_errors_are_clear(tmp_path):
    with pytest.raises(sk.InvalidArgumentError, match="unknown iou_type 'mask'"):
        sk.load_coco(SEGM / "gt.json", SEGM / "dets.json", iou_type="mask")
    gt = json.loads((SEGM / "gt.json").read_text())
    del gt["annotations"][0]["segmentation"]
    path = tmp_path / "gt.json"
    path.write_text(json.dumps(gt))
    image = gt["annotations"][0]["image_id"]
    with pytest.raises(sk.InvalidArgumentError,
                       match=f"row {image}: ground_truths\\[0\\]: no mask"):
        sk.eval_coco(path, SEGM / "dets.json", iou_type="segm")
    gt["annotations"][0]["segmentation"] = [[1, 2, 3]]
    path.write_text(json.dumps(gt))
    with pytest.raises(sk.InvalidArgumentError,
                       match=r"annotations\[0\] \(id 1\): segmentation\[0\]: "
                             "a polygon needs an even"):
        sk.load_coco(path, SEGM / "dets.json")


def test_report_of_a_segm_run(tmp_path):
    run = sk.load_coco(SEGM / "gt.json", SEGM / "dets.json", iou_type="segm")
    html = sk.report(gt=run).html
    assert "Matched on instance masks (segm)." in html
    from_paths = sk.report(gt=SEGM / "gt.json", pred=SEGM / "dets.json",
                           iou_type="segm").html
    assert "Matched on instance masks (segm)." in from_paths
    assert "instance masks" not in sk.report(
        gt=SEGM / "gt.json", pred=SEGM / "dets.json").html


KPS = SEGM.parent / "coco_keypoints"


@pytest.mark.parametrize("which", ["default", "custom_sigmas"])
def test_coco_ap_keypoints_matches_pycocotools(which):
    want = json.loads((KPS / "oracle.json").read_text())[which]
    sigmas = None if which == "default" else want["sigmas"]
    got = sk.coco_ap(KPS / "gt.json", KPS / "dets.json",
                     iou_type="keypoints", kpt_oks_sigmas=sigmas)
    assert len(got.stats) == 10
    np.testing.assert_allclose(got.stats, want["stats"], rtol=0, atol=1e-9)
    assert got.stat_lines[0].endswith(f"maxDets= 20 ] = {want['stats'][0]:.3f}")
    table = sk.eval_coco(KPS / "gt.json", KPS / "dets.json",
                         iou_type="keypoints", kpt_oks_sigmas=sigmas,
                         confidence_threshold=0, max_detections=20)
    rows = table.to_pandas().set_index("data_row_id")
    for image_id, counts in want["per_image"].items():
        r = rows.loc[image_id]
        assert (r.tp, r.fp, r.fn) == tuple(counts[0]), image_id


def test_keypoint_errors_are_clear():
    with pytest.raises(sk.InvalidArgumentError,
                       match="kpt_oks_sigmas has 3 sigmas; no class"):
        sk.load_coco(KPS / "gt.json", KPS / "dets.json",
                     iou_type="keypoints", kpt_oks_sigmas=[0.1, 0.1, 0.1])
    with pytest.raises(sk.InvalidArgumentError, match="no mask"):
        sk.load_coco(KPS / "gt.json", KPS / "dets.json", iou_type="segm")
    run = sk.load_coco(KPS / "gt.json", KPS / "dets.json", iou_type="keypoints")
    assert run.iou_type == "keypoints"
    assert "Matched on keypoints (OKS)." in sk.report(gt=run).html
