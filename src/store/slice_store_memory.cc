// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The in-memory backend of SliceStore.
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_backend.h"

namespace slicekit {
namespace internal {
namespace {

// The in-memory backend: one mutex around everything; a transaction works
// on the maps directly. Operations do all their checks before they write,
// and the writes themselves cannot fail, so an error never leaves a
// partial change behind.
class MemoryBackend final : public SliceStoreBackend {
 public:
  absl::Status Transact(
      bool /*write*/,
      absl::FunctionRef<absl::Status(SliceTxn&)> body) override {
    std::lock_guard<std::mutex> lock(mu_);
    Txn txn(this);
    return body(txn);
  }

  absl::Status CheckIntegrity() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> orgs;
    orgs.reserve(orgs_.size());
    for (const auto& [org, slices] : orgs_) orgs.push_back(org);
    Txn txn(this);
    return CheckOrgs(txn, orgs);
  }

 private:
  class Txn final : public SliceTxn {
   public:
    explicit Txn(MemoryBackend* store) : store_(store) {}
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
      store_->alerts_.erase(std::string(id));
      return absl::OkStatus();
    }

    absl::Status AddVersion(const SliceVersion& version) override {
      store_->versions_[version.slice_id].push_back(version);
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<SliceVersion>> LoadHistory(
        absl::string_view org, absl::string_view id) override {
      auto it = store_->versions_.find(id);
      if (it == store_->versions_.end() || it->second.front().org != org) {
        return std::vector<SliceVersion>();
      }
      return it->second;
    }
    absl::StatusOr<std::vector<SliceVersion>> LoadDeleted(
        absl::string_view org) override {
      std::vector<SliceVersion> deleted;
      for (const auto& [id, history] : store_->versions_) {
        if (history.back().org == org &&
            history.back().change == SliceChange::kDeleted) {
          deleted.push_back(history.back());
        }
      }
      return deleted;
    }
    absl::StatusOr<int64_t> EraseHistory(absl::string_view org,
                                         absl::string_view id) override {
      int64_t removed = 0;
      auto it = store_->versions_.find(id);
      if (it != store_->versions_.end() && it->second.front().org == org) {
        removed += static_cast<int64_t>(it->second.size());
        store_->versions_.erase(it);
      }
      for (auto s = store_->snapshots_.begin();
           s != store_->snapshots_.end();) {
        if (s->second.first.org == org && s->second.first.slice_id == id) {
          s = store_->snapshots_.erase(s);
          ++removed;
        } else {
          ++s;
        }
      }
      return removed;
    }

    absl::StatusOr<int64_t> InsertSnapshot(
        const SnapshotInfo& info, const std::string& members) override {
      const int64_t id = ++store_->last_snapshot_id_;
      SnapshotInfo copy = info;
      copy.id = id;
      store_->snapshots_.emplace(id, std::make_pair(copy, members));
      return id;
    }
    absl::StatusOr<std::vector<SnapshotInfo>> LoadSnapshots(
        absl::string_view org, absl::string_view slice_id) override {
      std::vector<SnapshotInfo> infos;
      for (const auto& [id, snapshot] : store_->snapshots_) {
        if (snapshot.first.org == org && snapshot.first.slice_id == slice_id) {
          infos.push_back(snapshot.first);
        }
      }
      return infos;
    }
    absl::StatusOr<std::optional<std::pair<SnapshotInfo, std::string>>>
    LoadSnapshot(absl::string_view org, int64_t snapshot_id) override {
      auto it = store_->snapshots_.find(snapshot_id);
      if (it == store_->snapshots_.end() || it->second.first.org != org) {
        return std::nullopt;
      }
      return it->second;
    }

    absl::Status PutAlertRules(absl::string_view org, absl::string_view id,
                               absl::string_view rules) override {
      if (rules.empty()) {
        store_->alerts_.erase(std::string(id));
      } else {
        store_->alerts_[std::string(id)] = {std::string(org),
                                            std::string(rules)};
      }
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
    LoadAlertRules(absl::string_view org) override {
      std::vector<std::pair<std::string, std::string>> rules;
      for (const auto& [id, alert] : store_->alerts_) {
        if (alert.first == org) rules.emplace_back(id, alert.second);
      }
      return rules;
    }

   private:
    MemoryBackend* store_;
  };

  // std::mutex rather than absl::Mutex: ThreadSanitizer sees it even
  // with a prebuilt (uninstrumented) Abseil.
  std::mutex mu_;
  // Guarded by mu_:
  absl::flat_hash_map<std::string, std::vector<StoredSlice>> orgs_;
  absl::flat_hash_set<std::string> used_ids_;
  int64_t last_seq_ = 0;
  // slice id -> versions, ascending (every version has the same org).
  absl::flat_hash_map<std::string, std::vector<SliceVersion>> versions_;
  // Ordered by id: listings come oldest first.
  std::map<int64_t, std::pair<SnapshotInfo, std::string>> snapshots_;
  int64_t last_snapshot_id_ = 0;
  // slice id -> (org, rules); ordered for ListAlertRules.
  std::map<std::string, std::pair<std::string, std::string>> alerts_;
};

}  // namespace
}  // namespace internal

std::unique_ptr<SliceStore> SliceStore::InMemory() {
  return std::unique_ptr<SliceStore>(
      new SliceStore(std::make_unique<internal::MemoryBackend>()));
}

}  // namespace slicekit
