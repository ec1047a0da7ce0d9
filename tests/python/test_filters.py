# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Filters as text, JSON and the Python builder: the same trees, the C++
error messages, and a builder that never builds a filter other than the
one written."""

import pickle

import numpy as np
import pytest

import reference
import slicekit as sk
from slicekit import col


def test_the_three_forms_build_one_tree():
    text = sk.parse_filter("confidence < 0.5 AND fp >= 1")
    built = (col("confidence") < 0.5) & (col("fp") >= 1)
    from_json = sk.filter_from_json(sk.filter_to_json(built))
    assert text == built == from_json
    assert str(built) == "confidence < 0.5 AND fp >= 1"
    assert sk.Expr.from_json(built.to_json()) == built
    assert built.to_json() == (
        '{"version":1,"filter":{"op":"and","args":[{"op":"<","column":'
        '"confidence","value":0.5},{"op":">=","column":"fp","value":1}]}}')


def test_builder_reads_the_unparenthesized_form_as_written_in_the_issue():
    # Python parses this as col("confidence") < (0.5 & (col("fp") >= 1)).
    assert (col("confidence") < 0.5 & (col("fp") >= 1)) == sk.parse_filter(
        "confidence < 0.5 AND fp >= 1")
    assert (col("confidence") < 0.5 | (col("fp") >= 1)) == sk.parse_filter(
        "confidence < 0.5 OR fp >= 1")
    # filter & column, then the comparison: (filter & column) >= 1.
    assert ((col("tp") == 0) & col("fp") >= 1) == sk.parse_filter(
        "tp = 0 AND fp >= 1")
    assert (col("fp") >= 1 & (col("tp") == 0)) == sk.parse_filter(
        "fp >= 1 AND tp = 0")


def test_builder_refuses_what_it_cannot_read_as_written():
    with pytest.raises(TypeError, match="parentheses"):
        col("a") < 1 & col("b") > 2          # a chained comparison
    with pytest.raises(TypeError, match="no truth value"):
        (col("a") < 1) and (col("b") > 2)     # `and` instead of `&`
    with pytest.raises(TypeError, match="no truth value"):
        if col("a") < 1:
            pass
    with pytest.raises(TypeError, match="negates a filter"):
        ~col("a")
    with pytest.raises(TypeError, match="not with another column"):
        col("a") < col("b")
    with pytest.raises(TypeError, match="cannot be a bool"):
        col("fp") == True  # noqa: E712
    with pytest.raises(TypeError):
        col("fp") < [1]


def test_builder_covers_every_leaf():
    cases = {
        "iou[car] < 0.5": col("iou")["car"] < 0.5,
        "iou['traffic light'] < 0.5": col("iou", "traffic light") < 0.5,
        "split IN ('val', 'test')": col("split").isin(["val", "test"]),
        "split NOT IN ('train')": col("split").not_in(["train"]),
        "f1 BETWEEN 0.4 AND 0.6": col("f1").between(0.4, 0.6),
        "f1 NOT BETWEEN 0.4 AND 0.6": col("f1").not_between(0.4, 0.6),
        "iou IS NULL": col("iou").is_null(),
        "iou IS NOT NULL": col("iou").is_not_null(),
        "NOT fp = 0": ~(col("fp") == 0),
        "fp != 0": col("fp") != 0,
        "fp > 1 OR fp <= 0": (col("fp") > 1) | (col("fp") <= 0),
        "confidence >= 0.5": 0.5 <= col("confidence"),
        "width = 9223372036854775807": col("width") == 2**63 - 1,
        "x = 'it''s'": col("x") == "it's",
        "TRUE": sk.Expr(),
        "FALSE": sk.Expr.false_(),
    }
    for text, built in cases.items():
        assert sk.parse_filter(text) == built, text
        assert sk.parse_filter(str(built)) == built, text
    e = col("iou")["car"] < 0.5
    assert (e.kind, e.column, e.class_name, e.op, e.value) == (
        "compare", "iou", "car", "<", 0.5)
    assert col("f1").between(0.4, 0.6).values == [0.4, 0.6]
    assert [c.kind for c in ((col("a") == 1) & (col("b") == 2)).children] == \
        ["compare", "compare"]
    # IN SLICE has a kind of its own (it was reported as '?').
    assert sk.parse_filter("IN SLICE 'hard cars'").kind == "in_slice"
    assert [c.kind for c in sk.parse_filter(
        "fp >= 1 AND NOT IN SLICE 'x'").children] == ["compare", "not"]


def test_numpy_scalars_and_big_integers_are_literals():
    assert (col("fp") >= np.int64(2)) == sk.parse_filter("fp >= 2")
    assert (col("c") < np.float32(0.5)) == sk.parse_filter("c < 0.5")
    # Past int64: the nearest double, as the text parser does.
    assert (col("w") < 2**70) == sk.parse_filter("w < 1180591620717411303424")


def test_parse_and_json_errors_are_the_cpp_messages():
    cases = {
        "confidence < ": "at 13: expected a value after '<'",
        "x = abc": "at 4: expected a value after '='; strings take single "
                   "quotes: 'abc'",
        "x = 'abc": "at 4: unterminated string",
        "   ": "empty filter",
    }
    for text, message in cases.items():
        with pytest.raises(sk.InvalidArgumentError) as e:
            sk.parse_filter(text)
        assert str(e.value) == message
        assert e.value.code == "INVALID_ARGUMENT"
        assert isinstance(e.value, ValueError)
    with pytest.raises(sk.InvalidArgumentError,
                       match="filter.args\\[1\\].op: unknown operator 'lt'"):
        sk.filter_from_json('{"version":1,"filter":{"op":"and","args":['
                            '{"op":"<","column":"a","value":1},'
                            '{"op":"lt","column":"a","value":1}]}}')
    with pytest.raises(sk.InvalidArgumentError, match="byte"):
        sk.filter_from_json("{not json")
    deep = "(" * (sk.MAX_FILTER_DEPTH + 5) + "a = 1" + ")" * (
        sk.MAX_FILTER_DEPTH + 5)
    with pytest.raises(sk.InvalidArgumentError):
        sk.parse_filter(deep)


def test_random_trees_round_trip_text_json_and_pickle(rng):
    for _ in range(200):
        e = reference.random_expr(rng)
        assert sk.parse_filter(str(e)) == e
        assert sk.filter_from_json(e.to_json()) == e
        assert pickle.loads(pickle.dumps(e)) == e
        assert hash(sk.parse_filter(str(e))) == hash(e)


def test_order_keys_accept_every_spelling():
    t = sk.Table.from_pandas(reference.random_frame(np.random.default_rng(1),
                                                    50))
    sel = t.live_rows()
    want = sk.order_rows(t, sel, [sk.OrderBy("fp", descending=True),
                                  sk.OrderBy("confidence")])
    for spelling in (["fp desc", "confidence"],
                     [("fp", True), "confidence asc"],
                     [("fp", "desc"), ("confidence", False)]):
        np.testing.assert_array_equal(sk.order_rows(t, sel, spelling), want)
    with pytest.raises(TypeError):
        sk.order_rows(t, sel, [1])
    with pytest.raises(ValueError):
        sk.order_rows(t, sel, [("fp", "down")])
    assert pickle.loads(pickle.dumps(sk.OrderBy("fp", True))) == sk.OrderBy(
        "fp", True)
