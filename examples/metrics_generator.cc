// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "examples/metrics_generator.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/csv.h"

namespace slicekit::examples {
namespace {

// Column positions in MetricsSchema().
enum MetricsColumn {
  kIdCol,
  kDatasetCol,
  kSplitCol,
  kTpCol,
  kFpCol,
  kFnCol,
  kTnCol,
  kPrecisionCol,
  kRecallCol,
  kF1Col,
  kIouCol,
  kConfidenceCol,
};

constexpr int kCountCap = 20;
constexpr absl::string_view kDatasets[8] = {"ds0", "ds1", "ds2", "ds3",
                                            "ds4", "ds5", "ds6", "ds7"};
constexpr absl::string_view kSplits[3] = {"train", "val", "test"};
constexpr size_t kBatchRows = 65536;

uint32_t Low(uint64_t x) { return static_cast<uint32_t>(x); }
uint32_t High(uint64_t x) { return static_cast<uint32_t>(x >> 32); }

// Maps a uniform 32-bit value to a uniform integer in [0, n).
uint32_t Scale(uint32_t u, uint64_t n) {
  return static_cast<uint32_t>((uint64_t{u} * n) >> 32);
}

// splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, full period.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n): the high word of a 64x32-bit product.
  uint32_t Below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }

 private:
  uint64_t state_;
};

// Geometric counts capped at kCountCap, continuing with probability
// num/den: the count is how many of the thresholds floor(2^32 (num/den)^j),
// j = 1..kCountCap, a uniform 32-bit value falls below. Integer-only, so
// identical on every platform.
class CappedGeometric {
 public:
  CappedGeometric(uint64_t num, uint64_t den) {
    uint64_t t = uint64_t{1} << 32;
    for (int j = 0; j < kCountCap; ++j) {
      t = t * num / den;
      thresholds_[j] = t;
    }
  }
  int Draw(uint32_t u) const {
    int k = 0;
    while (k < kCountCap && u < thresholds_[k]) ++k;
    return k;
  }

 private:
  uint64_t thresholds_[kCountCap];
};

// One generated row, before formatting.
struct MetricsRow {
  int dataset;
  int split;
  int tp, fp, fn, tn;
  enum class Iou { kNull, kZero, kValue } iou_kind;
  uint32_t iou_k;         // iou = (iou_k + 0.5) / 1e6 when kValue
  uint32_t confidence_k;  // confidence = (confidence_k + 0.5) / 1e6
};

// round-half-up(num / den * 1e6). REQUIRES: den > 0.
uint64_t RatioMicros(uint64_t num, uint64_t den) {
  return (num * 1000000 + den / 2) / den;
}

class RowGenerator {
 public:
  explicit RowGenerator(uint64_t seed) : rng_(seed) {
    // Dataset weights 840/(i+1) (840 = lcm(1..8)) as cumulative thresholds
    // out of 2^32; the last is 2^32 - 1.
    uint64_t total = 0;
    for (int i = 0; i < 8; ++i) total += 840 / (i + 1);
    uint64_t sum = 0;
    for (int i = 0; i < 8; ++i) {
      sum += 840 / (i + 1);
      dataset_cumulative_[i] = static_cast<uint32_t>(((sum << 32) - 1) / total);
    }
  }

