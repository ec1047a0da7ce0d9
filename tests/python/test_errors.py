# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Errors are slicekit.Error subclasses with the C++ code and message; they
pickle (Dask ships them); random garbage into every entry point raises
one, or a TypeError/ValueError, and never crashes the interpreter."""

import pickle

import numpy as np
import pytest

import reference
import slicekit as sk


def test_error_classes_codes_and_pickling():
    with pytest.raises(sk.Error) as e:
        sk.parse_filter("fp >")
    err = e.value
    assert type(err) is sk.InvalidArgumentError
    assert (err.code, err.message, str(err)) == (
        "INVALID_ARGUMENT", "at 4: expected a value after '>'",
        "at 4: expected a value after '>'")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is sk.InvalidArgumentError
    assert (again.code, again.message) == (err.code, err.message)
    assert issubclass(sk.NotFoundError, LookupError)
    assert issubclass(sk.InvalidArgumentError, ValueError)
    from slicekit._errors import make_error
    assert type(make_error("DATA_LOSS", "x")) is sk.DataLossError
    assert type(make_error("SOMETHING_NEW", "x")) is sk.Error


def _garbage(rng, n):
    alphabet = list(b"()'\"=<>!,[]{}:.0123456789eE-+ aAfnpNOTINULLBETWEEN\n\x00"
                    ) + [0xC3, 0xA9, 0xFF]
    return bytes(rng.choice(alphabet, n).astype(np.uint8))


def test_garbage_never_crashes(rng):
    table = sk.Table.from_pandas(reference.random_frame(rng, 300))
    allowed = (sk.Error, TypeError, ValueError)
    for _ in range(400):
        text = _garbage(rng, int(rng.integers(0, 40)))
        for call in (
                lambda: sk.scan(table, text),
                lambda: sk.filter_from_json(text.decode("latin-1")),
                lambda: sk.read_csv_text(b"data_row_id,x\n" + text),
                lambda: sk.order_page(table, table.live_rows(), "fp",
                                      text.decode("latin-1"), 5),
                lambda: sk.normalize_slice_name(text.decode("utf-8",
                                                            "replace")),
        ):
            try:
                call()
            except allowed:
                pass
    # Odd payloads into the table builder.
    for data in ({"data_row_id": [b"\xff\xfe", "x"]},
                 {"data_row_id": ["a"], "v": [object()]},
                 {"data_row_id": ["a"], "v": [[1, 2]]},
                 {"data_row_id": np.array([["a"]])}):
        try:
            sk.Table.from_pandas(data)
        except allowed:
            pass


def test_non_utf8_ids_round_trip(rng):
    ids = [b"\xff\x00a", "é".encode(), b"plain"]
    table = sk.Table.from_arrays({"data_row_id": np.array(ids, dtype=object),
                                  "fp": np.array([1, 2, 3])})
    got = table.row_ids()
    assert [g.encode("utf-8", "surrogateescape") for g in got] == ids
    assert table.find(got[0]) == 0 and table.find(b"\xff\x00a") == 0
    frame = table.to_pandas()
    assert frame["data_row_id"].tolist() == list(got)
