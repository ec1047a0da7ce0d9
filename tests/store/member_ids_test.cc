// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The stored form of a snapshot's member ids: round trips and diffs of
// random sets, damage (always DataLoss, never a crash or wrong ids), and
// the ordering the store puts ids in before encoding them.
#include "src/store/member_ids.h"

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(out));
  return out;
}

std::vector<std::string> RandomIds(std::mt19937_64& rng, size_t n) {
  static const char* const kPieces[] = {
      "a", "b", "dr-", "0", "9", "\xc3\xa9", "\xff", "/", "z", "00000"};
  std::set<std::string> ids;
  while (ids.size() < n) {
    std::string id;
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < parts; ++i) id += kPieces[rng() % std::size(kPieces)];
    ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

std::vector<absl::string_view> Views(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

TEST(MemberIdsTest, RoundTripsAndDiffsRandomSets) {
  constexpr uint64_t kSeed = 20261205;
  std::cout << "random seed " << kSeed << "\n";
  std::mt19937_64 rng(kSeed);
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::vector<std::string> a = RandomIds(rng, rng() % 300);
    const std::vector<std::string> b = RandomIds(rng, rng() % 300);
    const std::string ea = internal::EncodeMemberIds(Views(a)).value();
    const std::string eb = internal::EncodeMemberIds(Views(b)).value();
    EXPECT_THAT(*internal::DecodeMemberIds(ea), ::testing::ContainerEq(a));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const internal::MemberDiff diff,
                                  internal::DiffMemberIds(ea, eb));
    EXPECT_EQ(diff.entered, Minus(b, a));
    EXPECT_EQ(diff.left, Minus(a, b));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const internal::MemberDiff live,
                                  internal::DiffMemberIds(ea, Views(b)));
    EXPECT_EQ(live.entered, diff.entered);
    EXPECT_EQ(live.left, diff.left);
  }
}

TEST(MemberIdsTest, DamageIsDataLossNeverACrash) {
  std::mt19937_64 rng(3);
  const std::vector<std::string> ids = RandomIds(rng, 500);
  const std::string good = internal::EncodeMemberIds(Views(ids)).value();
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = good;
    if (i % 3 == 0) {
      bad.resize(rng() % bad.size());
    } else {
      bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    absl::StatusOr<std::vector<std::string>> decoded =
        internal::DecodeMemberIds(bad);
    if (decoded.ok()) {
      // Only a change zlib cannot see may decode, and then to the same ids.
      EXPECT_EQ(*decoded, ids);
    } else {
      EXPECT_THAT(decoded, StatusIs(absl::StatusCode::kDataLoss,
                                    HasSubstr("snapshot member ids are "
                                              "damaged")));
      ++refused;
    }
  }
  EXPECT_GT(refused, 2900);
  // A stream that zlib accepts but whose ids are out of order or repeated
  // is refused too.
  const std::vector<absl::string_view> unsorted = {"b", "a"};
  EXPECT_THAT(
      internal::DecodeMemberIds(internal::EncodeMemberIds(unsorted).value()),
      StatusIs(absl::StatusCode::kDataLoss,
               "snapshot member ids are damaged: ids out of order at "
               "id 2"));
  const std::vector<absl::string_view> repeated = {"a", "a"};
  EXPECT_THAT(
      internal::DecodeMemberIds(internal::EncodeMemberIds(repeated).value()),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("out of order")));
  EXPECT_THAT(internal::DecodeMemberIds(""),
              StatusIs(absl::StatusCode::kDataLoss,
                       "snapshot member ids are damaged: unknown format"));
}

TEST(MemberIdsTest, EmptyAndSingle) {
  EXPECT_THAT(*internal::DecodeMemberIds(internal::EncodeMemberIds({}).value()),
              SizeIs(0));
  const std::vector<absl::string_view> one = {"only"};
  EXPECT_THAT(
      *internal::DecodeMemberIds(internal::EncodeMemberIds(one).value()),
      ElementsAre("only"));
}

TEST(MemberIdsTest, AscendingIdsAreKeptAndOthersSortedOnce) {
  const std::vector<absl::string_view> ascending = {"a", "b", "\xff"};
  std::vector<absl::string_view> sorted;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const absl::Span<const absl::string_view> kept,
      internal::AscendingMemberIds(ascending, &sorted));
  EXPECT_EQ(kept.data(), ascending.data());  // no copy
  EXPECT_THAT(sorted, SizeIs(0));
  // Byte-wise, unsigned: "\xff" sorts after "b".
  const std::vector<absl::string_view> shuffled = {"\xff", "a", "b"};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const absl::Span<const absl::string_view> ordered,
      internal::AscendingMemberIds(shuffled, &sorted));
  EXPECT_THAT(ordered, ElementsAre("a", "b", "\xff"));
  EXPECT_THAT(internal::AscendingMemberIds(
                  std::vector<absl::string_view>{"b", "a", "b"}, &sorted),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member id \"b\" is given twice"));
  EXPECT_THAT(
      internal::AscendingMemberIds(std::vector<absl::string_view>{"a", "a"},
                                   &sorted),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("given twice")));
  EXPECT_THAT(*internal::AscendingMemberIds({}, &sorted), SizeIs(0));
}

}  // namespace
}  // namespace slicekit
