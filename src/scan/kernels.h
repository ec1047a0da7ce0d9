// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the scanner's inner loops. Each kernel reads `n` contiguous
// values and writes ceil(n / 64) words of `out`, bit i of word w set iff
// value w * 64 + i satisfies the predicate; bits past `n` are zero. No
// branches on data, no validity handling (the caller ANDs the bitmap).
#ifndef SLICEKIT_SRC_SCAN_KERNELS_H_
#define SLICEKIT_SRC_SCAN_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace slicekit::internal {

// (lo <= v && v <= hi) != negate. An infinite bound makes that side free.
void FloatRange(const float* values, size_t n, float lo, float hi, bool negate,
                uint64_t* out);

// (lo <= v && v <= hi) != negate, unsigned, for frame-of-reference values.
void UintRange(const uint8_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out);
void UintRange(const uint16_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out);
void UintRange(const uint32_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out);
void UintRange(const uint64_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out);

// lut[v] != 0, for dictionary codes; `lut` covers every value present.
void UintLookup(const uint8_t* values, size_t n, const uint8_t* lut,
                uint64_t* out);
void UintLookup(const uint16_t* values, size_t n, const uint8_t* lut,
                uint64_t* out);
void UintLookup(const uint32_t* values, size_t n, const uint8_t* lut,
                uint64_t* out);
void UintLookup(const uint64_t* values, size_t n, const uint8_t* lut,
                uint64_t* out);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_SCAN_KERNELS_H_
