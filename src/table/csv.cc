// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
//
// The CSV loader. Choices beyond the contract in csv.h:
//  - Positions in errors are `source:line:column`, both 1-based; the line is
//    the physical line (a line break inside a quoted field starts a new
//    one), the column is the byte offset within that line of the field's
//    first byte (its opening quote when quoted), so editors jump to it.
//  - A leading UTF-8 byte-order mark is skipped.
//  - Only `\n` and `\r\n` end a record; a lone `\r` is data. A `"` inside an
//    unquoted field is data too (as in Python's csv); after a closing quote
//    only `,` or a line end may follow.
//  - An empty field, quoted (`""`) or not, is NULL. A blank line is a record
//    with one empty field, so it is a ragged row unless the table has one
//    column (then it is an empty id).
//  - Values are not trimmed: ` 5` is not an integer.
//  - Numbers: an optional sign (`+` or `-`), then what std::from_chars
//    accepts in general format (`12`, `-0.5`, `.5`, `1e-3`). An int column
//    also takes a number with an integral value up to 2^53 (`3.0`, `1e3`),
//    as pandas writes integer columns that hold NULLs. A float too small
//    for float32 rounds to zero; one too large is an error.
//  - `nan`, `inf`, `infinity` (any case) are errors in a float or int
//    column; for inference they are text, so they make a column
//    categorical.
//  - Inference is by syntax over all rows: an integer field that does not
//    fit int64 still makes its column int and is then an error (a silent
//    float would lose digits). A column whose every field is empty is
//    categorical, as DuckDB's read_csv does.
//  - At most kMaxColumns columns.
//  - Errors come in file order: the first bad record, unless an earlier
//    row repeats an id.
//
// Speed: one pass over the text (two when some column needs inference),
// std::from_chars for numbers, 64K-row Batches. From 8 MB up a second
// thread parses while the caller appends, so loading costs about what
// Table::Append does. ReadCsvFile reads the file into memory rather than
// mapping it: a mapped file truncated by another process mid-load would
// kill the process with SIGBUS, and no input may crash the loader.
#include "slicekit/csv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/table/table_impl.h"
#include "src/util/file_buffer.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

// Rows per Batch handed to Table::Append.
constexpr size_t kBatchRows = 65536;
// The most columns a header may name.
constexpr size_t kMaxColumns = 65536;
// Text below this size is parsed on the calling thread alone.
constexpr ptrdiff_t kPipelineMinBytes = ptrdiff_t{8} << 20;
// Batches in flight between the parsing thread and the appending one.
constexpr int kPipelineBatches = 3;
// Field text longer than this is shortened in error messages.
constexpr size_t kMaxQuotedBytes = 40;

// Rows parsed into a Batch, on their way to Table::Append.
struct ParsedBatch {
  // `rows` is only a capacity hint: the most rows this batch is expected to
  // hold, so that a small text does not reserve kBatchRows rows per column.
  ParsedBatch(const Schema& schema, size_t rows) : batch(schema) {
    batch.Reserve(rows);
    id_fields.reserve(rows);
  }
  Batch batch;
  // The id field of each complete row, for error messages.
  std::vector<const char*> id_fields;
  // A bad record that ends the load after the complete rows.
  absl::Status status;
  // True when nothing follows: the text ended or a record was bad.
  bool last = false;
};

// One field of a record, pointing into the text.
struct Field {
  const char* raw;    // first byte: the opening quote of a quoted field
  const char* begin;  // the value (between the quotes when quoted)
  const char* end;
  bool escaped;  // holds `""` pairs that stand for one `"`

  bool empty() const { return begin == end; }
};

// Returns `text` for an error message: at most kMaxQuotedBytes bytes, in
// single quotes; a quote or backslash gets a backslash, other bytes outside
// printable ASCII become \xNN.
std::string Quote(absl::string_view text) {
  const bool shortened = text.size() > kMaxQuotedBytes;
  if (shortened) text = text.substr(0, kMaxQuotedBytes);
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  out += shortened ? "...'" : "'";
  return out;
}

