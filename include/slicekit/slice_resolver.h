// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Resolving `IN SLICE` references (Expr::InSlice): which saved slice each
// one names, and every slice it reaches through other slices, with cycles
// and dangling references reported. Bind() (slicekit/scan.h) resolves
// through this; the slices layer supplies the resolvers
// (slicekit/slice_refs.h).
#ifndef SLICEKIT_SLICE_RESOLVER_H_
#define SLICEKIT_SLICE_RESOLVER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"

namespace slicekit {

// The most nodes a filter may have once every IN SLICE reference in it is
// replaced by the referenced slice's filter (recursively). A slice
// referenced twice counts twice, so this bounds what Bind() builds.
inline constexpr size_t kMaxExpandedFilterNodes = size_t{1} << 20;

// A saved slice as a resolver finds it.
struct ResolvedSlice {
  std::string id;    // never empty
  std::string name;  // the slice's current name
  Expr filter;       // may itself hold IN SLICE references
};

// Finds the slices IN SLICE references name. Implementations must be
// thread-safe if one resolver is shared by concurrent Bind() calls.
class SliceResolver {
 public:
  virtual ~SliceResolver() = default;
  // Returns the slice `ref` names: by `ref.id` when it is set, else by
  // `ref.name`. NotFound when there is none.
  virtual absl::StatusOr<ResolvedSlice> Resolve(const SliceRef& ref) const = 0;
};

// A filter with every IN SLICE reference it reaches resolved. A value type.
class ResolvedFilter {
 public:
  // The filter with each reference's id and name set to its slice's.
  const Expr& expr() const { return expr_; }
  // Every slice reached, directly or through other slices, once each; a
  // slice comes after every slice it references. Their filters' references
  // are resolved too.
  const std::vector<ResolvedSlice>& slices() const { return slices_; }
  // The reached slice with `id`, or nullptr.
  const ResolvedSlice* Find(absl::string_view id) const;
  // The nodes of expr() with every reference expanded (see
  // kMaxExpandedFilterNodes).
  size_t expanded_nodes() const { return expanded_nodes_; }

 private:
  friend absl::StatusOr<ResolvedFilter> ResolveSliceRefs(
      const Expr& expr, const SliceResolver& resolver);
  Expr expr_;
  std::vector<ResolvedSlice> slices_;
  std::map<std::string, size_t, std::less<>> index_;  // id -> slices_
  size_t expanded_nodes_ = 0;
};

// Resolves every IN SLICE reference `expr` reaches, depth first; each slice
// is asked for once. Errors:
//  - the resolver's, prefixed with the reference and the slice it was found
//    in: "IN SLICE 'Hard cars' (in slice 'Night'): org \"acme\" has no
//    slice named \"Hard cars\"";
//  - InvalidArgument for a cycle, naming it: "IN SLICE references form a
//    cycle: 'a' -> 'b' -> 'a'" (a slice that references itself: 'a' -> 'a');
//  - InvalidArgument for a chain of references more than kMaxFilterDepth
//    slices long, for a filter (or a referenced one) nested deeper than
//    kMaxFilterDepth, and when the expanded filter would have more than
//    kMaxExpandedFilterNodes nodes.
// A filter without references resolves to itself, with no resolver call.
absl::StatusOr<ResolvedFilter> ResolveSliceRefs(const Expr& expr,
                                                const SliceResolver& resolver);

// Returns the IN SLICE references in `expr` itself (not those inside the
// slices they name), in tree order, repeats included.
std::vector<SliceRef> SliceRefsOf(const Expr& expr);

// Returns `expr` with every SliceRef replaced by `replace(ref)`. Subtrees
// without a change are shared, not copied.
Expr RewriteSliceRefs(const Expr& expr,
                      const std::function<SliceRef(const SliceRef&)>& replace);

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_RESOLVER_H_
