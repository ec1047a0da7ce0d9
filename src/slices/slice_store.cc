// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// SliceStore operations (written once, over a backend transaction) and the
// in-memory backend.
#include "slicekit/slice_store.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "slicekit/filter_json.h"
#include "src/slices/slice_store_internal.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace internal {
namespace {

// Stored timestamps have microsecond precision (SQLite keeps integer
// microseconds); the in-memory backend rounds the same way so both behave
// alike.
absl::Time NowMicros() {
  return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
}

// 64 bits from the OS random source (std::random_device reads getrandom or
// /dev/urandom on Linux), so ids cannot be guessed from other ids.
std::string RandomId() {
  std::random_device device;
  const uint64_t bits = (uint64_t{device()} << 32) | uint64_t{device()};
  return absl::StrFormat("sl_%016x", bits);
}

absl::Status ValidateOrg(absl::string_view org) {
  if (org.empty()) return absl::InvalidArgumentError("org is empty");
  if (org.size() > static_cast<size_t>(kMaxOrgBytes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "org has ", org.size(), " bytes; the limit is ", kMaxOrgBytes));
  }
  SLICEKIT_RETURN_IF_ERROR(ValidateUtf8(org, "org"));
  return absl::OkStatus();
}

absl::Status ValidateOrderBy(const std::vector<OrderBy>& order_by) {
  for (size_t i = 0; i < order_by.size(); ++i) {
    if (order_by[i].column.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("order_by[", i, "] has an empty column name"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (order_by[j].column == order_by[i].column) {
        return absl::InvalidArgumentError(absl::StrCat(
            "order_by repeats column \"", order_by[i].column, "\""));
      }
    }
  }
  return absl::OkStatus();
}

// A stored filter must read back: the JSON form is what the SQLite backend
// loads, so a filter the JSON reader refuses (e.g. nested deeper than
// kMaxFilterDepth) is refused up front by both backends.
absl::Status ValidateFilter(const Expr& filter) {
  absl::StatusOr<Expr> round_trip = FilterFromJson(FilterToJson(filter));
  if (!round_trip.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter cannot be stored: ", round_trip.status().message()));
  }
  return absl::OkStatus();
}

absl::Status NotFoundError(absl::string_view org, absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat("org \"", org, "\" has no slice with id \"", id, "\""));
}

// The index of slice `id` in `slices`, or NotFound.
absl::StatusOr<size_t> FindById(const std::vector<StoredSlice>& slices,
                                absl::string_view org, absl::string_view id) {
  for (size_t i = 0; i < slices.size(); ++i) {
    if (slices[i].slice.id == id) return i;
  }
  return NotFoundError(org, id);
}

absl::Status CheckVersion(const Slice& slice,
                          std::optional<int64_t> expected_version) {
  if (expected_version.has_value() && *expected_version != slice.version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice \"", slice.name, "\" (", slice.id, ") is at version ",
        slice.version, ", not the expected version ", *expected_version,
        "; it was changed concurrently: read it again and retry"));
  }
  return absl::OkStatus();
}

