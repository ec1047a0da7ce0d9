// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes the filter text parser and everything a parsed filter flows into:
//  - ParseFilter either succeeds or returns InvalidArgument;
//  - printing is canonical: FormatFilter == ToString, and parse(print(e)) is
//    an equal tree that prints the same text again;
//  - the JSON form round-trips too (when the strings are valid UTF-8);
//  - Bind against a fixed table either succeeds or returns an error, and a
//    bound filter's vectorized scan (1 and 2 threads) selects exactly the
//    rows that the row-at-a-time reference (tests/testing/reference.h) finds
//    TRUE, and NOT p exactly the rows it finds FALSE. IN SLICE references
//    resolve against a few fixed slices (two of which form a cycle, which
//    Bind must refuse).
// Any violation aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/table.h"
#include "tests/fuzz/fail.h"
#include "tests/fuzz/utf8.h"
#include "tests/testing/map_resolver.h"
#include "tests/testing/reference.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "filter_text_fuzzer";

// The columns the fuzzed filters bind against: every column type, a
// per-class metric column (what `fp[car]` resolves to), a name that needs
// quoting, and the standard metric names the seeds and dictionary use.
Schema FuzzSchema() {
  absl::StatusOr<Schema> schema = Schema::Create({
      {"confidence", ColumnType::kFloat},
      {"fp", ColumnType::kInt},
      {std::string(kDataRowIdColumn), ColumnType::kId},
      {"split", ColumnType::kCategorical},
      {"iou", ColumnType::kFloat},
      {"tn", ColumnType::kInt},
      {"dataset", ColumnType::kCategorical},
      {"fp[car]", ColumnType::kInt},
      {"iou[traffic light]", ColumnType::kFloat},
      {"my col", ColumnType::kCategorical},
  });
  if (!schema.ok())
    fuzz::Fail(kTarget, "bad schema", "", schema.status().ToString());
  return *std::move(schema);
}

// A small table spanning three 64-row chunks, with values at the edges of
// each type (extreme integers, subnormal and huge floats, -0, empty and
// non-ASCII strings), NULL stretches, a constant chunk and deleted rows, so
// zone maps, narrow storage and NULL handling all get exercised.
Table MakeTable() {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const float floats[] = {0.0f,  0.5f,        0.8f,    1.0f,    -1.0f,
                          0.25f, 1e-40f,      3.4e38f, -0.0f,   0.1f,
                          -2.5f, 16777216.0f, 0.75f,   -3.4e38f};
  const int64_t ints[] = {
      0, 1, 2, -1, 10, 3, kMax, kMin, 2147483648, 9007199254740993, -7, 100, 5};
  const char* const strings[] = {"val",      "train", "test", "",     "a'b",
                                 "\xC3\xA9", "zz",    "car",  "a\"b", "VAL"};
  constexpr size_t kRows = 150;
  const Schema schema = FuzzSchema();
  Batch batch(schema);
  auto pick = [](size_t i, size_t mul, size_t n) {
    return (i * mul + i / 5) % n;
  };
  for (size_t i = 0; i < kRows; ++i) {
    const bool chunk1 = i >= 64 && i < 128;
    for (int c = 0; c < schema.num_columns(); ++c) {
      const ColumnSpec& spec = schema.column(c);
      // NULL patterns differ per column; `fp` is all NULL in chunk 1.
      const bool null = (spec.name == "fp" && chunk1) ||
                        (i + static_cast<size_t>(c)) % (5 + c) == 0;
      if (spec.type == ColumnType::kId) {
        batch.AppendString(c, "r" + std::to_string(i));
      } else if (null) {
        batch.AppendNull(c);
      } else if (spec.type == ColumnType::kFloat) {
        // `iou` is constant in the last chunk.
        batch.AppendFloat(c, spec.name == "iou" && i >= 128
                                 ? 0.5f
                                 : floats[pick(i, 3 + c, std::size(floats))]);
      } else if (spec.type == ColumnType::kInt) {
        // `tn` keeps to a narrow range in chunk 1.
        batch.AppendInt(c, spec.name == "tn" && chunk1
                               ? static_cast<int64_t>(i % 4)
                               : ints[pick(i, 5 + c, std::size(ints))]);
      } else {
        batch.AppendString(c, strings[pick(i, 7 + c, std::size(strings))]);
      }
    }
  }
  absl::StatusOr<Table> table = Table::Create(schema, TableOptions{64});
  if (!table.ok())
    fuzz::Fail(kTarget, "bad table", "", table.status().ToString());
  if (absl::Status s = table->Append(batch); !s.ok()) {
    fuzz::Fail(kTarget, "append failed", "", s.ToString());
  }
  std::vector<std::string> deleted;
  for (size_t i = 5; i < kRows; i += 11) {
    deleted.push_back("r" + std::to_string(i));
  }
  if (absl::Status s = table->Delete(deleted); !s.ok()) {
    fuzz::Fail(kTarget, "delete failed", "", s.ToString());
  }
  return *std::move(table);
}

