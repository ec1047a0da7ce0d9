// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// SliceStore: name rules, the per-org limit, updates, optimistic
// concurrency, listing, and (SQLite) persistence and foreign-file refusal.
// Every behaviour test runs against both backends.
#include "slicekit/slice_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

std::string TempPath(absl::string_view name) {
  static int counter = 0;
  return absl::StrCat(::testing::TempDir(), "/slice_store_test_", getpid(), "_",
                      ++counter, "_", name);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream(path, std::ios::binary)
      << std::string(contents.data(), contents.size());
}

Expr Filter(absl::string_view text) {
  absl::StatusOr<Expr> expr = ParseFilter(text);
  EXPECT_THAT(expr, IsOk());
  return expr.ok() ? *expr : Expr();
}

SliceSpec Spec(std::string name, absl::string_view where = "fp >= 1") {
  return SliceSpec{std::move(name), "", Filter(where), {}};
}

std::vector<std::string> Names(const std::vector<Slice>& slices) {
  std::vector<std::string> names;
  for (const Slice& s : slices) names.push_back(s.name);
  return names;
}

using ::slicekit::testing::Backend;
using ::slicekit::testing::RemoveStore;

class SliceStoreTest : public ::slicekit::testing::StoreBackendTest {
 protected:
  absl::StatusOr<Slice> Create(absl::string_view name,
                               absl::string_view org = "acme") {
    return store_->Create(org, Spec(std::string(name)));
  }
};

SLICEKIT_INSTANTIATE_FOR_BACKENDS(SliceStoreTest);

TEST_P(SliceStoreTest, CreatesAndGetsASlice) {
  SliceSpec spec{"Low confidence FPs",
                 "fps under 0.3",
                 Filter("confidence < 0.3 AND fp >= 1"),
                 {{"confidence", true}, {"iou", false}}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice created,
                                store_->Create("acme", spec));
  EXPECT_THAT(created.id, ::testing::MatchesRegex("sl_[0-9a-f]{16}"));
  EXPECT_EQ(created.org, "acme");
  EXPECT_EQ(created.name, "Low confidence FPs");
  EXPECT_EQ(created.description, "fps under 0.3");
  EXPECT_EQ(created.filter, spec.filter);
  ASSERT_THAT(created.order_by, SizeIs(2));
  EXPECT_EQ(created.order_by[0].column, "confidence");
  EXPECT_TRUE(created.order_by[0].descending);
  EXPECT_FALSE(created.order_by[1].descending);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.created_at, created.updated_at);

  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice got,
                                store_->Get("acme", created.id));
  EXPECT_EQ(got.id, created.id);
  EXPECT_EQ(got.name, created.name);
  EXPECT_EQ(got.description, created.description);
  EXPECT_EQ(got.filter, created.filter);
  EXPECT_EQ(got.filter.ToString(), "confidence < 0.3 AND fp >= 1");
  ASSERT_THAT(got.order_by, SizeIs(2));
  EXPECT_EQ(got.order_by[0].column, "confidence");
  EXPECT_TRUE(got.order_by[0].descending);
  EXPECT_EQ(got.created_at, created.created_at);
  EXPECT_EQ(got.version, 1);
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceStoreTest, IdsAreDistinctAndScopedToTheirOrg) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                  Create(absl::StrCat("slice ", i)));
    ids.insert(s.id);
  }
  EXPECT_THAT(ids, SizeIs(50));
  EXPECT_THAT(store_->Get("other", *ids.begin()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("other")));
  EXPECT_THAT(
      store_->Get("acme", "sl_0000000000000000"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("sl_0000000000000000")));
}

struct NameCase {
  const char* label;
  std::string input;
  std::optional<std::string> stored;  // nullopt: rejected
  const char* error = "";             // substring of the error
};

void PrintTo(const NameCase& c, std::ostream* os) { *os << c.label; }

