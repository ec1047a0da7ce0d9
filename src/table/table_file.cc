// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The reader of the table file (docs/table-file.md): Table::Open maps the
// file read-only and points the table's buffers at the sections (written
// by table_file_writer.cc), so a scan reads the mapped pages in place.
//
// What is verified when: Open checks the header, the directory (schema,
// chunk sizes, zone maps, the section table) and the tombstones; each
// column's sections (values, validity, id offsets, dictionary) are checked
// at Open (TableOpenOptions::Verify::kAll) or the first time the column is
// read (kOnFirstUse), by table_file_verifier.cc.
#include "src/table/table_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/table.h"
#include "src/table/encoding.h"
#include "src/table/table_format.h"
#include "src/table/table_impl.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace internal {

FileBacking::~FileBacking() {
  if (base != nullptr && size > 0) {
    munmap(const_cast<uint8_t*>(base), size);
  }
}

std::string FileBacking::Describe(uint32_t index) const {
  const SectionEntry& s = sections[index];
  std::string where;
  if (s.chunk != kNoSection) absl::StrAppend(&where, "chunk ", s.chunk, " ");
  if (s.column != kNoSection && s.column < column_names.size()) {
    absl::StrAppend(&where, "column '", column_names[s.column], "' ");
  }
  return absl::StrCat("section ", index, " (", where, KindName(s.kind),
                      ", bytes ", s.offset, "..", s.offset + s.bytes, ")");
}

absl::Status FileBacking::Corrupt(uint32_t index,
                                  absl::string_view what) const {
  return absl::DataLossError(
      absl::StrCat(path, ": ", Describe(index), ": ", what));
}

absl::Status FileBacking::CheckChecksum(uint32_t index) const {
  const SectionEntry& s = sections[index];
  if (Checksum(version, base + s.offset, s.bytes) != s.crc) {
    return Corrupt(index, "checksum mismatch (the file is corrupt)");
  }
  return absl::OkStatus();
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  const int error = errno;
  const std::string message =
      absl::StrCat("cannot ", what, " '", path, "': ", std::strerror(error));
  if (error == ENOENT) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnavailableError(message);
}

absl::Status TableImpl::EnsureIndex() const {
  if (index_ready.load(std::memory_order_acquire)) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(index_mutex);
  if (index_tried) return index_status;
  index_tried = true;
  index_status = VerifyColumn(*this, schema.id_column());
  if (!index_status.ok()) return index_status;
  index.reserve(num_rows - num_deleted);
  for (size_t row = 0; row < num_rows; ++row) {
    if (!IsLive(static_cast<RowIndex>(row))) continue;
    const absl::string_view id = RowId(static_cast<RowIndex>(row));
    const PrehashedId key(id);
    bool inserted = false;
    auto it = index.lazy_emplace(key, [&](const auto& construct) {
      inserted = true;
      construct(IndexEntry{static_cast<RowIndex>(row), key.hash});
    });
    if (!inserted) {
      index_status = absl::DataLossError(
          absl::StrCat(file->path, ": data_row_id '", id, "' is in rows ",
                       it->row, " and ", row, " (the file is corrupt)"));
      index.clear();
      return index_status;
    }
  }
  index_ready.store(true, std::memory_order_release);
  return index_status;
}

absl::Status TableImpl::MakeOwned() {
  if (file == nullptr) return absl::OkStatus();
  for (int c = 0; c < schema.num_columns(); ++c) {
    SLICEKIT_RETURN_IF_ERROR(VerifyColumn(*this, c));
  }
  SLICEKIT_RETURN_IF_ERROR(EnsureIndex());
  for (Chunk& chunk : chunks) {
    chunk.deleted.MakeOwned();
    for (ColumnChunk& c : chunk.columns) {
      c.ForEachBuffer([](auto& buffer) { buffer.MakeOwned(); });
    }
  }
  for (Dictionary& dict : dictionaries) {
    dict.strings.bytes.MakeOwned();
    dict.strings.ends.MakeOwned();
    dict.codes.clear();
    dict.codes.reserve(dict.strings.size());
    for (size_t i = 0; i < dict.strings.size(); ++i) {
      // A forged file may repeat a string; the first code wins, as Find().
      dict.codes.emplace(std::string(dict.strings[i]), static_cast<int64_t>(i));
    }
  }
  file.reset();
  column_verified.reset();
  return absl::OkStatus();
}

