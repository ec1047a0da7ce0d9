// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The COCO parameter flags of `slicekit ap` (pycocotools' Params): parsing
// each list, then ValidateCocoParams, every error naming its flag.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "examples/cli/coco_params.h"
#include "nlohmann/json.hpp"
#include "slicekit/average_precision.h"

namespace slicekit::cli {
namespace {

absl::Status FlagError(absl::string_view flag, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(flag, ": ", message));
}

absl::StatusOr<double> ParseNumber(absl::string_view flag,
                                   absl::string_view text, size_t item) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) {
    return FlagError(flag, absl::StrCat("item ", item, " '", text,
                                        "' is not a finite number"));
  }
  return v;
}

// "A,B,C" or "START:STEP:STOP", the latter as pycocotools builds its
// thresholds: linspace(start, stop, round((stop - start) / step) + 1).
absl::StatusOr<std::vector<double>> ParseThresholds(absl::string_view flag,
                                                    absl::string_view text) {
  std::vector<double> out;
  const std::vector<absl::string_view> range = absl::StrSplit(text, ':');
  if (range.size() == 3) {
    double v[3];
    for (size_t i = 0; i < 3; ++i) {
      absl::StatusOr<double> x = ParseNumber(flag, range[i], i);
      if (!x.ok()) return x.status();
      v[i] = *x;
    }
    if (!(v[1] > 0) || !(v[2] >= v[0])) {
      return FlagError(flag, absl::StrCat("in '", text,
                                          "' the step must be positive and "
                                          "stop at least start"));
    }
    const double n = std::nearbyint((v[2] - v[0]) / v[1]) + 1;
    if (n > 100000) return FlagError(flag, "too many thresholds");
    return CocoLinspace(v[0], v[2], static_cast<int>(n));
  }
  if (range.size() != 1) {
    return FlagError(flag, absl::StrCat("'", text,
                                        "' is neither A,B,... nor "
                                        "START:STEP:STOP"));
  }
  size_t item = 0;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    absl::StatusOr<double> x = ParseNumber(flag, part, item++);
    if (!x.ok()) return x.status();
    out.push_back(*x);
  }
  return out;
}

absl::StatusOr<std::vector<int>> ParseMaxDets(absl::string_view text) {
  std::vector<int> out;
  size_t item = 0;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int v = 0;
    if (!absl::SimpleAtoi(part, &v)) {
      return FlagError("--max-dets", absl::StrCat("item ", item, " '", part,
                                                  "' is not an integer"));
    }
    out.push_back(v);
    ++item;
  }
  return out;
}

// "all=0:1e10,small=0:1024,...".
absl::StatusOr<std::vector<CocoAreaRange>> ParseAreaRanges(
    absl::string_view text) {
  constexpr absl::string_view kFlag = "--area-ranges";
  std::vector<CocoAreaRange> out;
  size_t item = 0;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    const std::pair<absl::string_view, absl::string_view> label_range =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    const std::vector<absl::string_view> bounds =
        absl::StrSplit(label_range.second, ':');
    if (label_range.first.empty() || bounds.size() != 2) {
      return FlagError(kFlag, absl::StrCat("item ", item, " '", part,
                                           "' is not LABEL=MIN:MAX"));
    }
    CocoAreaRange r;
    r.label = std::string(label_range.first);
    absl::StatusOr<double> lo = ParseNumber(kFlag, bounds[0], item);
    if (!lo.ok()) return lo.status();
    absl::StatusOr<double> hi = ParseNumber(kFlag, bounds[1], item);
    if (!hi.ok()) return hi.status();
    r.min = *lo;
    r.max = *hi;
    out.push_back(std::move(r));
    ++item;
  }
  return out;
}

// The flag whose field ValidateCocoParams' message names.
absl::string_view FlagOfField(absl::string_view message) {
  static constexpr std::pair<absl::string_view, absl::string_view> kFields[] =
      {{"iou_thresholds", "--iou-thresholds"},
       {"recall_thresholds", "--rec-thresholds"},
       {"max_dets", "--max-dets"},
       {"area_ranges", "--area-ranges"},
       {"use_cats", "--no-categories"}};
  for (const auto& [field, flag] : kFields) {
    if (absl::StrContains(message, field)) return flag;
  }
  return "COCO parameters";
}

}  // namespace

std::vector<FlagSpec> CocoParamsFlags() {
  return {
      {.name = "--max-dets",
       .value_name = "N,...",
       .help = "maxDets, increasing (default 1,10,100)"},
      {.name = "--iou-thresholds",
       .value_name = "LIST",
       .help = "iouThrs: T1,T2,... or A:STEP:B (.5:.05:.95)"},
      {.name = "--rec-thresholds",
       .value_name = "LIST",
       .help = "recThrs, as --iou-thresholds (0:.01:1)"},
      {.name = "--area-ranges",
       .value_name = "LIST",
       .help = "areaRng: LABEL=MIN:MAX,... (COCO's four)"},
      {.name = "--no-categories",
       .help = "pool the classes (pycocotools' useCats=0)"},
  };
}

absl::StatusOr<CocoParams> ParseCocoParams(const ParsedFlags& flags,
                                           IouType iou_type) {
  CocoParams p = CocoParams::Default(iou_type);
  if (std::optional<std::string> text = flags.Get("--max-dets")) {
    absl::StatusOr<std::vector<int>> v = ParseMaxDets(*text);
    if (!v.ok()) return v.status();
    p.max_dets = *std::move(v);
  }
  if (std::optional<std::string> text = flags.Get("--iou-thresholds")) {
    absl::StatusOr<std::vector<double>> v =
        ParseThresholds("--iou-thresholds", *text);
    if (!v.ok()) return v.status();
    p.iou_thresholds = *std::move(v);
  }
  if (std::optional<std::string> text = flags.Get("--rec-thresholds")) {
    absl::StatusOr<std::vector<double>> v =
        ParseThresholds("--rec-thresholds", *text);
    if (!v.ok()) return v.status();
    p.recall_thresholds = *std::move(v);
  }
  if (std::optional<std::string> text = flags.Get("--area-ranges")) {
    absl::StatusOr<std::vector<CocoAreaRange>> v = ParseAreaRanges(*text);
    if (!v.ok()) return v.status();
    p.area_ranges = *std::move(v);
  }
  p.use_cats = !flags.Has("--no-categories");
  if (absl::Status s = ValidateCocoParams(p, iou_type); !s.ok()) {
    return FlagError(FlagOfField(s.message()), s.message());
  }
  return p;
}

nlohmann::json CocoParamsJson(const CocoParams& p) {
  nlohmann::json areas = nlohmann::json::array();
  for (const CocoAreaRange& r : p.area_ranges) {
    areas.push_back({{"label", r.label}, {"min", r.min}, {"max", r.max}});
  }
  return {{"iou_thresholds", p.iou_thresholds},
          {"recall_thresholds", p.recall_thresholds},
          {"max_dets", p.max_dets},
          {"area_ranges", std::move(areas)},
          {"use_cats", p.use_cats}};
}

}  // namespace slicekit::cli
