// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slice discovery after SliceLine (Sagadeeva & Boehm, SIGMOD 2021): the
// same score, lattice and pruning, evaluated with group-by passes over
// compact per-feature code arrays instead of sparse matrix products.
//
// Exactness rests on three things: (1) a slice is generated at level L only
// from L slices of level L - 1 that were kept, and a slice is dropped only
// when no subset of it can make the top K (its size is below min_support,
// or its score upper bound is below the K-th score or not positive); (2)
// every slice's error sum is added up in row order, so equal row sets give
// bit-equal sums and scores, whatever path found them; (3) ties are broken
// by a total order (fewer predicates, then filter text).
#include "slicekit/discover.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "slicekit/column_reader.h"
#include "slicekit/scan.h"
#include "src/analysis/error_expr.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

// The metric columns MetricsToTable writes (metrics.h's MetricColumnNames(),
// which this layer may not include; discover_test checks the two agree):
// not features unless asked for.
// clang-format off
constexpr absl::string_view kMetricColumns[] = {
    "tp", "fp", "fn", "tn", "precision", "recall", "f1", "iou", "confidence",
    "min_confidence", "max_confidence", "max_fp_confidence"};
// clang-format on

// A column to slice by: its predicates with support, and how a row's
// value maps to one. A row's raw group is its dictionary code
// (categorical) or bin (numeric), with NULL after the last;
// recode[group] is the group's predicate, or num_values() when it has too
// little support.
struct Feature {
  int column = 0;
  ColumnType type = ColumnType::kCategorical;
  std::string name;
  // Predicates over every value present, before the support threshold.
  int64_t all_predicates = 0;
  // The predicates with support, in value order (NULL last).
  std::vector<Expr> predicates;
  uint32_t num_values() const {
    return static_cast<uint32_t>(predicates.size());
  }
  std::vector<uint32_t> recode;
  std::vector<int64_t> int_cuts;
  std::vector<float> float_cuts;
};

struct Stats {
  int64_t size = 0;
  double sum = 0;
  double max = 0;
};

// (feature, value) of one predicate; a slice is a list of them by feature.
struct Pair {
  uint32_t feature;
  uint32_t value;
  friend bool operator==(const Pair& a, const Pair& b) {
    return a.feature == b.feature && a.value == b.value;
  }
  friend bool operator<(const Pair& a, const Pair& b) {
    return a.feature != b.feature ? a.feature < b.feature : a.value < b.value;
  }
};

// The shortest decimal that binds back to `f` (filters round literals to
// 32-bit floats once): the float's shortest text when reading it as a
// double and rounding gives `f` again, else the double's.
Literal FloatLiteral(float f) {
  char buffer[32];
  const std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof(buffer), f);
  double d = 0;
  std::from_chars(buffer, r.ptr, d);
  if (static_cast<float>(d) == f) return Literal(d);
  return Literal(static_cast<double>(f));
}

Literal ValueLiteral(int64_t v) { return Literal(static_cast<long long>(v)); }
Literal ValueLiteral(float v) { return FloatLiteral(v); }

// Calls fn(k, valid, value) for the k-th considered row of an int,
// categorical (the dictionary code) or float column, in position order,
// batch by batch. `reader` reads just that column; `considered` has a byte
// per position, set only for live rows.
template <typename T, typename Fn>
void ForEachValue(const TableReader& reader,
                  const std::vector<uint8_t>& considered, Fn fn) {
  size_t k = 0;
  reader.ForEachBatch([&](const RowBatch& batch) {
    const ColumnVector& column = batch.column(0);
    const uint8_t* use = considered.data() + batch.first_row();
    auto each = [&](const auto* values) {
      batch.ForEachRow([&](size_t i) {
        if (use[i]) fn(k++, column.IsValid(i), static_cast<T>(values[i]));
      });
    };
    if constexpr (std::is_same_v<T, float>) {
      each(column.floats().data());
    } else {
      each(column.ints().data());
    }
  });
}

// A numeric feature's cuts (int64_t or float); `F` is Feature or const
// Feature.
template <typename T, typename F>
auto& Cuts(F& f) {
  if constexpr (std::is_same_v<T, float>) {
    return f.float_cuts;
  } else {
    return f.int_cuts;
  }
}

// The bin of a value (NULL: after the last).
template <typename T>
uint32_t BinOf(const Feature& f, bool valid, T value) {
  const std::vector<T>& cuts = Cuts<T>(f);
  if (!valid) return static_cast<uint32_t>(cuts.size() + 1);
  return static_cast<uint32_t>(
      std::upper_bound(cuts.begin(), cuts.end(), value) - cuts.begin());
}