namespace {

// Builds the errors of one Open, each naming the file and the part of it
// at fault.
class OpenErrors {
 public:
  explicit OpenErrors(const std::string& path) : path_(path) {}

  // "<path>: <what>".
  absl::Status Corrupt(absl::string_view what) const {
    return absl::DataLossError(absl::StrCat(path_, ": ", what));
  }
  absl::Status Header(absl::string_view what) const {
    return Corrupt(absl::StrCat("header: ", what));
  }
  absl::Status Directory(absl::string_view what) const {
    return Corrupt(absl::StrCat("directory: ", what));
  }
  // A chunk's column record.
  absl::Status Cell(uint32_t chunk, absl::string_view column,
                    absl::string_view what) const {
    return Directory(
        absl::StrCat("chunk ", chunk, ", column '", column, "': ", what));
  }
  absl::Status NotATableFile() const {
    return absl::InvalidArgumentError(
        absl::StrCat(path_,
                     ": not a slicekit table file (its first bytes are not the "
                     "table file magic)"));
  }
  absl::Status NewerVersion(uint32_t version) const {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": table file format version ", version,
                     " is newer than this build of slicekit reads (",
                     kFormatVersion, "); upgrade slicekit"));
  }

 private:
  const std::string& path_;
};

// One chunk's column while it is read from its record.
struct CellRef {
  uint32_t chunk;
  uint32_t column;
  absl::string_view name;
  uint32_t size;  // the chunk's rows
  const ColumnMeta& meta;
  ColumnChunk& out;
};

// Reads one table file, part by part, in the order the checks must run:
// the header before the directory (its place and checksum), the directory
// before any section it names, each section through the one record that
// names it. Each step either fills its part of the table or returns the
// first inconsistency, so the error does not depend on how the steps are
// cut. Everything after the directory's checksum rejects only a file that
// a faulty or hostile writer made.
class TableFileReader {
 public:
  explicit TableFileReader(std::shared_ptr<FileBacking> file)
      : file_(std::move(file)), errors_(file_->path) {}

  absl::StatusOr<std::unique_ptr<TableImpl>> Read() {
    SLICEKIT_RETURN_IF_ERROR(ReadHeader());
    SLICEKIT_ASSIGN_OR_RETURN(Schema schema, ReadDirectory());
    SLICEKIT_RETURN_IF_ERROR(CheckSectionPlaces());
    impl_ = std::make_unique<TableImpl>(
        std::move(schema), TableOptions{.chunk_rows = head_.chunk_rows});
    impl_->num_rows = head_.num_rows;
    impl_->num_deleted = head_.num_deleted;
    impl_->generation = head_.generation;
    SLICEKIT_RETURN_IF_ERROR(ReadDictionaries());
    SLICEKIT_RETURN_IF_ERROR(ReadChunks());
    SLICEKIT_RETURN_IF_ERROR(CheckTotals());
    const uint32_t num_columns = head_.num_columns;
    impl_->column_verified.reset(new std::atomic<uint8_t>[num_columns]);
    for (uint32_t col = 0; col < num_columns; ++col) {
      impl_->column_verified[col].store(0, std::memory_order_relaxed);
    }
    impl_->index_ready.store(false, std::memory_order_relaxed);
    impl_->file = std::move(file_);
    return std::move(impl_);
  }