const Table& FuzzTable() {
  static const Table* const table = new Table(MakeTable());
  return *table;
}

// The slices `IN SLICE` may name (dictionary: tests/fuzz/dict): a chain,
// a slice of a slice, and a cycle.
const testing::MapResolver& FuzzResolver() {
  static const testing::MapResolver* const resolver = [] {
    auto* r = new testing::MapResolver();
    auto parse = [](absl::string_view text) {
      absl::StatusOr<Expr> e = ParseFilter(text);
      if (!e.ok()) fuzz::Fail(kTarget, "bad slice filter", text, "");
      return *e;
    };
    r->Set("sl_a", "A", parse("fp >= 1"));
    r->Set("sl_b", "B", parse("IN SLICE 'A' AND confidence > 0.5"));
    r->Set("sl_c", "C", parse("NOT IN SLICE 'B' OR split = 'val'"));
    r->Set("sl_x", "X", parse("IN SLICE 'Y' OR tn = 1"));
    r->Set("sl_y", "Y", parse("iou < 0.5 AND IN SLICE 'X'"));
    return r;
  }();
  return *resolver;
}

// The reference evaluator knows no class scopes: `fp[car]` becomes the
// column named "fp[car]" that Bind resolves it to.
ColumnRef Unscoped(const ColumnRef& ref) {
  if (!ref.class_name.has_value()) return ref;
  return ColumnRef{ref.name + "[" + *ref.class_name + "]", std::nullopt};
}

Expr Unscope(const Expr& expr) {
  switch (expr.kind()) {
    case Expr::Kind::kTrue:
    case Expr::Kind::kFalse:
    case Expr::Kind::kInSlice:
      return expr;
    case Expr::Kind::kCompare:
      return Expr::Compare(Unscoped(expr.column()), expr.op(), expr.value());
    case Expr::Kind::kBetween:
      return Expr::Between(Unscoped(expr.column()), expr.low(), expr.high(),
                           expr.negated());
    case Expr::Kind::kIn:
      return Expr::In(Unscoped(expr.column()), expr.values(), expr.negated());
    case Expr::Kind::kIsNull:
      return Expr::IsNull(Unscoped(expr.column()), expr.negated());
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot: {
      std::vector<Expr> children;
      for (const Expr& child : expr.children())
        children.push_back(Unscope(child));
      if (expr.kind() == Expr::Kind::kNot) return Expr::Not(children[0]);
      return expr.kind() == Expr::Kind::kAnd ? Expr::And(std::move(children))
                                             : Expr::Or(std::move(children));
    }
  }
  return expr;
}

// Whether every name and string of `expr` is valid UTF-8: only then does
// it round-trip through JSON (docs/filter-json.md, "Strings and bytes").
bool AllUtf8(const ColumnRef& ref) {
  return fuzz::IsValidUtf8(ref.name) &&
         (!ref.class_name.has_value() || fuzz::IsValidUtf8(*ref.class_name));
}
bool AllUtf8(const Literal& literal) {
  return !literal.is_string() || fuzz::IsValidUtf8(literal.string_value());
}
bool AllUtf8(const Expr& expr) {
  switch (expr.kind()) {
    case Expr::Kind::kTrue:
    case Expr::Kind::kFalse:
      return true;
    case Expr::Kind::kCompare:
      return AllUtf8(expr.column()) && AllUtf8(expr.value());
    case Expr::Kind::kBetween:
      return AllUtf8(expr.column()) && AllUtf8(expr.low()) &&
             AllUtf8(expr.high());
    case Expr::Kind::kIn:
      for (const Literal& value : expr.values()) {
        if (!AllUtf8(value)) return false;
      }
      return AllUtf8(expr.column());
    case Expr::Kind::kIsNull:
      return AllUtf8(expr.column());
    case Expr::Kind::kInSlice:
      return fuzz::IsValidUtf8(expr.slice().name) &&
             fuzz::IsValidUtf8(expr.slice().id);
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      for (const Expr& child : expr.children()) {
        if (!AllUtf8(child)) return false;
      }
      return true;
  }
  return true;
}