// Calls fn(k, raw group) for the k-th considered row: its dictionary code
// (categorical) or bin (numeric), NULL after the last.
template <typename Fn>
void ForEachGroup(const TableReader& reader, const Feature& f,
                  const std::vector<uint8_t>& considered, Fn fn) {
  switch (f.type) {
    case ColumnType::kFloat:
      ForEachValue<float>(reader, considered,
                          [&](size_t k, bool valid, float v) {
                            fn(k, BinOf<float>(f, valid, v));
                          });
      return;
    case ColumnType::kInt:
      ForEachValue<int64_t>(reader, considered,
                            [&](size_t k, bool valid, int64_t v) {
                              fn(k, BinOf<int64_t>(f, valid, v));
                            });
      return;
    default: {
      const uint32_t null_code =
          static_cast<uint32_t>(reader.DictionarySize(0));
      ForEachValue<int64_t>(
          reader, considered, [&](size_t k, bool valid, int64_t code) {
            fn(k, valid ? static_cast<uint32_t>(code) : null_code);
          });
      return;
    }
  }
}

// Equi-depth bins: cuts at the values of rank floor(b * m / bins) among
// the m non-NULL values (b = 1 .. bins - 1), duplicates dropped; a value's
// bin is the number of cuts <= it. Bins are contiguous value ranges, so
// `BETWEEN min AND max` of a bin selects exactly its rows.
template <typename T>
void BinFeature(const TableReader& reader,
                const std::vector<uint8_t>& considered, int bins,
                int64_t min_support, Feature* f) {
  std::vector<T> sorted;
  ForEachValue<T>(reader, considered, [&](size_t, bool valid, T v) {
    if (valid) sorted.push_back(v);
  });
  const size_t m = sorted.size();
  std::vector<T>& cuts = Cuts<T>(*f);
  size_t from = 0;
  for (int b = 1; b < bins && m > 0; ++b) {
    const size_t rank = static_cast<size_t>(b) * m / static_cast<size_t>(bins);
    std::nth_element(sorted.begin() + from, sorted.begin() + rank,
                     sorted.end());
    from = rank;
    if (cuts.empty() || cuts.back() < sorted[rank]) {
      cuts.push_back(sorted[rank]);
    }
  }
  sorted = {};
  const size_t num_bins = cuts.size() + 1;
  std::vector<int64_t> count(num_bins + 1, 0);  // + NULL
  std::vector<T> lo(num_bins), hi(num_bins);
  ForEachValue<T>(reader, considered, [&](size_t, bool valid, T v) {
    const uint32_t b = BinOf<T>(*f, valid, v);
    if (b < num_bins) {
      if (count[b] == 0 || v < lo[b]) lo[b] = v;
      if (count[b] == 0 || hi[b] < v) hi[b] = v;
    }
    ++count[b];
  });
  f->recode.assign(num_bins + 1, 0);
  const Col col(f->name);
  for (size_t b = 0; b <= num_bins; ++b) {
    if (count[b] > 0) ++f->all_predicates;
    if (count[b] < min_support) continue;
    f->recode[b] = f->num_values();
    if (b == num_bins) {
      f->predicates.push_back(col.IsNull());
    } else if (lo[b] == hi[b]) {
      f->predicates.push_back(col == ValueLiteral(lo[b]));
    } else {
      f->predicates.push_back(
          col.Between(ValueLiteral(lo[b]), ValueLiteral(hi[b])));
    }
  }
  for (size_t b = 0; b <= num_bins; ++b) {
    if (count[b] < min_support) f->recode[b] = f->num_values();
  }
}

// Categorical values: one `col = 'v'` predicate per value with support, in
// byte order of the values, `col IS NULL` last.
void RecodeCategorical(const TableReader& reader,
                       const std::vector<uint8_t>& considered,
                       int64_t min_support, Feature* f) {
  const size_t num_strings = reader.DictionarySize(0);
  const auto string = [&](size_t code) {
    return reader.DictionaryString(0, static_cast<int64_t>(code));
  };
  const size_t null_code = num_strings;
  f->recode.assign(num_strings + 1, 0);
  std::vector<int64_t> count(num_strings + 1, 0);
  ForEachGroup(reader, *f, considered,
               [&](size_t, uint32_t group) { ++count[group]; });
  std::vector<size_t> order;
  for (size_t c = 0; c < num_strings; ++c) {
    if (count[c] > 0) ++f->all_predicates;
    if (count[c] >= min_support) order.push_back(c);
  }
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return string(a) < string(b); });
  if (count[null_code] > 0) ++f->all_predicates;
  if (count[null_code] >= min_support) order.push_back(null_code);
  std::vector<uint32_t> index(num_strings + 1, UINT32_MAX);
  for (size_t c : order) {
    index[c] = f->num_values();
    f->predicates.push_back(c == null_code
                                ? Col(f->name).IsNull()
                                : Col(f->name) == std::string(string(c)));
  }
  for (size_t c = 0; c <= num_strings; ++c) {
    f->recode[c] = std::min(index[c], f->num_values());
  }
}

