// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A deliberately simple, row-at-a-time reference for filtering and ordering,
// written from docs (FILTER-LANGUAGE.md) and the public headers only, plus
// random tables and filters to check the engine against it.
//
// Nothing here is fast or clever on purpose: every row is read through
// Table's public getters and every node of the Expr tree is walked per row.
#ifndef SLICEKIT_TESTS_TESTING_REFERENCE_H_
#define SLICEKIT_TESTS_TESTING_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/table.h"

namespace slicekit::testing {

// SQL's three truth values.
enum class Truth { kFalse, kTrue, kUnknown };

// Returns "FALSE", "TRUE" or "UNKNOWN".
const char* TruthName(Truth truth);

// Evaluates `expr` on row `row` of `table` (deleted rows too) with SQL
// three-valued logic. REQUIRES: `expr` binds to `table` (every column exists,
// numbers only against numeric columns, strings only against string columns,
// no class scopes, finite literals); violations abort with a message.
// `IN SLICE 'a'` is TRUE when `a`'s filter (from `resolver`, asked anew for
// every row) is TRUE for the row and FALSE otherwise; REQUIRES: every
// reference resolves and the references form no cycle.
Truth EvaluateRow(const Table& table, const Expr& expr, RowIndex row,
                  const SliceResolver* resolver = nullptr);

// Returns the live rows of `table` for which `expr` is TRUE, as a selection
// over table.num_rows() positions.
Selection ReferenceFilter(const Table& table, const Expr& expr,
                          const SliceResolver* resolver = nullptr);

// Returns the live rows of `table` for which `expr` is UNKNOWN.
Selection ReferenceUnknown(const Table& table, const Expr& expr,
                           const SliceResolver* resolver = nullptr);

// Sets `*true_rows` and `*unknown_rows` to the live rows for which `expr` is
// TRUE and UNKNOWN, evaluating each row once.
void ReferenceClassify(const Table& table, const Expr& expr,
                       Selection* true_rows, Selection* unknown_rows,
                       const SliceResolver* resolver = nullptr);

// Returns the live rows of `selection` (positions below table.num_rows())
// sorted by `order.column` (NULLs last in both directions), ties broken by
// data_row_id ascending byte-wise, then skips `offset` rows and keeps at most
// `limit`. REQUIRES: `order.column` exists (aborts otherwise).
std::vector<RowIndex> ReferenceOrder(const Table& table,
                                     const Selection& selection,
                                     const OrderBy& order, size_t offset,
                                     std::optional<size_t> limit);

// Returns the three-way byte-wise (unsigned) comparison of `a` and `b`:
// negative, zero or positive.
int BytewiseCompare(absl::string_view a, absl::string_view b);

// Returns the exact three-way comparison of an integer with a finite double,
// in the mathematics of real numbers: -1, 0 or 1.
int CompareIntToDouble(int64_t value, double literal);

// Returns `value` rounded to the nearest 32-bit float (ties to even;
// overflowing to +/-infinity like IEEE 754), without undefined behaviour.
float RoundToFloat(double value);

// ---- Random data -------------------------------------------------------

// The schema of RandomTable(): float, int and categorical columns with
// different NULL profiles, and the id column in the middle (index 2):
//   0 confidence  float        NULLs sometimes
//   1 fp          int          NULLs sometimes
//   2 data_row_id id
//   3 split       categorical  never NULL, 8 distinct strings
//   4 iou         float        never NULL, sorted stretches
//   5 tp          int          never NULL, narrow and wide stretches
//   6 dataset     categorical  NULLs sometimes, hundreds of distinct strings
//   7 recall      float        mostly NULL
//   8 tn          int          mostly NULL
Schema RandomTableSchema();

// Returns the id RandomBatch() gives row serial `serial`: unique per serial,
// not ordered like serials (prefixes vary, including a non-ASCII one).
std::string RandomRowId(uint64_t serial);

// Returns `rows` random rows of RandomTableSchema() with ids
// RandomRowId(first_serial + i). Values come in stretches (random, constant,
// sorted, all NULL), drawn from small domains so that filters hit. With
// `new_strings`, categorical values may also be strings RandomExpr() uses as
// "absent" literals, so they can show up after a filter was bound.
Batch RandomBatch(std::mt19937_64& rng, size_t rows, uint64_t first_serial,
                  bool new_strings = false);

// Appends `rows` random rows (in one to four batches) with ids that have
// never been used in `table`. Returns the Append status.
absl::Status AppendRandomRows(std::mt19937_64& rng, Table& table, size_t rows,
                              bool new_strings = false);

// Deletes a random set of live rows: none, a few, about half, or a
// contiguous range (sometimes whole chunks). Returns the Delete status.
absl::Status DeleteRandomRows(std::mt19937_64& rng, Table& table);

// Returns a table of RandomTableSchema() with `rows` row positions appended
// in a few batches, then DeleteRandomRows(). Aborts if the engine rejects
// the data (a bug in the engine or here).
Table RandomTable(std::mt19937_64& rng, size_t rows, TableOptions options = {});

// Returns a random filter over the columns of `schema` no deeper than
// `depth` levels of AND/OR/NOT above the leaves: comparisons (all six
// operators), [NOT] BETWEEN (empty ranges included), [NOT] IN (1-6 values),
// IS [NOT] NULL and TRUE/FALSE, with literals drawn from the data's domains
// (so they hit), fractional and huge numbers against int columns, strings
// missing from the data, and data_row_id predicates.
Expr RandomExpr(std::mt19937_64& rng, const Schema& schema, int depth);

// Returns "row 17 (live): data_row_id='a17' confidence=0.5 fp=NULL ...".
std::string RowDebugString(const Table& table, RowIndex row);

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_REFERENCE_H_