// Splits CSV text into records. Positions it reports point into the text.
class Tokenizer {
 public:
  Tokenizer(const char* begin, const char* end) : p_(begin), end_(end) {}

  bool done() const { return p_ == end_; }
  const char* position() const { return p_; }

  // Reads the next record. Stores its first `max_fields` fields in `fields`
  // (cleared first) and returns the record's field count, or -1 on a
  // malformed quote (then `error_at` and `error` say where and what).
  // `*record_end` is set to the record's line break (or the end of text).
  // REQUIRES: !done().
  int64_t Next(size_t max_fields, std::vector<Field>* fields,
               const char** record_end) {
    fields->clear();
    int64_t count = 0;
    while (true) {
      Field field;
      field.raw = p_;
      field.escaped = false;
      bool last = false;
      if (p_ != end_ && *p_ == '"') {
        // Quoted: runs to the next quote not doubled.
        const char* q = p_ + 1;
        field.begin = q;
        while (true) {
          q = static_cast<const char*>(std::memchr(q, '"', end_ - q));
          if (q == nullptr) {
            error_at_ = field.raw;
            error_ = "unterminated quoted field";
            return -1;
          }
          if (q + 1 != end_ && q[1] == '"') {
            field.escaped = true;
            q += 2;
            continue;
          }
          break;
        }
        field.end = q;
        p_ = q + 1;
        if (p_ == end_) {
          *record_end = p_;
          last = true;
        } else if (*p_ == ',') {
          ++p_;
        } else if (*p_ == '\n') {
          *record_end = p_;
          ++p_;
          last = true;
        } else if (*p_ == '\r' && p_ + 1 != end_ && p_[1] == '\n') {
          *record_end = p_;
          p_ += 2;
          last = true;
        } else {
          error_at_ = p_;
          error_ = "unexpected text after closing quote";
          return -1;
        }
      } else {
        // Unquoted: runs to the next comma or line break.
        const char* q = p_;
        while (q != end_ && *q != ',' && *q != '\n') ++q;
        field.begin = p_;
        field.end = q;
        if (q == end_) {
          p_ = q;
          *record_end = q;
          last = true;
        } else if (*q == ',') {
          p_ = q + 1;
        } else {
          if (q != field.begin && q[-1] == '\r') --field.end;
          *record_end = field.end;
          p_ = q + 1;
          last = true;
        }
      }
      if (static_cast<size_t>(count) < max_fields) fields->push_back(field);
      ++count;
      if (last) return count;
    }
  }

  const char* error_at() const { return error_at_; }
  const char* error() const { return error_; }

 private:
  const char* p_;
  const char* end_;
  const char* error_at_ = nullptr;
  const char* error_ = nullptr;
};

// Strips one leading `+` so that from_chars (which takes only `-`) reads
// `+5`; returns false when what is left cannot be a number ("+", "+-5").
bool StripPlus(absl::string_view* text) {
  if (!text->empty() && text->front() == '+') {
    text->remove_prefix(1);
    return !text->empty() && text->front() != '-';
  }
  return true;
}

// True when `text` is an optional sign and one or more ASCII digits.
bool IsIntegerSyntax(absl::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// True when `text` is a finite decimal number, whatever its magnitude.
bool IsNumberSyntax(absl::string_view text) {
  if (!StripPlus(&text)) return false;
  double value;
  const auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ptr != text.data() + text.size()) return false;
  if (ec == std::errc::result_out_of_range) return true;
  return ec == std::errc() && std::isfinite(value);
}

