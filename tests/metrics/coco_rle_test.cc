// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO RLE (src/metrics/coco_rle.h) against pycocotools' mask API on the
// random masks and polygons of tests/data/coco_rle (written by
// scripts/gen_rle_fixtures.py), and against dense masks on random inputs.
#include "src/metrics/coco_rle.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"

namespace slicekit::internal {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const nlohmann::json& Oracle() {
  static const nlohmann::json* data = [] {
    std::ifstream in(std::string(SLICEKIT_TEST_DATA_DIR) +
                     "/coco_rle/pycocotools_mask.json");
    return new nlohmann::json(nlohmann::json::parse(in));
  }();
  return *data;
}

Rle FromText(const std::string& s, uint32_t h, uint32_t w) {
  absl::StatusOr<Rle> rle = RleFromString(s, h, w);
  EXPECT_THAT(rle.status(), IsOk()) << s;
  return rle.ok() ? *rle : Rle{};
}

// Iterations of the random property test; scripts/check-sanitizers.sh
// lowers it through SLICEKIT_RLE_ITERATIONS.
int Iterations(int normal) {
  const char* env = std::getenv("SLICEKIT_RLE_ITERATIONS");
  return env != nullptr ? std::atoi(env) : normal;
}

TEST(CocoRleTest, EncodeAreaBboxAndStringMatchPycocotools) {
  const auto& cases = Oracle()["masks"];
  ASSERT_GE(cases.size(), 100u);
  for (const auto& c : cases) {
    const uint32_t h = c["h"], w = c["w"];
    const std::string bits = c["mask"];
    std::vector<uint8_t> mask;
    for (char b : bits) mask.push_back(b == '1');
    const Rle rle = RleEncode(mask.data(), h, w);
    SCOPED_TRACE(c.dump());
    EXPECT_EQ(RleToString(rle), c["counts"].get<std::string>());
    EXPECT_EQ(RleArea(rle), c["area"].get<uint64_t>());
    EXPECT_THAT(RleToBbox(rle),
                ElementsAreArray(c["bbox"].get<std::vector<double>>()));
    const Rle back = FromText(c["counts"], h, w);
    EXPECT_EQ(back.counts, rle.counts);
    EXPECT_EQ(RleDecode(back), mask);
  }
}

TEST(CocoRleTest, MergeAndIouMatchPycocotools) {
  const auto& cases = Oracle()["merges"];
  ASSERT_GE(cases.size(), 50u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dump());
    const uint32_t h = c["h"], w = c["w"];
    std::vector<Rle> gts, dts;
    for (const auto& s : c["inputs"]) gts.push_back(FromText(s, h, w));
    for (const auto& s : c["dts"]) dts.push_back(FromText(s, h, w));
    absl::StatusOr<Rle> uni = RleMerge(gts, false);
    absl::StatusOr<Rle> inter = RleMerge(gts, true);
    ASSERT_THAT(uni.status(), IsOk());
    ASSERT_THAT(inter.status(), IsOk());
    EXPECT_EQ(RleToString(*uni), c["union"].get<std::string>());
    EXPECT_EQ(RleToString(*inter), c["intersection"].get<std::string>());
    const std::vector<int> crowd = c["crowd"];
    for (size_t d = 0; d < dts.size(); ++d) {
      for (size_t g = 0; g < gts.size(); ++g) {
        // pycocotools computes the same integer ratio: equal exactly.
        EXPECT_EQ(RleIou(dts[d], gts[g], crowd[g] != 0),
                  c["iou"][d][g].get<double>())
            << "dt " << d << " gt " << g;
      }
    }
  }
}

TEST(CocoRleTest, PolygonsMatchPycocotoolsFrPoly) {
  const auto& cases = Oracle()["polygons"];
  ASSERT_GE(cases.size(), 200u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dump());
    const std::vector<double> xy = c["polygon"];
    absl::StatusOr<Rle> rle = RleFromPolygon(xy, c["h"], c["w"]);
    ASSERT_THAT(rle.status(), IsOk());
    EXPECT_EQ(RleToString(*rle), c["counts"].get<std::string>());
    EXPECT_EQ(RleArea(*rle), c["area"].get<uint64_t>());
    EXPECT_THAT(RleToBbox(*rle),
                ElementsAreArray(c["bbox"].get<std::vector<double>>()));
  }
}

