# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""slicekit: find where an ML model fails.

A model run's per-row metrics live in a columnar :class:`Table`; filters
(text, JSON or the ``col(...)`` builder) select rows with a vectorized
scanner; slices are named, saved filters in a :class:`SliceStore`. The C++
library does the work with the GIL released; results come back as NumPy
arrays (row positions, ids) and pandas DataFrames.

>>> import slicekit as sk
>>> table = sk.read_csv("metrics.csv")   # or sk.Table.from_pandas(df)
>>> rows = sk.scan(table, (sk.col("confidence") < 0.5) & (sk.col("fp") >= 1))
>>> top = sk.order_rows(table, rows, "confidence desc", limit=10)
>>> table.to_pandas(top)

Errors are :class:`Error` subclasses carrying the C++ ``absl::Status``
code and message (``InvalidArgumentError``, ``NotFoundError``, ...).
Two runs slice by slice with statistics: :func:`compare` (a DataFrame).
Scale-out over Dask: :mod:`slicekit.distributed`. Guide: docs/python.md.
"""

from __future__ import annotations

from ._errors import (AbortedError, AlreadyExistsError, CancelledError,
                      DataLossError, DeadlineExceededError, Error,
                      FailedPreconditionError, InternalError,
                      InvalidArgumentError, NotFoundError, OutOfRangeError,
                      PermissionDeniedError, ResourceExhaustedError,
                      UnauthenticatedError, UnavailableError,
                      UnimplementedError, UnknownError)
# Before anything takes names from the extension: its functions get real
# signatures and TypeErrors that name the parameter (_signatures.py).
from . import _signatures
_signatures.install()
from ._slicekit import (MAX_FILTER_DEPTH, MAX_FILTER_INPUT_BYTES,
                        MAX_SLICE_DESCRIPTION_CHARS, MAX_SLICE_NAME_CHARS,
                        MAX_SLICES_PER_ORG, MIN_SLICE_NAME_CHARS, AutoSlice,
                        BoundFilter, ClassSummary, CurationReport, Curator,
                        ExplorePage, Expr, MetricChange, ModelRun, OrderBy,
                        OrderedPage, Selection, Slice, SliceEntries,
                        SliceResolver, SliceStore, SliceSummary,
                        SliceVersion, SnapshotDiff,
                        SnapshotInfo, SummaryComparison, Table, Watermark,
                        auto_slices, bind, compare_coco,
                        compare_summaries, compare_tables, errors_coco,
                        eval_coco,
                        eval_ndjson, explore,
                        export_rows, filter_from_json, filter_to_json,
                        format_filter, hash_partitions, label_issues_coco,
                        load_coco, normalize_slice_name, open_table,
                        order_cursor, order_page, order_rows, parse_filter,
                        read_csv, read_csv_text, scan, scan_many,
                        slice_name_key, slice_row_ids, standard_column_types,
                        summarize, summarize_all, summarize_dataset,
                        validate_slice_description)
from ._builder import Col, col
from ._compare import ComparisonFrame, compare
from ._diagnose import confusion_matrix, errors, label_issues
from . import _ap, _display, _store, _table
from ._ap import AveragePrecision, coco_ap
from ._discover import DiscoveryFrame, discover
from ._report import Report, report, write_report
from ._store import FilterWarning

__version__ = "0.1.0"

# The pandas/NumPy side of Table, written in Python over the extension's
# column payload (slicekit/_table.py).
# (The type stub declares them on Table.)
Table.from_pandas = staticmethod(_table.from_pandas)  # type: ignore
Table.from_arrays = staticmethod(_table.from_pandas)  # type: ignore
Table.append = _table.append  # type: ignore
Table.to_pandas = _table.to_pandas  # type: ignore
Table.column = _table.column  # type: ignore
# SliceStore.create/update_filter/update_filter_as_new with table= and the
# saved order kept (slicekit/_store.py).
_store.install()
# ModelRun.ap() and ModelRun.per_class() as DataFrames (slicekit/_ap.py).
_ap.install()
# to_pandas() and notebook display (_repr_html_) of results (_display.py).
_display.install()


def from_pandas(df, types=None, chunk_rows: int = 65536) -> Table:
    """A Table holding the rows of a pandas DataFrame (Table.from_pandas)."""
    return _table.from_pandas(df, types, chunk_rows)


def count(table: Table, filter, threads: int = 1) -> int:
    """The number of live rows matching `filter` (an Expr or text)."""
    return scan(table, filter, threads=threads).count()


__all__ = [
    "AbortedError", "AlreadyExistsError", "AutoSlice", "AveragePrecision",
    "BoundFilter",
    "CancelledError", "ClassSummary", "Col", "ComparisonFrame", "CurationReport", "Curator",
    "DataLossError", "DeadlineExceededError", "DiscoveryFrame", "Error", "ExplorePage", "Expr",
    "FailedPreconditionError", "FilterWarning", "InternalError", "InvalidArgumentError",
    "MAX_FILTER_DEPTH", "MAX_FILTER_INPUT_BYTES",
    "MAX_SLICE_DESCRIPTION_CHARS", "MAX_SLICE_NAME_CHARS",
    "MAX_SLICES_PER_ORG", "MIN_SLICE_NAME_CHARS", "ModelRun", "NotFoundError",
    "OrderBy",
    "OrderedPage", "OutOfRangeError", "PermissionDeniedError",
    "Report", "ResourceExhaustedError", "Selection", "Slice", "SliceEntries",
    "SliceStore", "SliceSummary", "SummaryComparison", "Table",
    "UnauthenticatedError", "UnavailableError", "UnimplementedError",
    "UnknownError", "Watermark", "auto_slices", "bind", "col",
    "coco_ap", "compare", "discover", "compare_coco", "compare_summaries", "compare_tables", "count",
    "eval_coco", "eval_ndjson", "explore",
    "export_rows", "filter_from_json", "filter_to_json", "format_filter",
    "from_pandas", "hash_partitions", "load_coco", "normalize_slice_name",
    "open_table", "order_cursor",
    "order_page", "order_rows", "parse_filter", "read_csv", "read_csv_text",
    "report",
    "scan", "scan_many", "slice_name_key", "slice_row_ids",
    "standard_column_types", "summarize", "summarize_all",
    "summarize_dataset", "validate_slice_description", "write_report",
]