 private:
  // Magic, version, the header's checksum, the file's size, the
  // directory's place and checksum.
  absl::Status ReadHeader() {
    const uint8_t* base = file_->base;
    const uint64_t size = file_->size;
    if (size < kTableFileMagic.size() ||
        std::memcmp(base, kTableFileMagic.data(), kTableFileMagic.size()) !=
            0) {
      return errors_.NotATableFile();
    }
    if (size < sizeof(FileHeader)) {
      return errors_.Header(absl::StrCat("truncated (the file has ", size,
                                         " bytes; the header alone is 64)"));
    }
    header_ = DecodeHeader(base);
    // The version is checked before the header's checksum: a newer version
    // may lay out the rest of the header differently.
    if (header_.version > kFormatVersion) {
      return errors_.NewerVersion(header_.version);
    }
    if (header_.version == 0) return errors_.Header("format version 0");
    file_->version = header_.version;
    if (HeaderCrc(header_) != header_.header_crc) {
      return errors_.Header("checksum mismatch (the file is corrupt)");
    }
    // Versions 1 and 2 have no flags: a reader that ignored one would
    // misread a file whose writer meant something by it (a change that
    // needs one bumps the version instead), so any set bit, like a reserved
    // byte that is not 0, is a forged or damaged header.
    if (header_.flags != 0) {
      return errors_.Header(absl::StrCat(
          "unknown flags 0x", absl::Hex(header_.flags, absl::kZeroPad8),
          " (format version ", header_.version, " has none)"));
    }
    for (const uint8_t byte : header_.reserved) {
      if (byte != 0) return errors_.Header("reserved bytes are not 0");
    }
    if (header_.file_bytes != size) {
      return errors_.Header(absl::StrCat(
          "the file should have ", header_.file_bytes, " bytes but has ", size,
          size < header_.file_bytes ? " (truncated)" : ""));
    }
    if (header_.header_bytes != sizeof(FileHeader) ||
        header_.directory_offset < sizeof(FileHeader) ||
        header_.directory_offset % kAlign != 0 ||
        header_.directory_offset > size ||
        header_.directory_bytes != size - header_.directory_offset) {
      return errors_.Header("the directory's place is inconsistent");
    }
    if (Checksum(header_.version, base + header_.directory_offset,
                 header_.directory_bytes) != header_.directory_crc) {
      return errors_.Directory("checksum mismatch (the file is corrupt)");
    }
    return absl::OkStatus();
  }

  // The head, the schema, the counts, then the records they size.
  absl::StatusOr<Schema> ReadDirectory() {
    DirectoryReader in(file_->base + header_.directory_offset,
                       header_.directory_bytes);
    if (!in.Read(&head_)) return errors_.Directory("truncated head");
    if (head_.reserved != 0) {
      return errors_.Directory("the head's reserved bytes are not 0");
    }
    SLICEKIT_ASSIGN_OR_RETURN(Schema schema, ReadSchema(in));
    SLICEKIT_RETURN_IF_ERROR(CheckCounts());
    if (in.pos() + RecordBytes(head_) != header_.directory_bytes) {
      return errors_.Directory("its size disagrees with its counts");
    }
    records_ = DecodeRecords(in, head_);
    file_->sections = std::move(records_.sections);
    for (const ColumnSpec& spec : specs_) {
      file_->column_names.push_back(spec.name);
    }
    file_->column_sections.resize(head_.num_columns);
    file_->cell_sections.resize(uint64_t{head_.num_chunks} * head_.num_columns);
    file_->dictionary_sections.resize(head_.num_columns);
    claimed_.assign(head_.num_sections, 0);
    return schema;
  }

  absl::StatusOr<Schema> ReadSchema(DirectoryReader& in) {
    absl::StatusOr<std::vector<ColumnSpec>> columns = DecodeColumns(in, head_);
    if (!columns.ok()) return errors_.Directory(columns.status().message());
    specs_ = *std::move(columns);
    absl::StatusOr<Schema> schema = Schema::Create(specs_);
    if (!schema.ok()) {
      return errors_.Directory(
          absl::StrCat("invalid schema: ", schema.status().message()));
    }
    if (head_.id_column != static_cast<uint32_t>(schema->id_column())) {
      return errors_.Directory("the id column disagrees with the schema");
    }
    return schema;
  }

  absl::Status CheckCounts() const {
    const uint64_t chunk_rows = head_.chunk_rows;
    if (chunk_rows < 64 || chunk_rows > (uint64_t{1} << 20) ||
        !std::has_single_bit(chunk_rows)) {
      return errors_.Directory(absl::StrCat("invalid chunk size ", chunk_rows));
    }
    if (head_.num_rows > std::numeric_limits<RowIndex>::max() ||
        head_.num_deleted > head_.num_rows ||
        head_.num_chunks != (head_.num_rows + chunk_rows - 1) / chunk_rows) {
      return errors_.Directory("row and chunk counts disagree");
    }
    return absl::OkStatus();
  }

  // Sections lie in file order, aligned, inside the data area (that each is
  // used exactly once by the record naming it is checked as they are
  // claimed, and in CheckTotals).
  absl::Status CheckSectionPlaces() const {
    uint64_t end = sizeof(FileHeader);
    for (uint32_t i = 0; i < head_.num_sections; ++i) {
      const SectionEntry& s = file_->sections[i];
      if (s.offset % kAlign != 0 || s.offset < end ||
          s.offset > header_.directory_offset ||
          s.bytes > header_.directory_offset - s.offset) {
        return errors_.Directory(
            absl::StrCat("section ", i, " lies outside the data area"));
      }
      end = s.offset + s.bytes;
    }
    return absl::OkStatus();
  }

