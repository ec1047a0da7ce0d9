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
import numbers
from typing import Any, Optional, Sequence

import numpy as np

from ._errors import NotFoundError
from ._slicekit import ModelRun, load_coco, scan

# summarize()'s stats, in its order (CocoStat).
STAT_NAMES = ["AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large",
              "AR1", "AR10", "AR100", "AR_small", "AR_medium", "AR_large"]


def _numbers(name: str, value: Any, integral: bool) -> list:
    """A sequence of numbers (integers where `integral`) as a list;
    TypeError naming the keyword for anything else."""
    kind = "integers" if integral else "numbers"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"coco_ap: {name} must be a sequence of {kind}, "
                        f"not {type(value).__name__}")
    out = []
    for i, v in enumerate(value):
        ok = (isinstance(v, numbers.Integral) if integral
              else isinstance(v, numbers.Real))
        if not ok or isinstance(v, bool):
            raise TypeError(f"coco_ap: {name}[{i}] must be "
                            f"{'an integer' if integral else 'a number'}, "
                            f"not {type(v).__name__}")
        out.append(int(v) if integral else float(v))
    return out


def _area_ranges(value: Any) -> list:
    """{label: (min, max)} or [(label, min, max), ...] as a list of
    (label, min, max); TypeError naming area_ranges otherwise."""
    items = list(value.items()) if isinstance(value, dict) else None
    if items is None:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError("coco_ap: area_ranges must be a dict "
                            "{label: (min, max)} or a sequence of "
                            f"(label, min, max), not {type(value).__name__}")
        items = []
        for i, entry in enumerate(value):
            if not isinstance(entry, (tuple, list)) or len(entry) != 3:
                raise TypeError(f"coco_ap: area_ranges[{i}] must be "
                                "(label, min, max)")
            items.append((entry[0], entry[1:]))
    out = []
    for i, (label, bounds) in enumerate(items):
        if not isinstance(label, str):
            raise TypeError(f"coco_ap: area_ranges[{i}]'s label must be a "
                            f"str, not {type(label).__name__}")
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise TypeError(f"coco_ap: area_ranges[{i}] ({label}) needs "
                            "(min, max)")
        lo, hi = _numbers(f"area_ranges[{i}] ({label})", bounds, False)
        out.append((label, lo, hi))
    return out


def _params(max_dets: Any, iou_thresholds: Any, rec_thresholds: Any,
            area_ranges: Any, use_cats: Any) -> dict:
    """coco_ap's COCO parameters, type-checked, as ModelRun._ap's
    keywords (None: pycocotools' default). Values are checked by the
    extension (ValueError naming the keyword and index)."""
    if not isinstance(use_cats, (bool, np.bool_)):
        raise TypeError(f"coco_ap: use_cats must be a bool, not "
                        f"{type(use_cats).__name__}")
    return {
        "max_dets": None if max_dets is None
        else _numbers("max_dets", max_dets, True),
        "iou_thresholds": None if iou_thresholds is None
        else _numbers("iou_thresholds", iou_thresholds, False),
        "rec_thresholds": None if rec_thresholds is None
        else _numbers("rec_thresholds", rec_thresholds, False),
        "area_ranges": None if area_ranges is None
        else _area_ranges(area_ranges),
        "use_cats": bool(use_cats),
    }


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
    lines (they name the maxDets, areas and IoUs of ``params``);
    ``per_class`` and ``pr_curves``: DataFrames; ``sweep()``: TP, FP, FN,
    precision, recall and F1 at each confidence threshold; ``params``: the
    COCO parameters used (max_dets, iou_thresholds, rec_thresholds,
    area_ranges as (label, min, max), use_cats).
    """

    def __init__(self, result: Any, classes: Sequence[str]):
        self._result = result
        self.classes = list(classes)
        self.stats = list(result.stats)
        self.stat_lines = list(result.stat_lines)
        self.num_images = result.num_images
        self.params = dict(result.params)

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
        """The precision/recall curves (one point per recall threshold;
        the first area range, all, and the last maxDets, 100 by default) of
        each class with ground truth (class "all" when pooled), at each IoU
        threshold:
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
        distinct score), at IoU `iou` (one of the IoU thresholds)."""
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


def _run_ap(self: ModelRun, rows: Any = None, *, max_dets: Any = None,
            iou_thresholds: Any = None, rec_thresholds: Any = None,
            area_ranges: Any = None, use_cats: bool = True
            ) -> AveragePrecision:
    """COCO AP of the images `rows` names (None: all; a Selection of a
    metrics() table of this run, positions or a boolean mask), under
    COCO's parameters as coco_ap takes them."""
    return AveragePrecision(
        self._ap(rows, **_params(max_dets, iou_thresholds, rec_thresholds,
                                 area_ranges, use_cats)), self.classes)


def coco_ap(gt: Any, dets: Any, where: Any = None, slice: Any = None,
            store: Any = None, org: Optional[str] = None,
            iou: Optional[float] = None, lenient: bool = False,
            iou_type: Optional[str] = None,
            kpt_oks_sigmas: Any = None, max_dets: Any = None,
            iou_thresholds: Any = None, rec_thresholds: Any = None,
            area_ranges: Any = None,
            use_cats: bool = True,
            threads: Optional[int] = None) -> AveragePrecision:
    """COCO AP as pycocotools gives it (``slicekit ap``): for every image,
    or for the images whose metrics row (default thresholds, as
    ``eval_coco`` computes it) matches `where` (a filter) or the saved
    `slice` (a Slice, or its name or id with `store` and `org`). `gt` and
    `dets` are paths (or a ModelRun from load_coco as `gt`, `dets` None).
    `iou` is the IoU of ``best_f1`` (default 0.5, or the first of
    `iou_thresholds` where 0.5 is not one). `iou_type` is what is matched:
    "bbox" (the default for paths) or "segm" (instance masks); a ModelRun
    keeps the one it was loaded with (a different one is a ValueError).
    `kpt_oks_sigmas` (keypoints, with paths): the OKS sigmas of the classes
    with that many keypoints. `threads` (with paths): how many compute the
    IoUs (None: every core; the same answer with any number).

    COCO's parameters, as pycocotools' ``Params`` (None: its default for
    the iou_type): `max_dets` (increasing integers, e.g. [1, 10, 100]),
    `iou_thresholds` (increasing, in (0, 1]), `rec_thresholds` (increasing,
    in [0, 1]), `area_ranges` ({label: (min, max)} or [(label, min, max)],
    e.g. {"all": (0, 1e10), "small": (0, 32 ** 2)}) and `use_cats` (False:
    every class pooled, pycocotools' useCats=0; not for keypoints). The
    stats follow them as pycocotools' summarize() does
    (docs/metrics.md#coco-parameters). A wrong type is a TypeError, a bad
    value a ValueError, each naming the keyword."""
    params = _params(max_dets, iou_thresholds, rec_thresholds, area_ranges,
                     use_cats)
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
                        kpt_oks_sigmas=kpt_oks_sigmas, threads=threads)
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
    result = AveragePrecision(run._ap(rows, **params), run.classes)
    if iou is None:
        thresholds = result.params["iou_thresholds"]
        iou = 0.5 if any(abs(t - 0.5) <= 1e-9 for t in thresholds) \
            else thresholds[0]
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
