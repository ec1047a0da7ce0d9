// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/coco.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/csv.h"
#include "slicekit/metrics.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kGt[] = R"({
  "images": [
    {"id": 1, "width": 640, "dataset": "drone", "split": "val",
     "weather": "rain", "exposure": 0.5, "tags": [1, 2]},
    {"id": 2, "width": 320}
  ],
  "categories": [{"id": 3, "name": "car"}, {"id": 7, "name": "traffic light"}],
  "annotations": [
    {"id": 10, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10],
     "iscrowd": 0, "area": 100},
    {"id": 11, "image_id": 1, "category_id": 7, "bbox": [5, 5, 4, 4],
     "iscrowd": 1}
  ]
})";

constexpr char kDets[] = R"([
  {"image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "score": 0.9},
  {"image_id": 2, "category_id": 7, "bbox": [1, 2, 3, 4]}
])";

TEST(CocoImportTest, LoadsImagesCategoriesAnnotationsAndDetections) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run, ImportCoco(kGt, kDets));
  EXPECT_EQ(run.classes, (std::vector<std::string>{"car", "traffic light"}));
  EXPECT_EQ(run.class_ids, (std::vector<int64_t>{3, 7}));
  ASSERT_EQ(run.rows.size(), 2u);
  const DataRow& a = run.rows[0];
  EXPECT_EQ(a.data_row_id, "1");
  EXPECT_EQ(a.dataset, "drone");
  EXPECT_EQ(a.split, "val");
  EXPECT_FALSE(run.rows[1].dataset.has_value());
  // width (int), weather (string), exposure (float); the array is skipped.
  ASSERT_EQ(a.metadata.size(), 3u);
  std::map<std::string, MetadataValue> meta(a.metadata.begin(),
                                            a.metadata.end());
  EXPECT_EQ(std::get<int64_t>(meta.at("width")), 640);
  EXPECT_EQ(std::get<std::string>(meta.at("weather")), "rain");
  EXPECT_EQ(std::get<double>(meta.at("exposure")), 0.5);
  ASSERT_EQ(a.ground_truths.size(), 2u);
  EXPECT_EQ(a.ground_truths[0].class_index, 0);
  EXPECT_EQ(a.ground_truths[0].area, 100);
  EXPECT_FALSE(a.ground_truths[0].iscrowd);
  EXPECT_TRUE(a.ground_truths[1].iscrowd);
  EXPECT_EQ(a.ground_truths[1].class_index, 1);
  EXPECT_EQ(a.ground_truths[1].box.w, 4);
  ASSERT_EQ(a.predictions.size(), 1u);
  EXPECT_EQ(a.predictions[0].confidence, 0.9);
  // A missing score counts as 1.0.
  ASSERT_EQ(run.rows[1].predictions.size(), 1u);
  EXPECT_EQ(run.rows[1].predictions[0].confidence, 1.0);
  EXPECT_EQ(run.rows[1].predictions[0].box.h, 4);
}

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct BadCase {
  std::string gt;
  std::string dets;
  std::string message;
};