  // Resolves a record's section reference: the entry must be of this kind,
  // chunk and column, of exactly `bytes` bytes, and not claimed before.
  // Files it under its column for the verifier.
  absl::StatusOr<const SectionEntry*> Claim(uint32_t index, uint32_t kind,
                                            uint32_t chunk, uint32_t column,
                                            uint64_t bytes) {
    if (index >= head_.num_sections || claimed_[index]) {
      return errors_.Directory(absl::StrCat(
          "a ", KindName(kind), " reference names no section or a used one"));
    }
    const SectionEntry& s = file_->sections[index];
    if (s.kind != kind || s.chunk != chunk || s.column != column) {
      return errors_.Directory(absl::StrCat(file_->Describe(index),
                                            " is named as ", KindName(kind)));
    }
    if (s.bytes != bytes) {
      return errors_.Directory(absl::StrCat(file_->Describe(index),
                                            " should have ", bytes, " bytes"));
    }
    claimed_[index] = 1;
    if (column != kNoSection) {
      file_->column_sections[column].push_back(index);
      if (chunk == kNoSection) {
        file_->dictionary_sections[column].push_back(index);
      } else {
        file_->cell_sections[uint64_t{chunk} * head_.num_columns + column]
            .push_back(index);
      }
    }
    return &s;
  }

  // Where a section's bytes are mapped.
  template <typename T>
  const T* At(const SectionEntry* s) const {
    return reinterpret_cast<const T*>(file_->base + s->offset);
  }

  absl::Status ReadDictionaries() {
    for (uint32_t col = 0; col < head_.num_columns; ++col) {
      const DictionaryMeta& d = records_.dictionaries[col];
      if (specs_[col].type != ColumnType::kCategorical) {
        if (d.size != 0 || d.ends != kNoSection || d.bytes != kNoSection) {
          return errors_.Directory(
              absl::StrCat("column '", specs_[col].name,
                           "' is not categorical but has a dictionary"));
        }
        continue;
      }
      if (d.size > (header_.directory_offset / 8)) {
        return errors_.Directory("impossible dictionary size");
      }
      SLICEKIT_ASSIGN_OR_RETURN(
          const SectionEntry* ends,
          Claim(d.ends, kDictionaryEnds, kNoSection, col, d.size * 8));
      if (d.bytes >= head_.num_sections) {
        return errors_.Directory("missing dictionary bytes");
      }
      SLICEKIT_ASSIGN_OR_RETURN(const SectionEntry* bytes,
                                Claim(d.bytes, kDictionaryBytes, kNoSection,
                                      col, file_->sections[d.bytes].bytes));
      StringList& strings = impl_->dictionaries[col].strings;
      strings.ends.View(At<uint64_t>(ends), d.size);
      strings.bytes.View(At<char>(bytes), bytes->bytes);
    }
    return absl::OkStatus();
  }

  absl::Status ReadChunks() {
    impl_->chunks.resize(head_.num_chunks);
    for (uint32_t k = 0; k < head_.num_chunks; ++k) {
      SLICEKIT_RETURN_IF_ERROR(ReadChunk(k));
    }
    return absl::OkStatus();
  }

  absl::Status ReadChunk(uint32_t k) {
    const ChunkMeta& cm = records_.chunks[k];
    Chunk& chunk = impl_->chunks[k];
    const bool last = k + 1 == head_.num_chunks;
    if (cm.size == 0 || cm.size > head_.chunk_rows ||
        (!last && cm.size != head_.chunk_rows) || cm.num_deleted > cm.size) {
      return errors_.Directory(
          absl::StrCat("chunk ", k, " has an impossible size"));
    }
    chunk.size = cm.size;
    chunk.num_deleted = cm.num_deleted;
    rows_ += cm.size;
    deleted_ += cm.num_deleted;
    SLICEKIT_RETURN_IF_ERROR(ReadTombstones(k, cm, chunk));
    chunk.columns.resize(head_.num_columns);
    for (uint32_t col = 0; col < head_.num_columns; ++col) {
      SLICEKIT_RETURN_IF_ERROR(ReadCell(
          CellRef{k, col, specs_[col].name, cm.size,
                  records_.cells[uint64_t{k} * head_.num_columns + col],
                  chunk.columns[col]}));
    }
    return absl::OkStatus();
  }

