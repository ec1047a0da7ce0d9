// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What the store does above its transactions: resolving IN SLICE among an
// org's slices, taking snapshots of a slice's membership (bind, scan,
// summarize, encode the ids) and diffing them.
#include "slicekit/slice_snapshot.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "slicekit/explore.h"
#include "slicekit/scan.h"
#include "slicekit/slice_store.h"
#include "src/store/member_ids.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

// A slice's membership in a table now: its summary and its ids, ascending
// (views into the table).
struct Membership {
  Slice slice;
  SliceSummary summary;
  std::vector<absl::string_view> ids;
};

absl::StatusOr<Membership> ComputeMembership(SliceStore& store,
                                             absl::string_view org,
                                             absl::string_view id,
                                             const Table& table, int threads) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<Slice> slices,
                            store.List(org, SliceListOrder::kByCreationTime));
  Membership m;
  bool found = false;
  for (const Slice& s : slices) {
    if (s.id == id) {
      m.slice = s;
      found = true;
    }
  }
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("org \"", org, "\" has no slice with id \"", id, "\""));
  }
  const SliceListResolver resolver(std::move(slices), std::string(org));
  SLICEKIT_ASSIGN_OR_RETURN(const BoundFilter bound,
                            Bind(m.slice.filter, table, resolver));
  const Selection rows = bound.Scan({.threads = threads});
  SLICEKIT_ASSIGN_OR_RETURN(m.summary, Summarize(table, rows));
  m.ids.reserve(m.summary.rows);
  rows.ForEach([&](RowIndex row) { m.ids.push_back(table.RowId(row)); });
  // Ids often come in order already (generated, or imported sorted).
  if (!std::is_sorted(m.ids.begin(), m.ids.end())) {
    std::sort(m.ids.begin(), m.ids.end());
  }
  return m;
}

SnapshotInfo InfoFor(absl::string_view org, const Membership& m,
                     const SnapshotOptions& options) {
  SnapshotInfo info;
  info.org = std::string(org);
  info.slice_id = m.slice.id;
  info.slice_name = m.slice.name;
  info.slice_version = m.slice.version;
  info.table_name = options.table_name;
  info.actor = options.taken.actor;
  info.taken_at = absl::FromUnixMicros(
      absl::ToUnixMicros(options.taken.at.value_or(absl::Now())));
  info.summary = m.summary;
  return info;
}

std::optional<double> AsDouble(int64_t value) {
  return static_cast<double>(value);
}