TEST(CocoRleTest, UncompressedCountsMatchPycocotools) {
  for (const auto& c : Oracle()["uncompressed"]) {
    const std::vector<uint64_t> counts = c["uncompressed"];
    absl::StatusOr<Rle> rle = RleFromCounts(c["h"], c["w"], counts);
    ASSERT_THAT(rle.status(), IsOk());
    EXPECT_EQ(RleToString(*rle), c["counts"].get<std::string>());
  }
}

std::vector<uint8_t> RandomMask(std::mt19937& rng, uint32_t h, uint32_t w) {
  std::vector<uint8_t> m(uint64_t{h} * w);
  const double p = std::uniform_real_distribution<double>(0, 1)(rng);
  for (auto& b : m) b = std::bernoulli_distribution(p)(rng);
  return m;
}

// Random masks against the dense reference: the string codec round-trips
// (with counts up to ~10^5, so deltas span several chunks and both signs),
// merge is the pixelwise OR/AND, IoU is the pixel ratio.
TEST(CocoRleTest, RandomMasksAgreeWithDenseReference) {
  std::mt19937 rng(21);
  for (int it = 0; it < Iterations(300); ++it) {
    const uint32_t h = 1 + rng() % (it % 10 == 0 ? 400 : 20);
    const uint32_t w = 1 + rng() % 20;
    const std::vector<uint8_t> a = RandomMask(rng, h, w);
    const std::vector<uint8_t> b = RandomMask(rng, h, w);
    const Rle ra = RleEncode(a.data(), h, w), rb = RleEncode(b.data(), h, w);
    EXPECT_EQ(RleDecode(ra), a);
    const Rle back = FromText(RleToString(ra), h, w);
    EXPECT_EQ(back.counts, ra.counts);
    std::vector<uint8_t> uni(a.size()), inter(a.size());
    uint64_t ni = 0, nu = 0, na = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      uni[i] = a[i] | b[i];
      inter[i] = a[i] & b[i];
      ni += inter[i];
      nu += uni[i];
      na += a[i];
    }
    const std::vector<Rle> pair = {ra, rb};
    EXPECT_EQ(RleDecode(*RleMerge(pair, false)), uni);
    EXPECT_EQ(RleDecode(*RleMerge(pair, true)), inter);
    EXPECT_EQ(RleIou(ra, rb, false), nu == 0 ? 0.0 : double(ni) / double(nu));
    EXPECT_EQ(RleIou(ra, rb, true), na == 0 ? 0.0 : double(ni) / double(na));
  }
}

TEST(CocoRleTest, BadInputIsAnErrorNamingWhere) {
  EXPECT_THAT(RleFromCounts(2, 3, std::vector<uint64_t>{1, 2}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sum to 3, not h x w = 6")));
  EXPECT_THAT(
      RleFromCounts(2, 3, std::vector<uint64_t>{1, 9}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at count 1")));
  EXPECT_THAT(RleFromString("0 1", 1, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("invalid character at offset 1")));
  // '`' (0x60) has the continuation bit set: the number never ends.
  EXPECT_THAT(RleFromString("`", 1, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("end inside the number at offset 0")));
  EXPECT_THAT(
      RleFromString("oooooooooooooooo1", 1, 1).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too long")));
  // "O" decodes to -1: a negative first count.
  EXPECT_THAT(RleFromString("O", 1, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("count 0 (offset 0) is -1")));
  EXPECT_THAT(RleFromPolygon(std::vector<double>{1, 2, 3}, 4, 4).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("even, nonzero number of coordinates")));
  EXPECT_THAT(
      RleFromPolygon(std::vector<double>{0, 0, 1e9, 1, 2, 2}, 4, 4).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("polygon coordinate 2")));
  const std::vector<Rle> sizes = {Rle{1, 2, {2}}, Rle{2, 1, {2}}};
  EXPECT_THAT(RleMerge(sizes, false).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("mask 1 is 2 x 1")));
}

}  // namespace
}  // namespace slicekit::internal
