// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The writer of the table file (docs/table-file.md): Table::Save writes
// every buffer of the in-memory layout as one section, 64-byte aligned,
// with a crc32 each, then the directory, then the header; to a temporary
// file renamed over the target, so a reader never sees a partial file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/table.h"
#include "src/table/encoding.h"
#include "src/table/table_file.h"
#include "src/table/table_format.h"
#include "src/table/table_impl.h"

namespace slicekit {
namespace internal {

namespace {

// One section to write: the bytes of one buffer.
struct Piece {
  const void* data;
  uint64_t bytes;
  SectionEntry entry;
  // Set when the bytes are still mapped from a file: its stored checksum,
  // compared with what is written so a corrupt section is never copied.
  bool mapped = false;
  uint32_t mapped_crc = 0;
  std::string mapped_name;
};

class FileWriter {
 public:
  explicit FileWriter(int fd) : fd_(fd), buffer_(new char[kCapacity]) {}

  bool Write(const void* data, size_t n) {
    if (n == 0) return true;  // `data` may be null then
    if (n >= kCapacity / 2) {
      return Flush() && WriteAll(data, n);
    }
    if (size_ + n > kCapacity && !Flush()) return false;
    std::memcpy(buffer_.get() + size_, data, n);
    size_ += n;
    return true;
  }
  bool Pad(size_t n) {
    static const char kZeros[kAlign] = {};
    return Write(kZeros, n);
  }
  bool Flush() {
    const bool ok = WriteAll(buffer_.get(), size_);
    size_ = 0;
    return ok;
  }

 private:
  static constexpr size_t kCapacity = size_t{1} << 20;
  bool WriteAll(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  int fd_;
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::Status SaveTable(const TableImpl& t, const std::string& path) {
  const Schema& schema = t.schema;
  const int num_columns = schema.num_columns();
  std::vector<Piece> pieces;
  DirectoryRecords records;
  records.chunks.resize(t.chunks.size());
  records.cells.resize(t.chunks.size() * num_columns);
  records.dictionaries.resize(num_columns);
  // Where each mapped buffer came from, to compare its checksum on copy.
  auto add = [&](const void* data, uint64_t bytes, bool is_view, uint32_t kind,
                 uint32_t chunk, uint32_t column) -> uint32_t {
    Piece piece{data, bytes, {0, bytes, 0, kind, chunk, column}, false, 0, {}};
    if (is_view && t.file != nullptr) {
      // Views point into the mapping: find the stored section by address.
      const uint64_t offset = static_cast<uint64_t>(
          static_cast<const uint8_t*>(data) - t.file->base);
      const std::vector<uint32_t>& candidates =
          chunk == kNoSection
              ? t.file->dictionary_sections[column]
              : t.file->cell_sections[uint64_t{chunk} * num_columns + column];
      for (uint32_t i : candidates) {
        if (t.file->sections[i].offset == offset &&
            t.file->sections[i].bytes == bytes) {
          piece.mapped = true;
          piece.mapped_crc = t.file->sections[i].crc;
          piece.mapped_name = t.file->Describe(i);
        }
      }
    }
    pieces.push_back(std::move(piece));
    return static_cast<uint32_t>(pieces.size() - 1);
  };
  for (int col = 0; col < num_columns; ++col) {
    DictionaryMeta& d = records.dictionaries[col];
    d.ends = d.bytes = kNoSection;
    if (schema.column(col).type != ColumnType::kCategorical) continue;
    const StringList& strings = t.dictionaries[col].strings;
    d.size = strings.size();
    d.ends = add(strings.ends.data(), strings.ends.size() * sizeof(uint64_t),
                 strings.ends.is_view(), kDictionaryEnds, kNoSection, col);
    d.bytes = add(strings.bytes.data(), strings.bytes.size(),
                  strings.bytes.is_view(), kDictionaryBytes, kNoSection, col);
  }
  for (size_t k = 0; k < t.chunks.size(); ++k) {
    const Chunk& chunk = t.chunks[k];
    const uint32_t ck = static_cast<uint32_t>(k);
    ChunkMeta& cm = records.chunks[k];
    cm.size = chunk.size;
    cm.num_deleted = chunk.num_deleted;
    cm.tombstones = kNoSection;
    if (chunk.num_deleted > 0) {
      // Tombstones are verified at Open, so they are copied as they are.
      cm.tombstones = add(chunk.deleted.data(), chunk.deleted.size() * 8, false,
                          kTombstones, ck, kNoSection);
    }
    for (int col = 0; col < num_columns; ++col) {
      const ColumnChunk& c = chunk.columns[col];
      ColumnMeta& m = records.cells[k * num_columns + col];
      m = ColumnMeta{};
      m.null_count = c.null_count;
      m.width = c.width;
      m.id_fixed = c.id_fixed;
      m.id_ascending = c.id_ascending;
      m.id_width = c.id_width;
      m.float_min = c.float_min;
      m.float_max = c.float_max;
      m.int_min = c.int_min;
      m.int_max = c.int_max;
      m.base = c.base;
      m.values = m.validity = m.id_ends = kNoSection;
      const uint32_t cc = static_cast<uint32_t>(col);
      switch (schema.column(col).type) {
        case ColumnType::kFloat:
          m.values = add(c.floats.data(), c.floats.size() * 4,
                         c.floats.is_view(), kValues, ck, cc);
          break;
        case ColumnType::kInt:
        case ColumnType::kCategorical:
          m.values = WithRelativeValues(c, [&](const auto& values) {
            return add(values.data(), values.size() * sizeof(values[0]),
                       values.is_view(), kValues, ck, cc);
          });
          break;
        case ColumnType::kId:
          m.values = add(c.id_bytes.data(), c.id_bytes.size(),
                         c.id_bytes.is_view(), kValues, ck, cc);
          if (!c.id_fixed) {
            m.id_ends = add(c.id_ends.data(), c.id_ends.size() * 4,
                            c.id_ends.is_view(), kIdEnds, ck, cc);
          }
          break;
      }
      if (!c.validity.empty()) {
        m.validity = add(c.validity.data(), c.validity.size() * 8,
                         c.validity.is_view(), kValidity, ck, cc);
      }
    }
  }

  // Layout: the header, the sections (each at a multiple of 64), then the
  // directory.
  uint64_t offset = sizeof(FileHeader);
  for (Piece& piece : pieces) {
    piece.entry.offset = offset;
    offset = AlignUp(offset + piece.bytes);
  }
  const uint64_t directory_offset = offset;

  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("create a temporary file beside", path);
  auto fail = [&](absl::Status status) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return status;
  };
  // mkostemp makes the file private (0600): give it the mode the file it
  // replaces has, else what open() would give a new file (0666 less the
  // umask, read from /proc/self/status; umask() itself would change it).
  struct stat old;
  mode_t mode = 0644;
  if (::stat(path.c_str(), &old) == 0) {
    mode = old.st_mode & 07777;
  } else if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned mask = 0;
    while (std::fgets(line, sizeof(line), status) != nullptr) {
      if (std::sscanf(line, "Umask: %o", &mask) == 1) {
        mode = static_cast<mode_t>(0666 & ~mask);
        break;
      }
    }
    std::fclose(status);
  }
  if (::fchmod(fd, mode) != 0) return fail(ErrnoError("set the mode of", tmp));
  FileWriter out(fd);
  if (!out.Pad(sizeof(FileHeader))) return fail(ErrnoError("write", tmp));
  uint64_t written = sizeof(FileHeader);
  for (Piece& piece : pieces) {
    piece.entry.crc = Crc(piece.data, piece.bytes);
    if (piece.mapped && piece.entry.crc != piece.mapped_crc) {
      return fail(absl::DataLossError(
          absl::StrCat(t.file->path, ": ", piece.mapped_name,
                       ": checksum mismatch (the file is corrupt); nothing "
                       "was written to '",
                       path, "'")));
    }
    if (!out.Write(piece.data, piece.bytes) ||
        !out.Pad(AlignUp(written + piece.bytes) - written - piece.bytes)) {
      return fail(ErrnoError("write", tmp));
    }
    written = AlignUp(written + piece.bytes);
  }

