// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/table.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "src/table/encoding.h"
#include "src/table/table_impl.h"
#include "src/util/status_macros.h"

namespace slicekit {

// ---------------------------------------------------------------- Batch --

Batch::Batch(Schema schema)
    : schema_(std::move(schema)), columns_(schema_.num_columns()) {}

size_t Batch::num_rows() const {
  if (schema_.num_columns() == 0) return 0;
  return columns_[schema_.id_column()].valid.size();
}

void Batch::AppendFloat(int column, float value) {
  Column& c = columns_[column];
  c.floats.push_back(value);
  c.valid.push_back(1);
}

void Batch::AppendInt(int column, int64_t value) {
  Column& c = columns_[column];
  c.ints.push_back(value);
  c.valid.push_back(1);
}

void Batch::AppendString(int column, absl::string_view value) {
  Column& c = columns_[column];
  c.bytes.append(value.data(), value.size());
  c.string_ends.push_back(c.bytes.size());
  c.valid.push_back(1);
}

void Batch::AppendNull(int column) {
  Column& c = columns_[column];
  switch (schema_.column(column).type) {
    case ColumnType::kFloat:
      c.floats.push_back(0);
      break;
    case ColumnType::kInt:
      c.ints.push_back(0);
      break;
    case ColumnType::kCategorical:
    case ColumnType::kId:
      c.string_ends.push_back(c.bytes.size());
      break;
  }
  c.valid.push_back(0);
}

void Batch::Reserve(size_t rows) {
  for (int i = 0; i < schema_.num_columns(); ++i) {
    Column& c = columns_[i];
    c.valid.reserve(rows);
    switch (schema_.column(i).type) {
      case ColumnType::kFloat:
        c.floats.reserve(rows);
        break;
      case ColumnType::kInt:
        c.ints.reserve(rows);
        break;
      case ColumnType::kCategorical:
      case ColumnType::kId:
        c.string_ends.reserve(rows);
        break;
    }
  }
}

void Batch::Clear() {
  for (Column& c : columns_) {
    c.floats.clear();
    c.ints.clear();
    c.bytes.clear();
    c.string_ends.clear();
    c.valid.clear();
  }
}

absl::string_view Batch::StringAt(int index, size_t row) const {
  const Column& c = columns_[index];
  const size_t begin = row == 0 ? 0 : c.string_ends[row - 1];
  return absl::string_view(c.bytes.data() + begin, c.string_ends[row] - begin);
}

// ---------------------------------------------------------- ColumnChunk --

namespace internal {

size_t ColumnChunk::MemoryBytes() const {
  return sizeof(ColumnChunk) + validity.HeldBytes() + floats.HeldBytes() +
         u8.HeldBytes() + u16.HeldBytes() + u32.HeldBytes() + u64.HeldBytes() +
         id_bytes.HeldBytes() + id_ends.HeldBytes();
}

}  // namespace internal

namespace {

using internal::Chunk;
using internal::ColumnChunk;
using internal::TableImpl;

// Appends validity bits for `n` new rows after `old_size` rows. Creates the
// bitmap (all earlier rows valid) only when the first NULL arrives.
void AppendValidity(ColumnChunk& c, size_t old_size, const uint8_t* valid,
                    size_t n) {
  size_t nulls = 0;
  for (size_t i = 0; i < n; ++i) nulls += valid[i] == 0;
  if (nulls == 0 && c.validity.empty()) return;
  const size_t new_size = old_size + n;
  if (c.validity.empty()) {
    c.validity.assign((old_size + 63) / 64, ~uint64_t{0});
    if (old_size % 64 != 0) {
      c.validity.mutable_data()[c.validity.size() - 1] =
          (uint64_t{1} << (old_size % 64)) - 1;
    }
  }
  c.validity.resize((new_size + 63) / 64, 0);
  uint64_t* words = c.validity.mutable_data();
  for (size_t i = 0; i < n; ++i) {
    const size_t row = old_size + i;
    if (valid[i]) words[row / 64] |= uint64_t{1} << (row % 64);
  }
  c.null_count += static_cast<uint32_t>(nulls);
}

void AppendInts(ColumnChunk& c, size_t old_size, const int64_t* values,
                const uint8_t* valid, size_t n) {
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  for (size_t i = 0; i < n; ++i) {
    if (valid[i]) {
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
    }
  }
  if (lo <= hi) {
    const int64_t new_min = std::min(c.int_min, lo);
    const int64_t new_max = std::max(c.int_max, hi);
    const uint8_t needed =
        internal::WidthFor(internal::RangeAbove(new_min, new_max));
    if (!c.has_values()) {
      // Nothing valid stored yet: every stored slot is a NULL (0).
      c.base = new_min;
      if (needed != c.width) internal::Reencode(c, old_size, new_min, needed);
    } else if (new_min < c.base || needed > c.width) {
      internal::Reencode(c, old_size, new_min, std::max(needed, c.width));
    }
    c.int_min = new_min;
    c.int_max = new_max;
  }
  internal::StoreRelative(c, values, valid, n);
  AppendValidity(c, old_size, valid, n);
}

void AppendFloats(ColumnChunk& c, size_t old_size, const float* values,
                  const uint8_t* valid, size_t n) {
  const size_t old = c.floats.size();
  c.floats.resize(old + n);
  float* out = c.floats.mutable_data();
  for (size_t i = 0; i < n; ++i) {
    const float v = valid[i] ? values[i] : 0.0f;
    out[old + i] = v;
    if (valid[i]) {
      c.float_min = std::min(c.float_min, v);
      c.float_max = std::max(c.float_max, v);
    }
  }
  AppendValidity(c, old_size, valid, n);
}

void AppendId(ColumnChunk& c, size_t old_size, absl::string_view id) {
  if (old_size == 0) {
    c.id_fixed = true;
    c.id_ascending = true;
    c.id_width = static_cast<uint32_t>(id.size());
  } else if (c.id_ascending && !(c.IdAt(old_size - 1) < id)) {
    c.id_ascending = false;
  }
  if (old_size > 0 && c.id_fixed && id.size() != c.id_width) {
    c.id_fixed = false;
    c.id_ends.resize(old_size);
    uint32_t* ends = c.id_ends.mutable_data();
    for (size_t i = 0; i < old_size; ++i) {
      ends[i] = static_cast<uint32_t>((i + 1) * c.id_width);
    }
  }
  c.id_bytes.append(id.data(), id.size());
  if (!c.id_fixed)
    c.id_ends.push_back(static_cast<uint32_t>(c.id_bytes.size()));
}

void ShrinkChunk(Chunk& chunk) {
  for (ColumnChunk& c : chunk.columns) {
    c.ForEachBuffer([](auto& buffer) { buffer.shrink_to_fit(); });
  }
}

}  // namespace

// ---------------------------------------------------------------- Table --

namespace internal {
const TableImpl& ImplOf(const Table& table) { return *table.impl_; }
}  // namespace internal

Table::Table(std::unique_ptr<internal::TableImpl> impl)
    : impl_(std::move(impl)) {}
Table::Table(Table&&) noexcept = default;
Table& Table::operator=(Table&&) noexcept = default;
Table::~Table() = default;

absl::StatusOr<Table> Table::Create(Schema schema, TableOptions options) {
  if (schema.num_columns() == 0 || schema.id_column() < 0) {
    return absl::InvalidArgumentError(
        "a table needs a schema made by Schema::Create");
  }
  if (options.chunk_rows < 64 || options.chunk_rows > (size_t{1} << 20) ||
      !std::has_single_bit(options.chunk_rows)) {
    return absl::InvalidArgumentError(
        absl::StrCat("chunk_rows is ", options.chunk_rows,
                     "; it must be a power of two in [64, 1048576]"));
  }
  return Table(
      std::make_unique<internal::TableImpl>(std::move(schema), options));
}

const Schema& Table::schema() const { return impl_->schema; }
const TableOptions& Table::options() const { return impl_->options; }
size_t Table::num_rows() const { return impl_->num_rows; }
size_t Table::num_live_rows() const {
  return impl_->num_rows - impl_->num_deleted;
}

namespace {

// Every column of the batch has its rows, and every float is finite:
// checked before anything changes, so a bad batch leaves the table as it
// was.
absl::Status CheckBatch(const Schema& schema, const Batch& batch) {
  const size_t n = batch.num_rows();
  for (int c = 0; c < schema.num_columns(); ++c) {
    const Batch::Column& col = batch.column(c);
    const ColumnType type = schema.column(c).type;
    size_t len = 0;
    switch (type) {
      case ColumnType::kFloat:
        len = col.floats.size();
        break;
      case ColumnType::kInt:
        len = col.ints.size();
        break;
      case ColumnType::kCategorical:
      case ColumnType::kId:
        len = col.string_ends.size();
        break;
    }
    if (len != n || col.valid.size() != n) {
      return absl::FailedPreconditionError(
          absl::StrCat("batch column '", schema.column(c).name, "' has ",
                       col.valid.size(), " rows; the id column has ", n));
    }
    if (type == ColumnType::kFloat) {
      for (size_t i = 0; i < n; ++i) {
        if (col.valid[i] && !std::isfinite(col.floats[i])) {
          return absl::InvalidArgumentError(
              absl::StrCat("batch row ", i, ", column '", schema.column(c).name,
                           "': value ", col.floats[i], " is not finite"));
        }
      }
    }
  }
  return absl::OkStatus();
}

// Why the id of batch row `i` cannot be stored, if it cannot.
absl::Status CheckId(const Batch& batch, int id_col, size_t i) {
  if (!batch.column(id_col).valid[i]) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch row ", i, ": data_row_id is NULL"));
  }
  const absl::string_view id = batch.StringAt(id_col, i);
  if (id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch row ", i, ": data_row_id is empty"));
  }
  if (id.size() > std::numeric_limits<uint32_t>::max() / 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch row ", i, ": data_row_id is too long"));
  }
  return absl::OkStatus();
}

// Indexes the batch's ids, read from the batch while they are pending
// (t.pending): one probe per id finds duplicates against live rows and
// within the batch alike. On an error the entries added are taken out
// again and the index is as it was.
absl::Status IndexBatchIds(TableImpl& t, const Batch& batch,
                           RowIndex first_row) {
  const int id_col = t.schema.id_column();
  const size_t n = batch.num_rows();
  t.index.reserve(t.index.size() + n);
  absl::Status id_error;
  size_t indexed = 0;
  for (; indexed < n; ++indexed) {
    const size_t i = indexed;
    id_error = CheckId(batch, id_col, i);
    if (!id_error.ok()) break;
    const absl::string_view id = batch.StringAt(id_col, i);
    const internal::PrehashedId key(id);
    const RowIndex row = static_cast<RowIndex>(first_row + i);
    bool inserted = false;
    auto it = t.index.lazy_emplace(key, [&](const auto& construct) {
      inserted = true;
      construct(internal::IndexEntry{row, key.hash});
    });
    if (!inserted) {
      id_error = it->row < first_row
                     ? absl::InvalidArgumentError(
                           absl::StrCat("batch row ", i, ": data_row_id '", id,
                                        "' already exists in the table"))
                     : absl::InvalidArgumentError(absl::StrCat(
                           "batch row ", i, ": duplicate data_row_id '", id,
                           "' in the batch (first at batch row ",
                           it->row - first_row, ")"));
      break;
    }
  }
  if (!id_error.ok()) {
    for (size_t i = 0; i < indexed; ++i) {
      t.index.erase(internal::PrehashedId(batch.StringAt(id_col, i)));
    }
  }
  return id_error;
}

// The codes of batch rows [first, first + n) of categorical column `c`,
// adding strings the dictionary lacks (NULL slots: code 0).
void EncodeCategorical(internal::Dictionary& dict, const Batch& batch, int c,
                       size_t first, size_t n, const uint8_t* valid,
                       std::vector<int64_t>& codes) {
  codes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!valid[i]) {
      codes[i] = 0;
      continue;
    }
    const absl::string_view s = batch.StringAt(c, first + i);
    auto it = dict.codes.find(s);
    if (it == dict.codes.end()) {
      const int64_t code = static_cast<int64_t>(dict.strings.size());
      dict.strings.push_back(s);
      it = dict.codes.emplace(std::string(s), code).first;
    }
    codes[i] = it->second;
  }
}

