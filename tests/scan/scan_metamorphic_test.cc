// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Differential and metamorphic tests of the scanner (issue 5, part 3), on
// top of what scan_property_test.cc checks (engine == reference at 1-3
// threads, the p / NOT p / UNKNOWN partition, rescans after append and
// delete). Added here:
//  - class-scoped leaves (`fp[car]`): the schema has per-class columns, and
//    the engine's scoped filter must equal the reference's unscoped one;
//  - 1 thread == 2, 3 and 7 threads, ScanMany() == one Scan() per filter,
//    and a [begin_row, end_row) scan == the full scan clipped to the range;
//  - equivalent rewrites (De Morgan, BETWEEN/IN/<> expanded, double NOT,
//    identities, shuffled children) select exactly the same rows;
//  - tables whose lengths sit on every batch and chunk boundary;
//  - long random sequences of deletes, appends (new strings, re-used ids)
//    and Table::Compact(), with filters bound once at the start: after each
//    step they equal the reference, a compaction keeps the selected ids,
//    an append leaves the earlier rows' results alone, and a delete only
//    removes the deleted rows.
//
// The seed is printed (stdout and the test's XML properties); replay with
//   SLICEKIT_TEST_SEED=<seed> ./scan_metamorphic_test --gtest_filter=<test>
// SLICEKIT_TEST_ITERATIONS=<k> runs k times the default iterations (long
// soak runs; the default keeps the test at a few seconds in Release).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

// The scanner's batch (src/scan/scan.cc's kBatchRows): lengths around it and
// its multiples cross the batch loop's edges.
constexpr size_t kBatch = 2048;

// ---- Seeds and scaling ----

uint64_t BaseSeed() {
  const char* env = std::getenv("SLICEKIT_TEST_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 0);
  return 0x5eed2026;
}

int Iterations() {
  const char* env = std::getenv("SLICEKIT_TEST_ITERATIONS");
  if (env != nullptr && *env != '\0') return std::max(1, std::atoi(env));
  return 1;
}

// Under TSan the single-threaded reference runs ~10x slower while what TSan
// is there for (scans on 2-7 threads) needs no more data, so the default
// runs a third of the tables and half the mutation rounds there.
#if defined(__SANITIZE_THREAD__)
constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kThreadSanitizer = true;
#else
constexpr bool kThreadSanitizer = false;
#endif
#else
constexpr bool kThreadSanitizer = false;
#endif

uint64_t Mix(uint64_t seed, uint64_t value) {
  uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15u + (seed << 6) + (seed >> 2));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

// Records and prints the seed; returns a replay hint for failure messages.
std::string AnnounceSeed() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string hint = absl::StrCat(
      "SLICEKIT_TEST_SEED=", BaseSeed(),
      " --gtest_filter=", info->test_suite_name(), ".", info->name());
  ::testing::Test::RecordProperty("seed", std::to_string(BaseSeed()));
  std::cout << "[ seed     ] " << hint << std::endl;
  return "replay: " + hint;
}

// ---- The table: RandomTableSchema() plus per-class columns ----

// Per-class columns `metric[class]` and the RandomTableSchema() column whose
// random values (and NULL profile) they take.
struct ClassColumn {
  const char* name;
  ColumnType type;
  const char* like;
};
constexpr ClassColumn kClassColumns[] = {
    {"fp[car]", ColumnType::kInt, "fp"},
    {"iou[traffic light]", ColumnType::kFloat, "confidence"},
    {"tp[car]", ColumnType::kInt, "tn"},
};

Schema ExtendedSchema() {
  std::vector<ColumnSpec> columns = RandomTableSchema().columns();
  for (const ClassColumn& c : kClassColumns) {
    columns.push_back({c.name, c.type});
  }
  return *Schema::Create(std::move(columns));
}

void CopyCell(const Batch& from, int from_column, size_t row, ColumnType type,
              Batch& to, int to_column) {
  const Batch::Column& c = from.column(from_column);
  if (!c.valid[row]) {
    to.AppendNull(to_column);
    return;
  }
  switch (type) {
    case ColumnType::kFloat:
      to.AppendFloat(to_column, c.floats[row]);
      break;
    case ColumnType::kInt:
      to.AppendInt(to_column, c.ints[row]);
      break;
    case ColumnType::kCategorical:
    case ColumnType::kId:
      to.AppendString(to_column, from.StringAt(from_column, row));
      break;
  }
}

