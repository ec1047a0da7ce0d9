# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Bind/Scan and ordering through the bindings, against the NumPy
reference (tests/python/reference.py) on random tables and filters."""

import threading

import numpy as np
import pytest

import reference
import slicekit as sk
from slicekit import col


@pytest.fixture
def data(rng):
    frame = reference.random_frame(rng, 1500)
    return frame, sk.Table.from_pandas(frame, chunk_rows=128)


def test_scan_matches_the_reference_on_random_filters(rng, data):
    frame, table = data
    for _ in range(150):
        expr = reference.random_expr(rng)
        want = reference.matching_positions(frame, expr)
        bound = sk.bind(expr, table)
        got = bound.scan(threads=int(rng.integers(1, 3)))
        np.testing.assert_array_equal(got.to_numpy(), want, err_msg=str(expr))
        assert sk.scan(table, str(expr)).count() == len(want)


def test_scan_many_and_row_ranges(rng, data):
    frame, table = data
    exprs = [reference.random_expr(rng) for _ in range(10)]
    bound = [sk.bind(e, table) for e in exprs]
    for e, sel in zip(exprs, sk.scan_many(bound, begin_row=100, end_row=900)):
        want = reference.matching_positions(frame, e)
        np.testing.assert_array_equal(sel.to_numpy(),
                                      want[(want >= 100) & (want < 900)])
    other = sk.Table.from_pandas(frame)
    with pytest.raises(sk.InvalidArgumentError, match="one table"):
        sk.scan_many([bound[0], sk.bind(exprs[0], other)])
    with pytest.raises(sk.InvalidArgumentError, match="threads"):
        bound[0].scan(threads=0)


def test_bind_errors_are_the_cpp_messages(data):
    _, table = data
    with pytest.raises(sk.NotFoundError) as e:
        sk.bind("confidense < 0.5", table)
    assert str(e.value) == (
        "unknown column 'confidense' (did you mean 'confidence'?)")
    assert e.value.code == "NOT_FOUND"
    with pytest.raises(sk.InvalidArgumentError):
        sk.bind(col("dataset") < 3, table)
    with pytest.raises(sk.NotFoundError, match="known classes: car"):
        sk.bind(col("fp")["truck"] >= 1, table)
    with pytest.raises(sk.InvalidArgumentError):
        sk.bind(col("confidence") < float("inf"), table)
    with pytest.raises(TypeError):
        sk.bind(42, table)


def test_order_rows_matches_the_reference(rng, data):
    frame, table = data
    for _ in range(40):
        expr = reference.random_expr(rng, depth=2)
        keys = reference.random_keys(rng)
        selection = sk.scan(table, expr)
        want = reference.reference_order(
            frame, reference.matching_positions(frame, expr), keys)
        got = sk.order_rows(table, selection, keys)
        assert got.dtype == np.uint32
        assert got.tolist() == want, (str(expr), keys)
        offset, limit = int(rng.integers(0, 30)), int(rng.integers(0, 30))
        page = sk.order_rows(table, selection, keys, offset, limit)
        assert page.tolist() == want[offset:offset + limit]


def test_order_pages_concatenate_and_cursors_resume_anywhere(rng, data):
    frame, table = data
    for _ in range(10):
        keys = reference.random_keys(rng)
        selection = sk.scan(table, reference.random_expr(rng, depth=2))
        full = sk.order_rows(table, selection, keys).tolist()
        rows, cursor, limit = [], "", int(rng.integers(1, 60))
        while True:
            page = sk.order_page(table, selection, keys, cursor, limit)
            rows += page.rows.tolist()
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert rows == full
        if full:
            j = int(rng.integers(0, len(full)))
            after = sk.order_cursor(table, keys, full[j])
            assert sk.order_page(table, selection, keys, after,
                                 5).rows.tolist() == full[j + 1:j + 6]
    with pytest.raises(sk.InvalidArgumentError, match="malformed cursor"):
        sk.order_page(table, table.live_rows(), "fp", "!!", 5)
    with pytest.raises(sk.InvalidArgumentError, match="page limit 0"):
        sk.order_page(table, table.live_rows(), "fp", "", 0)
    with pytest.raises(sk.NotFoundError, match="unknown order-by column"):
        sk.order_rows(table, table.live_rows(), "nope")


def test_threads_share_a_table_while_it_grows(rng):
    """Scans in several Python threads while another appends: every scan
    sees a consistent table (a prefix of the appends), nothing crashes."""
    frame = reference.random_frame(rng, 2000)
    table = sk.Table.from_pandas(frame.iloc[:500])
    expr = col("fp") >= 1
    errors = []
    seen = []

    def scanner():
        try:
            for _ in range(30):
                n = table.num_rows
                count = sk.scan(table, expr, end_row=n).count()
                want = len(reference.matching_positions(
                    frame.iloc[:n].reset_index(drop=True), expr))
                seen.append((n, count, want))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=scanner) for _ in range(3)]
    for t in threads:
        t.start()
    for start in range(500, 2000, 250):
        table.append(frame.iloc[start:start + 250])
    for t in threads:
        t.join()
    assert not errors
    assert all(count == want for _, count, want in seen)
