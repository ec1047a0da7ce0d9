// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/store/row_checksum.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

// Inlined (xxhash.h, Debian's libxxhash-dev), so that a static libslicekit
// adds no library to its users' link.
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace slicekit::internal {
namespace {

void AppendUint64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

}  // namespace

RowChecksum& RowChecksum::Text(absl::string_view text) {
  bytes_.push_back('t');
  AppendUint64(bytes_, text.size());
  bytes_.append(text.data(), text.size());
  return *this;
}

RowChecksum& RowChecksum::Int(int64_t value) {
  bytes_.push_back('i');
  AppendUint64(bytes_, static_cast<uint64_t>(value));
  return *this;
}

RowChecksum& RowChecksum::OptionalInt(std::optional<int64_t> value) {
  if (value.has_value()) return Int(*value);
  bytes_.push_back('n');
  return *this;
}

uint64_t RowChecksum::Value() const {
  return XXH3_64bits(bytes_.data(), bytes_.size());
}

}  // namespace slicekit::internal
