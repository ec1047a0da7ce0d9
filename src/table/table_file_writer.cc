// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The writer of the table file (docs/table-file.md): Table::Save writes
// every buffer of the in-memory layout as one section, 64-byte aligned,
// with a checksum each, then the directory, then the header; to a temporary
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
#include "src/util/status_macros.h"

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

// What Save writes, gathered from the table before anything is written:
// one section per buffer, in file order (the dictionaries, then chunk by
// chunk), and the directory records that name them.
class SectionPlan {
 public:
  explicit SectionPlan(const TableImpl& t)
      : t_(t), num_columns_(t.schema.num_columns()) {
    records_.chunks.resize(t.chunks.size());
    records_.cells.resize(t.chunks.size() * num_columns_);
    records_.dictionaries.resize(num_columns_);
    AddDictionaries();
    for (size_t k = 0; k < t.chunks.size(); ++k) {
      AddChunk(static_cast<uint32_t>(k));
    }
    records_.sections.reserve(pieces_.size());
  }

  std::vector<Piece>& pieces() { return pieces_; }
  // The records, with the section table taken from the pieces as they now
  // are (offsets and checksums filled in).
  const DirectoryRecords& records() {
    records_.sections.clear();
    for (const Piece& piece : pieces_) records_.sections.push_back(piece.entry);
    return records_;
  }

 private:
  void AddDictionaries() {
    for (int col = 0; col < num_columns_; ++col) {
      DictionaryMeta& d = records_.dictionaries[col];
      d.ends = d.bytes = kNoSection;
      if (t_.schema.column(col).type != ColumnType::kCategorical) continue;
      const StringList& strings = t_.dictionaries[col].strings;
      d.size = strings.size();
      d.ends = Add(strings.ends, kDictionaryEnds, kNoSection, col);
      d.bytes = Add(strings.bytes, kDictionaryBytes, kNoSection, col);
    }
  }

  void AddChunk(uint32_t k) {
    const Chunk& chunk = t_.chunks[k];
    ChunkMeta& cm = records_.chunks[k];
    cm.size = chunk.size;
    cm.num_deleted = chunk.num_deleted;
    cm.tombstones = kNoSection;
    if (chunk.num_deleted > 0) {
      // Tombstones are verified at Open, so they are copied as they are.
      cm.tombstones = AddBytes(chunk.deleted.data(), chunk.deleted.size() * 8,
                               false, kTombstones, k, kNoSection);
    }
    for (int col = 0; col < num_columns_; ++col) {
      records_.cells[uint64_t{k} * num_columns_ + col] =
          AddCell(chunk.columns[col], k, static_cast<uint32_t>(col));
    }
  }

  ColumnMeta AddCell(const ColumnChunk& c, uint32_t k, uint32_t col) {
    ColumnMeta m{};
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
    switch (t_.schema.column(col).type) {
      case ColumnType::kFloat:
        m.values = Add(c.floats, kValues, k, col);
        break;
      case ColumnType::kInt:
      case ColumnType::kCategorical:
        m.values = WithRelativeValues(c, [&](const auto& values) {
          return Add(values, kValues, k, col);
        });
        break;
      case ColumnType::kId:
        m.values = Add(c.id_bytes, kValues, k, col);
        if (!c.id_fixed) m.id_ends = Add(c.id_ends, kIdEnds, k, col);
        break;
    }
    if (!c.validity.empty()) m.validity = Add(c.validity, kValidity, k, col);
    return m;
  }

  template <typename T>
  uint32_t Add(const Buffer<T>& buffer, uint32_t kind, uint32_t chunk,
               uint32_t column) {
    return AddBytes(buffer.data(), buffer.size() * sizeof(T), buffer.is_view(),
                    kind, chunk, column);
  }

  // Returns the new section's index.
  uint32_t AddBytes(const void* data, uint64_t bytes, bool is_view,
                    uint32_t kind, uint32_t chunk, uint32_t column) {
    Piece piece{data, bytes, {0, bytes, 0, kind, chunk, column}, false, 0, {}};
    if (is_view && t_.file != nullptr) FindMapped(piece);
    pieces_.push_back(std::move(piece));
    return static_cast<uint32_t>(pieces_.size() - 1);
  }

  // A view points into the mapping: finds the stored section by address,
  // so its checksum is compared when it is copied.
  void FindMapped(Piece& piece) const {
    const FileBacking& file = *t_.file;
    const SectionEntry& e = piece.entry;
    const uint64_t offset = static_cast<uint64_t>(
        static_cast<const uint8_t*>(piece.data) - file.base);
    const std::vector<uint32_t>& candidates =
        e.chunk == kNoSection
            ? file.dictionary_sections[e.column]
            : file.cell_sections[uint64_t{e.chunk} * num_columns_ + e.column];
    for (uint32_t i : candidates) {
      if (file.sections[i].offset == offset &&
          file.sections[i].bytes == piece.bytes) {
        piece.mapped = true;
        piece.mapped_crc = file.sections[i].crc;
        piece.mapped_name = file.Describe(i);
      }
    }
  }

  const TableImpl& t_;
  const int num_columns_;
  std::vector<Piece> pieces_;
  DirectoryRecords records_;
};

