// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. The part of SliceStore shared by its backends:
// every operation is written once, as a function over a transaction that
// loads one org's slices (and, for history, snapshots and alerts, a few
// more rows) and writes back at most a few rows; a backend only provides
// the transaction.
#ifndef SLICEKIT_SRC_SLICES_SLICE_STORE_INTERNAL_H_
#define SLICEKIT_SRC_SLICES_SLICE_STORE_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/explore.h"
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
  // The org's slices in creation order, filters as stored (references with
  // the names they had when saved).
  virtual absl::StatusOr<std::vector<StoredSlice>> LoadOrg(
      absl::string_view org) = 0;
  // Whether `id` belongs to a slice now or ever did.
  virtual absl::StatusOr<bool> IdUsed(absl::string_view id) = 0;
  // The slice's row must follow its version's (AddVersion() first): the
  // SQLite schema refuses a slices row without its history entry.
  virtual absl::Status Insert(const StoredSlice& slice) = 0;
  // Overwrites the slice with the same id.
  virtual absl::Status Replace(const StoredSlice& slice) = 0;
  // Removes the slice and its alert rules and retires its id.
  virtual absl::Status Erase(absl::string_view org, absl::string_view id) = 0;

  // History.
  virtual absl::Status AddVersion(const SliceVersion& version) = 0;
  // Slice `id`'s versions in `org`, ascending; empty when none.
  virtual absl::StatusOr<std::vector<SliceVersion>> LoadHistory(
      absl::string_view org, absl::string_view id) = 0;
  // The kDeleted entries of the org, in no particular order.
  virtual absl::StatusOr<std::vector<SliceVersion>> LoadDeleted(
      absl::string_view org) = 0;
  // Removes the history and snapshots of `id`; returns how many rows went.
  virtual absl::StatusOr<int64_t> EraseHistory(absl::string_view org,
                                               absl::string_view id) = 0;

  // Snapshots. InsertSnapshot returns the new id.
  virtual absl::StatusOr<int64_t> InsertSnapshot(
      const SnapshotInfo& info, const std::string& members) = 0;
  virtual absl::StatusOr<std::vector<SnapshotInfo>> LoadSnapshots(
      absl::string_view org, absl::string_view slice_id) = 0;
  // nullopt when the org has no such snapshot.
  virtual absl::StatusOr<std::optional<std::pair<SnapshotInfo, std::string>>>
  LoadSnapshot(absl::string_view org, int64_t snapshot_id) = 0;

  // Alert rules (canonical text; empty removes).
  virtual absl::Status PutAlertRules(absl::string_view org,
                                     absl::string_view id,
                                     absl::string_view rules) = 0;
  // (slice id, rules) of the org, by slice id.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadAlertRules(absl::string_view org) = 0;
};

// Implements SliceStore over Transact().
class TransactionalSliceStore : public SliceStore {
 public:
  absl::StatusOr<Slice> Create(absl::string_view org, const SliceSpec& spec,
                               const ChangeInfo& change) override;
  absl::StatusOr<Slice> Get(absl::string_view org,
                            absl::string_view id) override;
  absl::StatusOr<Slice> GetByName(absl::string_view org,
                                  absl::string_view name) override;
  absl::StatusOr<std::vector<Slice>> List(absl::string_view org,
                                          SliceListOrder order) override;
  absl::StatusOr<Slice> UpdateFilter(absl::string_view org,
                                     absl::string_view id, const Expr& filter,
                                     const std::vector<OrderBy>& order_by,
                                     std::optional<int64_t> expected_version,
                                     const ChangeInfo& change) override;
  absl::StatusOr<Slice> UpdateFilterAsNew(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      const Expr& filter, const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version,
      const ChangeInfo& change) override;
  absl::StatusOr<Slice> Rename(absl::string_view org, absl::string_view id,
                               absl::string_view new_name,
                               std::optional<int64_t> expected_version,
                               const ChangeInfo& change) override;
  absl::StatusOr<Slice> SetDescription(absl::string_view org,
                                       absl::string_view id,
                                       absl::string_view description,
                                       std::optional<int64_t> expected_version,
                                       const ChangeInfo& change) override;
  absl::Status Delete(absl::string_view org, absl::string_view id,
                      std::optional<int64_t> expected_version,
                      const ChangeInfo& change) override;
  absl::StatusOr<std::vector<SliceVersion>> History(
      absl::string_view org, absl::string_view id) override;
  absl::StatusOr<Slice> Restore(absl::string_view org, absl::string_view id,
                                int64_t version,
                                std::optional<int64_t> expected_version,
                                const ChangeInfo& change) override;
  absl::StatusOr<std::vector<SliceVersion>> ListDeleted(
      absl::string_view org) override;
  absl::Status Purge(absl::string_view org, absl::string_view id) override;
  absl::StatusOr<std::vector<SnapshotInfo>> ListSnapshots(
      absl::string_view org, absl::string_view id) override;
  absl::Status SetAlertRules(absl::string_view org, absl::string_view id,
                             absl::string_view rules) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ListAlertRules(absl::string_view org) override;

 protected:
  absl::StatusOr<SnapshotInfo> AddSnapshot(absl::string_view org,
                                           const SnapshotInfo& info,
                                           const std::string& members) override;
  absl::StatusOr<std::pair<SnapshotInfo, std::string>> LoadSnapshot(
      absl::string_view org, int64_t snapshot_id) override;

  // Runs `body` in one transaction: commits if it returns OK, else rolls
  // back and returns its error. `write` says whether `body` may write.
  virtual absl::Status Transact(
      bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) = 0;

 private:
  // The shape of every change in place: in one write transaction, find the
  // slice, check `expected_version`, let `edit` edit it (it sees the
  // org's other slices and the transaction), resolve its references, bump
  // version and updated_at, and store it with a history entry of kind
  // `kind`.
  absl::StatusOr<Slice> ChangeInPlace(
      absl::string_view org, absl::string_view id,
      std::optional<int64_t> expected_version, SliceChange kind,
      const ChangeInfo& change,
      absl::FunctionRef<absl::Status(
          SliceTxn& txn, const std::vector<StoredSlice>& org_slices,
          StoredSlice& slice, std::optional<int64_t>& restored_from)>
          edit);
};

// Checks the slicekit invariants over a whole store given org by org:
// at most 100 slices, unique name keys and ids, keys matching names, IN
// SLICE references resolving by id within the org without a cycle.
absl::Status CheckOrgInvariants(absl::string_view org,
                                const std::vector<StoredSlice>& slices);

// DataLoss unless the history of live slice `slice` (ascending) is free of
// gaps and ends with the slice as it is now.
absl::Status CheckLiveHistory(const Slice& slice,
                              const std::vector<SliceVersion>& history);

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

// SliceChange as stored ("created", ...) and back (nullopt if unknown).
std::optional<SliceChange> SliceChangeFromName(absl::string_view name);

// A summary as JSON and back (DataLoss for a malformed one).
std::string SummaryToJson(const SliceSummary& summary);
absl::StatusOr<SliceSummary> SummaryFromJson(absl::string_view json);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_SLICES_SLICE_STORE_INTERNAL_H_