// Random rows of ExtendedSchema() with these ids: RandomBatch()'s values,
// and for the class columns the values of a second RandomBatch().
Batch ExtendedBatch(std::mt19937_64& rng, const std::vector<std::string>& ids,
                    bool new_strings) {
  const Schema base = RandomTableSchema();
  const Schema schema = ExtendedSchema();
  const Batch a = RandomBatch(rng, ids.size(), 0, new_strings);
  const Batch b = RandomBatch(rng, ids.size(), 0, new_strings);
  Batch out(schema);
  out.Reserve(ids.size());
  for (int c = 0; c < base.num_columns(); ++c) {
    const ColumnType type = base.column(c).type;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (type == ColumnType::kId) {
        out.AppendString(c, ids[i]);
      } else {
        CopyCell(a, c, i, type, out, c);
      }
    }
  }
  for (const ClassColumn& cc : kClassColumns) {
    const int to = *schema.Find(cc.name);
    const int from = *base.Find(cc.like);
    for (size_t i = 0; i < ids.size(); ++i) {
      CopyCell(b, from, i, cc.type, out, to);
    }
  }
  return out;
}

// Hands out ids never used before in a table (RandomRowId() of a counter:
// after Compact() the table's num_rows() no longer gives fresh serials).
class IdSource {
 public:
  std::vector<std::string> Next(size_t n) {
    std::vector<std::string> ids;
    ids.reserve(n);
    for (size_t i = 0; i < n; ++i) ids.push_back(RandomRowId(next_++));
    return ids;
  }

 private:
  uint64_t next_ = 0;
};

absl::Status AppendRows(std::mt19937_64& rng, Table& table, IdSource& ids,
                        size_t rows, bool new_strings) {
  const size_t batches = 1 + rng() % 4;
  size_t left = rows;
  for (size_t b = 0; b < batches && left > 0; ++b) {
    const size_t n = b + 1 == batches ? left : rng() % (left + 1);
    if (n == 0) continue;
    absl::Status status =
        table.Append(ExtendedBatch(rng, ids.Next(n), new_strings));
    if (!status.ok()) return status;
    left -= n;
  }
  return absl::OkStatus();
}

Table ExtendedTable(std::mt19937_64& rng, size_t rows, size_t chunk_rows,
                    IdSource& ids) {
  Table table = *Table::Create(ExtendedSchema(), {.chunk_rows = chunk_rows});
  EXPECT_THAT(AppendRows(rng, table, ids, rows, false), IsOk());
  EXPECT_THAT(DeleteRandomRows(rng, table), IsOk());
  return table;
}

// ---- Filters: class scopes and equivalent rewrites ----

// Returns the class-scoped form of a per-class column's name ("fp[car]" ->
// fp scoped to car), or nullopt for other columns.
std::optional<ColumnRef> Scoped(const ColumnRef& ref) {
  if (ref.class_name.has_value() || ref.name.empty() ||
      ref.name.back() != ']') {
    return std::nullopt;
  }
  const size_t open = ref.name.find('[');
  if (open == std::string::npos) return std::nullopt;
  return ColumnRef{ref.name.substr(0, open),
                   ref.name.substr(open + 1, ref.name.size() - open - 2)};
}

Expr WithColumn(const Expr& leaf, const ColumnRef& ref) {
  switch (leaf.kind()) {
    case Expr::Kind::kCompare:
      return Expr::Compare(ref, leaf.op(), leaf.value());
    case Expr::Kind::kBetween:
      return Expr::Between(ref, leaf.low(), leaf.high(), leaf.negated());
    case Expr::Kind::kIn:
      return Expr::In(ref, leaf.values(), leaf.negated());
    case Expr::Kind::kIsNull:
      return Expr::IsNull(ref, leaf.negated());
    default:
      return leaf;
  }
}

bool IsLeaf(const Expr& e) {
  return e.kind() == Expr::Kind::kCompare || e.kind() == Expr::Kind::kBetween ||
         e.kind() == Expr::Kind::kIn || e.kind() == Expr::Kind::kIsNull;
}