Selection LiveMinus(const Table& table, const Selection& a,
                    const Selection& b) {
  Selection out = table.LiveRows();
  for (size_t i = 0; i < out.words().size(); ++i) {
    out.mutable_words()[i] &= ~(a.words()[i] | b.words()[i]);
  }
  return out;
}

void CheckScan(absl::string_view input, const Expr& expr) {
  const Table& table = FuzzTable();
  const testing::MapResolver& resolver = FuzzResolver();
  absl::StatusOr<BoundFilter> bound = Bind(expr, table, resolver);
  if (!bound.ok()) {
    if (bound.status().message().empty()) {
      fuzz::Fail(kTarget, "Bind error without a message", input,
                 bound.status().ToString());
    }
    return;
  }
  Selection want, unknown;
  testing::ReferenceClassify(table, Unscope(expr), &want, &unknown, &resolver);
  for (int threads : {1, 2}) {
    if (bound->Scan(ScanOptions{threads}) != want) {
      fuzz::Fail(kTarget, "scan differs from the reference", input,
                 "threads=" + std::to_string(threads) +
                     " plan: " + bound->DebugString());
    }
  }
  // NOT p needs one more level; at the depth limit Bind refuses it.
  absl::StatusOr<BoundFilter> negated = Bind(Expr::Not(expr), table, resolver);
  if (!negated.ok()) return;
  const Selection want_negated = LiveMinus(table, want, unknown);
  if (negated->Scan() != want_negated) {
    fuzz::Fail(kTarget, "NOT p differs from the reference", input,
               negated->DebugString());
  }
  // One pass over both, and a row range that cuts chunks (picked from the
  // input so that it varies): the same rows, clipped to the range.
  const std::vector<Selection> both = ScanMany({*bound, *negated});
  if (both.size() != 2 || both[0] != want || both[1] != want_negated) {
    fuzz::Fail(kTarget, "ScanMany differs from Scan", input,
               bound->DebugString());
  }
  const size_t hash = std::hash<std::string_view>()(
      std::string_view(input.data(), input.size()));
  const RowIndex begin = static_cast<RowIndex>(hash % table.num_rows());
  const RowIndex end = static_cast<RowIndex>(
      begin + (hash >> 16) % (table.num_rows() - begin + 1));
  Selection clipped(want.num_rows());
  want.ForEach([&](RowIndex row) {
    if (row >= begin && row < end) clipped.Add(row);
  });
  const Selection ranged = bound->Scan(
      ScanOptions{.threads = 2, .begin_row = begin, .end_row = end});
  if (ranged != clipped) {
    fuzz::Fail(kTarget, "Scan over a row range differs from the reference",
               input,
               "rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                   ") plan: " + bound->DebugString());
  }
}

void TestOneInput(absl::string_view input) {
  absl::StatusOr<Expr> parsed = ParseFilter(input);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument ||
        parsed.status().message().empty()) {
      fuzz::Fail(kTarget, "parse error is not InvalidArgument", input,
                 parsed.status().ToString());
    }
    return;
  }
  const std::string printed = FormatFilter(*parsed);
  if (printed != parsed->ToString()) {
    fuzz::Fail(kTarget, "FormatFilter != ToString", input, printed);
  }
  absl::StatusOr<Expr> reparsed = ParseFilter(printed);
  if (!reparsed.ok()) {
    fuzz::Fail(kTarget, "printed filter does not parse", input,
               printed + "\n  " + reparsed.status().ToString());
  }
  if (!(*reparsed == *parsed)) {
    fuzz::Fail(kTarget, "parse(print(e)) != e", input,
               printed + "\n  " + reparsed->ToString());
  }
  if (FormatFilter(*reparsed) != printed) {
    fuzz::Fail(kTarget, "printing is not stable", input, printed);
  }
  if (AllUtf8(*parsed)) {
    const std::string json = FilterToJson(*parsed);
    absl::StatusOr<Expr> from_json = FilterFromJson(json);
    if (!from_json.ok() || !(*from_json == *parsed)) {
      fuzz::Fail(kTarget, "JSON round trip", input,
                 json + "\n  " +
                     (from_json.ok() ? from_json->ToString()
                                     : from_json.status().ToString()));
    }
  }
  CheckScan(input, *parsed);
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