// Places the sections after the header, each at a multiple of 64; returns
// where the directory goes, after the last.
uint64_t LayOut(std::vector<Piece>& pieces) {
  uint64_t offset = sizeof(FileHeader);
  for (Piece& piece : pieces) {
    piece.entry.offset = offset;
    offset = AlignUp(offset + piece.bytes);
  }
  return offset;
}

// mkostemp makes the file private (0600): the new file gets the mode of the
// file it replaces, else what open() would give a new file (0666 less the
// umask, read from /proc/self/status; umask() itself would change it).
mode_t ModeFor(const std::string& path) {
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
  return mode;
}

// Writes the sections, each followed by zeros up to the next multiple of
// 64, filling in their checksums. A section still mapped from a corrupt
// file is refused before it is copied.
absl::Status WriteSections(FileWriter& out, std::vector<Piece>& pieces,
                           const TableImpl& t, const std::string& path,
                           const std::string& tmp) {
  uint64_t written = sizeof(FileHeader);
  for (Piece& piece : pieces) {
    piece.entry.crc = Checksum(kFormatVersion, piece.data, piece.bytes);
    // A section mapped from an older version's file has that version's
    // checksum: computed again its way (once, when the table is saved).
    const uint32_t copied =
        !piece.mapped || t.file->version == kFormatVersion
            ? piece.entry.crc
            : Checksum(t.file->version, piece.data, piece.bytes);
    if (piece.mapped && copied != piece.mapped_crc) {
      return absl::DataLossError(
          absl::StrCat(t.file->path, ": ", piece.mapped_name,
                       ": checksum mismatch (the file is corrupt); nothing "
                       "was written to '",
                       path, "'"));
    }
    if (!out.Write(piece.data, piece.bytes) ||
        !out.Pad(AlignUp(written + piece.bytes) - written - piece.bytes)) {
      return ErrnoError("write", tmp);
    }
    written = AlignUp(written + piece.bytes);
  }
  return absl::OkStatus();
}

DirectoryHead HeadOf(const TableImpl& t, size_t num_sections,
                     uint64_t schema_bytes) {
  DirectoryHead head{};
  head.num_rows = t.num_rows;
  head.num_deleted = t.num_deleted;
  head.generation = t.generation;
  head.chunk_rows = t.options.chunk_rows;
  head.num_columns = static_cast<uint32_t>(t.schema.num_columns());
  head.id_column = static_cast<uint32_t>(t.schema.id_column());
  head.num_chunks = static_cast<uint32_t>(t.chunks.size());
  head.num_sections = static_cast<uint32_t>(num_sections);
  head.schema_bytes = schema_bytes;
  return head;
}

// The whole file into `fd` (the temporary file `tmp`), synced: a
// placeholder header, the sections, the directory, then the real header,
// so a file cut short never has a valid header.
absl::Status WriteFile(int fd, const std::string& tmp, const TableImpl& t,
                       const std::string& path, SectionPlan& plan) {
  const uint64_t directory_offset = LayOut(plan.pieces());
  if (::fchmod(fd, ModeFor(path)) != 0) {
    return ErrnoError("set the mode of", tmp);
  }
  FileWriter out(fd);
  if (!out.Pad(sizeof(FileHeader))) return ErrnoError("write", tmp);
  SLICEKIT_RETURN_IF_ERROR(WriteSections(out, plan.pieces(), t, path, tmp));
  const std::string names = EncodeColumns(t.schema);
  const std::string directory = EncodeDirectory(
      HeadOf(t, plan.pieces().size(), names.size()), names, plan.records());
  if (!out.Write(directory.data(), directory.size()) || !out.Flush()) {
    return ErrnoError("write", tmp);
  }
  const FileHeader header = EncodeHeader(directory_offset, directory);
  if (::pwrite(fd, &header, sizeof(header), 0) !=
      static_cast<ssize_t>(sizeof(header))) {
    return ErrnoError("write", tmp);
  }
  if (::fsync(fd) != 0) return ErrnoError("sync", tmp);
  return absl::OkStatus();
}

// The rename is durable once the folder is synced.
absl::Status SyncFolder(const std::string& folder) {
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return ErrnoError("open the folder", folder);
  const int synced = ::fsync(dir);
  ::close(dir);
  if (synced != 0) return ErrnoError("sync the folder", folder);
  return absl::OkStatus();
}

}  // namespace

// Written to a temporary file beside `path`, then renamed over it: readers
// that have the old file mapped keep its pages, and a crash leaves the old
// file whole.
absl::Status SaveTable(const TableImpl& t, const std::string& path) {
  SectionPlan plan(t);
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("create a temporary file beside", path);
  absl::Status written = WriteFile(fd, tmp, t, path, plan);
  if (!written.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return written;
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return ErrnoError("close", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = ErrnoError("rename the temporary file to", path);
    ::unlink(tmp.c_str());
    return status;
  }
  return SyncFolder(DirectoryOf(path));
}

}  // namespace internal

absl::Status Table::Save(const std::string& path) const {
  return internal::SaveTable(*impl_, path);
}

}  // namespace slicekit
