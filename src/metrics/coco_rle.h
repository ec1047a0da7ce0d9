// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: COCO's run-length encoding of binary masks (issue 21), with the
// semantics of pycocotools' mask API: encode/decode, merge, area, bounding
// box, IoU with the iscrowd rule, polygon rasterization (frPoly) and the
// compressed-string codec. Masks stay run-length encoded in memory: nothing
// here but Decode (for tests and tools) ever builds a dense mask. Never
// installed.
//
// A mask of h rows and w columns is read column by column (Fortran order,
// as COCO does): counts alternate runs of 0s and 1s, starting with 0s (a
// first count of 0 when the first pixel is set), and sum to h * w.
#ifndef SLICEKIT_SRC_METRICS_COCO_RLE_H_
#define SLICEKIT_SRC_METRICS_COCO_RLE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace slicekit::internal {

struct Rle {
  uint32_t h = 0;
  uint32_t w = 0;
  std::vector<uint32_t> counts;
};

// The largest h * w accepted: COCO's counts are 32-bit.
inline constexpr uint64_t kMaxRlePixels = uint64_t{1} << 31;

// Checks h * w <= kMaxRlePixels, that counts sum to h * w, and builds the
// RLE. Errors name the failing count.
absl::StatusOr<Rle> RleFromCounts(uint32_t h, uint32_t w,
                                  std::span<const uint64_t> counts);

// Encodes a column-major mask of h * w bytes (nonzero: set).
Rle RleEncode(const uint8_t* mask, uint32_t h, uint32_t w);
// The column-major dense mask (0/1 bytes).
std::vector<uint8_t> RleDecode(const Rle& rle);

// The number of set pixels.
uint64_t RleArea(const Rle& rle);

// [x, y, width, height] of the set pixels as pycocotools' toBbox computes
// it (all zero for an empty mask).
std::array<double, 4> RleToBbox(const Rle& rle);

// Union (or intersection) of masks of one size; an error when sizes differ
// or `rles` is empty. One input is returned as it is; otherwise the result
// is canonical (no empty runs but perhaps the first).
absl::StatusOr<Rle> RleMerge(std::span<const Rle> rles, bool intersect);

// pycocotools' mask IoU of a detection and a ground truth: intersection over
// union, or over the detection's area when the ground truth is a crowd
// region; 0 when the denominator is 0. Sizes must agree (checked by
// callers; differing sizes give 0).
double RleIou(const Rle& dt, const Rle& gt, bool gt_crowd);

// Rasterizes one polygon [x0, y0, x1, y1, ...] as pycocotools' frPoly does
// (5x upsampled edges, pixel centers), exactly. Errors: an odd or zero
// number of coordinates, a non-finite one, or one farther outside the image
// than max(64, the image's larger side) (which pycocotools would rasterize at a
// cost that grows with the distance; COCO never has such polygons).
absl::StatusOr<Rle> RleFromPolygon(std::span<const double> xy, uint32_t h,
                                   uint32_t w);

// COCO's compressed `counts` string (LEB128-like 6-bit chunks of count
// deltas) and back. Decoding checks every character, the chunk lengths, that
// counts are non-negative and sum to h * w; errors name the offset.
std::string RleToString(const Rle& rle);
absl::StatusOr<Rle> RleFromString(std::string_view s, uint32_t h, uint32_t w);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_METRICS_COCO_RLE_H_
