// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// BootstrapMultiplicities: the images of one resample. Its own generator
// (splitmix64, seeded from the seed and the resample's number) rather than
// a library's, so that a comparison repeats exactly on every platform and
// version, and any resample can be drawn alone, on any thread.
#include <cstdint>
#include <vector>

#include "slicekit/compare.h"

namespace slicekit {
namespace {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0, without modulo bias (Lemire's method).
  uint64_t Below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = -n % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  uint64_t state_;
};

}  // namespace

std::vector<uint32_t> BootstrapMultiplicities(uint64_t seed, int64_t resample,
                                              size_t num_images) {
  std::vector<uint32_t> counts(num_images, 0);
  if (num_images == 0) return counts;
  // A stream per resample: the seed mixed once with the resample's number
  // (splitmix64 of the pair), so neighbouring seeds do not share streams.
  SplitMix64 mix(seed ^
                 (static_cast<uint64_t>(resample) * 0xd1b54a32d192ed03ULL));
  SplitMix64 rng(mix.Next());
  for (size_t i = 0; i < num_images; ++i) ++counts[rng.Below(num_images)];
  return counts;
}

}  // namespace slicekit