// The reference has no class scopes: it evaluates `fp[car]` as the plain
// column named "fp[car]", which is what Bind() resolves the scope to. The
// engine gets the scoped spelling of most such leaves.
Expr ScopeSomeLeaves(std::mt19937_64& rng, const Expr& e) {
  if (IsLeaf(e)) {
    std::optional<ColumnRef> scoped = Scoped(e.column());
    if (scoped.has_value() && rng() % 4 != 0) return WithColumn(e, *scoped);
    return e;
  }
  std::vector<Expr> children;
  switch (e.kind()) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
      for (const Expr& c : e.children()) {
        children.push_back(ScopeSomeLeaves(rng, c));
      }
      return e.kind() == Expr::Kind::kAnd ? Expr::And(std::move(children))
                                          : Expr::Or(std::move(children));
    case Expr::Kind::kNot:
      return Expr::Not(ScopeSomeLeaves(rng, e.children()[0]));
    default:
      return e;
  }
}

bool HasClassScope(const Expr& e) {
  if (IsLeaf(e)) return e.column().class_name.has_value();
  if (e.kind() == Expr::Kind::kAnd || e.kind() == Expr::Kind::kOr ||
      e.kind() == Expr::Kind::kNot) {
    for (const Expr& c : e.children()) {
      if (HasClassScope(c)) return true;
    }
  }
  return false;
}

// Returns a filter equal to `e` under SQL three-valued logic on every row,
// written differently: x BETWEEN a AND b as x >= a AND x <= b, IN as ORed
// equalities, NOT IN as ANDed inequalities, <> / < / > through NOT, AND/OR
// through De Morgan, double negations, TRUE/FALSE identities and shuffled
// children. Every rewrite holds for NULL (UNKNOWN) operands too.
Expr Rewrite(std::mt19937_64& rng, const Expr& e, int budget) {
  if (budget <= 0) return e;
  const uint64_t r = rng() % 100;
  // Wrappers around any node.
  if (r < 6) return Expr::Not(Expr::Not(Rewrite(rng, e, budget - 1)));
  if (r < 9) return Expr::And({Rewrite(rng, e, budget - 1), Expr::True()});
  if (r < 12) return Expr::Or({Expr::False(), Rewrite(rng, e, budget - 1)});
  const bool rewrite_here = r < 70;
  switch (e.kind()) {
    case Expr::Kind::kCompare: {
      if (!rewrite_here) return e;
      const ColumnRef& ref = e.column();
      const Literal& v = e.value();
      switch (e.op()) {
        case CompareOp::kNe:
          return Expr::Not(Expr::Compare(ref, CompareOp::kEq, v));
        case CompareOp::kEq:
          return Expr::And({Expr::Compare(ref, CompareOp::kGe, v),
                            Expr::Compare(ref, CompareOp::kLe, v)});
        case CompareOp::kLt:
          return Expr::Not(Expr::Compare(ref, CompareOp::kGe, v));
        case CompareOp::kLe:
          return Expr::Not(Expr::Compare(ref, CompareOp::kGt, v));
        case CompareOp::kGt:
          return Expr::Not(Expr::Compare(ref, CompareOp::kLe, v));
        case CompareOp::kGe:
          return Expr::Or({Expr::Compare(ref, CompareOp::kGt, v),
                           Expr::Compare(ref, CompareOp::kEq, v)});
      }
      return e;
    }
    case Expr::Kind::kBetween: {
      if (!rewrite_here) return e;
      const Expr inside =
          Expr::And({Expr::Compare(e.column(), CompareOp::kGe, e.low()),
                     Expr::Compare(e.column(), CompareOp::kLe, e.high())});
      return e.negated() ? Expr::Not(inside) : inside;
    }
    case Expr::Kind::kIn: {
      if (!rewrite_here) return e;
      std::vector<Expr> parts;
      for (const Literal& v : e.values()) {
        parts.push_back(Expr::Compare(
            e.column(), e.negated() ? CompareOp::kNe : CompareOp::kEq, v));
      }
      return e.negated() ? Expr::And(std::move(parts))
                         : Expr::Or(std::move(parts));
    }
    case Expr::Kind::kIsNull:
      if (rewrite_here && e.negated()) {
        return Expr::Not(Expr::IsNull(e.column()));
      }
      return e;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      const bool is_and = e.kind() == Expr::Kind::kAnd;
      std::vector<Expr> children;
      for (const Expr& c : e.children()) {
        children.push_back(Rewrite(rng, c, budget - 1));
      }
      std::shuffle(children.begin(), children.end(), rng);
      if (rewrite_here && rng() % 2 == 0) {
        // De Morgan: a AND b == NOT (NOT a OR NOT b).
        for (Expr& c : children) c = Expr::Not(std::move(c));
        return Expr::Not(is_and ? Expr::Or(std::move(children))
                                : Expr::And(std::move(children)));
      }
      return is_and ? Expr::And(std::move(children))
                    : Expr::Or(std::move(children));
    }
    case Expr::Kind::kNot:
      return Expr::Not(Rewrite(rng, e.children()[0], budget - 1));
    default:
      return e;
  }
}

