// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: what the table file's reader (table_file.cc), writer
// (table_file_writer.cc) and verifier (table_file_verifier.cc) share about
// a table opened from a file (docs/table-file.md).
#ifndef SLICEKIT_SRC_TABLE_TABLE_FILE_H_
#define SLICEKIT_SRC_TABLE_TABLE_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "src/table/table_format.h"

namespace slicekit::internal {

// The mapping and the directory's section table, shared by the table's
// buffers (they point into `base`).
struct FileBacking {
  FileBacking(std::string p, const uint8_t* b, size_t s)
      : path(std::move(p)), base(b), size(s) {}
  ~FileBacking();
  FileBacking(const FileBacking&) = delete;
  FileBacking& operator=(const FileBacking&) = delete;

  std::string path;
  const uint8_t* base;
  size_t size;
  uint32_t version = kFormatVersion;  // the header's: which Checksum
  std::vector<SectionEntry> sections;
  std::vector<std::string> column_names;
  // Per column, the sections that hold it (every chunk, its dictionary).
  std::vector<std::vector<uint32_t>> column_sections;
  // Per chunk and column (chunk * num_columns + column), its sections;
  // per column, its dictionary's.
  std::vector<std::vector<uint32_t>> cell_sections;
  std::vector<std::vector<uint32_t>> dictionary_sections;

  // "section 40 (chunk 3 column 'confidence' values, bytes 2624..2880)".
  std::string Describe(uint32_t index) const;
  // DataLoss naming the file and the section.
  absl::Status Corrupt(uint32_t index, absl::string_view what) const;
  // Compares the section's bytes with its stored checksum.
  absl::Status CheckChecksum(uint32_t index) const;
};

// The error for a failed system call on `path` ("cannot <what> '<path>':
// <strerror>"), from errno: NotFound, PermissionDenied or Unavailable.
absl::Status ErrnoError(absl::string_view what, const std::string& path);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_TABLE_TABLE_FILE_H_
