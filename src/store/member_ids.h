// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the stored form of a snapshot's member ids, and the merge that
// diffs two of them without building either list.
//
// Format (version 1): one byte 0x01; varint count; varint length of the
// front-coded stream; then that stream compressed with zlib (which checks
// it with Adler-32). The stream holds the ids in ascending byte order, each
// as varint(bytes shared with the previous id), varint(suffix length),
// suffix: sorted data_row_ids share long prefixes, so most cost a few
// bytes before zlib and one or two after.
#ifndef SLICEKIT_SRC_STORE_MEMBER_IDS_H_
#define SLICEKIT_SRC_STORE_MEMBER_IDS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace slicekit::internal {

// Encodes `ids`. REQUIRES: ascending byte-wise (unsigned), no repeats.
// Errors: ResourceExhausted when zlib cannot allocate its state (its only
// failure once compressBound sized the output), Internal for any other
// zlib error.
absl::StatusOr<std::string> EncodeMemberIds(
    absl::Span<const absl::string_view> ids);

// `ids` in the order EncodeMemberIds() and DiffMemberIds() require: `ids`
// itself when it is already ascending (the usual case: callers sort a
// scan's ids), else a sorted copy kept in `*sorted`. InvalidArgument when
// an id repeats, since the ids of a set are distinct.
absl::StatusOr<absl::Span<const absl::string_view>> AscendingMemberIds(
    absl::Span<const absl::string_view> ids,
    std::vector<absl::string_view>* sorted);

// Reads encoded ids one at a time, checking the stream as it goes: a
// malformed one (bad header, zlib error, an id out of order, a count that
// does not match) stops it with DataLoss in status().
class MemberIdReader {
 public:
  // Inflates `encoded` (kept by copy of its decompressed stream only).
  static absl::StatusOr<MemberIdReader> Open(absl::string_view encoded);

  size_t count() const { return count_; }
  // Sets `*id` to the next id (valid until the next call) and returns true,
  // or returns false at the end or on an error (then see status()).
  bool Next(absl::string_view* id);
  const absl::Status& status() const { return status_; }

 private:
  MemberIdReader() = default;
  bool Fail(absl::string_view what);

  std::string stream_;
  size_t pos_ = 0;
  size_t count_ = 0;
  size_t read_ = 0;
  std::string current_;
  absl::Status status_;
};

// All ids of `encoded`.
absl::StatusOr<std::vector<std::string>> DecodeMemberIds(
    absl::string_view encoded);

// Ids in `to` and not in `from` (entered), and the other way (left), both
// ascending.
struct MemberDiff {
  std::vector<std::string> entered;
  std::vector<std::string> left;
};

// Diffs two encoded id sets in one merge pass.
absl::StatusOr<MemberDiff> DiffMemberIds(absl::string_view from,
                                         absl::string_view to);
// Diffs encoded ids with ascending, repeat-free `to`.
absl::StatusOr<MemberDiff> DiffMemberIds(
    absl::string_view from, absl::Span<const absl::string_view> to);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_MEMBER_IDS_H_