// Appends batch rows [first, first + n) to the open chunk, which has room
// for them, column by column.
void AppendSlice(TableImpl& t, const Batch& batch, size_t first, size_t n,
                 std::vector<int64_t>& codes) {
  Chunk& chunk = t.chunks.back();
  const size_t old_size = chunk.size;
  for (int c = 0; c < t.schema.num_columns(); ++c) {
    const Batch::Column& col = batch.column(c);
    ColumnChunk& cc = chunk.columns[c];
    const uint8_t* valid = col.valid.data() + first;
    switch (t.schema.column(c).type) {
      case ColumnType::kFloat:
        AppendFloats(cc, old_size, col.floats.data() + first, valid, n);
        break;
      case ColumnType::kInt:
        AppendInts(cc, old_size, col.ints.data() + first, valid, n);
        break;
      case ColumnType::kCategorical:
        EncodeCategorical(t.dictionaries[c], batch, c, first, n, valid, codes);
        AppendInts(cc, old_size, codes.data(), valid, n);
        break;
      case ColumnType::kId:
        for (size_t i = 0; i < n; ++i) {
          AppendId(cc, old_size + i, batch.StringAt(c, first + i));
        }
        break;
    }
  }
  chunk.size = static_cast<uint32_t>(old_size + n);
  if (!chunk.deleted.empty()) chunk.deleted.resize((chunk.size + 63) / 64, 0);
  t.num_rows += n;
}

