# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""What the SliceStore refuses so that what it keeps reads back as saved
and binds (issue 19), surfaced as slicekit errors with the C++ messages:
text that is not UTF-8 (str with surrogateescape), invisible names, chains
of IN SLICE deeper than evaluation goes, damaged store text, and messages
with NUL bytes."""

import sqlite3

import pytest

import slicekit as sk


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        s = sk.SliceStore.in_memory()
    else:
        s = sk.SliceStore.open_sqlite(str(tmp_path / "slices.db"))
    yield s
    s.close()


def test_refuses_what_it_would_not_keep_exactly(store):
    # "\udcfc" is the byte 0xFC (Latin-1 u-umlaut) under surrogateescape.
    with pytest.raises(sk.InvalidArgumentError) as e:
        store.create("acme", "Munich", "dataset = 'M\udcfcnchen'")
    assert e.value.message == (
        "filter cannot be stored: the string 'M\\xFCnchen' (column "
        "'dataset') is not valid UTF-8 (byte 2)")
    with pytest.raises(sk.InvalidArgumentError,
                       match=r"invisible or format character \(U\+200B\)"):
        store.create("acme", "ab\u200bc", "fp >= 1")
    store.create("acme", "\U0001F468\u200D\U0001F469\u200D\U0001F467",
                 "fp >= 1")
    with pytest.raises(sk.AlreadyExistsError,
                       match="ignoring invisible characters"):
        store.create("acme", "\U0001F468\U0001F469\U0001F467", "fp >= 1")
    assert len(store.list("acme")) == 1


def test_refuses_a_chain_bind_could_not_evaluate(store):
    store.create("acme", "s000", "tp >= 0")
    with pytest.raises(sk.InvalidArgumentError) as e:
        for i in range(1, 100):
            store.create("acme", f"s{i:03d}",
                         f"IN SLICE 's{i - 1:03d}' AND NOT (NOT (tp >= 0))")
    assert "nested deeper than 128 levels" in e.value.message
    assert "'s064' -> 's063'" in e.value.message
    assert len(store.list("acme")) == 64


def test_damaged_store_text_is_data_loss(tmp_path):
    path = str(tmp_path / "slices.db")
    store = sk.SliceStore.open_sqlite(path)
    store.create("acme", "Cars", "fp >= 1")
    store.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE slices SET name = CAST(X'4361C072' AS TEXT)")
    db.commit()
    db.close()
    store = sk.SliceStore.open_sqlite(path)
    with pytest.raises(sk.DataLossError, match="name is not valid UTF-8"):
        store.list("acme")
    store.close()


def test_messages_show_a_nul_escaped():
    with pytest.raises(sk.InvalidArgumentError) as e:
        sk.parse_filter("a = 1 'a\x00b'")
    assert e.value.message == (
        "at 6: unexpected ''a\\x00b'' after a complete filter")
