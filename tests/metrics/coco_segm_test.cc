// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO instance masks: the importer's segmentation (polygons, uncompressed
// and compressed RLE) and segm evaluation, against pycocotools' COCOeval(gt,
// dt, "segm") on tests/data/coco_segm (make_fixture.py there).
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "src/metrics/coco_rle.h"
#include "tests/testing/coco_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ClassIndex;
using ::slicekit::testing::ReadJson;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

std::string DataPath(const std::string& name) {
  return ::slicekit::testing::DataPath("coco_segm", name);
}

// ---- Parity with pycocotools ----

// dets.json: results with only a segmentation (area = the mask's);
// dets_bbox.json: the same with a bbox, some given as polygons (loadRes
// then takes area = w * h).
class SegmParity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        run_, ImportCocoFiles(DataPath("gt.json"), DataPath(GetParam())));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(evaluator_,
                                  Evaluator::Create(&run_, IouType::kSegm));
    oracle_ = ReadJson(DataPath("oracle.json"))[GetParam()];
  }
  ModelRun run_;
  std::optional<Evaluator> evaluator_;
  nlohmann::json oracle_;
};

TEST_P(SegmParity, StatsAndPerClassApEqualPycocotools) {
  const CocoEvaluation e = CocoEvaluator::Create(*evaluator_).Evaluate();
  for (int i = 0; i < 12; ++i) {
    EXPECT_NEAR(e.stats[i], oracle_["stats"][i].get<double>(), 1e-9)
        << CocoStatLine(i, e.stats[i]);
  }
  // Every stat is defined: the set reaches all area ranges.
  for (double s : e.stats) EXPECT_GE(s, 0);
  for (const auto& [name, want] : oracle_["per_class"].items()) {
    const CocoClassAp& got = e.classes[ClassIndex(run_, name)];
    EXPECT_NEAR(got.ap, want["ap"].get<double>(), 1e-9) << name;
    EXPECT_NEAR(got.ap50, want["ap50"].get<double>(), 1e-9) << name;
    EXPECT_NEAR(got.ap75, want["ap75"].get<double>(), 1e-9) << name;
  }
}

