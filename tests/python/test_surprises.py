# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The answers a pandas user could get wrong without noticing: boolean
masks as selections, selections after deletes, slice edits keeping the
saved order, slice filters checked against a table, float ids, and no
warning leaking from the package."""

import warnings

import numpy as np
import pandas as pd
import pytest

import reference
import slicekit as sk


def _mask_entry_points(t):
    """Each entry point that takes rows, as rows -> the positions it read
    (or the ids, which name them)."""
    return {
        "to_pandas": lambda rows: list(t.to_pandas(rows).index),
        "from_rows": lambda rows: list(sk.Selection.from_rows(t, rows)),
        "row_ids": lambda rows: list(t.row_ids(rows)),
        "column": lambda rows: list(t.column("data_row_id", rows)),
        "export_rows": lambda rows: sk.export_rows(t, rows, "ndjson"),
    }


@pytest.mark.parametrize("deleted", [0, 7])
def test_a_boolean_mask_selects_its_true_rows_at_every_entry_point(
        rng, deleted):
    t = sk.Table.from_pandas(reference.random_frame(rng, 300))
    if deleted:
        t.delete([reference.row_id(i) for i in rng.choice(300, deleted,
                                                             replace=False)])
    frame = t.to_pandas()  # the live rows, as a user's DataFrame
    for trial in range(5):
        if trial == 0:
            mask = (frame["fp"] >= 3).fillna(False).to_numpy(dtype=bool)
        else:
            mask = rng.random(len(frame)) < rng.random()
        want = frame.index.to_numpy()[mask]  # the reference: the frame's
        ids = list(frame["data_row_id"].to_numpy()[mask])
        for name, read in _mask_entry_points(t).items():
            got = read(mask)
            if name in ("row_ids", "column"):
                assert got == ids, name
            elif name == "export_rows":
                assert got == sk.export_rows(t, want, "ndjson"), name
            else:
                assert got == list(want), name
        # A pandas Series, a list of bools and a nullable boolean Series
        # without missing values (to_numpy() gives objects) are masks too.
        assert list(t.row_ids(pd.Series(mask))) == ids
        assert list(t.row_ids(mask.tolist())) == ids
        nullable = pd.array(mask, dtype="boolean")
        assert list(t.row_ids(nullable)) == ids
        assert list(t.row_ids(pd.Series(nullable).to_numpy())) == ids
    # With rows deleted, a mask over every position also works.
    positions = np.zeros(t.num_rows, dtype=bool)
    positions[[0, 5]] = True
    assert list(t.to_pandas(positions).index) == [0, 5]


def test_a_boolean_array_of_another_length_is_a_type_error(rng):
    t = sk.Table.from_pandas(reference.random_frame(rng, 20))
    for name, read in _mask_entry_points(t).items():
        for bad in (np.ones(19, dtype=bool), np.ones(21, dtype=bool),
                    np.ones((4, 5), dtype=bool), [True, False]):
            with pytest.raises(TypeError, match="boolean mask"):
                read(bad)
        with pytest.raises(TypeError, match="missing values"):
            read(pd.array([True] * 19 + [None], dtype="boolean"))


def test_a_selection_means_live_rows_after_a_delete(rng):
    t = sk.Table.from_pandas(reference.random_frame(rng, 50))
    sel = sk.scan(t, "TRUE")
    some = sk.Selection.from_rows(t, [1, 2, 3, 4, 5])
    t.delete([reference.row_id(3), reference.row_id(40)])
    assert some.count() == len(some) == sk.summarize(t, some).rows == 4
    assert 3 not in some and list(some) == [1, 2, 4, 5]
    np.testing.assert_array_equal(some.to_numpy(), [1, 2, 4, 5])
    assert reference.row_id(3) not in list(t.row_ids(some))
    assert list(t.to_pandas(some).index) == [1, 2, 4, 5]
    assert sel.count() == 48 == len(t.to_pandas(sel))
    assert sel == sk.scan(t, "TRUE")
    assert "4 of 50" in repr(some)
    # After compact() every use is refused.
    t.compact()
    for use in (some.count, lambda: list(some), some.to_numpy,
                lambda: 1 in some, lambda: t.row_ids(some)):
        with pytest.raises(sk.FailedPreconditionError, match="compacted"):
            use()
    assert "compacted" in repr(some)


def test_selections_combine_like_sets_of_live_rows(rng):
    n = 400
    t = sk.Table.from_pandas(reference.random_frame(rng, n))
    gone = rng.choice(n, 30, replace=False)
    t.delete([reference.row_id(i) for i in gone])
    live = set(range(n)) - set(gone.tolist())
    for _ in range(5):
        a_rows = set(rng.choice(n, rng.integers(0, n), replace=False).tolist())
        b_rows = set(rng.choice(n, rng.integers(0, n), replace=False).tolist())
        a = sk.Selection.from_rows(t, sorted(a_rows))
        b = sk.Selection.from_rows(t, sorted(b_rows))
        assert list(a & b) == sorted(a_rows & b_rows & live)
        assert list(a | b) == sorted((a_rows | b_rows) & live)
        assert list(~a) == sorted(live - a_rows)
        assert (~a).count() == len(live - a_rows)
    other = sk.Table.from_pandas(reference.random_frame(rng, 5))
    with pytest.raises(sk.InvalidArgumentError, match="another table"):
        a & other.live_rows()


def _store_with_ordered_slice():
    store = sk.SliceStore.in_memory()
    s = store.create("org", "Confident", "confidence > 0.5",
                     order_by="confidence desc")
    return store, s


def test_update_filter_keeps_the_saved_order_unless_given():
    store, s = _store_with_ordered_slice()
    want = [(k.column, k.descending) for k in s.order_by]
    assert want == [("confidence", True)]
    kept = store.update_filter("org", s.id, "confidence > 0.7")
    assert [(k.column, k.descending) for k in kept.order_by] == want
    new = store.update_filter_as_new("org", s.id, "Very", "confidence > 0.9")
    assert [(k.column, k.descending) for k in new.order_by] == want
    changed = store.update_filter("org", s.id, "confidence > 0.7",
                                  order_by="fp")
    assert [(k.column, k.descending) for k in changed.order_by] == [
        ("fp", False)]
    cleared = store.update_filter("org", s.id, "confidence > 0.7",
                                  order_by=[])
    assert list(cleared.order_by) == []
    # A stale expected_version still fails when the order is kept.
    with pytest.raises(sk.FailedPreconditionError):
        store.update_filter("org", s.id, "fp > 1", expected_version=1)


def test_create_with_a_table_checks_the_filter_first(rng):
    t = sk.Table.from_pandas(pd.DataFrame({
        "data_row_id": ["a", "b", "c"], "dataset": ["drone", "car", "car"],
        "confidence": [0.1, 0.9, 0.5]}))
    store = sk.SliceStore.in_memory()
    with pytest.raises(sk.NotFoundError, match="did you mean 'confidence'"):
        store.create("org", "Bad", "confidense > 1", table=t)
    assert store.list("org") == []  # nothing saved
    with pytest.raises(sk.InvalidArgumentError):
        store.create("org", "Bad", "dataset > 1", table=t)
    with pytest.warns(sk.FilterWarning,
                      match="no value 'dron' \\(did you mean 'drone'\\?\\)"):
        s = store.create("org", "Drones", "dataset = 'dron'", table=t)
    # Saved all the same: the value may come with later data.
    assert store.get("org", s.id).name == "Drones"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = store.create("org", "Cars", "dataset IN ('car', 'bus')", table=t)
        store.create("org", "None yet", "confidence > 5", table=t)
    with pytest.raises(sk.NotFoundError, match="did you mean"):
        store.update_filter("org", ok.id, "confidense > 1", table=t)
    with pytest.raises(sk.NotFoundError, match="did you mean"):
        store.update_filter_as_new("org", ok.id, "X", "confidense > 1",
                                   table=t)
    assert store.get("org", ok.id).version == 1
    with pytest.raises(TypeError, match="table must be a slicekit.Table"):
        store.create("org", "Y", "fp > 1", table="metrics.csv")


def test_a_float_id_that_is_an_integer_is_its_int_text():
    t = sk.Table.from_pandas(pd.DataFrame({"data_row_id": [1.0, 2.0, 30.0],
                                           "fp": [0, 1, 2]}))
    assert list(t.row_ids()) == ["1", "2", "30"]
    assert t.find(30) == 2
    mixed = sk.Table.from_pandas(pd.DataFrame({
        "data_row_id": pd.Series(["a", 2.0, 3], dtype=object), "fp": [0, 1, 2]}))
    assert list(mixed.row_ids()) == ["a", "2", "3"]
    for bad in ([1.0, 1.5], pd.Series(["a", 0.5], dtype=object)):
        with pytest.raises(sk.InvalidArgumentError,
                           match="row 1: value 0?1?.5 is not an integer"):
            sk.Table.from_pandas(pd.DataFrame({"data_row_id": bad,
                                               "fp": [0, 1]}))


def test_no_warning_leaks_from_the_package(rng):
    frame = reference.random_frame(rng, 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = sk.Table.from_pandas(frame)
        t.append(reference.random_frame(rng, 5, first=40))
        sk.Table.from_pandas({"data_row_id": [], "fp": []})
        sk.Table.from_pandas({"data_row_id": ["a"], "note": [None]})
        t.to_pandas()
        t.to_pandas([])
        t.column("fp")
        empty = sk.Table.from_pandas(frame.iloc[:0])
        empty.to_pandas()