std::vector<NameCase> NameCases() {
  return {
      {"ascii", "fps", "fps"},
      {"two_chars", "ab", std::nullopt,
       "name has 2 characters; the minimum is 3"},
      {"three_chars", "abc", "abc"},
      {"thirty_chars", std::string(30, 'x'), std::string(30, 'x')},
      {"thirty_one_chars", std::string(31, 'x'), std::nullopt,
       "name has 31 characters; the limit is 30"},
      {"empty", "", std::nullopt, "name is empty"},
      {"blank", " \t\n ", std::nullopt, "name is empty"},
      {"trimmed", "  \tcars \n", "cars"},
      {"trim_then_too_short", "   ab   ", std::nullopt,
       "name has 2 characters; the minimum is 3"},
      {"inner_spaces_kept", "a  b", "a  b"},
      {"ideographic_space_trimmed", "\u3000abc\u3000", "abc"},
      // 30 two-byte characters: 60 bytes, 30 code points.
      {"multibyte_30",
       [] {
         std::string s;
         for (int i = 0; i < 30; ++i) s += "\u00e9";
         return s;
       }(),
       [] {
         std::string s;
         for (int i = 0; i < 30; ++i) s += "\u00e9";
         return s;
       }()},
      {"multibyte_31",
       [] {
         std::string s;
         for (int i = 0; i < 31; ++i) s += "\u00e9";
         return s;
       }(),
       std::nullopt, "name has 31 characters; the limit is 30"},
      // "e" + COMBINING ACUTE: 2 code points, 1 after NFC.
      {"combining_composes",
       "ab"
       "e\u0301",
       "ab\u00e9"},
      {"combining_30_after_nfc",
       [] {
         std::string s;
         for (int i = 0; i < 30; ++i) s += "e\u0301";  // 60 code points
         return s;
       }(),
       [] {
         std::string s;
         for (int i = 0; i < 30; ++i) s += "\u00e9";
         return s;
       }()},
      {"combining_two_after_nfc", "ae\u0301", std::nullopt,
       "name has 2 characters; the minimum is 3"},
      // A combining mark without a precomposed form stays two code points.
      {"combining_no_composition", "aq\u0301", "aq\u0301"},
      {"emoji", "\U0001F697\U0001F699\U0001F68C",
       "\U0001F697\U0001F699\U0001F68C"},
      {"emoji_zwj_sequence", "\U0001F468\u200D\U0001F469",
       "\U0001F468\u200D\U0001F469"},
      {"cjk", "\u8eca\u4e21\u8aa4\u691c\u51fa",
       "\u8eca\u4e21\u8aa4\u691c\u51fa"},
      {"control_bell", "ab\acd", std::nullopt,
       "name contains a control character (U+0007) at character 3"},
      {"control_nul", std::string("ab\0cd", 5), std::nullopt,
       "name contains a control character (U+0000) at character 3"},
      {"inner_newline", "ab\ncd", std::nullopt,
       "name contains a control character (U+000A) at character 3"},
      {"c1_control", "abc\u0085d", std::nullopt,
       "name contains a control character (U+0085) at character 4"},
      {"line_separator", "ab\u2028cd", std::nullopt,
       "name contains a control character (U+2028) at character 3"},
      {"delete", "abc\x7f", std::nullopt,
       "name contains a control character (U+007F) at character 4"},
      {"bidi_override", "ab\u202Ecd", std::nullopt,
       "name contains a bidirectional formatting character (U+202E) at "
       "character 3"},
      {"bidi_isolate", "\u2066abc", std::nullopt,
       "name contains a bidirectional formatting character (U+2066) at "
       "character 1"},
      {"bidi_mark", "abc\u200F", std::nullopt,
       "name contains a bidirectional formatting character (U+200F) at "
       "character 4"},
      // Invisible characters (UTS #39, TR #31): a name must not look like
      // another one, or like nothing.
      {"zero_width_space", "ab\u200Bc", std::nullopt,
       "name contains an invisible or format character (U+200B) at "
       "character 3"},
      {"only_zero_width_spaces", "\u200B\u200B\u200B", std::nullopt,
       "name contains an invisible or format character (U+200B) at "
       "character 1"},
      {"leading_bom", "\uFEFFabc", std::nullopt,
       "name contains an invisible or format character (U+FEFF) at "
       "character 1"},
      {"soft_hyphen", "ab\u00ADc", std::nullopt,
       "name contains an invisible or format character (U+00AD) at "
       "character 3"},
      {"hangul_fillers", "\u3164\u3164\u3164", std::nullopt,
       "name contains an invisible or format character (U+3164) at "
       "character 1"},
      {"tag_characters", "abc\U000E0061\U000E007F", std::nullopt,
       "name contains an invisible or format character (U+E0061) at "
       "character 4"},
      {"arabic_number_sign", "\u0600abc", std::nullopt,
       "name contains an invisible or format character (U+0600) at "
       "character 1"},
      {"variation_selector", "ab\uFE00c", std::nullopt,
       "name contains an invisible or format character (U+FE00) at "
       "character 3"},
      {"combining_marks_only", "\u0301\u0302\u0303", std::nullopt,
       "name has no visible character"},
      {"marks_and_spaces_only", "\u0301 \u0302", std::nullopt,
       "name has no visible character"},
      // U+200D and U+FE0F only inside an emoji sequence.
      {"joiner_between_letters", "ab\u200Dc", std::nullopt,
       "name contains an invisible character outside an emoji sequence "
       "(U+200D) at character 3"},
      {"joiner_after_emoji", "\U0001F468\U0001F469\u200D", std::nullopt,
       "name contains an invisible character outside an emoji sequence "
       "(U+200D) at character 3"},
      {"emoji_selector_after_letter", "abc\uFE0F", std::nullopt,
       "name contains an invisible character outside an emoji sequence "
       "(U+FE0F) at character 4"},
      {"keycap_sequence", "#\uFE0F\u20E3 1", std::nullopt,
       "name contains an invisible character outside an emoji sequence "
       "(U+FE0F) at character 2"},
      {"emoji_selector_and_joiner", "\U0001F3F3\uFE0F\u200D\U0001F308",
       "\U0001F3F3\uFE0F\u200D\U0001F308"},
      {"emoji_modifier_and_joiner", "\U0001F469\U0001F3FD\u200D\U0001F4BB",
       "\U0001F469\U0001F3FD\u200D\U0001F4BB"},
      {"keycap_without_selector", "#\u20E3 1", "#\u20E3 1"},
      {"unassigned", "abc\U000E0080", std::nullopt,
       "name contains an unassigned character (U+E0080) at character 4"},
      {"noncharacter", "ab\uFFFEc", std::nullopt,
       "name contains an unassigned character (U+FFFE) at character 3"},
      {"private_use_allowed", "ab\uE000", "ab\uE000"},
      {"invalid_utf8", "abc\xff", std::nullopt,
       "name is not valid UTF-8 (byte 4)"},
      {"truncated_utf8", "abc\xc3", std::nullopt,
       "name is not valid UTF-8 (byte 4)"},
      {"overlong_utf8", "ab\xc0\x80", std::nullopt,
       "name is not valid UTF-8 (byte 3)"},
      {"surrogate_utf8", "ab\xed\xa0\x80", std::nullopt,
       "name is not valid UTF-8 (byte 3)"},
  };
}

