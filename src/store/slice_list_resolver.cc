// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// SliceListResolver: IN SLICE references resolved among a list of slices.
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_internal.h"
#include "src/util/utf8_text.h"

namespace slicekit {

SliceListResolver::SliceListResolver(std::vector<Slice> slices, std::string org)
    : slices_(std::move(slices)), org_(std::move(org)) {
  keys_.reserve(slices_.size());
  for (const Slice& s : slices_) keys_.push_back(SliceNameKey(s.name));
}

absl::StatusOr<ResolvedSlice> SliceListResolver::Resolve(
    const SliceRef& ref) const {
  const std::string where =
      org_.empty() ? "there is no slice"
                   : absl::StrCat("org \"", org_, "\" has no slice");
  if (!ref.id.empty()) {
    for (const Slice& s : slices_) {
      if (s.id == ref.id) return ResolvedSlice{s.id, s.name, s.filter};
    }
    return absl::NotFoundError(absl::StrCat(where, " with id \"",
                                            internal::EscapeForMessage(ref.id),
                                            "\" (was it deleted?)"));
  }
  // Under the rules of stored names, so that names stored before a rule
  // was added still resolve.
  absl::StatusOr<std::string> name =
      internal::NormalizeStoredSliceName(ref.name);
  if (name.ok()) {
    const std::string key = SliceNameKey(*name);
    for (size_t i = 0; i < slices_.size(); ++i) {
      if (keys_[i] == key) {
        return ResolvedSlice{slices_[i].id, slices_[i].name, slices_[i].filter};
      }
    }
  }
  return absl::NotFoundError(absl::StrCat(
      where, " named \"", internal::EscapeForMessage(ref.name), "\""));
}

}  // namespace slicekit
