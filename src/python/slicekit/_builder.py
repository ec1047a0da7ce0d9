# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The Python filter builder: ``col("confidence") < 0.5``, combined with
``&``, ``|`` and ``~`` into a slicekit.Expr.

Python binds ``&`` and ``|`` tighter than comparisons, so
``col("confidence") < 0.5 & (col("fp") >= 1)`` is parsed as
``col("confidence") < (0.5 & (col("fp") >= 1))``. The builder recognises
that shape (a value ``&``/``|`` a filter, then compared with a column; or a
filter ``&``/``|`` a column, then compared with a value) and builds what was
meant, ``(confidence < 0.5) AND (fp >= 1)``. Anything it cannot read that
way (e.g. ``col("a") < 1 & col("b") > 2``, a chained comparison) raises a
TypeError asking for parentheses; it never builds a different filter.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ._slicekit import Expr

_PARENTHESES = (
    "put each comparison in parentheses, e.g. "
    "(col('confidence') < 0.5) & (col('fp') >= 1)")


def _combine(left: Expr, op: str, right: Expr) -> Expr:
    return Expr.and_([left, right]) if op == "and" else Expr.or_([left, right])


class _Comparisons:
    """The six comparisons, each `self._compare(symbol, value)`."""

    __slots__ = ()

    def _compare(self, symbol: str, value: Any) -> Expr:
        raise NotImplementedError

    def __eq__(self, value: Any) -> Expr:  # type: ignore[override]
        return self._compare("=", value)

    def __ne__(self, value: Any) -> Expr:  # type: ignore[override]
        return self._compare("!=", value)

    def __lt__(self, value: Any) -> Expr:
        return self._compare("<", value)

    def __le__(self, value: Any) -> Expr:
        return self._compare("<=", value)

    def __gt__(self, value: Any) -> Expr:
        return self._compare(">", value)

    def __ge__(self, value: Any) -> Expr:
        return self._compare(">=", value)

    __hash__ = None  # type: ignore[assignment]


class _Pending(_Comparisons):
    """Half of ``value & filter`` or ``filter & column`` (see the module
    docstring), waiting for the comparison that completes it."""

    __slots__ = ("left", "op", "right")

    def __init__(self, left: Any, op: str, right: Any) -> None:
        self.left, self.op, self.right = left, op, right

    def _compare(self, symbol: str, value: Any) -> Expr:
        # filter & column, then `column <symbol> value`.
        if isinstance(self.left, Expr) and isinstance(self.right, Col):
            if isinstance(value, (Col, Expr, _Pending)):
                raise TypeError(_PARENTHESES)
            return _combine(self.left, self.op,
                            self.right._compare(symbol, value))
        raise TypeError(_PARENTHESES)


    def __bool__(self) -> bool:
        raise TypeError(_PARENTHESES)

    def __repr__(self) -> str:
        return (f"<incomplete slicekit filter: {self.left!r} {self.op} "
                f"{self.right!r}; {_PARENTHESES}>")


class Col(_Comparisons):
    """A column in the filter builder: ``col("fp") >= 1``, ``col("iou")["car"]
    < 0.5`` (a class scope), ``col("split").isin(["val", "test"])``."""

    __slots__ = ("name", "class_name")

    def __init__(self, name: str, class_name: Optional[str] = None) -> None:
        self.name = name
        self.class_name = class_name

    def __getitem__(self, class_name: str) -> "Col":
        """The same column scoped to one class: ``col("fp")["car"]``."""
        return Col(self.name, class_name)

    def _compare(self, symbol: str, value: Any) -> Expr:
        if isinstance(value, _Pending):
            # column <symbol> (value & filter) is meant as
            # (column <symbol> value) & filter.
            if (isinstance(value.right, Expr) and
                    not isinstance(value.left, (Col, Expr, _Pending))):
                return _combine(self._compare(symbol, value.left), value.op,
                                value.right)
            raise TypeError(_PARENTHESES)
        if isinstance(value, (Col, Expr)):
            raise TypeError(
                "a filter compares a column with a value, not with another "
                "column or filter; " + _PARENTHESES)
        return Expr.compare(self.name, symbol, value, self.class_name)


    def __rand__(self, other: Any) -> _Pending:
        if isinstance(other, Expr):
            return _Pending(other, "and", self)
        raise TypeError(_PARENTHESES)

    def __ror__(self, other: Any) -> _Pending:
        if isinstance(other, Expr):
            return _Pending(other, "or", self)
        raise TypeError(_PARENTHESES)

    def __and__(self, other: Any) -> Any:
        raise TypeError(_PARENTHESES)

    __or__ = __and__

    def __invert__(self) -> Any:
        raise TypeError("~ negates a filter, not a column: ~(col('a') < 1)")

    def __bool__(self) -> bool:
        raise TypeError(_PARENTHESES)

    def between(self, low: Any, high: Any) -> Expr:
        """low <= column <= high (SQL BETWEEN, inclusive)."""
        return Expr.between(self.name, low, high, False, self.class_name)

    def not_between(self, low: Any, high: Any) -> Expr:
        return Expr.between(self.name, low, high, True, self.class_name)

    def isin(self, values: Iterable[Any]) -> Expr:
        """column IN (values...)."""
        return Expr.isin(self.name, list(values), False, self.class_name)

    def not_in(self, values: Iterable[Any]) -> Expr:
        return Expr.isin(self.name, list(values), True, self.class_name)

    def is_null(self) -> Expr:
        return Expr.is_null(self.name, False, self.class_name)

    def is_not_null(self) -> Expr:
        return Expr.is_null(self.name, True, self.class_name)

    def __repr__(self) -> str:
        scope = "" if self.class_name is None else f"[{self.class_name!r}]"
        return f"col({self.name!r}){scope}"


def col(name: str, class_name: Optional[str] = None) -> Col:
    """A column for the filter builder: ``col("confidence") < 0.5``."""
    return Col(name, class_name)


def _expr_rand(self: Expr, other: Any) -> Any:
    # value & filter: wait for `column <op>` (see the module docstring).
    if isinstance(other, (Col, Expr, _Pending)):
        return NotImplemented
    return _Pending(other, "and", self)


def _expr_ror(self: Expr, other: Any) -> Any:
    if isinstance(other, (Col, Expr, _Pending)):
        return NotImplemented
    return _Pending(other, "or", self)


Expr.__rand__ = _expr_rand  # type: ignore[attr-defined]
Expr.__ror__ = _expr_ror  # type: ignore[attr-defined]
