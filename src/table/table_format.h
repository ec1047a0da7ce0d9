// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the records of the table file (docs/table-file.md) and how they
// are laid out in bytes. Knows nothing of tables or paths: the reader
// (table_file.cc) checks what the records say and names the file in its
// errors; the writer (table_file_writer.cc) fills them from a table.
#ifndef SLICEKIT_SRC_TABLE_TABLE_FORMAT_H_
#define SLICEKIT_SRC_TABLE_TABLE_FORMAT_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/schema.h"

namespace slicekit::internal {

static_assert(std::endian::native == std::endian::little,
              "the table file is little-endian and mapped as it is");

// Version 2 differs from 1 in its checksum only: XXH3 instead of crc32
// (Checksum). Readers read both; writers write 2.
inline constexpr uint32_t kFormatVersion = 2;
// Every section starts at a multiple of this, so each typed array is
// aligned in the (page-aligned) mapping.
inline constexpr uint64_t kAlign = 64;
inline constexpr uint32_t kNoSection = std::numeric_limits<uint32_t>::max();

// The on-disk records. Fixed-size fields only, read and written with
// memcpy, so no alignment or padding assumption is made.
struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;
  uint64_t file_bytes;
  uint64_t directory_offset;
  uint64_t directory_bytes;
  uint32_t directory_crc;
  uint32_t flags;
  uint8_t reserved[12];
  uint32_t header_crc;  // of the 60 bytes before it
};
static_assert(sizeof(FileHeader) == 64);

struct DirectoryHead {
  uint64_t num_rows;
  uint64_t num_deleted;
  uint64_t generation;
  uint64_t chunk_rows;
  uint32_t num_columns;
  uint32_t id_column;
  uint32_t num_chunks;
  uint32_t num_sections;
  uint64_t schema_bytes;  // the column list that follows, padded to 8
  uint64_t reserved;
};
static_assert(sizeof(DirectoryHead) == 64);

struct DictionaryMeta {
  uint64_t size;  // strings
  uint32_t ends;  // sections (kNoSection for non-categorical columns)
  uint32_t bytes;
};
static_assert(sizeof(DictionaryMeta) == 16);

struct ChunkMeta {
  uint32_t size;
  uint32_t num_deleted;
  uint32_t tombstones;  // section, or kNoSection when nothing is deleted
  uint32_t reserved;
};
static_assert(sizeof(ChunkMeta) == 16);

struct ColumnMeta {
  uint32_t null_count;
  uint8_t width;
  uint8_t id_fixed;
  uint8_t id_ascending;
  uint8_t reserved0;
  uint32_t id_width;
  float float_min;
  float float_max;
  uint32_t reserved1;
  int64_t int_min;
  int64_t int_max;
  int64_t base;
  uint32_t values;  // sections, or kNoSection
  uint32_t validity;
  uint32_t id_ends;
  uint32_t reserved2;
};
static_assert(sizeof(ColumnMeta) == 64);

enum SectionKind : uint32_t {
  kTombstones = 1,
  kValues = 2,
  kValidity = 3,
  kIdEnds = 4,
  kDictionaryEnds = 5,
  kDictionaryBytes = 6,
};

struct SectionEntry {
  uint64_t offset;
  uint64_t bytes;
  uint32_t crc;
  uint32_t kind;
  uint32_t chunk;   // kNoSection for dictionaries
  uint32_t column;  // kNoSection for tombstones
};
static_assert(sizeof(SectionEntry) == 32);

// The directory's fixed-size records after the column list, in file order.
struct DirectoryRecords {
  std::vector<DictionaryMeta> dictionaries;  // per column
  std::vector<ChunkMeta> chunks;
  std::vector<ColumnMeta> cells;  // chunk-major: chunk * num_columns + column
  std::vector<SectionEntry> sections;
};

// The checksum of every part of a file of format `version`: zlib's crc32
// (the IEEE polynomial) in version 1; the low 32 bits of XXH3-64 in version
// 2, which hashes at memory speed where crc32 took half of a 10M-row open
// (the 32-bit field stays: RocksDB keeps its XXH3 block checksums to 32
// bits the same way, and a random corruption passes either with
// probability 2^-32).
uint32_t Checksum(uint32_t version, const void* data, size_t n);
inline uint64_t AlignUp(uint64_t n) {
  return (n + kAlign - 1) / kAlign * kAlign;
}
// "values", "dictionary offsets", ...: how errors name a section's kind.
const char* KindName(uint32_t kind);

// Number of set bits in the first `n` bits of a bitmap section (tombstones,
// validity); `*stray` is set when a padding bit (at n or above) is set.
size_t CountBits(const uint64_t* words, size_t n, bool* stray);

// The header of a file `directory` follows at `directory_offset`: magic,
// version, sizes and both checksums.
FileHeader EncodeHeader(uint64_t directory_offset, absl::string_view directory);
// The first 64 bytes of a file, as they are (the caller checks them).
FileHeader DecodeHeader(const uint8_t* bytes);
// What `header.header_crc` should be (by `header.version`'s checksum).
uint32_t HeaderCrc(const FileHeader& header);

// Reads records from a directory, bounds-checked.
class DirectoryReader {
 public:
  DirectoryReader(const uint8_t* data, uint64_t size)
      : data_(data), size_(size) {}
  template <typename T>
  bool Read(T* out) {
    if (size_ - pos_ < sizeof(T)) return false;
    std::memcpy(out, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool ReadBytes(uint64_t n, std::string* out) {
    if (size_ - pos_ < n) return false;
    out->assign(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return true;
  }
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }

 private:
  const uint8_t* data_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

// The column list (type, name) of `schema`, padded to a multiple of 8.
std::string EncodeColumns(const Schema& schema);
// Reads the column list that `head` announces. Errors (DataLoss) carry the
// problem alone, for the reader to prefix with the file and the part.
absl::StatusOr<std::vector<ColumnSpec>> DecodeColumns(
    DirectoryReader& in, const DirectoryHead& head);

// The bytes the records after the column list take, by `head`'s counts.
uint64_t RecordBytes(const DirectoryHead& head);
// Reads them; the caller has checked that RecordBytes(head) are left.
DirectoryRecords DecodeRecords(DirectoryReader& in, const DirectoryHead& head);

// The directory: `head`, the column list (from EncodeColumns, its size in
// head.schema_bytes), then the records.
std::string EncodeDirectory(const DirectoryHead& head,
                            absl::string_view columns,
                            const DirectoryRecords& records);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_TABLE_TABLE_FORMAT_H_