TEST_P(SegmParity, PrecisionScoreAndRecallArraysAreExact) {
  const CocoEvaluation e = CocoEvaluator::Create(*evaluator_).Evaluate();
  int compared = 0;
  for (const auto& [name, by_t] : oracle_["precision"].items()) {
    const int k = ClassIndex(run_, name);
    for (int t = 0; t < kCocoIouThresholds; ++t) {
      for (int r = 0; r < kCocoRecallThresholds; ++r) {
        ASSERT_EQ(e.Precision(t, r, k, 0, 2), by_t[t][r].get<double>())
            << name << " t=" << t << " r=" << r;
        ASSERT_EQ(e.Score(t, r, k, 0, 2),
                  oracle_["scores"][name][t][r].get<double>())
            << name << " t=" << t << " r=" << r;
        ++compared;
      }
      for (int a = 0; a < kCocoAreaRanges; ++a) {
        for (int m = 0; m < kCocoMaxDetsSettings; ++m) {
          ASSERT_EQ(e.Recall(t, k, a, m),
                    oracle_["recall"][name][t][a][m].get<double>())
              << name << " t=" << t << " a=" << a << " m=" << m;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 3 * 10 * (101 + 12));
}

// Metrics rows (the table filters and slices read) count what pycocotools'
// evalImgs holds: per image, TP, FP and FN summed over classes, at IoU .5
// and .75, area "all", maxDets 100, every score.
TEST_P(SegmParity, PerImageCountsEqualEvalImgs) {
  const auto& thresholds = oracle_["per_image_iou"];
  for (int slot = 0; slot < 2; ++slot) {
    MetricsOptions options;
    options.iou_type = IouType::kSegm;
    options.iou_threshold = thresholds[slot].get<double>();
    options.confidence_threshold = 0;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, evaluator_->Compute(options));
    int images = 0;
    for (size_t r = 0; r < run_.rows.size(); ++r) {
      const auto& want = oracle_["per_image"][run_.rows[r].data_row_id][slot];
      SCOPED_TRACE(absl::StrCat("image ", run_.rows[r].data_row_id, " IoU ",
                                options.iou_threshold));
      EXPECT_EQ(m.rows[r].tp, want[0].get<int64_t>());
      EXPECT_EQ(m.rows[r].fp, want[1].get<int64_t>());
      EXPECT_EQ(m.rows[r].fn, want[2].get<int64_t>());
      ++images;
    }
    EXPECT_EQ(images, 32);
  }
}

INSTANTIATE_TEST_SUITE_P(Results, SegmParity,
                         ::testing::Values("dets.json", "dets_bbox.json"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           return i.param == "dets.json" ? "MaskOnly"
                                                         : "WithBbox";
                         });

TEST(SegmFixtureTest, ExercisesTheCornersItIsMeantTo) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(DataPath("gt.json"), DataPath("dets_bbox.json")));
  const nlohmann::json gt = ReadJson(DataPath("gt.json"));
  int multi_part = 0, crowd_rle = 0, compressed = 0, border = 0;
  for (const auto& a : gt["annotations"]) {
    const auto& s = a["segmentation"];
    if (s.is_array() && s.size() > 1) ++multi_part;
    if (s.is_object() && s["counts"].is_array() && a["iscrowd"] == 1) {
      ++crowd_rle;
    }
    if (s.is_object() && s["counts"].is_string()) ++compressed;
    if (s.is_array()) {
      for (const auto& part : s) {
        for (const auto& c : part) border += c.get<double>() <= 0;
      }
    }
  }
  EXPECT_GE(multi_part, 5);
  EXPECT_GE(crowd_rle, 5);
  EXPECT_GE(compressed, 5);
  EXPECT_GE(border, 5);
  // Results given as polygons are rasterized like ground truth.
  int polygons = 0;
  for (const auto& d : ReadJson(DataPath("dets_bbox.json"))) {
    polygons += d["segmentation"].is_array();
  }
  EXPECT_GE(polygons, 10);
  // Detections inside crowd regions: their crowd IoU is positive.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e,
                                Evaluator::Create(&run, IouType::kSegm));
  MetricsOptions options;
  options.iou_type = IouType::kSegm;
  options.confidence_threshold = 0;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, e.Compute(options));
  int64_t absorbed = 0;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    bool crowd = false;
    for (const GroundTruth& g : run.rows[r].ground_truths) crowd |= g.iscrowd;
    if (!crowd) continue;
    // Predictions neither TP nor FP were absorbed by a crowd region.
    absorbed += static_cast<int64_t>(run.rows[r].predictions.size()) -
                m.rows[r].tp - m.rows[r].fp;
  }
  EXPECT_GE(absorbed, 5);
}

// ---- Box-shaped masks: segm equals bbox ----

