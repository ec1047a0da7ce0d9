// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// IN SLICE references in the filter layer: the text form (parsing, printing,
// errors), the JSON form (ids kept, errors), and ResolveSliceRefs (ids and
// names filled in, each slice asked for once, cycles, dangling references,
// the depth and expansion limits).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_resolver.h"
#include "tests/testing/map_resolver.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {

void PrintTo(const Expr& expr, std::ostream* os) { *os << expr.ToString(); }

namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::MapResolver;
using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Expr Ref(std::string name, std::string id = "") {
  return Expr::InSlice(SliceRef{std::move(name), std::move(id)});
}

Expr Parse(absl::string_view text) {
  absl::StatusOr<Expr> expr = ParseFilter(text);
  EXPECT_THAT(expr, IsOk()) << text;
  return expr.ok() ? *expr : Expr::False();
}

// --- Text ---------------------------------------------------------------

TEST(InSliceTextTest, Parses) {
  const struct {
    std::string text;
    Expr expected;
  } cases[] = {
      {"IN SLICE 'Confident FPs'", Ref("Confident FPs")},
      {"in slice 'a'", Ref("a")},
      {"In Slice'a'", Ref("a")},
      {"IN SLICE 'it''s'", Ref("it's")},
      {"IN SLICE 'Ärger 🚗'", Ref("Ärger 🚗")},
      {"NOT IN SLICE 'a'", Expr::Not(Ref("a"))},
      {"IN SLICE 'a' OR IN SLICE 'b'", Ref("a") || Ref("b")},
      {"IN SLICE 'a' AND NOT IN SLICE 'b'", Ref("a") && !Ref("b")},
      {"fp >= 1 AND (IN SLICE 'a')", Col("fp") >= 1 && Ref("a")},
      {"IN SLICE ''", Ref("")},
      // SLICE is no keyword: columns named slice (or SLICE) still work.
      {"slice = 1", Col("slice") == 1},
      {"SLICE IS NULL AND slice IN (1)",
       Col("SLICE").IsNull() && Col("slice").In({1})},
      {"\"in\" = 1 OR IN SLICE 'x'", Col("in") == 1 || Ref("x")},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Expr> parsed = ParseFilter(c.text);
    ASSERT_THAT(parsed, IsOk()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(InSliceTextTest, PrintsCanonicalTextThatParsesBack) {
  const struct {
    Expr expr;
    std::string text;
  } cases[] = {
      {InSlice("Confident FPs"), "IN SLICE 'Confident FPs'"},
      {InSlice("it's"), "IN SLICE 'it''s'"},
      {InSlice("a") && !InSlice("b"), "IN SLICE 'a' AND NOT (IN SLICE 'b')"},
      {(InSlice("a") || InSlice("b")) && Col("fp") >= 1,
       "(IN SLICE 'a' OR IN SLICE 'b') AND fp >= 1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.expr.ToString(), c.text);
    EXPECT_EQ(Parse(c.text), c.expr) << c.text;
  }
}

TEST(InSliceTextTest, TextShowsTheNameAndDropsTheId) {
  const Expr resolved = Ref("Night", "sl_0123456789abcdef");
  EXPECT_EQ(resolved.ToString(), "IN SLICE 'Night'");
  EXPECT_EQ(Parse(resolved.ToString()), Ref("Night"));
  EXPECT_FALSE(Parse(resolved.ToString()) == resolved);
}

TEST(InSliceTextTest, ReportsMistakes) {
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"IN SLICE Confident",
       "at 9: expected the slice's name in single "
       "quotes after IN SLICE: IN SLICE 'Confident'"},
      {"IN SLICE \"a\"",
       "at 9: expected the slice's name in single quotes "
       "after IN SLICE: IN SLICE 'a'"},
      {"IN SLICE",
       "at 8: expected the slice's name in single quotes after "
       "IN SLICE"},
      {"IN SLICE 1",
       "at 9: expected the slice's name in single quotes after "
       "IN SLICE"},
      {"IN SLICE 'a' 'b'", "at 13: unexpected ''b'' after a complete filter"},
      {"IN 'a'", "at 0: expected a column name, '(', NOT, TRUE or FALSE"},
      {"fp IN SLICE 'a'", "at 6: expected '(' after IN"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ParseFilter(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.text;
  }
}

// --- JSON ---------------------------------------------------------------

TEST(InSliceJsonTest, WritesTheNameAndTheIdWhenResolved) {
  EXPECT_EQ(FilterToJson(Ref("a")),
            R"({"version":1,"filter":{"op":"in_slice","slice":"a"}})");
  EXPECT_EQ(
      FilterToJson(!Ref("Nächte", "sl_1")),
      R"({"version":1,"filter":{"op":"not","arg":{"op":"in_slice","slice":"Nächte","id":"sl_1"}}})");
  for (const Expr& e : {Ref("a"), Ref("b", "sl_2") && Col("fp") >= 1,
                        !(Ref("x", "id") || Ref("y"))}) {
    absl::StatusOr<Expr> back = FilterFromJson(FilterToJson(e));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, e);
  }
}

TEST(InSliceJsonTest, ReportsMistakes) {
  const struct {
    std::string json;
    std::string error;
  } cases[] = {
      {R"({"version":1,"filter":{"op":"in_slice"}})",
       "filter: missing field 'slice'"},
      {R"({"version":1,"filter":{"op":"in_slice","slice":7}})",
       "filter.slice: expected a string, got 7"},
      {R"({"version":1,"filter":{"op":"in_slice","slice":"a","id":null}})",
       "filter.id: expected a string, got null"},
      {R"({"version":1,"filter":{"op":"in_slice","slice":"a","column":"x"}})",
       "filter: unknown field 'column' for operator 'in_slice'"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(FilterFromJson(c.json),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.json;
  }
}

// --- Resolution ---------------------------------------------------------

TEST(ResolveSliceRefsTest, FillsIdsAndCurrentNames) {
  MapResolver resolver;
  resolver.Set("id-a", "Alpha", Parse("fp >= 1"));
  resolver.Set("id-b", "Beta", Parse("IN SLICE 'Alpha' AND tp >= 1"));
  // By name, and by an id whose recorded name is stale (a rename).
  const Expr filter = Ref("Beta") || Ref("old name", "id-a");
  absl::StatusOr<ResolvedFilter> resolved = ResolveSliceRefs(filter, resolver);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_EQ(resolved->expr(), Ref("Beta", "id-b") || Ref("Alpha", "id-a"));
  ASSERT_EQ(resolved->slices().size(), 2u);
  // A slice comes after the slices it references.
  EXPECT_EQ(resolved->slices()[0].id, "id-a");
  EXPECT_EQ(resolved->slices()[1].id, "id-b");
  EXPECT_EQ(resolved->Find("id-b")->filter,
            Ref("Alpha", "id-a") && Col("tp") >= 1);
  EXPECT_EQ(resolved->Find("nope"), nullptr);
  // Beta asked once, Alpha once by name (inside Beta) and once by id.
  EXPECT_EQ(resolver.calls(), 3);
  // filter: or + 2 refs; Beta: and + ref + leaf; Alpha: 1 leaf, twice.
  EXPECT_EQ(resolved->expanded_nodes(), 1 + (1 + 1 + (1 + 1) + 1) + (1 + 1));
}

TEST(ResolveSliceRefsTest, AFilterWithoutReferencesNeedsNoResolver) {
  MapResolver resolver;
  const Expr filter = Parse("fp >= 1 OR NOT (tp = 0)");
  absl::StatusOr<ResolvedFilter> resolved = ResolveSliceRefs(filter, resolver);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_EQ(resolved->expr(), filter);
  EXPECT_TRUE(resolved->slices().empty());
  EXPECT_EQ(resolver.calls(), 0);
}

TEST(ResolveSliceRefsTest, ADiamondResolvesEachSliceOnce) {
  MapResolver resolver;
  resolver.Set("d", "D", Parse("fp >= 1"));
  resolver.Set("b", "B", Parse("IN SLICE 'D'"));
  resolver.Set("c", "C", Parse("IN SLICE 'D'"));
  resolver.Set("a", "A", Parse("IN SLICE 'B' OR IN SLICE 'C'"));
  absl::StatusOr<ResolvedFilter> resolved =
      ResolveSliceRefs(Ref("A"), resolver);
  ASSERT_THAT(resolved, IsOk());
  std::vector<std::string> order;
  for (const ResolvedSlice& s : resolved->slices()) order.push_back(s.id);
  EXPECT_THAT(order, ElementsAre("d", "b", "c", "a"));
  // A, B, D, then C and D again by name (D itself was walked once).
  EXPECT_EQ(resolver.calls(), 5);
}

TEST(ResolveSliceRefsTest, NamesTheCycle) {
  MapResolver resolver;
  resolver.Set("a", "a", Parse("IN SLICE 'b' AND fp >= 1"));
  resolver.Set("b", "b", Parse("tp >= 1 OR NOT IN SLICE 'c'"));
  resolver.Set("c", "c", Parse("IN SLICE 'a'"));
  resolver.Set("self", "self", Parse("IN SLICE 'self'"));
  EXPECT_THAT(ResolveSliceRefs(Ref("a"), resolver),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "IN SLICE references form a cycle: 'a' -> 'b' -> 'c' "
                       "-> 'a'"));
  // Entering the cycle from outside names only the cycle.
  EXPECT_THAT(ResolveSliceRefs(Col("fp") >= 1 && Ref("c"), resolver),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "IN SLICE references form a cycle: 'c' -> 'a' -> 'b' "
                       "-> 'c'"));
  EXPECT_THAT(ResolveSliceRefs(Ref("self"), resolver),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "IN SLICE references form a cycle: 'self' -> 'self'"));
}

TEST(ResolveSliceRefsTest, NamesADanglingReferenceAndWhereItIs) {
  MapResolver resolver;
  resolver.Set("a", "Night", Parse("IN SLICE 'Gone' OR fp >= 1"));
  EXPECT_THAT(ResolveSliceRefs(Ref("Missing"), resolver),
              StatusIs(absl::StatusCode::kNotFound,
                       "IN SLICE 'Missing': no slice named \"Missing\""));
  EXPECT_THAT(ResolveSliceRefs(Col("fp") >= 1 || Ref("Night"), resolver),
              StatusIs(absl::StatusCode::kNotFound,
                       "IN SLICE 'Gone' (in slice 'Night'): no slice named "
                       "\"Gone\""));
  EXPECT_THAT(ResolveSliceRefs(Ref("Night", "sl_deleted"), resolver),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no slice with id \"sl_deleted\"")));
}

