// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slice algebra in the scanner: filters with IN SLICE references (union,
// intersection, difference, slices of slices, NOT IN SLICE) bound with a
// resolver and scanned, against the row-at-a-time reference on random
// tables and random reference graphs; and the bind errors of references.
//
// Replay a failure with SLICEKIT_SEED=<seed printed> ./slice_algebra_test.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "slicekit/filter_text.h"
#include "slicekit/scan.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"
#include "tests/testing/map_resolver.h"
#include "tests/testing/random_tree.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

uint64_t Seed(uint64_t fallback) {
  const char* env = std::getenv("SLICEKIT_SEED");
  const uint64_t seed = env != nullptr && *env != '\0'
                            ? std::strtoull(env, nullptr, 0)
                            : fallback;
  std::cout << "random seed " << seed << "\n";
  return seed;
}

Expr Ref(int slice) {
  return Expr::InSlice(SliceRef{absl::StrCat("slice ", slice), ""});
}

// Live rows in `a` and not in `b`, computed bit by bit.
Selection Minus(const Table& table, const Selection& a, const Selection& b) {
  Selection out(table.num_rows());
  a.ForEach([&](RowIndex row) {
    if (!b.Contains(row) && table.IsLive(row)) out.Add(row);
  });
  return out;
}

// `slices` random slices over RandomTableSchema(): slice i's filter is a
// random tree whose leaves are random predicates or references to slices
// before it (so the references form a DAG, often a deep one).
MapResolver RandomSlices(std::mt19937_64& rng, const Schema& schema,
                         int slices) {
  MapResolver resolver;
  for (int i = 0; i < slices; ++i) {
    const int depth = std::uniform_int_distribution<int>(0, 3)(rng);
    Expr filter = RandomTree(rng, depth, [&] {
      if (i > 0 && rng() % 3 == 0) {
        return Ref(std::uniform_int_distribution<int>(0, i - 1)(rng));
      }
      return RandomExpr(rng, schema, 1);
    });
    resolver.Set(absl::StrCat("id", i), absl::StrCat("slice ", i),
                 std::move(filter));
  }
  return resolver;
}

TEST(SliceAlgebraTest, RandomReferenceGraphsMatchTheReference) {
  const uint64_t seed = Seed(20261204);
  constexpr int kTables = 3;
  constexpr int kSlices = 10;
  constexpr int kQueries = 60;
  for (int t = 0; t < kTables; ++t) {
    std::mt19937_64 rng(seed + t);
    const Table table = RandomTable(rng, 1500 + 700 * t, TableOptions{256});
    const MapResolver resolver = RandomSlices(rng, table.schema(), kSlices);
    for (int q = 0; q < kQueries; ++q) {
      const Expr query = RandomTree(rng, 1 + q % 3, [&] {
        return rng() % 2 == 0 ? Ref(std::uniform_int_distribution<int>(
                                    0, kSlices - 1)(rng))
                              : RandomExpr(rng, table.schema(), 0);
      });
      SCOPED_TRACE(absl::StrCat("seed ", seed, " table ", t, " query ", q, ": ",
                                query.ToString()));
      absl::StatusOr<BoundFilter> bound = Bind(query, table, resolver);
      ASSERT_THAT(bound, IsOk());
      Selection want, unknown;
      ReferenceClassify(table, query, &want, &unknown, &resolver);
      ASSERT_EQ(bound->Scan(), want) << bound->DebugString();
      ASSERT_EQ(bound->Scan({.threads = 2}), want);
      // NOT of the query: the rows it is FALSE for (UNKNOWN stays out).
      absl::StatusOr<BoundFilter> negated =
          Bind(Expr::Not(query), table, resolver);
      ASSERT_THAT(negated, IsOk());
      ASSERT_EQ(negated->Scan(),
                Minus(table, Minus(table, table.LiveRows(), want), unknown))
          << negated->DebugString();
    }
  }
}

TEST(SliceAlgebraTest, UnionIntersectionAndDifferenceAreSetOperations) {
  const uint64_t seed = Seed(7);
  std::mt19937_64 rng(seed);
  const Table table = RandomTable(rng, 3000, TableOptions{512});
  constexpr int kSlices = 8;
  const MapResolver resolver = RandomSlices(rng, table.schema(), kSlices);
  // Each slice's rows from the reference: membership is two-valued.
  std::vector<Selection> members;
  for (int i = 0; i < kSlices; ++i) {
    members.push_back(ReferenceFilter(table, Ref(i), &resolver));
  }
  for (int a = 0; a < kSlices; ++a) {
    for (int b = 0; b < kSlices; ++b) {
      SCOPED_TRACE(absl::StrCat("seed ", seed, " slices ", a, ", ", b));
      const Selection& sa = members[a];
      const Selection& sb = members[b];
      Selection both(table.num_rows()), either(table.num_rows());
      table.LiveRows().ForEach([&](RowIndex row) {
        if (sa.Contains(row) && sb.Contains(row)) both.Add(row);
        if (sa.Contains(row) || sb.Contains(row)) either.Add(row);
      });
      const struct {
        Expr expr;
        Selection want;
      } cases[] = {
          {Ref(a) || Ref(b), either},
          {Ref(a) && Ref(b), both},
          {Ref(a) && !Ref(b), Minus(table, sa, sb)},
          {!Ref(a), Minus(table, table.LiveRows(), sa)},
          // Slice algebra over the table's live rows is Boolean algebra.
          {!(Ref(a) || Ref(b)), Minus(table, table.LiveRows(), either)},
          {!Ref(a) || !Ref(b), Minus(table, table.LiveRows(), both)},
      };
      for (const auto& c : cases) {
        absl::StatusOr<BoundFilter> bound = Bind(c.expr, table, resolver);
        ASSERT_THAT(bound, IsOk()) << c.expr.ToString();
        EXPECT_EQ(bound->Scan(), c.want) << c.expr.ToString();
      }
    }
  }
}

