// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Random filter trees for the round-trip tests of the text and JSON forms;
// each test supplies the leaves that exercise its own format.
#ifndef SLICEKIT_TESTS_TESTING_RANDOM_TREE_H_
#define SLICEKIT_TESTS_TESTING_RANDOM_TREE_H_

#include <random>
#include <utility>
#include <vector>

#include "slicekit/expr.h"

namespace slicekit::testing {

// A tree of depth at least `depth` over leaves from `leaf()`: NOT, or AND/OR
// with two to four children of which one has the full depth. A child of its
// parent's kind would be flattened and lose a level, so it is wrapped in
// NOT (which may add one).
template <typename MakeLeaf>
Expr RandomTree(std::mt19937_64& rng, int depth, MakeLeaf&& leaf) {
  const auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  if (depth == 0) return leaf();
  const int kind = uniform(0, 2);
  if (kind == 0) return Expr::Not(RandomTree(rng, depth - 1, leaf));
  const Expr::Kind self = kind == 1 ? Expr::Kind::kAnd : Expr::Kind::kOr;
  std::vector<Expr> children;
  const int n = uniform(2, 4);
  const int deep = uniform(0, n - 1);
  for (int i = 0; i < n; ++i) {
    Expr child =
        RandomTree(rng, i == deep ? depth - 1 : uniform(0, depth - 1), leaf);
    if (child.kind() == self) child = Expr::Not(child);
    children.push_back(std::move(child));
  }
  return self == Expr::Kind::kAnd ? Expr::And(std::move(children))
                                  : Expr::Or(std::move(children));
}

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_RANDOM_TREE_H_
