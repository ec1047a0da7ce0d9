# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Random metric tables and filters, and a deliberately plain reference for
filtering (SQL three-valued logic) and ordering, written from
docs/filter-language.md and include/slicekit/order.h with NumPy only.
The Python tests check the bindings against it; the distributed tests
check a partitioned table against one Table."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

import slicekit as sk

DATASETS = ["ds1", "ds2", "ds3", "ds4", "ds5", "ds6", "ds7", "ds8", "rare"]
SPLITS = ["train", "val", "test"]
INT_COLUMNS = ["tp", "fp", "fn", "tn", "width", "tp[car]", "fp[car]", "fn[car]"]
FLOAT_COLUMNS = ["precision", "recall", "f1", "iou", "confidence", "iou[car]"]
STRING_COLUMNS = ["dataset", "split"]


def row_id(i: int) -> str:
    # Ids not in numeric order, some non-ASCII, some sharing prefixes.
    prefix = ["r", "img-", "ü", "R"][i % 4]
    return f"{prefix}{(i * 7919) % 100003}"


def random_frame(rng: np.random.Generator, n: int, first: int = 0
                 ) -> pd.DataFrame:
    """n rows with ids row_id(first..first+n): the standard metric columns,
    a wide int column, and per-class columns for 'car', with NULLs, ties
    and negative zeros."""
    def ints(high: int, null_rate: float) -> pd.arrays.IntegerArray:
        values = rng.integers(0, high, n)
        return pd.array(np.where(rng.random(n) < null_rate, None, values),
                        dtype="Int64")

    def floats(null_rate: float, ties: bool) -> np.ndarray:
        values = rng.random(n)
        if ties:
            values = np.round(values, 2)
        values[rng.random(n) < 0.03] = -0.0
        values[rng.random(n) < null_rate] = np.nan
        return values

    def strings(choices: List[str], null_rate: float) -> List[Any]:
        picks = rng.choice(choices, n, p=None)
        return [None if rng.random() < null_rate else str(s) for s in picks]

    return pd.DataFrame({
        "data_row_id": [row_id(i) for i in range(first, first + n)],
        "dataset": strings(DATASETS, 0.05),
        "split": strings(SPLITS, 0.0),
        "tp": ints(4, 0.05),
        "fp": ints(4, 0.05),
        "fn": ints(4, 0.05),
        "tn": ints(2, 0.5),
        "precision": floats(0.2, True),
        "recall": floats(0.2, True),
        "f1": floats(0.2, False),
        "iou": floats(0.1, True),
        "confidence": floats(0.05, False),
        "width": ints(1 << 40, 0.02),
        "tp[car]": ints(3, 0.0),
        "fp[car]": ints(3, 0.0),
        "fn[car]": ints(3, 0.0),
        "iou[car]": floats(0.3, True),
    })


# ---- Random filters ------------------------------------------------------


def _number(rng: np.random.Generator, column: str) -> Any:
    if column == "width":
        return int(rng.integers(0, 1 << 40))
    if column in INT_COLUMNS:
        return [0, 1, 2, 3, 1.5, -1, 2.0][int(rng.integers(0, 7))]
    return [0.0, 0.5, 0.25, 0.1, 1.0, -0.0, 0.33][int(rng.integers(0, 7))]


def _value(rng: np.random.Generator, column: str) -> Any:
    if column == "dataset":
        return str(rng.choice(DATASETS + ["absent"]))
    if column == "split":
        return str(rng.choice(SPLITS + ["zzz"]))
    return _number(rng, column)


def _column(rng: np.random.Generator) -> str:
    columns = INT_COLUMNS + FLOAT_COLUMNS + STRING_COLUMNS
    return columns[int(rng.integers(0, len(columns)))]


def _col(name: str) -> sk.Col:
    if name.endswith("[car]"):
        return sk.col(name[:-5])["car"]
    return sk.col(name)