// Dense group-by of one set of `N` features (N = 0: `level` of them):
// lmap[p][code] is the code's share of the key, or `product` for a value
// no candidate uses; acc[product] collects those rows.
template <typename Code, int N, bool kMax>
void DensePass(const Code* const* codes, const uint64_t* const* lmap,
               size_t level, const double* errors, size_t n, uint64_t product,
               Stats* acc) {
  const size_t arity = N > 0 ? N : level;
  for (size_t i = 0; i < n; ++i) {
    uint64_t key = 0;
    for (size_t p = 0; p < arity; ++p) key += lmap[p][codes[p][i]];
    Stats& s = acc[std::min(key, product)];
    ++s.size;
    s.sum += errors[i];
    if constexpr (kMax) s.max = std::max(s.max, errors[i]);
  }
}

// The search over codes of type Code (the narrowest that holds every
// feature's value numbers).
template <typename Code>
class Search {
 public:
  Search(const DiscoverOptions& options, std::vector<Feature> features,
         std::vector<std::vector<Code>> codes, std::vector<double> errors,
         double average)
      : options_(options),
        features_(std::move(features)),
        codes_(std::move(codes)),
        errors_(std::move(errors)),
        n_(static_cast<double>(errors_.size())),
        average_(average),
        // Bounds get a margin for rounding: the error sums of a subset and
        // of its parent are separate sums of up to n terms.
        slack_(std::max(1e-12, n_ * 0x1p-50)) {}

  void Run(DiscoveryStats* stats);
  std::vector<DiscoveredSlice> Result() const;

 private:
  // A slice in the top K.
  struct Found {
    double score;
    std::vector<Pair> pairs;
    Stats stats;
    mutable std::string text;  // built on a tie only
  };

  double Score(const Stats& s) const {
    const double size = static_cast<double>(s.size);
    const double mean = s.sum / size;
    return options_.alpha * (mean / average_ - 1) -
           (1 - options_.alpha) * (n_ / size - 1);
  }

  // The highest score a subset of a slice (size, error sum and largest
  // error `s`) can have with min_support rows or more. A subset of x rows
  // has an error sum of at most min(x * max, sum). Below x = sum / max the
  // score bound rises with x (its error term is constant, its size term
  // falls); above it, it is c / x plus a constant, monotone either way. So
  // over [min_support, size] the maximum is at clamp(sum / max) or at size
  // (SliceLine also probes min_support, which the clamp covers).
  double UpperBound(const Stats& s) const {
    const double lo = static_cast<double>(options_.min_support);
    const double hi = static_cast<double>(s.size);
    if (hi < lo || s.max <= 0) return -std::numeric_limits<double>::infinity();
    double best = -std::numeric_limits<double>::infinity();
    for (double x : {std::clamp(s.sum / s.max, lo, hi), hi}) {
      const double error = std::min(x * s.max, s.sum) / x / average_;
      const double size_term = n_ / x;
      const double score =
          options_.alpha * (error - 1) - (1 - options_.alpha) * (size_term - 1);
      best =
          std::max(best, score + slack_ * (1 + options_.alpha * error +
                                           (1 - options_.alpha) * size_term));
    }
    return best;
  }

  // Whether no slice with this bound can make the result.
  bool Prunable(double bound) const {
    if (bound <= 0) return true;
    return top_.size() == static_cast<size_t>(options_.top_k) &&
           bound < top_.back().score;
  }

  const std::string& Text(const Found& f) const {
    if (f.text.empty()) f.text = Filter(f.pairs).ToString();
    return f.text;
  }
  Expr Filter(const std::vector<Pair>& pairs) const {
    std::vector<Expr> parts;
    for (const Pair& p : pairs) {
      parts.push_back(features_[p.feature].predicates[p.value]);
    }
    return Expr::And(std::move(parts));
  }
  bool Better(const Found& a, const Found& b) const {
    if (a.score != b.score) return a.score > b.score;
    if (a.pairs.size() != b.pairs.size()) {
      return a.pairs.size() < b.pairs.size();
    }
    return Text(a) < Text(b);
  }

  void Offer(const Pair* pairs, size_t level, const Stats& s) {
    if (s.size < options_.min_support) return;
    const double score = Score(s);
    if (!(score > 0)) return;
    const bool full = top_.size() == static_cast<size_t>(options_.top_k);
    if (full && score < top_.back().score) return;
    Found f{score, std::vector<Pair>(pairs, pairs + level), s, {}};
    if (full && !Better(f, top_.back())) return;
    if (full) top_.pop_back();
    auto at = std::upper_bound(
        top_.begin(), top_.end(), f,
        [&](const Found& x, const Found& y) { return Better(x, y); });
    top_.insert(at, std::move(f));
  }

