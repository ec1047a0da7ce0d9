// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO RLE (see coco_rle.h). Written from the behaviour of pycocotools' mask
// API, which the tests compare against on random masks and polygons. This
// file is compiled with -ffp-contract=off: frPoly's rounding must see the
// same double operations as pycocotools' C (no fused multiply-adds).
#include "src/metrics/coco_rle.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace slicekit::internal {
namespace {

// Set pixels as half-open intervals [begin, end) of column-major indices.
struct Interval {
  uint64_t begin;
  uint64_t end;
};

std::vector<Interval> Ones(const Rle& rle) {
  std::vector<Interval> out;
  uint64_t pos = 0;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    const uint64_t next = pos + rle.counts[i];
    if (i % 2 == 1 && next > pos) out.push_back({pos, next});
    pos = next;
  }
  return out;
}

// Canonical counts of the given sorted, disjoint, non-adjacent intervals.
Rle FromIntervals(const std::vector<Interval>& ones, uint32_t h, uint32_t w) {
  Rle out{h, w, {}};
  uint64_t pos = 0;
  for (const Interval& iv : ones) {
    out.counts.push_back(static_cast<uint32_t>(iv.begin - pos));
    out.counts.push_back(static_cast<uint32_t>(iv.end - iv.begin));
    pos = iv.end;
  }
  const uint64_t total = uint64_t{h} * w;
  if (pos < total || out.counts.empty()) {
    out.counts.push_back(static_cast<uint32_t>(total - pos));
  }
  return out;
}

// Appends [b, e) to `out`, joining it to the last interval when they touch.
void Append(std::vector<Interval>& out, uint64_t b, uint64_t e) {
  if (b >= e) return;
  if (!out.empty() && out.back().end >= b) {
    out.back().end = std::max(out.back().end, e);
  } else {
    out.push_back({b, e});
  }
}

std::vector<Interval> Combine(const std::vector<Interval>& a,
                              const std::vector<Interval>& b, bool intersect) {
  std::vector<Interval> out;
  size_t i = 0, j = 0;
  if (intersect) {
    while (i < a.size() && j < b.size()) {
      Append(out, std::max(a[i].begin, b[j].begin),
             std::min(a[i].end, b[j].end));
      if (a[i].end < b[j].end)
        ++i;
      else
        ++j;
    }
    return out;
  }
  while (i < a.size() || j < b.size()) {
    const bool take_a =
        j == b.size() || (i < a.size() && a[i].begin <= b[j].begin);
    const Interval& iv = take_a ? a[i++] : b[j++];
    Append(out, iv.begin, iv.end);
  }
  return out;
}

uint64_t IntersectionArea(const Rle& a, const Rle& b) {
  const std::vector<Interval> x = Ones(a), y = Ones(b);
  uint64_t area = 0;
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    const uint64_t lo = std::max(x[i].begin, y[j].begin);
    const uint64_t hi = std::min(x[i].end, y[j].end);
    if (hi > lo) area += hi - lo;
    if (x[i].end < y[j].end)
      ++i;
    else
      ++j;
  }
  return area;
}

// frPoly's first step: the closed polygon's vertices on the 5x grid
// (truncating casts, as pycocotools' C), then every grid point along each
// edge, stepping along the edge's longer axis and rounding the other.
constexpr int kScale = 5;

void WalkEdges(const std::vector<int>& x, const std::vector<int>& y,
               std::vector<int>& u, std::vector<int>& v) {
  for (size_t j = 0; j + 1 < x.size(); ++j) {
    int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const int dx = std::abs(xe - xs), dy = std::abs(ys - ye);
    // Walk from the lower end so that rounding does not depend on the
    // edge's direction, but emit the points in the edge's own order.
    const bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      std::swap(xs, xe);
      std::swap(ys, ye);
    }
    if (dx == 0 && dy == 0) {
      // A repeated vertex: pycocotools computes 0/0 here, but the point it
      // emits sits between two of equal column and is never used.
      u.push_back(xs);
      v.push_back(ys);
      continue;
    }
    if (dx >= dy) {
      const double s = static_cast<double>(ye - ys) / dx;
      for (int d = 0; d <= dx; ++d) {
        const int t = flip ? dx - d : d;
        u.push_back(t + xs);
        v.push_back(static_cast<int>(ys + s * t + .5));
      }
    } else {
      const double s = static_cast<double>(xe - xs) / dy;
      for (int d = 0; d <= dy; ++d) {
        const int t = flip ? dy - d : d;
        v.push_back(t + ys);
        u.push_back(static_cast<int>(xs + s * t + .5));
      }
    }
  }
}

