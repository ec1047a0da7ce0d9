// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes the CSV table loader (slicekit/csv.h):
//  - ReadCsv either succeeds or returns InvalidArgument that starts with
//    the source name;
//  - a loaded table keeps its promises: a `data_row_id` column, the standard
//    columns with their fixed types, every row live with a unique, non-empty
//    id that Find() maps back to the row, no NaN or infinite floats;
//  - the chunk size is invisible: a load with 64-row chunks (many chunks,
//    zone maps and storage widths per chunk) reads back exactly like one
//    with the default size;
//  - the table holds what an independent splitter (written here from the
//    rules in csv.h and at the top of src/table/csv.cc) finds in the text: the
//    header names, one row per record, NULL exactly for empty fields, and
//    the bytes of every string field.
// Any violation aborts, which libFuzzer reports as a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "slicekit/csv.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"
#include "tests/fuzz/fail.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "csv_fuzzer";

constexpr absl::string_view kSource = "fuzz.csv";

void CheckTable(const Table& table) {
  const Schema& schema = table.schema();
  const int id_column = schema.id_column();
  if (id_column < 0 || schema.column(id_column).name != kDataRowIdColumn) {
    fuzz::Fail(kTarget, "no data_row_id column", "");
  }
  for (const ColumnSpec& spec : schema.columns()) {
    std::optional<ColumnType> standard = StandardColumnType(spec.name);
    if (standard.has_value() && *standard != spec.type) {
      fuzz::Fail(kTarget, "a standard column has the wrong type", spec.name);
    }
  }
  if (table.num_live_rows() != table.num_rows())
    fuzz::Fail(kTarget, "deleted rows", "");
  for (size_t r = 0; r < table.num_rows(); ++r) {
    const RowIndex row = static_cast<RowIndex>(r);
    const absl::string_view id = table.RowId(row).value();
    if (id.empty()) fuzz::Fail(kTarget, "empty id", std::to_string(r));
    if (table.Find(id).value() != row)
      fuzz::Fail(kTarget, "Find(RowId(row)) != row", id);
    for (int c = 0; c < schema.num_columns(); ++c) {
      if (schema.column(c).type == ColumnType::kFloat) {
        std::optional<float> v = table.GetFloat(row, c).value();
        if (v.has_value() && !std::isfinite(*v))
          fuzz::Fail(kTarget, "non-finite float", id);
      }
    }
  }
}

// Returns whether cell (row, column) reads the same in both tables.
bool SameCell(const Table& a, const Table& b, RowIndex row, int column) {
  switch (a.schema().column(column).type) {
    case ColumnType::kFloat: {
      std::optional<float> x = a.GetFloat(row, column).value();
      std::optional<float> y = b.GetFloat(row, column).value();
      // Bit-exact, so -0 and 0 differ.
      return x.has_value() == y.has_value() &&
             (!x.has_value() || std::signbit(*x) == std::signbit(*y)) && x == y;
    }
    case ColumnType::kInt:
      return a.GetInt(row, column).value() == b.GetInt(row, column).value();
    case ColumnType::kCategorical:
    case ColumnType::kId:
      return a.GetString(row, column).value() ==
             b.GetString(row, column).value();
  }
  return false;
}

// Splits `text` into records of fields: a leading byte-order mark is
// skipped; records end at `\n` or `\r\n` (a lone `\r` is data); a field
// starting with `"` is quoted (`""` for a quote, line breaks allowed) and
// must be followed by `,`, a line end or the end of the text; other fields
// run to the next `,` or line end, quotes included. Returns nullopt for a
// malformed quote.
std::optional<std::vector<std::vector<std::string>>> SplitCsv(
    absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::vector<std::string>> records;
  size_t i = 0;
  while (i < text.size()) {
    std::vector<std::string> record;
    bool record_done = false;
    while (!record_done) {
      std::string field;
      if (i < text.size() && text[i] == '"') {
        ++i;
        while (true) {
          if (i == text.size()) return std::nullopt;
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field.push_back(text[i++]);
        }
        if (i == text.size()) {
          record_done = true;
        } else if (text[i] == ',') {
          ++i;
        } else if (text[i] == '\n') {
          ++i;
          record_done = true;
        } else if (text.substr(i, 2) == "\r\n") {
          i += 2;
          record_done = true;
        } else {
          return std::nullopt;
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n') {
          field.push_back(text[i++]);
        }
        if (i == text.size()) {
          record_done = true;
        } else if (text[i] == ',') {
          ++i;
        } else {
          if (!field.empty() && field.back() == '\r') field.pop_back();
          ++i;
          record_done = true;
        }
      }
      record.push_back(std::move(field));
    }
    records.push_back(std::move(record));
  }
  return records;
}