TEST(ResolveSliceRefsTest, LimitsTheExpandedSizeAndTheChainLength) {
  // s0 = fp >= 1; s(i) = IN SLICE s(i-1) OR NOT IN SLICE s(i-1): the
  // expansion doubles per level (5 * 2^i - 4 nodes), past
  // kMaxExpandedFilterNodes from level 18 on, while the resolver is asked
  // about each slice only a few times.
  MapResolver doubling;
  doubling.Set("s0", "s0", Parse("fp >= 1"));
  for (int i = 1; i <= 20; ++i) {
    const std::string prev = absl::StrCat("s", i - 1);
    doubling.Set(absl::StrCat("s", i), absl::StrCat("s", i),
                 Ref(prev) || !Ref(prev));
  }
  ASSERT_THAT(ResolveSliceRefs(Ref("s17"), doubling), IsOk());
  EXPECT_THAT(ResolveSliceRefs(Ref("s20"), doubling),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the filter with its IN SLICE references expanded has "
                       "more than 1048576 nodes"));
  EXPECT_LT(doubling.calls(), 100);

  MapResolver chain;
  chain.Set("c0", "c0", Parse("TRUE"));
  for (int i = 1; i <= kMaxFilterDepth + 1; ++i) {
    chain.Set(absl::StrCat("c", i), absl::StrCat("c", i),
              Ref(absl::StrCat("c", i - 1)));
  }
  ASSERT_THAT(
      ResolveSliceRefs(Ref(absl::StrCat("c", kMaxFilterDepth - 1)), chain),
      IsOk());
  EXPECT_THAT(
      ResolveSliceRefs(Ref(absl::StrCat("c", kMaxFilterDepth + 1)), chain),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("IN SLICE references nest more than 128 slices "
                         "deep")));
}