// Masks that are exactly integer boxes have the boxes' IoUs (both are
// ratios of the same integers), crowd rule included, so segm evaluation of
// such a run equals its bbox evaluation bit for bit.
TEST(SegmPropertyTest, BoxShapedMasksEvaluateAsTheirBoxes) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 20; ++trial) {
    ModelRun run;
    run.classes = {"a", "b"};
    const uint32_t h = 40, w = 50;
    auto box_mask = [&](Box* box) {
      std::uniform_int_distribution<int> x(0, w - 2), y(0, h - 2);
      const int x0 = x(rng), y0 = y(rng);
      std::uniform_int_distribution<int> bw(1, w - x0), bh(1, h - y0);
      *box = Box{double(x0), double(y0), double(bw(rng)), double(bh(rng))};
      std::vector<uint8_t> dense(size_t{h} * w, 0);
      for (int c = x0; c < x0 + box->w; ++c) {
        for (int r = y0; r < y0 + box->h; ++r) dense[size_t(c) * h + r] = 1;
      }
      const internal::Rle rle = internal::RleEncode(dense.data(), h, w);
      return Mask{h, w, internal::RleToString(rle)};
    };
    for (int r = 0; r < 12; ++r) {
      DataRow row;
      row.data_row_id = std::to_string(r + 1);
      for (int g = 0; g < int(rng() % 4); ++g) {
        GroundTruth gt;
        gt.class_index = int(rng() % 2);
        gt.iscrowd = rng() % 6 == 0;
        gt.mask = box_mask(&gt.box);
        row.ground_truths.push_back(gt);
      }
      for (int p = 0; p < int(rng() % 6); ++p) {
        Prediction pred;
        pred.class_index = int(rng() % 2);
        pred.confidence = double(rng() % 5) / 4;
        pred.mask = box_mask(&pred.box);
        row.predictions.push_back(pred);
      }
      run.rows.push_back(row);
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation bbox,
                                  EvaluateCoco(run, IouType::kBbox));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation segm,
                                  EvaluateCoco(run, IouType::kSegm));
    EXPECT_EQ(bbox.stats, segm.stats) << trial;
    EXPECT_EQ(bbox.precision, segm.precision) << trial;
    EXPECT_EQ(bbox.recall, segm.recall) << trial;
    MetricsOptions bo, so;
    so.iou_type = IouType::kSegm;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics bm, ComputeMetrics(run, bo));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics sm, ComputeMetrics(run, so));
    for (size_t r = 0; r < run.rows.size(); ++r) {
      EXPECT_EQ(bm.rows[r].tp, sm.rows[r].tp);
      EXPECT_EQ(bm.rows[r].fp, sm.rows[r].fp);
      EXPECT_EQ(bm.rows[r].fn, sm.rows[r].fn);
      EXPECT_EQ(bm.rows[r].iou, sm.rows[r].iou);
    }
  }
}

// ---- Import ----

constexpr char kGt[] = R"({
  "images": [{"id": 1, "width": 6, "height": 4},
             {"id": 2, "width": 5, "height": 5},
             {"id": 3}],
  "categories": [{"id": 1, "name": "cat"}],
  "annotations": [
    {"id": 10, "image_id": 1, "category_id": 1, "bbox": [0, 0, 6, 4],
     "segmentation": [[0, 0, 2, 0, 2, 2, 0, 2], [3, 1, 5, 1, 5, 3, 3, 3]]},
    {"id": 11, "image_id": 1, "category_id": 1, "bbox": [0, 0, 6, 4],
     "iscrowd": 1, "segmentation": {"size": [4, 6], "counts": [5, 3, 16]}},
    {"id": 12, "image_id": 2, "category_id": 1, "bbox": [0, 0, 5, 5],
     "segmentation": {"size": [5, 5], "counts": "63209"}},
    {"id": 13, "image_id": 3, "category_id": 1, "bbox": [0, 0, 5, 5]}
  ]})";
constexpr char kDets[] = R"([
  {"image_id": 2, "category_id": 1, "score": 0.5,
   "segmentation": {"size": [5, 5], "counts": "63209"}},
  {"image_id": 1, "category_id": 1, "score": 0.5, "bbox": [0, 0, 1, 1],
   "segmentation": [[0, 0, 2, 0, 2, 2, 0, 2]]}
])";

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

internal::Rle Decoded(const Mask& m) {
  absl::StatusOr<internal::Rle> rle =
      internal::RleFromString(m.counts, m.height, m.width);
  EXPECT_TRUE(rle.ok()) << rle.status();
  return rle.ok() ? *rle : internal::Rle{};
}