std::vector<MetricChange> MetricChanges(const SliceSummary& a,
                                        const SliceSummary& b) {
  const struct {
    const char* name;
    std::optional<double> before, after;
  } metrics[] = {
      {"rows", AsDouble(static_cast<int64_t>(a.rows)),
       AsDouble(static_cast<int64_t>(b.rows))},
      {"tp", AsDouble(a.tp), AsDouble(b.tp)},
      {"fp", AsDouble(a.fp), AsDouble(b.fp)},
      {"fn", AsDouble(a.fn), AsDouble(b.fn)},
      {"precision", a.precision, b.precision},
      {"recall", a.recall, b.recall},
      {"f1", a.f1, b.f1},
      {"mean_confidence", a.mean_confidence, b.mean_confidence},
      {"mean_iou", a.mean_iou, b.mean_iou},
  };
  std::vector<MetricChange> changes;
  for (const auto& m : metrics) {
    MetricChange change{m.name, m.before, m.after, std::nullopt};
    if (m.before.has_value() && m.after.has_value()) {
      change.change = *m.after - *m.before;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

SnapshotDiff MakeDiff(SnapshotInfo from, SnapshotInfo to,
                      internal::MemberDiff members) {
  SnapshotDiff diff;
  diff.metrics = MetricChanges(from.summary, to.summary);
  diff.from = std::move(from);
  diff.to = std::move(to);
  diff.entered = std::move(members.entered);
  diff.left = std::move(members.left);
  return diff;
}

nlohmann::json OptionalJson(const std::optional<double>& value) {
  return value.has_value() ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

bool ReadOptional(const nlohmann::json& object, const char* key,
                  std::optional<double>* out) {
  if (!object.contains(key)) return false;
  const nlohmann::json& value = object[key];
  if (value.is_null()) {
    *out = std::nullopt;
    return true;
  }
  if (!value.is_number()) return false;
  *out = value.get<double>();
  return true;
}

bool ReadCount(const nlohmann::json& object, const char* key, int64_t* out) {
  if (!object.contains(key) || !object[key].is_number_integer()) return false;
  *out = object[key].get<int64_t>();
  return true;
}

}  // namespace

namespace internal {

std::string SummaryToJson(const SliceSummary& s) {
  nlohmann::json classes = nlohmann::json::array();
  for (const ClassSummary& c : s.classes) {
    classes.push_back({{"class", c.class_name},
                       {"tp", c.tp},
                       {"fp", c.fp},
                       {"fn", c.fn},
                       {"precision", OptionalJson(c.precision)},
                       {"recall", OptionalJson(c.recall)},
                       {"f1", OptionalJson(c.f1)}});
  }
  const nlohmann::json json = {
      {"rows", s.rows},
      {"tp", s.tp},
      {"fp", s.fp},
      {"fn", s.fn},
      {"precision", OptionalJson(s.precision)},
      {"recall", OptionalJson(s.recall)},
      {"f1", OptionalJson(s.f1)},
      {"mean_confidence", OptionalJson(s.mean_confidence)},
      {"mean_iou", OptionalJson(s.mean_iou)},
      {"confidence_count", s.confidence_count},
      {"iou_count", s.iou_count},
      {"classes", std::move(classes)}};
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<SliceSummary> SummaryFromJson(absl::string_view text) {
  const nlohmann::json json =
      nlohmann::json::parse(text.begin(), text.end(), nullptr,
                            /*allow_exceptions=*/false);
  const absl::Status malformed =
      absl::DataLossError("stored snapshot summary is malformed");
  SliceSummary s;
  int64_t rows = 0;
  int64_t confidence_count = 0;
  int64_t iou_count = 0;
  if (!json.is_object() || !ReadCount(json, "rows", &rows) || rows < 0 ||
      !ReadCount(json, "tp", &s.tp) || !ReadCount(json, "fp", &s.fp) ||
      !ReadCount(json, "fn", &s.fn) ||
      !ReadOptional(json, "precision", &s.precision) ||
      !ReadOptional(json, "recall", &s.recall) ||
      !ReadOptional(json, "f1", &s.f1) ||
      !ReadOptional(json, "mean_confidence", &s.mean_confidence) ||
      !ReadOptional(json, "mean_iou", &s.mean_iou) ||
      // Written since the summaries of partitions combine (0 when absent).
      (json.contains("confidence_count") &&
       (!ReadCount(json, "confidence_count", &confidence_count) ||
        confidence_count < 0)) ||
      (json.contains("iou_count") &&
       (!ReadCount(json, "iou_count", &iou_count) || iou_count < 0)) ||
      !json.contains("classes") || !json["classes"].is_array()) {
    return malformed;
  }
  s.rows = static_cast<size_t>(rows);
  s.confidence_count = static_cast<size_t>(confidence_count);
  s.iou_count = static_cast<size_t>(iou_count);
  for (const nlohmann::json& c : json["classes"]) {
    ClassSummary cs;
    if (!c.is_object() || !c.contains("class") || !c["class"].is_string() ||
        !ReadCount(c, "tp", &cs.tp) || !ReadCount(c, "fp", &cs.fp) ||
        !ReadCount(c, "fn", &cs.fn) ||
        !ReadOptional(c, "precision", &cs.precision) ||
        !ReadOptional(c, "recall", &cs.recall) ||
        !ReadOptional(c, "f1", &cs.f1)) {
      return malformed;
    }
    cs.class_name = c["class"].get<std::string>();
    s.classes.push_back(std::move(cs));
  }
  return s;
}

}  // namespace internal

SliceListResolver::SliceListResolver(std::vector<Slice> slices, std::string org)
    : slices_(std::move(slices)), org_(std::move(org)) {
  keys_.reserve(slices_.size());
  for (const Slice& s : slices_) keys_.push_back(SliceNameKey(s.name));
}

absl::StatusOr<ResolvedSlice> SliceListResolver::Resolve(
    const SliceRef& ref) const {
  const std::string where =
      org_.empty() ? "there is no slice"
                   : absl::StrCat("org \"", org_, "\" has no slice");
  if (!ref.id.empty()) {
    for (const Slice& s : slices_) {
      if (s.id == ref.id) return ResolvedSlice{s.id, s.name, s.filter};
    }
    return absl::NotFoundError(
        absl::StrCat(where, " with id \"", ref.id, "\" (was it deleted?)"));
  }
  absl::StatusOr<std::string> name = NormalizeSliceName(ref.name);
  if (name.ok()) {
    const std::string key = SliceNameKey(*name);
    for (size_t i = 0; i < slices_.size(); ++i) {
      if (keys_[i] == key) {
        return ResolvedSlice{slices_[i].id, slices_[i].name, slices_[i].filter};
      }
    }
  }
  return absl::NotFoundError(absl::StrCat(where, " named \"", ref.name, "\""));
}

absl::StatusOr<std::unique_ptr<SliceResolver>> SliceStore::Resolver(
    absl::string_view org) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<Slice> slices,
                            List(org, SliceListOrder::kByCreationTime));
  return std::unique_ptr<SliceResolver>(
      new SliceListResolver(std::move(slices), std::string(org)));
}

absl::StatusOr<SnapshotInfo> SliceStore::Snapshot(
    absl::string_view org, absl::string_view id, const Table& table,
    const SnapshotOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(
      const Membership m,
      ComputeMembership(*this, org, id, table, options.threads));
  return AddSnapshot(org, InfoFor(org, m, options),
                     internal::EncodeMemberIds(m.ids));
}

absl::StatusOr<std::vector<std::string>> SliceStore::SnapshotMembers(
    absl::string_view org, int64_t snapshot_id) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto snapshot,
                            LoadSnapshot(org, snapshot_id));
  return internal::DecodeMemberIds(snapshot.second);
}

absl::StatusOr<SnapshotDiff> SliceStore::Diff(absl::string_view org,
                                              int64_t from_id, int64_t to_id) {
  SLICEKIT_ASSIGN_OR_RETURN(auto from, LoadSnapshot(org, from_id));
  SLICEKIT_ASSIGN_OR_RETURN(auto to, LoadSnapshot(org, to_id));
  SLICEKIT_ASSIGN_OR_RETURN(internal::MemberDiff members,
                            internal::DiffMemberIds(from.second, to.second));
  return MakeDiff(std::move(from.first), std::move(to.first),
                  std::move(members));
}

absl::StatusOr<SnapshotDiff> SliceStore::DiffWithTable(
    absl::string_view org, int64_t from_id, const Table& table,
    const SnapshotOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(auto from, LoadSnapshot(org, from_id));
  SLICEKIT_ASSIGN_OR_RETURN(const Membership now,
                            ComputeMembership(*this, org, from.first.slice_id,
                                              table, options.threads));
  SLICEKIT_ASSIGN_OR_RETURN(internal::MemberDiff members,
                            internal::DiffMemberIds(from.second, now.ids));
  return MakeDiff(std::move(from.first), InfoFor(org, now, options),
                  std::move(members));
}

}  // namespace slicekit