TEST(CocoImportTest, BadInputNamesFileRecordAndField) {
  const std::string gt = kGt;
  const std::string dets = kDets;
  const std::vector<BadCase> cases = {
      {"{\"images\": [", dets, "gt.json: malformed JSON"},
      {gt, "[{]", "dets.json: malformed JSON"},
      {"[]", dets, "gt.json: not a COCO instances object"},
      {Replace(gt, "\"images\"", "\"imagez\""), dets,
       "gt.json: images: missing required field"},
      {gt, "{}", "dets.json: not a COCO results list"},
      {Replace(gt, "[0, 0, 10, 10]", "[0, 0, -3, 10]"), dets,
       "gt.json: annotations[0] (id 10): bbox: width is negative (-3)"},
      {Replace(gt, "[5, 5, 4, 4]", "[5, 5, 4]"), dets,
       "gt.json: annotations[1] (id 11): bbox: not an array of 4 numbers"},
      {Replace(gt, "[5, 5, 4, 4]", "[5, 5, 4, \"x\"]"), dets,
       "gt.json: annotations[1] (id 11): bbox: height is not a number"},
      {Replace(gt, "\"id\": 11,", ""), dets,
       "gt.json: annotations[1]: id: missing required field"},
      {Replace(gt, "\"id\": 11,", "\"id\": 10,"), dets,
       "gt.json: annotations[1] (id 10): id: duplicate"},
      {Replace(gt, "\"image_id\": 1, \"category_id\": 7",
               "\"image_id\": 9, "
               "\"category_id\": 7"),
       dets, "gt.json: annotations[1] (id 11): image_id: unknown image (9)"},
      {Replace(gt, "\"category_id\": 7", "\"category_id\": 8"), dets,
       "gt.json: annotations[1] (id 11): category_id: unknown category (8)"},
      {Replace(gt, "\"iscrowd\": 1", "\"iscrowd\": 2"), dets,
       "gt.json: annotations[1] (id 11): iscrowd: not 0 or 1 (2)"},
      {Replace(gt, "\"area\": 100", "\"area\": -1"), dets,
       "gt.json: annotations[0] (id 10): area: negative or not finite (-1)"},
      {Replace(gt, "{\"id\": 2,", "{\"id\": 1,"), dets,
       "gt.json: images[1] (id 1): id: duplicate"},
      {Replace(gt, "\"split\": \"val\"", "\"split\": 3"), dets,
       "gt.json: images[0] (id 1): split: not a string (3)"},
      {Replace(gt, "{\"id\": 2,", "{\"id\": \"two\","), dets,
       "gt.json: images[1]: id: not an integer (\"two\")"},
      {Replace(gt, "\"name\": \"traffic light\"", "\"name\": \"car\""), dets,
       "gt.json: categories[1] (id 7): name: duplicate (\"car\")"},
      {Replace(gt, "{\"id\": 7, ", "{\"id\": 3, "), dets,
       "gt.json: categories[1] (id 3): id: duplicate"},
      {gt, Replace(dets, "\"score\": 0.9", "\"score\": 1.5"),
       "dets.json: [0]: score: outside [0, 1] (1.5)"},
      {gt, Replace(dets, "\"score\": 0.9", "\"score\": \"high\""),
       "dets.json: [0]: score: not a number (\"high\")"},
      {gt, Replace(dets, "{\"image_id\": 2,", "{\"image_id\": 5,"),
       "dets.json: [1]: image_id: unknown image (5)"},
      {gt, Replace(dets, "\"category_id\": 3,", "\"category_id\": 4,"),
       "dets.json: [0]: category_id: unknown category (4)"},
      {gt, Replace(dets, "[1, 2, 3, 4]", "[1, 2, 3, -4]"),
       "dets.json: [1]: bbox: height is negative (-4)"},
      {gt, Replace(dets, "\"bbox\": [1, 2, 3, 4]", "\"box\": [1, 2, 3, 4]"),
       "dets.json: [1]: bbox: missing required field"},
  };
  for (const BadCase& c : cases) {
    absl::StatusOr<ModelRun> run = ImportCoco(c.gt, c.dets);
    EXPECT_THAT(
        run, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }
}

TEST(CocoImportTest, OverflowingNumbersAreRejected) {
  // JSON has no NaN; an overflowing literal is the way to a non-finite box,
  // and the parser already refuses it.
  std::string gt = Replace(kGt, "[0, 0, 10, 10]", "[0, 0, 1e999, 10]");
  EXPECT_THAT(ImportCoco(gt, kDets),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat(
                           "gt.json: malformed JSON at byte ", gt.find("1e999"),
                           ": ", "Problem while parsing a number"))));
}

TEST(CocoImportTest, MalformedJsonNamesTheByteOffset) {
  const std::string gt = kGt;
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"{\"images\": [", 12},  // ends early
      {"[{]", 2},              // a key expected
      {"[1, 2] x", 7},         // trailing content
      {"[\"a\tb\"]", 3},       // a control character in a string
      {"[\"\\q\"]", 3},        // a bad escape
      {"[01]", 2},             // a leading zero
      {"[tru]", 1},            // a bad literal
      {"[\"\xff\"]", 2},       // not UTF-8
      {"", 0},                 // empty
  };
  for (const auto& [dets, offset] : cases) {
    EXPECT_THAT(
        ImportCoco(gt, dets),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr(absl::StrCat("dets.json: malformed JSON at byte ",
                                        offset, ": "))))
        << dets;
  }
}

