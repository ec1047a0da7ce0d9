// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "tests/testing/reference.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace slicekit::testing {
namespace {

// The reference never reports errors: a filter it cannot evaluate is a bug in
// the test that built it.
[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "slicekit::testing reference: %s\n", message.c_str());
  std::abort();
}

int ColumnIndex(const Table& table, const ColumnRef& ref) {
  if (ref.class_name.has_value()) {
    Die(absl::StrCat("class scopes are not supported (column '", ref.name,
                     "')"));
  }
  std::optional<int> index = table.schema().Find(ref.name);
  if (!index.has_value()) Die(absl::StrCat("unknown column '", ref.name, "'"));
  return *index;
}

template <typename T>
int ThreeWay(const T& a, const T& b) {
  if (a < b) return -1;
  if (b < a) return 1;
  return 0;
}

float LiteralAsFloat(const Literal& literal) {
  switch (literal.kind()) {
    case Literal::Kind::kInt:
      // int64 -> float rounds to nearest (ties to even) on IEEE hardware.
      return static_cast<float>(literal.int_value());
    case Literal::Kind::kDouble:
      return RoundToFloat(literal.double_value());
    case Literal::Kind::kString:
      break;
  }
  Die("a string literal against a float column");
}

bool IsNull(const Table& table, int column, RowIndex row) {
  switch (table.schema().column(column).type) {
    case ColumnType::kFloat:
      return !table.GetFloat(row, column).value().has_value();
    case ColumnType::kInt:
      return !table.GetInt(row, column).value().has_value();
    case ColumnType::kCategorical:
    case ColumnType::kId:
      return !table.GetString(row, column).value().has_value();
  }
  Die("unknown column type");
}