// ---- Selection arithmetic, independent of the engine's ----

size_t CountBits(const Selection& s) {
  size_t n = 0;
  for (uint64_t w : s.words()) n += static_cast<size_t>(std::popcount(w));
  return n;
}

Selection Live(const Table& table) {
  Selection live(table.num_rows());
  for (size_t row = 0; row < table.num_rows(); ++row) {
    if (table.IsLive(static_cast<RowIndex>(row))) {
      live.Add(static_cast<RowIndex>(row));
    }
  }
  return live;
}

// The selection's rows restricted to [begin, end).
Selection Clip(const Selection& s, size_t begin, size_t end) {
  Selection out(s.num_rows());
  s.ForEach([&](RowIndex row) {
    if (row >= begin && row < end) out.Add(row);
  });
  return out;
}

std::vector<std::string> Ids(const Table& table, const Selection& s) {
  std::vector<std::string> ids;
  s.ForEach([&](RowIndex row) { ids.emplace_back(table.RowId(row).value()); });
  return ids;
}

std::string Describe(const Table& table, const Expr& expr, const Selection& got,
                     const Selection& want) {
  std::string out = absl::StrCat(
      "engine selects ", CountBits(got), " rows, expected ", CountBits(want),
      " (", table.num_live_rows(), " live of ", table.num_rows(),
      ", chunk_rows=", table.options().chunk_rows, ")");
  if (got.num_rows() != want.num_rows()) {
    return absl::StrCat(out, "; covers ", got.num_rows(), " positions, not ",
                        want.num_rows());
  }
  for (size_t row = 0; row < want.num_rows(); ++row) {
    const RowIndex r = static_cast<RowIndex>(row);
    if (got.Contains(r) != want.Contains(r)) {
      absl::StrAppend(
          &out, "\nfirst difference: ", RowDebugString(table, r), "\n  engine ",
          got.Contains(r) ? "selects" : "skips",
          " it; reference: ", TruthName(EvaluateRow(table, expr, r)));
      break;
    }
  }
  return out;
}

// ---- The checks ----