// frPoly's second step: where the walk crosses a column of pixel centers,
// the first pixel row at or below the crossing toggles the mask. Returns
// the toggle positions (column-major indices; h * w possible).
std::vector<uint64_t> Toggles(const std::vector<int>& u,
                              const std::vector<int>& v, uint32_t h,
                              uint32_t w) {
  std::vector<uint64_t> out;
  for (size_t j = 1; j < u.size(); ++j) {
    if (u[j] == u[j - 1]) continue;
    double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + .5) / kScale - .5;
    if (std::floor(xd) != xd || xd < 0 || xd > w - 1.0) continue;
    double yd = std::min(v[j], v[j - 1]);
    yd = (yd + .5) / kScale - .5;
    if (yd < 0) {
      yd = 0;
    } else if (yd > h) {
      yd = h;
    }
    yd = std::ceil(yd);
    out.push_back(static_cast<uint64_t>(xd) * h + static_cast<uint64_t>(yd));
  }
  return out;
}

}  // namespace

absl::StatusOr<Rle> RleFromCounts(uint32_t h, uint32_t w,
                                  std::span<const uint64_t> counts) {
  const uint64_t total = uint64_t{h} * w;
  if (total > kMaxRlePixels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mask size ", h, " x ", w, " exceeds ", kMaxRlePixels, " pixels"));
  }
  Rle out{h, w, {}};
  out.counts.reserve(counts.size());
  uint64_t sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > total - sum) {
      return absl::InvalidArgumentError(
          absl::StrCat("RLE counts exceed h x w = ", total, " at count ", i));
    }
    sum += counts[i];
    out.counts.push_back(static_cast<uint32_t>(counts[i]));
  }
  if (sum != total) {
    return absl::InvalidArgumentError(
        absl::StrCat("RLE counts sum to ", sum, ", not h x w = ", total));
  }
  return out;
}

Rle RleEncode(const uint8_t* mask, uint32_t h, uint32_t w) {
  Rle out{h, w, {}};
  const uint64_t total = uint64_t{h} * w;
  uint8_t value = 0;
  uint32_t run = 0;
  for (uint64_t i = 0; i < total; ++i) {
    const uint8_t bit = mask[i] != 0;
    if (bit != value) {
      out.counts.push_back(run);
      run = 0;
      value = bit;
    }
    ++run;
  }
  out.counts.push_back(run);
  return out;
}

std::vector<uint8_t> RleDecode(const Rle& rle) {
  std::vector<uint8_t> out(uint64_t{rle.h} * rle.w, 0);
  for (const Interval& iv : Ones(rle)) {
    std::fill(out.begin() + iv.begin, out.begin() + iv.end, 1);
  }
  return out;
}

uint64_t RleArea(const Rle& rle) {
  uint64_t area = 0;
  for (size_t i = 1; i < rle.counts.size(); i += 2) area += rle.counts[i];
  return area;
}

std::array<double, 4> RleToBbox(const Rle& rle) {
  // Only whole (0-run, 1-run) pairs count, as in pycocotools.
  const size_t m = rle.counts.size() / 2 * 2;
  if (m == 0 || rle.h == 0) return {0, 0, 0, 0};
  const uint64_t h = rle.h;
  uint64_t xs = rle.w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
  for (size_t j = 0; j < m; ++j) {
    cc += rle.counts[j];
    // The first pixel of a 1-run (j even) or its last one (j odd).
    const uint64_t t = cc - j % 2;
    const uint64_t y = t % h, x = t / h;
    if (j % 2 == 0) {
      xp = x;
    } else if (xp < x) {
      // The run wraps into a later column: every row is covered.
      ys = 0;
      ye = h - 1;
    }
    xs = std::min(xs, x);
    xe = std::max(xe, x);
    ys = std::min(ys, y);
    ye = std::max(ye, y);
  }
  return {static_cast<double>(xs), static_cast<double>(ys),
          static_cast<double>(xe) - static_cast<double>(xs) + 1,
          static_cast<double>(ye) - static_cast<double>(ys) + 1};
}

absl::StatusOr<Rle> RleMerge(std::span<const Rle> rles, bool intersect) {
  if (rles.empty()) return absl::InvalidArgumentError("merge of no masks");
  for (size_t i = 1; i < rles.size(); ++i) {
    if (rles[i].h != rles[0].h || rles[i].w != rles[0].w) {
      return absl::InvalidArgumentError(
          absl::StrCat("mask ", i, " is ", rles[i].h, " x ", rles[i].w,
                       ", mask 0 is ", rles[0].h, " x ", rles[0].w));
    }
  }
  if (rles.size() == 1) return rles[0];
  std::vector<Interval> acc = Ones(rles[0]);
  for (size_t i = 1; i < rles.size(); ++i) {
    acc = Combine(acc, Ones(rles[i]), intersect);
  }
  return FromIntervals(acc, rles[0].h, rles[0].w);
}