TEST(SliceAlgebraTest, NotInSliceKeepsTheRowsTheSliceIsUnknownFor) {
  // recall is mostly NULL: `recall > 0.5` is UNKNOWN there, so NOT of the
  // filter drops those rows while NOT IN SLICE keeps them.
  std::mt19937_64 rng(Seed(3));
  const Table table = RandomTable(rng, 2000);
  MapResolver resolver;
  resolver.Set("id-r", "High recall", *ParseFilter("recall > 0.5"));
  const Expr filter = *ParseFilter("recall > 0.5");
  const Selection unknown = ReferenceUnknown(table, filter);
  ASSERT_GT(unknown.Count(), 0u);
  absl::StatusOr<Selection> not_filter = Filter(table, Expr::Not(filter));
  absl::StatusOr<BoundFilter> not_in =
      Bind(!InSlice("High recall"), table, resolver);
  ASSERT_THAT(not_filter, IsOk());
  ASSERT_THAT(not_in, IsOk());
  const Selection outside = not_in->Scan();
  EXPECT_EQ(outside.Count(), not_filter->Count() + unknown.Count());
  unknown.ForEach([&](RowIndex row) { EXPECT_TRUE(outside.Contains(row)); });
  EXPECT_EQ(not_in->DebugString().substr(0, 7), "not_in(");
}

TEST(SliceAlgebraTest, BoundReferencesSeeAppendedRows) {
  std::mt19937_64 rng(Seed(11));
  Table table = RandomTable(rng, 1000, TableOptions{128});
  MapResolver resolver;
  resolver.Set("a", "A", *ParseFilter("fp >= 1"));
  resolver.Set("b", "B", *ParseFilter("IN SLICE 'A' AND tp >= 1"));
  const Expr query = InSlice("B") || !InSlice("A");
  absl::StatusOr<BoundFilter> bound = Bind(query, table, resolver);
  ASSERT_THAT(bound, IsOk());
  ASSERT_THAT(AppendRandomRows(rng, table, 700), IsOk());
  EXPECT_EQ(bound->Scan(), ReferenceFilter(table, query, &resolver));
}

TEST(SliceAlgebraTest, BindErrorsNameTheReference) {
  std::mt19937_64 rng(5);
  const Table table = RandomTable(rng, 100);
  MapResolver resolver;
  resolver.Set("a", "A", *ParseFilter("fp >= 1 AND IN SLICE 'B'"));
  resolver.Set("b", "B", *ParseFilter("IN SLICE 'A'"));
  resolver.Set("t", "Typo", *ParseFilter("confidense > 0.5"));
  resolver.Set("c", "Chain", *ParseFilter("IN SLICE 'Typo' OR fp = 1"));
  EXPECT_THAT(Bind(InSlice("A"), table),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the filter has IN SLICE 'A': bind it with a "
                       "SliceResolver, which finds saved slices"));
  EXPECT_THAT(Bind(Col("fp") >= 1 || InSlice("A"), table, resolver),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "IN SLICE references form a cycle: 'A' -> 'B' -> "
                       "'A'"));
  EXPECT_THAT(Bind(InSlice("Gone"), table, resolver),
              StatusIs(absl::StatusCode::kNotFound,
                       "IN SLICE 'Gone': no slice named \"Gone\""));
  EXPECT_THAT(
      Bind(!InSlice("Chain"), table, resolver),
      StatusIs(absl::StatusCode::kNotFound,
               "in slice 'Chain' (IN SLICE): in slice 'Typo' (IN SLICE): "
               "unknown column 'confidense' (did you mean 'confidence'?)"));
}

TEST(SliceAlgebraTest, DepthCountsThroughReferences) {
  std::mt19937_64 rng(5);
  const Table table = RandomTable(rng, 100);
  // A chain of slices, each NOT of the previous one: 2 levels per slice.
  MapResolver resolver;
  resolver.Set("s0", "s0", *ParseFilter("fp >= 1"));
  for (int i = 1; i <= 70; ++i) {
    resolver.Set(absl::StrCat("s", i), absl::StrCat("s", i),
                 !InSlice(absl::StrCat("s", i - 1)));
  }
  // An odd count, so the result is the complement of s0.
  const Expr shallow = InSlice("s61");
  absl::StatusOr<BoundFilter> bound = Bind(shallow, table, resolver);
  ASSERT_THAT(bound, IsOk());
  EXPECT_EQ(bound->Scan(), ReferenceFilter(table, shallow, &resolver));
  EXPECT_THAT(Bind(InSlice("s70"), table, resolver),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("nested deeper than 128 levels")));
}

}  // namespace
}  // namespace slicekit::testing
