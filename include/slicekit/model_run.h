// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A model run: data rows with their metadata, ground-truth objects and
// predictions, before any matching. Plain data; see metrics.h for matching
// and coco.h for importing one.
#ifndef SLICEKIT_MODEL_RUN_H_
#define SLICEKIT_MODEL_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace slicekit {

// An axis-aligned box: top-left corner (x, y), width w and height h, in
// pixels. Width and height are finite and >= 0 in a loaded run.
struct Box {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
};

// A COCO instance mask of height x width pixels, kept as COCO's compressed
// run-length encoding (the `counts` string of a COCO RLE: runs of 0s and 1s
// column by column, starting with 0s), never as a dense mask: a mask costs
// a few bytes per boundary pixel. The importer converts polygons and
// uncompressed RLEs to this form; the evaluator checks it.
struct Mask {
  uint32_t height = 0;
  uint32_t width = 0;
  std::string counts;
};

// One ground-truth object. `class_index` indexes ModelRun::classes.
struct GroundTruth {
  int32_t class_index = 0;
  Box box;
  // A crowd region (COCO `iscrowd`): it may absorb several detections, which
  // are then ignored, and is never a false negative.
  bool iscrowd = false;
  // The annotation's `area`, when given. Plays no part in matching.
  std::optional<double> area;
  // The source's annotation id (COCO `id`), or 0.
  int64_t id = 0;
  // The instance mask (COCO `segmentation`), when given: what segm
  // evaluation compares.
  std::optional<Mask> mask;
  // COCO `keypoints`: x, y, v per keypoint of the class (v = 0: not
  // labelled, 1: labelled but not visible, 2: visible); empty when none.
  std::vector<double> keypoints;
  // COCO `num_keypoints` (keypoint evaluation ignores a ground truth with
  // 0); when absent, the keypoints with v > 0.
  std::optional<int64_t> num_keypoints;
};

// One predicted object. A missing confidence is loaded as 1.0.
struct Prediction {
  int32_t class_index = 0;
  Box box;
  double confidence = 1.0;
  // The instance mask (a COCO result's `segmentation`), when given.
  std::optional<Mask> mask;
  // A COCO keypoint result's `keypoints`: x, y and a score per keypoint of
  // the class (the score plays no part); empty when none.
  std::vector<double> keypoints;
  // The area COCO's area ranges test, when it is not w * h: pycocotools'
  // loadRes takes w * h when a result has a bbox, else the mask's area.
  std::optional<double> area;
};

// A class's keypoints (a COCO category's `keypoints` and `skeleton`) and
// the per-keypoint sigmas of OKS (COCO's 17 person sigmas where a class
// has 17 keypoints and the caller sets none).
struct KeypointSchema {
  std::vector<std::string> names;
  // Pairs of 1-based keypoint indexes, as COCO writes them.
  std::vector<std::pair<int32_t, int32_t>> skeleton;
  std::vector<double> sigmas;
};

// A row-level classification answer: one class with its confidence.
struct ClassAnswer {
  int32_t class_index = 0;
  double confidence = 1.0;
};

// A user metadata value: text, integer or float.
using MetadataValue = std::variant<std::string, int64_t, double>;

// One data row (a COCO image).
struct DataRow {
  std::string data_row_id;
  std::optional<std::string> dataset;
  std::optional<std::string> split;
  std::optional<std::string> global_key;
  // Extra fields (the JSON importers give them in key order); names are
  // unique within a row.
  std::vector<std::pair<std::string, MetadataValue>> metadata;
  std::vector<GroundTruth> ground_truths;  // in source order
  std::vector<Prediction> predictions;     // in source order
  // Row-level classification label and prediction, when the run has them.
  std::optional<ClassAnswer> label;
  std::optional<ClassAnswer> classification;
};

// A whole run. Row ids are unique and class names unique and non-empty.
struct ModelRun {
  // The run's class list, by name; per-class metrics exist for each.
  std::vector<std::string> classes;
  // The source's id of each class (COCO category id), parallel to `classes`;
  // empty when the source has none.
  std::vector<int64_t> class_ids;
  // Parallel to `classes` where any class has keypoints (names empty for a
  // class without); empty otherwise.
  std::vector<KeypointSchema> keypoints;
  std::vector<DataRow> rows;
};

}  // namespace slicekit

#endif  // SLICEKIT_MODEL_RUN_H_