// AlreadyExists if another slice than `except_id` has `name_key`.
absl::Status CheckNameFree(const std::vector<StoredSlice>& slices,
                           absl::string_view org, absl::string_view name,
                           absl::string_view name_key,
                           absl::string_view except_id) {
  for (const StoredSlice& s : slices) {
    if (s.name_key == name_key && s.slice.id != except_id) {
      return absl::AlreadyExistsError(
          absl::StrCat("name \"", name, "\" is taken in org \"", org,
                       "\" by slice \"", s.slice.name, "\" (", s.slice.id,
                       "); names are compared case-insensitively"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRoom(absl::string_view org, size_t existing) {
  if (existing >= static_cast<size_t>(kMaxSlicesPerOrg)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("org \"", org, "\" already has ", existing,
                     " slices; the limit is ", kMaxSlicesPerOrg));
  }
  return absl::OkStatus();
}

// Inserts a validated new slice: checks room and name, draws an unused id.
absl::StatusOr<Slice> InsertNew(SliceTxn& txn, absl::string_view org,
                                std::string name, std::string description,
                                const Expr& filter,
                                const std::vector<OrderBy>& order_by) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices, txn.LoadOrg(org));
  StoredSlice stored;
  stored.name_key = SliceNameKey(name);
  SLICEKIT_RETURN_IF_ERROR(
      CheckNameFree(slices, org, name, stored.name_key, /*except_id=*/""));
  SLICEKIT_RETURN_IF_ERROR(CheckRoom(org, slices.size()));
  std::string id;
  for (;;) {
    id = RandomId();
    SLICEKIT_ASSIGN_OR_RETURN(const bool used, txn.IdUsed(id));
    if (!used) break;
  }
  Slice& slice = stored.slice;
  slice.id = std::move(id);
  slice.org = std::string(org);
  slice.name = std::move(name);
  slice.description = std::move(description);
  slice.filter = filter;
  slice.order_by = order_by;
  slice.created_at = slice.updated_at = NowMicros();
  slice.version = 1;
  SLICEKIT_RETURN_IF_ERROR(txn.Insert(stored));
  return slice;
}

}  // namespace

absl::StatusOr<Slice> TransactionalSliceStore::Create(absl::string_view org,
                                                      const SliceSpec& spec) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(std::string name, NormalizeSliceName(spec.name));
  SLICEKIT_RETURN_IF_ERROR(ValidateSliceDescription(spec.description));
  SLICEKIT_RETURN_IF_ERROR(ValidateOrderBy(spec.order_by));
  SLICEKIT_RETURN_IF_ERROR(ValidateFilter(spec.filter));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(Transact(/*write=*/true, [&](SliceTxn& txn) {
    result =
        InsertNew(txn, org, name, spec.description, spec.filter, spec.order_by);
    return result.status();
  }));
  return result;
}

absl::StatusOr<Slice> TransactionalSliceStore::Get(absl::string_view org,
                                                   absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(Transact(/*write=*/false, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
    result = std::move(slices[i].slice);
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<Slice> TransactionalSliceStore::GetByName(
    absl::string_view org, absl::string_view name) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  absl::StatusOr<std::string> normalized = NormalizeSliceName(name);
  if (!normalized.ok()) {
    // No stored name breaks the rules, so no slice can match.
    return absl::NotFoundError(
        absl::StrCat("org \"", org, "\" has no slice named \"", name, "\" (",
                     normalized.status().message(), ")"));
  }
  const std::string key = SliceNameKey(*normalized);
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(Transact(/*write=*/false, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    for (StoredSlice& s : slices) {
      if (s.name_key == key) {
        result = std::move(s.slice);
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError(absl::StrCat(
        "org \"", org, "\" has no slice named \"", *normalized, "\""));
  }));
  return result;
}

absl::StatusOr<std::vector<Slice>> TransactionalSliceStore::List(
    absl::string_view org, SliceListOrder order) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::vector<StoredSlice> slices;
  SLICEKIT_RETURN_IF_ERROR(Transact(/*write=*/false, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(slices, txn.LoadOrg(org));
    return absl::OkStatus();
  }));
  if (order == SliceListOrder::kByName) {
    std::sort(slices.begin(), slices.end(),
              [](const StoredSlice& a, const StoredSlice& b) {
                if (a.name_key != b.name_key) return a.name_key < b.name_key;
                return a.slice.name < b.slice.name;
              });
  } else {
    std::sort(slices.begin(), slices.end(),
              [](const StoredSlice& a, const StoredSlice& b) {
                if (a.slice.created_at != b.slice.created_at) {
                  return a.slice.created_at < b.slice.created_at;
                }
                return a.seq < b.seq;
              });
  }
  std::vector<Slice> result;
  result.reserve(slices.size());
  for (StoredSlice& s : slices) result.push_back(std::move(s.slice));
  return result;
}

absl::StatusOr<Slice> TransactionalSliceStore::ChangeInPlace(
    absl::string_view org, absl::string_view id,
    std::optional<int64_t> expected_version,
    absl::FunctionRef<absl::Status(const std::vector<StoredSlice>&,
                                   StoredSlice&)>
        change) {
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
    StoredSlice& stored = slices[i];
    SLICEKIT_RETURN_IF_ERROR(CheckVersion(stored.slice, expected_version));
    SLICEKIT_RETURN_IF_ERROR(change(slices, stored));
    stored.slice.updated_at = NowMicros();
    ++stored.slice.version;
    SLICEKIT_RETURN_IF_ERROR(txn.Replace(stored));
    result = stored.slice;
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<Slice> TransactionalSliceStore::UpdateFilter(
    absl::string_view org, absl::string_view id, const Expr& filter,
    const std::vector<OrderBy>& order_by,
    std::optional<int64_t> expected_version) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_RETURN_IF_ERROR(ValidateOrderBy(order_by));
  SLICEKIT_RETURN_IF_ERROR(ValidateFilter(filter));
  return ChangeInPlace(
      org, id, expected_version,
      [&](const std::vector<StoredSlice>&, StoredSlice& stored) {
        stored.slice.filter = filter;
        stored.slice.order_by = order_by;
        return absl::OkStatus();
      });
}

absl::StatusOr<Slice> TransactionalSliceStore::UpdateFilterAsNew(
    absl::string_view org, absl::string_view id, absl::string_view new_name,
    const Expr& filter, const std::vector<OrderBy>& order_by,
    std::optional<int64_t> expected_version) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(std::string name, NormalizeSliceName(new_name));
  SLICEKIT_RETURN_IF_ERROR(ValidateOrderBy(order_by));
  SLICEKIT_RETURN_IF_ERROR(ValidateFilter(filter));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
    SLICEKIT_RETURN_IF_ERROR(CheckVersion(slices[i].slice, expected_version));
    result = InsertNew(txn, org, name, slices[i].slice.description, filter,
                       order_by);
    return result.status();
  }));
  return result;
}

