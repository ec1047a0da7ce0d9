# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""What the CLI does, from Python: COCO AP (against pycocotools' committed
answers), re-thresholding a loaded run, the per-class long table, slice
discovery, the report and table files."""

import json
import pathlib

import numpy as np
import pandas as pd
import pytest

import reference
import slicekit as sk

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
AP = DATA / "coco_ap"


@pytest.fixture(scope="module")
def oracle():
    return json.loads((AP / "oracle.json").read_text())


def _close(got, want):
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_coco_ap_matches_pycocotools_for_all_images_and_filters(oracle):
    gt, dets = AP / "gt.json", AP / "dets.json"  # os.PathLike
    for name, where in (("all", None), ("fog", "weather = 'fog'"),
                        ("b_or_val", "dataset = 'b' OR split = 'val'")):
        want = oracle["sets"][name]
        got = sk.coco_ap(gt, dets, where=where)
        _close(got.stats, want["stats"])
        assert got.num_images == (60 if name == "all" else
                                  len(want["image_ids"]))
        per_class = got.per_class.set_index("class")
        for cls, w in want["per_class"].items():
            for col in ("ap", "ap50", "ap75"):
                value = per_class.loc[cls, col]
                if w[col] < 0:
                    assert np.isnan(value)
                else:
                    assert value == pytest.approx(w[col], abs=1e-12)
    assert len(got.stat_lines) == 12 and "Average Precision" in \
        got.stat_lines[0]
    assert "<pre>" in got._repr_html_() and "AP=" in repr(got)


def test_coco_ap_pr_curves_and_sweep(oracle):
    run = sk.load_coco(AP / "gt.json", AP / "dets.json")
    ap = run.ap()
    curves = ap.pr_curves
    want = oracle["sets"]["all"]["precision_area_all_maxdets100"]
    for t, per_class in want.items():
        iou = curves["iou_threshold"].unique()[int(t)]
        for cls, precision in per_class.items():
            got = curves[(curves["class"] == cls) &
                         (curves["iou_threshold"] == iou)]
            if not precision or min(precision) < 0 and max(precision) < 0:
                continue
            assert len(got) == 101
            np.testing.assert_allclose(
                np.nan_to_num(got["precision"].to_numpy(), nan=-1),
                precision, atol=1e-12)
    sweep = ap.sweep(0.5, thresholds=[0.0, 0.5, 0.9])
    # At threshold 0 every detection counts: TP + FN is the ground truths
    # of each class (per_class) and the all-class row sums the classes.
    zero = sweep[sweep["threshold"] == 0.0].set_index("class", drop=False)
    per_class = ap.per_class.set_index("class")
    for cls in per_class.index:
        if cls in zero.index:
            assert zero.loc[cls, "tp"] + zero.loc[cls, "fn"] == \
                per_class.loc[cls, "ground_truths"]
    together = zero[zero["class"].isna()]
    assert int(together["tp"].iloc[0]) == int(
        zero[zero["class"].notna()]["tp"].sum())
    with pytest.raises(sk.InvalidArgumentError):
        ap.sweep(0.52)


def test_coco_ap_of_a_saved_slice_and_of_rows(oracle):
    store = sk.SliceStore.in_memory()
    store.create("org", "Fog", "weather = 'fog'")
    by_name = sk.coco_ap(AP / "gt.json", AP / "dets.json", slice="Fog",
                         store=store, org="org")
    _close(by_name.stats, oracle["sets"]["fog"]["stats"])
    run = sk.load_coco(str(AP / "gt.json"), str(AP / "dets.json"))
    table = run.metrics()
    mask = (table.to_pandas()["weather"] == "fog").to_numpy()
    _close(run.ap(mask).stats, oracle["sets"]["fog"]["stats"])
    _close(run.ap(sk.scan(table, "weather = 'fog'")).stats,
           oracle["sets"]["fog"]["stats"])
    _close(run.ap([]).stats, oracle["sets"]["no_images"]["stats"])
    with pytest.raises(sk.InvalidArgumentError, match="out of range"):
        run.ap([60])
    with pytest.raises(TypeError, match="where= or slice="):
        sk.coco_ap(AP / "gt.json", AP / "dets.json", where="fp > 1",
                   slice="Fog", store=store, org="org")


def test_a_loaded_run_rethresholds_as_eval_coco_does(coco_dir):
    gt, dets = coco_dir / "gt.json", coco_dir / "dets.json"
    run = sk.load_coco(gt, dets)
    assert run.num_images == 300 and "traffic light" in run.classes
    for iou, confidence in ((0.5, 0.5), (0.75, 0.0), (0.3, 0.9)):
        want = sk.eval_coco(gt, dets, iou_threshold=iou,
                            confidence_threshold=confidence).to_pandas()
        got = run.metrics(iou_threshold=iou,
                          confidence_threshold=confidence).to_pandas()
        pd.testing.assert_frame_equal(got, want)
    # The long per-class table: tp/fp/fn per (image, class) as
    # pycocotools counted them.
    long = run.per_class(iou_threshold=0.5, confidence_threshold=0)
    names = {c["id"]: c["name"] for c in
             json.loads(gt.read_text())["categories"]}
    want = pd.read_csv(coco_dir / "per_class_iou50.csv")
    got = long.set_index(["data_row_id", "class"])
    for row in want.itertuples():
        r = got.loc[(str(row.image_id), names[row.category_id])]
        assert (r.tp, r.fp, r.fn) == (row.tp, row.fp, row.fn)
    with pytest.raises(sk.InvalidArgumentError, match="iou_threshold"):
        run.metrics(iou_threshold=2)


def test_discover_finds_the_planted_slice_and_saves_it(rng):
    n = 3000
    frame = pd.DataFrame({
        "data_row_id": [f"r{i}" for i in range(n)],
        "weather": rng.choice(["sun", "rain", "fog"], n),
        "camera": rng.choice(["a", "b"], n),
        "fp": rng.integers(0, 2, n), "fn": rng.integers(0, 2, n)})
    planted = (frame["weather"] == "fog") & (frame["camera"] == "b")
    frame.loc[planted, "fp"] += 5
    t = sk.Table.from_pandas(frame)
    found = sk.discover(t, error="fp + fn", max_predicates=2, top=3,
                        min_support=20)
    assert list(found.columns[:5]) == ["rank", "size", "mean_error", "score",
                                       "filter"]
    assert list(found["rank"]) == list(range(1, len(found) + 1))
    best = found.iloc[0]
    assert best["size"] == int(planted.sum())
    want = frame.loc[planted, "fp"] + frame.loc[planted, "fn"]
    assert best["mean_error"] == pytest.approx(want.mean())
    assert sk.count(t, best["filter"]) == best["size"]
    assert found.attrs["stats"]["rows"] == n
    store = sk.SliceStore.in_memory()
    saved = found.save(store, "org")
    assert [s.name for s in saved] == [f"Discovered {i}"
                                       for i in found["rank"]]
    assert sk.summarize(t, sk.scan(t, saved[0].filter)).rows == best["size"]
    with pytest.raises(sk.NotFoundError, match="unknown column"):
        sk.discover(t, features=["wether"])
    with pytest.raises(sk.InvalidArgumentError):
        sk.discover(t, error="fp +")


def test_report_inline_and_to_a_file(rng, tmp_path, coco_dir):
    t = sk.Table.from_pandas(reference.random_frame(rng, 400))
    store = sk.SliceStore.in_memory()
    store.create("org", "Confident FPs", "confidence > 0.5 AND fp >= 1")
    shown = sk.report(t, store=store, org="org", title="Nightly")
    assert "Confident FPs" in shown.html and "Nightly" in shown.html
    assert shown._repr_html_() == shown.html
    path = sk.write_report(tmp_path / "r.html", t, store=store, org="org",
                           title="Nightly")
    written = pathlib.Path(path).read_text()
    assert path == str(tmp_path / "r.html")
    assert "Confident FPs" in written and "Nightly" in written
    with_run = sk.report(gt=coco_dir / "gt.json", pred=coco_dir / "dets.json",
                         auto_slices=False)
    assert "Model run: 300 data rows, 1,666 ground-truth objects" in \
        with_run.html
    with pytest.raises(TypeError, match="store= and org="):
        sk.report(t, store=store)
    with pytest.raises(TypeError, match="needs table="):
        sk.report()
    with pytest.raises(sk.InvalidArgumentError):
        sk.report(t, bins=0)


def test_table_files_save_and_open_by_content(rng, tmp_path):
    t = sk.Table.from_pandas(reference.random_frame(rng, 300))
    t.delete([reference.row_id(7)])
    t.save(tmp_path / "m.sktable")
    for verify in ("all", "on_first_use"):
        back = sk.open_table(tmp_path / "m.sktable", verify=verify)
        pd.testing.assert_frame_equal(back.to_pandas().reset_index(drop=True),
                                      t.to_pandas().reset_index(drop=True))
    csv = tmp_path / "m.csv"
    csv.write_text(sk.export_rows(t))
    assert sk.open_table(csv).num_live_rows == 299
    with pytest.raises(sk.InvalidArgumentError, match="use.*open_table|open "
                       "it with slicekit.open_table"):
        sk.read_csv(tmp_path / "m.sktable")
    with pytest.raises(sk.InvalidArgumentError, match="verify must be"):
        sk.open_table(tmp_path / "m.sktable", verify="some")
    with pytest.raises(TypeError, match="path must be a str, bytes or "
                       "os.PathLike"):
        sk.open_table(3)


def test_check_alerts_measures_each_rule_against_the_table(rng):
    t = sk.Table.from_pandas(reference.random_frame(rng, 500))
    store = sk.SliceStore.in_memory()
    has_fp = store.create("org", "Has FPs", "fp >= 1")
    store.create("org", "Quiet", "fp >= 100")  # no rules: not checked
    size = sk.count(t, "fp >= 1")
    precision = sk.summarize(t, sk.scan(t, "fp >= 1")).precision
    store.set_alert_rules("org", has_fp.id,
                          f"size > {size - 1}; precision < 0.0001")
    got = store.check_alerts("org", t)
    assert list(got.columns) == ["slice_id", "slice", "rule", "metric",
                                 "value", "fired", "since_snapshot",
                                 "new_snapshot"]
    assert list(got["slice"]) == ["Has FPs", "Has FPs"]
    by_metric = got.set_index("metric")
    assert by_metric.loc["size", "value"] == size
    assert bool(by_metric.loc["size", "fired"])
    assert by_metric.loc["precision", "value"] == pytest.approx(precision)
    assert bool(by_metric.loc["precision", "fired"]) == (precision < 0.0001)
    taken = store.check_alerts("org", t, snapshot=True, table_name="day 1")
    assert taken["new_snapshot"].notna().all()
    assert [x.id for x in store.list_snapshots("org", has_fp.id)] == [
        int(taken["new_snapshot"].iloc[0])]


def test_results_as_dataframes_and_in_notebooks(rng):
    frame = reference.random_frame(rng, 300)
    t = sk.Table.from_pandas(frame)
    sel = sk.scan(t, "fp >= 1")
    summary = sk.summarize(t, sel)
    got = summary.to_pandas()
    assert got.loc[None, "rows"] == summary.rows == sel.count()
    assert got.loc[None, "fp"] == summary.fp
    for c in summary.classes:
        assert got.loc[c.class_name, "tp"] == c.tp
    both = sk.compare_summaries(t, sel, "ds1").to_pandas()
    assert list(both.index) == ["slice", "all", "dataset"]
    assert both.loc["all", "rows"] == 300
    assert both.loc["dataset", "rows"] == int((frame["dataset"] == "ds1").sum())
    page = sk.explore(t, "fp >= 1", limit=5)
    for shown in (t, summary, sk.compare_summaries(t, sel), page):
        text = shown._repr_html_()
        assert text.startswith("<") and "</table>" in text
    assert "300 rows &times; " in t._repr_html_()
    # The first rows, as t.to_pandas() would show them.
    assert frame["data_row_id"][0] in t._repr_html_()
    assert frame["data_row_id"][20] not in t._repr_html_()
    bound = sk.bind("fp >= 1", t)
    assert repr(bound) == "<slicekit.BoundFilter [fp >= 1]>"
    curator = sk.Curator(t, [sk.Slice(name="FPs", filter="fp >= 1")])
    assert repr(curator) == "<slicekit.Curator 1 slices>"
    assert "entries in 1 slices" in repr(curator.new_rows(0))