TEST(SegmImportTest, ReadsPolygonsUncompressedAndCompressedRles) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run, ImportCoco(kGt, kDets));
  ASSERT_EQ(run.rows.size(), 3u);
  const std::vector<GroundTruth>& g1 = run.rows[0].ground_truths;
  ASSERT_EQ(g1.size(), 2u);
  // Two parts, merged: the union of what each rasterizes to.
  ASSERT_TRUE(g1[0].mask.has_value());
  EXPECT_EQ(g1[0].mask->height, 4u);
  EXPECT_EQ(g1[0].mask->width, 6u);
  const std::vector<double> a = {0, 0, 2, 0, 2, 2, 0, 2};
  const std::vector<double> b = {3, 1, 5, 1, 5, 3, 3, 3};
  const std::vector<internal::Rle> parts = {*internal::RleFromPolygon(a, 4, 6),
                                            *internal::RleFromPolygon(b, 4, 6)};
  const internal::Rle merged = *internal::RleMerge(parts, false);
  EXPECT_EQ(Decoded(*g1[0].mask).counts, merged.counts);
  EXPECT_EQ(internal::RleArea(merged),
            internal::RleArea(parts[0]) + internal::RleArea(parts[1]));
  // Uncompressed counts, kept compressed.
  ASSERT_TRUE(g1[1].mask.has_value());
  EXPECT_EQ(Decoded(*g1[1].mask).counts, (std::vector<uint32_t>{5, 3, 16}));
  // A compressed string is kept as given.
  EXPECT_EQ(run.rows[1].ground_truths[0].mask->counts, "63209");
  EXPECT_FALSE(run.rows[2].ground_truths[0].mask.has_value());
  // A mask-only result: box and area from the mask, as loadRes derives
  // them; with a bbox, the bbox stays and the area is w * h (unset).
  const Prediction& p0 = run.rows[1].predictions[0];
  const internal::Rle rle = Decoded(*p0.mask);
  const std::array<double, 4> box = internal::RleToBbox(rle);
  EXPECT_EQ(p0.box.x, box[0]);
  EXPECT_EQ(p0.box.w, box[2]);
  EXPECT_EQ(p0.area, static_cast<double>(internal::RleArea(rle)));
  const Prediction& p1 = run.rows[0].predictions[0];
  EXPECT_EQ(p1.box.w, 1);
  EXPECT_FALSE(p1.area.has_value());
  ASSERT_TRUE(p1.mask.has_value());
}

TEST(SegmImportTest, BadSegmentationNamesRecordAndField) {
  const std::string gt = kGt, dets = kDets;
  struct Case {
    std::string gt, dets, message;
  };
  const std::vector<Case> cases = {
      {Replace(gt, "[3, 1, 5, 1, 5, 3, 3, 3]", "[3, 1, 5, 1, 5]"), dets,
       "gt.json: annotations[0] (id 10): segmentation[1]: a polygon needs an "
       "even, nonzero number of coordinates, not 5"},
      {Replace(gt, "[3, 1, 5, 1, 5, 3, 3, 3]", "[3, 1, 5, \"x\"]"), dets,
       "gt.json: annotations[0] (id 10): segmentation[1]: coordinate 3 is not "
       "a number"},
      {Replace(gt, "[5, 3, 16]", "[5, 3, 15]"), dets,
       "gt.json: annotations[1] (id 11): segmentation.counts: RLE counts sum "
       "to 23, not h x w = 24"},
      {Replace(gt, "[5, 3, 16]", "[5, -3, 16]"), dets,
       "gt.json: annotations[1] (id 11): segmentation.counts: count 1 is not "
       "a non-negative integer"},
      {Replace(gt, "\"size\": [4, 6]", "\"size\": [6, 4]"), dets,
       "gt.json: annotations[1] (id 11): segmentation.size: [6, 4] differs "
       "from the image's [4, 6]"},
      {Replace(gt, "\"size\": [4, 6]", "\"size\": [4]"), dets,
       "gt.json: annotations[1] (id 11): segmentation.size: not [height, "
       "width]"},
      {Replace(gt, "\"counts\": \"63209\"", "\"counts\": 613"), dets,
       "gt.json: annotations[2] (id 12): segmentation.counts: not a "
       "compressed string or a list of run lengths (613)"},
      {Replace(gt, "\"counts\": \"63209\"", "\"counts\": \"6320\""), dets,
       "gt.json: annotations[2] (id 12): segmentation.counts: RLE counts sum "
       "to"},
      {Replace(gt, "[0, 0, 5, 5]}",
               "[0, 0, 5, 5], \"segmentation\": "
               "[[0, 0, 1, 0, 1, 1]]}"),
       dets,
       "gt.json: annotations[3] (id 13): segmentation: polygons need the "
       "image's height and width"},
      {Replace(gt, "[[0, 0, 2, 0, 2, 2, 0, 2], [3, 1, 5, 1, 5, 3, 3, 3]]",
               "[]"),
       dets, "gt.json: annotations[0] (id 10): segmentation: no polygons"},
      {Replace(gt, "[[0, 0, 2, 0, 2, 2, 0, 2], [3, 1, 5, 1, 5, 3, 3, 3]]",
               "\"poly\""),
       dets,
       "gt.json: annotations[0] (id 10): segmentation: not a list of polygons "
       "or an RLE object"},
      {gt, Replace(dets, "\"size\": [5, 5]", "\"size\": [5, 6]"),
       "dets.json: [0]: segmentation.size: [5, 6] differs from the image's "
       "[5, 5]"},
      {gt, Replace(dets, "\"counts\": \"63209\"", "\"counts\": [\"6\"]"),
       "dets.json: [0]: segmentation.counts: count 0 is not a non-negative "
       "integer"},
      {gt, Replace(dets, "[[0, 0, 2, 0, 2, 2, 0, 2]]", "[[0, 0, 2, 0, 2]]"),
       "dets.json: [1]: segmentation[0]: a polygon needs an even"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ImportCoco(c.gt, c.dets),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }
  // Lenient: the bad record is skipped, with the strict error as reason.
  ImportOptions lenient;
  lenient.lenient = true;
  ImportReport report;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run, ImportCoco(Replace(gt, "[5, 3, 16]", "[5, 3, 15]"), dets,
                               lenient, &report));
  EXPECT_EQ(report.skipped_annotations, 1);
  EXPECT_EQ(run.rows[0].ground_truths.size(), 1u);
}

