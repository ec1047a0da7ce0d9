// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A SliceResolver over a fixed list of slices, for tests below the slices
// layer (which has the real ones): resolves by id, else by exact name, and
// counts its calls. Not thread-safe.
#ifndef SLICEKIT_TESTS_TESTING_MAP_RESOLVER_H_
#define SLICEKIT_TESTS_TESTING_MAP_RESOLVER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "slicekit/expr.h"
#include "slicekit/slice_resolver.h"

namespace slicekit::testing {

class MapResolver final : public SliceResolver {
 public:
  MapResolver() = default;
  explicit MapResolver(std::vector<ResolvedSlice> slices)
      : slices_(std::move(slices)) {}

  // Adds (or replaces, by id) a slice.
  void Set(std::string id, std::string name, Expr filter) {
    for (ResolvedSlice& s : slices_) {
      if (s.id == id) {
        s = {std::move(id), std::move(name), std::move(filter)};
        return;
      }
    }
    slices_.push_back({std::move(id), std::move(name), std::move(filter)});
  }

  absl::StatusOr<ResolvedSlice> Resolve(const SliceRef& ref) const override {
    ++calls_;
    for (const ResolvedSlice& s : slices_) {
      if (ref.id.empty() ? s.name == ref.name : s.id == ref.id) return s;
    }
    return absl::NotFoundError(
        ref.id.empty() ? absl::StrCat("no slice named \"", ref.name, "\"")
                       : absl::StrCat("no slice with id \"", ref.id, "\""));
  }

  int calls() const { return calls_; }
  const std::vector<ResolvedSlice>& slices() const { return slices_; }

 private:
  std::vector<ResolvedSlice> slices_;
  mutable int calls_ = 0;
};

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_MAP_RESOLVER_H_
