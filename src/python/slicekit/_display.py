# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Notebook display and DataFrames for the extension's result types:
``to_pandas()`` on SliceSummary and SummaryComparison, ``_repr_html_`` on
Table (its first rows), SliceSummary, SummaryComparison and ExplorePage.
Jupyter calls ``_repr_html_``; a plain ``repr`` stays one line."""

from __future__ import annotations

import html
from typing import Any

from ._slicekit import ExplorePage, SliceSummary, SummaryComparison, Table

_TOTALS = ["rows", "tp", "fp", "fn", "precision", "recall", "f1",
           "mean_confidence", "mean_iou"]
_CLASS = ["tp", "fp", "fn", "precision", "recall", "f1"]
_HEAD_ROWS = 10


def _pandas():
    import pandas
    return pandas


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def summary_to_pandas(self: SliceSummary) -> Any:
    """One row for all classes together (index None), then one per class:
    tp, fp, fn, precision, recall, f1, and for the all-classes row rows,
    mean_confidence and mean_iou (NaN where undefined)."""
    pd = _pandas()
    records = [{"class": None, **{k: getattr(self, k) for k in _TOTALS}}]
    for c in self.classes:
        records.append({"class": c.class_name,
                        **{k: getattr(c, k) for k in _CLASS}})
    frame = pd.DataFrame.from_records(records, columns=["class"] + _TOTALS)
    for k in ("precision", "recall", "f1", "mean_confidence", "mean_iou"):
        frame[k] = frame[k].map(_float)
    for k in ("rows", "tp", "fp", "fn"):
        frame[k] = frame[k].astype("Int64")
    return frame.set_index("class")


def comparison_to_pandas(self: SummaryComparison) -> Any:
    """The slice, all rows and (when asked for) the dataset side by side:
    one row each, the summary totals as columns."""
    pd = _pandas()
    rows = [("slice", self.slice), ("all", self.all)]
    if self.dataset is not None:
        rows.append(("dataset", self.dataset))
    frame = pd.DataFrame.from_records(
        [{k: getattr(s, k) for k in _TOTALS} for _, s in rows],
        index=[name for name, _ in rows], columns=_TOTALS)
    for k in ("precision", "recall", "f1", "mean_confidence", "mean_iou"):
        frame[k] = frame[k].map(_float)
    return frame


def _frame_html(frame: Any) -> str:
    return frame.to_html(float_format="%.4f", na_rep="&ndash;", escape=True)


def summary_html(self: SliceSummary) -> str:
    return _frame_html(self.to_pandas())


def comparison_html(self: SummaryComparison) -> str:
    return _frame_html(self.to_pandas())


def table_html(self: Table) -> str:
    """The first rows and the table's size, as pandas shows a DataFrame."""
    live = self.live_rows().to_numpy()[:_HEAD_ROWS]
    head = self.to_pandas(live)
    size = (f"{self.num_live_rows:,} rows &times; {len(self.columns)} "
            "columns")
    more = " (first rows shown)" if self.num_live_rows > len(live) else ""
    return f"<div>{_frame_html(head)}<p>slicekit.Table: {size}{more}</p></div>"


def page_html(self: ExplorePage) -> str:
    """The page's size and cursor, then its summary."""
    cursor = html.escape(self.next_cursor) if self.next_cursor else "none"
    return (f"<div><p>slicekit.ExplorePage: {len(self.rows)} of "
            f"{self.total_rows:,} rows; next cursor: <code>{cursor}</code>"
            f"</p>{summary_html(self.summary)}</div>")


def install() -> None:
    SliceSummary.to_pandas = summary_to_pandas  # type: ignore
    SliceSummary._repr_html_ = summary_html  # type: ignore
    SummaryComparison.to_pandas = comparison_to_pandas  # type: ignore
    SummaryComparison._repr_html_ = comparison_html  # type: ignore
    Table._repr_html_ = table_html  # type: ignore
    ExplorePage._repr_html_ = page_html  # type: ignore