TEST(CocoImportTest, RepeatedKeysKeepTheLastValueAndMetadataIsInKeyOrder) {
  const std::string gt = Replace(
      kGt, "{\"id\": 2, \"width\": 320}",
      "{\"id\": 5, \"zoom\": 2, \"width\": 320, \"id\": 2, \"width\": 330}");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run, ImportCoco(gt, kDets));
  ASSERT_EQ(run.rows.size(), 2u);
  EXPECT_EQ(run.rows[1].data_row_id, "2");
  ASSERT_EQ(run.rows[1].metadata.size(), 2u);
  EXPECT_EQ(run.rows[1].metadata[0].first, "width");
  EXPECT_EQ(std::get<int64_t>(run.rows[1].metadata[0].second), 330);
  EXPECT_EQ(run.rows[1].metadata[1].first, "zoom");
}

TEST(CocoImportTest, LenientModeSkipsBadRecordsAndReportsThem) {
  std::string gt = Replace(kGt, "[0, 0, 10, 10]", "[0, 0, -3, 10]");
  gt = Replace(gt, "{\"id\": 2,", "{\"id\": 1,");  // duplicate image id
  std::string dets = Replace(kDets, "\"score\": 0.9", "\"score\": 7");
  ImportOptions options;
  options.lenient = true;
  ImportReport report;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run,
                                ImportCoco(gt, dets, options, &report));
  ASSERT_EQ(run.rows.size(), 1u);
  EXPECT_EQ(report.skipped_images, 1);
  EXPECT_EQ(report.skipped_annotations, 1);
  // The bad score, and the detection of the skipped image 2.
  EXPECT_EQ(report.skipped_detections, 2);
  EXPECT_EQ(report.skipped(), 4);
  ASSERT_EQ(report.reasons.size(), 4u);
  EXPECT_THAT(report.reasons[1], HasSubstr("width is negative (-3)"));
  EXPECT_EQ(run.rows[0].ground_truths.size(), 1u);
  EXPECT_TRUE(run.rows[0].predictions.empty());
  // Strict mode fails on the first of them.
  EXPECT_THAT(ImportCoco(gt, dets),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("images[1] (id 1): id: duplicate")));
}

TEST(CocoImportTest, MissingFileIsNotFound) {
  EXPECT_THAT(ImportCocoFiles("/nonexistent/gt.json", "/nonexistent/d.json"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("gt.json")));
}

// ---- Parity with pycocotools on tests/data/coco_small ----

std::string DataPath(const std::string& name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_small/", name);
}

