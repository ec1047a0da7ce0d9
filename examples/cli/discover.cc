// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit discover`: the slices where the model errs most
// (docs/slices.md#slice-discovery), printed, and saved with --save-to.
#include "slicekit/discover.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/cli/cli.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

int Discover(Args& args) {
  std::string table_path, store_path, org;
  std::string name_prefix = "Discovered";
  DiscoverOptions options;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag != "--table" && flag != "--error" && flag != "--max-predicates" &&
        flag != "--top" && flag != "--min-support" && flag != "--bins" &&
        flag != "--alpha" && flag != "--feature" && flag != "--save-to" &&
        flag != "--org" && flag != "--name-prefix") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    const std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--table") table_path = *value;
    if (flag == "--error") options.error = *value;
    if (flag == "--feature") options.features.push_back(*value);
    if (flag == "--save-to") store_path = *value;
    if (flag == "--org") org = *value;
    if (flag == "--name-prefix") name_prefix = *value;
    struct Count {
      const char* flag;
      uint64_t min, max;
    };
    for (const Count& c :
         {Count{"--max-predicates", 1, 8}, Count{"--top", 1, 100000},
          Count{"--min-support", 1, uint64_t{1} << 32},
          Count{"--bins", 1, 1000}}) {
      if (flag != c.flag) continue;
      const std::optional<uint64_t> n = ParseCount(*value, c.min, c.max);
      if (!n) {
        return UsageError(absl::StrCat(flag, " needs an integer in [", c.min,
                                       ", ", c.max, "], not '", *value, "'"));
      }
      if (flag == "--max-predicates")
        options.max_predicates = static_cast<int>(*n);
      if (flag == "--top") options.top_k = static_cast<int>(*n);
      if (flag == "--min-support")
        options.min_support = static_cast<int64_t>(*n);
      if (flag == "--bins") options.bins = static_cast<int>(*n);
    }
    if (flag == "--alpha" && (!absl::SimpleAtod(*value, &options.alpha) ||
                              !(options.alpha >= 0 && options.alpha <= 1))) {
      return UsageError(
          absl::StrCat("--alpha needs a number in [0, 1], not '", *value, "'"));
    }
  }
  if (table_path.empty()) return UsageError("discover needs --table FILE");
  if (store_path.empty() != org.empty()) {
    return UsageError("--save-to STORE and --org ORG go together");
  }
  absl::StatusOr<Table> table = LoadTable(table_path);
  if (!table.ok()) return InputError(table.status().message());
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<DiscoveryResult> result = DiscoverSlices(*table, options);
  if (!result.ok()) return InputError(result.status().message());
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();

  // Saved slices are named "<prefix> <rank>"; every name is checked free
  // (and the org's limit) before the first is saved.
  std::vector<std::string> ids(result->slices.size());
  if (!store_path.empty() && !result->slices.empty()) {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(store_path);
    if (!store.ok()) return InputError(store.status().message());
    absl::StatusOr<std::vector<Slice>> existing =
        (*store)->List(org, SliceListOrder::kByName);
    if (!existing.ok()) return InputError(existing.status().message());
    if (existing->size() + result->slices.size() >
        static_cast<size_t>(kMaxSlicesPerOrg)) {
      return InputError(absl::StrCat("org \"", org, "\" has ", existing->size(),
                                     " slices; saving ", result->slices.size(),
                                     " more would pass the limit of ",
                                     kMaxSlicesPerOrg, " (nothing saved)"));
    }
    absl::flat_hash_set<std::string> taken;
    for (const Slice& s : *existing) taken.insert(SliceNameKey(s.name));
    std::vector<std::string> names;
    for (size_t i = 0; i < result->slices.size(); ++i) {
      const std::string name = absl::StrCat(name_prefix, " ", i + 1);
      absl::StatusOr<std::string> normalized = NormalizeSliceName(name);
      if (!normalized.ok()) {
        return InputError(absl::StrCat("slice name \"", name,
                                       "\": ", normalized.status().message(),
                                       " (nothing saved)"));
      }
      if (taken.contains(SliceNameKey(*normalized))) {
        return InputError(absl::StrCat("org \"", org,
                                       "\" already has a slice named \"", name,
                                       "\" (nothing saved)"));
      }
      names.push_back(name);
    }
    for (size_t i = 0; i < result->slices.size(); ++i) {
      absl::StatusOr<Slice> saved =
          (*store)->Create(org, result->slices[i].ToSliceSpec(names[i]));
      if (!saved.ok()) {
        return InputError(absl::StrCat("saving \"", names[i],
                                       "\": ", saved.status().message()));
      }
      ids[i] = saved->id;
    }
  }

  // One slice per line: rank, size, mean error, score, filter (and the id
  // when saved), tab-separated.
  Output out;
  out.Line(store_path.empty() ? "rank\tsize\tmean_error\tscore\tfilter"
                              : "rank\tsize\tmean_error\tscore\tfilter\tid");
  for (size_t i = 0; i < result->slices.size(); ++i) {
    const DiscoveredSlice& s = result->slices[i];
    std::string line =
        absl::StrFormat("%d\t%d\t%.6g\t%.6g\t%s", i + 1, s.size, s.mean_error,
                        s.score, s.filter.ToString());
    if (!store_path.empty()) absl::StrAppend(&line, "\t", ids[i]);
    out.Line(line);
  }
  if (!out.Flush()) return InputError("cannot write the output");
  const DiscoveryStats& st = result->stats;
  std::fprintf(stderr,
               "slicekit discover: %lld rows (%lld without an error), average "
               "error %.6g, %zu features, %lld predicates; evaluated %lld "
               "slices of %.0f (exhaustive) in %.0f ms\n",
               static_cast<long long>(st.rows),
               static_cast<long long>(st.rows_without_error), st.average_error,
               st.features.size(), static_cast<long long>(st.predicates),
               static_cast<long long>(st.evaluated), st.brute_force_slices, ms);
  return kOk;
}

}  // namespace slicekit::cli
