// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A deterministic synthetic per-data-row metrics table, for the demo, the
// CLI, tests and benchmarks. Same model and, for the same row count and
// seed, byte-identical CSV as ../shared/peer/gen_metrics.cc (DuckDB's
// benchmark input), so slicekit and DuckDB can be compared on one table.
//
// Columns: data_row_id ("dr-%08d", 1..N), dataset (ds0..ds7, weights
// 1/(i+1)), split (train 70% / val 15% / test 15%), tp fp fn tn (capped
// geometric counts; fp >= 1 in ~30% of rows), precision recall f1 (from the
// counts, rounded half-up to 6 decimals; NULL when undefined), iou (2% NULL,
// 3% zero, else (k + 0.5) / 1e6 skewed high), confidence ((k + 0.5) / 1e6,
// skewed high). All randomness comes from one splitmix64 stream.
#ifndef SLICEKIT_EXAMPLES_METRICS_GENERATOR_H_
#define SLICEKIT_EXAMPLES_METRICS_GENERATOR_H_

#include <cstdint>
#include <cstdio>
#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"

namespace slicekit::examples {

// The CSV header line the generator writes (without the line break).
inline constexpr char kMetricsCsvHeader[] =
    "data_row_id,dataset,split,tp,fp,fn,tn,precision,recall,f1,iou,"
    "confidence";

// The schema of the generated table: the standard metric columns.
Schema MetricsSchema();

// Writes `rows` generated rows as CSV (header first, LF line ends, an empty
// field for NULL). Deterministic in (`rows`, `seed`). Errors: Unknown when
// writing fails (the message names the system error).
absl::Status WriteMetricsCsv(uint64_t rows, uint64_t seed, std::FILE* out);
// The same to a stream; failures show in the stream's state.
void WriteMetricsCsv(uint64_t rows, uint64_t seed, std::ostream& out);

// Returns the table that ReadCsv() makes of WriteMetricsCsv(rows, seed),
// built directly (no text). Errors: those of Table::Create and Append
// (for example a bad `options.chunk_rows`).
absl::StatusOr<Table> GenerateMetricsTable(uint64_t rows, uint64_t seed,
                                           TableOptions options = {});

}  // namespace slicekit::examples

#endif  // SLICEKIT_EXAMPLES_METRICS_GENERATOR_H_
