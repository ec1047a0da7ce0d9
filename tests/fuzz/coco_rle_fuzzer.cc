// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes COCO's mask decoders (src/metrics/coco_rle.h): the compressed
// `counts` string and polygon rasterization, the two that read untrusted
// text. The first byte picks the decoder, the next two the mask's height
// and width (1..64 each); the rest is the string, or int16 pairs (in
// quarter pixels, some far outside the image) for a polygon. Checks:
//  - errors are InvalidArgument, and never a crash or a hang;
//  - a decoded string's counts sum to h * w; encoding it and decoding again
//    gives the same mask; RleEncode(RleDecode(x)) has the same pixels;
//  - area <= h * w and equal to the decoded pixels'; the canonical
//    encoding's bounding box is the set pixels'; IoU with itself 1 (0 when
//    empty), in [0, 1] with another mask; merges keep these invariants;
//  - a rasterized polygon has h * w pixels and round-trips the same way.
// Any violation aborts, which libFuzzer reports as a crash.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "src/metrics/coco_rle.h"
#include "tests/fuzz/fail.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "coco_rle_fuzzer";

void CheckError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    fuzz::Fail(kTarget, "error is not InvalidArgument", status.ToString());
  }
}

uint64_t Sum(const internal::Rle& rle) {
  uint64_t sum = 0;
  for (uint32_t c : rle.counts) sum += c;
  return sum;
}

// The invariants of any RLE a decoder returned.
void CheckRle(const internal::Rle& rle, uint32_t h, uint32_t w) {
  if (rle.h != h || rle.w != w || Sum(rle) != uint64_t{h} * w) {
    fuzz::Fail(kTarget, "counts do not sum to h * w",
               absl::StrCat(Sum(rle), " for ", h, " x ", w));
  }
  const std::vector<uint8_t> dense = internal::RleDecode(rle);
  uint64_t set = 0;
  for (uint8_t b : dense) set += b;
  const uint64_t area = internal::RleArea(rle);
  if (area != set || area > uint64_t{h} * w) {
    fuzz::Fail(kTarget, "area differs from the decoded mask's",
               absl::StrCat(area, " vs ", set));
  }
  const internal::Rle again = internal::RleEncode(dense.data(), h, w);
  if (internal::RleDecode(again) != dense) {
    fuzz::Fail(kTarget, "encode(decode(x)) has other pixels", "");
  }
  absl::StatusOr<internal::Rle> parsed =
      internal::RleFromString(internal::RleToString(rle), h, w);
  if (!parsed.ok() || internal::RleDecode(*parsed) != dense) {
    fuzz::Fail(kTarget, "the compressed string does not round-trip",
               parsed.ok() ? "" : parsed.status().ToString());
  }
  // The bounding box of the canonical encoding (RleEncode's) is the set
  // pixels' (a non-canonical RLE's zero-length runs move pycocotools' box,
  // which RleToBbox follows).
  uint32_t x0 = w, y0 = h, x1 = 0, y1 = 0;
  for (uint32_t x = 0; x < w; ++x) {
    for (uint32_t y = 0; y < h; ++y) {
      if (!dense[size_t{x} * h + y]) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x + 1);
      y0 = std::min(y0, y), y1 = std::max(y1, y + 1);
    }
  }
  const std::array<double, 4> box = internal::RleToBbox(again);
  const std::array<double, 4> want =
      set == 0 ? std::array<double, 4>{0, 0, 0, 0}
               : std::array<double, 4>{double(x0), double(y0), double(x1 - x0),
                                       double(y1 - y0)};
  if (box != want) {
    fuzz::Fail(kTarget, "bounding box differs from the set pixels'",
               absl::StrCat(box[0], " ", box[1], " ", box[2], " ", box[3]));
  }
  const double self = internal::RleIou(rle, rle, false);
  if (self != (area > 0 ? 1.0 : 0.0)) {
    fuzz::Fail(kTarget, "IoU with itself is not 1", absl::StrCat(self));
  }
}

void TestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return;
  const uint32_t h = 1 + data[1] % 64, w = 1 + data[2] % 64;
  const uint8_t* rest = data + 3;
  const size_t n = size - 3;
  absl::StatusOr<internal::Rle> rle;
  if (data[0] % 2 == 0) {
    rle = internal::RleFromString(
        std::string_view(reinterpret_cast<const char*>(rest), n), h, w);
  } else {
    std::vector<double> xy;
    for (size_t i = 0; i + 1 < n; i += 2) {
      int16_t v;
      std::memcpy(&v, rest + i, sizeof v);
      xy.push_back(v / 4.0);
    }
    rle = internal::RleFromPolygon(xy, h, w);
  }
  if (!rle.ok()) {
    CheckError(rle.status());
    return;
  }
  CheckRle(*rle, h, w);
  // Against a second mask of the same size: a box.
  const std::vector<double> box = {0,       0,       w / 2.0, 0,
                                   w / 2.0, h / 2.0, 0,       h / 2.0};
  absl::StatusOr<internal::Rle> other = internal::RleFromPolygon(box, h, w);
  if (!other.ok()) fuzz::Fail(kTarget, "a box does not rasterize", "");
  for (bool crowd : {false, true}) {
    const double iou = internal::RleIou(*rle, *other, crowd);
    if (!(iou >= 0 && iou <= 1)) {
      fuzz::Fail(kTarget, "IoU outside [0, 1]", absl::StrCat(iou));
    }
  }
  const std::vector<internal::Rle> both = {*rle, *other};
  for (bool intersect : {false, true}) {
    absl::StatusOr<internal::Rle> merged = internal::RleMerge(both, intersect);
    if (!merged.ok()) fuzz::Fail(kTarget, "merge of one size failed", "");
    CheckRle(*merged, h, w);
  }
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(data, size);
  return 0;
}
