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

absl::Status FileBacking::CheckCrc(uint32_t index) const {
  const SectionEntry& s = sections[index];
  if (Crc(base + s.offset, s.bytes) != s.crc) {
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

absl::StatusOr<std::unique_ptr<TableImpl>> OpenTable(
    std::shared_ptr<FileBacking> file) {
  const std::string& path = file->path;
  const uint8_t* base = file->base;
  const uint64_t size = file->size;
  auto corrupt = [&](absl::string_view what) {
    return absl::DataLossError(absl::StrCat(path, ": ", what));
  };
  if (size < kTableFileMagic.size() ||
      std::memcmp(base, kTableFileMagic.data(), kTableFileMagic.size()) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": not a slicekit table file (its first bytes are not the "
                     "table file magic)"));
  }
  if (size < sizeof(FileHeader)) {
    return corrupt(absl::StrCat("header: truncated (the file has ", size,
                                " bytes; the header alone is 64)"));
  }
  const FileHeader header = DecodeHeader(base);
  // The version is checked before the header's checksum: a newer version
  // may lay out the rest of the header differently.
  if (header.version > kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": table file format version ", header.version,
                     " is newer than this build of slicekit reads (",
                     kFormatVersion, "); upgrade slicekit"));
  }
  if (header.version == 0) return corrupt("header: format version 0");
  if (HeaderCrc(header) != header.header_crc) {
    return corrupt("header: checksum mismatch (the file is corrupt)");
  }
  if (header.file_bytes != size) {
    return corrupt(absl::StrCat(
        "header: the file should have ", header.file_bytes, " bytes but has ",
        size, size < header.file_bytes ? " (truncated)" : ""));
  }
  if (header.header_bytes != sizeof(FileHeader) ||
      header.directory_offset < sizeof(FileHeader) ||
      header.directory_offset % kAlign != 0 || header.directory_offset > size ||
      header.directory_bytes != size - header.directory_offset) {
    return corrupt("header: the directory's place is inconsistent");
  }
  const uint8_t* dir = base + header.directory_offset;
  if (Crc(dir, header.directory_bytes) != header.directory_crc) {
    return corrupt("directory: checksum mismatch (the file is corrupt)");
  }

  // The directory: its checksum passed, so what follows rejects only a
  // file that a faulty or hostile writer made.
  DirectoryReader in(dir, header.directory_bytes);
  DirectoryHead head;
  if (!in.Read(&head)) return corrupt("directory: truncated head");
  auto bad = [&](absl::string_view what) {
    return corrupt(absl::StrCat("directory: ", what));
  };
  absl::StatusOr<std::vector<ColumnSpec>> columns = DecodeColumns(in, head);
  if (!columns.ok()) return bad(columns.status().message());
  const std::vector<ColumnSpec>& specs = *columns;
  absl::StatusOr<Schema> schema = Schema::Create(specs);
  if (!schema.ok()) {
    return bad(absl::StrCat("invalid schema: ", schema.status().message()));
  }
  if (head.id_column != static_cast<uint32_t>(schema->id_column())) {
    return bad("the id column disagrees with the schema");
  }
  const uint64_t chunk_rows = head.chunk_rows;
  if (chunk_rows < 64 || chunk_rows > (uint64_t{1} << 20) ||
      !std::has_single_bit(chunk_rows)) {
    return bad(absl::StrCat("invalid chunk size ", chunk_rows));
  }
  if (head.num_rows > std::numeric_limits<RowIndex>::max() ||
      head.num_deleted > head.num_rows ||
      head.num_chunks != (head.num_rows + chunk_rows - 1) / chunk_rows) {
    return bad("row and chunk counts disagree");
  }
  const uint64_t num_columns = head.num_columns;
  const uint64_t cells = uint64_t{head.num_chunks} * num_columns;
  if (in.pos() + RecordBytes(head) != header.directory_bytes) {
    return bad("its size disagrees with its counts");
  }
  DirectoryRecords records = DecodeRecords(in, head);
  const std::vector<DictionaryMeta>& dict_metas = records.dictionaries;
  const std::vector<ChunkMeta>& chunk_metas = records.chunks;
  const std::vector<ColumnMeta>& column_metas = records.cells;
  file->sections = std::move(records.sections);
  for (const ColumnSpec& spec : specs) file->column_names.push_back(spec.name);
  file->column_sections.resize(num_columns);
  file->cell_sections.resize(cells);
  file->dictionary_sections.resize(num_columns);

  // Sections: in file order, aligned, inside the data area, each used
  // exactly once by the record that names it (checked below).
  uint64_t end = sizeof(FileHeader);
  for (uint32_t i = 0; i < head.num_sections; ++i) {
    const SectionEntry& s = file->sections[i];
    if (s.offset % kAlign != 0 || s.offset < end ||
        s.offset > header.directory_offset ||
        s.bytes > header.directory_offset - s.offset) {
      return bad(absl::StrCat("section ", i, " lies outside the data area"));
    }
    end = s.offset + s.bytes;
  }
  std::vector<uint8_t> used(head.num_sections, 0);
  // Resolves a section reference: the entry must be of this kind, chunk
  // and column, of exactly `bytes` bytes, and not used before.
  auto section = [&](uint32_t index, uint32_t kind, uint32_t chunk,
                     uint32_t column, uint64_t bytes,
                     const SectionEntry** out) -> absl::Status {
    if (index >= head.num_sections || used[index]) {
      return bad(absl::StrCat("a ", KindName(kind),
                              " reference names no section or a used one"));
    }
    const SectionEntry& s = file->sections[index];
    if (s.kind != kind || s.chunk != chunk || s.column != column) {
      return bad(
          absl::StrCat(file->Describe(index), " is named as ", KindName(kind)));
    }
    if (s.bytes != bytes) {
      return bad(absl::StrCat(file->Describe(index), " should have ", bytes,
                              " bytes"));
    }
    used[index] = 1;
    if (column != kNoSection) {
      file->column_sections[column].push_back(index);
      if (chunk == kNoSection) {
        file->dictionary_sections[column].push_back(index);
      } else {
        file->cell_sections[uint64_t{chunk} * num_columns + column].push_back(
            index);
      }
    }
    *out = &s;
    return absl::OkStatus();
  };

  auto impl = std::make_unique<TableImpl>(
      *std::move(schema), TableOptions{.chunk_rows = chunk_rows});
  TableImpl& t = *impl;
  t.num_rows = head.num_rows;
  t.num_deleted = head.num_deleted;
  t.generation = head.generation;
  auto at = [&](const SectionEntry* s) { return base + s->offset; };

  for (uint32_t col = 0; col < num_columns; ++col) {
    const DictionaryMeta& d = dict_metas[col];
    if (specs[col].type != ColumnType::kCategorical) {
      if (d.size != 0 || d.ends != kNoSection || d.bytes != kNoSection) {
        return bad(absl::StrCat("column '", specs[col].name,
                                "' is not categorical but has a dictionary"));
      }
      continue;
    }
    if (d.size > (header.directory_offset / 8)) {
      return bad("impossible dictionary size");
    }
    const SectionEntry* ends = nullptr;
    const SectionEntry* bytes = nullptr;
    SLICEKIT_RETURN_IF_ERROR(
        section(d.ends, kDictionaryEnds, kNoSection, col, d.size * 8, &ends));
    if (d.bytes >= head.num_sections) return bad("missing dictionary bytes");
    SLICEKIT_RETURN_IF_ERROR(section(d.bytes, kDictionaryBytes, kNoSection, col,
                                     file->sections[d.bytes].bytes, &bytes));
    StringList& strings = t.dictionaries[col].strings;
    strings.ends.View(reinterpret_cast<const uint64_t*>(at(ends)), d.size);
    strings.bytes.View(reinterpret_cast<const char*>(at(bytes)), bytes->bytes);
  }

  uint64_t rows = 0, deleted = 0;
  t.chunks.resize(head.num_chunks);
  for (uint32_t k = 0; k < head.num_chunks; ++k) {
    const ChunkMeta& cm = chunk_metas[k];
    Chunk& chunk = t.chunks[k];
    const bool last = k + 1 == head.num_chunks;
    if (cm.size == 0 || cm.size > chunk_rows ||
        (!last && cm.size != chunk_rows) || cm.num_deleted > cm.size) {
      return bad(absl::StrCat("chunk ", k, " has an impossible size"));
    }
    chunk.size = cm.size;
    chunk.num_deleted = cm.num_deleted;
    rows += cm.size;
    deleted += cm.num_deleted;
    const uint64_t words = (uint64_t{cm.size} + 63) / 64;
    if (cm.num_deleted > 0) {
      const SectionEntry* s = nullptr;
      SLICEKIT_RETURN_IF_ERROR(
          section(cm.tombstones, kTombstones, k, kNoSection, words * 8, &s));
      const uint32_t index = cm.tombstones;
      // Tombstones are small and every scan reads them: verified now.
      SLICEKIT_RETURN_IF_ERROR(file->CheckCrc(index));
      const auto* bits = reinterpret_cast<const uint64_t*>(at(s));
      bool stray = false;
      if (CountBits(bits, cm.size, &stray) != cm.num_deleted || stray) {
        return file->Corrupt(index, "the deleted count disagrees");
      }
      chunk.deleted.View(bits, words);
    } else if (cm.tombstones != kNoSection) {
      return bad(absl::StrCat("chunk ", k, " has tombstones but no deletion"));
    }
    chunk.columns.resize(num_columns);
    for (uint32_t col = 0; col < num_columns; ++col) {
      const ColumnMeta& m = column_metas[uint64_t{k} * num_columns + col];
      ColumnChunk& c = chunk.columns[col];
      const ColumnType type = specs[col].type;
      auto cell_bad = [&](absl::string_view what) {
        return bad(absl::StrCat("chunk ", k, ", column '", specs[col].name,
                                "': ", what));
      };
      if (m.null_count > cm.size) return cell_bad("NULL count above size");
      c.null_count = m.null_count;
      if ((m.validity != kNoSection) != (m.null_count > 0)) {
        return cell_bad("validity present without NULLs or missing");
      }
      if (m.null_count > 0) {
        if (type == ColumnType::kId) return cell_bad("a NULL id");
        const SectionEntry* s = nullptr;
        SLICEKIT_RETURN_IF_ERROR(
            section(m.validity, kValidity, k, col, words * 8, &s));
        c.validity.View(reinterpret_cast<const uint64_t*>(at(s)), words);
      }
      const bool has_values = m.null_count < cm.size;
      const SectionEntry* values = nullptr;
      switch (type) {
        case ColumnType::kFloat: {
          c.float_min = m.float_min;
          c.float_max = m.float_max;
          if (has_values != (m.float_min <= m.float_max) ||
              (has_values &&
               !(std::isfinite(m.float_min) && std::isfinite(m.float_max)))) {
            return cell_bad("invalid zone map");
          }
          SLICEKIT_RETURN_IF_ERROR(section(m.values, kValues, k, col,
                                           uint64_t{cm.size} * 4, &values));
          c.floats.View(reinterpret_cast<const float*>(at(values)), cm.size);
          break;
        }
        case ColumnType::kInt:
        case ColumnType::kCategorical: {
          c.int_min = m.int_min;
          c.int_max = m.int_max;
          c.base = m.base;
          c.width = m.width;
          if (!IsWidth(m.width)) return cell_bad("invalid width");
          if (has_values != (m.int_min <= m.int_max) ||
              (has_values &&
               (m.base != m.int_min ||
                WidthFor(RangeAbove(m.base, m.int_max)) > m.width))) {
            return cell_bad("invalid zone map");
          }
          if (type == ColumnType::kCategorical && has_values &&
              (m.base < 0 ||
               static_cast<uint64_t>(m.int_max) >= dict_metas[col].size)) {
            return cell_bad("codes outside the dictionary");
          }
          if (type == ColumnType::kCategorical && !has_values && m.base != 0) {
            return cell_bad("invalid zone map");
          }
          SLICEKIT_RETURN_IF_ERROR(section(
              m.values, kValues, k, col, uint64_t{cm.size} * m.width, &values));
          ViewRelative(c, at(values), cm.size);
          break;
        }
        case ColumnType::kId: {
          c.id_fixed = m.id_fixed != 0;
          c.id_ascending = m.id_ascending != 0;
          c.id_width = m.id_width;
          if (m.id_fixed > 1 || m.id_ascending > 1) {
            return cell_bad("invalid flags");
          }
          if (c.id_fixed) {
            if (m.id_width == 0 || m.id_ends != kNoSection) {
              return cell_bad("invalid fixed-width ids");
            }
            SLICEKIT_RETURN_IF_ERROR(section(m.values, kValues, k, col,
                                             uint64_t{cm.size} * m.id_width,
                                             &values));
          } else {
            const SectionEntry* ends = nullptr;
            SLICEKIT_RETURN_IF_ERROR(section(m.id_ends, kIdEnds, k, col,
                                             uint64_t{cm.size} * 4, &ends));
            if (m.values >= head.num_sections) return cell_bad("no id bytes");
            SLICEKIT_RETURN_IF_ERROR(section(m.values, kValues, k, col,
                                             file->sections[m.values].bytes,
                                             &values));
            if (values->bytes > std::numeric_limits<uint32_t>::max()) {
              return cell_bad("id bytes too long");
            }
            c.id_ends.View(reinterpret_cast<const uint32_t*>(at(ends)),
                           cm.size);
          }
          c.id_bytes.View(reinterpret_cast<const char*>(at(values)),
                          values->bytes);
          break;
        }
      }
    }
  }
  if (rows != head.num_rows || deleted != head.num_deleted) {
    return bad("chunk sizes disagree with the row counts");
  }
  for (uint32_t i = 0; i < head.num_sections; ++i) {
    if (!used[i]) return bad(absl::StrCat("section ", i, " is not used"));
  }
  t.column_verified.reset(new std::atomic<uint8_t>[num_columns]);
  for (uint32_t col = 0; col < num_columns; ++col) {
    t.column_verified[col].store(0, std::memory_order_relaxed);
  }
  t.index_ready.store(false, std::memory_order_relaxed);
  t.file = std::move(file);
  return impl;
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