TEST(ResolveSliceRefsTest, ReportsAResolverWithoutIds) {
  class NoIds final : public SliceResolver {
    absl::StatusOr<ResolvedSlice> Resolve(const SliceRef& ref) const override {
      return ResolvedSlice{"", ref.name, Expr::True()};
    }
  };
  EXPECT_THAT(ResolveSliceRefs(Ref("a"), NoIds()),
              StatusIs(absl::StatusCode::kInternal,
                       "IN SLICE 'a': the slice resolver returned no id"));
}

TEST(SliceRefHelpersTest, ListAndRewriteReferences) {
  const Expr filter =
      Ref("a") && (Col("fp") >= 1 || !Ref("b", "id-b")) && Ref("a");
  std::vector<std::string> names;
  for (const SliceRef& ref : SliceRefsOf(filter)) names.push_back(ref.name);
  EXPECT_THAT(names, ElementsAre("a", "b", "a"));
  const Expr renamed = RewriteSliceRefs(filter, [](const SliceRef& ref) {
    return SliceRef{ref.name == "b" ? "Bee" : ref.name, ref.id};
  });
  EXPECT_EQ(renamed,
            Ref("a") && (Col("fp") >= 1 || !Ref("Bee", "id-b")) && Ref("a"));
  // Nothing to change: the same tree comes back.
  const Expr plain = Col("fp") >= 1;
  EXPECT_EQ(RewriteSliceRefs(plain, [](const SliceRef& r) { return r; }),
            plain);
}

}  // namespace
}  // namespace slicekit
