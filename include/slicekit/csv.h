// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_CSV_H_
#define SLICEKIT_CSV_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"

namespace slicekit {

struct CsvOptions {
  TableOptions table;
};

// The fixed type of a standard metric column (`data_row_id` id; `dataset`,
// `split` categorical; `tp fp fn tn` int; `precision recall f1 iou
// confidence` float), or nullopt for any other name.
std::optional<ColumnType> StandardColumnType(absl::string_view name);

// The standard metric columns with their fixed types, in the order of the
// peer benchmark's CSV header: data_row_id, dataset, split, tp, fp, fn, tn,
// precision, recall, f1, iou, confidence.
const std::vector<ColumnSpec>& StandardColumns();

// Loads a CSV table (RFC 4180: header row, comma separated, fields may be
// double-quoted with "" as an escaped quote, LF or CRLF line ends). Standard
// columns have their fixed types; any other column is int if every non-empty
// field is an integer, else float if every one is a number, else
// categorical. An empty field is NULL. Errors are InvalidArgument naming the
// source, the 1-based line and column: a ragged row, a non-number in a
// numeric column, NaN or infinity, an empty or duplicate id, an unterminated
// quote, an empty file, a header without `data_row_id` or with a repeated
// name.
absl::StatusOr<Table> ReadCsv(absl::string_view text,
                              absl::string_view source_name = "<input>",
                              const CsvOptions& options = {});

// Reads the file at `path`, then ReadCsv(). NotFound when it cannot be opened.
absl::StatusOr<Table> ReadCsvFile(const std::string& path,
                                  const CsvOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_CSV_H_