def random_expr(rng: np.random.Generator, depth: int = 3) -> sk.Expr:
    """A random filter over random_frame()'s columns, built with the
    builder: all six comparisons, BETWEEN (empty ranges too), IN, IS NULL,
    NOT, AND, OR, TRUE/FALSE and class scopes."""
    if depth > 0 and rng.random() < 0.45:
        kind = int(rng.integers(0, 3))
        if kind == 2:
            return ~random_expr(rng, depth - 1)
        children = [random_expr(rng, depth - 1)
                    for _ in range(int(rng.integers(2, 4)))]
        return sk.Expr.and_(children) if kind == 0 else sk.Expr.or_(children)
    name = _column(rng)
    c = _col(name)
    leaf = int(rng.integers(0, 10))
    if leaf == 0:
        return c.is_null() if rng.random() < 0.5 else c.is_not_null()
    if leaf == 1:
        low, high = sorted([_value(rng, name), _value(rng, name)],
                           key=lambda v: (isinstance(v, str), v))
        if rng.random() < 0.2:
            low, high = high, low  # an empty range
        return c.between(low, high) if rng.random() < 0.7 else \
            c.not_between(low, high)
    if leaf == 2:
        values = [_value(rng, name) for _ in range(int(rng.integers(1, 4)))]
        return c.isin(values) if rng.random() < 0.7 else c.not_in(values)
    if leaf == 3:
        return sk.Expr.true_() if rng.random() < 0.5 else sk.Expr.false_()
    op = ["=", "!=", "<", "<=", ">", ">="][int(rng.integers(0, 6))]
    return sk.Expr.compare(c.name, op, _value(rng, name), c.class_name)


# ---- The reference ---------------------------------------------------------


def _column_values(frame: pd.DataFrame, name: str) -> Tuple[np.ndarray,
                                                            np.ndarray]:
    """(values, null mask): floats as float32, ints as int64, strings as
    bytes objects."""
    series = frame[name]
    nulls = series.isna().to_numpy()
    if name in FLOAT_COLUMNS:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return values.astype(np.float32), nulls
    if name in INT_COLUMNS:
        return series.to_numpy(dtype=np.int64, na_value=0), nulls
    return np.array([b"" if v is None else str(v).encode() for v in series],
                    dtype=object), nulls