// Returns the three-way comparison of the cell with `literal` in the column's
// semantics, or nullopt when the cell is NULL.
std::optional<int> CompareCell(const Table& table, int column, RowIndex row,
                               const Literal& literal) {
  switch (table.schema().column(column).type) {
    case ColumnType::kFloat: {
      if (!literal.is_number()) Die("a string against a float column");
      std::optional<float> value = table.GetFloat(row, column).value();
      if (!value.has_value()) return std::nullopt;
      return ThreeWay(*value, LiteralAsFloat(literal));
    }
    case ColumnType::kInt: {
      if (!literal.is_number()) Die("a string against an int column");
      std::optional<int64_t> value = table.GetInt(row, column).value();
      if (!value.has_value()) return std::nullopt;
      if (literal.kind() == Literal::Kind::kInt) {
        return ThreeWay(*value, literal.int_value());
      }
      return CompareIntToDouble(*value, literal.double_value());
    }
    case ColumnType::kCategorical:
    case ColumnType::kId: {
      if (!literal.is_string()) Die("a number against a string column");
      std::optional<absl::string_view> value =
          table.GetString(row, column).value();
      if (!value.has_value()) return std::nullopt;
      const int c = BytewiseCompare(*value, literal.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  Die("unknown column type");
}

bool Holds(CompareOp op, int three_way) {
  switch (op) {
    case CompareOp::kEq:
      return three_way == 0;
    case CompareOp::kNe:
      return three_way != 0;
    case CompareOp::kLt:
      return three_way < 0;
    case CompareOp::kLe:
      return three_way <= 0;
    case CompareOp::kGt:
      return three_way > 0;
    case CompareOp::kGe:
      return three_way >= 0;
  }
  Die("unknown comparison operator");
}

Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

Truth KleeneNot(Truth t) {
  switch (t) {
    case Truth::kTrue:
      return Truth::kFalse;
    case Truth::kFalse:
      return Truth::kTrue;
    case Truth::kUnknown:
      return Truth::kUnknown;
  }
  return Truth::kUnknown;
}

// FALSE beats UNKNOWN beats TRUE.
Truth KleeneAnd(Truth a, Truth b) {
  if (a == Truth::kFalse || b == Truth::kFalse) return Truth::kFalse;
  if (a == Truth::kUnknown || b == Truth::kUnknown) return Truth::kUnknown;
  return Truth::kTrue;
}

// TRUE beats UNKNOWN beats FALSE.
Truth KleeneOr(Truth a, Truth b) {
  if (a == Truth::kTrue || b == Truth::kTrue) return Truth::kTrue;
  if (a == Truth::kUnknown || b == Truth::kUnknown) return Truth::kUnknown;
  return Truth::kFalse;
}

// Returns -1/0/1 comparing the non-NULL cells of two rows in one column.
int CompareCells(const Table& table, int column, RowIndex a, RowIndex b) {
  switch (table.schema().column(column).type) {
    case ColumnType::kFloat:
      return ThreeWay(*table.GetFloat(a, column).value(),
                      *table.GetFloat(b, column).value());
    case ColumnType::kInt:
      return ThreeWay(*table.GetInt(a, column).value(),
                      *table.GetInt(b, column).value());
    case ColumnType::kCategorical:
    case ColumnType::kId: {
      const int c = BytewiseCompare(*table.GetString(a, column).value(),
                                    *table.GetString(b, column).value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  Die("unknown column type");
}

// ---- Random data helpers ----

// Uniform in [0, n); n > 0. Modulo bias is irrelevant here, and unlike
// std::uniform_int_distribution the sequence is the same on every standard
// library, so a seed replays everywhere.
uint64_t Uniform(std::mt19937_64& rng, uint64_t n) { return rng() % n; }
bool OneIn(std::mt19937_64& rng, uint64_t n) { return Uniform(rng, n) == 0; }
// True with probability `p` in [0, 1].
bool Chance(std::mt19937_64& rng, double p) {
  return static_cast<double>(rng() >> 11) * 0x1p-53 < p;
}
template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& values) {
  return values[Uniform(rng, values.size())];
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15u;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kTwo40 = int64_t{1} << 40;

const std::vector<float>& FloatDomain() {
  static const auto* const kValues = new std::vector<float>{
      0.0f,     0.25f, 0.5f,   0.8f,    1.0f,        -3.5f,  1e-7f,
      -0.0f,    0.1f,  0.3f,   100.0f,  16777216.0f, 1e-40f, FLT_MAX,
      -FLT_MAX, 3.27f, -0.25f, 1234.5f, FLT_MIN,     2.0f};
  return *kValues;
}

const std::vector<int64_t>& IntDomain() {
  static const auto* const kValues = new std::vector<int64_t>{0,
                                                              1,
                                                              2,
                                                              3,
                                                              -1,
                                                              -2,
                                                              5,
                                                              7,
                                                              127,
                                                              128,
                                                              255,
                                                              256,
                                                              -128,
                                                              -129,
                                                              65535,
                                                              65536,
                                                              2147483647,
                                                              2147483648,
                                                              -2147483649,
                                                              4294967296,
                                                              kTwo40,
                                                              -kTwo40,
                                                              kTwo40 + 1,
                                                              kInt64Max,
                                                              kInt64Min,
                                                              kInt64Max - 1,
                                                              kInt64Min + 1};
  return *kValues;
}

// Strings of the `split` column and the small part of `dataset`: the empty
// string, non-ASCII (UTF-8 and a lone 0xff byte), an embedded NUL, and case
// variants, so byte-wise order differs from any locale's.
const std::vector<std::string>& StringDomain() {
  static const auto* const kValues = new std::vector<std::string>{
      "train",    "val",  "test", "",
      "\xc3\xa9", "\xff", "Car",  std::string("a\0b", 3)};
  return *kValues;
}

// Strings that RandomBatch() only stores with `new_strings`, and which
// RandomExpr() uses as literals: absent from a table until then.
const std::vector<std::string>& NewStrings() {
  static const auto* const kValues =
      new std::vector<std::string>{"bus", "zzz", "ds9999", "trainx"};
  return *kValues;
}

// Strings never stored, plus some that only appear with `new_strings`.
const std::vector<std::string>& AbsentStrings() {
  static const auto* const kValues =
      new std::vector<std::string>{"bus",    "zzz",    "tra",
                                   "trainx", "ds9999", "\x7f",
                                   "ds",     "a",      std::string("a\0", 2),
                                   "\xc3",   "ds5999", "Val"};
  return *kValues;
}

std::string DatasetName(uint64_t k) { return absl::StrCat("ds", k); }

enum class NullProfile { kNever, kSometimes, kMostly };
enum class Mode { kRandom, kConstant, kAscending, kDescending, kAllNull };

struct Stretch {
  size_t length;
  Mode mode;
  double null_rate;
};

size_t StretchLength(std::mt19937_64& rng) {
  switch (Uniform(rng, 10)) {
    case 0:
    case 1:
    case 2:
      return 1 + Uniform(rng, 8);
    case 3:
    case 4:
    case 5:
      return 16 + Uniform(rng, 200);
    case 6:
    case 7:
    case 8:
      // Often exactly a small chunk, so whole chunks are constant, sorted or
      // NULL (when the stretches happen to line up).
      return size_t{64} << Uniform(rng, 3);
    default:
      return 1000 + Uniform(rng, 3000);
  }
}

Stretch NextStretch(std::mt19937_64& rng, NullProfile profile) {
  Stretch s;
  s.length = StretchLength(rng);
  const Mode modes[] = {Mode::kRandom, Mode::kRandom, Mode::kConstant,
                        Mode::kAscending, Mode::kDescending};
  s.mode = modes[Uniform(rng, 5)];
  s.null_rate = 0;
  switch (profile) {
    case NullProfile::kNever:
      break;
    case NullProfile::kSometimes: {
      if (OneIn(rng, 10)) s.mode = Mode::kAllNull;
      const double rates[] = {0, 0, 0.05, 0.5};
      s.null_rate = rates[Uniform(rng, 4)];
      break;
    }
    case NullProfile::kMostly:
      if (Uniform(rng, 10) < 7) s.mode = Mode::kAllNull;
      s.null_rate = 0.3;
      break;
  }
  return s;
}

// Returns `rows` values in stretches: per stretch, `start(mode)` makes its
// state and `make(mode, index_in_stretch, state)` each value; NULL (nullopt)
// per the stretch's mode and NULL rate.
template <typename T, typename StartFn, typename MakeFn>
std::vector<std::optional<T>> GenerateColumn(std::mt19937_64& rng, size_t rows,
                                             NullProfile profile, StartFn start,
                                             MakeFn make) {
  std::vector<std::optional<T>> out;
  out.reserve(rows);
  while (out.size() < rows) {
    const Stretch s = NextStretch(rng, profile);
    const size_t n = std::min(s.length, rows - out.size());
    auto state = start(s.mode);
    for (size_t i = 0; i < n; ++i) {
      if (s.mode == Mode::kAllNull || Chance(rng, s.null_rate)) {
        out.push_back(std::nullopt);
      } else {
        out.push_back(make(s.mode, i, state));
      }
    }
  }
  return out;
}

std::vector<std::optional<float>> GenerateFloats(std::mt19937_64& rng,
                                                 size_t rows,
                                                 NullProfile profile) {
  auto random_value = [&rng]() -> float {
    if (OneIn(rng, 2)) return Pick(rng, FloatDomain());
    // Two decimals in [-10, 10]: a literal with the same text hits it.
    return static_cast<float>(static_cast<double>(Uniform(rng, 2001)) / 100.0 -
                              10.0);
  };
  struct State {
    float constant;
    double start;
    double step;
  };
  auto start = [&](Mode) {
    return State{random_value(),
                 static_cast<double>(Uniform(rng, 2001)) / 100.0 - 10.0,
                 static_cast<double>(1 + Uniform(rng, 100)) / 64.0};
  };
  auto make = [&](Mode mode, size_t i, const State& st) -> float {
    switch (mode) {
      case Mode::kConstant:
        return st.constant;
      case Mode::kAscending:
        return static_cast<float>(st.start + static_cast<double>(i) * st.step);
      case Mode::kDescending:
        return static_cast<float>(st.start - static_cast<double>(i) * st.step);
      default:
        return random_value();
    }
  };
  return GenerateColumn<float>(rng, rows, profile, start, make);
}

std::vector<std::optional<int64_t>> GenerateInts(std::mt19937_64& rng,
                                                 size_t rows,
                                                 NullProfile profile) {
  auto random_value = [&rng]() -> int64_t {
    switch (Uniform(rng, 20)) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        return Pick(rng, IntDomain());
      case 5:
      case 6:
      case 7: {
        // Wide values in a narrow band: a chunk of them fits a narrow width
        // only relative to its minimum.
        const std::vector<int64_t> bases = {kTwo40, -kTwo40, kInt64Max - 1000,
                                            kInt64Min, 1000000};
        return Pick(rng, bases) + static_cast<int64_t>(Uniform(rng, 1000));
      }
      default:
        return static_cast<int64_t>(Uniform(rng, 11)) - 3;
    }
  };
  struct State {
    int64_t constant;
    int64_t start;
    int64_t step;
  };
  auto start = [&](Mode mode) {
    State st{random_value(), 0, static_cast<int64_t>(1 + Uniform(rng, 3))};
    // Starts chosen so that a stretch (< 4000 rows, step <= 3) never
    // overflows.
    if (mode == Mode::kAscending) {
      const std::vector<int64_t> starts = {-20,   0,      3,        250,
                                           65530, kTwo40, kInt64Min};
      st.start = Pick(rng, starts);
    } else {
      const std::vector<int64_t> starts = {20,    7,       0,        260,
                                           65540, -kTwo40, kInt64Max};
      st.start = Pick(rng, starts);
    }
    return st;
  };
  auto make = [&](Mode mode, size_t i, const State& st) -> int64_t {
    switch (mode) {
      case Mode::kConstant:
        return st.constant;
      case Mode::kAscending:
        return st.start + static_cast<int64_t>(i) * st.step;
      case Mode::kDescending:
        return st.start - static_cast<int64_t>(i) * st.step;
      default:
        return random_value();
    }
  };
  return GenerateColumn<int64_t>(rng, rows, profile, start, make);
}

std::vector<std::optional<std::string>> GenerateStrings(std::mt19937_64& rng,
                                                        size_t rows,
                                                        NullProfile profile,
                                                        bool many_distinct,
                                                        bool new_strings) {
  auto random_value = [&]() -> std::string {
    if (new_strings && OneIn(rng, 10)) return Pick(rng, NewStrings());
    if (many_distinct && OneIn(rng, 2)) return DatasetName(Uniform(rng, 600));
    return Pick(rng, StringDomain());
  };
  // Sorted (byte-wise) values for ascending and descending stretches.
  std::vector<std::string> sorted = StringDomain();
  if (many_distinct) {
    for (int k = 0; k < 600; k += 7) sorted.push_back(DatasetName(k));
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) {
              return BytewiseCompare(a, b) < 0;
            });
  struct State {
    std::string constant;
    size_t length;
  };
  auto start = [&](Mode) {
    return State{random_value(), 1 + Uniform(rng, 500)};
  };
  auto make = [&](Mode mode, size_t i, const State& st) -> std::string {
    switch (mode) {
      case Mode::kConstant:
        return st.constant;
      case Mode::kAscending:
        return sorted[std::min(i * sorted.size() / st.length,
                               sorted.size() - 1)];
      case Mode::kDescending:
        return sorted[sorted.size() - 1 -
                      std::min(i * sorted.size() / st.length,
                               sorted.size() - 1)];
      default:
        return random_value();
    }
  };
  return GenerateColumn<std::string>(rng, rows, profile, start, make);
}

Literal RandomFloatLiteral(std::mt19937_64& rng) {
  switch (Uniform(rng, 20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
      // The exact stored value.
      return Literal(static_cast<double>(Pick(rng, FloatDomain())));
    case 8:
    case 9:
    case 10: {
      // Decimal text of stored values: rounds to them.
      const std::vector<double> decimals = {
          0.8, 0.1, 0.3, 1e-7, 3.27, 1e-40, -0.25, 0.30000001192092896};
      return Literal(Pick(rng, decimals));
    }
    case 11:
    case 12:
    case 13:
    case 14:
      return Literal(static_cast<double>(Uniform(rng, 2001)) / 100.0 - 10.0);
    case 15:
    case 16: {
      const std::vector<int64_t> ints = {
          0, 1, -3, 2, 100, 16777217, kTwo40, kInt64Max, kInt64Min};
      return Literal(Pick(rng, ints));
    }
    default: {
      // Beyond float's range (round to +/-FLT_MAX or +/-infinity) and below
      // its precision.
      const std::vector<double> extremes = {
          1e300,
          -1e300,
          3.5e38,
          -3.5e38,
          static_cast<double>(FLT_MAX),
          static_cast<double>(FLT_MAX) + 0x1p100,
          -(static_cast<double>(FLT_MAX) + 0x1p100),
          1e-45,
          -1e-45,
          5e-324};
      return Literal(Pick(rng, extremes));
    }
  }
}

Literal RandomIntLiteral(std::mt19937_64& rng) {
  switch (Uniform(rng, 20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
      return Literal(static_cast<int64_t>(Uniform(rng, 13)) - 4);
    case 7:
    case 8:
    case 9:
    case 10:
      return Literal(Pick(rng, IntDomain()));
    case 11: {
      const std::vector<int64_t> bases = {kTwo40, -kTwo40, kInt64Max - 1000,
                                          kInt64Min, 1000000};
      return Literal(Pick(rng, bases) +
                     static_cast<int64_t>(Uniform(rng, 1000)));
    }
    case 12:
    case 13:
    case 14:
    case 15:
    case 16: {
      // Fractional: `fp > 1.5` is `fp >= 2`, `fp = 2.5` never holds. 2.0 is
      // the same literal as 2.
      const std::vector<double> fractions = {
          1.5,       -0.5,  2.5,     0.999,        -3.5,          2.0,
          7.0000001, 255.5, 65535.5, 0x1p40 + 0.5, -0x1p40 - 0.5, 0.5};
      return Literal(Pick(rng, fractions));
    }
    default: {
      // Past int64's range, and the tiniest doubles.
      const std::vector<double> huge = {9.3e18,  -9.3e18,        1e300, -1e300,
                                        0x1p63,  -0x1p63,        1e19,  5e-324,
                                        -5e-324, 0x1p62 + 0x1p10};
      return Literal(Pick(rng, huge));
    }
  }
}

Literal RandomStringLiteral(std::mt19937_64& rng) {
  switch (Uniform(rng, 20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
      return Literal(Pick(rng, StringDomain()));
    case 11:
    case 12:
    case 13:
    case 14:
      return Literal(DatasetName(Uniform(rng, 600)));
    default:
      return Literal(Pick(rng, AbsentStrings()));
  }
}

Literal RandomIdLiteral(std::mt19937_64& rng) {
  if (Uniform(rng, 10) < 6) return Literal(RandomRowId(Uniform(rng, 2500)));
  const std::vector<std::string> ids = {"",         "a", "b", "b/", "Z",
                                        "\xc3\xa9", "1", "5", "a1", "\xff"};
  return Literal(Pick(rng, ids));
}

Literal RandomLiteral(std::mt19937_64& rng, ColumnType type) {
  switch (type) {
    case ColumnType::kFloat:
      return RandomFloatLiteral(rng);
    case ColumnType::kInt:
      return RandomIntLiteral(rng);
    case ColumnType::kCategorical:
      return RandomStringLiteral(rng);
    case ColumnType::kId:
      return RandomIdLiteral(rng);
  }
  Die("unknown column type");
}

Expr RandomLeaf(std::mt19937_64& rng, const Schema& schema) {
  if (OneIn(rng, 25)) return OneIn(rng, 2) ? Expr::True() : Expr::False();
  int column;
  if (OneIn(rng, 12)) {
    column = schema.id_column();
  } else {
    do {
      column = static_cast<int>(Uniform(rng, schema.num_columns()));
    } while (column == schema.id_column() && schema.num_columns() > 1);
  }
  const ColumnSpec& spec = schema.column(column);
  ColumnRef ref{spec.name, std::nullopt};
  const uint64_t r = Uniform(rng, 100);
  if (r < 45) {
    const CompareOp ops[] = {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt,
                             CompareOp::kLe, CompareOp::kGt, CompareOp::kGe};
    return Expr::Compare(ref, ops[Uniform(rng, 6)],
                         RandomLiteral(rng, spec.type));
  }
  if (r < 62) {
    Literal low = RandomLiteral(rng, spec.type);
    // Sometimes a one-value range; otherwise independent bounds, so about
    // half the ranges are empty.
    Literal high = OneIn(rng, 6) ? low : RandomLiteral(rng, spec.type);
    return Expr::Between(ref, low, high, /*negated=*/OneIn(rng, 3));
  }
  if (r < 82) {
    std::vector<Literal> values;
    const uint64_t n = 1 + Uniform(rng, 6);
    for (uint64_t i = 0; i < n; ++i) {
      values.push_back(RandomLiteral(rng, spec.type));
    }
    return Expr::In(ref, std::move(values), /*negated=*/OneIn(rng, 3));
  }
  return Expr::IsNull(ref, /*negated=*/OneIn(rng, 2));
}

}  // namespace

const char* TruthName(Truth truth) {
  switch (truth) {
    case Truth::kFalse:
      return "FALSE";
    case Truth::kTrue:
      return "TRUE";
    case Truth::kUnknown:
      return "UNKNOWN";
  }
  return "?";
}

int BytewiseCompare(absl::string_view a, absl::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  // memcmp compares as unsigned char.
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return ThreeWay(a.size(), b.size());
}

int CompareIntToDouble(int64_t value, double literal) {
  if (!std::isfinite(literal)) Die("a non-finite literal");
  // Every int64 is below 2^63 and at least -2^63.
  if (literal >= 0x1p63) return -1;
  if (literal < -0x1p63) return 1;
  // Now floor(literal) is in [-2^63, 2^63) and converts exactly.
  const double floor = std::floor(literal);
  const int64_t whole = static_cast<int64_t>(floor);
  if (value < whole) return -1;
  if (value > whole) return 1;
  // value == floor(literal) <= literal.
  return floor == literal ? 0 : -1;
}

float RoundToFloat(double value) {
  if (std::isnan(value)) Die("a NaN literal");
  // Halfway between FLT_MAX and 2^128: from here on IEEE rounds to infinity
  // (the tie goes to the even neighbour, infinity).
  constexpr double kOverflow = 0x1.ffffffp127;
  if (value >= kOverflow) return std::numeric_limits<float>::infinity();
  if (value <= -kOverflow) return -std::numeric_limits<float>::infinity();
  if (value > FLT_MAX) return FLT_MAX;
  if (value < -FLT_MAX) return -FLT_MAX;
  return static_cast<float>(value);
}

Truth EvaluateRow(const Table& table, const Expr& expr, RowIndex row,
                  const SliceResolver* resolver) {
  switch (expr.kind()) {
    case Expr::Kind::kTrue:
      return Truth::kTrue;
    case Expr::Kind::kFalse:
      return Truth::kFalse;
    case Expr::Kind::kCompare: {
      const int column = ColumnIndex(table, expr.column());
      std::optional<int> c = CompareCell(table, column, row, expr.value());
      if (!c.has_value()) return Truth::kUnknown;
      return FromBool(Holds(expr.op(), *c));
    }
    case Expr::Kind::kBetween: {
      // x BETWEEN a AND b is x >= a AND x <= b.
      const int column = ColumnIndex(table, expr.column());
      std::optional<int> low = CompareCell(table, column, row, expr.low());
      std::optional<int> high = CompareCell(table, column, row, expr.high());
      if (!low.has_value() || !high.has_value()) return Truth::kUnknown;
      const bool inside = *low >= 0 && *high <= 0;
      return FromBool(inside != expr.negated());
    }
    case Expr::Kind::kIn: {
      // x IN (a, b) is x = a OR x = b. A non-NULL x gives TRUE or FALSE.
      const int column = ColumnIndex(table, expr.column());
      if (expr.values().empty()) Die("an empty IN list");
      bool found = false;
      for (const Literal& value : expr.values()) {
        std::optional<int> c = CompareCell(table, column, row, value);
        if (!c.has_value()) return Truth::kUnknown;
        found = found || *c == 0;
      }
      return FromBool(found != expr.negated());
    }
    case Expr::Kind::kIsNull: {
      const int column = ColumnIndex(table, expr.column());
      return FromBool(IsNull(table, column, row) != expr.negated());
    }
    case Expr::Kind::kAnd: {
      Truth result = Truth::kTrue;
      for (const Expr& child : expr.children()) {
        result = KleeneAnd(result, EvaluateRow(table, child, row, resolver));
      }
      return result;
    }
    case Expr::Kind::kOr: {
      Truth result = Truth::kFalse;
      for (const Expr& child : expr.children()) {
        result = KleeneOr(result, EvaluateRow(table, child, row, resolver));
      }
      return result;
    }
    case Expr::Kind::kNot:
      return KleeneNot(
          EvaluateRow(table, expr.children().at(0), row, resolver));
    case Expr::Kind::kInSlice: {
      if (resolver == nullptr) Die("IN SLICE without a resolver");
      absl::StatusOr<ResolvedSlice> slice = resolver->Resolve(expr.slice());
      if (!slice.ok()) Die("IN SLICE does not resolve");
      return FromBool(EvaluateRow(table, slice->filter, row, resolver) ==
                      Truth::kTrue);
    }
  }
  Die("unknown expression kind");
}

void ReferenceClassify(const Table& table, const Expr& expr,
                       Selection* true_rows, Selection* unknown_rows,
                       const SliceResolver* resolver) {
  *true_rows = Selection(table.num_rows());
  *unknown_rows = Selection(table.num_rows());
  for (size_t row = 0; row < table.num_rows(); ++row) {
    const RowIndex r = static_cast<RowIndex>(row);
    if (!table.IsLive(r)) continue;
    switch (EvaluateRow(table, expr, r, resolver)) {
      case Truth::kTrue:
        true_rows->Add(r);
        break;
      case Truth::kUnknown:
        unknown_rows->Add(r);
        break;
      case Truth::kFalse:
        break;
    }
  }
}

Selection ReferenceFilter(const Table& table, const Expr& expr,
                          const SliceResolver* resolver) {
  Selection true_rows, unknown_rows;
  ReferenceClassify(table, expr, &true_rows, &unknown_rows, resolver);
  return true_rows;
}

Selection ReferenceUnknown(const Table& table, const Expr& expr,
                           const SliceResolver* resolver) {
  Selection true_rows, unknown_rows;
  ReferenceClassify(table, expr, &true_rows, &unknown_rows, resolver);
  return unknown_rows;
}

std::vector<RowIndex> ReferenceOrder(const Table& table,
                                     const Selection& selection,
                                     const OrderBy& order, size_t offset,
                                     std::optional<size_t> limit) {
  const int column = ColumnIndex(table, ColumnRef{order.column, std::nullopt});
  std::vector<RowIndex> rows;
  selection.ForEach([&](RowIndex row) {
    if (row < table.num_rows() && table.IsLive(row)) rows.push_back(row);
  });
  std::stable_sort(rows.begin(), rows.end(), [&](RowIndex a, RowIndex b) {
    const bool a_null = IsNull(table, column, a);
    const bool b_null = IsNull(table, column, b);
    if (a_null != b_null) return b_null;  // NULLs last in both directions.
    if (!a_null) {
      const int c = CompareCells(table, column, a, b);
      if (c != 0) return order.descending ? c > 0 : c < 0;
    }
    return BytewiseCompare(table.RowId(a).value(), table.RowId(b).value()) < 0;
  });
  if (offset >= rows.size()) return {};
  rows.erase(rows.begin(), rows.begin() + static_cast<ptrdiff_t>(offset));
  if (limit.has_value() && *limit < rows.size()) rows.resize(*limit);
  return rows;
}

Schema RandomTableSchema() {
  absl::StatusOr<Schema> schema = Schema::Create({
      {"confidence", ColumnType::kFloat},
      {"fp", ColumnType::kInt},
      {std::string(kDataRowIdColumn), ColumnType::kId},
      {"split", ColumnType::kCategorical},
      {"iou", ColumnType::kFloat},
      {"tp", ColumnType::kInt},
      {"dataset", ColumnType::kCategorical},
      {"recall", ColumnType::kFloat},
      {"tn", ColumnType::kInt},
  });
  if (!schema.ok()) Die(std::string(schema.status().message()));
  return *std::move(schema);
}

std::string RandomRowId(uint64_t serial) {
  // Prefixes hold no digits, so prefix + decimal serial is unique.
  static const char* const kPrefixes[] = {"", "a", "b/", "Z", "\xc3\xa9"};
  return absl::StrCat(kPrefixes[SplitMix64(serial) % 5], serial);
}

Batch RandomBatch(std::mt19937_64& rng, size_t rows, uint64_t first_serial,
                  bool new_strings) {
  const Schema schema = RandomTableSchema();
  Batch batch(schema);
  batch.Reserve(rows);
  for (int c = 0; c < schema.num_columns(); ++c) {
    const ColumnSpec& spec = schema.column(c);
    if (spec.type == ColumnType::kId) {
      for (size_t i = 0; i < rows; ++i) {
        batch.AppendString(c, RandomRowId(first_serial + i));
      }
      continue;
    }
    NullProfile profile = NullProfile::kSometimes;
    if (spec.name == "split" || spec.name == "iou" || spec.name == "tp") {
      profile = NullProfile::kNever;
    } else if (spec.name == "recall" || spec.name == "tn") {
      profile = NullProfile::kMostly;
    }
    switch (spec.type) {
      case ColumnType::kFloat:
        for (const std::optional<float>& v :
             GenerateFloats(rng, rows, profile)) {
          v.has_value() ? batch.AppendFloat(c, *v) : batch.AppendNull(c);
        }
        break;
      case ColumnType::kInt:
        for (const std::optional<int64_t>& v :
             GenerateInts(rng, rows, profile)) {
          v.has_value() ? batch.AppendInt(c, *v) : batch.AppendNull(c);
        }
        break;
      case ColumnType::kCategorical:
        for (const std::optional<std::string>& v : GenerateStrings(
                 rng, rows, profile,
                 /*many_distinct=*/spec.name == "dataset", new_strings)) {
          v.has_value() ? batch.AppendString(c, *v) : batch.AppendNull(c);
        }
        break;
      case ColumnType::kId:
        break;
    }
  }
  return batch;
}

absl::Status AppendRandomRows(std::mt19937_64& rng, Table& table, size_t rows,
                              bool new_strings) {
  const size_t batches = 1 + Uniform(rng, 4);
  size_t left = rows;
  for (size_t b = 0; b < batches && left > 0; ++b) {
    const size_t n = b + 1 == batches ? left : Uniform(rng, left + 1);
    if (n == 0) continue;
    // Positions are never reused, so serials from num_rows() are new ids.
    absl::Status status =
        table.Append(RandomBatch(rng, n, table.num_rows(), new_strings));
    if (!status.ok()) return status;
    left -= n;
  }
  return absl::OkStatus();
}

absl::Status DeleteRandomRows(std::mt19937_64& rng, Table& table) {
  const size_t n = table.num_rows();
  if (n == 0) return absl::OkStatus();
  std::vector<std::string> ids;
  auto maybe_delete = [&](size_t row) {
    const RowIndex r = static_cast<RowIndex>(row);
    if (table.IsLive(r)) ids.emplace_back(table.RowId(r).value());
  };
  switch (Uniform(rng, 5)) {
    case 0:
      break;
    case 1:
    case 2: {
      const double rate = OneIn(rng, 2) ? 0.03 : 0.5;
      for (size_t row = 0; row < n; ++row) {
        if (Chance(rng, rate)) maybe_delete(row);
      }
      break;
    }
    default: {
      // A contiguous range, often from a chunk boundary and a few chunks
      // long, so whole chunks can be deleted.
      const size_t chunk = table.options().chunk_rows;
      size_t begin = Uniform(rng, n);
      if (OneIn(rng, 2)) begin -= begin % chunk;
      const size_t length = 1 + Uniform(rng, 3 * chunk);
      for (size_t row = begin; row < std::min(n, begin + length); ++row) {
        maybe_delete(row);
      }
      break;
    }
  }
  if (ids.empty()) return absl::OkStatus();
  return table.Delete(ids);
}

Table RandomTable(std::mt19937_64& rng, size_t rows, TableOptions options) {
  absl::StatusOr<Table> table = Table::Create(RandomTableSchema(), options);
  if (!table.ok()) Die(std::string(table.status().message()));
  absl::Status status = AppendRandomRows(rng, *table, rows);
  if (status.ok()) status = DeleteRandomRows(rng, *table);
  if (!status.ok()) Die(std::string(status.message()));
  return *std::move(table);
}

Expr RandomExpr(std::mt19937_64& rng, const Schema& schema, int depth) {
  if (depth <= 0) return RandomLeaf(rng, schema);
  // Inner nodes mostly have two or three children and a third of the nodes
  // are leaves: wider, fuller trees select all rows (OR) or none (AND) too
  // often to test much.
  const uint64_t r = Uniform(rng, 100);
  if (r < 50) {
    std::vector<Expr> children;
    const uint64_t n = OneIn(rng, 5) ? 4 : 2 + Uniform(rng, 2);
    for (uint64_t i = 0; i < n; ++i) {
      children.push_back(RandomExpr(rng, schema, depth - 1));
    }
    return r < 25 ? Expr::And(std::move(children))
                  : Expr::Or(std::move(children));
  }
  if (r < 65) return Expr::Not(RandomExpr(rng, schema, depth - 1));
  return RandomLeaf(rng, schema);
}

std::string RowDebugString(const Table& table, RowIndex row) {
  std::string out =
      absl::StrCat("row ", row, table.IsLive(row) ? " (live):" : " (deleted):");
  const Schema& schema = table.schema();
  for (int c = 0; c < schema.num_columns(); ++c) {
    absl::StrAppend(&out, " ", schema.column(c).name, "=");
    if (IsNull(table, c, row)) {
      absl::StrAppend(&out, "NULL");
      continue;
    }
    switch (schema.column(c).type) {
      case ColumnType::kFloat: {
        char buffer[64];
        std::snprintf(buffer, sizeof(buffer), "%.9g",
                      static_cast<double>(*table.GetFloat(row, c).value()));
        absl::StrAppend(&out, buffer);
        break;
      }
      case ColumnType::kInt:
        absl::StrAppend(&out, *table.GetInt(row, c).value());
        break;
      case ColumnType::kCategorical:
      case ColumnType::kId:
        absl::StrAppend(&out, "'",
                        absl::CEscape(*table.GetString(row, c).value()), "'");
        break;
    }
  }
  return out;
}

}  // namespace slicekit::testing