// For a number from_chars could not represent: true when its magnitude is
// below one (an underflow), false when above (an overflow).
// REQUIRES: IsNumberSyntax(text).
bool MagnitudeBelowOne(absl::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  // The value lies in [10^(e-1), 10^e) for e = the digits before the point
  // from the first non-zero one, or minus the zeros after the point before
  // the first non-zero digit, plus the exponent.
  int64_t int_digits = 0;
  int64_t fraction_zeros = 0;
  bool nonzero = false;
  bool point = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    const char c = text[i];
    if (c == '.') {
      point = true;
    } else if (!point) {
      if (nonzero || c != '0') {
        nonzero = true;
        ++int_digits;
      }
    } else if (!nonzero) {
      if (c == '0') {
        ++fraction_zeros;
      } else {
        nonzero = true;
      }
    }
  }
  if (!nonzero) return true;  // zero, however written
  int64_t e = int_digits > 0 ? int_digits : -fraction_zeros;
  if (i < text.size()) {
    ++i;  // 'e' or 'E'
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      negative = text[i] == '-';
      ++i;
    }
    int64_t exponent = 0;
    for (; i < text.size(); ++i) {
      exponent =
          std::min<int64_t>(exponent * 10 + (text[i] - '0'), int64_t{1} << 40);
    }
    e += negative ? -exponent : exponent;
  }
  return e <= 0;
}

class CsvReader {
 public:
  CsvReader(absl::string_view text, absl::string_view source,
            const CsvOptions& options)
      : text_(text), source_(source), options_(options) {
    // Editors do not count a byte-order mark as a column.
    if (absl::StartsWith(text_, "\xEF\xBB\xBF")) text_.remove_prefix(3);
    begin_ = text_.data();
    end_ = text_.data() + text_.size();
  }

  absl::StatusOr<Table> Read() {
    if (text_.empty()) return ErrorAt(begin_, "empty file");
    SLICEKIT_RETURN_IF_ERROR(ReadHeader());
    SLICEKIT_RETURN_IF_ERROR(InferTypes());
    std::vector<ColumnSpec> specs;
    specs.reserve(names_.size());
    for (size_t c = 0; c < names_.size(); ++c) {
      specs.push_back({names_[c], types_[c]});
    }
    SLICEKIT_ASSIGN_OR_RETURN(Schema schema, Schema::Create(std::move(specs)));
    SLICEKIT_ASSIGN_OR_RETURN(Table table,
                              Table::Create(schema, options_.table));
    // Sized once from the line length of the first megabyte: a growing id
    // index rehashes every entry at each doubling, into fresh pages.
    const size_t sample =
        std::min<size_t>(static_cast<size_t>(end_ - data_begin_), 1 << 20);
    const size_t lines = static_cast<size_t>(
        std::count(data_begin_, data_begin_ + sample, '\n'));
    if (lines > 0) {
      table.Reserve(static_cast<size_t>(
          static_cast<double>(end_ - data_begin_) * 1.05 *
          static_cast<double>(lines) / static_cast<double>(sample)));
    }
    SLICEKIT_RETURN_IF_ERROR(Load(schema, &table));
    return table;
  }

 private:
  // Returns InvalidArgument "source:line:column: message" for `at`.
  absl::Status ErrorAt(const char* at, absl::string_view message) const {
    const size_t line = 1 + std::count(begin_, at, '\n');
    const char* line_start = at;
    while (line_start != begin_ && line_start[-1] != '\n') --line_start;
    return absl::InvalidArgumentError(absl::StrCat(
        source_, ":", line, ":", at - line_start + 1, ": ", message));
  }

  absl::Status ColumnError(const Field& field, int column,
                           absl::string_view what) const {
    return ErrorAt(field.raw,
                   absl::StrCat("column ", Quote(names_[column]), ": ",
                                Quote(Value(field)), " ", what));
  }

  // Returns the field's value with `""` collapsed (into scratch_ if needed).
  absl::string_view Value(const Field& field) const {
    if (!field.escaped) {
      return absl::string_view(field.begin, field.end - field.begin);
    }
    scratch_.clear();
    for (const char* p = field.begin; p != field.end; ++p) {
      scratch_.push_back(*p);
      if (*p == '"') ++p;  // skip the second quote of a pair
    }
    return scratch_;
  }

