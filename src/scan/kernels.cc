// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/scan/kernels.h"

#include <cmath>
#include <cstring>
#include <limits>

// The kernels are compiled twice, for baseline x86-64 and for AVX2, and the
// dynamic loader picks one per machine (GCC/Clang function multi-versioning),
// so one portable binary still gets 256-bit compares. Not under ASan or
// TSan: their runtimes are not initialized yet when the loader runs the
// ifunc resolvers, and the program crashes before main().
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SLICEKIT_NO_MULTIVERSION 1  // Clang's spelling of the checks below.
#endif
#endif
#if defined(__x86_64__) && defined(__has_attribute) && \
    !defined(SLICEKIT_NO_MULTIVERSION)
#if __has_attribute(target_clones) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define SLICEKIT_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef SLICEKIT_MULTIVERSION
#define SLICEKIT_MULTIVERSION
#endif

#define SLICEKIT_INLINE inline __attribute__((always_inline))

namespace slicekit::internal {
namespace {

// Packs 64 bytes, each 0 or 1, into one word (byte i -> bit i). The multiply
// gathers eight bytes' low bits into the top byte; comparing into a byte
// array and packing afterwards lets the compiler vectorize the compares,
// which building words bit by bit does not.
SLICEKIT_INLINE uint64_t PackBytes(const uint8_t* bytes) {
  uint64_t word = 0;
  for (int k = 0; k < 8; ++k) {
    uint64_t x;
    std::memcpy(&x, bytes + 8 * k, 8);
    word |= ((x * 0x0102040810204080ULL) >> 56) << (8 * k);
  }
  return word;
}

template <typename T, typename Pred>
SLICEKIT_INLINE void CompareToBits(const T* values, size_t n, Pred pred,
                                   uint64_t* out) {
  alignas(64) uint8_t bytes[64];
  const size_t full = n / 64;
  for (size_t w = 0; w < full; ++w) {
    const T* v = values + w * 64;
    for (int i = 0; i < 64; ++i) bytes[i] = pred(v[i]);
    out[w] = PackBytes(bytes);
  }
  const size_t rest = n % 64;
  if (rest != 0) {
    const T* v = values + full * 64;
    for (size_t i = 0; i < 64; ++i) bytes[i] = i < rest ? pred(v[i]) : 0;
    out[full] = PackBytes(bytes);
  }
}

template <typename T, bool kLo, bool kHi, bool kNegate>
SLICEKIT_INLINE void RangeImpl(const T* values, size_t n, T lo, T hi,
                               uint64_t* out) {
  CompareToBits(
      values, n,
      [lo, hi](T v) -> uint8_t {
        bool in = true;
        if constexpr (kLo) in = in & (v >= lo);
        if constexpr (kHi) in = in & (v <= hi);
        return static_cast<uint8_t>(in != kNegate);
      },
      out);
}

template <typename T>
SLICEKIT_INLINE void RangeDispatch(const T* values, size_t n, T lo, T hi,
                                   bool check_lo, bool check_hi, bool negate,
                                   uint64_t* out) {
  if (check_lo && check_hi) {
    if (lo == hi) {
      // Equality: one compare instead of two.
      if (negate) {
        CompareToBits(
            values, n, [lo](T v) -> uint8_t { return v != lo; }, out);
      } else {
        CompareToBits(
            values, n, [lo](T v) -> uint8_t { return v == lo; }, out);
      }
    } else if (negate) {
      RangeImpl<T, true, true, true>(values, n, lo, hi, out);
    } else {
      RangeImpl<T, true, true, false>(values, n, lo, hi, out);
    }
  } else if (check_lo) {
    if (negate) {
      RangeImpl<T, true, false, true>(values, n, lo, hi, out);
    } else {
      RangeImpl<T, true, false, false>(values, n, lo, hi, out);
    }
  } else if (check_hi) {
    if (negate) {
      RangeImpl<T, false, true, true>(values, n, lo, hi, out);
    } else {
      RangeImpl<T, false, true, false>(values, n, lo, hi, out);
    }
  } else {
    RangeImpl<T, false, false, false>(values, n, lo, hi, out);
    if (negate) {
      for (size_t w = 0; w < (n + 63) / 64; ++w) out[w] = 0;
    }
  }
}

template <typename T>
SLICEKIT_INLINE void UintRangeImpl(const T* values, size_t n, uint64_t lo,
                                   uint64_t hi, bool negate, uint64_t* out) {
  // The caller clamps bounds to the chunk's value range, so they fit T.
  constexpr uint64_t kMax = std::numeric_limits<T>::max();
  const bool check_lo = lo > 0;
  const bool check_hi = hi < kMax;
  RangeDispatch<T>(values, n, static_cast<T>(lo),
                   static_cast<T>(hi > kMax ? kMax : hi), check_lo, check_hi,
                   negate, out);
}

template <typename T>
SLICEKIT_INLINE void LookupImpl(const T* values, size_t n, const uint8_t* lut,
                                uint64_t* out) {
  CompareToBits(
      values, n, [lut](T v) -> uint8_t { return lut[v] != 0; }, out);
}

}  // namespace

SLICEKIT_MULTIVERSION
void FloatRange(const float* values, size_t n, float lo, float hi, bool negate,
                uint64_t* out) {
  const bool check_lo = lo != -std::numeric_limits<float>::infinity();
  const bool check_hi = hi != std::numeric_limits<float>::infinity();
  RangeDispatch<float>(values, n, lo, hi, check_lo, check_hi, negate, out);
}

SLICEKIT_MULTIVERSION
void UintRange(const uint8_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out) {
  UintRangeImpl(values, n, lo, hi, negate, out);
}
SLICEKIT_MULTIVERSION
void UintRange(const uint16_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out) {
  UintRangeImpl(values, n, lo, hi, negate, out);
}
SLICEKIT_MULTIVERSION
void UintRange(const uint32_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out) {
  UintRangeImpl(values, n, lo, hi, negate, out);
}
SLICEKIT_MULTIVERSION
void UintRange(const uint64_t* values, size_t n, uint64_t lo, uint64_t hi,
               bool negate, uint64_t* out) {
  UintRangeImpl(values, n, lo, hi, negate, out);
}

void UintLookup(const uint8_t* values, size_t n, const uint8_t* lut,
                uint64_t* out) {
  LookupImpl(values, n, lut, out);
}
void UintLookup(const uint16_t* values, size_t n, const uint8_t* lut,
                uint64_t* out) {
  LookupImpl(values, n, lut, out);
}
void UintLookup(const uint32_t* values, size_t n, const uint8_t* lut,
                uint64_t* out) {
  LookupImpl(values, n, lut, out);
}
void UintLookup(const uint64_t* values, size_t n, const uint8_t* lut,
                uint64_t* out) {
  LookupImpl(values, n, lut, out);
}

}  // namespace slicekit::internal
