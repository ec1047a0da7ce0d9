// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. The part of SliceStore shared by its backends:
// every operation is written once, as a function over a transaction that
// loads one org's slices and writes back at most a few rows; a backend only
// provides the transaction.
#ifndef SLICEKIT_SRC_SLICES_SLICE_STORE_INTERNAL_H_
#define SLICEKIT_SRC_SLICES_SLICE_STORE_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice_store.h"

namespace slicekit::internal {

// A slice as a backend keeps it.
struct StoredSlice {
  Slice slice;
  std::string name_key;  // SliceNameKey(slice.name)
  int64_t seq = 0;       // creation order in the store; set by Insert()
};

// One transaction of a backend. Reads see the writes made before them in
// the same transaction.
class SliceTxn {
 public:
  virtual ~SliceTxn() = default;
  // The org's slices in creation order.
  virtual absl::StatusOr<std::vector<StoredSlice>> LoadOrg(
      absl::string_view org) = 0;
  // Whether `id` belongs to a slice now or ever did.
  virtual absl::StatusOr<bool> IdUsed(absl::string_view id) = 0;
  virtual absl::Status Insert(const StoredSlice& slice) = 0;
  // Overwrites the slice with the same id.
  virtual absl::Status Replace(const StoredSlice& slice) = 0;
  // Removes the slice and retires its id.
  virtual absl::Status Erase(absl::string_view org, absl::string_view id) = 0;
};

// Implements SliceStore over Transact().
class TransactionalSliceStore : public SliceStore {
 public:
  absl::StatusOr<Slice> Create(absl::string_view org,
                               const SliceSpec& spec) override;
  absl::StatusOr<Slice> Get(absl::string_view org,
                            absl::string_view id) override;
  absl::StatusOr<Slice> GetByName(absl::string_view org,
                                  absl::string_view name) override;
  absl::StatusOr<std::vector<Slice>> List(absl::string_view org,
                                          SliceListOrder order) override;
  absl::StatusOr<Slice> UpdateFilter(
      absl::string_view org, absl::string_view id, const Expr& filter,
      const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version) override;
  absl::StatusOr<Slice> UpdateFilterAsNew(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      const Expr& filter, const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version) override;
  absl::StatusOr<Slice> Rename(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      std::optional<int64_t> expected_version) override;
  absl::StatusOr<Slice> SetDescription(
      absl::string_view org, absl::string_view id,
      absl::string_view description,
      std::optional<int64_t> expected_version) override;
  absl::Status Delete(absl::string_view org, absl::string_view id,
                      std::optional<int64_t> expected_version) override;

 protected:
  // Runs `body` in one transaction: commits if it returns OK, else rolls
  // back and returns its error. `write` says whether `body` may write.
  virtual absl::Status Transact(
      bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) = 0;

 private:
  // The shape of every change in place: in one write transaction, find the
  // slice, check `expected_version`, let `change` edit it (it sees the
  // org's other slices too), then bump version and updated_at and store it.
  absl::StatusOr<Slice> ChangeInPlace(
      absl::string_view org, absl::string_view id,
      std::optional<int64_t> expected_version,
      absl::FunctionRef<absl::Status(const std::vector<StoredSlice>& org_slices,
                                     StoredSlice& slice)>
          change);
};

// Checks the slicekit invariants over a whole store given org by org:
// at most 100 slices, unique name keys and ids, keys matching names.
absl::Status CheckOrgInvariants(absl::string_view org,
                                const std::vector<StoredSlice>& slices);

// How many times, in this process, an operation of a SQLite store got
// SQLITE_BUSY or SQLITE_LOCKED back (SQLite's own busy timeout had run out
// or did not apply) and started over; waits inside SQLite's busy timeout
// are not counted. Never reset. For bench/store_load_benchmark.cc.
int64_t SqliteBusyRetries();
// How many times, in this process, a statement of a SQLite store found the
// file locked and waited (SQLite's back-off: 1, 2, 5, ... 100 ms, up to
// 10 s in all) before trying again. Never reset.
int64_t SqliteBusyWaits();

// InvalidArgument `<what> is not valid UTF-8 (byte N)` unless `text` is.
absl::Status ValidateUtf8(absl::string_view text, absl::string_view what);

// Orderings as JSON ([{"column":"fp","descending":true}]) and back.
std::string OrderByToJson(const std::vector<OrderBy>& order_by);
absl::StatusOr<std::vector<OrderBy>> OrderByFromJson(absl::string_view json);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_SLICES_SLICE_STORE_INTERNAL_H_
