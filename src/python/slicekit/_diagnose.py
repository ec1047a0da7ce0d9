# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Why a slice fails: slicekit.errors(), confusion_matrix() and
label_issues() over a COCO run (docs/errors.md).

The extension's errors_coco and label_issues_coco return the JSON of
``slicekit errors`` / ``slicekit label-issues`` as plain data; this makes
the matrix and the issue list pandas DataFrames.
"""

from __future__ import annotations

import pandas as pd

from . import _slicekit


def errors(gt: str, predictions: str, *, where=None, iou: float = 0.5,
           background_iou: float = 0.1, confidence: float = 0.5,
           bins: int = 15, lenient: bool = False) -> dict:
    """TIDE's dAP per error type (AP points, as tidecv's get_all_errors()),
    the confusion matrix and calibration of the images (all, or those whose
    metrics row matches ``where``: filter text, an Expr, or a saved slice's
    ``filter``). The dict of ``slicekit errors --format json``."""
    return _slicekit.errors_coco(gt, predictions, where=where, iou=iou,
                                 background_iou=background_iou,
                                 confidence=confidence, bins=bins,
                                 lenient=lenient)


def confusion_matrix(gt: str, predictions: str, *, where=None,
                     iou: float = 0.5, confidence: float = 0.5,
                     lenient: bool = False) -> pd.DataFrame:
    """The class-agnostic confusion matrix as a DataFrame: index the
    ground-truth classes and ``background``, columns the predicted classes
    and ``missed``. ``attrs["crowd"]`` counts, per predicted class, the
    predictions in crowd regions (not in the matrix)."""
    d = _slicekit.errors_coco(gt, predictions, where=where, iou=iou,
                              confidence=confidence, lenient=lenient)
    c = d["confusion"]
    frame = pd.DataFrame(c["matrix"], index=c["labels"], columns=c["columns"])
    frame.index.name = "ground_truth"
    frame.columns.name = "predicted"
    frame.attrs["crowd"] = dict(zip(c["columns"][:-1], c["crowd"]))
    return frame


ISSUE_COLUMNS = ["image_id", "annotation_id", "kind", "score", "label",
                 "predicted", "confidence", "bbox"]


def label_issues(gt: str, predictions: str, *, where=None,
                 min_confidence: float = 0.5, match_iou: float = 0.5,
                 overlap_iou: float = 0.1, top=None,
                 lenient: bool = False) -> pd.DataFrame:
    """Likely label errors per box as a DataFrame, highest score first:
    kind ``swapped``, ``overlooked`` (annotation_id None) or
    ``badly_located``; every threshold as in ``slicekit label-issues``."""
    rows = _slicekit.label_issues_coco(
        gt, predictions, where=where, min_confidence=min_confidence,
        match_iou=match_iou, overlap_iou=overlap_iou, top=top,
        lenient=lenient)
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)