  MetricsRow Next() {
    MetricsRow row;
    uint64_t r = rng_.Next();
    row.dataset = 0;
    while (row.dataset < 7 && Low(r) > dataset_cumulative_[row.dataset]) {
      ++row.dataset;
    }
    const uint32_t bucket = Scale(High(r), 20);  // 14 / 3 / 3 of 20
    row.split = bucket < 14 ? 0 : (bucket < 17 ? 1 : 2);

    r = rng_.Next();
    row.tp = tp_.Draw(Low(r));
    const uint32_t fp_draw = High(r);
    r = rng_.Next();
    // P(fp = 0) = 0.7: floor(0.7 * 2^32).
    row.fp = fp_draw >= 3006477107u
                 ? std::min(kCountCap, 1 + tail_.Draw(Low(r)))
                 : 0;
    const uint32_t fn_draw = High(r);
    r = rng_.Next();
    // P(fn = 0) = 0.6: floor(0.6 * 2^32).
    row.fn = fn_draw >= 2576980377u
                 ? std::min(kCountCap, 1 + tail_.Draw(Low(r)))
                 : 0;
    row.tn = tn_.Draw(High(r));

    r = rng_.Next();
    const uint32_t iou_pick = rng_.Below(100);
    row.iou_k = 0;
    if (iou_pick < 2) {
      row.iou_kind = MetricsRow::Iou::kNull;
    } else if (iou_pick < 5) {
      row.iou_kind = MetricsRow::Iou::kZero;
    } else {
      row.iou_kind = MetricsRow::Iou::kValue;
      const uint32_t a = Scale(Low(r), 1000000);
      const uint32_t b = Scale(High(r), 1000000);
      // 76 of 95: skewed high; the rest: a low tail in [0, 0.5).
      row.iou_k = iou_pick < 81 ? std::max(a, b) : std::min(a, b) / 2;
    }

    r = rng_.Next();
    const uint64_t r2 = rng_.Next();
    const uint32_t a = Scale(Low(r), 1000000);
    const uint32_t b = Scale(High(r), 1000000);
    const uint32_t c = Scale(Low(r2), 1000000);
    const uint32_t confidence_pick = Scale(High(r2), 100);
    row.confidence_k = confidence_pick < 65 ? std::max({a, b, c}) : a;
    return row;
  }

 private:
  SplitMix64 rng_;
  uint32_t dataset_cumulative_[8];
  const CappedGeometric tp_{3, 4};
  const CappedGeometric tail_{1, 2};
  const CappedGeometric tn_{4, 5};
};

// Appends CSV text to a fixed buffer that `sink` drains.
class CsvWriter {
 public:
  static constexpr size_t kCapacity = size_t{1} << 20;
  static constexpr size_t kMaxRowBytes = 256;

  char* Reserve() { return buffer_.get() + size_; }
  void Commit(char* end) { size_ = end - buffer_.get(); }
  bool NeedsFlush() const { return size_ + kMaxRowBytes > kCapacity; }
  absl::string_view Take() {
    absl::string_view out(buffer_.get(), size_);
    size_ = 0;
    return out;
  }

 private:
  std::unique_ptr<char[]> buffer_{new char[kCapacity]};
  size_t size_ = 0;
};

char* Put(char* p, absl::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Writes `value` in decimal with at least `width` digits (zero padded).
char* PutUint(char* p, uint64_t value, int width = 1) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n < width) digits[n++] = '0';
  while (n > 0) *p++ = digits[--n];
  return p;
}

// Writes scaled / 10^digits as "I.FFF" with exactly `digits` decimals.
char* PutFixed(char* p, uint64_t scaled, int digits, uint64_t pow10) {
  p = PutUint(p, scaled / pow10);
  *p++ = '.';
  return PutUint(p, scaled % pow10, digits);
}

char* PutRow(char* p, uint64_t id, const MetricsRow& row) {
  p = Put(p, "dr-");
  p = PutUint(p, id, 8);
  *p++ = ',';
  p = Put(p, kDatasets[row.dataset]);
  *p++ = ',';
  p = Put(p, kSplits[row.split]);
  *p++ = ',';
  for (int count : {row.tp, row.fp, row.fn, row.tn}) {
    p = PutUint(p, static_cast<uint64_t>(count));
    *p++ = ',';
  }
  const uint64_t tp = row.tp, fp = row.fp, fn = row.fn;
  if (tp + fp > 0) p = PutFixed(p, RatioMicros(tp, tp + fp), 6, 1000000);
  *p++ = ',';
  if (tp + fn > 0) p = PutFixed(p, RatioMicros(tp, tp + fn), 6, 1000000);
  *p++ = ',';
  if (tp + fp + fn > 0) {
    p = PutFixed(p, RatioMicros(2 * tp, 2 * tp + fp + fn), 6, 1000000);
  }
  *p++ = ',';
  if (row.iou_kind == MetricsRow::Iou::kZero) {
    *p++ = '0';
  } else if (row.iou_kind == MetricsRow::Iou::kValue) {
    p = PutFixed(p, 10 * uint64_t{row.iou_k} + 5, 7, 10000000);
  }
  *p++ = ',';
  p = PutFixed(p, 10 * uint64_t{row.confidence_k} + 5, 7, 10000000);
  *p++ = '\n';
  return p;
}

