# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Tables: CSV, NumPy arrays and pandas DataFrames in; NumPy and pandas
out; append, delete, compact; every bad input a slicekit.Error."""

import numpy as np
import pandas as pd
import pytest

import reference
import slicekit as sk


def test_csv_file_and_text_load_the_same_table(tmp_path):
    text = ("data_row_id,dataset,tp,fp,confidence,note\n"
            "a,ds1,1,0,0.5,x\n"
            "b,,2,1,,y\n"
            "c,ds2,0,3,0.25,\n")
    path = tmp_path / "m.csv"
    path.write_text(text)
    a = sk.read_csv(str(path))
    b = sk.read_csv_text(text)
    assert a.schema == b.schema == [
        ("data_row_id", "id"), ("dataset", "categorical"), ("tp", "int"),
        ("fp", "int"), ("confidence", "float"), ("note", "categorical")]
    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
    frame = a.to_pandas()
    assert list(frame["data_row_id"]) == ["a", "b", "c"]
    assert frame["dataset"].tolist() == ["ds1", None, "ds2"]
    assert frame["tp"].tolist() == [1, 2, 0]
    assert np.isnan(frame["confidence"][1])
    assert frame["confidence"].dtype == np.float32
    assert str(frame["fp"].dtype) == "Int64"


def test_csv_errors_name_file_line_and_column(tmp_path):
    with pytest.raises(sk.InvalidArgumentError) as e:
        sk.read_csv_text("data_row_id,tp\na,1\nb,x\n", source_name="m.csv")
    assert e.value.code == "INVALID_ARGUMENT"
    assert str(e.value).startswith("m.csv:3:")
    assert "column 'tp'" in str(e.value)
    with pytest.raises(sk.NotFoundError) as e:
        sk.read_csv(str(tmp_path / "missing.csv"))
    assert "missing.csv" in str(e.value)


def test_from_pandas_types_and_nulls():
    df = pd.DataFrame({
        "data_row_id": ["a", "b", "c"],
        "tp": [1.0, np.nan, 3.0],            # standard: int, NaN is NULL
        "confidence": [1, 0, 1],             # standard: float
        "dataset": pd.Categorical(["x", None, "y"]),
        "score": [0.5, np.nan, -0.0],        # inferred float
        "count": pd.array([1, None, 3], dtype="Int64"),
        "flag": [True, False, True],         # bool -> int
        "label": ["p", None, "q"],           # object -> categorical
    })
    t = sk.Table.from_pandas(df)
    assert dict(t.schema) == {
        "data_row_id": "id", "tp": "int", "confidence": "float",
        "dataset": "categorical", "score": "float", "count": "int",
        "flag": "int", "label": "categorical"}
    out = t.to_pandas()
    assert out["tp"].tolist()[0] == 1 and out["tp"].isna().tolist() == [
        False, True, False]
    assert out["confidence"].tolist() == [1.0, 0.0, 1.0]
    assert out["dataset"].tolist() == ["x", None, "y"]
    assert out["count"].isna().tolist() == [False, True, False]
    assert out["flag"].tolist() == [1, 0, 1]
    assert out["label"].tolist() == ["p", None, "q"]
    assert np.signbit(out["score"].iloc[2])


def test_from_arrays_fast_paths_match_pandas():
    n = 1000
    ids = np.array([b"id-%05d" % i for i in range(n)])  # NumPy "S": no objects
    conf = np.linspace(0, 1, n, dtype=np.float32)
    fp = np.arange(n) % 4
    a = sk.Table.from_arrays({"data_row_id": ids, "confidence": conf,
                              "fp": fp})
    b = sk.Table.from_pandas(pd.DataFrame({
        "data_row_id": [i.decode() for i in ids], "confidence": conf,
        "fp": fp}))
    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
    # Integer ids are stored as their decimal text.
    c = sk.Table.from_arrays({"data_row_id": np.arange(5), "fp": np.ones(5)})
    assert list(c.row_ids()) == ["0", "1", "2", "3", "4"]
    assert c.find(3) == 3 and c.find("3") == 3


def test_random_frame_round_trips_through_pandas(rng):
    frame = reference.random_frame(rng, 3000)
    t = sk.Table.from_pandas(frame, chunk_rows=256)
    out = t.to_pandas()
    assert list(out.columns) == list(frame.columns)
    for name in frame.columns:
        got, want = out[name], frame[name]
        if name in reference.FLOAT_COLUMNS:
            np.testing.assert_array_equal(
                got.to_numpy(),
                want.to_numpy(dtype=np.float64).astype(np.float32))
        else:
            assert got.isna().tolist() == want.isna().tolist(), name
            assert [v for v in got if not pd.isna(v)] == \
                [v for v in want if not pd.isna(v)], name
    # CSV export reads back equal.
    again = sk.read_csv_text(sk.export_rows(t, format="csv"))
    assert again.schema == t.schema
    pd.testing.assert_frame_equal(again.to_pandas(), out)


def test_bad_values_are_errors_not_crashes():
    cases = [
        ({"data_row_id": ["a", "a"]}, "duplicate data_row_id 'a'"),
        ({"data_row_id": ["a", None]}, "batch row 1: data_row_id is NULL"),
        ({"data_row_id": ["a", ""]}, "batch row 1: data_row_id is empty"),
        ({"data_row_id": ["a"], "confidence": [np.inf]},
         "batch row 0, column 'confidence': value inf is not finite"),
        ({"data_row_id": ["a", "b"], "tp": [1, 1.5]},
         "column 'tp', row 1: value 1.5 is not an integer"),
        ({"data_row_id": ["a"], "tp": [2.0**70]},
         "column 'tp', row 0: value 1.1805916207174113e+21 is out of the "
         "int64 range"),
        ({"data_row_id": ["a"], "tp": ["x"]},
         "column 'tp', row 0: value 'x' is not an integer"),
        ({"confidence": [1.0]}, "data_row_id"),
        ({"data_row_id": ["a"], "when": pd.to_datetime(["2024-01-01"])},
         "column 'when': cannot store values of dtype datetime64[ns]"),
    ]
    for data, message in cases:
        with pytest.raises(sk.InvalidArgumentError) as e:
            sk.Table.from_pandas(pd.DataFrame(data))
        assert message in str(e.value), (data, str(e.value))
    with pytest.raises(sk.InvalidArgumentError, match="unknown column type"):
        sk.Table.from_pandas(pd.DataFrame({"data_row_id": ["a"]}),
                             types={"data_row_id": "text"})
    with pytest.raises(sk.InvalidArgumentError, match="chunk_rows is 100"):
        sk.Table.from_pandas(pd.DataFrame({"data_row_id": ["a"]}),
                             chunk_rows=100)
    with pytest.raises(TypeError):
        sk.Table.from_pandas([1, 2, 3])
    # Payloads the package never builds are refused by the extension too.
    with pytest.raises(ValueError):
        sk.Table._from_columns([("data_row_id", "id", "floats",
                                 np.zeros(1, np.float32), None)])
    with pytest.raises(sk.InvalidArgumentError, match="category code 5"):
        sk.Table._from_columns([("data_row_id", "id", "codes",
                                 np.array([5]), [b"a"])])
    with pytest.raises(sk.InvalidArgumentError, match="has 2 values"):
        sk.Table._from_columns([
            ("data_row_id", "id", "codes", np.array([0]), [b"a"]),
            ("x", "int", "ints", np.array([1, 2]), None)])


def test_append_delete_compact_and_positions():
    t = sk.Table.from_pandas(pd.DataFrame({"data_row_id": ["a", "b", "c"],
                                           "fp": [0, 1, 2]}))
    mark = t.end_watermark()
    t.append(pd.DataFrame({"fp": [3, None], "data_row_id": ["d", "e"]}))
    assert (t.num_rows, t.num_live_rows, mark.row) == (5, 5, 3)
    with pytest.raises(sk.InvalidArgumentError,
                       match="batch row 0: data_row_id 'a' already exists"):
        t.append({"data_row_id": ["a"], "fp": [1]})
    with pytest.raises(sk.InvalidArgumentError, match="missing \\['fp'\\]"):
        t.append({"data_row_id": ["z"]})
    assert t.num_rows == 5  # nothing appended
    with pytest.raises(sk.NotFoundError,
                       match="no live row has data_row_id 'zz'"):
        t.delete(["b", "zz"])
    assert t.num_live_rows == 5  # nothing deleted
    t.delete(["b", "d"])
    assert t.find("b") is None and t.find("c") == 2
    np.testing.assert_array_equal(t.find_many(["a", "b", "e"]), [0, -1, 4])
    assert list(t.row_ids()) == ["a", "c", "e"]
    assert list(t.row_ids([1])) == ["b"]  # deleted rows stay readable
    old = t.live_rows()
    stats = t.compact()
    assert stats["rows_removed"] == 2 and t.generation == 1
    assert list(t.row_ids()) == ["a", "c", "e"]
    with pytest.raises(sk.FailedPreconditionError):
        sk.order_rows(t, old, "fp")
    # A selection from before the compaction names moved positions: every
    # reader refuses it rather than read past the table.
    for read in (t.row_ids, t.to_pandas,
                 lambda rows: sk.Selection.from_rows(t, rows)):
        with pytest.raises(sk.FailedPreconditionError, match="compacted"):
            read(old)
    with pytest.raises(sk.InvalidArgumentError, match="row position 3 is out"):
        t.row_ids([3])
    with pytest.raises(sk.InvalidArgumentError, match="out of range"):
        t.to_pandas([-1])


def test_selection_to_numpy_and_from_rows(rng):
    t = sk.Table.from_pandas(reference.random_frame(rng, 500))
    sel = sk.Selection.from_rows(t, [5, 7, 400])
    assert sel.count() == len(sel) == 3 and 7 in sel and 8 not in sel
    assert sel.to_numpy().dtype == np.uint32
    np.testing.assert_array_equal(sel.to_numpy(), [5, 7, 400])
    other = sk.Table.from_pandas(reference.random_frame(rng, 500))
    with pytest.raises(sk.InvalidArgumentError, match="another table"):
        sk.order_rows(other, sel, "fp")
    with pytest.raises(sk.InvalidArgumentError, match="another table"):
        sk.summarize(other, sel)
    # A Selection reads like its positions; another table's is refused, and
    # rows that are not numbers are a TypeError, not an internal error.
    assert list(t.row_ids(sel)) == list(t.row_ids([5, 7, 400]))
    with pytest.raises(sk.InvalidArgumentError, match="another table"):
        other.row_ids(sel)
    with pytest.raises(TypeError, match="sequence or NumPy array"):
        t.row_ids(object())


def test_memory_and_columns(rng):
    t = sk.Table.from_pandas(reference.random_frame(rng, 2000))
    assert t.memory_bytes() > sum(t.column_bytes(c) for c in t.columns) / 2
    assert len(t) == 2000
    with pytest.raises(sk.NotFoundError, match="did you mean 'confidence'"):
        t.column_bytes("confidense")
    np.testing.assert_array_equal(
        t.column("tp[car]")[:5],
        t.to_pandas()["tp[car]"].to_numpy(dtype=np.int64)[:5])


def test_a_one_row_table_pickles_to_itself():
    import pickle
    t = sk.Table.from_pandas(pd.DataFrame({"data_row_id": ["a"]}))
    back = pickle.loads(pickle.dumps(t))
    assert list(back.row_ids()) == ["a"] and back.schema == t.schema


def test_unaligned_arrays_are_read_correctly():
    # Unpickled arrays (Dask ships partitions' rows) can be unaligned; the
    # extension must not read them through a misaligned pointer (UBSan
    # caught that once).
    raw = np.zeros(8 * 6 + 1, np.uint8)
    ints = raw[1:].view(np.int64)
    ints[:] = [5, -1, 7, 2**40, 0, 3]
    raw2 = np.zeros(4 * 6 + 1, np.uint8)
    floats = raw2[1:].view(np.float32)
    floats[:] = [0.5, 0.25, -0.0, 1, 2, 3]
    assert not ints.flags.aligned and not floats.flags.aligned
    t = sk.Table.from_arrays({"data_row_id": ints, "x": ints, "f": floats})
    assert list(t.row_ids()) == ["5", "-1", "7", str(2**40), "0", "3"]
    assert t.to_pandas()["x"].tolist() == ints.tolist()
    np.testing.assert_array_equal(t.column("f"), floats)
    raw3 = np.zeros(8 * 2 + 1, np.uint8)
    positions = raw3[1:].view(np.int64)
    positions[:] = [1, 2]
    assert not positions.flags.aligned
    np.testing.assert_array_equal(
        sk.Selection.from_rows(t, positions).to_numpy(), [1, 2])
