# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""SliceStore.create/update_filter/update_filter_as_new with ``table=``.

A slice's filter is text until something binds it to a table, so a
misspelt column (``confidense > 1``) used to be saved and fail only at
explore. Given ``table=``, the filter is bound to it first (through the
org's resolver, so IN SLICE references resolve): an unknown column is
NotFoundError with the binder's did-you-mean, a type mismatch
InvalidArgumentError, and nothing is saved. A filter that binds but
matches no row is allowed (the data may come later), with a
:class:`FilterWarning` naming each categorical value the table does not
hold and its closest one (``dataset = 'dron'``: did you mean 'drone'?).
"""

from __future__ import annotations

import difflib
import json
import warnings
from typing import Any, Iterator, List, Optional, Tuple

from ._slicekit import (SliceStore, Table, bind, filter_to_json,
                        parse_filter)

_create = SliceStore.create
_update_filter = SliceStore.update_filter
_update_filter_as_new = SliceStore.update_filter_as_new


class FilterWarning(UserWarning):
    """A slice's filter matches no row of the table it was checked
    against, and names a categorical value that table does not hold."""


def _string_comparisons(node: Any) -> Iterator[Tuple[str, List[str]]]:
    """(column, [string values]) of each =, != and IN leaf of a filter's
    JSON tree without a class scope."""
    op = node.get("op")
    if op in ("and", "or"):
        for arg in node["args"]:
            yield from _string_comparisons(arg)
    elif op == "not":
        yield from _string_comparisons(node["arg"])
    elif op in ("=", "!=") and "class" not in node and isinstance(
            node.get("value"), str):
        yield node["column"], [node["value"]]
    elif op == "in" and "class" not in node:
        yield node["column"], [v for v in node["values"]
                               if isinstance(v, str)]


def _absent_values(table: Table, filter: Any) -> List[str]:
    """One line per categorical value in `filter` that `table` does not
    hold, with the closest value it does hold."""
    expr = parse_filter(filter) if isinstance(filter, (str, bytes)) else filter
    tree = json.loads(filter_to_json(expr))["filter"]
    types = dict(table.schema)
    lines = []
    held = {}
    for column, values in _string_comparisons(tree):
        if types.get(column) != "categorical":
            continue
        if column not in held:
            held[column] = {v for v in table.column(column) if v is not None}
        for value in values:
            if value in held[column]:
                continue
            close = difflib.get_close_matches(value, sorted(held[column]), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            lines.append(f"column '{column}' has no value '{value}'{hint}")
    return lines


def check_filter(store: SliceStore, org: str, filter: Any,
                 table: Optional[Table]) -> None:
    """Binds `filter` to `table` (errors as bind()'s) and warns
    (FilterWarning) when it matches no row and names absent values."""
    if table is None:
        return
    if not isinstance(table, Table):
        raise TypeError("table must be a slicekit.Table or None, not "
                        f"{type(table).__name__}")
    bound = bind(filter, table, resolver=store.resolver(org))
    if bound.scan().count() > 0:
        return
    absent = _absent_values(table, filter)
    if absent:
        warnings.warn("the filter matches no row of the table: "
                      + "; ".join(absent), FilterWarning, stacklevel=3)


def create(self: SliceStore, org: str, name: str, filter: Any, *,
           description: str = "", order_by: Any = None,
           table: Optional[Table] = None) -> Any:
    """Saves a new slice (version 1) and returns it. With `table`, the
    filter is first bound to it: an unknown column or a type mismatch is
    an error and nothing is saved; a filter matching no row because of a
    categorical value the table lacks gives a FilterWarning."""
    check_filter(self, org, filter, table)
    return _create(self, org, name, filter, description=description,
                   order_by=order_by)


def _kept_order(self: SliceStore, org: str, id: str, order_by: Any,
                expected_version: Optional[int]) -> Tuple[Any, Optional[int]]:
    """The order to save: `order_by`, or when None the slice's own, read
    with its version so that a change made meanwhile fails the update
    rather than being lost (as the CLI's slice update does)."""
    if order_by is not None:
        return order_by, expected_version
    current = self.get(org, id)
    version = current.version if expected_version is None else \
        expected_version
    return list(current.order_by), version


def update_filter(self: SliceStore, org: str, id: str, filter: Any,
                  order_by: Any = None, *,
                  expected_version: Optional[int] = None,
                  table: Optional[Table] = None) -> Any:
    """Replaces the filter in place (version + 1). The saved order stays
    unless `order_by` is given ([] orders by data_row_id). `table` checks
    the filter as create() does."""
    check_filter(self, org, filter, table)
    keys, version = _kept_order(self, org, id, order_by, expected_version)
    return _update_filter(self, org, id, filter, keys,
                          expected_version=version)


def update_filter_as_new(self: SliceStore, org: str, id: str, new_name: str,
                         filter: Any, order_by: Any = None, *,
                         expected_version: Optional[int] = None,
                         table: Optional[Table] = None) -> Any:
    """Saves the new filter as a new slice; the original is unchanged. The
    original's order is kept unless `order_by` is given; `table` checks
    the filter as create() does."""
    check_filter(self, org, filter, table)
    keys, version = _kept_order(self, org, id, order_by, expected_version)
    return _update_filter_as_new(self, org, id, new_name, filter, keys,
                                 expected_version=version)


ALERT_COLUMNS = ["slice_id", "slice", "rule", "metric", "value", "fired",
                 "since_snapshot", "new_snapshot"]


def check_alerts(self: SliceStore, org: str, table: Table, *,
                 threads: int = 1, snapshot: bool = False,
                 table_name: str = "", actor: str = "") -> Any:
    """Checks the alert rules of every slice of `org` that has any against
    `table` as it is now (``slicekit slice alerts``): a DataFrame with one
    row per rule (slice_id, slice, rule, metric, value, fired,
    since_snapshot, new_snapshot), slices by name. value is NaN where the
    metric is undefined (then the rule does not fire). snapshot=True also
    snapshots each checked slice, so the next check measures new_rows from
    here."""
    import pandas as pd
    rows = self._check_alerts(org, table, threads, snapshot, table_name,
                              actor)
    frame = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["fired"] = frame["fired"].astype(bool)
    return frame


def install() -> None:
    SliceStore.check_alerts = check_alerts  # type: ignore
    SliceStore.create = create  # type: ignore
    SliceStore.update_filter = update_filter  # type: ignore
    SliceStore.update_filter_as_new = update_filter_as_new  # type: ignore
