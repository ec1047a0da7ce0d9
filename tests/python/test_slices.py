# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The SliceStore (memory and SQLite) with every operation, explore with
summaries, auto slices and the Curator, through the bindings."""

import datetime
import sqlite3
import threading
import time

import numpy as np
import pytest

import reference
import slicekit as sk
from slicekit import col


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        s = sk.SliceStore.in_memory()
    else:
        s = sk.SliceStore.open_sqlite(str(tmp_path / "slices.db"))
    yield s
    s.close()


def test_every_store_operation(store):
    a = store.create("acme", "  Confident FPs ", "fp >= 1 AND confidence > 0.8",
                     description="worth a look", order_by="confidence desc")
    assert a.name == "Confident FPs" and a.version == 1
    assert a.id.startswith("sl_") and a.org == "acme"
    assert a.filter == (col("fp") >= 1) & (col("confidence") > 0.8)
    assert a.order_by == [sk.OrderBy("confidence", True)]
    assert a.created_at.tzinfo == datetime.timezone.utc
    assert abs(a.created_at - datetime.datetime.now(datetime.timezone.utc)
               ) < datetime.timedelta(minutes=5)
    b = store.create("acme", "Misses", col("fn") >= 1)
    assert store.get("acme", a.id).name == "Confident FPs"
    assert store.get_by_name("acme", "confident fps").id == a.id
    assert [s.name for s in store.list("acme")] == ["Confident FPs", "Misses"]
    assert [s.id for s in store.list("acme", order="created")] == [a.id, b.id]
    assert store.list("nobody") == []

    updated = store.update_filter("acme", a.id, "fp >= 2", ["fp desc"],
                                  expected_version=1)
    assert updated.version == 2 and updated.id == a.id
    assert str(updated.filter) == "fp >= 2"
    copy = store.update_filter_as_new("acme", a.id, "Copy", "fp >= 3")
    assert copy.id != a.id and copy.description == "worth a look"
    assert store.get("acme", a.id).version == 2
    renamed = store.rename("acme", b.id, "Missed objects")
    assert renamed.name == "Missed objects" and renamed.version == 2
    described = store.set_description("acme", b.id, "fn >= 1")
    assert described.description == "fn >= 1" and described.version == 3
    store.delete("acme", copy.id)
    with pytest.raises(sk.NotFoundError):
        store.get("acme", copy.id)
    store.check_integrity()


def test_store_errors_carry_the_cpp_messages(store):
    s = store.create("acme", "Some slice", "fp >= 1")
    cases = [
        (lambda: store.create("acme", "ab", "fp >= 1"), sk.InvalidArgumentError,
         "name has 2 characters; the minimum is 3"),
        (lambda: store.create("acme", "x" * 31, "fp >= 1"),
         sk.InvalidArgumentError, "name has 31 characters; the limit is 30"),
        (lambda: store.create("acme", "SOME SLICE", "fp >= 1"),
         sk.AlreadyExistsError, "Some slice"),
        (lambda: store.update_filter("acme", s.id, "fp >= 2",
                                     expected_version=7),
         sk.FailedPreconditionError, "version"),
        (lambda: store.get("acme", "sl_0000000000000000"), sk.NotFoundError,
         "sl_0000000000000000"),
        (lambda: store.create("", "Name ok", "fp >= 1"),
         sk.InvalidArgumentError, "org"),
        (lambda: store.create("acme", "Bad filter", "fp >="),
         sk.InvalidArgumentError, "at 5: expected a value after '>='"),
        (lambda: store.create("acme", "Bad\x07name", "fp >= 1"),
         sk.InvalidArgumentError, "control character (U+0007)"),
    ]
    for call, kind, message in cases:
        with pytest.raises(kind) as e:
            call()
        assert message in str(e.value)
    for i in range(sk.MAX_SLICES_PER_ORG - 1):
        store.create("acme", f"slice {i:03d}", "fp >= 1")
    with pytest.raises(sk.ResourceExhaustedError, match="the limit is 100"):
        store.create("acme", "one too many", "fp >= 1")
    assert len(store.list("acme")) == 100
    store.close()
    with pytest.raises(sk.FailedPreconditionError, match="closed"):
        store.list("acme")


def test_sqlite_store_persists_and_is_shared(tmp_path):
    path = str(tmp_path / "s.db")
    with sk.SliceStore.open_sqlite(path) as first:
        made = first.create("acme", "Kept", "tp >= 1", order_by="tp desc")
    again = sk.SliceStore.open_sqlite(path)
    got = again.get("acme", made.id)
    assert (got.name, str(got.filter), got.order_by) == (
        "Kept", "tp >= 1", [sk.OrderBy("tp", True)])
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    with pytest.raises(sk.Error) as e:
        sk.SliceStore.open_sqlite(str(tmp_path / "junk.db"))
    assert e.value.code in ("FAILED_PRECONDITION", "DATA_LOSS")
    assert "junk.db" in str(e.value)


def test_store_calls_release_the_gil(tmp_path):
    """A create() waits in SQLite's busy handler while another connection
    holds the write lock. Only if the extension released the GIL can this
    thread run Python meanwhile and release the lock; otherwise the create
    would wait out its 30 s timeout and fail."""
    path = str(tmp_path / "s.db")
    store = sk.SliceStore.open_sqlite(path)
    store.create("acme", "First", "fp >= 1")
    blocker = sqlite3.connect(path, isolation_level=None, timeout=1)
    blocker.execute("BEGIN IMMEDIATE")
    done = []
    worker = threading.Thread(
        target=lambda: done.append(store.create("acme", "Second", "fp >= 2")))
    start = time.monotonic()
    worker.start()
    time.sleep(0.5)
    assert not done  # still waiting for the lock
    blocker.execute("COMMIT")
    blocker.close()
    worker.join(timeout=20)
    assert done and done[0].name == "Second"
    assert time.monotonic() - start < 10


def test_explore_pages_summaries_and_appends(rng):
    frame = reference.random_frame(rng, 1200)
    table = sk.Table.from_pandas(frame.iloc[:800], chunk_rows=128)
    store = sk.SliceStore.in_memory()
    s = store.create("acme", "Some FPs", "fp >= 1 AND confidence > 0.2",
                     order_by=["confidence desc"])
    page = sk.explore(table, s, limit=25)
    want = reference.reference_order(
        frame.iloc[:800], reference.matching_positions(frame.iloc[:800],
                                                       s.filter),
        [("confidence", True)])
    assert page.rows.tolist() == want[:25]
    assert page.total_rows == len(want)
    ref = reference.summary_reference(frame.iloc[:800], np.array(want, int))
    summary = page.summary.to_dict()
    for key in ("rows", "tp", "fp", "fn", "precision", "recall", "f1",
                "confidence_count", "iou_count"):
        assert summary[key] == ref[key], key
    assert summary["mean_confidence"] == pytest.approx(ref["mean_confidence"],
                                                       rel=1e-12)
    assert [c["class_name"] for c in summary["classes"]] == ["car"]
    # Rows appended between pages show up; none is repeated or skipped.
    seen = page.rows.tolist()
    table.append(frame.iloc[800:])
    cursor = page.next_cursor
    while cursor:
        nxt = sk.explore(table, s, cursor=cursor, limit=40, summarize=False)
        assert nxt.summary is None
        seen += nxt.rows.tolist()
        cursor = nxt.next_cursor
    everything = reference.reference_order(
        frame, reference.matching_positions(frame, s.filter),
        [("confidence", True)])
    # Exactly the rows now ordered after the first page's last row.
    assert seen[25:] == everything[everything.index(want[24]) + 1:]
    assert len(seen) == len(set(seen))
    # The other targets: filter text, Expr, BoundFilter; an order override.
    by_text = sk.explore(table, "fp >= 1", order_by="fp desc", limit=10)
    by_bound = sk.explore(table, sk.bind(col("fp") >= 1, table),
                          order_by=["fp desc"], limit=10)
    assert by_text.rows.tolist() == by_bound.rows.tolist()
    with pytest.raises(sk.InvalidArgumentError, match="another table"):
        sk.explore(sk.Table.from_pandas(frame), sk.bind("fp >= 1", table))
    with pytest.raises(sk.InvalidArgumentError, match="page limit 0"):
        sk.explore(table, s, limit=0)


def test_summaries_match_the_definitions(rng):
    frame = reference.random_frame(rng, 1000)
    table = sk.Table.from_pandas(frame)
    for _ in range(20):
        expr = reference.random_expr(rng, depth=2)
        positions = reference.matching_positions(frame, expr)
        got = sk.summarize(table, sk.scan(table, expr)).to_dict()
        ref = reference.summary_reference(frame, positions)
        for key, value in ref.items():
            if key.startswith("mean") and value is not None:
                assert got[key] == pytest.approx(value, rel=1e-12)
            else:
                assert got[key] == value, key
    ds = sk.summarize_dataset(table, "ds3")
    assert ds == sk.summarize(table, sk.scan(table, col("dataset") == "ds3"))
    cmp = sk.compare_summaries(table, sk.scan(table, "fp >= 1"), "ds3")
    assert cmp.all == sk.summarize_all(table) and cmp.dataset == ds
    assert sk.compare_summaries(table, table.live_rows()).dataset is None


def test_auto_slices_and_slice_row_ids(rng):
    frame = reference.random_frame(rng, 800)
    table = sk.Table.from_pandas(frame)
    autos = sk.auto_slices(table)
    assert [a.name for a in autos][:4] == [
        "True positives", "True negatives", "False positives",
        "False negatives"]
    for a in autos:
        keys = [(o.column, o.descending) for o in a.order_by]
        want = reference.reference_order(
            frame, reference.matching_positions(frame, a.filter), keys)
        ids = sk.slice_row_ids(table, a.to_slice(), limit=15)
        assert list(ids) == [frame["data_row_id"][i] for i in want[:15]]
    everything = sk.slice_row_ids(table, "fp >= 1")
    assert list(everything) == sorted(
        frame["data_row_id"][reference.matching_positions(
            frame, col("fp") >= 1)], key=lambda i: i.encode())


def test_curator_reports_new_rows_per_slice(rng):
    frame = reference.random_frame(rng, 1500)
    table = sk.Table.from_pandas(frame.iloc[:1000])
    slices = [sk.Slice(name="Misses", filter="fn >= 1", id="s-1"),
              sk.Slice(name="Cars", filter=col("fp")["car"] >= 1, id="s-2")]
    curator = sk.Curator(table, slices)
    mark = table.end_watermark()
    table.append(frame.iloc[1000:])
    report = curator.new_rows_since(mark)
    assert report.first_new_row == 1000 and report.end_row == 1500
    for entry, s in zip(report.slices, slices):
        want = [p for p in reference.matching_positions(frame, s.filter)
                if p >= 1000]
        assert entry.rows.tolist() == want
        assert (entry.slice_id, entry.slice_name) == (s.id, s.name)
    assert report.total_entries() == sum(e.count() for e in report.slices)
    with pytest.raises(sk.NotFoundError, match="slice 'Bad' \\(id s-3\\)"):
        sk.Curator(table, [sk.Slice(name="Bad", filter="nope > 1", id="s-3")])
    table.delete([frame["data_row_id"][0]])
    table.compact()
    with pytest.raises(sk.FailedPreconditionError):
        curator.new_rows_since(mark)


def test_export_formats(rng):
    frame = reference.random_frame(rng, 20)
    table = sk.Table.from_pandas(frame)
    import json
    rows = json.loads(sk.export_rows(table, [0, 3], "json"))
    assert [r["data_row_id"] for r in rows] == [frame["data_row_id"][0],
                                                frame["data_row_id"][3]]
    lines = sk.export_rows(table, None, "ndjson").splitlines()
    assert len(lines) == 20
    with pytest.raises(sk.InvalidArgumentError):
        sk.export_rows(table, None, "xml")