  // Computes the stats of `count` candidates of `level` predicates (their
  // pairs back to back in `pairs`) that share one feature set, in one pass
  // over the rows. Stats::max only when `need_max` (the bounds of a next
  // level need it).
  void EvaluateGroup(const Pair* pairs, size_t count, size_t level,
                     bool need_max, Stats* out);

  // The slices kept at one level of `level` predicates each: their pairs
  // back to back, and their stats.
  struct Frontier {
    std::vector<Pair> pairs;
    std::vector<Stats> stats;
    size_t size() const { return stats.size(); }
  };
  // Level 1: every predicate with support, one pass per feature.
  Frontier FirstLevel(DiscoveryStats::Level* counts);
  // Drops the slices whose subsets cannot make the top K any more.
  void Prune(size_t level, Frontier* frontier) const;
  // The candidates of level + 1 (their pairs back to back): two kept slices
  // that share all but their last predicate, on different last features,
  // when every other parent was kept and the bound may still make the top.
  std::vector<Pair> Candidates(size_t level, const Frontier& frontier,
                               DiscoveryStats::Level* counts) const;
  // Evaluates `candidates` of `width` predicates, one pass per feature set,
  // offers each to the top K and returns those with support.
  Frontier Evaluate(const std::vector<Pair>& candidates, size_t width);

  const DiscoverOptions& options_;
  std::vector<Feature> features_;
  std::vector<std::vector<Code>> codes_;  // per feature, per row
  std::vector<double> errors_;
  double n_;
  double average_;
  double slack_;
  std::vector<Found> top_;  // best first
};

template <typename Code>
void Search<Code>::EvaluateGroup(const Pair* pairs, size_t count, size_t level,
                                 bool need_max, Stats* out) {
  // Per position, the values the candidates use, numbered densely; a row
  // with any other value at a position belongs to no candidate.
  std::vector<std::vector<int32_t>> local(level);
  std::vector<uint64_t> stride(level);
  std::vector<const Code*> codes(level);
  uint64_t product = 1;
  bool fits = true;
  for (size_t p = level; p-- > 0;) {
    const uint32_t f = pairs[p].feature;
    codes[p] = codes_[f].data();
    local[p].assign(features_[f].num_values() + 1, -1);
    int32_t used = 0;
    for (size_t c = 0; c < count; ++c) {
      int32_t& slot = local[p][pairs[c * level + p].value];
      if (slot < 0) slot = used++;
    }
    stride[p] = product;
    if (product > (uint64_t{1} << 62) / static_cast<uint64_t>(used)) {
      fits = false;
    }
    product *= static_cast<uint64_t>(used);
  }
  auto key_of = [&](const Pair* c) {
    uint64_t key = 0;
    for (size_t p = 0; p < level; ++p) {
      key += static_cast<uint64_t>(local[p][c[p].value]) * stride[p];
    }
    return key;
  };
  const size_t n = errors_.size();
  constexpr uint64_t kDenseLimit = uint64_t{1} << 18;
  if (fits && product <= kDenseLimit) {
    std::vector<std::vector<uint64_t>> lmap(level);
    std::vector<const uint64_t*> lmap_ptr(level);
    for (size_t p = 0; p < level; ++p) {
      lmap[p].resize(local[p].size());
      for (size_t v = 0; v < local[p].size(); ++v) {
        lmap[p][v] = local[p][v] < 0
                         ? product
                         : static_cast<uint64_t>(local[p][v]) * stride[p];
      }
      lmap_ptr[p] = lmap[p].data();
    }
    std::vector<Stats> acc(product + 1);
    auto pass = [&](auto arity) {
      constexpr int kArity = decltype(arity)::value;
      (need_max ? DensePass<Code, kArity, true>
                : DensePass<Code, kArity, false>)(codes.data(), lmap_ptr.data(),
                                                  level, errors_.data(), n,
                                                  product, acc.data());
    };
    switch (level) {
      case 1:
        pass(std::integral_constant<int, 1>());
        break;
      case 2:
        pass(std::integral_constant<int, 2>());
        break;
      case 3:
        pass(std::integral_constant<int, 3>());
        break;
      case 4:
        pass(std::integral_constant<int, 4>());
        break;
      default:
        pass(std::integral_constant<int, 0>());
        break;
    }
    for (size_t c = 0; c < count; ++c) out[c] = acc[key_of(pairs + c * level)];
    return;
  }
  auto add = [&](Stats& s, double e) {
    ++s.size;
    s.sum += e;
    s.max = std::max(s.max, e);
  };
  // Sparse: a hash lookup per row whose values are all used. The key is
  // the dense numbering's, or the values themselves when that overflows.
  if (fits) {
    absl::flat_hash_map<uint64_t, int32_t> index;
    for (size_t c = 0; c < count; ++c) {
      index[key_of(pairs + c * level)] = static_cast<int32_t>(c);
    }
    for (size_t i = 0; i < n; ++i) {
      uint64_t key = 0;
      bool ok = true;
      for (size_t p = 0; p < level && ok; ++p) {
        const int32_t v = local[p][codes[p][i]];
        ok = v >= 0;
        key += static_cast<uint64_t>(v) * stride[p];
      }
      if (!ok) continue;
      if (auto it = index.find(key); it != index.end()) {
        add(out[it->second], errors_[i]);
      }
    }
    return;
  }
  absl::flat_hash_map<std::vector<uint32_t>, int32_t> index;
  for (size_t c = 0; c < count; ++c) {
    std::vector<uint32_t> key(level);
    for (size_t p = 0; p < level; ++p) key[p] = pairs[c * level + p].value;
    index[key] = static_cast<int32_t>(c);
  }
  std::vector<uint32_t> key(level);
  for (size_t i = 0; i < n; ++i) {
    for (size_t p = 0; p < level; ++p) key[p] = codes[p][i];
    if (auto it = index.find(key); it != index.end()) {
      add(out[it->second], errors_[i]);
    }
  }
}

