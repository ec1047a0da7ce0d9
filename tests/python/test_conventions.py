# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""What a Python user expects of any package: signatures, TypeErrors that
name the parameter, os.PathLike paths, picklable values."""

import inspect
import pathlib
import pickle

import pandas as pd
import pytest

import slicekit as sk
from slicekit import _slicekit


class _Wrong:
    """A value no parameter accepts."""


def _extension_callables():
    """(name, callable) of every function and method the extension binds,
    as the package exposes them."""
    out = []
    for name, value in vars(_slicekit).items():
        if name.startswith("__"):
            continue
        if callable(value) and hasattr(value, "__wrapped_builtin__"):
            out.append((name, value))
        elif isinstance(value, type):
            for attr, member in vars(value).items():
                func = member.__func__ if isinstance(member, staticmethod) \
                    else member
                if hasattr(func, "__wrapped_builtin__"):
                    out.append((f"{name}.{attr}", func))
    return out


def test_inspect_signature_works_on_the_functions():
    functions = _extension_callables()
    assert len(functions) > 60
    for name, fn in functions:
        assert isinstance(inspect.signature(fn), inspect.Signature), name
    assert list(inspect.signature(sk.scan).parameters) == [
        "table", "filter", "threads", "begin_row", "end_row", "resolver"]
    assert inspect.signature(sk.scan).parameters["threads"].default == 1
    # The pure-Python ones too.
    for fn in (sk.coco_ap, sk.discover, sk.report, sk.write_report,
               sk.compare, sk.Table.to_pandas, sk.SliceStore.create):
        inspect.signature(fn)


def test_a_wrong_type_is_a_type_error_naming_the_parameter():
    for name, fn in _extension_callables():
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.default is inspect.Parameter.empty and
                  p.kind == p.POSITIONAL_OR_KEYWORD]
        if not params:
            continue
        try:
            fn(*[_Wrong()] * len(params))
        except TypeError as e:
            # The wrapper's message when pybind11 refused the types; the
            # bindings' own TypeErrors for what a handle parameter got.
            text = str(e)
            assert "incompatible function arguments" not in text, name
            assert "Invoked with" not in text, name
        except (sk.Error, ValueError, AttributeError) as e:
            # A handle parameter reached C++, which said what it needs.
            assert "incompatible" not in str(e), (name, e)
        else:
            pytest.fail(f"{name} accepted {len(params)} wrong arguments")
    with pytest.raises(TypeError,
                       match=r"^scan\(\): parameter 'table' must be "
                             r"slicekit\.Table, not str$"):
        sk.scan("metrics.csv", "fp > 1")
    with pytest.raises(TypeError, match=r"SliceStore\.get\(\): parameter "
                                        r"'org' must be str, not int"):
        sk.SliceStore.in_memory().get(1, "x")
    with pytest.raises(TypeError, match="missing a required argument"):
        sk.scan()


def test_paths_are_os_pathlike(tmp_path, coco_dir):
    csv = tmp_path / "m.csv"
    csv.write_text("data_row_id,fp\na,1\nb,0\n")
    assert sk.read_csv(csv).num_rows == 2
    store = sk.SliceStore.open_sqlite(tmp_path / "s.db")
    store.create("org", "FPs", "fp >= 1")
    store.close()
    assert sk.SliceStore.open_sqlite(tmp_path / "s.db", read_only=True).list(
        "org")[0].name == "FPs"
    assert sk.eval_coco(coco_dir / "gt.json", coco_dir / "dets.json",
                        ).num_rows == 300
    with pytest.raises(TypeError, match="path must be a str, bytes or "
                                        "os.PathLike, not int"):
        sk.read_csv(3)


def test_slices_pickle_with_every_field():
    store = sk.SliceStore.in_memory()
    base = store.create("org", "FPs", "fp >= 1")
    s = store.create("org", "Confident FPs",
                     "IN SLICE 'FPs' AND confidence > 0.5",
                     description="d", order_by=["confidence desc", "fp"])
    back = pickle.loads(pickle.dumps(s))
    for field in ("id", "org", "name", "description", "version",
                  "created_at", "updated_at"):
        assert getattr(back, field) == getattr(s, field), field
    assert back.filter == s.filter and str(back.filter) == str(s.filter)
    assert [(k.column, k.descending) for k in back.order_by] == [
        ("confidence", True), ("fp", False)]
    t = sk.Table.from_pandas(pd.DataFrame({
        "data_row_id": ["a", "b"], "fp": [1, 0], "confidence": [0.9, 0.9]}))
    resolver = store.resolver("org")
    assert list(sk.slice_row_ids(t, back, resolver=resolver)) == ["a"]
    assert base.id != back.id


def test_the_functions_pickle_by_reference():
    # Dask ships functions to workers by name.
    for fn in (sk.scan, sk.Table.find, sk.Selection.from_rows,
               sk.SliceStore.in_memory):
        assert pickle.loads(pickle.dumps(fn)) is fn


def test_positions_and_masks_wherever_a_selection_is_taken(rng):
    import reference
    t = sk.Table.from_pandas(reference.random_frame(rng, 200))
    sel = sk.scan(t, "fp >= 1")
    positions = sel.to_numpy()
    mask = t.to_pandas()["fp"].fillna(0).to_numpy() >= 1
    for rows in (positions, list(positions), mask):
        assert list(sk.order_rows(t, rows, "confidence desc")) == list(
            sk.order_rows(t, sel, "confidence desc"))
        assert list(sk.order_page(t, rows, "confidence desc",
                                  limit=7).rows) == list(
            sk.order_page(t, sel, "confidence desc", limit=7).rows)
        assert sk.summarize(t, rows) == sk.summarize(t, sel)
        assert sk.compare_summaries(t, rows).slice == sk.summarize(t, sel)
    with pytest.raises(TypeError, match="not None"):
        sk.order_rows(t, None)


def test_reprs_say_what_the_object_is(tmp_path):
    assert repr(sk.SliceStore.in_memory()) == "<slicekit.SliceStore in memory>"
    path = tmp_path / "s.db"
    store = sk.SliceStore.open_sqlite(path)
    assert repr(store) == f"<slicekit.SliceStore sqlite '{path}'>"
    store.close()
    assert repr(store).endswith("(closed)>")
    reader = sk.SliceStore.open_sqlite(path, read_only=True)
    assert "read-only" in repr(reader)


def _frames_equal(a, b):
    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())


def test_tables_pickle_with_deleted_rows_and_generation(rng):
    import reference
    t = sk.Table.from_pandas(reference.random_frame(rng, 300))
    t.delete([reference.row_id(i) for i in range(0, 300, 7)])
    t.compact()
    t.delete([reference.row_id(1), reference.row_id(2)])
    back = pickle.loads(pickle.dumps(t))
    assert back is not t
    assert (back.num_rows, back.num_live_rows, back.generation) == (
        t.num_rows, t.num_live_rows, t.generation)
    _frames_equal(back, t)
    assert list(back.row_ids()) == list(t.row_ids())
    # The same filter gives the same positions on both.
    for text in ("fp >= 1", "dataset = 'b' OR confidence > 0.5",
                 "precision IS NULL"):
        assert list(sk.scan(back, text)) == list(sk.scan(t, text)), text
    # The copy is a table of its own: changing it leaves the original.
    back.delete([reference.row_id(3)])
    assert back.num_live_rows == t.num_live_rows - 1


def test_selections_pickle_with_their_table(rng):
    import reference
    t = sk.Table.from_pandas(reference.random_frame(rng, 200))
    sel = sk.scan(t, "fp >= 1")
    t.delete([t.row_ids(sel)[0]])  # a selected row deleted after the scan
    t_back, sel_back = pickle.loads(pickle.dumps((t, sel)))
    assert sel_back.table is t_back  # pickled once, shared again
    assert list(sel_back) == list(sel) and sel_back.count() == sel.count()
    assert list(t_back.row_ids(sel_back)) == list(t.row_ids(sel))
    # Alone, a selection brings a copy of its table.
    alone = pickle.loads(pickle.dumps(sel))
    assert list(alone) == list(sel)
    assert alone.table is not sel.table
    # After compact() the unpickled selection is refused as the original.
    t_back.compact()
    with pytest.raises(sk.FailedPreconditionError):
        sel_back.count()


def test_a_damaged_table_pickle_is_a_clear_error(rng):
    import reference
    t = sk.Table.from_pandas(reference.random_frame(rng, 50))
    state = t.__getstate__()
    assert isinstance(state, bytes)
    damaged = bytearray(state)
    damaged[len(damaged) // 2] ^= 0x10
    for bad in (bytes(damaged), state[: len(state) // 2], b"", b"nonsense"):
        with pytest.raises(sk.Error):
            sk.Table.__new__(sk.Table).__setstate__(bad)


def test_a_bad_selection_pickle_is_a_clear_error(rng):
    import reference
    t = sk.Table.from_pandas(reference.random_frame(rng, 20))
    sel = sk.scan(t, "fp >= 0")
    _, positions, num_rows, generation = sel.__getstate__()
    for bad, says in (
            ((t, positions, 21, generation), "covers 21 rows"),
            ((t, positions[:-1], num_rows, generation), "uint32"),
            ((t, (99).to_bytes(4, "little"), num_rows, generation),
             "position 99"),
            (("t", positions, num_rows, generation), "expected"),
            ((t, positions), "expected")):
        with pytest.raises(sk.InvalidArgumentError, match=says):
            sk.Selection.__new__(sk.Selection).__setstate__(bad)