  // Tombstones are small and every scan reads them: verified now.
  absl::Status ReadTombstones(uint32_t k, const ChunkMeta& cm, Chunk& chunk) {
    if (cm.num_deleted == 0) {
      if (cm.tombstones != kNoSection) {
        return errors_.Directory(
            absl::StrCat("chunk ", k, " has tombstones but no deletion"));
      }
      return absl::OkStatus();
    }
    const uint64_t words = BitmapWords(cm.size);
    SLICEKIT_ASSIGN_OR_RETURN(
        const SectionEntry* s,
        Claim(cm.tombstones, kTombstones, k, kNoSection, words * 8));
    SLICEKIT_RETURN_IF_ERROR(file_->CheckChecksum(cm.tombstones));
    const uint64_t* bits = At<uint64_t>(s);
    bool stray = false;
    if (CountBits(bits, cm.size, &stray) != cm.num_deleted || stray) {
      return file_->Corrupt(cm.tombstones, "the deleted count disagrees");
    }
    chunk.deleted.View(bits, words);
    return absl::OkStatus();
  }

  static uint64_t BitmapWords(uint32_t rows) {
    return (uint64_t{rows} + 63) / 64;
  }

  absl::Status BadCell(const CellRef& cell, absl::string_view what) const {
    return errors_.Cell(cell.chunk, cell.name, what);
  }

  // The NULL count and validity, then the values of the column's type.
  absl::Status ReadCell(const CellRef& cell) {
    const ColumnMeta& m = cell.meta;
    const ColumnType type = specs_[cell.column].type;
    if (m.null_count > cell.size) {
      return BadCell(cell, "NULL count above size");
    }
    cell.out.null_count = m.null_count;
    if ((m.validity != kNoSection) != (m.null_count > 0)) {
      return BadCell(cell, "validity present without NULLs or missing");
    }
    if (m.null_count > 0) {
      if (type == ColumnType::kId) return BadCell(cell, "a NULL id");
      const uint64_t words = BitmapWords(cell.size);
      SLICEKIT_ASSIGN_OR_RETURN(
          const SectionEntry* s,
          Claim(m.validity, kValidity, cell.chunk, cell.column, words * 8));
      cell.out.validity.View(At<uint64_t>(s), words);
    }
    switch (type) {
      case ColumnType::kFloat:
        return ReadFloats(cell);
      case ColumnType::kInt:
      case ColumnType::kCategorical:
        return ReadInts(cell, type == ColumnType::kCategorical);
      case ColumnType::kId:
        return ReadIds(cell);
    }
    return absl::OkStatus();
  }

  absl::Status ReadFloats(const CellRef& cell) {
    const ColumnMeta& m = cell.meta;
    const bool has_values = m.null_count < cell.size;
    cell.out.float_min = m.float_min;
    cell.out.float_max = m.float_max;
    if (has_values != (m.float_min <= m.float_max) ||
        (has_values &&
         !(std::isfinite(m.float_min) && std::isfinite(m.float_max)))) {
      return BadCell(cell, "invalid zone map");
    }
    SLICEKIT_ASSIGN_OR_RETURN(const SectionEntry* values,
                              Claim(m.values, kValues, cell.chunk, cell.column,
                                    uint64_t{cell.size} * 4));
    cell.out.floats.View(At<float>(values), cell.size);
    return absl::OkStatus();
  }

  // Integers and codes: a width the encoding knows, a zone map that holds
  // every value at that width, codes inside the dictionary.
  absl::Status ReadInts(const CellRef& cell, bool categorical) {
    const ColumnMeta& m = cell.meta;
    const bool has_values = m.null_count < cell.size;
    ColumnChunk& c = cell.out;
    c.int_min = m.int_min;
    c.int_max = m.int_max;
    c.base = m.base;
    c.width = m.width;
    if (!IsWidth(m.width)) return BadCell(cell, "invalid width");
    if (has_values != (m.int_min <= m.int_max) ||
        (has_values && (m.base != m.int_min ||
                        WidthFor(RangeAbove(m.base, m.int_max)) > m.width))) {
      return BadCell(cell, "invalid zone map");
    }
    if (categorical && has_values &&
        (m.base < 0 || static_cast<uint64_t>(m.int_max) >=
                           records_.dictionaries[cell.column].size)) {
      return BadCell(cell, "codes outside the dictionary");
    }
    if (categorical && !has_values && m.base != 0) {
      return BadCell(cell, "invalid zone map");
    }
    SLICEKIT_ASSIGN_OR_RETURN(const SectionEntry* values,
                              Claim(m.values, kValues, cell.chunk, cell.column,
                                    uint64_t{cell.size} * m.width));
    ViewRelative(c, At<uint8_t>(values), cell.size);
    return absl::OkStatus();
  }

