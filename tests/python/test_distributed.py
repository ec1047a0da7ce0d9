# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""slicekit.distributed on a real distributed.LocalCluster (2 worker
processes): every operation of a PartitionedTable against one Table of the
same rows, on random filters and orders; appends, deletes and the Curator;
and workers killed mid-query."""

import logging
import os
import signal
import threading
import time
import zlib

import numpy as np
import pandas as pd
import pytest

import reference
import slicekit as sk
from slicekit.distributed import (PartitionedTable, PartitionLostError,
                                  partition_of)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True,
        dashboard_address=":0", silence_logs=logging.CRITICAL)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def frame():
    return reference.random_frame(np.random.default_rng(77), 3000)


@pytest.fixture(scope="module")
def both(client, frame):
    """One Table and a 4-partition table of the same rows."""
    single = sk.Table.from_pandas(frame)
    parted = PartitionedTable.from_pandas(client, frame, 4)
    yield single, parted
    parted.close()


def ids(table, rows):
    return list(table.row_ids(rows))


def assert_same_summary(got, want):
    g, w = got.to_dict(), want.to_dict()
    for key in ("mean_confidence", "mean_iou"):
        if w[key] is None:
            assert g[key] is None
        else:
            assert g[key] == pytest.approx(w[key], rel=1e-12, abs=1e-15)
        del g[key], w[key]
    assert g == w


def test_partition_hash_is_zlib_crc32():
    values = ["r1", "img-42", "ü7", "", "a" * 100]
    for p in (1, 2, 4, 7):
        want = [zlib.crc32(v.encode()) % p for v in values]
        assert partition_of(values, p).tolist() == want
        assert partition_of([v.encode() for v in values], p).tolist() == want
        assert partition_of(np.array([v.encode() for v in values]),
                            p).tolist() == want
        assert partition_of([12, 7], p).tolist() == [
            zlib.crc32(b"12") % p, zlib.crc32(b"7") % p]
    assert partition_of(["r1"], 4).tolist() == [1]  # stable across runs
    with pytest.raises(sk.InvalidArgumentError):
        partition_of(["a"], 0)


def test_partitions_split_the_rows(both, frame):
    single, parted = both
    sizes = parted.partition_sizes()
    assert sum(sizes) == len(frame) == len(parted) and min(sizes) > 500
    assert parted.schema == single.schema


def test_counts_ids_and_orders_match_one_table(both, frame):
    single, parted = both
    rng = np.random.default_rng(11)
    for _ in range(12):
        expr = reference.random_expr(rng)
        selection = sk.scan(single, expr)
        assert parted.count(expr) == selection.count(), str(expr)
        keys = reference.random_keys(rng)
        if rng.random() < 0.3:
            keys = [("data_row_id", bool(rng.integers(0, 2)))]
        offset, limit = int(rng.integers(0, 50)), int(rng.integers(1, 60))
        assert list(parted.row_ids(expr)) == list(
            sk.slice_row_ids(single, expr))
        assert list(parted.row_ids(expr, keys, offset, limit)) == list(
            sk.slice_row_ids(single, expr, keys, offset, limit)), (
                str(expr), keys)


def test_pages_and_cursors_match_one_table(both):
    single, parted = both
    rng = np.random.default_rng(12)
    for _ in range(4):
        expr = reference.random_expr(rng, depth=2)
        keys = reference.random_keys(rng)
        selection = sk.scan(single, expr)
        limit = int(rng.integers(20, 400))
        cursor, pages = "", 0
        while True:
            want = sk.order_page(single, selection, keys, cursor, limit)
            got = parted.order_page(expr, keys, cursor, limit)
            assert list(got.ids) == ids(single, want.rows), (str(expr), keys)
            # The same cursor text: it names the last row's values and id.
            assert got.next_cursor == want.next_cursor
            pages += 1
            if not want.next_cursor:
                break
            cursor = want.next_cursor
    with pytest.raises(sk.InvalidArgumentError, match="page limit 0"):
        parted.order_page("fp >= 1", "fp", "", 0)


def test_summaries_match_one_table(both):
    single, parted = both
    rng = np.random.default_rng(13)
    for _ in range(6):
        expr = reference.random_expr(rng, depth=2)
        assert_same_summary(parted.summarize(expr),
                            sk.summarize(single, sk.scan(single, expr)))
    assert_same_summary(parted.summarize_all(), sk.summarize_all(single))
    assert_same_summary(parted.summarize_dataset("ds2"),
                        sk.summarize_dataset(single, "ds2"))
    cmp = parted.compare_summaries("fp >= 1", "ds4")
    want = sk.compare_summaries(single, sk.scan(single, "fp >= 1"), "ds4")
    assert_same_summary(cmp.slice, want.slice)
    assert_same_summary(cmp.dataset, want.dataset)


def test_saved_slices_explore_and_auto_slices(both, tmp_path):
    single, parted = both
    store = sk.SliceStore.open_sqlite(str(tmp_path / "slices.db"))
    s = store.create("acme", "Confident FPs", "fp >= 1 AND confidence > 0.3",
                     order_by=["confidence desc", "dataset"])
    cursor = ""
    for _ in range(3):
        want = sk.explore(single, s, cursor=cursor, limit=40)
        got = parted.explore(store.get("acme", s.id), cursor=cursor, limit=40)
        assert list(got.ids) == ids(single, want.rows)
        assert got.next_cursor == want.next_cursor
        assert got.total_rows == want.total_rows
        assert_same_summary(got.summary, want.summary)
        cursor = want.next_cursor
    parted_autos = parted.auto_slices(limit=12)
    assert len(parted_autos) == len(sk.auto_slices(single))
    for got, want in zip(parted_autos, sk.auto_slices(single)):
        assert got.auto_slice.name == want.name
        # The same shape as a Table's auto slices.
        assert (got.name, got.description) == (want.name, want.description)
        assert got.filter == want.filter
        assert [(o.column, o.descending) for o in got.order_by] == \
            [(o.column, o.descending) for o in want.order_by]
        assert got.to_slice().filter == want.to_slice().filter
        assert got.count == sk.scan(single, want.filter).count()
        assert list(got.ids) == list(
            sk.slice_row_ids(single, want.to_slice(), limit=12))


def test_errors_are_one_tables_errors(both):
    single, parted = both
    for bad in ("confidense < 0.5", "dataset < 3", "fp >= "):
        with pytest.raises(sk.Error) as want:
            sk.scan(single, bad)
        with pytest.raises(sk.Error) as got:
            parted.count(bad)
        assert (type(got.value), str(got.value)) == (type(want.value),
                                                     str(want.value))
    with pytest.raises(sk.NotFoundError, match="unknown order-by column"):
        parted.row_ids("fp >= 1", "nope")


def test_appends_deletes_and_curation_match_one_table(client, frame):
    rng = np.random.default_rng(14)
    base, extra = frame.iloc[:2000], reference.random_frame(rng, 900,
                                                            first=5000)
    single = sk.Table.from_pandas(base)
    parted = PartitionedTable.from_pandas(client, base, 3)
    try:
        slices = [sk.Slice(name="Misses", filter="fn >= 1", id="s-1"),
                  sk.Slice(name="Car FPs", filter="fp[car] >= 1", id="s-2")]
        curator = sk.Curator(single, slices)
        mark_single = single.end_watermark()
        mark_parted = parted.end_watermark()
        for chunk in (extra.iloc[:500], extra.iloc[500:]):
            single.append(chunk)
            parted.append(chunk)
        report = curator.new_rows_since(mark_single)
        got = parted.new_rows_since(mark_parted, slices)
        for g, w in zip(got, report.slices):
            assert (g.slice_id, g.slice_name) == (w.slice_id, w.slice_name)
            assert list(g.ids) == ids(single, w.rows)
        # Bad batches fail as one table fails, and change nothing.
        bad_batches = [
            extra.iloc[10:12],                                   # live ids
            pd.concat([reference.random_frame(rng, 3, first=9000),
                       reference.random_frame(rng, 1, first=9001)]),
            reference.random_frame(rng, 2, first=9100).assign(
                confidence=[0.5, np.inf]),
        ]
        for batch in bad_batches:
            with pytest.raises(sk.Error) as want:
                single.append(batch)
            with pytest.raises(sk.Error) as got:
                parted.append(batch)
            assert (type(got.value), str(got.value)) == (
                type(want.value), str(want.value))
        assert len(parted) == single.num_live_rows == 2900
        doomed = list(single.row_ids()[::7])
        for bad in ([doomed[0], "no-such-row"], ["no-such-row"]):
            with pytest.raises(sk.NotFoundError) as want:
                single.delete(bad)
            with pytest.raises(sk.NotFoundError) as got:
                parted.delete(bad)
            assert str(got.value) == str(want.value)
        single.delete(doomed)
        parted.delete(doomed)
        single.compact()
        parted.compact()
        assert parted.count("fp >= 1") == sk.count(single, "fp >= 1")
        assert list(parted.row_ids(None, "confidence desc", 0, 50)) == list(
            sk.slice_row_ids(single, "TRUE", "confidence desc", 0, 50))
        some = list(single.row_ids()[[5, 1, 700]])
        want_rows = single.to_pandas([single.find(i) for i in some])
        got_rows = parted.to_pandas(some)
        assert list(got_rows["data_row_id"]) == some
        # Indexed as a Table's frame, with the partition first: each
        # (partition, row) is that row's position in its partition.
        assert list(got_rows.index.names) == ["partition", "row"]
        homes = sk.distributed.partition_of(some, parted.num_partitions)
        assert list(got_rows.index.get_level_values("partition")) == list(
            homes)
        assert got_rows.index.is_unique
        again = parted.to_pandas(list(reversed(some)))
        assert list(again.index) == list(reversed(list(got_rows.index)))
        # An id twice is its row twice, as a position twice is to a Table.
        twice = parted.to_pandas([some[0], some[1], some[0]])
        assert list(twice["data_row_id"]) == [some[0], some[1], some[0]]
        assert twice.index[0] == twice.index[2]
        pd.testing.assert_frame_equal(
            twice.reset_index(drop=True),
            single.to_pandas([single.find(i) for i in
                              (some[0], some[1], some[0])]).reset_index(
                                  drop=True))
        pd.testing.assert_frame_equal(got_rows.reset_index(drop=True),
                                      want_rows.reset_index(drop=True))
        with pytest.raises(sk.NotFoundError, match="no live row"):
            parted.to_pandas([doomed[3]])
    finally:
        parted.close()


def test_from_sources_builds_partitions_on_the_workers(client):
    single = sk.Table.from_pandas(reference.random_frame(
        np.random.default_rng(5), 2000))
    parted = PartitionedTable.from_sources(client, reference.partition_source,
                                           4, single.schema, scan_threads=2)
    try:
        assert len(parted) == 2000
        assert parted.count("fp >= 1 OR iou < 0.2") == sk.count(
            single, "fp >= 1 OR iou < 0.2")
        assert list(parted.row_ids("iou < 0.5", "iou desc", 0, 30)) == list(
            sk.slice_row_ids(single, "iou < 0.5", "iou desc", 0, 30))
        # A source that returns another partition's rows is refused.
        with pytest.raises(sk.InvalidArgumentError, match="belongs to"):
            PartitionedTable.from_sources(
                client, lambda p, n: reference.partition_source(0, n), 4,
                single.schema)
    finally:
        parted.close()


def _pid_of(client, address):
    return client.run(os.getpid)[address]


def _kill_mid_query(client, parted, partition, query):
    """Runs query() while the worker holding `partition` is SIGKILLed in
    the middle of it; returns the result or the exception."""
    pid = _pid_of(client, parted._where[partition])
    parted._test_delay_s = 1.0
    out = {}

    def run():
        try:
            out["result"] = query()
        except Exception as e:  # noqa: BLE001 - the caller checks it
            out["error"] = e

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.4)
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=120)
    parted._test_delay_s = 0.0
    assert not thread.is_alive()
    client.wait_for_workers(2, timeout=60)
    return out


def test_killed_worker_gives_a_retried_correct_answer(client, frame):
    single = sk.Table.from_pandas(frame.iloc[:1500])
    parted = PartitionedTable.from_pandas(client, frame.iloc[:1500], 4)
    try:
        # An append the rebuilt partition must replay from the log.
        single.append(frame.iloc[1500:1700])
        parted.append(frame.iloc[1500:1700])
        expr = "confidence < 0.5 AND fp >= 1"
        out = _kill_mid_query(client, parted, 0,
                              lambda: parted.row_ids(expr, "confidence desc"))
        assert "error" not in out, out.get("error")
        assert parted.rebuilds >= 1  # the answer came after a rebuild
        assert list(out["result"]) == list(
            sk.slice_row_ids(single, expr, "confidence desc"))
        assert parted.count(expr) == sk.count(single, expr)
    finally:
        parted.close()


def test_killed_worker_without_retries_is_a_clear_error(client, frame):
    single = sk.Table.from_pandas(frame.iloc[:1000])
    parted = PartitionedTable.from_pandas(client, frame.iloc[:1000], 4,
                                          max_retries=0)
    try:
        out = _kill_mid_query(client, parted, 1,
                              lambda: parted.count("tp >= 1"))
        assert "result" not in out
        err = out["error"]
        assert isinstance(err, PartitionLostError)
        assert err.code == "UNAVAILABLE"
        assert "lost with their workers" in str(err)
        # Later calls rebuild the partition and answer correctly.
        parted.max_retries = 2
        assert parted.count("tp >= 1") == sk.count(single, "tp >= 1")
        assert parted.rebuilds >= 1
    finally:
        parted.close()