// Runs the generator, handing the CSV text to `sink` in pieces.
template <typename Sink>
bool GenerateCsv(uint64_t rows, uint64_t seed, Sink&& sink) {
  RowGenerator generator(seed);
  CsvWriter writer;
  char* p = Put(writer.Reserve(), kMetricsCsvHeader);
  *p++ = '\n';
  writer.Commit(p);
  for (uint64_t id = 1; id <= rows; ++id) {
    if (writer.NeedsFlush() && !sink(writer.Take())) return false;
    writer.Commit(PutRow(writer.Reserve(), id, generator.Next()));
  }
  return sink(writer.Take());
}

// The float32 nearest to num / den. Both divisions round correctly, and for
// these decimals (6 or 7 places) no double lands on a float32 rounding
// boundary, so this equals from_chars<float> of the printed text.
float Ratio(uint64_t num, uint64_t den) {
  return static_cast<float>(static_cast<double>(num) /
                            static_cast<double>(den));
}

void AppendRatio(Batch* batch, int column, uint64_t num, uint64_t den) {
  if (den == 0) {
    batch->AppendNull(column);
  } else {
    batch->AppendFloat(column, Ratio(RatioMicros(num, den), 1000000));
  }
}

}  // namespace

Schema MetricsSchema() {
  // The generator writes exactly the standard columns, in their order; a
  // fixed, valid list, so Create cannot fail.
  absl::StatusOr<Schema> schema = Schema::Create(StandardColumns());
  return *std::move(schema);
}

absl::Status WriteMetricsCsv(uint64_t rows, uint64_t seed, std::FILE* out) {
  const bool ok = GenerateCsv(rows, seed, [out](absl::string_view text) {
    return std::fwrite(text.data(), 1, text.size(), out) == text.size();
  });
  if (!ok || std::fflush(out) != 0) {
    return absl::UnknownError(
        absl::StrCat("cannot write the table: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void WriteMetricsCsv(uint64_t rows, uint64_t seed, std::ostream& out) {
  GenerateCsv(rows, seed, [&out](absl::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return static_cast<bool>(out);
  });
}

absl::StatusOr<Table> GenerateMetricsTable(uint64_t rows, uint64_t seed,
                                           TableOptions options) {
  const Schema schema = MetricsSchema();
  absl::StatusOr<Table> table = Table::Create(schema, options);
  if (!table.ok()) return table.status();
  RowGenerator generator(seed);
  Batch batch(schema);
  batch.Reserve(static_cast<size_t>(std::min<uint64_t>(rows, kBatchRows)));
  char id[32] = "dr-";
  for (uint64_t i = 1; i <= rows; ++i) {
    const MetricsRow row = generator.Next();
    char* id_end = PutUint(id + 3, i, 8);
    batch.AppendString(kIdCol, absl::string_view(id, id_end - id));
    batch.AppendString(kDatasetCol, kDatasets[row.dataset]);
    batch.AppendString(kSplitCol, kSplits[row.split]);
    batch.AppendInt(kTpCol, row.tp);
    batch.AppendInt(kFpCol, row.fp);
    batch.AppendInt(kFnCol, row.fn);
    batch.AppendInt(kTnCol, row.tn);
    const uint64_t tp = row.tp, fp = row.fp, fn = row.fn;
    AppendRatio(&batch, kPrecisionCol, tp, tp + fp);
    AppendRatio(&batch, kRecallCol, tp, tp + fn);
    AppendRatio(&batch, kF1Col, 2 * tp, 2 * tp + fp + fn);
    switch (row.iou_kind) {
      case MetricsRow::Iou::kNull:
        batch.AppendNull(kIouCol);
        break;
      case MetricsRow::Iou::kZero:
        batch.AppendFloat(kIouCol, 0.0f);
        break;
      case MetricsRow::Iou::kValue:
        batch.AppendFloat(kIouCol,
                          Ratio(10 * uint64_t{row.iou_k} + 5, 10000000));
        break;
    }
    batch.AppendFloat(kConfidenceCol,
                      Ratio(10 * uint64_t{row.confidence_k} + 5, 10000000));
    if (batch.num_rows() == kBatchRows || i == rows) {
      absl::Status status = table->Append(batch);
      if (!status.ok()) return status;
      batch.Clear();
    }
  }
  return table;
}

}  // namespace slicekit::examples