  // Reads the next record into fields_, requiring exactly names_.size()
  // fields. Returns the status of a malformed or ragged record.
  absl::Status NextRecord(Tokenizer* tokenizer) {
    const char* record_end;
    const int64_t count = tokenizer->Next(names_.size(), &fields_, &record_end);
    if (count < 0) return ErrorAt(tokenizer->error_at(), tokenizer->error());
    if (static_cast<size_t>(count) != names_.size()) {
      const char* at = record_end;
      if (static_cast<size_t>(count) > names_.size()) {
        // Point at the first extra field: it starts after the comma that
        // ends the last kept field (after its closing quote, if quoted).
        const Field& last = fields_.back();
        at = last.end + (last.raw != last.begin ? 2 : 1);
      }
      return ErrorAt(
          at, absl::StrCat("row has ", count, count == 1 ? " field" : " fields",
                           "; the header has ", names_.size()));
    }
    return absl::OkStatus();
  }

  absl::Status ReadHeader() {
    Tokenizer tokenizer(begin_, end_);
    const char* record_end;
    const int64_t count =
        tokenizer.Next(kMaxColumns + 1, &fields_, &record_end);
    if (count < 0) return ErrorAt(tokenizer.error_at(), tokenizer.error());
    if (static_cast<size_t>(count) > kMaxColumns) {
      return ErrorAt(fields_.back().raw,
                     absl::StrCat("more than ", kMaxColumns, " columns"));
    }
    absl::flat_hash_map<std::string, int> seen;
    for (const Field& field : fields_) {
      std::string name(Value(field));
      if (name.empty()) return ErrorAt(field.raw, "empty column name");
      if (!seen.emplace(name, static_cast<int>(names_.size())).second) {
        return ErrorAt(field.raw,
                       absl::StrCat("duplicate column name ", Quote(name)));
      }
      names_.push_back(std::move(name));
    }
    if (!seen.contains(kDataRowIdColumn)) {
      return ErrorAt(begin_, absl::StrCat("header has no '", kDataRowIdColumn,
                                          "' column"));
    }
    data_begin_ = tokenizer.position();
    return absl::OkStatus();
  }

