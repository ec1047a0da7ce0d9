// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Imports a COCO detection run: an instances file (ground truth) and a
// results file (detections).
#ifndef SLICEKIT_COCO_H_
#define SLICEKIT_COCO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/model_run.h"

namespace slicekit {

struct ImportOptions {
  // Off (the default): the first bad record fails the whole import. On: bad
  // records are skipped (an annotation or detection of a skipped image too)
  // and counted in the ImportReport. Malformed JSON always fails.
  bool lenient = false;
};

// What a lenient import skipped.
struct ImportReport {
  int64_t skipped_images = 0;
  int64_t skipped_categories = 0;
  int64_t skipped_annotations = 0;
  int64_t skipped_detections = 0;
  int64_t skipped_rows = 0;  // NDJSON lines
  // The reason for each skip, as the strict error would word it; at most
  // kMaxReasons are kept.
  std::vector<std::string> reasons;
  static constexpr size_t kMaxReasons = 100;
  int64_t skipped() const {
    return skipped_images + skipped_categories + skipped_annotations +
           skipped_detections + skipped_rows;
  }
};

// Builds a ModelRun from COCO JSON text.
//
// `gt_json` is an instances object with `images` (`id` an integer; optional
// string `dataset`, `split`, `global_key`; any other string or number field
// becomes a metadata column, other types are ignored), `categories` (`id`
// integer, `name` non-empty string, both unique) and `annotations` (`id`
// unique integer, `image_id`, `category_id`, `bbox` [x, y, w, h] of finite
// numbers with w, h >= 0, optional `iscrowd` 0/1 and `area` >= 0, optional
// `segmentation`). `dets_json` is a results list of `{image_id,
// category_id, bbox, score}` with an optional `segmentation`; `score` is
// optional (1.0), else a finite number in [0, 1]; `bbox` may be left out
// where `segmentation` is given (it is then the mask's bounding box and
// the result's area the mask's, as pycocotools' loadRes does).
//
// `segmentation` (docs/metrics.md#instance-masks) is a list of polygons
// [x0, y0, x1, y1, ...] (several parts are merged; as in pycocotools, a
// list whose first part has 4 numbers is read as boxes [x, y, w, h]),
// rasterized on the image's `height` x `width` exactly as pycocotools'
// frPoly; or an RLE object `{size: [h, w], counts}` with `counts` a list
// of run lengths (uncompressed, as COCO gives crowd regions) or COCO's
// compressed string. Masks are kept compressed (Mask). Errors name the
// record and field: an odd-length polygon, polygons on an image without
// height and width, counts that do not sum to h * w, a size that differs
// from the image's, counts that are neither a string nor a list.
//
// Keypoints (docs/metrics.md#keypoints): a category's optional `keypoints`
// (names) and `skeleton` (1-based pairs) fill ModelRun::keypoints (with
// COCO's person sigmas for 17 keypoints); an annotation's `keypoints`
// (x, y, v with v 0, 1 or 2, 3 numbers per keypoint of its category) and
// `num_keypoints`, a result's `keypoints` (x, y, score each), which may
// stand in for its bbox (the keypoints' extent, as loadRes). Errors: the
// wrong number of keypoint numbers, a v other than 0, 1, 2, keypoints for
// a category without, a skeleton edge outside the keypoints.
// Rows keep the images' file order; `data_row_id` is the image id as text.
// Classes are the categories in file order.
//
// Errors: InvalidArgument naming the source name, the record (index and,
// when known, id) and the field, e.g. `gt.json: annotations[17] (id 40):
// bbox: width is negative (-3)`. On error nothing is returned. `report`
// (optional) receives what a lenient import skipped.
absl::StatusOr<ModelRun> ImportCoco(absl::string_view gt_json,
                                    absl::string_view dets_json,
                                    const ImportOptions& options = {},
                                    ImportReport* report = nullptr,
                                    absl::string_view gt_name = "gt.json",
                                    absl::string_view dets_name = "dets.json");

// ImportCoco() of two files, with their base names as source names. One
// file at a time: the ground truth is read, parsed and imported, and its
// text and parse tree freed, before the results file is read (peak memory
// is the larger file's, not both). NotFound when a file cannot be read.
absl::StatusOr<ModelRun> ImportCocoFiles(const std::string& gt_path,
                                         const std::string& dets_path,
                                         const ImportOptions& options = {},
                                         ImportReport* report = nullptr);

}  // namespace slicekit

#endif  // SLICEKIT_COCO_H_
