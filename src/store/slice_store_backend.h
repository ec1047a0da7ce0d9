// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. Where a backend plugs into SliceStore.
//
// SliceStore (slicekit/slice_store.h) writes every operation once, as a
// function over a transaction that loads one org's slices (and, for
// history, snapshots and alerts, a few more rows) and writes back at most a
// few rows; it checks every rule itself. A backend only keeps the rows: it
// provides the transactions (SliceTxn, through SliceStoreBackend::Transact)
// and its own integrity check. The backends today are memory
// (slice_store_memory.cc), SQLite (slice_store_sqlite.cc) and PostgreSQL
// (slice_store_postgres.cc).
//
// Adding one: implement SliceTxn and SliceStoreBackend in
// src/store/slice_store_<name>.cc, and declare a factory beside
// SliceStore::OpenSqlite() that hands the backend to SliceStore's
// constructor. Its transactions must be atomic and serializable across
// every process sharing the data, which is what keeps the store's limits
// (100 slices per org, unique names) under concurrent writers.
#ifndef SLICEKIT_SRC_STORE_SLICE_STORE_BACKEND_H_
#define SLICEKIT_SRC_STORE_SLICE_STORE_BACKEND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice.h"
#include "slicekit/slice_snapshot.h"

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

// What the backends differ in. Thread-safe: SliceStore calls it from any
// thread.
class SliceStoreBackend {
 public:
  virtual ~SliceStoreBackend() = default;

  // Runs `body` in one transaction: commits if it returns OK, else rolls
  // back and returns its error. `write` says whether `body` may write.
  virtual absl::Status Transact(
      bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) = 0;

  // SliceStore::CheckIntegrity(): what only the backend can check (for
  // SQLite, the file itself), and CheckOrgs() over all of its orgs.
  virtual absl::Status CheckIntegrity() = 0;

  // Names where the data is kept in a DataLoss found outside a transaction
  // (a snapshot's members that do not decode), as the backend's own
  // DataLoss errors do; other statuses pass unchanged.
  virtual absl::Status WithFileName(absl::Status status) const {
    return status;
  }
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

// CheckOrgInvariants() and, for each live slice, CheckLiveHistory() for
// every org of `orgs`, read through `txn`. The first problem is DataLoss.
absl::Status CheckOrgs(SliceTxn& txn, const std::vector<std::string>& orgs);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_SLICE_STORE_BACKEND_H_