// Checks a loaded table against the splitter's records.
void CheckAgainstSplit(const Table& table, absl::string_view input) {
  const std::optional<std::vector<std::vector<std::string>>> records =
      SplitCsv(input);
  if (!records.has_value())
    fuzz::Fail(kTarget, "loaded text the splitter rejects", "");
  const Schema& schema = table.schema();
  const size_t num_columns = static_cast<size_t>(schema.num_columns());
  if (records->empty() || (*records)[0].size() != num_columns) {
    fuzz::Fail(kTarget, "header differs from the splitter's", "");
  }
  if (records->size() - 1 != table.num_rows()) {
    fuzz::Fail(kTarget, "row count differs from the splitter's",
               std::to_string(records->size() - 1) + " vs " +
                   std::to_string(table.num_rows()));
  }
  for (size_t c = 0; c < num_columns; ++c) {
    if ((*records)[0][c] != schema.column(static_cast<int>(c)).name) {
      fuzz::Fail(kTarget, "column name differs from the splitter's",
                 (*records)[0][c]);
    }
  }
  for (size_t r = 0; r < table.num_rows(); ++r) {
    const std::vector<std::string>& record = (*records)[r + 1];
    if (record.size() != num_columns)
      fuzz::Fail(kTarget, "loaded a ragged row", "");
    const RowIndex row = static_cast<RowIndex>(r);
    for (int c = 0; c < schema.num_columns(); ++c) {
      const std::string& field = record[static_cast<size_t>(c)];
      bool null = false;
      switch (schema.column(c).type) {
        case ColumnType::kFloat:
          null = !table.GetFloat(row, c).value().has_value();
          break;
        case ColumnType::kInt:
          null = !table.GetInt(row, c).value().has_value();
          break;
        case ColumnType::kCategorical:
        case ColumnType::kId: {
          std::optional<absl::string_view> value =
              table.GetString(row, c).value();
          null = !value.has_value();
          if (value.has_value() && *value != field) {
            fuzz::Fail(kTarget, "string differs from the splitter's", field);
          }
          break;
        }
      }
      if (null != field.empty()) {
        fuzz::Fail(kTarget, "NULL where the field is not empty, or the reverse",
                   field);
      }
    }
  }
}

void TestOneInput(absl::string_view input) {
  CsvOptions small_chunks;
  small_chunks.table.chunk_rows = 64;
  absl::StatusOr<Table> table = ReadCsv(input, kSource, small_chunks);
  absl::StatusOr<Table> plain = ReadCsv(input, kSource);
  if (table.ok() != plain.ok() ||
      (!table.ok() && table.status() != plain.status())) {
    fuzz::Fail(kTarget, "the chunk size changes the outcome",
               table.status().ToString() + " vs " + plain.status().ToString());
  }
  if (!table.ok()) {
    if (table.status().code() != absl::StatusCode::kInvalidArgument ||
        !absl::StartsWith(table.status().message(), kSource)) {
      fuzz::Fail(kTarget, "error is not InvalidArgument naming the source",
                 table.status().ToString());
    }
    return;
  }
  CheckTable(*table);
  CheckAgainstSplit(*table, input);
  if (!(plain->schema() == table->schema()) ||
      plain->num_rows() != table->num_rows()) {
    fuzz::Fail(kTarget, "the chunk size changes the schema or row count", "");
  }
  for (size_t r = 0; r < table->num_rows(); ++r) {
    for (int c = 0; c < table->schema().num_columns(); ++c) {
      if (!SameCell(*table, *plain, static_cast<RowIndex>(r), c)) {
        fuzz::Fail(
            kTarget, "the chunk size changes a value",
            table->schema().column(c).name + " row " + std::to_string(r));
      }
    }
  }
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
