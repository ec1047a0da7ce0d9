// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SLICE_STORE_H_
#define SLICEKIT_SLICE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"

namespace slicekit {

// In this header a "character" is a Unicode code point, never a byte.

// The most slices one org may hold.
inline constexpr int kMaxSlicesPerOrg = 100;
// Slice names: 3 to 30 characters after trimming and NFC normalization.
inline constexpr int kMinSliceNameChars = 3;
inline constexpr int kMaxSliceNameChars = 30;
// Descriptions: optional, at most 1,000 characters.
inline constexpr int kMaxSliceDescriptionChars = 1000;
// Orgs: 1 to 200 bytes of valid UTF-8 (an opaque key, compared byte-wise).
inline constexpr int kMaxOrgBytes = 200;

// Returns the stored form of a slice name, or InvalidArgument naming the
// first rule it breaks:
//  - valid UTF-8 (`name is not valid UTF-8 (byte 4)`, 1-based byte position);
//  - leading and trailing Unicode whitespace is removed;
//  - no control characters (category Cc, U+2028, U+2029), no
//    bidirectional formatting characters (U+061C, U+200E, U+200F,
//    U+202A-U+202E, U+2066-U+2069) and no unassigned code points (their
//    normalization could change with Unicode): `name contains a control
//    character (U+0007) at character 3` (1-based, in the trimmed name);
//  - normalized to NFC (utf8proc), then 3 to 30 characters: `name has 31
//    characters; the limit is 30`, `name has 2 characters; the minimum is 3`.
// Other format characters (e.g. U+200D, used by emoji sequences) are allowed.
absl::StatusOr<std::string> NormalizeSliceName(absl::string_view name);

// Returns the key under which names are unique within an org: the Unicode
// case folding (utf8proc UTF8PROC_CASEFOLD) of the NFC name, recomposed.
// "Ärger" and "ärger" have the same key. REQUIRES: `normalized_name` came
// from NormalizeSliceName().
std::string SliceNameKey(absl::string_view normalized_name);

// Returns OK if `description` is valid UTF-8 of at most 1,000 characters,
// else InvalidArgument (`description has 1001 characters; the limit is
// 1000`). Descriptions are stored as given (not trimmed or normalized).
absl::Status ValidateSliceDescription(absl::string_view description);

// What Create() needs to make a slice.
struct SliceSpec {
  std::string name;
  std::string description;
  Expr filter;
  std::vector<OrderBy> order_by;  // empty: by data_row_id
};

enum class SliceListOrder {
  kByName,          // by case-folded name, then name bytes
  kByCreationTime,  // oldest first; creation order breaks ties
};

// Saved slices of many orgs: at most kMaxSlicesPerOrg per org, names unique
// within an org case-insensitively. Every operation is atomic: it either
// happens completely or changes nothing. Thread-safe: one store may be used
// from many threads; the SQLite backend also holds its limits when several
// stores (in one or many processes) share a file.
//
// Ids look like "sl_" followed by 16 lowercase hex digits from the OS random
// source; an id is never reused, even after its slice is deleted.
// Orgs are not registered: an org exists while it has slices, so listing an
// org without slices gives an empty list, and getting a slice from it is
// NotFound. An org must be 1..200 bytes of valid UTF-8 (InvalidArgument).
//
// Errors: InvalidArgument (a name, description, org or ordering that breaks
// the rules), NotFound (no such slice in the org), AlreadyExists (the name
// is taken in the org, case-insensitively), ResourceExhausted (the org has
// 100 slices), FailedPrecondition (an `expected_version` that is not the
// slice's current version), Internal/DataLoss (the backend failed).
class SliceStore {
 public:
  // A new empty store in memory.
  static std::unique_ptr<SliceStore> InMemory();

  // Opens the SQLite store at `path`, creating the file (and its schema)
  // when it is missing or empty. A file that is not a slicekit store (not
  // SQLite, another application's database, another store format version,
  // corrupt) is an error (FailedPrecondition or DataLoss) and is left
  // unmodified. The store uses WAL mode with synchronous=FULL: a create,
  // update or delete that returned OK survives a process crash and a power
  // loss. Each operation is one `BEGIN IMMEDIATE` transaction; writers
  // wait for each other (up to 30 s, then Unavailable).
  static absl::StatusOr<std::unique_ptr<SliceStore>> OpenSqlite(
      const std::string& path);

  virtual ~SliceStore() = default;

  // Saves a new slice (version 1) and returns it with its new id and
  // timestamps. The name is normalized (NormalizeSliceName); the filter and
  // ordering are stored as given. Ordering columns must be non-empty and
  // not repeated.
  virtual absl::StatusOr<Slice> Create(absl::string_view org,
                                       const SliceSpec& spec) = 0;

  // Returns the slice with `id` in `org`.
  virtual absl::StatusOr<Slice> Get(absl::string_view org,
                                    absl::string_view id) = 0;

  // Returns the slice of `org` whose name equals `name` case-insensitively
  // (after normalization).
  virtual absl::StatusOr<Slice> GetByName(absl::string_view org,
                                          absl::string_view name) = 0;

  // Returns all slices of `org` (possibly none) in `order`.
  virtual absl::StatusOr<std::vector<Slice>> List(absl::string_view org,
                                                  SliceListOrder order) = 0;

  // Replaces the filter and ordering of slice `id` in place: same id,
  // version + 1, new updated_at. With `expected_version`, fails with
  // FailedPrecondition (changing nothing) unless the slice is at that
  // version.
  virtual absl::StatusOr<Slice> UpdateFilter(
      absl::string_view org, absl::string_view id, const Expr& filter,
      const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version = std::nullopt) = 0;

  // Saves `filter` and `order_by` as a new slice named `new_name` (new id,
  // version 1, the original's description) and leaves slice `id` unchanged.
  // Counts against the org's limit like Create(). `expected_version` as in
  // UpdateFilter(), checked against the original.
  virtual absl::StatusOr<Slice> UpdateFilterAsNew(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      const Expr& filter, const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version = std::nullopt) = 0;

  // Renames slice `id` (version + 1). Renaming to a name that differs from
  // the current one only in case is allowed.
  virtual absl::StatusOr<Slice> Rename(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      std::optional<int64_t> expected_version = std::nullopt) = 0;

  // Replaces the description of slice `id` (version + 1); empty clears it.
  virtual absl::StatusOr<Slice> SetDescription(
      absl::string_view org, absl::string_view id,
      absl::string_view description,
      std::optional<int64_t> expected_version = std::nullopt) = 0;

  // Deletes slice `id`. Its name becomes free; its id is never used again.
  virtual absl::Status Delete(
      absl::string_view org, absl::string_view id,
      std::optional<int64_t> expected_version = std::nullopt) = 0;

  // Checks the store's consistency (for SQLite, `PRAGMA integrity_check`
  // plus the slicekit invariants: at most 100 slices per org, unique
  // names, every stored filter readable). Returns DataLoss naming the first
  // problem. Cost: reads the whole store.
  virtual absl::Status CheckIntegrity() = 0;
};

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_STORE_H_