template <typename Code>
typename Search<Code>::Frontier Search<Code>::FirstLevel(
    DiscoveryStats::Level* counts) {
  Frontier frontier;
  counts->level = 1;
  for (uint32_t f = 0; f < features_.size(); ++f) {
    const uint32_t num_values = features_[f].num_values();
    if (num_values == 0) continue;
    std::vector<Pair> pairs;
    for (uint32_t v = 0; v < num_values; ++v) pairs.push_back({f, v});
    std::vector<Stats> values(num_values);
    EvaluateGroup(pairs.data(), num_values, 1, options_.max_predicates > 1,
                  values.data());
    for (uint32_t v = 0; v < num_values; ++v) {
      Offer(&pairs[v], 1, values[v]);
      frontier.pairs.push_back(pairs[v]);
      frontier.stats.push_back(values[v]);
    }
    counts->candidates += num_values;
    counts->evaluated += num_values;
  }
  return frontier;
}

template <typename Code>
void Search<Code>::Prune(size_t level, Frontier* frontier) const {
  Frontier kept;
  for (size_t s = 0; s < frontier->size(); ++s) {
    if (Prunable(UpperBound(frontier->stats[s]))) continue;
    kept.pairs.insert(kept.pairs.end(), frontier->pairs.begin() + s * level,
                      frontier->pairs.begin() + (s + 1) * level);
    kept.stats.push_back(frontier->stats[s]);
  }
  *frontier = std::move(kept);
}

template <typename Code>
std::vector<Pair> Search<Code>::Candidates(
    size_t level, const Frontier& frontier,
    DiscoveryStats::Level* counts) const {
  const size_t num_slices = frontier.size();
  // Lexicographic order, so slices sharing all but their last predicate
  // are adjacent.
  std::vector<uint32_t> order(num_slices);
  for (uint32_t s = 0; s < num_slices; ++s) order[s] = s;
  auto pairs_of = [&](uint32_t s) { return frontier.pairs.data() + s * level; };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(pairs_of(a), pairs_of(a) + level,
                                        pairs_of(b), pairs_of(b) + level);
  });
  auto key = [](const Pair* p, size_t len) {
    return absl::string_view(reinterpret_cast<const char*>(p),
                             len * sizeof(Pair));
  };
  absl::flat_hash_map<std::string, uint32_t> index;
  index.reserve(num_slices);
  for (uint32_t s = 0; s < num_slices; ++s) {
    index.emplace(std::string(key(pairs_of(s), level)), s);
  }

  std::vector<Pair> candidates;
  std::vector<Pair> parent(level);
  for (size_t g = 0; g < num_slices;) {
    size_t end = g + 1;
    while (end < num_slices &&
           std::equal(pairs_of(order[g]), pairs_of(order[g]) + level - 1,
                      pairs_of(order[end]))) {
      ++end;
    }
    for (size_t i = g; i < end; ++i) {
      const Pair* a = pairs_of(order[i]);
      for (size_t j = i + 1; j < end; ++j) {
        const Pair* b = pairs_of(order[j]);
        if (a[level - 1].feature == b[level - 1].feature) continue;
        ++counts->candidates;
        // The candidate: a's pairs, then b's last (a later feature).
        Stats bound = frontier.stats[order[i]];
        auto tighten = [&](const Stats& s) {
          bound.size = std::min(bound.size, s.size);
          bound.sum = std::min(bound.sum, s.sum);
          bound.max = std::min(bound.max, s.max);
        };
        tighten(frontier.stats[order[j]]);
        // Every other parent (dropping one of the shared predicates)
        // must have been kept too.
        bool parents = true;
        for (size_t drop = 0; drop + 1 < level && parents; ++drop) {
          size_t k = 0;
          for (size_t p = 0; p < level; ++p) {
            if (p != drop) parent[k++] = a[p];
          }
          parent[k] = b[level - 1];
          auto it = index.find(key(parent.data(), level));
          if (it == index.end()) {
            parents = false;
          } else {
            tighten(frontier.stats[it->second]);
          }
        }
        if (!parents || Prunable(UpperBound(bound))) {
          ++counts->pruned;
          continue;
        }
        candidates.insert(candidates.end(), a, a + level);
        candidates.push_back(b[level - 1]);
      }
    }
    g = end;
  }
  return candidates;
}

