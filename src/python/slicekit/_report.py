# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The HTML report (``slicekit report``) from Python: :func:`report` for a
notebook (it displays inline) and :func:`write_report` for a file."""

from __future__ import annotations

import os
from typing import Any, List, Optional, Sequence

from ._errors import NotFoundError
from ._slicekit import ModelRun, Slice, _report_html, load_coco


class Report:
    """A built report: ``html`` (one self-contained document), shown
    inline by Jupyter; ``save(path)`` writes it."""

    def __init__(self, html: str):
        self.html = html

    def save(self, path: Any) -> str:
        """Writes the document to `path` (str or os.PathLike); returns the
        path as str."""
        path = os.fspath(path)
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(self.html)
        return path

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<slicekit.Report {len(self.html)} characters of HTML>"


def _slices(store: Any, org: Optional[str],
            slices: Optional[Sequence[Any]]) -> List[Slice]:
    if slices is None:
        return list(store.list(org, "name")) if store is not None else []
    out = []
    for s in slices:
        if isinstance(s, Slice):
            out.append(s)
            continue
        if store is None:
            raise TypeError("slices given by name need store= and org=")
        try:
            out.append(store.get_by_name(org, s))
        except NotFoundError:
            out.append(store.get(org, s))
    return out


def _html(path: Any, table: Any, store: Any, org: Optional[str], gt: Any,
          pred: Any, slices: Optional[Sequence[Any]], title: str,
          auto_slices: bool, page_rows: int, bins: int, threads: int,
          lenient: bool, iou_type: str = "bbox") -> str:
    if (store is None) != (org is None):
        raise TypeError("store= and org= go together")
    run = None
    if isinstance(gt, ModelRun):
        run = gt
    elif gt is not None or pred is not None:
        if gt is None or pred is None:
            raise TypeError("gt= and pred= go together")
        run = load_coco(gt, pred, lenient=lenient, iou_type=iou_type)
    if table is None and run is None:
        raise TypeError("the report needs table= or gt= and pred=")
    return _report_html(table, _slices(store, org, slices), store,
                        org or "", run, title, auto_slices, page_rows, bins,
                        threads, path)


def report(table: Any = None, store: Any = None, org: Optional[str] = None,
           gt: Any = None, pred: Any = None, *,
           slices: Optional[Sequence[Any]] = None,
           title: str = "slicekit slice report", auto_slices: bool = True,
           page_rows: int = 10, bins: int = 20, threads: int = 1,
           lenient: bool = False, iou_type: str = "bbox") -> Report:
    """The report of `table` as ``slicekit report`` builds it: its summary
    and histograms, then each saved slice of `store`'s `org` (all of
    them by name, or `slices`: Slice objects, names or ids) and the auto
    slices. With `gt` and `pred` (COCO files, or a ModelRun as `gt`) it
    adds COCO stats and per-slice PR curves (matched on `iou_type`,
    "bbox" or "segm"; a ModelRun keeps its own); without `table` their
    metrics table is reported."""
    return Report(_html(None, table, store, org, gt, pred, slices, title,
                        auto_slices, page_rows, bins, threads, lenient,
                        iou_type))


def write_report(path: Any, table: Any = None, store: Any = None,
                 org: Optional[str] = None, gt: Any = None, pred: Any = None,
                 **options: Any) -> str:
    """report(...) written to `path` atomically (a temporary file, then
    renamed); returns the path as str. Options as report()."""
    args = {"slices": None, "title": "slicekit slice report",
            "auto_slices": True, "page_rows": 10, "bins": 20, "threads": 1,
            "lenient": False, "iou_type": "bbox"}
    unknown = set(options) - set(args)
    if unknown:
        raise TypeError(f"write_report() got unexpected keyword arguments "
                        f"{sorted(unknown)}")
    args.update(options)
    _html(path, table, store, org, gt, pred, **args)
    return os.fspath(path)
