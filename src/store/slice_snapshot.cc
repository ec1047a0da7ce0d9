// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Stored snapshots: their members, the diffs between two of them (or one and
// a membership computed elsewhere), and the stored form of their summaries.
#include "slicekit/slice_snapshot.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"
#include "slicekit/slice_store.h"
#include "src/store/member_ids.h"
#include "src/store/slice_store_backend.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

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

absl::StatusOr<std::vector<std::string>> SliceStore::SnapshotMembers(
    absl::string_view org, int64_t snapshot_id) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto snapshot,
                            LoadSnapshot(org, snapshot_id));
  absl::StatusOr<std::vector<std::string>> members =
      internal::DecodeMemberIds(snapshot.second);
  if (!members.ok()) return backend_->WithFileName(members.status());
  return members;
}

absl::StatusOr<SnapshotDiff> SliceStore::Diff(absl::string_view org,
                                              int64_t from_id, int64_t to_id) {
  SLICEKIT_ASSIGN_OR_RETURN(auto from, LoadSnapshot(org, from_id));
  SLICEKIT_ASSIGN_OR_RETURN(auto to, LoadSnapshot(org, to_id));
  absl::StatusOr<internal::MemberDiff> members =
      internal::DiffMemberIds(from.second, to.second);
  if (!members.ok()) return backend_->WithFileName(members.status());
  return MakeDiff(std::move(from.first), std::move(to.first),
                  *std::move(members));
}

absl::StatusOr<SnapshotInfo> SliceStore::GetSnapshot(absl::string_view org,
                                                     int64_t snapshot_id) {
  SLICEKIT_ASSIGN_OR_RETURN(auto snapshot, LoadSnapshot(org, snapshot_id));
  return std::move(snapshot.first);
}

absl::StatusOr<SnapshotDiff> SliceStore::DiffWithMembers(
    absl::string_view org, int64_t from_id, const SnapshotInfo& to,
    absl::Span<const absl::string_view> to_members) {
  std::vector<absl::string_view> sorted;
  SLICEKIT_ASSIGN_OR_RETURN(const absl::Span<const absl::string_view> ids,
                            internal::AscendingMemberIds(to_members, &sorted));
  SLICEKIT_ASSIGN_OR_RETURN(auto from, LoadSnapshot(org, from_id));
  absl::StatusOr<internal::MemberDiff> members =
      internal::DiffMemberIds(from.second, ids);
  if (!members.ok()) return backend_->WithFileName(members.status());
  return MakeDiff(std::move(from.first), to, *std::move(members));
}

}  // namespace slicekit