class SliceNameTest : public ::testing::TestWithParam<NameCase> {};

INSTANTIATE_TEST_SUITE_P(Names, SliceNameTest, ::testing::ValuesIn(NameCases()),
                         [](const auto& info) { return info.param.label; });

TEST_P(SliceNameTest, FollowsTheNameRules) {
  const NameCase& c = GetParam();
  for (const Backend backend : {Backend::kMemory, Backend::kSqlite}) {
    SCOPED_TRACE(backend == Backend::kMemory ? "memory" : "sqlite");
    std::unique_ptr<SliceStore> store;
    const std::string path = TempPath("names.db");
    if (backend == Backend::kMemory) {
      store = SliceStore::InMemory();
    } else {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(store, SliceStore::OpenSqlite(path));
    }
    const absl::StatusOr<Slice> created = store->Create("acme", Spec(c.input));
    if (c.stored.has_value()) {
      ASSERT_THAT(created, IsOk());
      EXPECT_EQ(created->name, *c.stored);
      SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice got,
                                    store->GetByName("acme", c.input));
      EXPECT_EQ(got.id, created->id);
    } else {
      EXPECT_THAT(created, StatusIs(absl::StatusCode::kInvalidArgument,
                                    HasSubstr(c.error)));
      EXPECT_THAT(*store->List("acme", SliceListOrder::kByName), SizeIs(0));
    }
    store.reset();
    RemoveStore(path);
  }
}

TEST(SliceNameRulesTest, NormalizeAndKeyAgreeWithTheStore) {
  EXPECT_EQ(*NormalizeSliceName(" \u00c4rger "), "\u00c4rger");
  EXPECT_EQ(SliceNameKey("\u00c4rger"), SliceNameKey("\u00e4rger"));
  EXPECT_EQ(SliceNameKey("STRASSE"), SliceNameKey("strasse"));
  EXPECT_NE(SliceNameKey("cars"), SliceNameKey("carts"));
}

