// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The invariants every backend's CheckIntegrity() checks over what it keeps.
#include "src/store/slice_store_backend.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {

absl::Status CheckOrgInvariants(absl::string_view org,
                                const std::vector<StoredSlice>& slices) {
  if (slices.size() > static_cast<size_t>(kMaxSlicesPerOrg)) {
    return absl::DataLossError(
        absl::StrCat("org \"", org, "\" has ", slices.size(),
                     " slices; the limit is ", kMaxSlicesPerOrg));
  }
  absl::flat_hash_set<std::string> keys;
  for (const StoredSlice& s : slices) {
    // A name stored before a rule was added is not damaged.
    absl::StatusOr<std::string> name = NormalizeStoredSliceName(s.slice.name);
    if (!name.ok() || *name != s.slice.name ||
        SliceNameKey(*name) != s.name_key) {
      return absl::DataLossError(
          absl::StrCat("slice ", s.slice.id, " has a malformed stored name"));
    }
    if (!keys.insert(s.name_key).second) {
      return absl::DataLossError(absl::StrCat(
          "org \"", org, "\" has two slices named \"", s.slice.name, "\""));
    }
    if (s.slice.org != org || s.slice.version < 1) {
      return absl::DataLossError(
          absl::StrCat("slice ", s.slice.id, " has a malformed record"));
    }
  }
  // Stored references carry ids; they must resolve, by id, without a cycle.
  std::vector<Slice> live;
  live.reserve(slices.size());
  for (const StoredSlice& s : slices) live.push_back(s.slice);
  const SliceListResolver resolver(std::move(live), std::string(org));
  for (const StoredSlice& s : slices) {
    for (const SliceRef& ref : SliceRefsOf(s.slice.filter)) {
      if (ref.id.empty()) {
        return absl::DataLossError(absl::StrCat(
            "slice ", s.slice.id, " has an unresolved ", ref.ToString()));
      }
    }
    const absl::Status status =
        ResolveSliceRefs(s.slice.filter, resolver).status();
    if (!status.ok()) {
      return absl::DataLossError(absl::StrCat(
          "slice ", s.slice.id, " has a broken reference: ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLiveHistory(const Slice& slice,
                              const std::vector<SliceVersion>& history) {
  auto problem = [&](absl::string_view what) {
    return absl::DataLossError(absl::StrCat("slice ", slice.id, " ", what));
  };
  if (history.empty()) return problem("has no history");
  for (size_t i = 1; i < history.size(); ++i) {
    if (history[i].version != history[i - 1].version + 1) {
      return problem(absl::StrCat("has a gap in its history after version ",
                                  history[i - 1].version));
    }
  }
  const SliceVersion& last = history.back();
  if (last.version != slice.version || last.change == SliceChange::kDeleted ||
      last.name != slice.name || last.description != slice.description ||
      !(last.filter == slice.filter) || !(last.order_by == slice.order_by)) {
    return problem(absl::StrCat("differs from its history's last version, ",
                                last.version));
  }
  return absl::OkStatus();
}

absl::Status CheckOrgs(SliceTxn& txn, const std::vector<std::string>& orgs) {
  for (const std::string& org : orgs) {
    SLICEKIT_ASSIGN_OR_RETURN(const std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    SLICEKIT_RETURN_IF_ERROR(CheckOrgInvariants(org, slices));
    for (const StoredSlice& s : slices) {
      SLICEKIT_ASSIGN_OR_RETURN(const std::vector<SliceVersion> history,
                                txn.LoadHistory(org, s.slice.id));
      SLICEKIT_RETURN_IF_ERROR(CheckLiveHistory(s.slice, history));
    }
  }
  return absl::OkStatus();
}

}  // namespace slicekit::internal