// `engine_expr` (class scopes, rewrites) must select what `reference_expr`
// selects in the reference; see the file comment for the relations.
void CheckOne(std::mt19937_64& rng, const Table& table, const Expr& engine_expr,
              const Expr& reference_expr) {
  SCOPED_TRACE(absl::StrCat("filter: ", engine_expr.ToString()));
  Selection want, unknown;
  ReferenceClassify(table, reference_expr, &want, &unknown);
  const Selection live = Live(table);

  SLICEKIT_ASSERT_OK_AND_ASSIGN(const BoundFilter p, Bind(engine_expr, table));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const BoundFilter not_p,
                                Bind(Expr::Not(engine_expr), table));
  const Selection got = p.Scan();
  ASSERT_EQ(got, want) << Describe(table, reference_expr, got, want);
  EXPECT_EQ(got.generation(), table.generation());

  // Ternary partition. The language has no `p IS UNKNOWN`; the engine's
  // UNKNOWN set is what p and NOT p both leave out, and must be the
  // reference's.
  const Selection negated = not_p.Scan({.threads = 2});
  size_t overlap = 0, outside = 0, engine_unknown = 0, unknown_mismatch = 0;
  for (size_t w = 0; w < live.words().size(); ++w) {
    const uint64_t t = got.words()[w], f = negated.words()[w];
    const uint64_t u = live.words()[w] & ~t & ~f;
    overlap += std::popcount(t & f);
    outside += std::popcount((t | f) & ~live.words()[w]);
    engine_unknown += std::popcount(u);
    unknown_mismatch += std::popcount(u ^ unknown.words()[w]);
  }
  EXPECT_EQ(overlap, 0u) << "p and NOT p overlap";
  EXPECT_EQ(outside, 0u) << "p or NOT p selects a deleted row";
  EXPECT_EQ(CountBits(got) + CountBits(negated) + engine_unknown,
            table.num_live_rows());
  EXPECT_EQ(unknown_mismatch, 0u) << "UNKNOWN set: engine " << engine_unknown
                                  << " rows, reference " << CountBits(unknown);

  // Threads.
  for (int threads : {2, 3, 7}) {
    const Selection t = p.Scan({.threads = threads});
    ASSERT_EQ(t, got) << "threads=" << threads << ": "
                      << Describe(table, reference_expr, t, want);
  }

  // One pass for several filters.
  const std::vector<Selection> many =
      ScanMany({p, not_p, p}, {.threads = 1 + static_cast<int>(rng() % 3)});
  ASSERT_EQ(many.size(), 3u);
  EXPECT_EQ(many[0], got) << "ScanMany";
  EXPECT_EQ(many[1], negated) << "ScanMany NOT p";
  EXPECT_EQ(many[2], got) << "ScanMany repeated";

  // A row range: the full result clipped, chunk- and word-unaligned edges.
  if (table.num_rows() > 0) {
    const size_t n = table.num_rows();
    size_t begin = rng() % (n + 1), end = rng() % (n + 1);
    if (begin > end) std::swap(begin, end);
    ScanOptions options{.threads = 1 + static_cast<int>(rng() % 4),
                        .begin_row = static_cast<RowIndex>(begin),
                        .end_row = static_cast<RowIndex>(end)};
    const Selection range = p.Scan(options);
    EXPECT_EQ(range, Clip(got, begin, end))
        << "rows [" << begin << ", " << end << ")";
  }

  // Equivalent rewrites.
  const Expr rewritten = Rewrite(rng, engine_expr, 6);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection same,
                                Filter(table, rewritten, {.threads = 2}));
  EXPECT_EQ(same, got) << "rewritten as " << rewritten.ToString() << ": "
                       << Describe(table, reference_expr, same, want);
}

// A random filter for ExtendedSchema(): the reference's form and the
// engine's (most per-class leaves class-scoped).
std::pair<Expr, Expr> RandomFilter(std::mt19937_64& rng, const Schema& schema,
                                   int depth) {
  Expr reference = RandomExpr(rng, schema, depth);
  Expr engine = ScopeSomeLeaves(rng, reference);
  return {std::move(engine), std::move(reference)};
}

struct BoundaryCase {
  size_t rows;
  size_t chunk_rows;
};

void PrintTo(const BoundaryCase& c, std::ostream* os) {
  *os << c.rows << " rows in chunks of " << c.chunk_rows;
}