TEST(SliceNameRulesTest, DescriptionsHaveTheirOwnRules) {
  EXPECT_THAT(ValidateSliceDescription(""), IsOk());
  std::string max;
  for (int i = 0; i < 1000; ++i) max += "\u00e9";
  EXPECT_THAT(ValidateSliceDescription(max), IsOk());
  EXPECT_THAT(ValidateSliceDescription(max + "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "description has 1001 characters; the limit is 1000"));
  EXPECT_THAT(ValidateSliceDescription("ok\xfe"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "description is not valid UTF-8 (byte 3)"));
  EXPECT_THAT(ValidateSliceDescription("two\nlines"), IsOk());
}

TEST_P(SliceStoreTest, EmojiJoinersCannotMakeALookAlike) {
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  const std::string people = "\U0001F468\U0001F469\U0001F467";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice first, Create(family));
  EXPECT_THAT(Create(people),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr(first.id),
                             HasSubstr("ignoring invisible characters"))));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice hearts,
                                Create("\u2764\u2764\u2764"));
  EXPECT_THAT(Create("\u2764\uFE0F\u2764\u2764"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(hearts.id)));
  EXPECT_THAT(store_->Rename("acme", hearts.id, people),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(first.id)));
  // A slice may take a look-alike of its own name.
  EXPECT_THAT(store_->Rename("acme", first.id, people), IsOk());
}

TEST_P(SliceStoreTest, NamesAreUniqueCaseInsensitively) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice first, Create("\u00c4rger"));
  EXPECT_THAT(Create("\u00e4rger"), StatusIs(absl::StatusCode::kAlreadyExists,
                                             AllOf(HasSubstr("\"\u00e4rger\""),
                                                   HasSubstr("\"\u00c4rger\""),
                                                   HasSubstr(first.id))));
  // Decomposed input normalizes to the same name.
  EXPECT_THAT(Create("A\u0308rger"),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
  EXPECT_THAT(Create(" \u00c4RGER "),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice got,
                                store_->GetByName("acme", "\u00e4RGER"));
  EXPECT_EQ(got.id, first.id);
  // Another org may use the name.
  EXPECT_THAT(Create("\u00e4rger", "other"), IsOk());
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(1));
  EXPECT_THAT(store_->GetByName("acme", "nothing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nothing")));
}

TEST_P(SliceStoreTest, DescriptionRulesApplyOnCreate) {
  SliceSpec spec = Spec("described");
  spec.description = std::string(1001, 'd');
  EXPECT_THAT(store_->Create("acme", spec),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "description has 1001 characters; the limit is 1000"));
  spec.description = std::string(1000, 'd');
  EXPECT_THAT(store_->Create("acme", spec), IsOk());
}

TEST_P(SliceStoreTest, RejectsBadOrgsAndOrderings) {
  EXPECT_THAT(Create("abc", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "org is empty"));
  EXPECT_THAT(Create("abc", "bad\xff"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("org is not valid UTF-8")));
  SliceSpec spec = Spec("ordered");
  spec.order_by = {{"fp", false}, {"fp", true}};
  EXPECT_THAT(store_->Create("acme", spec),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("repeats column \"fp\"")));
  spec.order_by = {{"", false}};
  EXPECT_THAT(store_->Create("acme", spec),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty column name")));
}

TEST_P(SliceStoreTest, HoldsAtMostAHundredSlicesPerOrg) {
  for (int i = 0; i < 99; ++i) {
    ASSERT_THAT(Create(absl::StrCat("slice ", i)), IsOk());
  }
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(99));
  ASSERT_THAT(Create("slice 99"), IsOk());  // the 100th
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(100));
  EXPECT_THAT(
      Create("slice 100"),
      StatusIs(absl::StatusCode::kResourceExhausted,
               "org \"acme\" already has 100 slices; the limit is 100"));
  Reopen();
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(100));
  EXPECT_THAT(store_->GetByName("acme", "slice 100"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  // A name conflict is reported before the limit.
  EXPECT_THAT(Create("SLICE 5"),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
  // Other orgs are not affected.
  EXPECT_THAT(Create("slice 100", "other"), IsOk());
  // Deleting one makes room for exactly one.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s7,
                                store_->GetByName("acme", "slice 7"));
  ASSERT_THAT(store_->Delete("acme", s7.id), IsOk());
  EXPECT_THAT(Create("slice 100"), IsOk());
  EXPECT_THAT(Create("slice 101"),
              StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceStoreTest, UpdatesTheFilterInPlace) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice original, Create("false pos"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice updated,
      store_->UpdateFilter("acme", original.id, Filter("fp >= 2"),
                           {{"confidence", true}}));
  EXPECT_EQ(updated.id, original.id);
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.name, original.name);
  EXPECT_EQ(updated.created_at, original.created_at);
  EXPECT_GE(updated.updated_at, original.updated_at);
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice got,
                                store_->Get("acme", original.id));
  EXPECT_EQ(got.filter, Filter("fp >= 2"));
  ASSERT_THAT(got.order_by, SizeIs(1));
  EXPECT_EQ(got.order_by[0].column, "confidence");
  EXPECT_EQ(got.version, 2);
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(1));
}