double RleIou(const Rle& dt, const Rle& gt, bool gt_crowd) {
  if (dt.h != gt.h || dt.w != gt.w) return 0;
  const uint64_t inter = IntersectionArea(dt, gt);
  const uint64_t da = RleArea(dt);
  const uint64_t uni = gt_crowd ? da : da + RleArea(gt) - inter;
  if (uni == 0) return 0;
  return static_cast<double>(inter) / static_cast<double>(uni);
}

absl::StatusOr<Rle> RleFromPolygon(std::span<const double> xy, uint32_t h,
                                   uint32_t w) {
  if (xy.empty() || xy.size() % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a polygon needs an even, nonzero number of coordinates, not ",
        xy.size()));
  }
  if (uint64_t{h} * w > kMaxRlePixels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mask size ", h, " x ", w, " exceeds ", kMaxRlePixels, " pixels"));
  }
  // Generous for small images too, where border noise exceeds the size.
  const double reach = std::max(64.0, static_cast<double>(std::max(h, w)));
  const size_t k = xy.size() / 2;
  std::vector<int> x(k + 1), y(k + 1);
  for (size_t j = 0; j < xy.size(); ++j) {
    const double c = xy[j];
    const double limit = j % 2 == 0 ? w : h;
    if (!std::isfinite(c) || c < -reach || c > limit + reach) {
      return absl::InvalidArgumentError(
          absl::StrCat("polygon coordinate ", j, " (", c,
                       ") is not finite or lies ", "farther outside the ", w,
                       " x ", h, " image than max(64, its size)"));
    }
    (j % 2 == 0 ? x : y)[j / 2] = static_cast<int>(kScale * c + .5);
  }
  x[k] = x[0];
  y[k] = y[0];
  std::vector<int> u, v;
  WalkEdges(x, y, u, v);
  std::vector<uint64_t> toggles = Toggles(u, v, h, w);
  std::sort(toggles.begin(), toggles.end());
  // Toggles at one position cancel in pairs; one at h * w changes nothing.
  std::vector<Interval> ones;
  const uint64_t total = uint64_t{h} * w;
  bool inside = false;
  uint64_t begin = 0;
  for (size_t i = 0; i < toggles.size();) {
    size_t n = i;
    while (n < toggles.size() && toggles[n] == toggles[i]) ++n;
    const uint64_t pos = toggles[i];
    if ((n - i) % 2 == 1 && pos < total) {
      if (inside)
        Append(ones, begin, pos);
      else
        begin = pos;
      inside = !inside;
    }
    i = n;
  }
  if (inside) Append(ones, begin, total);
  return FromIntervals(ones, h, w);
}

std::string RleToString(const Rle& rle) {
  std::string out;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    // From the fourth count on, the difference to the count two before
    // (the previous run of the same value): small numbers, short chunks.
    int64_t x = rle.counts[i];
    if (i > 2) x -= rle.counts[i - 2];
    bool more = true;
    while (more) {
      int c = static_cast<int>(x & 0x1f);
      x >>= 5;  // arithmetic: negative deltas end in a chunk of sign bits
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      out.push_back(static_cast<char>(c + 48));
    }
  }
  return out;
}

absl::StatusOr<Rle> RleFromString(std::string_view s, uint32_t h, uint32_t w) {
  std::vector<uint64_t> counts;
  size_t p = 0;
  // 12 chunks carry 60 bits: plenty for any 32-bit delta with its sign.
  constexpr int kMaxChunks = 12;
  while (p < s.size()) {
    const size_t start = p;
    int64_t x = 0;
    int k = 0;
    bool more = true;
    while (more) {
      if (p >= s.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "compressed RLE counts end inside the number at offset ", start));
      }
      const int c = static_cast<unsigned char>(s[p]) - 48;
      if (c < 0 || c > 63) {
        return absl::InvalidArgumentError(absl::StrCat(
            "compressed RLE counts have an invalid character at offset ", p));
      }
      if (k >= kMaxChunks) {
        return absl::InvalidArgumentError(absl::StrCat(
            "compressed RLE count at offset ", start, " is too long"));
      }
      x |= static_cast<int64_t>(static_cast<uint64_t>(c & 0x1f) << (5 * k));
      more = (c & 0x20) != 0;
      ++p;
      ++k;
      if (!more && (c & 0x10)) {
        x |= static_cast<int64_t>(~uint64_t{0} << (5 * k));  // sign-extend
      }
    }
    const size_t m = counts.size();
    if (m > 2) x += static_cast<int64_t>(counts[m - 2]);
    if (x < 0 || x > static_cast<int64_t>(kMaxRlePixels)) {
      return absl::InvalidArgumentError(
          absl::StrCat("compressed RLE count ", m, " (offset ", start, ") is ",
                       x, ", outside 0..", kMaxRlePixels));
    }
    counts.push_back(static_cast<uint64_t>(x));
  }
  return RleFromCounts(h, w, counts);
}

}  // namespace slicekit::internal
