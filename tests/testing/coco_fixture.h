// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Reading the committed COCO fixtures and their oracle answers
// (tests/data/<dir>/): paths, JSON files, and finding a run's classes and
// images by the names and ids the oracle files use. Shared by the metrics
// tests that check parity with pycocotools and tidecv. A test including it
// is compiled with SLICEKIT_TEST_DATA_DIR (tests/metrics/CMakeLists.txt).
#ifndef SLICEKIT_TESTS_TESTING_COCO_FIXTURE_H_
#define SLICEKIT_TESTS_TESTING_COCO_FIXTURE_H_

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/model_run.h"
#include "slicekit/selection.h"

namespace slicekit::testing {

// tests/data/<dir>/<name>.
inline std::string DataPath(const std::string& dir, const std::string& name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/", dir, "/", name);
}

// The JSON file at `path`; a test failure when it cannot be opened.
inline nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

// The index of class `name` in `run`; a test failure (and 0) when it has
// none, so a caller never indexes past the classes.
inline int ClassIndex(const ModelRun& run, const std::string& name) {
  for (size_t k = 0; k < run.classes.size(); ++k) {
    if (run.classes[k] == name) return static_cast<int>(k);
  }
  ADD_FAILURE() << "no class " << name;
  return 0;
}

// The rows of `run` whose image id (data_row_id) is in the JSON array
// `ids`; a test failure for an id the run does not have.
inline Selection RowsOf(const ModelRun& run, const nlohmann::json& ids) {
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

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_COCO_FIXTURE_H_