  // Sets types_: standard columns from their names, others from the data.
  absl::Status InferTypes() {
    enum class Seen { kNothing, kInts, kNumbers, kText };
    std::vector<int> inferred;
    std::vector<Seen> seen;
    types_.resize(names_.size());
    for (size_t c = 0; c < names_.size(); ++c) {
      if (std::optional<ColumnType> type = StandardColumnType(names_[c])) {
        types_[c] = *type;
      } else {
        inferred.push_back(static_cast<int>(c));
        seen.push_back(Seen::kNothing);
      }
    }
    if (inferred.empty()) return absl::OkStatus();

    size_t open = inferred.size();  // columns that may still be numeric
    Tokenizer tokenizer(data_begin_, end_);
    while (!tokenizer.done() && open > 0) {
      // A bad record stops inference here; loading reports it in order.
      if (!NextRecord(&tokenizer).ok()) break;
      for (size_t i = 0; i < inferred.size(); ++i) {
        Seen& s = seen[i];
        const Field& field = fields_[inferred[i]];
        if (s == Seen::kText || field.empty()) continue;
        const absl::string_view value = Value(field);
        if (s != Seen::kNumbers && IsIntegerSyntax(value)) {
          s = Seen::kInts;
        } else if (IsNumberSyntax(value)) {
          s = Seen::kNumbers;
        } else {
          s = Seen::kText;
          --open;
        }
      }
    }
    for (size_t i = 0; i < inferred.size(); ++i) {
      switch (seen[i]) {
        case Seen::kInts:
          types_[inferred[i]] = ColumnType::kInt;
          break;
        case Seen::kNumbers:
          types_[inferred[i]] = ColumnType::kFloat;
          break;
        case Seen::kNothing:
        case Seen::kText:
          types_[inferred[i]] = ColumnType::kCategorical;
          break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status AppendInt(const Field& field, int column, Batch* batch) const {
    absl::string_view text = Value(field);
    int64_t value = 0;
    if (StripPlus(&text)) {
      const auto [ptr, ec] =
          std::from_chars(text.data(), text.data() + text.size(), value);
      if (ptr == text.data() + text.size()) {
        if (ec == std::errc()) {
          batch->AppendInt(column, value);
          return absl::OkStatus();
        }
        if (ec == std::errc::result_out_of_range) {
          return ColumnError(field, column, "is out of the int64 range");
        }
      }
      // `3.0` or `1e3`: an integral number written as a float.
      double d;
      const auto [dptr, dec] =
          std::from_chars(text.data(), text.data() + text.size(), d);
      constexpr double kExact = 9007199254740992.0;  // 2^53
      if (dptr == text.data() + text.size() && dec == std::errc() &&
          std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= kExact) {
        batch->AppendInt(column, static_cast<int64_t>(d));
        return absl::OkStatus();
      }
    }
    return ColumnError(field, column, "is not an integer");
  }

  absl::Status AppendFloat(const Field& field, int column, Batch* batch) const {
    absl::string_view text = Value(field);
    float value = 0;
    if (StripPlus(&text)) {
      const auto [ptr, ec] =
          std::from_chars(text.data(), text.data() + text.size(), value);
      if (ptr == text.data() + text.size()) {
        if (ec == std::errc()) {
          if (!std::isfinite(value)) {
            return ColumnError(field, column, "is not a finite number");
          }
          batch->AppendFloat(column, value);
          return absl::OkStatus();
        }
        if (ec == std::errc::result_out_of_range) {
          if (!MagnitudeBelowOne(text)) {
            return ColumnError(field, column, "is out of the float32 range");
          }
          batch->AppendFloat(column, text.front() == '-' ? -0.0f : 0.0f);
          return absl::OkStatus();
        }
      }
    }
    return ColumnError(field, column, "is not a number");
  }

  // Returns the id field of data record `row` (0-based), by reading again.
  // Only for error messages. Thread-safe: touches no member state.
  const char* IdFieldOfRow(size_t row, int id_column) const {
    Tokenizer tokenizer(data_begin_, end_);
    std::vector<Field> fields;
    const char* record_end;
    for (size_t r = 0; r < row; ++r) {
      tokenizer.Next(0, &fields, &record_end);
    }
    tokenizer.Next(names_.size(), &fields, &record_end);
    return fields[id_column].raw;
  }

  // Returns the error for the first of `parsed`'s complete rows whose id is
  // already in `table` or earlier in the batch, or nullopt when none is.
  std::optional<absl::Status> DuplicateIdError(const Table& table,
                                               const ParsedBatch& parsed,
                                               int id_column) const {
    absl::flat_hash_map<absl::string_view, size_t> in_batch;
    for (size_t i = 0; i < parsed.id_fields.size(); ++i) {
      const absl::string_view id = parsed.batch.StringAt(id_column, i);
      const char* first = nullptr;
      // The CSV reader's own table, built in memory: its index is built.
      if (std::optional<RowIndex> row = internal::ImplOf(table).FindLive(id)) {
        first = IdFieldOfRow(*row, id_column);
      } else if (auto it = in_batch.find(id); it != in_batch.end()) {
        first = parsed.id_fields[it->second];
      }
      if (first != nullptr) {
        const size_t first_line = 1 + std::count(begin_, first, '\n');
        return ErrorAt(
            parsed.id_fields[i],
            absl::StrCat("column '", kDataRowIdColumn, "': duplicate id ",
                         Quote(id), " (first on line ", first_line, ")"));
      }
      in_batch.emplace(id, i);
    }
    return std::nullopt;
  }

  // Parses records into `out` (cleared first) until it holds kBatchRows
  // rows, the text ends, or a record is bad; sets out->status, out->last.
  // Uses fields_ and scratch_: one thread at a time.
  void ParseBatch(Tokenizer* tokenizer, ParsedBatch* out) {
    Batch& batch = out->batch;
    batch.Clear();
    out->id_fields.clear();
    out->status = absl::OkStatus();
    const int id_column = batch.schema().id_column();
    while (!tokenizer->done() && out->id_fields.size() < kBatchRows) {
      absl::Status status = ParseRow(tokenizer, &batch);
      if (!status.ok()) {
        // The batch may hold part of the bad row: never append it.
        out->status = std::move(status);
        out->last = true;
        return;
      }
      out->id_fields.push_back(fields_[id_column].raw);
    }
    out->last = tokenizer->done();
  }

  // Appends the next record to `batch`. On error the batch may hold some
  // of the record's fields.
  absl::Status ParseRow(Tokenizer* tokenizer, Batch* batch) {
    SLICEKIT_RETURN_IF_ERROR(NextRecord(tokenizer));
    const int num_columns = static_cast<int>(types_.size());
    for (int c = 0; c < num_columns; ++c) {
      const Field& field = fields_[c];
      switch (types_[c]) {
        case ColumnType::kId:
          if (field.empty()) {
            return ErrorAt(field.raw, absl::StrCat("column '", kDataRowIdColumn,
                                                   "': empty id"));
          }
          batch->AppendString(c, Value(field));
          break;
        case ColumnType::kCategorical:
          if (field.empty()) {
            batch->AppendNull(c);
          } else {
            batch->AppendString(c, Value(field));
          }
          break;
        case ColumnType::kInt:
          if (field.empty()) {
            batch->AppendNull(c);
          } else {
            SLICEKIT_RETURN_IF_ERROR(AppendInt(field, c, batch));
          }
          break;
        case ColumnType::kFloat:
          if (field.empty()) {
            batch->AppendNull(c);
          } else {
            SLICEKIT_RETURN_IF_ERROR(AppendFloat(field, c, batch));
          }
          break;
      }
    }
    return absl::OkStatus();
  }

  // Appends `parsed` to `table`, or returns the first error of its rows in
  // file order: a duplicate id among the rows before a bad record comes
  // before that record's error.
  absl::Status Deliver(const ParsedBatch& parsed, Table* table) const {
    const int id_column = parsed.batch.schema().id_column();
    if (!parsed.status.ok()) {
      std::optional<absl::Status> duplicate =
          DuplicateIdError(*table, parsed, id_column);
      return duplicate ? *duplicate : parsed.status;
    }
    if (parsed.id_fields.empty()) return absl::OkStatus();
    absl::Status status = table->Append(parsed.batch);
    if (status.ok()) return status;
    // The only row error not caught while parsing is a duplicate id.
    if (std::optional<absl::Status> duplicate =
            DuplicateIdError(*table, parsed, id_column)) {
      return *duplicate;
    }
    return absl::Status(status.code(),
                        absl::StrCat(source_, ": ", status.message()));
  }

  absl::Status Load(const Schema& schema, Table* table) {
    // Parse on a second thread while this one appends, when there is
    // enough text to be worth a thread.
    if (end_ - data_begin_ >= kPipelineMinBytes &&
        std::thread::hardware_concurrency() > 1) {
      std::optional<absl::Status> status = LoadPipelined(schema, table);
      if (status) return *status;  // else no thread: load on this one
    }
    // Every well-formed record but the last takes at least one byte per
    // column (the commas and the line end), which bounds the rows of the
    // text; should a text hold more, the batch just grows.
    const size_t max_rows = static_cast<size_t>(end_ - data_begin_) /
                                std::max(1, schema.num_columns()) +
                            1;
    ParsedBatch parsed(schema, std::min(kBatchRows, max_rows));
    Tokenizer tokenizer(data_begin_, end_);
    do {
      ParseBatch(&tokenizer, &parsed);
      SLICEKIT_RETURN_IF_ERROR(Deliver(parsed, table));
    } while (!parsed.last);
    return absl::OkStatus();
  }

  // Parses on a worker thread, appending here in order, with up to
  // kPipelineBatches batches in flight. Returns nullopt, having done
  // nothing, when no thread can be started.
  std::optional<absl::Status> LoadPipelined(const Schema& schema,
                                            Table* table) {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::unique_ptr<ParsedBatch>> empty, full;
    bool cancelled = false;
    for (int i = 0; i < kPipelineBatches; ++i) {
      empty.push_back(std::make_unique<ParsedBatch>(schema, kBatchRows));
    }
    auto parse = [&] {
      Tokenizer tokenizer(data_begin_, end_);
      while (true) {
        std::unique_ptr<ParsedBatch> parsed;
        {
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] { return cancelled || !empty.empty(); });
          if (cancelled) return;
          parsed = std::move(empty.front());
          empty.pop_front();
        }
        ParseBatch(&tokenizer, parsed.get());
        const bool last = parsed->last;
        {
          std::lock_guard<std::mutex> lock(mutex);
          full.push_back(std::move(parsed));
        }
        changed.notify_all();
        if (last) return;
      }
    };
    std::thread worker;
    try {
      worker = std::thread(parse);
    } catch (const std::system_error&) {
      return std::nullopt;
    }

    absl::Status status;
    while (true) {
      std::unique_ptr<ParsedBatch> parsed;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return !full.empty(); });
        parsed = std::move(full.front());
        full.pop_front();
      }
      status = Deliver(*parsed, table);
      if (!status.ok() || parsed->last) break;
      {
        std::lock_guard<std::mutex> lock(mutex);
        empty.push_back(std::move(parsed));
      }
      changed.notify_all();
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      cancelled = true;
    }
    changed.notify_all();
    worker.join();
    return status;
  }

  absl::string_view text_;
  const char* begin_;
  const char* end_;
  const char* data_begin_ = nullptr;  // the first record after the header
  std::string source_;
  const CsvOptions& options_;
  std::vector<std::string> names_;
  std::vector<ColumnType> types_;
  std::vector<Field> fields_;    // the current record
  mutable std::string scratch_;  // unescaped quoted values
};

}  // namespace