// Reads a CSV of integers with a header; returns its rows.
std::vector<std::vector<int64_t>> ReadIntCsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::vector<int64_t>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<int64_t> row;
    for (absl::string_view field : absl::StrSplit(line, ',')) {
      int64_t v = 0;
      EXPECT_TRUE(absl::SimpleAtoi(field, &v)) << line;
      row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class CocoParityTest : public ::testing::TestWithParam<int> {};

TEST_P(CocoParityTest, ReproducesEveryPycocotoolsRow) {
  const int percent = GetParam();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(DataPath("gt.json"), DataPath("dets.json")));
  ASSERT_EQ(run.rows.size(), 300u);
  MetricsOptions options;
  options.iou_threshold = percent / 100.0;
  // The oracle applied no confidence threshold.
  options.confidence_threshold = 0;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics metrics,
                                ComputeMetrics(run, options));

  std::map<std::string, size_t> row_of;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    row_of[run.rows[r].data_row_id] = r;
  }
  const auto per_image =
      ReadIntCsv(DataPath(absl::StrCat("per_image_iou", percent, ".csv")));
  ASSERT_EQ(per_image.size(), run.rows.size());
  int matched_images = 0;
  for (const auto& want : per_image) {
    ASSERT_EQ(want.size(), 4u);
    auto it = row_of.find(absl::StrCat(want[0]));
    ASSERT_NE(it, row_of.end()) << want[0];
    const Metrics& got = metrics.rows[it->second];
    EXPECT_EQ(std::make_tuple(got.tp, got.fp, got.fn),
              std::make_tuple(want[1], want[2], want[3]))
        << "image " << want[0];
    if (std::make_tuple(got.tp, got.fp, got.fn) ==
        std::make_tuple(want[1], want[2], want[3])) {
      ++matched_images;
    }
  }
  EXPECT_EQ(matched_images, 300);

  std::map<int32_t, int64_t> category_of;
  std::map<std::pair<int64_t, int64_t>, std::tuple<int64_t, int64_t, int64_t>>
      got_classes;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    for (size_t e = metrics.class_begin[r]; e < metrics.class_begin[r + 1];
         ++e) {
      const RunMetrics::ClassEntry& entry = metrics.classes[e];
      int64_t image_id = 0;
      ASSERT_TRUE(absl::SimpleAtoi(run.rows[r].data_row_id, &image_id));
      got_classes[{image_id, run.class_ids[entry.class_index]}] = {
          entry.metrics.tp, entry.metrics.fp, entry.metrics.fn};
    }
  }
  const auto per_class =
      ReadIntCsv(DataPath(absl::StrCat("per_class_iou", percent, ".csv")));
  ASSERT_GT(per_class.size(), 300u);
  // Same (image, category) set: every oracle row, nothing more.
  EXPECT_EQ(got_classes.size(), per_class.size());
  size_t matched_classes = 0;
  for (const auto& want : per_class) {
    ASSERT_EQ(want.size(), 5u);
    auto it = got_classes.find({want[0], want[1]});
    ASSERT_NE(it, got_classes.end()) << want[0] << "," << want[1];
    EXPECT_EQ(it->second, std::make_tuple(want[2], want[3], want[4]))
        << "image " << want[0] << " category " << want[1];
    if (it->second == std::make_tuple(want[2], want[3], want[4])) {
      ++matched_classes;
    }
  }
  EXPECT_EQ(matched_classes, per_class.size());
}

INSTANTIATE_TEST_SUITE_P(IouThresholds, CocoParityTest,
                         ::testing::Values(50, 75));

TEST(CocoParityTest, ThresholdChangeOnOneEvaluatorMatchesFreshRuns) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(DataPath("gt.json"), DataPath("dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const int64_t ious = evaluator.num_iou_computations();
  EXPECT_GT(ious, 0);
  for (double conf : {0.0, 0.5, 0.3, 0.9, 0.0}) {
    for (double iou : {0.5, 0.75}) {
      MetricsOptions options;
      options.iou_threshold = iou;
      options.confidence_threshold = conf;
      SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics a, evaluator.Compute(options));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics b, ComputeMetrics(run, options));
      ASSERT_EQ(a.rows.size(), b.rows.size());
      for (size_t r = 0; r < a.rows.size(); ++r) {
        ASSERT_EQ(std::make_tuple(a.rows[r].tp, a.rows[r].fp, a.rows[r].fn,
                                  a.rows[r].tn, a.rows[r].iou),
                  std::make_tuple(b.rows[r].tp, b.rows[r].fp, b.rows[r].fn,
                                  b.rows[r].tn, b.rows[r].iou));
      }
    }
  }
  EXPECT_EQ(evaluator.num_iou_computations(), ious);
}