absl::StatusOr<Slice> TransactionalSliceStore::Rename(
    absl::string_view org, absl::string_view id, absl::string_view new_name,
    std::optional<int64_t> expected_version) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(std::string name, NormalizeSliceName(new_name));
  const std::string key = SliceNameKey(name);
  return ChangeInPlace(
      org, id, expected_version,
      [&](const std::vector<StoredSlice>& slices, StoredSlice& stored) {
        SLICEKIT_RETURN_IF_ERROR(CheckNameFree(slices, org, name, key, id));
        stored.slice.name = name;
        stored.name_key = key;
        return absl::OkStatus();
      });
}

absl::StatusOr<Slice> TransactionalSliceStore::SetDescription(
    absl::string_view org, absl::string_view id, absl::string_view description,
    std::optional<int64_t> expected_version) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_RETURN_IF_ERROR(ValidateSliceDescription(description));
  return ChangeInPlace(
      org, id, expected_version,
      [&](const std::vector<StoredSlice>&, StoredSlice& stored) {
        stored.slice.description = std::string(description);
        return absl::OkStatus();
      });
}

absl::Status TransactionalSliceStore::Delete(
    absl::string_view org, absl::string_view id,
    std::optional<int64_t> expected_version) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  return Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
    SLICEKIT_RETURN_IF_ERROR(CheckVersion(slices[i].slice, expected_version));
    return txn.Erase(org, id);
  });
}

absl::Status CheckOrgInvariants(absl::string_view org,
                                const std::vector<StoredSlice>& slices) {
  if (slices.size() > static_cast<size_t>(kMaxSlicesPerOrg)) {
    return absl::DataLossError(
        absl::StrCat("org \"", org, "\" has ", slices.size(),
                     " slices; the limit is ", kMaxSlicesPerOrg));
  }
  absl::flat_hash_set<std::string> keys;
  for (const StoredSlice& s : slices) {
    absl::StatusOr<std::string> name = NormalizeSliceName(s.slice.name);
    if (!name.ok() || *name != s.slice.name ||
        SliceNameKey(*name) != s.name_key) {
      return absl::DataLossError(
          absl::StrCat("slice ", s.slice.id, " has a malformed stored name"));
    }
    if (!keys.insert(s.name_key).second) {
      return absl::DataLossError(absl::StrCat(
          "org \"", org, "\" has two slices named \"", s.slice.name, "\""));
    }
    if (s.slice.org != org || s.slice.version < 1) {
      return absl::DataLossError(
          absl::StrCat("slice ", s.slice.id, " has a malformed record"));
    }
  }
  return absl::OkStatus();
}

