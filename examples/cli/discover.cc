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

const CommandSpec& DiscoverSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "discover",
      .invocation = "slicekit discover",
      .summary =
          "Finds the top K conjunctions of up to L predicates on the table's "
          "metadata columns whose rows err most (SliceLine's score; "
          "docs/slices.md). Prints rank, size, mean error, score and filter.",
      .flags = {
          {.name = "--table",
           .value_name = "FILE",
           .help = "the table",
           .required = true},
          {.name = "--error",
           .value_name = "EXPR",
           .help = "a row's error (default 'fp + fn')"},
          {.name = "--max-predicates",
           .value_name = "L",
           .help = "the most predicates a slice has (default 3)",
           .integer = IntegerRange{1, 8}},
          {.name = "--top",
           .value_name = "K",
           .help = "how many slices to find (default 10)",
           .integer = IntegerRange{1, 100000}},
          {.name = "--min-support",
           .value_name = "N",
           .help = "the fewest rows a slice has (default 32)",
           .integer = IntegerRange{1, uint64_t{1} << 32}},
          {.name = "--alpha",
           .value_name = "A",
           .help = "weighs error against size, in [0, 1] (default 0.95)"},
          {.name = "--bins",
           .value_name = "B",
           .help = "equi-depth bins per numeric column (default 10)",
           .integer = IntegerRange{1, 1000}},
          {.name = "--feature",
           .value_name = "COLUMN",
           .help = "a column to slice by (default: every metadata column)",
           .repeatable = true},
          {.name = "--save-to",
           .value_name = "STORE",
           .help = "save each slice in this store as '<prefix> <rank>'"},
          {.name = "--org",
           .value_name = "ORG",
           .help = "the org to save them in (with --save-to)"},
          {.name = "--name-prefix",
           .value_name = "P",
           .help = "the saved slices' name prefix (default Discovered)"},
      }};
  return *kSpec;
}

int Discover(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(DiscoverSpec(), args, &flags)) {
    return *rc;
  }
  DiscoverOptions options;
  if (const std::optional<std::string> error = flags.Get("--error")) {
    options.error = *error;
  }
  for (const FlagValue& feature : flags.GetAll("--feature")) {
    options.features.push_back(feature.text);
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--max-predicates")) {
    options.max_predicates = static_cast<int>(*n);
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--top")) {
    options.top_k = static_cast<int>(*n);
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--min-support")) {
    options.min_support = static_cast<int64_t>(*n);
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--bins")) {
    options.bins = static_cast<int>(*n);
  }
  if (const std::optional<std::string> alpha = flags.Get("--alpha");
      alpha && (!absl::SimpleAtod(*alpha, &options.alpha) ||
                !(options.alpha >= 0 && options.alpha <= 1))) {
    return UsageError(
        absl::StrCat("--alpha needs a number in [0, 1], not '", *alpha, "'"));
  }
  const std::string table_path = flags.Get("--table").value_or("");
  const std::string store_path = flags.Get("--save-to").value_or("");
  const std::string org = flags.Get("--org").value_or("");
  const std::string name_prefix =
      flags.Get("--name-prefix").value_or("Discovered");
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
        SliceStore::Open(store_path);
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
                        s.score, TextField(s.filter.ToString()));
    if (!store_path.empty()) absl::StrAppend(&line, "\t", ids[i]);
    out.Line(line);
  }
  if (!out.Flush()) return InputError("cannot write the output");
  if (result->slices.empty()) {
    // Nothing ranked: say why on stderr (stdout stays a table) with the
    // best candidates by error and the alpha that would rank each.
    std::fprintf(stderr, "slicekit discover: %s\n",
                 result->nothing_found.c_str());
    if (!result->near_misses.empty()) {
      std::fprintf(stderr,
                   "best candidates:\nsize\tmean_error\tscore\t"
                   "alpha_to_rank\tfilter\n");
    }
    for (const NearMiss& m : result->near_misses) {
      std::fprintf(stderr, "%lld\t%.6g\t%.6g\t%.6g\t%s\n",
                   static_cast<long long>(m.slice.size), m.slice.mean_error,
                   m.slice.score, m.alpha_to_rank,
                   TextField(m.slice.filter.ToString()).c_str());
    }
  }
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