def _compare(values: np.ndarray, op: str, literal: Any) -> np.ndarray:
    ops = {"=": np.equal, "!=": np.not_equal, "<": np.less,
           "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
    if values.dtype == object:
        return np.array([ops[op](v, literal) for v in values], dtype=bool)
    if values.dtype == np.float32:
        # Literals round to 32 bits once (docs/filter-language.md).
        return ops[op](values, np.float32(literal))
    # Ints compare exactly with any literal (fp > 1.5 is fp >= 2): Python
    # compares int with float exactly.
    return np.array([ops[op](int(v), literal) for v in values], dtype=bool)


def _literal(literal: Any) -> Any:
    return literal.encode() if isinstance(literal, str) else literal


def evaluate(frame: pd.DataFrame, expr: sk.Expr) -> Tuple[np.ndarray,
                                                          np.ndarray]:
    """(TRUE mask, UNKNOWN mask) of `expr` on every row of `frame`."""
    n = len(frame)
    kind = expr.kind
    if kind == "true":
        return np.ones(n, bool), np.zeros(n, bool)
    if kind == "false":
        return np.zeros(n, bool), np.zeros(n, bool)
    if kind in ("and", "or", "not"):
        parts = [evaluate(frame, c) for c in expr.children]
        if kind == "not":
            t, u = parts[0]
            return ~t & ~u, u
        trues = [t for t, _ in parts]
        falses = [~t & ~u for t, u in parts]
        if kind == "and":
            true = np.logical_and.reduce(trues)
            false = np.logical_or.reduce(falses)
        else:
            true = np.logical_or.reduce(trues)
            false = np.logical_and.reduce(falses)
        return true, ~true & ~false
    name = expr.column if expr.class_name is None else \
        f"{expr.column}[{expr.class_name}]"
    values, nulls = _column_values(frame, name)
    if kind == "is_null":
        return (~nulls if expr.negated else nulls), np.zeros(n, bool)
    if kind == "compare":
        true = _compare(values, expr.op, _literal(expr.value))
    elif kind == "between":
        low, high = (_literal(v) for v in expr.values)
        true = _compare(values, ">=", low) & _compare(values, "<=", high)
    else:  # in
        true = np.zeros(n, bool)
        for v in expr.values:
            true |= _compare(values, "=", _literal(v))
    if expr.negated:
        true = ~true
    return true & ~nulls, nulls


def matching_positions(frame: pd.DataFrame, expr: sk.Expr) -> np.ndarray:
    true, _ = evaluate(frame, expr)
    return np.flatnonzero(true)


def order_key(frame: pd.DataFrame, keys: List[Tuple[str, bool]]):
    """A sort key function over row positions of `frame`: per key NULLs
    last in both directions, descending flips only the values, ties by
    data_row_id byte-wise (include/slicekit/order.h)."""
    columns = [(_column_values(frame, name), desc) for name, desc in keys]
    ids = [str(i).encode() for i in frame["data_row_id"]]

    class Reverse:
        def __init__(self, v):
            self.v = v

        def __lt__(self, other):
            return other.v < self.v

        def __eq__(self, other):
            return self.v == other.v

    def key(i: int):
        out = []
        for (values, nulls), desc in columns:
            if nulls[i]:
                out.append((1, 0))
                continue
            v = values[i]
            v = float(v) if values.dtype == np.float32 else (
                int(v) if values.dtype == np.int64 else v)
            out.append((0, Reverse(v) if desc else v))
        out.append(ids[i])
        return tuple(out)
    return key


def reference_order(frame: pd.DataFrame, positions: np.ndarray,
                    keys: List[Tuple[str, bool]]) -> List[int]:
    return sorted((int(p) for p in positions), key=order_key(frame, keys))


def random_keys(rng: np.random.Generator) -> List[Tuple[str, bool]]:
    names = INT_COLUMNS + FLOAT_COLUMNS + STRING_COLUMNS
    picked = rng.choice(len(names), int(rng.integers(1, 4)), replace=False)
    return [(names[i], bool(rng.integers(0, 2))) for i in picked]


def summary_reference(frame: pd.DataFrame, positions: np.ndarray
                      ) -> Dict[str, Any]:
    """The SliceSummary fields of include/slicekit/explore.h, from the
    definitions."""
    rows = frame.iloc[positions]

    def total(name: str) -> int:
        return int(rows[name].sum(skipna=True))

    tp, fp, fn = total("tp"), total("fp"), total("fn")

    def ratio(a: float, b: float) -> Optional[float]:
        return None if b == 0 else a / b

    conf = rows["confidence"].to_numpy(dtype=np.float64, na_value=np.nan)
    conf = conf.astype(np.float32).astype(np.float64)
    conf = conf[~np.isnan(conf)]
    iou = rows["iou"].to_numpy(dtype=np.float64, na_value=np.nan)
    iou = iou.astype(np.float32).astype(np.float64)
    iou = iou[~np.isnan(iou)]
    return {
        "rows": len(rows), "tp": tp, "fp": fp, "fn": fn,
        "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
        "mean_confidence": float(conf.mean()) if len(conf) else None,
        "mean_iou": float(iou.mean()) if len(iou) else None,
        "confidence_count": len(conf), "iou_count": len(iou),
    }


def partition_source(p: int, partitions: int, rows: int = 2000,
                     seed: int = 5) -> pd.DataFrame:
    """The rows of random_frame(default_rng(seed), rows) that belong to
    partition p: a source for PartitionedTable.from_sources, run on a
    worker (it imports this module through PYTHONPATH)."""
    from slicekit.distributed import partition_of
    frame = random_frame(np.random.default_rng(seed), rows)
    mine = partition_of(frame["data_row_id"].to_numpy(), partitions) == p
    return frame[mine].reset_index(drop=True)