template <typename Code>
typename Search<Code>::Frontier Search<Code>::Evaluate(
    const std::vector<Pair>& candidates, size_t width) {
  const size_t num_candidates = candidates.size() / width;
  std::vector<uint32_t> by_features(num_candidates);
  for (uint32_t c = 0; c < num_candidates; ++c) by_features[c] = c;
  auto cand = [&](uint32_t c) { return candidates.data() + c * width; };
  std::sort(by_features.begin(), by_features.end(),
            [&](uint32_t x, uint32_t y) {
              for (size_t p = 0; p < width; ++p) {
                if (cand(x)[p].feature != cand(y)[p].feature) {
                  return cand(x)[p].feature < cand(y)[p].feature;
                }
              }
              return x < y;
            });
  std::vector<Pair> grouped;
  grouped.reserve(candidates.size());
  for (uint32_t c : by_features) {
    grouped.insert(grouped.end(), cand(c), cand(c) + width);
  }
  std::vector<Stats> evaluated(num_candidates);
  for (size_t g = 0; g < num_candidates;) {
    size_t end = g + 1;
    auto same_features = [&](size_t x, size_t y) {
      for (size_t p = 0; p < width; ++p) {
        if (grouped[x * width + p].feature != grouped[y * width + p].feature) {
          return false;
        }
      }
      return true;
    };
    while (end < num_candidates && same_features(g, end)) ++end;
    EvaluateGroup(grouped.data() + g * width, end - g, width,
                  width < static_cast<size_t>(options_.max_predicates),
                  evaluated.data() + g);
    g = end;
  }
  Frontier kept;
  for (size_t c = 0; c < num_candidates; ++c) {
    const Pair* p = grouped.data() + c * width;
    Offer(p, width, evaluated[c]);
    if (evaluated[c].size >= options_.min_support) {
      kept.pairs.insert(kept.pairs.end(), p, p + width);
      kept.stats.push_back(evaluated[c]);
    }
  }
  return kept;
}

template <typename Code>
void Search<Code>::Run(DiscoveryStats* stats) {
  DiscoveryStats::Level first;
  Frontier frontier = FirstLevel(&first);
  stats->levels.push_back(first);
  for (size_t level = 1; level < static_cast<size_t>(options_.max_predicates);
       ++level) {
    Prune(level, &frontier);
    if (frontier.size() < 2) break;
    DiscoveryStats::Level next;
    next.level = static_cast<int>(level + 1);
    const std::vector<Pair> candidates = Candidates(level, frontier, &next);
    frontier = Evaluate(candidates, level + 1);
    next.evaluated = static_cast<int64_t>(candidates.size() / (level + 1));
    stats->levels.push_back(next);
    if (frontier.size() == 0) break;
  }
  for (const DiscoveryStats::Level& l : stats->levels) {
    stats->evaluated += l.evaluated;
  }
}

template <typename Code>
std::vector<DiscoveredSlice> Search<Code>::Result() const {
  std::vector<DiscoveredSlice> out;
  for (const Found& f : top_) {
    DiscoveredSlice s;
    s.filter = Filter(f.pairs);
    s.num_predicates = static_cast<int>(f.pairs.size());
    s.size = f.stats.size;
    s.error_sum = f.stats.sum;
    s.mean_error = f.stats.sum / static_cast<double>(f.stats.size);
    s.max_error = f.stats.max;
    s.score = f.score;
    out.push_back(std::move(s));
  }
  return out;
}

absl::Status CheckOptions(const DiscoverOptions& o) {
  if (o.max_predicates < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_predicates must be at least 1, got ", o.max_predicates));
  }
  if (o.top_k < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("top_k must be at least 1, got ", o.top_k));
  }
  if (o.min_support < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_support must be at least 1, got ", o.min_support));
  }
  if (o.bins < 1 || o.bins > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("bins must be in [1, 1000], got ", o.bins));
  }
  if (!(o.alpha >= 0 && o.alpha <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("alpha must be in [0, 1], got ", o.alpha));
  }
  return absl::OkStatus();
}