// Stores the batch, one chunk-sized slice at a time; a full chunk is
// shrunk to its size as it is closed.
void ApplyBatch(TableImpl& t, const Batch& batch) {
  const size_t n = batch.num_rows();
  const size_t chunk_rows = t.chunk_rows();
  std::vector<int64_t> codes;
  size_t done = 0;
  while (done < n) {
    if (t.chunks.empty() || t.chunks.back().size == chunk_rows) {
      if (!t.chunks.empty()) ShrinkChunk(t.chunks.back());
      t.chunks.emplace_back();
      t.chunks.back().columns.resize(t.schema.num_columns());
    }
    const size_t take = std::min(n - done, chunk_rows - t.chunks.back().size);
    AppendSlice(t, batch, done, take, codes);
    done += take;
  }
  if (!t.chunks.empty() && t.chunks.back().size == chunk_rows) {
    ShrinkChunk(t.chunks.back());
  }
}

}  // namespace

absl::Status Table::Append(const Batch& batch) {
  TableImpl& t = *impl_;
  if (!(batch.schema() == t.schema)) {
    return absl::FailedPreconditionError(
        "batch schema differs from the table's schema");
  }
  // A table opened from a file is copied into memory first.
  SLICEKIT_RETURN_IF_ERROR(t.MakeOwned());
  SLICEKIT_RETURN_IF_ERROR(CheckBatch(t.schema, batch));
  const size_t n = batch.num_rows();
  if (n > std::numeric_limits<RowIndex>::max() - t.num_rows) {
    return absl::ResourceExhaustedError(
        absl::StrCat("appending ", n, " rows to ", t.num_rows,
                     " would pass the limit of 4294967295 row positions"));
  }
  const RowIndex first_row = static_cast<RowIndex>(t.num_rows);
  t.pending = &batch;
  t.pending_first = first_row;
  absl::Status indexed = IndexBatchIds(t, batch, first_row);
  if (!indexed.ok()) {
    t.pending = nullptr;
    return indexed;
  }
  ApplyBatch(t, batch);
  t.pending = nullptr;
  return absl::OkStatus();
}

