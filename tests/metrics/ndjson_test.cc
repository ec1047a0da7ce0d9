// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/ndjson.h"

#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/metrics.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kRows[] =
    R"({"data_row_id": "a", "dataset": "drone", "split": "val", )"
    R"("metadata": {"weather": "rain", "width": 640, "exposure": 0.5}, )"
    R"("ground_truth": [{"class": "car", "bbox": [0, 0, 10, 20]}, )"
    R"({"class": "person", "bbox": [50, 50, 5, 5], "iscrowd": 1}], )"
    R"("predictions": [{"class": "car", "bbox": [0, 0, 10, 10], )"
    R"("confidence": 0.9}, {"class": "dog", "bbox": [1, 1, 1, 1]}]})"
    "\n\n"
    R"({"data_row_id": "b", "label": {"class": "cat"}, )"
    R"("classification": {"class": "car", "confidence": 0.7}})"
    "\r\n";

TEST(NdjsonImportTest, ReadsRowsAndDiscoversClasses) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run, ImportNdjson(kRows));
  EXPECT_EQ(run.classes,
            (std::vector<std::string>{"car", "person", "dog", "cat"}));
  ASSERT_EQ(run.rows.size(), 2u);
  const DataRow& a = run.rows[0];
  EXPECT_EQ(a.data_row_id, "a");
  EXPECT_EQ(a.split, "val");
  ASSERT_EQ(a.metadata.size(), 3u);
  // JSON objects are read in key order.
  EXPECT_EQ(a.metadata[2].first, "width");
  EXPECT_EQ(std::get<int64_t>(a.metadata[2].second), 640);
  ASSERT_EQ(a.ground_truths.size(), 2u);
  EXPECT_TRUE(a.ground_truths[1].iscrowd);
  EXPECT_EQ(a.ground_truths[1].class_index, 1);
  ASSERT_EQ(a.predictions.size(), 2u);
  EXPECT_EQ(a.predictions[1].class_index, 2);
  EXPECT_EQ(a.predictions[1].confidence, 1.0);
  const DataRow& b = run.rows[1];
  ASSERT_TRUE(b.label.has_value() && b.classification.has_value());
  EXPECT_EQ(b.label->class_index, 3);
  EXPECT_EQ(b.classification->confidence, 0.7);
  // And it evaluates: a has a car TP (IoU 0.5) and a dog FP; b is a
  // classification mismatch (car FP, cat FN).
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, ComputeMetrics(run));
  EXPECT_EQ(std::make_tuple(m.rows[0].tp, m.rows[0].fp, m.rows[0].fn),
            std::make_tuple(1, 1, 0));
  EXPECT_EQ(std::make_tuple(m.rows[1].tp, m.rows[1].fp, m.rows[1].fn),
            std::make_tuple(0, 1, 1));
}

TEST(NdjsonImportTest, BadLinesNameLineIdAndField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"data_row_id\": \"a\"}\n{", "rows.ndjson: line 2: line: malformed"},
      {"[1]", "rows.ndjson: line 1: line: not a JSON object"},
      {"{\"dataset\": \"x\"}", "line 1: data_row_id: missing or empty"},
      {"{\"data_row_id\": \"a\"}\n{\"data_row_id\": \"a\"}",
       "line 2 (id \"a\"): data_row_id: duplicate"},
      {R"({"data_row_id": "a", "ground_truth": [{"class": "car", )"
       R"("bbox": [0, 0, 1, 1]}, {"class": "car", "bbox": [0, 0, -3, 1]}]})",
       "rows.ndjson: line 1 (id \"a\"): ground_truth[1]: bbox: width is "
       "negative (-3)"},
      {R"({"data_row_id": "a", "predictions": [{"class": "car", )"
       R"("bbox": [0, 0, 1, 1], "confidence": 2}]})",
       "line 1 (id \"a\"): predictions[0]: confidence: outside [0, 1] (2)"},
      {R"({"data_row_id": "a", "predictions": [{"bbox": [0, 0, 1, 1]}]})",
       "predictions[0]: class: missing or empty"},
      {R"({"data_row_id": "a", "metadata": {"tags": [1]}})",
       "metadata.tags: not a string or number"},
      // The value is cut to 37 bytes at a character boundary ("é" is two).
      {R"({"data_row_id": "a", "metadata": {"tags": ["ab)"
       "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
       "\u00e9"
       "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
       "\u00e9"
       R"("]}})",
       "metadata.tags: not a string or number ([\"ab"
       "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
       "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9...)"},
  };
  for (const auto& [text, message] : cases) {
    EXPECT_THAT(ImportNdjson(text), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr(message)))
        << text;
  }
}

TEST(NdjsonImportTest, FixedClassListRejectsUnknownClasses) {
  NdjsonOptions options;
  options.classes = {"car", "person"};
  EXPECT_THAT(ImportNdjson(kRows, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 1 (id \"a\"): predictions[1]: class: "
                                 "unknown class \"dog\"")));
  options.classes = {"car", "car"};
  EXPECT_THAT(
      ImportNdjson("", options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
}

TEST(NdjsonImportTest, LenientModeSkipsBadLinesAndTheirClasses) {
  NdjsonOptions options;
  options.import.lenient = true;
  const std::string text = std::string(kRows) +
                           R"({"data_row_id": "c", "predictions": [)"
                           R"({"class": "bus", "bbox": [0, 0, 1, 1]}, )"
                           R"({"class": "car", "bbox": [0, 0, 1]}]})"
                           "\n{oops\n";
  ImportReport report;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run,
                                ImportNdjson(text, options, &report));
  EXPECT_EQ(run.rows.size(), 2u);
  EXPECT_EQ(report.skipped_rows, 2);
  ASSERT_EQ(report.reasons.size(), 2u);
  EXPECT_THAT(report.reasons[0], HasSubstr("line 4 (id \"c\")"));
  EXPECT_THAT(report.reasons[1], HasSubstr("line 5: line: malformed JSON"));
  // "bus" came only from the skipped line.
  EXPECT_EQ(run.classes.size(), 4u);
}

// Found while writing tests/fuzz/ndjson_fuzzer: an integer beyond int64
// wrapped to a negative one; like the COCO importer, it is now the nearest
// double.
TEST(NdjsonImportTest, MetadataIntegerBeyondInt64IsADouble) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportNdjson(
          R"({"data_row_id": "a", "metadata": )"
          R"({"big": 18446744073709551615, )"
          R"("max": 9223372036854775807, "min": -9223372036854775808}})"));
  ASSERT_EQ(run.rows.size(), 1u);
  const auto& meta = run.rows[0].metadata;
  ASSERT_EQ(meta.size(), 3u);
  EXPECT_EQ(meta[0].first, "big");
  ASSERT_TRUE(std::holds_alternative<double>(meta[0].second));
  EXPECT_EQ(std::get<double>(meta[0].second), 18446744073709551615.0);
  EXPECT_EQ(std::get<int64_t>(meta[1].second),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(std::get<int64_t>(meta[2].second),
            std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace slicekit
