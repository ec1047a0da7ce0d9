// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Writes the migration fixture tests/data/slice_store_v1/store_v1.db with the
// slicekit of commit 6be1ca0 (store format version 1, before slice history),
// and expected.json: every slice as that release reads it back, for the
// migration test to compare with what the current code reads.
//
// Not built by CMake: the current code writes format version 2, so this
// program only makes a version-1 file when built against that commit:
//
//   git worktree add /tmp/v1 6be1ca0 && cmake -S /tmp/v1 -B /tmp/v1/build \
//     -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C /tmp/v1/build slicekit
//   g++ -std=c++20 -O1 -I/tmp/v1/include make_store_v1.cc \
//     /tmp/v1/build/libslicekit.a -lsqlite3 -lutf8proc -lsimdjson \
//     $(pkg-config --libs absl_status absl_statusor absl_strings absl_time \
//       absl_str_format absl_flat_hash_map absl_flat_hash_set) -o make_store_v1
//   ./make_store_v1 store_v1.db expected.json
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"

namespace {

template <typename T>
T Must(absl::StatusOr<T> value) {
  if (!value.ok()) {
    std::fprintf(stderr, "%s\n", value.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(value);
}

void Must(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    std::exit(1);
  }
}

slicekit::Expr F(const char* text) { return Must(slicekit::ParseFilter(text)); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_store_v1 STORE.db EXPECTED.json\n");
    return 2;
  }
  std::remove(argv[1]);
  auto store = Must(slicekit::SliceStore::OpenSqlite(argv[1]));
  using slicekit::OrderBy;
  using slicekit::SliceSpec;

  // acme: plain, Unicode and class-scoped slices; one updated several
  // times in place, one deleted, one saved as new from another.
  Must(store->Create("acme", SliceSpec{"Confident FPs",
                                       "false positives the model was sure of",
                                       F("fp >= 1 AND confidence > 0.8"),
                                       {{"confidence", true}}}));
  const slicekit::Slice night = Must(store->Create(
      "acme", SliceSpec{"Ärger mit Autos", "", F("fn[car] >= 1"), {}}));
  Must(store->Create(
      "acme", SliceSpec{"日本語のスライス",
                        "説明: 夜の画像",
                        F("dataset IN ('ds1', 'ds5') AND iou BETWEEN 0.1 AND "
                          "0.5"),
                        {{"iou", false}, {"confidence", true}}}));
  Must(store->Create("acme",
                     SliceSpec{"🚗 cars at night",
                               "emoji name, quoted 'text'",
                               F("iou['traffic light'] < 0.5 OR NOT (split = "
                                 "'train') OR recall IS NULL"),
                               {}}));
  slicekit::Slice updated = Must(store->Create(
      "acme", SliceSpec{"Low recall", "", F("recall < 0.5"), {}}));
  updated = Must(store->UpdateFilter("acme", updated.id, F("recall < 0.4"),
                                     {{"recall", false}}, updated.version));
  updated = Must(store->SetDescription(
      "acme", updated.id, "tightened twice, then renamed", updated.version));
  updated = Must(store->UpdateFilter("acme", updated.id,
                                     F("recall < 0.3 AND fn >= 1"),
                                     {{"recall", false}}, updated.version));
  updated = Must(
      store->Rename("acme", updated.id, "Very low recall", updated.version));
  const slicekit::Slice doomed = Must(store->Create(
      "acme", SliceSpec{"To be deleted", "gone", F("tn >= 1"), {}}));
  Must(store->Delete("acme", doomed.id, doomed.version));
  Must(store->UpdateFilterAsNew("acme", night.id, "Ärger mit Bussen",
                                F("fn[bus] >= 1"), {}, night.version));

  // A second org whose name is not ASCII, and a third with one slice.
  Must(store->Create("größe-org", SliceSpec{"Alles", "", F("TRUE"), {}}));
  Must(store->Create("größe-org",
                     SliceSpec{"nichts", "", F("FALSE AND fp = 1"), {}}));
  Must(store->Create("beta", SliceSpec{"Between",
                                       "",
                                       F("confidence NOT BETWEEN 0.2 AND 0.9"),
                                       {{"data_row_id", true}}}));

  nlohmann::json expected = nlohmann::json::object();
  expected["deleted_ids"] = {doomed.id};
  for (const char* org : {"acme", "größe-org", "beta"}) {
    nlohmann::json slices = nlohmann::json::array();
    for (const slicekit::Slice& s :
         Must(store->List(org, slicekit::SliceListOrder::kByCreationTime))) {
      nlohmann::json order = nlohmann::json::array();
      for (const OrderBy& key : s.order_by) {
        order.push_back(
            {{"column", key.column}, {"descending", key.descending}});
      }
      slices.push_back({{"id", s.id},
                        {"name", s.name},
                        {"description", s.description},
                        {"filter_text", slicekit::FormatFilter(s.filter)},
                        {"filter_json", slicekit::FilterToJson(s.filter)},
                        {"order_by", order},
                        {"created_at_us", absl::ToUnixMicros(s.created_at)},
                        {"updated_at_us", absl::ToUnixMicros(s.updated_at)},
                        {"version", s.version}});
    }
    expected["orgs"][org] = slices;
  }
  Must(store->CheckIntegrity());
  store.reset();  // closes: checkpoints the WAL into the file and removes it
  std::ofstream(argv[2]) << expected.dump(2) << "\n";
  return 0;
}
