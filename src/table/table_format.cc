// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/table/table_format.h"

#include <zlib.h>

#include <bit>
#include <cstddef>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "slicekit/table.h"

// Compiled inline (as src/store/row_checksum.cc does): no library to link.
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace slicekit::internal {

uint32_t Checksum(uint32_t version, const void* data, size_t n) {
  if (version == 1) {
    return static_cast<uint32_t>(
        crc32_z(0, static_cast<const Bytef*>(data), static_cast<z_size_t>(n)));
  }
  return static_cast<uint32_t>(XXH3_64bits(data, n));
}

const char* KindName(uint32_t kind) {
  switch (kind) {
    case kTombstones:
      return "tombstones";
    case kValues:
      return "values";
    case kValidity:
      return "validity";
    case kIdEnds:
      return "id offsets";
    case kDictionaryEnds:
      return "dictionary offsets";
    case kDictionaryBytes:
      return "dictionary bytes";
    default:
      return "unknown";
  }
}

size_t CountBits(const uint64_t* words, size_t n, bool* stray) {
  size_t count = 0;
  const size_t full = n / 64;
  for (size_t w = 0; w < full; ++w) count += std::popcount(words[w]);
  *stray = false;
  if (n % 64 != 0) {
    const uint64_t last = words[full];
    const uint64_t mask = (uint64_t{1} << (n % 64)) - 1;
    count += std::popcount(last & mask);
    *stray = (last & ~mask) != 0;
  }
  return count;
}

FileHeader EncodeHeader(uint64_t directory_offset,
                        absl::string_view directory) {
  FileHeader header{};
  std::memcpy(header.magic, kTableFileMagic.data(), 8);
  header.version = kFormatVersion;
  header.header_bytes = sizeof(FileHeader);
  header.directory_offset = directory_offset;
  header.directory_bytes = directory.size();
  header.file_bytes = directory_offset + directory.size();
  header.directory_crc =
      Checksum(kFormatVersion, directory.data(), directory.size());
  header.header_crc = HeaderCrc(header);
  return header;
}

FileHeader DecodeHeader(const uint8_t* bytes) {
  FileHeader header;
  std::memcpy(&header, bytes, sizeof(header));
  return header;
}

uint32_t HeaderCrc(const FileHeader& header) {
  return Checksum(header.version, &header, offsetof(FileHeader, header_crc));
}

std::string EncodeColumns(const Schema& schema) {
  std::string names;
  for (int col = 0; col < schema.num_columns(); ++col) {
    const ColumnSpec& spec = schema.column(col);
    const uint8_t type = static_cast<uint8_t>(spec.type);
    const uint8_t pad[3] = {};
    const uint32_t length = static_cast<uint32_t>(spec.name.size());
    names.append(reinterpret_cast<const char*>(&type), 1);
    names.append(reinterpret_cast<const char*>(pad), 3);
    names.append(reinterpret_cast<const char*>(&length), 4);
    names.append(spec.name);
  }
  names.resize((names.size() + 7) / 8 * 8, '\0');
  return names;
}

absl::StatusOr<std::vector<ColumnSpec>> DecodeColumns(
    DirectoryReader& in, const DirectoryHead& head) {
  // Each column takes at least 8 bytes: a count above that is a lie, and
  // must not size the vector.
  if (head.num_columns == 0 || head.num_columns > in.left() / 8) {
    return absl::DataLossError("impossible column count");
  }
  std::vector<ColumnSpec> specs(head.num_columns);
  const uint64_t schema_start = in.pos();
  for (ColumnSpec& spec : specs) {
    uint8_t type = 0;
    uint8_t pad[3];
    uint32_t length = 0;
    if (!in.Read(&type) || !in.Read(&pad) || !in.Read(&length) ||
        !in.ReadBytes(length, &spec.name)) {
      return absl::DataLossError("truncated schema");
    }
    if (type > static_cast<uint8_t>(ColumnType::kId)) {
      return absl::DataLossError(
          absl::StrCat("column '", spec.name, "' has unknown type ", type));
    }
    spec.type = static_cast<ColumnType>(type);
  }
  const uint64_t used = in.pos() - schema_start;
  std::string padding;
  if (used > head.schema_bytes || head.schema_bytes - used >= 8 ||
      !in.ReadBytes(head.schema_bytes - used, &padding)) {
    return absl::DataLossError("schema size mismatch");
  }
  return specs;
}

uint64_t RecordBytes(const DirectoryHead& head) {
  const uint64_t cells = uint64_t{head.num_chunks} * head.num_columns;
  return uint64_t{head.num_columns} * sizeof(DictionaryMeta) +
         uint64_t{head.num_chunks} * sizeof(ChunkMeta) +
         cells * sizeof(ColumnMeta) +
         uint64_t{head.num_sections} * sizeof(SectionEntry);
}

DirectoryRecords DecodeRecords(DirectoryReader& in, const DirectoryHead& head) {
  DirectoryRecords records;
  records.dictionaries.resize(head.num_columns);
  for (DictionaryMeta& d : records.dictionaries) in.Read(&d);
  records.chunks.resize(head.num_chunks);
  for (ChunkMeta& c : records.chunks) in.Read(&c);
  records.cells.resize(uint64_t{head.num_chunks} * head.num_columns);
  for (ColumnMeta& c : records.cells) in.Read(&c);
  records.sections.resize(head.num_sections);
  for (SectionEntry& s : records.sections) in.Read(&s);
  return records;
}

namespace {

template <typename T>
void AppendRecords(const std::vector<T>& records, std::string* out) {
  out->append(reinterpret_cast<const char*>(records.data()),
              records.size() * sizeof(T));
}

}  // namespace

std::string EncodeDirectory(const DirectoryHead& head,
                            absl::string_view columns,
                            const DirectoryRecords& records) {
  std::string directory;
  directory.append(reinterpret_cast<const char*>(&head), sizeof(head));
  directory.append(columns.data(), columns.size());
  AppendRecords(records.dictionaries, &directory);
  AppendRecords(records.chunks, &directory);
  AppendRecords(records.cells, &directory);
  AppendRecords(records.sections, &directory);
  return directory;
}

}  // namespace slicekit::internal
