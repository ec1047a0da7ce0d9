// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// IN SLICE resolution: a depth-first walk over the reference graph that
// asks the resolver for each slice once, fills ids and current names into
// the references, and reports cycles by the path that closes them.
#include "slicekit/slice_resolver.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "slicekit/expr.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace {

// Sizes saturate here, one past the limit, so sums cannot overflow.
constexpr size_t kSaturated = kMaxExpandedFilterNodes + 1;

size_t AddSizes(size_t a, size_t b) { return std::min(kSaturated, a + b); }

// Names and references in messages, escaped where a message could not
// carry them (src/util/utf8_text.h).
std::string Quoted(absl::string_view name) {
  return absl::StrCat("'", internal::EscapeForMessage(name), "'");
}

std::string Shown(const SliceRef& ref) {
  return internal::EscapeForMessage(ref.ToString());
}

// Rebuilds a NOT/AND/OR node over new children.
Expr WithChildren(const Expr& expr, std::vector<Expr> children) {
  switch (expr.kind()) {
    case Expr::Kind::kNot:
      return Expr::Not(std::move(children[0]));
    case Expr::Kind::kAnd:
      return Expr::And(std::move(children));
    default:
      return Expr::Or(std::move(children));
  }
}

class RefWalker {
 public:
  explicit RefWalker(const SliceResolver& resolver) : resolver_(resolver) {}

  // Returns `expr` with its references resolved (resolving the slices they
  // reach first) and sets `*expanded` to its expanded node count. `where`
  // names the slice `expr` belongs to, for messages ("" at the root).
  absl::StatusOr<Expr> Walk(const Expr& expr, int depth,
                            absl::string_view where, size_t* expanded) {
    if (depth > kMaxFilterDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter", where, " is nested deeper than ",
                       kMaxFilterDepth, " levels"));
    }
    switch (expr.kind()) {
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr:
      case Expr::Kind::kNot: {
        size_t total = 1;
        bool changed = false;
        std::vector<Expr> children;
        children.reserve(expr.children().size());
        for (const Expr& child : expr.children()) {
          size_t child_size = 0;
          SLICEKIT_ASSIGN_OR_RETURN(Expr walked,
                                    Walk(child, depth + 1, where, &child_size));
          total = AddSizes(total, child_size);
          changed |= !(walked == child);
          children.push_back(std::move(walked));
        }
        *expanded = total;
        return changed ? WithChildren(expr, std::move(children)) : expr;
      }
      case Expr::Kind::kInSlice:
        return WalkRef(expr.slice(), where, expanded);
      default:
        *expanded = 1;
        return expr;
    }
  }

  std::vector<ResolvedSlice> TakeSlices() { return std::move(slices_); }
  std::map<std::string, size_t, std::less<>> TakeIndex() {
    return std::move(index_);
  }

 private:
  absl::StatusOr<Expr> WalkRef(const SliceRef& ref, absl::string_view where,
                               size_t* expanded) {
    absl::StatusOr<ResolvedSlice> found = resolver_.Resolve(ref);
    if (!found.ok()) {
      return absl::Status(
          found.status().code(),
          absl::StrCat(Shown(ref), where, ": ", found.status().message()));
    }
    if (found->id.empty()) {
      return absl::InternalError(absl::StrCat(
          Shown(ref), where, ": the slice resolver returned no id"));
    }
    const Expr resolved = Expr::InSlice(SliceRef{found->name, found->id});
    if (auto done = index_.find(found->id); done != index_.end()) {
      *expanded = AddSizes(1, expanded_[done->second]);
      return resolved;
    }
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].id != found->id) continue;
      std::vector<std::string> cycle;
      for (size_t j = i; j < stack_.size(); ++j) {
        cycle.push_back(Quoted(stack_[j].name));
      }
      cycle.push_back(Quoted(found->name));
      return absl::InvalidArgumentError(absl::StrCat(
          "IN SLICE references form a cycle: ", absl::StrJoin(cycle, " -> ")));
    }
    if (stack_.size() >= static_cast<size_t>(kMaxFilterDepth)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Shown(ref), where, ": IN SLICE references nest ",
                       "more than ", kMaxFilterDepth, " slices deep"));
    }
    stack_.push_back({found->id, found->name});
    size_t size = 0;
    absl::StatusOr<Expr> filter =
        Walk(found->filter, 0,
             absl::StrCat(" (in slice ", Quoted(found->name), ")"), &size);
    stack_.pop_back();
    if (!filter.ok()) return filter.status();
    found->filter = *std::move(filter);
    index_.emplace(found->id, slices_.size());
    expanded_.push_back(size);
    slices_.push_back(*std::move(found));
    *expanded = AddSizes(1, size);
    return resolved;
  }

  struct Frame {
    std::string id;
    std::string name;
  };

  const SliceResolver& resolver_;
  std::vector<Frame> stack_;  // slices being resolved, outermost first
  std::vector<ResolvedSlice> slices_;
  std::vector<size_t> expanded_;  // per slices_ entry
  std::map<std::string, size_t, std::less<>> index_;
};

void CollectRefs(const Expr& expr, std::vector<SliceRef>* out) {
  if (expr.kind() == Expr::Kind::kInSlice) {
    out->push_back(expr.slice());
    return;
  }
  for (const Expr& child : expr.children()) CollectRefs(child, out);
}

}  // namespace

const ResolvedSlice* ResolvedFilter::Find(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &slices_[it->second];
}

absl::StatusOr<ResolvedFilter> ResolveSliceRefs(const Expr& expr,
                                                const SliceResolver& resolver) {
  RefWalker walker(resolver);
  ResolvedFilter result;
  SLICEKIT_ASSIGN_OR_RETURN(result.expr_,
                            walker.Walk(expr, 0, "", &result.expanded_nodes_));
  if (result.expanded_nodes_ > kMaxExpandedFilterNodes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the filter with its IN SLICE references expanded has more than ",
        kMaxExpandedFilterNodes, " nodes"));
  }
  result.slices_ = walker.TakeSlices();
  result.index_ = walker.TakeIndex();
  return result;
}

std::vector<SliceRef> SliceRefsOf(const Expr& expr) {
  std::vector<SliceRef> refs;
  CollectRefs(expr, &refs);
  return refs;
}

Expr RewriteSliceRefs(const Expr& expr,
                      const std::function<SliceRef(const SliceRef&)>& replace) {
  switch (expr.kind()) {
    case Expr::Kind::kInSlice: {
      SliceRef replaced = replace(expr.slice());
      if (replaced == expr.slice()) return expr;
      return Expr::InSlice(std::move(replaced));
    }
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot: {
      bool changed = false;
      std::vector<Expr> children;
      children.reserve(expr.children().size());
      for (const Expr& child : expr.children()) {
        children.push_back(RewriteSliceRefs(child, replace));
        changed |= !(children.back() == child);
      }
      return changed ? WithChildren(expr, std::move(children)) : expr;
    }
    default:
      return expr;
  }
}

}  // namespace slicekit