const std::vector<ColumnSpec>& StandardColumns() {
  static const std::vector<ColumnSpec>* const kStandard =
      new std::vector<ColumnSpec>{
          {std::string(kDataRowIdColumn), ColumnType::kId},
          {"dataset", ColumnType::kCategorical},
          {"split", ColumnType::kCategorical},
          {"tp", ColumnType::kInt},
          {"fp", ColumnType::kInt},
          {"fn", ColumnType::kInt},
          {"tn", ColumnType::kInt},
          {"precision", ColumnType::kFloat},
          {"recall", ColumnType::kFloat},
          {"f1", ColumnType::kFloat},
          {"iou", ColumnType::kFloat},
          {"confidence", ColumnType::kFloat},
      };
  return *kStandard;
}

std::optional<ColumnType> StandardColumnType(absl::string_view name) {
  for (const ColumnSpec& standard : StandardColumns()) {
    if (standard.name == name) return standard.type;
  }
  return std::nullopt;
}

absl::StatusOr<Table> ReadCsv(absl::string_view text,
                              absl::string_view source_name,
                              const CsvOptions& options) {
  return CsvReader(text, source_name, options).Read();
}

absl::StatusOr<Table> ReadCsvFile(const std::string& path,
                                  const CsvOptions& options) {
  std::error_code error_code;
  if (std::filesystem::is_directory(path, error_code)) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "': it is a directory"));
  }
  // Read whole into huge pages (src/util/file_buffer.h): one page fault per
  // 2 MB rather than per 4 KB.
  SLICEKIT_ASSIGN_OR_RETURN(const internal::FileBuffer text,
                            internal::FileBuffer::Read(path));
  return ReadCsv(text.view(), path, options);
}

}  // namespace slicekit
