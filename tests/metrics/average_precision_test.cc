// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/average_precision.h"

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

std::string DataPath(const std::string& dir, const std::string& name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/", dir, "/", name);
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

// The rows of `run` whose image id is in `ids`.
Selection RowsOf(const ModelRun& run, const nlohmann::json& ids) {
  std::map<std::string, size_t> index;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    index[run.rows[r].data_row_id] = r;
  }
  Selection rows(run.rows.size());
  for (const auto& id : ids) {
    auto it = index.find(std::to_string(id.get<int64_t>()));
    EXPECT_NE(it, index.end()) << id;
    if (it != index.end()) rows.Add(static_cast<RowIndex>(it->second));
  }
  return rows;
}

class CocoSmall : public ::testing::Test {
 protected:
  void SetUp() override {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        run_, ImportCocoFiles(DataPath("coco_small", "gt.json"),
                              DataPath("coco_small", "dets.json")));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e, Evaluator::Create(&run_));
    coco_ = std::make_unique<CocoEvaluator>(CocoEvaluator::Create(e));
  }
  ModelRun run_;
  std::unique_ptr<CocoEvaluator> coco_;
};

TEST_F(CocoSmall, SummarizeStatsEqualPycocotoolsForEachImageSet) {
  const nlohmann::json oracle =
      ReadJson(DataPath("coco_small", "summarize.json"));
  for (const auto& [name, set] : oracle.items()) {
    SCOPED_TRACE(name);
    CocoEvaluation e;
    if (set["image_ids"] == "all") {
      e = coco_->Evaluate();
    } else {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          e, coco_->Evaluate(RowsOf(run_, set["image_ids"])));
    }
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(e.stats[i], set["stats"][i].get<double>(), 1e-9)
          << CocoStatLine(i, e.stats[i]);
    }
    for (const CocoClassAp& c : e.classes) {
      EXPECT_NEAR(c.ap,
                  set["ap_per_class_iou50_95_area_all_maxdets100"]
                     [run_.classes[c.class_index]]
                         .get<double>(),
                  1e-9)
          << run_.classes[c.class_index];
    }
  }
}

}  // namespace
}  // namespace slicekit
