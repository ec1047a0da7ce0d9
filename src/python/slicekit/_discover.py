# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""slicekit.discover(): the slices where a model errs most (SliceLine, as
``slicekit discover``) as a DataFrame whose ``save()`` stores them."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

import pandas as pd

from ._slicekit import Table, _discover, format_filter

COLUMNS = ["rank", "size", "mean_error", "score", "filter", "predicates",
           "max_error", "error_sum", "description", "expr"]


class DiscoveryFrame(pd.DataFrame):
    """One row per slice found, best first. ``attrs['stats']`` holds what
    the search did (rows, average_error, features, evaluated, ...)."""

    @property
    def _constructor(self):
        return DiscoveryFrame

    def save(self, store: Any, org: str, prefix: str = "Discovered",
             names: Optional[Sequence[str]] = None) -> List[Any]:
        """Saves each row as a slice of `org` named '<prefix> <rank>' (or
        `names`, one per row) with the search's description; returns the
        saved Slices."""
        if names is not None and len(names) != len(self):
            raise ValueError(f"names has {len(names)} entries for "
                             f"{len(self)} slices")
        saved = []
        for i, row in enumerate(self.itertuples(index=False)):
            name = names[i] if names is not None else f"{prefix} {row.rank}"
            saved.append(store.create(org, name, row.expr,
                                      description=row.description))
        return saved


def discover(table: Table, error: str = "fp + fn", max_predicates: int = 3,
             top: int = 10, alpha: float = 0.95, min_support: int = 32,
             bins: int = 10, features: Optional[Sequence[str]] = None
             ) -> DiscoveryFrame:
    """The `top` conjunctions of at most `max_predicates` metadata
    predicates (over `features`, default every metadata column) where the
    per-row `error` expression is highest, exactly as SliceLine defines
    them (docs/slices.md#slice-discovery): rank, size, mean_error, score,
    filter (text), predicates, max_error, error_sum, description and expr
    (the filter as an Expr). ``.save(store, org)`` stores them."""
    if not isinstance(table, Table):
        raise TypeError(f"table must be a slicekit.Table, not "
                        f"{type(table).__name__}")
    slices, stats = _discover(table, error, max_predicates, top, alpha,
                              min_support, bins, list(features or []))
    rows = [(rank, size, mean, score, format_filter(expr), preds, high,
             total, description, expr)
            for rank, (expr, preds, size, total, mean, high, score,
                       description) in enumerate(slices, start=1)]
    frame = DiscoveryFrame(rows, columns=COLUMNS)
    frame.attrs["stats"] = stats
    return frame