TEST_P(SliceStoreTest, UpdatesTheFilterAsANewSlice) {
  SliceSpec spec = Spec("false pos");
  spec.description = "kept";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice original,
                                store_->Create("acme", spec));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice copy,
      store_->UpdateFilterAsNew("acme", original.id, "many false pos",
                                Filter("fp >= 5"), {}));
  EXPECT_NE(copy.id, original.id);
  EXPECT_EQ(copy.version, 1);
  EXPECT_EQ(copy.description, "kept");
  EXPECT_EQ(copy.filter, Filter("fp >= 5"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice still,
                                store_->Get("acme", original.id));
  EXPECT_EQ(still.filter, original.filter);
  EXPECT_EQ(still.version, 1);
  EXPECT_THAT(store_->UpdateFilterAsNew("acme", original.id, "FALSE POS",
                                        Filter("fp >= 5"), {}),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
  EXPECT_THAT(
      store_->UpdateFilterAsNew("acme", original.id, "x", Filter("fp >= 5"),
                                {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("minimum is 3")));
}

TEST_P(SliceStoreTest, UpdateAsNewCountsAgainstTheLimit) {
  for (int i = 0; i < 99; ++i) {
    ASSERT_THAT(Create(absl::StrCat("slice ", i)), IsOk());
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s0,
                                store_->GetByName("acme", "slice 0"));
  ASSERT_THAT(store_->UpdateFilterAsNew("acme", s0.id, "copy one",
                                        Filter("tp >= 1"), {}),
              IsOk());
  EXPECT_THAT(store_->UpdateFilterAsNew("acme", s0.id, "copy two",
                                        Filter("tp >= 1"), {}),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("the limit is 100")));
  // In-place updates still work at the limit.
  EXPECT_THAT(store_->UpdateFilter("acme", s0.id, Filter("tp >= 2"), {}),
              IsOk());
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(100));
}