  // The directory.
  const std::string names = EncodeColumns(schema);
  DirectoryHead head{};
  head.num_rows = t.num_rows;
  head.num_deleted = t.num_deleted;
  head.generation = t.generation;
  head.chunk_rows = t.options.chunk_rows;
  head.num_columns = static_cast<uint32_t>(num_columns);
  head.id_column = static_cast<uint32_t>(schema.id_column());
  head.num_chunks = static_cast<uint32_t>(t.chunks.size());
  head.num_sections = static_cast<uint32_t>(pieces.size());
  head.schema_bytes = names.size();
  records.sections.reserve(pieces.size());
  for (const Piece& piece : pieces) records.sections.push_back(piece.entry);
  const std::string directory = EncodeDirectory(head, names, records);
  if (!out.Write(directory.data(), directory.size()) || !out.Flush()) {
    return fail(ErrnoError("write", tmp));
  }

  const FileHeader header = EncodeHeader(directory_offset, directory);
  if (::pwrite(fd, &header, sizeof(header), 0) !=
      static_cast<ssize_t>(sizeof(header))) {
    return fail(ErrnoError("write", tmp));
  }
  if (::fsync(fd) != 0) return fail(ErrnoError("sync", tmp));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return ErrnoError("close", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = ErrnoError("rename the temporary file to", path);
    ::unlink(tmp.c_str());
    return status;
  }
  // The rename is durable once the folder is synced.
  const std::string folder = DirectoryOf(path);
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return ErrnoError("open the folder", folder);
  const int synced = ::fsync(dir);
  ::close(dir);
  if (synced != 0) return ErrnoError("sync the folder", folder);
  return absl::OkStatus();
}

}  // namespace internal

absl::Status Table::Save(const std::string& path) const {
  return internal::SaveTable(*impl_, path);
}

}  // namespace slicekit
