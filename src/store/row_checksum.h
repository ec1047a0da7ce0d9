// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. The checksums of the SQLite store's rows
// (format version 3, src/store/slice_store_sqlite_format.h): SQLite keeps no
// checksum of its pages, so a flipped bit in a row or an index would
// otherwise read back as a different slice, or as none.
#ifndef SLICEKIT_SRC_STORE_ROW_CHECKSUM_H_
#define SLICEKIT_SRC_STORE_ROW_CHECKSUM_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace slicekit::internal {

// XXH3-64 (xxhash, whose output is frozen since 0.8.0) of a row's fields in
// order, each as a type tag, its length and its bytes, after the table's
// name: rows of two tables, or fields split at another place, never hash
// the same input. Part of the store format: changing it needs a new format
// version.
class RowChecksum {
 public:
  explicit RowChecksum(absl::string_view table) {
    bytes_.reserve(512);  // most rows: one allocation
    Text(table);
  }

  RowChecksum& Text(absl::string_view text);
  RowChecksum& Int(int64_t value);
  // NULL hashes differently from every integer.
  RowChecksum& OptionalInt(std::optional<int64_t> value);

  uint64_t Value() const;

 private:
  std::string bytes_;
};

// A set of rows as a record of it keeps it: how many, and the sum of their
// checksums modulo 2^64. A read that finds the same count and sum saw
// exactly those rows (one lost, added, repeated or changed row changes the
// sum but for a chance of 2^-64); the sum is updated in O(1) per row
// written.
struct RowSet {
  int64_t count = 0;
  uint64_t sum = 0;

  void Add(uint64_t checksum) {
    ++count;
    sum += checksum;
  }
  void Remove(uint64_t checksum) {
    --count;
    sum -= checksum;
  }
  bool operator==(const RowSet&) const = default;
};

// SQLite integers are signed 64-bit; checksums are kept bit for bit.
inline int64_t ToStored(uint64_t checksum) {
  return static_cast<int64_t>(checksum);
}
inline uint64_t FromStored(int64_t stored) {
  return static_cast<uint64_t>(stored);
}

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_ROW_CHECKSUM_H_