  // Ids: fixed-width without offsets, or offsets into their bytes.
  absl::Status ReadIds(const CellRef& cell) {
    const ColumnMeta& m = cell.meta;
    ColumnChunk& c = cell.out;
    c.id_fixed = m.id_fixed != 0;
    c.id_ascending = m.id_ascending != 0;
    c.id_width = m.id_width;
    if (m.id_fixed > 1 || m.id_ascending > 1) {
      return BadCell(cell, "invalid flags");
    }
    const SectionEntry* values = nullptr;
    if (c.id_fixed) {
      if (m.id_width == 0 || m.id_ends != kNoSection) {
        return BadCell(cell, "invalid fixed-width ids");
      }
      SLICEKIT_ASSIGN_OR_RETURN(
          values, Claim(m.values, kValues, cell.chunk, cell.column,
                        uint64_t{cell.size} * m.id_width));
    } else {
      SLICEKIT_ASSIGN_OR_RETURN(const SectionEntry* ends,
                                Claim(m.id_ends, kIdEnds, cell.chunk,
                                      cell.column, uint64_t{cell.size} * 4));
      if (m.values >= head_.num_sections) {
        return BadCell(cell, "no id bytes");
      }
      SLICEKIT_ASSIGN_OR_RETURN(
          values, Claim(m.values, kValues, cell.chunk, cell.column,
                        file_->sections[m.values].bytes));
      if (values->bytes > std::numeric_limits<uint32_t>::max()) {
        return BadCell(cell, "id bytes too long");
      }
      c.id_ends.View(At<uint32_t>(ends), cell.size);
    }
    c.id_bytes.View(At<char>(values), values->bytes);
    return absl::OkStatus();
  }

  // The chunks add up to the head's counts, and no section is left over.
  absl::Status CheckTotals() const {
    if (rows_ != head_.num_rows || deleted_ != head_.num_deleted) {
      return errors_.Directory("chunk sizes disagree with the row counts");
    }
    for (uint32_t i = 0; i < head_.num_sections; ++i) {
      if (!claimed_[i]) {
        return errors_.Directory(absl::StrCat("section ", i, " is not used"));
      }
    }
    return absl::OkStatus();
  }

  std::shared_ptr<FileBacking> file_;
  const OpenErrors errors_;
  FileHeader header_{};
  DirectoryHead head_{};
  std::vector<ColumnSpec> specs_;
  DirectoryRecords records_;      // its sections moved to file_->sections
  std::vector<uint8_t> claimed_;  // per section
  std::unique_ptr<TableImpl> impl_;
  uint64_t rows_ = 0;
  uint64_t deleted_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TableImpl>> OpenTable(
    std::shared_ptr<FileBacking> file) {
  return TableFileReader(std::move(file)).Read();
}

absl::StatusOr<std::shared_ptr<FileBacking>> MapFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    absl::Status status = ErrnoError("stat", path);
    ::close(fd);
    return status;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a slicekit table file (not a regular file)"));
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a slicekit table file (the file is empty)"));
  }
  void* base = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);  // the mapping keeps the file
  if (base == MAP_FAILED) return ErrnoError("map", path);
  return std::make_shared<FileBacking>(path, static_cast<const uint8_t*>(base),
                                       size);
}

}  // namespace internal

absl::StatusOr<Table> Table::Open(const std::string& path,
                                  TableOpenOptions options) {
  SLICEKIT_ASSIGN_OR_RETURN(std::shared_ptr<internal::FileBacking> file,
                            internal::MapFile(path));
  SLICEKIT_ASSIGN_OR_RETURN(std::unique_ptr<internal::TableImpl> impl,
                            internal::OpenTable(std::move(file)));
  Table table(std::move(impl));
  if (options.verify == TableOpenOptions::Verify::kAll) {
    SLICEKIT_RETURN_IF_ERROR(table.Verify());
  }
  return table;
}

}  // namespace slicekit