// The feature columns: as listed, or the defaults (see discover.h).
absl::StatusOr<std::vector<int>> FeatureColumns(
    const Table& table, const DiscoverOptions& options,
    const std::vector<ColumnRef>& error_columns) {
  const Schema& schema = table.schema();
  std::vector<int> columns;
  if (!options.features.empty()) {
    for (const std::string& name : options.features) {
      // Resolved as a filter would, for the same error messages.
      SLICEKIT_RETURN_IF_ERROR(Bind(Col(name).IsNull(), table).status());
      const int column = *schema.Find(name);
      if (schema.column(column).type == ColumnType::kId) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column '", name, "' (the row id) cannot be a feature"));
      }
      if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature '", name, "' is listed twice"));
      }
      columns.push_back(column);
    }
    return columns;
  }
  for (int c = 0; c < schema.num_columns(); ++c) {
    const ColumnSpec& spec = schema.column(c);
    if (spec.type == ColumnType::kId) continue;
    if (std::find(std::begin(kMetricColumns), std::end(kMetricColumns),
                  spec.name) != std::end(kMetricColumns)) {
      continue;
    }
    if (absl::StrContains(spec.name, "[") && absl::EndsWith(spec.name, "]")) {
      continue;
    }
    bool read_by_error = false;
    for (const ColumnRef& ref : error_columns) {
      read_by_error |= !ref.class_name && ref.name == spec.name;
    }
    if (!read_by_error) columns.push_back(c);
  }
  return columns;
}

}  // namespace

SliceSpec DiscoveredSlice::ToSliceSpec(absl::string_view name) const {
  return SliceSpec{
      std::string(name),
      absl::StrFormat("Discovered: %d rows, mean error %.6g, score %.6g.", size,
                      mean_error, score),
      filter,
      {}};
}

namespace {

absl::StatusOr<DiscoveryResult> Discover(const Table& table,
                                         const DiscoverOptions& options) {
  absl::StatusOr<internal::ErrorExpr> error =
      internal::ErrorExpr::Parse(options.error);
  if (!error.ok()) {
    return absl::Status(
        error.status().code(),
        absl::StrCat("error expression: ", error.status().message()));
  }
  std::vector<double> values;
  std::vector<uint8_t> valid;
  if (absl::Status s = error->Evaluate(table, &values, &valid); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("error expression: ", s.message()));
  }
  // The ids, for the error message below (verified here, where an error
  // can be returned, for a lazily verified table file).
  SLICEKIT_ASSIGN_OR_RETURN(
      const TableReader ids,
      TableReader::Make(table, {table.schema().id_column()}));
  DiscoveryResult result;
  DiscoveryStats& stats = result.stats;
  // The rows considered: live, with an error. Their errors move to the
  // front of `values`, in position order; `valid` marks their positions.
  size_t n = 0;
  for (RowIndex r = 0; r < table.num_rows(); ++r) {
    if (!ids.IsLive(r)) {
      valid[r] = 0;
      continue;
    }
    if (!valid[r]) {
      ++stats.rows_without_error;
      continue;
    }
    const double e = values[r];
    if (!std::isfinite(e) || e < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("error expression '", options.error, "' is ",
                       std::isfinite(e) ? "negative" : "not finite", " (", e,
                       ") for data_row_id '", *ids.GetString(r, 0),
                       "'; discovery needs errors that are finite and >= 0"));
    }
    values[n++] = e;
    stats.total_error += e;
  }
  values.resize(n);
  stats.rows = static_cast<int64_t>(n);

  SLICEKIT_ASSIGN_OR_RETURN(std::vector<int> columns,
                            FeatureColumns(table, options, error->columns()));
  // One reader per feature: each pass below reads one column.
  std::vector<TableReader> readers;
  for (int column : columns) {
    SLICEKIT_ASSIGN_OR_RETURN(TableReader reader,
                              TableReader::Make(table, std::vector{column}));
    readers.push_back(std::move(reader));
  }
  std::vector<Feature> features;
  for (size_t i = 0; i < columns.size(); ++i) {
    const int column = columns[i];
    Feature f;
    f.column = column;
    f.type = table.schema().column(column).type;
    f.name = table.schema().column(column).name;
    if (f.type == ColumnType::kCategorical) {
      RecodeCategorical(readers[i], valid, options.min_support, &f);
    } else if (f.type == ColumnType::kInt) {
      BinFeature<int64_t>(readers[i], valid, options.bins, options.min_support,
                          &f);
    } else {
      BinFeature<float>(readers[i], valid, options.bins, options.min_support,
                        &f);
    }
    stats.features.push_back(f.name);
    stats.predicates += f.all_predicates;
    features.push_back(std::move(f));
  }
  // Conjunctions of up to L predicates on distinct features: the
  // elementary symmetric sums of the features' predicate counts.
  std::vector<double> e(options.max_predicates + 1, 0);
  e[0] = 1;
  for (const Feature& f : features) {
    for (int l = options.max_predicates; l >= 1; --l) {
      e[l] += e[l - 1] * static_cast<double>(f.all_predicates);
    }
  }
  for (int l = 1; l <= options.max_predicates; ++l) {
    stats.brute_force_slices += e[l];
  }

  if (n == 0 || !(stats.total_error > 0)) return result;
  stats.average_error = stats.total_error / static_cast<double>(n);
  // Each row's predicate per feature, in the narrowest type that numbers
  // every feature's predicates and "none".
  uint32_t most = 0;
  for (const Feature& f : features) most = std::max(most, f.num_values());
  auto run = [&](auto code) {
    using Code = decltype(code);
    std::vector<std::vector<Code>> codes;
    for (size_t i = 0; i < features.size(); ++i) {
      const Feature& f = features[i];
      std::vector<Code>& out = codes.emplace_back(n);
      ForEachGroup(readers[i], f, valid, [&](size_t k, uint32_t group) {
        out[k] = static_cast<Code>(f.recode[group]);
      });
    }
    Search<Code> search(options, std::move(features), std::move(codes),
                        std::move(values), stats.average_error);
    search.Run(&stats);
    result.slices = search.Result();
  };
  if (most < UINT8_MAX) {
    run(uint8_t{});
  } else if (most < UINT16_MAX) {
    run(uint16_t{});
  } else {
    run(uint32_t{});
  }
  return result;
}