absl::Status Table::Delete(absl::Span<const std::string> ids) {
  TableImpl& t = *impl_;
  SLICEKIT_RETURN_IF_ERROR(t.MakeOwned());
  std::vector<RowIndex> rows;
  rows.reserve(ids.size());
  for (const std::string& id : ids) {
    auto it = t.index.find(internal::PrehashedId(id));
    if (it == t.index.end()) {
      return absl::NotFoundError(
          absl::StrCat("no live row has data_row_id '", id, "'"));
    }
    rows.push_back(it->row);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  for (RowIndex row : rows) {
    t.index.erase(internal::PrehashedId(t.RowId(row)));
    Chunk& chunk = t.chunks[t.ChunkOf(row)];
    if (chunk.deleted.empty()) chunk.deleted.assign((chunk.size + 63) / 64, 0);
    const size_t offset = t.OffsetOf(row);
    chunk.deleted.mutable_data()[offset / 64] |= uint64_t{1} << (offset % 64);
    ++chunk.num_deleted;
    ++t.num_deleted;
  }
  return absl::OkStatus();
}

void Table::Reserve(size_t rows) {
  // A table still mapped from a file builds its index only when changed.
  if (impl_->file != nullptr) return;
  impl_->index.reserve(impl_->index.size() + rows);
}

absl::StatusOr<std::optional<RowIndex>> Table::Find(
    absl::string_view id) const {
  SLICEKIT_RETURN_IF_ERROR(impl_->EnsureIndex());
  return impl_->FindLive(id);
}

absl::Status Table::CheckSelection(const Selection& selection) const {
  return internal::CheckSelection(*impl_, selection);
}

bool Table::IsLive(RowIndex row) const { return impl_->IsLive(row); }

Selection Table::LiveRows() const {
  Selection selection(impl_->num_rows);
  selection.set_generation(impl_->generation);
  std::vector<uint64_t>& words = selection.mutable_words();
  const size_t chunk_rows = impl_->chunk_rows();
  for (size_t c = 0; c < impl_->chunks.size(); ++c) {
    const Chunk& chunk = impl_->chunks[c];
    const size_t first_word = c * chunk_rows / 64;
    for (size_t w = 0; w < (chunk.size + 63) / 64; ++w) {
      uint64_t bits = ~uint64_t{0};
      if (!chunk.deleted.empty()) bits &= ~chunk.deleted[w];
      const size_t rows_in_word = std::min<size_t>(64, chunk.size - w * 64);
      if (rows_in_word < 64) bits &= (uint64_t{1} << rows_in_word) - 1;
      words[first_word + w] = bits;
    }
  }
  return selection;
}

uint64_t Table::generation() const { return impl_->generation; }

Table::Watermark Table::EndWatermark() const {
  return Watermark{static_cast<RowIndex>(impl_->num_rows), impl_->generation};
}

// ------------------------------------------------------------- Compact --

namespace {

void GatherValid(const ColumnChunk& c, const uint32_t* offsets, size_t n,
                 uint8_t* out) {
  if (c.validity.empty()) {
    std::memset(out, 1, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    out[i] = internal::TestBit(c.validity.data(), offsets[i]);
  }
}

size_t TotalBytes(const Table& table) {
  size_t bytes = table.DictionaryBytes(table.schema().id_column());
  for (int c = 0; c < table.schema().num_columns(); ++c) {
    bytes += table.ColumnBytes(c);
  }
  return bytes;
}

// The id index after compaction: a row's new position is its old one minus
// the deleted rows before it. Chunks are whole 64-row words, so a prefix
// count of deleted rows per word and one popcount give it; the stored
// hashes are reused, so no id is read or hashed again.
internal::IdIndex CompactedIndex(const TableImpl& t, size_t live) {
  const size_t words_per_chunk = t.chunk_rows() / 64;
  std::vector<uint32_t> deleted_before(t.chunks.size() * words_per_chunk + 1);
  uint32_t deleted = 0;
  for (size_t c = 0; c < t.chunks.size(); ++c) {
    const Chunk& chunk = t.chunks[c];
    for (size_t w = 0; w < words_per_chunk; ++w) {
      deleted_before[c * words_per_chunk + w] = deleted;
      if (w < chunk.deleted.size()) {
        deleted += static_cast<uint32_t>(std::popcount(chunk.deleted[w]));
      }
    }
  }
  internal::IdIndex index(0, internal::IdHash{}, internal::IdEq{&t});
  index.reserve(live);
  for (const internal::IndexEntry& e : t.index) {
    const size_t word = e.row / 64;
    const Chunk& chunk = t.chunks[t.ChunkOf(e.row)];
    const size_t word_in_chunk = t.OffsetOf(e.row) / 64;
    uint32_t moved = deleted_before[word];
    if (word_in_chunk < chunk.deleted.size()) {
      const uint64_t below = (uint64_t{1} << (e.row % 64)) - 1;
      moved += static_cast<uint32_t>(
          std::popcount(chunk.deleted[word_in_chunk] & below));
    }
    index.insert(internal::IndexEntry{e.row - moved, e.hash});
  }
  return index;
}

// Rebuilds the chunks from the live rows, one output chunk at a time: list
// the live rows that fill it (runs of offsets into input chunks), then per
// column gather them into a chunk-sized buffer and encode it in one call
// (one encoding pass, never a re-encode). Input chunks are freed as soon
// as they are used up, so memory peaks at about one chunk above the
// compacted size.
class ChunkCompactor {
 public:
  explicit ChunkCompactor(TableImpl& t)
      : t_(t),
        chunk_rows_(t.chunk_rows()),
        ints_(chunk_rows_),
        floats_(chunk_rows_),
        valid_(chunk_rows_) {
    offsets_.reserve(chunk_rows_);
  }

  std::vector<Chunk> Run(size_t live) {
    std::vector<Chunk> out;
    out.reserve((live + chunk_rows_ - 1) / chunk_rows_);
    size_t freed = 0;  // input chunks before this one are released
    while (in_chunk_ < t_.chunks.size()) {
      ListLiveRows();
      const size_t n = offsets_.size();
      if (n == 0) break;
      Chunk& dst = out.emplace_back();
      dst.columns.resize(t_.schema.num_columns());
      dst.size = static_cast<uint32_t>(n);
      for (int col = 0; col < t_.schema.num_columns(); ++col) {
        BuildColumn(col, dst.columns[col]);
      }
      ShrinkChunk(dst);
      for (; freed < in_chunk_; ++freed) t_.chunks[freed] = Chunk{};
    }
    return out;
  }

 private:
  // Live rows of one input chunk that go to the output chunk being built.
  struct LiveRun {
    size_t chunk;
    size_t begin;  // into the output chunk's offsets
    size_t end;
  };

  // The live rows that fill the next output chunk, from where the last
  // one ended.
  void ListLiveRows() {
    offsets_.clear();
    runs_.clear();
    while (offsets_.size() < chunk_rows_ && in_chunk_ < t_.chunks.size()) {
      const Chunk& chunk = t_.chunks[in_chunk_];
      const size_t begin = offsets_.size();
      for (; in_offset_ < chunk.size && offsets_.size() < chunk_rows_;
           ++in_offset_) {
        if (!chunk.IsDeleted(in_offset_)) {
          offsets_.push_back(static_cast<uint32_t>(in_offset_));
        }
      }
      if (offsets_.size() > begin) {
        runs_.push_back({in_chunk_, begin, offsets_.size()});
      }
      if (in_offset_ == chunk.size) {
        ++in_chunk_;
        in_offset_ = 0;
      }
    }
  }

  void BuildColumn(int col, ColumnChunk& cc) {
    const ColumnType type = t_.schema.column(col).type;
    for (const LiveRun& run : runs_) {
      const ColumnChunk& src = t_.chunks[run.chunk].columns[col];
      const uint32_t* offs = offsets_.data() + run.begin;
      const size_t m = run.end - run.begin;
      switch (type) {
        case ColumnType::kFloat:
          for (size_t i = 0; i < m; ++i) {
            floats_[run.begin + i] = src.floats[offs[i]];
          }
          GatherValid(src, offs, m, valid_.data() + run.begin);
          break;
        case ColumnType::kInt:
        case ColumnType::kCategorical:
          internal::GatherInts(src, offs, m, ints_.data() + run.begin);
          GatherValid(src, offs, m, valid_.data() + run.begin);
          break;
        case ColumnType::kId:
          for (size_t i = 0; i < m; ++i) {
            AppendId(cc, run.begin + i, src.IdAt(offs[i]));
          }
          break;
      }
    }
    const size_t n = offsets_.size();
    switch (type) {
      case ColumnType::kFloat:
        AppendFloats(cc, 0, floats_.data(), valid_.data(), n);
        break;
      case ColumnType::kInt:
      case ColumnType::kCategorical:
        AppendInts(cc, 0, ints_.data(), valid_.data(), n);
        break;
      case ColumnType::kId:
        break;
    }
  }

  TableImpl& t_;
  const size_t chunk_rows_;
  std::vector<uint32_t> offsets_;
  std::vector<LiveRun> runs_;
  std::vector<int64_t> ints_;
  std::vector<float> floats_;
  std::vector<uint8_t> valid_;
  size_t in_chunk_ = 0;   // the next input row to place: chunk
  size_t in_offset_ = 0;  // and offset in it
};

}  // namespace

// Compaction rebuilds the chunks from the live rows through the same
// Append* encoders that Append() uses, so widths, zone maps, validity
// bitmaps and fixed-width ids come out exactly as if the live rows had been
// appended to a fresh table. Dictionaries are kept as they are, unused
// strings included: BoundFilters (and so Curators and saved slices being
// explored) hold per-code lookup tables resolved at Bind(), and OrderPage
// cursors resolve strings through them, so codes must never change while
// the table lives; an unused string costs a few dozen bytes and categorical
// domains are small.
absl::StatusOr<Table::CompactionStats> Table::Compact() {
  TableImpl& t = *impl_;
  CompactionStats stats;
  stats.bytes_before = TotalBytes(*this);
  stats.rows_removed = t.num_deleted;
  if (t.num_deleted == 0) {
    // Nothing moves, so positions (and Selections) stay valid.
    stats.rows_after = t.num_rows;
    stats.bytes_after = stats.bytes_before;
    stats.generation = t.generation;
    return stats;
  }
  // A table opened from a file: verified and copied into memory before
  // anything moves, so a corrupt file leaves it unchanged.
  SLICEKIT_RETURN_IF_ERROR(t.MakeOwned());
  const size_t live = t.num_rows - t.num_deleted;
  internal::IdIndex index = CompactedIndex(t, live);
  std::vector<Chunk> chunks = ChunkCompactor(t).Run(live);
  t.chunks = std::move(chunks);
  t.index = std::move(index);
  t.num_rows = live;
  t.num_deleted = 0;
  ++t.generation;
  stats.rows_after = live;
  stats.bytes_after = TotalBytes(*this);
  stats.generation = t.generation;
  return stats;
}

absl::StatusOr<absl::string_view> Table::RowId(RowIndex row) const {
  SLICEKIT_RETURN_IF_ERROR(
      internal::VerifyColumn(*impl_, impl_->schema.id_column()));
  return impl_->RowId(row);
}

absl::StatusOr<std::optional<float>> Table::GetFloat(RowIndex row,
                                                     int column) const {
  SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumn(*impl_, column));
  return impl_->FloatValue(row, column);
}

absl::StatusOr<std::optional<int64_t>> Table::GetInt(RowIndex row,
                                                     int column) const {
  SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumn(*impl_, column));
  return impl_->IntValue(row, column);
}

absl::StatusOr<std::optional<absl::string_view>> Table::GetString(
    RowIndex row, int column) const {
  SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumn(*impl_, column));
  return impl_->StringValue(row, column);
}

size_t Table::ColumnBytes(int column) const {
  size_t bytes = 0;
  for (const Chunk& chunk : impl_->chunks) {
    bytes += chunk.columns[column].MemoryBytes();
  }
  return bytes;
}

size_t Table::DictionaryBytes(int column) const {
  if (impl_->schema.column(column).type == ColumnType::kId) {
    return impl_->index.capacity() * (sizeof(internal::IndexEntry) + 1);
  }
  const internal::Dictionary& dict = impl_->dictionaries[column];
  size_t bytes = dict.strings.HeldBytes();
  for (const auto& [s, code] : dict.codes) {
    bytes += s.size() > 15 ? s.capacity() : 0;
  }
  return bytes +
         dict.codes.capacity() * (sizeof(std::string) + sizeof(int64_t) + 1);
}

size_t Table::DictionarySize(int column) const {
  return impl_->dictionaries[column].strings.size();
}

}  // namespace slicekit
