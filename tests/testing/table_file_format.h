// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The table file's layout as docs/table-file.md describes it, read
// independently of src/table/table_file.cc: where the sections are, and a
// way to recompute every checksum after a test or the fuzzer changed bytes
// (so the checks behind the checksums get exercised too).
#ifndef SLICEKIT_TESTS_TESTING_TABLE_FILE_FORMAT_H_
#define SLICEKIT_TESTS_TESTING_TABLE_FILE_FORMAT_H_

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

// Header-only, as the library compiles it (src/table/table_format.cc).
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace slicekit::testing {

struct FileSection {
  uint64_t offset = 0;
  uint64_t bytes = 0;
  uint32_t kind = 0;  // 1 tombstones, 2 values, 3 validity, 4 id offsets,
                      // 5 dictionary offsets, 6 dictionary bytes
  uint32_t chunk = 0;
  uint32_t column = 0;
};

template <typename T>
T LoadAt(const std::string& file, size_t offset) {
  T value{};
  if (offset + sizeof(T) <= file.size()) {
    std::memcpy(&value, file.data() + offset, sizeof(T));
  }
  return value;
}

template <typename T>
void StoreAt(std::string& file, size_t offset, T value) {
  if (offset + sizeof(T) <= file.size()) {
    std::memcpy(file.data() + offset, &value, sizeof(T));
  }
}

// Header fields (byte offsets in the 64-byte header).
inline constexpr size_t kVersionAt = 8;
inline constexpr size_t kDirectoryOffsetAt = 24;
inline constexpr size_t kDirectoryBytesAt = 32;
inline constexpr size_t kDirectoryCrcAt = 40;
inline constexpr size_t kHeaderCrcAt = 60;
// In the directory head: the section count.
inline constexpr size_t kNumSectionsAt = 44;
inline constexpr size_t kSectionEntryBytes = 32;

inline uint32_t Crc32(const char* data, size_t n) {
  return static_cast<uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(data), n));
}

// The checksum of a file of format `version`: crc32 in version 1, the low
// 32 bits of XXH3-64 from version 2 on (docs/table-file.md).
inline uint32_t FileChecksum(uint32_t version, const char* data, size_t n) {
  return version == 1 ? Crc32(data, n)
                      : static_cast<uint32_t>(XXH3_64bits(data, n));
}

// Where the section table starts and how many entries it has: the last
// entries of the directory. False when the header or the directory's place
// is unreadable.
inline bool FindSectionTable(const std::string& file, uint64_t* table,
                             uint32_t* n) {
  const uint64_t dir = LoadAt<uint64_t>(file, kDirectoryOffsetAt);
  const uint64_t dir_bytes = LoadAt<uint64_t>(file, kDirectoryBytesAt);
  if (file.size() < 64 || dir > file.size() || dir_bytes > file.size() - dir) {
    return false;
  }
  *n = LoadAt<uint32_t>(file, dir + kNumSectionsAt);
  if (uint64_t{*n} * kSectionEntryBytes > dir_bytes) return false;
  *table = dir + dir_bytes - uint64_t{*n} * kSectionEntryBytes;
  return true;
}

// The section table of a well-formed file (empty when unreadable).
inline std::vector<FileSection> Sections(const std::string& file) {
  std::vector<FileSection> out;
  uint64_t table = 0;
  uint32_t n = 0;
  if (!FindSectionTable(file, &table, &n)) return out;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = table + uint64_t{i} * kSectionEntryBytes;
    FileSection s;
    s.offset = LoadAt<uint64_t>(file, at);
    s.bytes = LoadAt<uint64_t>(file, at + 8);
    s.kind = LoadAt<uint32_t>(file, at + 20);
    s.chunk = LoadAt<uint32_t>(file, at + 24);
    s.column = LoadAt<uint32_t>(file, at + 28);
    out.push_back(s);
  }
  return out;
}

// Recomputes every section's checksum, the directory's and the header's,
// as far as the layout is readable, with the checksum of the version the
// header says; returns false when the layout is not readable.
inline bool Reseal(std::string& file) {
  const uint32_t version = LoadAt<uint32_t>(file, kVersionAt);
  const auto checksum = [version](const char* data, size_t n) {
    return FileChecksum(version, data, n);
  };
  uint64_t table = 0;
  uint32_t n = 0;
  if (!FindSectionTable(file, &table, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = table + uint64_t{i} * kSectionEntryBytes;
    const uint64_t offset = LoadAt<uint64_t>(file, at);
    const uint64_t bytes = LoadAt<uint64_t>(file, at + 8);
    if (offset > file.size() || bytes > file.size() - offset) continue;
    StoreAt<uint32_t>(file, at + 16, checksum(file.data() + offset, bytes));
  }
  const uint64_t dir = LoadAt<uint64_t>(file, kDirectoryOffsetAt);
  const uint64_t dir_bytes = LoadAt<uint64_t>(file, kDirectoryBytesAt);
  StoreAt<uint32_t>(file, kDirectoryCrcAt,
                    checksum(file.data() + dir, dir_bytes));
  StoreAt<uint32_t>(file, kHeaderCrcAt, checksum(file.data(), kHeaderCrcAt));
  return true;
}

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_TABLE_FILE_FORMAT_H_
