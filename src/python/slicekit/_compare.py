# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""slicekit.compare(): two runs slice by slice as a pandas DataFrame.

The C++ comparison (compare_coco, compare_tables) returns the JSON
document of ``slicekit compare``; this turns its ``slices`` into a
DataFrame with the same columns, which renders in a notebook as a table
with each verdict coloured.
"""

from __future__ import annotations

import html
from typing import Optional

import pandas as pd

from . import _slicekit
from ._errors import NotFoundError

# The JSON's columns, in its order, then what else each result carries.
COLUMNS = ["name", "filter", "metric", "images", "base", "new", "delta",
           "ci", "p_value", "q_value", "verdict", "test", "resamples"]

# Okabe and Ito's vermillion, bluish green and blue; grey: too small (the
# report's colours).
VERDICT_COLOURS = {"regression": "#D55E00", "improvement": "#009E73",
                   "no change": "#0072B2", "too small": "#999999"}


class ComparisonFrame(pd.DataFrame):
    """A DataFrame of a comparison, one row per (slice, metric).

    ``attrs`` holds the rest of the document: ``base``, ``new``,
    ``images``, ``options``, ``classes`` (per-class AP over all data) and
    ``discovered`` (unnamed slices where the new run errs more).
    """

    @property
    def _constructor(self):
        return ComparisonFrame

    def regressions(self) -> "ComparisonFrame":
        """The rows whose verdict is ``regression``."""
        return self[self["verdict"] == "regression"]

    def _repr_html_(self) -> str:
        def cell(column, value):
            if value is None or (isinstance(value, float) and value != value):
                return '<td style="color: #999">&ndash;</td>'
            if column == "ci":
                text = f"[{value[0]:+.4f}, {value[1]:+.4f}]"
            elif column in ("base", "new"):
                text = f"{value:.4f}"
            elif column == "delta":
                text = f"{value:+.4f}"
            elif column in ("p_value", "q_value"):
                text = f"{value:.3g}"
            else:
                text = str(value)
            style = ""
            if column == "verdict":
                style = (f' style="color: {VERDICT_COLOURS.get(value, "#000")};'
                         ' font-weight: bold"')
            return f"<td{style}>{html.escape(text)}</td>"

        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
        rows = []
        for _, row in self.iterrows():
            rows.append("<tr>" + "".join(cell(c, row[c]) for c in self.columns)
                        + "</tr>")
        title = ""
        if "base" in self.attrs:
            title = (f"<p>{html.escape(str(self.attrs['base']))} &rarr; "
                     f"{html.escape(str(self.attrs['new']))}: "
                     f"{self.attrs.get('images', '')} images</p>")
        return (f'{title}<table class="slicekit-comparison"><thead><tr>{head}'
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _frame(document: dict) -> ComparisonFrame:
    frame = ComparisonFrame(document["slices"], columns=COLUMNS)
    for key in ("base", "new", "images", "options", "classes", "discovered"):
        frame.attrs[key] = document[key]
    return frame


def compare(base, new, gt=None, *, store=None, org=None, slices=None,
            where=None, metrics=None, bootstrap: int = 1000, seed: int = 1,
            confidence: float = 0.95, fdr: float = 0.05,
            tolerance: float = 0.0, min_images: int = 30, threads: int = 1,
            discover: bool = False,
            missing_as_no_predictions: bool = False,
            iou_type: Optional[str] = None) -> ComparisonFrame:
    """Compares run `new` with run `base` on all data and each slice.

    `base` and `new` are COCO results files over the ground truth `gt`, or
    two metrics :class:`Table` objects (then precision, recall and f1 only,
    the bootstrap over rows). Slices: with `store` and `org`, the org's
    saved slices (all, or those named in `slices`), then each filter of
    `where` (text or Expr; a list or one). Returns a
    :class:`ComparisonFrame`, one row per (slice, metric): the columns of
    ``slicekit compare --format json``'s ``slices``. docs/compare.md.
    `iou_type` (COCO results only): "bbox" (default), "segm" (instance
    masks) or "keypoints", for both runs.
    """
    pairs = []
    resolver = None
    if store is not None:
        if org is None:
            raise ValueError("store needs org")
        resolver = store.resolver(org)
        names = [slices] if isinstance(slices, str) else list(slices or [])
        if names:
            chosen = []
            for name in names:
                try:  # by id, then by name, as the CLI finds a slice
                    chosen.append(store.get(org, name))
                except NotFoundError:
                    chosen.append(store.get_by_name(org, name))
        elif where is None:
            chosen = store.list(org)
        else:
            chosen = []
        pairs += [(s.name, s.filter) for s in chosen]
    elif slices:
        raise ValueError("slices names saved slices: it needs store and org")
    if where is not None:
        for expr in [where] if isinstance(where, (str, _slicekit.Expr)) \
                else where:
            expr = _slicekit.parse_filter(expr) if isinstance(expr, str) \
                else expr
            pairs.append((_slicekit.format_filter(expr), expr))
    options = dict(slices=pairs, metrics=list(metrics or []),
                   bootstrap=bootstrap, seed=seed, confidence=confidence,
                   fdr=fdr, tolerance=tolerance, min_images=min_images,
                   threads=threads, resolver=resolver, discover=discover,
                   missing_as_no_predictions=missing_as_no_predictions)
    if isinstance(base, _slicekit.Table):
        if gt is not None:
            raise ValueError("gt goes with COCO results, not tables")
        if iou_type is not None:
            raise ValueError("iou_type goes with COCO results, not tables")
        return _frame(_slicekit.compare_tables(base, new, **options))
    if gt is None:
        raise ValueError("COCO results need gt (the ground truth file)")
    return _frame(_slicekit.compare_coco(str(gt), str(base), str(new),
                                         iou_type=iou_type or "bbox",
                                         **options))
