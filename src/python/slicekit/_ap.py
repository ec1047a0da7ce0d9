# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""COCO AP from Python, as ``slicekit ap`` gives it: :func:`coco_ap` for
all images or the images of a filter or saved slice, with pycocotools'
twelve stats, per-class AP, the PR curves and threshold sweeps as
DataFrames; :meth:`ModelRun.per_class` for the per-(image, class) long
table of ``slicekit eval --per-class``.

The extension does the work (GIL released); this file only shapes its
answers into pandas.
"""

from __future__ import annotations

import html
import io
from typing import Any, Optional, Sequence

import numpy as np

from ._errors import NotFoundError
from ._slicekit import ModelRun, load_coco, scan

# summarize()'s stats, in its order (CocoStat).
STAT_NAMES = ["AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large",
              "AR1", "AR10", "AR100", "AR_small", "AR_medium", "AR_large"]


def _pandas():
    import pandas
    return pandas


def _undefined(values):
    """-1 (COCO's 'undefined') as NaN, for DataFrames."""
    out = np.asarray(values, dtype=np.float64)
    return np.where(out < 0, np.nan, out)


class AveragePrecision:
    """COCO evaluation of a set of images (:func:`coco_ap`).

    ``stats``: the twelve values of pycocotools' ``summarize()`` (-1 where
    undefined) in its order (``STAT_NAMES``); ``stat_lines``: its printed
    lines; ``per_class`` and ``pr_curves``: DataFrames; ``sweep()``: TP,
    FP, FN, precision, recall and F1 at each confidence threshold.
    """

    def __init__(self, result: Any, classes: Sequence[str]):
        self._result = result
        self.classes = list(classes)
        self.stats = list(result.stats)
        self.stat_lines = list(result.stat_lines)
        self.num_images = result.num_images

    @property
    def ap(self) -> float:
        """AP @[IoU=0.50:0.95 | area=all | maxDets=100]."""
        return self.stats[0]

    @property
    def per_class(self) -> Any:
        """One row per class: ground_truths, detections, ap, ap50, ap75 and
        ar100 (NaN where the class has no ground truth in the images)."""
        pd = _pandas()
        rows = self._result.per_class
        frame = pd.DataFrame(rows, columns=["class", "ground_truths",
                                            "detections", "ap", "ap50",
                                            "ap75", "ar100"])
        for c in ("ap", "ap50", "ap75", "ar100"):
            frame[c] = _undefined(frame[c])
        return frame

    @property
    def pr_curves(self) -> Any:
        """The 101-point precision/recall curves (area all, maxDets 100) of
        each class with ground truth, at each of the ten IoU thresholds:
        class, iou_threshold, recall, precision, score (the confidence at
        which that recall is reached)."""
        pd = _pandas()
        names, iou, recall, precision, score = self._result.pr_curves
        return pd.DataFrame({"class": names, "iou_threshold": iou,
                             "recall": recall,
                             "precision": _undefined(precision),
                             "score": score})

    def sweep(self, iou: float = 0.5,
              thresholds: Optional[Sequence[float]] = None) -> Any:
        """TP, FP, FN, precision, recall and F1 per class (and ``None``:
        all classes together) at each confidence threshold (default every
        distinct score), at IoU `iou` (one of the ten COCO thresholds)."""
        pd = _pandas()
        rows = self._result.sweep(iou, list(thresholds or []))
        return pd.DataFrame(rows, columns=["class", "threshold", "tp", "fp",
                                           "fn", "precision", "recall", "f1"])

    def __repr__(self) -> str:
        return (f"<slicekit.AveragePrecision AP={self.stats[0]:.3f} "
                f"AP50={self.stats[1]:.3f} over {self.num_images} images>")

    def _repr_html_(self) -> str:
        lines = "\n".join(html.escape(line) for line in self.stat_lines)
        table = self.per_class.to_html(index=False, float_format="%.3f",
                                       na_rep="&ndash;", escape=True)
        return (f"<div><p>COCO AP over {self.num_images} images</p>"
                f"<pre>{lines}</pre>{table}</div>")


def _per_class(self: ModelRun, **options: Any) -> Any:
    """The per-(image, class) metrics as a long DataFrame (one row per
    image and class with any ground truth or prediction): data_row_id,
    class, then the metric columns; options as metrics()."""
    pd = _pandas()
    csv = self._per_class_csv(**options)
    return pd.read_csv(io.BytesIO(csv), dtype={"data_row_id": str,
                                               "class": str},
                       keep_default_na=False, na_values=[""])


def _run_ap(self: ModelRun, rows: Any = None) -> AveragePrecision:
    """COCO AP of the images `rows` names (None: all; a Selection of a
    metrics() table of this run, positions or a boolean mask)."""
    return AveragePrecision(self._ap(rows), self.classes)


def coco_ap(gt: Any, dets: Any, where: Any = None, slice: Any = None,
            store: Any = None, org: Optional[str] = None,
            iou: float = 0.5, lenient: bool = False,
            iou_type: Optional[str] = None,
            kpt_oks_sigmas: Any = None) -> AveragePrecision:
    """COCO AP as pycocotools gives it (``slicekit ap``): for every image,
    or for the images whose metrics row (default thresholds, as
    ``eval_coco`` computes it) matches `where` (a filter) or the saved
    `slice` (a Slice, or its name or id with `store` and `org`). `gt` and
    `dets` are paths (or a ModelRun from load_coco as `gt`, `dets` None).
    `iou` is the IoU of ``best_f1``. `iou_type` is what is matched:
    "bbox" (the default for paths) or "segm" (instance masks); a ModelRun
    keeps the one it was loaded with (a different one is a ValueError).
    `kpt_oks_sigmas` (keypoints, with paths): the OKS sigmas of the classes
    with that many keypoints."""
    if where is not None and slice is not None:
        raise TypeError("coco_ap takes where= or slice=, not both")
    if isinstance(gt, ModelRun):
        if iou_type is not None and iou_type != gt.iou_type:
            raise ValueError(
                f"coco_ap: iou_type={iou_type!r}, but the ModelRun was loaded "
                f"with iou_type={gt.iou_type!r} (load_coco(..., iou_type=))")
        run = gt
    else:
        run = load_coco(gt, dets, lenient=lenient,
                        iou_type=iou_type or "bbox",
                        kpt_oks_sigmas=kpt_oks_sigmas)
    resolver = None
    if isinstance(slice, str):
        if store is None or org is None:
            raise TypeError("slice= by name needs store= and org=")
        try:
            slice = store.get_by_name(org, slice)
        except NotFoundError:  # not a name: an id, or NotFoundError
            slice = store.get(org, slice)
    if slice is not None:
        where = slice.filter
    if store is not None and org is not None:
        resolver = store.resolver(org)
    rows = None
    if where is not None:
        rows = scan(run.metrics(), where, resolver=resolver)
    result = AveragePrecision(run._ap(rows), run.classes)
    result.best_f1 = _best_f1(result.sweep(iou))
    return result


def _best_f1(sweep: Any) -> Any:
    """Per class (None: all classes), the threshold with the highest F1
    (on equal F1 the highest threshold), as ``slicekit ap`` prints it."""
    if sweep.empty:
        return sweep
    ranked = sweep.dropna(subset=["f1"]).sort_values(
        ["f1", "threshold"], ascending=False, kind="stable")
    return ranked.groupby("class", dropna=False, sort=False).head(1)


def install() -> None:
    ModelRun.per_class = _per_class  # type: ignore
    ModelRun.ap = _run_ap  # type: ignore
