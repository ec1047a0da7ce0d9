# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The slice store's history, snapshots, diffs and alert rules from Python:
the same answers as the C++ store (checked here against what the table
says directly), on both backends."""

import pytest

import slicekit as sk


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    s = (sk.SliceStore.in_memory() if request.param == "memory"
         else sk.SliceStore.open_sqlite(str(tmp_path / "slices.db")))
    yield s
    s.close()


def _table(rows):
    text = "data_row_id,confidence,fp\n" + "".join(
        f"r{i:04d},{(i % 10) / 10},{i % 3}\n" for i in rows)
    return sk.read_csv_text(text)


def test_history_restore_delete_purge(store):
    s = store.create("acme", "Low conf", "confidence < 0.5")
    store.update_filter("acme", s.id, "confidence < 0.3")
    store.rename("acme", s.id, "Very low conf")
    history = store.history("acme", s.id)
    assert [v.version for v in history] == [1, 2, 3]
    assert [v.change for v in history] == ["created", "filter_updated",
                                           "renamed"]
    assert history[0].filter == sk.parse_filter("confidence < 0.5")
    restored = store.restore("acme", s.id, 1, actor="ana")
    assert restored.version == 4
    assert restored.name == "Low conf"
    last = store.history("acme", s.id)[-1]
    assert (last.change, last.restored_from, last.actor) == ("restored", 1,
                                                             "ana")
    with pytest.raises(sk.InvalidArgumentError):
        store.restore("acme", s.id, 4)  # the current version
    with pytest.raises(sk.FailedPreconditionError):
        store.purge("acme", s.id)  # live
    store.delete("acme", s.id)
    deleted = store.list_deleted("acme")
    assert [(d.slice_id, d.change) for d in deleted] == [(s.id, "deleted")]
    store.purge("acme", s.id)
    assert store.list_deleted("acme") == []
    with pytest.raises(sk.NotFoundError):
        store.history("acme", s.id)


def test_snapshots_and_diffs(store):
    s = store.create("acme", "Has FPs", "fp >= 1")
    before = _table(range(0, 300))
    after = _table(range(30, 330))
    first = store.snapshot("acme", s.id, before, table_name="day 1",
                           actor="cron")
    second = store.snapshot("acme", s.id, after, table_name="day 2")
    members = lambda t: sorted(  # noqa: E731
        t.row_ids(sk.scan(t, "fp >= 1")))
    assert store.snapshot_members("acme", first.id) == members(before)
    assert first.summary.rows == len(members(before))
    assert (first.table_name, first.actor) == ("day 1", "cron")
    assert [x.id for x in store.list_snapshots("acme", s.id)] == [first.id,
                                                                  second.id]
    diff = store.diff("acme", first.id, second.id)
    assert diff.entered == sorted(set(members(after)) - set(members(before)))
    assert diff.left == sorted(set(members(before)) - set(members(after)))
    rows = next(m for m in diff.metrics if m.metric == "rows")
    assert (rows.before, rows.after) == (first.summary.rows,
                                         second.summary.rows)
    live = store.diff_with_table("acme", first.id, after)
    assert live.to_snapshot.id == 0
    assert live.entered == diff.entered
    with pytest.raises(sk.NotFoundError):
        store.diff("acme", first.id, 999999)


def test_alert_rules(store):
    s = store.create("acme", "Has FPs", "fp >= 1")
    store.set_alert_rules("acme", s.id, "size > 500;precision < 0.6")
    [(slice_id, rules)] = store.list_alert_rules("acme")
    assert slice_id == s.id
    assert "size > 500" in rules
    with pytest.raises(sk.InvalidArgumentError):
        store.set_alert_rules("acme", s.id, "size >")
    store.set_alert_rules("acme", s.id, "")
    assert store.list_alert_rules("acme") == []


def test_in_slice_references_resolve_through_the_store(store):
    store.create("acme", "Has FPs", "fp >= 1")
    derived = store.create("acme", "Low conf FPs",
                           "IN SLICE 'Has FPs' AND confidence < 0.5")
    t = _table(range(0, 200))
    resolver = store.resolver("acme")
    expected = sorted(t.row_ids(sk.scan(t, "fp >= 1 AND confidence < 0.5")))
    assert sorted(sk.slice_row_ids(t, derived, resolver=resolver)) == expected
    assert sorted(t.row_ids(sk.scan(t, derived.filter,
                                    resolver=resolver))) == expected
    assert sk.bind(derived.filter, t, resolver=resolver).scan().count() == \
        len(expected)
    page = sk.explore(t, derived, limit=5, resolver=resolver)
    assert page.total_rows == len(expected)
    with pytest.raises(sk.FailedPreconditionError, match="SliceResolver"):
        sk.bind(derived.filter, t)  # a reference needs a resolver
    with pytest.raises(TypeError, match="resolver must be"):
        sk.bind(derived.filter, t, resolver="acme")