std::string OrderByToJson(const std::vector<OrderBy>& order_by) {
  nlohmann::json keys = nlohmann::json::array();
  for (const OrderBy& key : order_by) {
    keys.push_back({{"column", key.column}, {"descending", key.descending}});
  }
  return keys.dump();
}

absl::StatusOr<std::vector<OrderBy>> OrderByFromJson(absl::string_view json) {
  const nlohmann::json keys =
      nlohmann::json::parse(json.begin(), json.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (!keys.is_array()) {
    return absl::DataLossError("stored order_by is not a JSON array");
  }
  std::vector<OrderBy> order_by;
  for (const nlohmann::json& key : keys) {
    if (!key.is_object() || !key.contains("column") ||
        !key["column"].is_string() || !key.contains("descending") ||
        !key["descending"].is_boolean()) {
      return absl::DataLossError("stored order_by has a malformed key");
    }
    order_by.push_back(
        {key["column"].get<std::string>(), key["descending"].get<bool>()});
  }
  return order_by;
}

namespace {

// The in-memory backend: one mutex around everything; a transaction works
// on the maps directly. Operations do all their checks before their only
// write, so an error never leaves a partial change behind.
class MemorySliceStore final : public TransactionalSliceStore {
 public:
  absl::Status CheckIntegrity() override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [org, slices] : orgs_) {
      SLICEKIT_RETURN_IF_ERROR(CheckOrgInvariants(org, slices));
    }
    return absl::OkStatus();
  }

 protected:
  absl::Status Transact(
      bool /*write*/,
      absl::FunctionRef<absl::Status(SliceTxn&)> body) override {
    std::lock_guard<std::mutex> lock(mu_);
    Txn txn(this);
    return body(txn);
  }

 private:
  class Txn final : public SliceTxn {
   public:
    explicit Txn(MemorySliceStore* store) : store_(store) {}
    absl::StatusOr<std::vector<StoredSlice>> LoadOrg(
        absl::string_view org) override {
      auto it = store_->orgs_.find(org);
      if (it == store_->orgs_.end()) return std::vector<StoredSlice>();
      return it->second;
    }
    absl::StatusOr<bool> IdUsed(absl::string_view id) override {
      return store_->used_ids_.contains(id);
    }
    absl::Status Insert(const StoredSlice& slice) override {
      StoredSlice copy = slice;
      copy.seq = ++store_->last_seq_;
      store_->used_ids_.insert(copy.slice.id);
      store_->orgs_[copy.slice.org].push_back(std::move(copy));
      return absl::OkStatus();
    }
    absl::Status Replace(const StoredSlice& slice) override {
      for (StoredSlice& s : store_->orgs_[slice.slice.org]) {
        if (s.slice.id == slice.slice.id) {
          const int64_t seq = s.seq;
          s = slice;
          s.seq = seq;
          return absl::OkStatus();
        }
      }
      return absl::InternalError("replaced slice is missing");
    }
    absl::Status Erase(absl::string_view org, absl::string_view id) override {
      auto it = store_->orgs_.find(org);
      if (it == store_->orgs_.end()) {
        return absl::InternalError("erased slice is missing");
      }
      std::vector<StoredSlice>& slices = it->second;
      slices.erase(std::remove_if(
                       slices.begin(), slices.end(),
                       [&](const StoredSlice& s) { return s.slice.id == id; }),
                   slices.end());
      if (slices.empty()) store_->orgs_.erase(it);
      return absl::OkStatus();
    }

   private:
    MemorySliceStore* store_;
  };

  // std::mutex rather than absl::Mutex: ThreadSanitizer sees it even
  // with a prebuilt (uninstrumented) Abseil.
  std::mutex mu_;
  // Guarded by mu_:
  absl::flat_hash_map<std::string, std::vector<StoredSlice>> orgs_;
  absl::flat_hash_set<std::string> used_ids_;
  int64_t last_seq_ = 0;
};

}  // namespace
}  // namespace internal

std::unique_ptr<SliceStore> SliceStore::InMemory() {
  return std::make_unique<internal::MemorySliceStore>();
}

}  // namespace slicekit