#ifdef SLICEKIT_CLI_PATH
TEST(CocoCliTest, EvalWritesAMetricsTableThatLoadsAndMatchesTheOracle) {
  const std::string dir = ::testing::TempDir();
  const std::string out = dir + "/eval_metrics.csv";
  const std::string per_class = dir + "/eval_per_class.csv";
  const std::string command = absl::StrCat(
      SLICEKIT_CLI_PATH, " eval --gt ", DataPath("gt.json"), " --pred ",
      DataPath("dets.json"), " --confidence-threshold 0 --iou-threshold 0.75",
      " --out ", out, " --per-class ", per_class);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, ReadCsvFile(out));
  ASSERT_EQ(table.num_rows(), 300u);
  const Schema& s = table.schema();
  ASSERT_TRUE(s.Find("fp[traffic light]").has_value());
  ASSERT_TRUE(s.Find("split").has_value());
  ASSERT_TRUE(s.Find("width").has_value());
  const int tp = *s.Find("tp"), fp = *s.Find("fp"), fn = *s.Find("fn");
  int matched = 0;
  for (const auto& want : ReadIntCsv(DataPath("per_image_iou75.csv"))) {
    std::optional<RowIndex> row = table.Find(absl::StrCat(want[0])).value();
    ASSERT_TRUE(row.has_value()) << want[0];
    matched += table.GetInt(*row, tp).value() == want[1] &&
               table.GetInt(*row, fp).value() == want[2] &&
               table.GetInt(*row, fn).value() == want[3];
  }
  EXPECT_EQ(matched, 300);
  // The class-scoped filters resolve to the per-class columns.
  for (const auto& [where, column, limit, below] :
       std::vector<std::tuple<std::string, std::string, double, bool>>{
           {"fp[car] >= 1", "fp[car]", 1, false},
           {"iou['traffic light'] < 0.5", "iou[traffic light]", 0.5, true}}) {
    size_t want = 0;
    const int c = *s.Find(column);
    for (RowIndex r = 0; r < table.num_rows(); ++r) {
      if (s.column(c).type == ColumnType::kInt) {
        want += table.GetInt(r, c).value().value_or(-1) >= limit;
      } else {
        std::optional<float> v = table.GetFloat(r, c).value();
        want += v.has_value() && (below ? *v < limit : *v >= limit);
      }
    }
    EXPECT_GT(want, 0u) << where;
    const std::string count_file = dir + "/eval_count.txt";
    ASSERT_EQ(std::system(absl::StrCat(SLICEKIT_CLI_PATH, " query --table ",
                                       out, " --where \"", where,
                                       "\" --count > ", count_file)
                              .c_str()),
              0)
        << where;
    std::ifstream count_in(count_file);
    size_t got = 0;
    count_in >> got;
    EXPECT_EQ(got, want) << where;
  }
  // One per-class line per oracle (image, category) row, plus the header.
  std::ifstream in(per_class);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("data_row_id,class,tp,fp,fn,tn,precision", 0), 0u);
  size_t lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, ReadIntCsv(DataPath("per_class_iou75.csv")).size());
  // A per-class IoU override: with "car" at 1.0 nearly every car detection
  // misses, so there are fewer true positives.
  const std::string strict = dir + "/eval_strict.csv";
  ASSERT_EQ(
      std::system(absl::StrCat(command, " --no-class-columns",
                               " --class-iou-threshold car=1 --out ", strict)
                      .c_str()),
      0);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table strict_table, ReadCsvFile(strict));
  EXPECT_FALSE(strict_table.schema().Find("fp[car]").has_value());
  int64_t tp_all = 0, tp_strict = 0;
  const int strict_tp = *strict_table.schema().Find("tp");
  for (RowIndex r = 0; r < table.num_rows(); ++r) {
    tp_all += table.GetInt(r, tp).value().value_or(0);
    tp_strict += strict_table.GetInt(r, strict_tp).value().value_or(0);
  }
  EXPECT_LT(tp_strict, tp_all);
  EXPECT_EQ(WEXITSTATUS(std::system(
                absl::StrCat(command, " --class-iou-threshold bus=0.5",
                             " 2>/dev/null")
                    .c_str())),
            1);
  // A usage error and a bad input exit with 2 and 1.
  EXPECT_EQ(
      WEXITSTATUS(std::system(
          absl::StrCat(SLICEKIT_CLI_PATH, " eval --gt x 2>/dev/null").c_str())),
      2);
  EXPECT_EQ(WEXITSTATUS(std::system(
                absl::StrCat(SLICEKIT_CLI_PATH, " eval --gt /nonexistent.json",
                             " --pred x --out ", out, " 2>/dev/null")
                    .c_str())),
            1);
}
#endif  // SLICEKIT_CLI_PATH

}  // namespace
}  // namespace slicekit