std::vector<BoundaryCase> BoundaryCases() {
  std::vector<BoundaryCase> cases;
  for (size_t chunk : {size_t{64}, size_t{128}, size_t{4096}}) {
    std::vector<size_t> lengths = {0,  1,          63,     64,
                                   65, kBatch - 1, kBatch, kBatch + 1};
    // On and around 1 and 2 chunks and 1 and 2 batches (a last chunk or
    // batch exactly full, one row short, one row over).
    for (size_t k : {size_t{1}, size_t{2}}) {
      for (size_t base : {chunk, kBatch}) {
        lengths.push_back(base * k - 1);
        lengths.push_back(base * k);
        lengths.push_back(base * k + 1);
      }
    }
    lengths.push_back(3 * kBatch + 1);
    std::sort(lengths.begin(), lengths.end());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    for (size_t rows : lengths) cases.push_back({rows, chunk});
  }
  // The default chunk size: a batch boundary inside one chunk.
  for (size_t rows : {kBatch - 1, kBatch + 1, 5 * kBatch + 3}) {
    cases.push_back({rows, 65536});
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<BoundaryCase>& info) {
  return absl::StrCat("Rows", info.param.rows, "Chunk", info.param.chunk_rows);
}

class ScanMetamorphicTest : public ::testing::TestWithParam<BoundaryCase> {};

TEST_P(ScanMetamorphicTest, PartitionThreadsRangesAndRewritesAgree) {
  const BoundaryCase& c = GetParam();
  SCOPED_TRACE(AnnounceSeed());
  const int tables = (kThreadSanitizer ? 1 : 3) * Iterations();
  for (int t = 0; t < tables; ++t) {
    std::mt19937_64 rng(Mix(Mix(Mix(BaseSeed(), c.rows), c.chunk_rows), t));
    IdSource ids;
    Table table = ExtendedTable(rng, c.rows, c.chunk_rows, ids);
    ASSERT_EQ(table.num_rows(), c.rows);
    for (int f = 0; f < 10; ++f) {
      SCOPED_TRACE(absl::StrCat("table ", t, ", filter ", f));
      const auto [engine, reference] =
          RandomFilter(rng, table.schema(), 3 + f % 3);
      CheckOne(rng, table, engine, reference);
      if (HasFailure()) return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Boundaries, ScanMetamorphicTest,
                         ::testing::ValuesIn(BoundaryCases()), CaseName);

// The generated filters must exercise what the file claims: class scopes,
// proper subsets and UNKNOWN rows.
TEST(ScanMetamorphicCoverageTest, FiltersUseClassScopesAndMeetUnknowns) {
  SCOPED_TRACE(AnnounceSeed());
  std::mt19937_64 rng(Mix(BaseSeed(), 0xc0feu));
  IdSource ids;
  Table table = ExtendedTable(rng, 3000, 128, ids);
  int scoped = 0, partial = 0, with_unknown = 0;
  constexpr int kFilters = 200;
  for (int f = 0; f < kFilters; ++f) {
    const auto [engine, reference] = RandomFilter(rng, table.schema(), 4);
    scoped += HasClassScope(engine);
    Selection want, unknown;
    ReferenceClassify(table, reference, &want, &unknown);
    const size_t n = CountBits(want);
    partial += n > 0 && n < table.num_live_rows();
    with_unknown += CountBits(unknown) > 0;
  }
  EXPECT_GE(scoped * 4, kFilters) << scoped;
  EXPECT_GE(partial * 10, kFilters * 3) << partial;
  EXPECT_GE(with_unknown * 10, kFilters * 2) << with_unknown;
}

// ---- Deletes, appends and compaction, with filters bound once ----

struct MutationCase {
  size_t rows;
  size_t chunk_rows;
  int steps;
};

void PrintTo(const MutationCase& c, std::ostream* os) {
  *os << c.rows << " rows in chunks of " << c.chunk_rows << ", " << c.steps
      << " steps";
}

class MutationTest : public ::testing::TestWithParam<MutationCase> {};

TEST_P(MutationTest, DeleteAppendCompactAgreeWithReference) {
  const MutationCase& c = GetParam();
  SCOPED_TRACE(AnnounceSeed());
  const int rounds = (kThreadSanitizer ? 1 : 2) * Iterations();
  for (int round = 0; round < rounds; ++round) {
    std::mt19937_64 rng(
        Mix(Mix(Mix(BaseSeed() ^ 0x3e7a, c.rows), c.chunk_rows), round));
    IdSource ids;
    Table table = ExtendedTable(rng, c.rows, c.chunk_rows, ids);
    std::vector<Expr> engine_exprs, reference_exprs;
    std::vector<BoundFilter> bound;
    for (int f = 0; f < 10; ++f) {
      auto [engine, reference] = RandomFilter(rng, table.schema(), 3 + f % 3);
      SLICEKIT_ASSERT_OK_AND_ASSIGN(BoundFilter b, Bind(engine, table));
      engine_exprs.push_back(std::move(engine));
      reference_exprs.push_back(std::move(reference));
      bound.push_back(std::move(b));
    }
    std::vector<Selection> before(bound.size());
    for (size_t i = 0; i < bound.size(); ++i) before[i] = bound[i].Scan();
    // Ids deleted and not appended again: candidates for re-use.
    std::vector<std::string> deleted_ids;
    std::vector<std::vector<std::string>> before_ids(bound.size());

    for (int step = 0; step < c.steps; ++step) {
      const uint64_t op = rng() % 10;
      std::string what;
      const size_t old_rows = table.num_rows();
      const Selection old_live = Live(table);
      std::vector<std::string> old_ids(old_rows);
      if (op < 3) {
        what = "delete";
        for (size_t r = 0; r < old_rows; ++r) {
          old_ids[r] =
              std::string(table.RowId(static_cast<RowIndex>(r)).value());
        }
        ASSERT_THAT(DeleteRandomRows(rng, table), IsOk());
        old_live.ForEach([&](RowIndex r) {
          if (!table.IsLive(r)) deleted_ids.push_back(old_ids[r]);
        });
      } else if (op < 7) {
        what = "append";
        // Up to two small chunks, or a batch and a half of a large one.
        const size_t n =
            rng() % (std::min<size_t>(2 * c.chunk_rows, 3 * kBatch / 2) + 70);
        std::vector<std::string> new_ids = ids.Next(n);
        // Ids that were deleted may come back.
        std::shuffle(deleted_ids.begin(), deleted_ids.end(), rng);
        for (size_t i = 0; i < new_ids.size() && !deleted_ids.empty(); ++i) {
          if (rng() % 3 == 0) {
            new_ids[i] = deleted_ids.back();
            deleted_ids.pop_back();
          }
        }
        ASSERT_THAT(table.Append(ExtendedBatch(rng, new_ids, true)), IsOk());
      } else {
        what = "compact";
        for (size_t i = 0; i < bound.size(); ++i) {
          before_ids[i] = Ids(table, before[i]);
        }
        const uint64_t generation = table.generation();
        const size_t live = table.num_live_rows();
        const size_t removed = old_rows - live;
        const Table::CompactionStats stats = table.Compact().value();
        EXPECT_EQ(stats.rows_removed, removed);
        EXPECT_EQ(stats.rows_after, live);
        EXPECT_EQ(table.num_rows(), live);
        EXPECT_EQ(table.num_live_rows(), live);
        EXPECT_EQ(table.generation(), generation + (removed > 0 ? 1 : 0));
        EXPECT_EQ(stats.generation, table.generation());
        // (No bytes check: merging chunks of fixed-width ids of different
        // widths adds id offsets, so bytes may even grow a little.)
      }
      SCOPED_TRACE(absl::StrCat("step ", step, " (", what, ")"));
      for (size_t i = 0; i < bound.size(); ++i) {
        SCOPED_TRACE(engine_exprs[i].ToString());
        const Selection want = ReferenceFilter(table, reference_exprs[i]);
        const Selection got = bound[i].Scan({.threads = 1});
        ASSERT_EQ(got, want) << Describe(table, reference_exprs[i], got, want);
        ASSERT_EQ(bound[i].Scan({.threads = 3}), got) << "threads=3";
        // A fresh Bind() sees the same.
        SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection fresh,
                                      Filter(table, engine_exprs[i]));
        ASSERT_EQ(fresh, got) << "bound now vs. bound at the start";
        // The step's own relation, independent of the reference.
        if (what == "compact") {
          EXPECT_EQ(Ids(table, got), before_ids[i])
              << "compaction changed the selected ids";
        } else if (what == "append") {
          size_t changed = 0;
          before[i].ForEach([&](RowIndex r) { changed += !got.Contains(r); });
          for (size_t r = 0; r < old_rows; ++r) {
            changed += got.Contains(static_cast<RowIndex>(r)) &&
                       !before[i].Contains(static_cast<RowIndex>(r));
          }
          EXPECT_EQ(changed, 0u) << "an append changed earlier rows' results";
        } else {
          // Kept exactly when still live; nothing new.
          size_t wrong = 0;
          before[i].ForEach(
              [&](RowIndex r) { wrong += got.Contains(r) != table.IsLive(r); });
          got.ForEach([&](RowIndex r) { wrong += !before[i].Contains(r); });
          EXPECT_EQ(wrong, 0u) << "a delete did more than drop deleted rows";
        }
        before[i] = got;
      }
      if (HasFailure()) return;
    }
    // Everything ends compacted: the ids left are what the reference keeps.
    table.Compact().value();
    for (size_t i = 0; i < bound.size(); ++i) {
      ASSERT_EQ(bound[i].Scan({.threads = 2}),
                ReferenceFilter(table, reference_exprs[i]))
          << engine_exprs[i].ToString();
    }
  }
}

std::string MutationName(const ::testing::TestParamInfo<MutationCase>& info) {
  return absl::StrCat("Rows", info.param.rows, "Chunk", info.param.chunk_rows);
}

INSTANTIATE_TEST_SUITE_P(All, MutationTest,
                         ::testing::Values(MutationCase{0, 64, 30},
                                           MutationCase{65, 64, 30},
                                           MutationCase{700, 64, 30},
                                           MutationCase{2500, 128, 25},
                                           MutationCase{kBatch + 1, 4096, 20},
                                           MutationCase{9000, 65536, 12}),
                         MutationName);

}  // namespace
}  // namespace slicekit::testing