// pycocotools reads a polygon list whose first part has 4 numbers as boxes.
TEST(SegmImportTest, FourNumberPartsAreBoxesAsInPycocotools) {
  const std::string gt =
      Replace(kGt, "[[0, 0, 2, 0, 2, 2, 0, 2], [3, 1, 5, 1, 5, 3, 3, 3]]",
              "[[0, 0, 2, 2], [3, 1, 2, 2]]");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun boxes, ImportCoco(gt, kDets));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun polygons, ImportCoco(kGt, kDets));
  EXPECT_EQ(boxes.rows[0].ground_truths[0].mask->counts,
            polygons.rows[0].ground_truths[0].mask->counts);
  EXPECT_THAT(
      ImportCoco(Replace(gt, "[3, 1, 2, 2]", "[3, 1, 2, 2, 4, 4]"), kDets),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("segmentation[1]: 6 numbers where the first part's 4 "
                         "make the list boxes")));
}

// ---- Evaluation errors ----

TEST(SegmEvaluatorTest, MissingOrMismatchedMasksNameRowAndObject) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run, ImportCoco(kGt, kDets));
  // Image 3's annotation has no segmentation.
  EXPECT_THAT(Evaluator::Create(&run, IouType::kSegm),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row 3: ground_truths[0]: no mask")));
  run.rows[2].ground_truths.clear();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e,
                                Evaluator::Create(&run, IouType::kSegm));
  EXPECT_THAT(e.Compute({}), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("iou_type differs")));
  run.rows[1].predictions[0].mask->width = 4;
  EXPECT_THAT(Evaluator::Create(&run, IouType::kSegm),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row 2: predictions[0]: mask is 5 x 4, "
                                 "ground_truths[0]'s 5 x 5")));
  run.rows[1].predictions[0].mask->width = 5;
  run.rows[1].predictions[0].mask->counts = "6!";
  EXPECT_THAT(Evaluator::Create(&run, IouType::kSegm),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row 2: predictions[0]: mask: compressed")));
  // Boxes ignore masks.
  EXPECT_TRUE(Evaluator::Create(&run, IouType::kBbox).ok());
}

}  // namespace
}  // namespace slicekit