// A new user's first run often finds nothing: SliceLine's size term,
// (1 - alpha) (n / size - 1), outweighs the error term of a small slice
// on a large table (a slice of 0.8% of 200k rows with 5x the error scores
// below 0 at alpha .95). Rather than an empty list, say so, show the best
// candidates by error (a second search at alpha 1) with their scores and
// the alpha that would rank each.
void ExplainNothingFound(const Table& table, const DiscoverOptions& options,
                         DiscoveryResult* result) {
  const DiscoveryStats& st = result->stats;
  if (st.rows == 0) {
    result->nothing_found = "no live row has an error";
    return;
  }
  if (!(st.total_error > 0)) {
    result->nothing_found = "every row's error is 0: no slice errs more";
    return;
  }
  DiscoverOptions by_error = options;
  by_error.alpha = 1;
  absl::StatusOr<DiscoveryResult> best =
      options.alpha < 1 ? Discover(table, by_error)
                        : absl::StatusOr<DiscoveryResult>(*result);
  const double n = static_cast<double>(st.rows);
  if (best.ok()) {
    for (const DiscoveredSlice& s : best->slices) {
      NearMiss miss;
      miss.slice = s;
      const double e = s.mean_error / st.average_error - 1;
      const double size_term = n / static_cast<double>(s.size) - 1;
      miss.slice.score = options.alpha * e - (1 - options.alpha) * size_term;
      miss.alpha_to_rank = e + size_term > 0 ? size_term / (e + size_term) : 1;
      result->near_misses.push_back(miss);
    }
  }
  if (result->near_misses.empty()) {
    result->nothing_found = absl::StrCat(
        "no slice of at least ", options.min_support,
        " rows (--min-support) has a mean error above the average (",
        st.average_error, "); a lower --min-support admits smaller slices");
    return;
  }
  const NearMiss& top = result->near_misses.front();
  result->nothing_found = absl::StrCat(
      "no slice of at least ", options.min_support,
      " rows scored above zero at alpha ", options.alpha,
      " (SliceLine's size term outweighs the error term); the best by "
      "error, ",
      top.slice.filter.ToString(), " (", top.slice.size, " rows, mean error ",
      top.slice.mean_error, " vs ", st.average_error, " overall), scores ",
      top.slice.score, " and ranks at --alpha above ", top.alpha_to_rank,
      "; a lower --min-support admits smaller slices, which need a higher "
      "alpha still");
}

}  // namespace

absl::StatusOr<DiscoveryResult> DiscoverSlices(const Table& table,
                                               const DiscoverOptions& options) {
  SLICEKIT_RETURN_IF_ERROR(CheckOptions(options));
  SLICEKIT_ASSIGN_OR_RETURN(DiscoveryResult result, Discover(table, options));
  if (result.slices.empty()) ExplainNothingFound(table, options, &result);
  return result;
}

}  // namespace slicekit