TEST_P(SliceStoreTest, RejectsStaleVersions) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice v1, Create("versioned"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice v2,
      store_->UpdateFilter("acme", v1.id, Filter("tp >= 1"), {}, 1));
  EXPECT_EQ(v2.version, 2);
  // A second writer that read version 1 loses, and changes nothing.
  EXPECT_THAT(store_->UpdateFilter("acme", v1.id, Filter("tn >= 1"), {}, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("is at version 2"),
                             HasSubstr("not the expected version 1"))));
  EXPECT_THAT(store_->Rename("acme", v1.id, "renamed", 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_THAT(store_->SetDescription("acme", v1.id, "text", 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_THAT(store_->UpdateFilterAsNew("acme", v1.id, "a copy",
                                        Filter("tn >= 1"), {}, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_THAT(store_->Delete("acme", v1.id, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice now, store_->Get("acme", v1.id));
  EXPECT_EQ(now.version, 2);
  EXPECT_EQ(now.name, "versioned");
  EXPECT_EQ(now.filter, Filter("tp >= 1"));
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(1));
  // The current version is accepted.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice v3,
                                store_->Rename("acme", v1.id, "renamed", 2));
  EXPECT_EQ(v3.version, 3);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice v4, store_->SetDescription("acme", v1.id, "text", 3));
  EXPECT_EQ(v4.version, 4);
  EXPECT_EQ(v4.description, "text");
  EXPECT_THAT(store_->Delete("acme", v1.id, 4), IsOk());
}

TEST_P(SliceStoreTest, DeleteFreesTheNameButNeverTheId) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice first, Create("recycled"));
  ASSERT_THAT(store_->Delete("acme", first.id), IsOk());
  EXPECT_THAT(store_->Get("acme", first.id),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_THAT(store_->Delete("acme", first.id),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice second, Create("RECYCLED"));
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.version, 1);
  EXPECT_EQ(store_->GetByName("acme", "recycled")->id, second.id);
  EXPECT_THAT(store_->Delete("other", second.id),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_THAT(store_->Get("acme", second.id), IsOk());
}

TEST_P(SliceStoreTest, RenameChecksRulesAndConflicts) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice a, Create("alpha"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice b, Create("beta"));
  EXPECT_THAT(store_->Rename("acme", b.id, "ALPHA"),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr("\"ALPHA\""), HasSubstr("\"alpha\""))));
  EXPECT_THAT(store_->Rename("acme", b.id, "ab"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "name has 2 characters; the minimum is 3"));
  EXPECT_THAT(store_->Rename("acme", "sl_missing", "gamma"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  // A change of case of its own name is fine.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice a2,
                                store_->Rename("acme", a.id, "  Alpha "));
  EXPECT_EQ(a2.name, "Alpha");
  EXPECT_EQ(a2.version, 2);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice b2,
                                store_->Rename("acme", b.id, "gamma"));
  EXPECT_EQ(b2.name, "gamma");
  // The old name is free again.
  EXPECT_THAT(Create("beta"), IsOk());
  EXPECT_THAT(store_->SetDescription("acme", a.id, std::string(1001, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_EQ(store_->Get("acme", a.id)->version, 2);
}

TEST_P(SliceStoreTest, ListsByNameOrCreationTime) {
  for (const char* name : {"delta", "Bravo", "charlie", "alpha", "\u00c9cho"}) {
    ASSERT_THAT(Create(name), IsOk());
  }
  ASSERT_THAT(Create("zulu", "other"), IsOk());
  Reopen();
  EXPECT_THAT(Names(*store_->List("acme", SliceListOrder::kByCreationTime)),
              ElementsAre("delta", "Bravo", "charlie", "alpha", "\u00c9cho"));
  EXPECT_THAT(Names(*store_->List("acme", SliceListOrder::kByName)),
              ElementsAre("alpha", "Bravo", "charlie", "delta", "\u00c9cho"));
  EXPECT_THAT(*store_->List("nobody", SliceListOrder::kByName), SizeIs(0));
  // Renaming moves a slice in name order, not in creation order.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice delta,
                                store_->GetByName("acme", "delta"));
  ASSERT_THAT(store_->Rename("acme", delta.id, "aaa"), IsOk());
  EXPECT_EQ(store_->List("acme", SliceListOrder::kByName)->front().name, "aaa");
  EXPECT_EQ(store_->List("acme", SliceListOrder::kByCreationTime)->front().name,
            "aaa");
}

// --- SQLite files -----------------------------------------------------------

class SqliteFileTest : public ::testing::Test {
 protected:
  void TearDown() override { RemoveStore(path_); }
  // Expects OpenSqlite(path_) to fail with `code` and leave the file as it
  // was.
  void ExpectRefused(absl::StatusCode code, absl::string_view message) {
    const std::string before = ReadFile(path_);
    EXPECT_THAT(SliceStore::OpenSqlite(path_),
                StatusIs(code, AllOf(HasSubstr(path_), HasSubstr(message))));
    EXPECT_EQ(ReadFile(path_), before);
  }
  // Runs `sql` on a new SQLite database at path_.
  void MakeDatabase(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  std::string path_ = TempPath("file.db");
};

TEST_F(SqliteFileTest, CreatesAMissingOrEmptyFile) {
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
    EXPECT_THAT(store->Create("acme", Spec("first")), IsOk());
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
  EXPECT_THAT(*store->List("acme", SliceListOrder::kByName), SizeIs(1));
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
  store.reset();
  RemoveStore(path_);
  WriteFile(path_, "");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(store, SliceStore::OpenSqlite(path_));
  EXPECT_THAT(store->Create("acme", Spec("first")), IsOk());
}

TEST_F(SqliteFileTest, UsesWalAndRecordsTheFormat) {
  { ASSERT_THAT(SliceStore::OpenSqlite(path_), IsOk()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  std::vector<std::string> values;
  auto collect = [](void* out, int, char** cols, char**) {
    static_cast<std::vector<std::string>*>(out)->push_back(cols[0]);
    return 0;
  };
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode", collect, &values, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "SELECT key || '=' || value FROM slicekit_meta "
                         "ORDER BY key",
                         collect, &values, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THAT(values, ElementsAre("wal", MatchesRegex("checksum=[0-9a-f]{16}"),
                                  "format=slicekit.slice_store", "version=3"));
}

TEST_F(SqliteFileTest, RefusesGarbage) {
  WriteFile(path_, "name,confidence\nrow1,0.5\n");
  ExpectRefused(absl::StatusCode::kFailedPrecondition,
                "is not a slicekit slice store: not an SQLite database");
}

TEST_F(SqliteFileTest, RefusesAnotherApplicationsDatabase) {
  MakeDatabase(
      "CREATE TABLE users (id INTEGER, name TEXT);"
      "INSERT INTO users VALUES (1, 'ann');");
  ExpectRefused(absl::StatusCode::kFailedPrecondition,
                "it has other tables (users) and no slicekit_meta table");
}

TEST_F(SqliteFileTest, RefusesAnotherFormatVersion) {
  MakeDatabase(
      "CREATE TABLE slicekit_meta (key TEXT PRIMARY KEY, value TEXT);"
      "INSERT INTO slicekit_meta VALUES ('format', 'slicekit.slice_store'),"
      " ('version', '4');");
  ExpectRefused(absl::StatusCode::kFailedPrecondition,
                "has format version 4, newer than this slicekit, which reads "
                "versions 1 to 3 (upgrading 1 and 2); the file was left "
                "unchanged");
}

TEST_F(SqliteFileTest, RefusesAnotherFormat) {
  MakeDatabase(
      "CREATE TABLE slicekit_meta (key TEXT PRIMARY KEY, value TEXT);"
      "INSERT INTO slicekit_meta VALUES ('format', 'something.else'),"
      " ('version', '1');");
  ExpectRefused(absl::StatusCode::kFailedPrecondition,
                "its format is \"something.else\"");
}

TEST_F(SqliteFileTest, RefusesATruncatedOrCorruptStore) {
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
    SliceSpec spec = Spec("padding");
    for (int i = 0; i < 60; ++i) {
      spec.name = absl::StrCat("slice number ", i);
      spec.description = std::string(900, 'a' + i % 26);
      ASSERT_THAT(store->Create("acme", spec), IsOk());
    }
  }
  // Closing the last connection checkpoints the WAL into the main file.
  const std::string full = ReadFile(path_);
  ASSERT_GT(full.size(), 16384u);
  RemoveStore(path_);

  // Truncated to half.
  WriteFile(path_, full.substr(0, full.size() / 2));
  {
    const std::string before = ReadFile(path_);
    EXPECT_THAT(SliceStore::OpenSqlite(path_),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("corrupt")));
    EXPECT_EQ(ReadFile(path_), before);
  }
  RemoveStore(path_);

  // Pages overwritten in the middle (the header is intact).
  std::string damaged = full;
  for (size_t i = 4096; i < damaged.size() - 4096; i += 7) damaged[i] ^= 0x5a;
  WriteFile(path_, damaged);
  {
    const std::string before = ReadFile(path_);
    EXPECT_THAT(SliceStore::OpenSqlite(path_),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
    EXPECT_EQ(ReadFile(path_), before);
  }
  RemoveStore(path_);

  // Too short to be a database.
  WriteFile(path_, full.substr(0, 100));
  ExpectRefused(absl::StatusCode::kFailedPrecondition,
                "not an SQLite database");
}

TEST_F(SqliteFileTest, ReportsAMissingDirectory) {
  EXPECT_THAT(SliceStore::OpenSqlite(absl::StrCat(path_, ".d/store.db")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("unable to open")));
}

TEST_P(SliceStoreTest, GetByNameWithAnImpossibleNameIsNotFound) {
  ASSERT_THAT(Create("real"), IsOk());
  EXPECT_THAT(store_->GetByName("acme", "x"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("minimum is 3")));
  EXPECT_THAT(
      store_->GetByName("acme", "bad\xff"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("not valid UTF-8")));
}

TEST_F(SqliteFileTest, RefusesADirectory) {
  const std::string dir = ::testing::TempDir();
  EXPECT_THAT(SliceStore::OpenSqlite(dir),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not a regular file")));
}

}  // namespace
}  // namespace slicekit
