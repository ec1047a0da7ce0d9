// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// SliceStore's operations, each written once over the transactions of a
// backend (src/store/slice_store_backend.h), and the stored forms of
// orderings and change kinds.
#include "slicekit/slice_store.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
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
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"
#include "slicekit/alert_rules.h"
#include "slicekit/filter_json.h"
#include "slicekit/slice_resolver.h"
#include "src/store/member_ids.h"
#include "src/store/slice_store_backend.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace {

using internal::SliceStoreBackend;
using internal::SliceTxn;
using internal::StoredSlice;
using internal::ValidateUtf8;

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
    // Orderings are stored as JSON, which holds only UTF-8.
    SLICEKIT_RETURN_IF_ERROR(ValidateUtf8(
        order_by[i].column, absl::StrCat("order_by[", i, "] column")));
    for (size_t j = 0; j < i; ++j) {
      if (order_by[j].column == order_by[i].column) {
        return absl::InvalidArgumentError(
            absl::StrCat("order_by repeats column \"",
                         internal::EscapeForMessage(order_by[i].column), "\""));
      }
    }
  }
  return absl::OkStatus();
}

// InvalidArgument unless `text` is UTF-8: "the <kind> '<text, escaped>'
// <context> is not valid UTF-8 (byte N)", N 1-based within the text.
absl::Status CheckFilterText(absl::string_view text, absl::string_view kind,
                             absl::string_view context) {
  const size_t bad = internal::FirstInvalidUtf8(text);
  if (bad == absl::string_view::npos) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("filter cannot be stored: the ", kind, " '",
                   internal::EscapeForMessage(text), "'", context,
                   " is not valid UTF-8 (byte ", bad + 1, ")"));
}

// The strings of one node: its column (name and class) and its literals,
// or the slice it references.
absl::Status CheckNodeText(const Expr& node) {
  if (node.kind() == Expr::Kind::kInSlice) {
    SLICEKIT_RETURN_IF_ERROR(
        CheckFilterText(node.slice().name, "slice name", " (IN SLICE)"));
    return CheckFilterText(node.slice().id, "slice id", " (IN SLICE)");
  }
  std::vector<const Literal*> literals;
  switch (node.kind()) {
    case Expr::Kind::kCompare:
      literals = {&node.value()};
      break;
    case Expr::Kind::kBetween:
      literals = {&node.low(), &node.high()};
      break;
    case Expr::Kind::kIn:
      for (const Literal& value : node.values()) literals.push_back(&value);
      break;
    case Expr::Kind::kIsNull:
      break;
    default:
      return absl::OkStatus();  // no strings of its own
  }
  const ColumnRef& column = node.column();
  SLICEKIT_RETURN_IF_ERROR(CheckFilterText(column.name, "column name", ""));
  const std::string of_column =
      absl::StrCat(" (column '", internal::EscapeForMessage(column.name), "')");
  if (column.class_name.has_value()) {
    SLICEKIT_RETURN_IF_ERROR(
        CheckFilterText(*column.class_name, "class name", of_column));
  }
  const std::string where =
      column.class_name.has_value()
          ? absl::StrCat(" (column '",
                         internal::EscapeForMessage(column.ToString()), "')")
          : of_column;
  for (const Literal* literal : literals) {
    if (!literal->is_string()) continue;
    SLICEKIT_RETURN_IF_ERROR(
        CheckFilterText(literal->string_value(), "string", where));
  }
  return absl::OkStatus();
}

// A stored filter must read back exactly: the JSON form is what the SQLite
// backend loads, and JSON holds only UTF-8 (FilterToJson would write U+FFFD
// for other bytes, and the slice would then match other rows), so both
// backends refuse a filter with a string that is not UTF-8, and one the
// JSON reader refuses (e.g. nested deeper than kMaxFilterDepth).
absl::Status ValidateFilter(const Expr& filter) {
  // Iterative, so a deep tree built in C++ cannot exhaust the stack here.
  std::vector<const Expr*> pending = {&filter};
  while (!pending.empty()) {
    const Expr* node = pending.back();
    pending.pop_back();
    SLICEKIT_RETURN_IF_ERROR(CheckNodeText(*node));
    // Reversed, so the first child is looked at first.
    const std::vector<Expr>& children = node->children();
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      pending.push_back(&*it);
    }
  }
  absl::StatusOr<Expr> round_trip = FilterFromJson(FilterToJson(filter));
  if (!round_trip.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter cannot be stored: ", round_trip.status().message()));
  }
  return absl::OkStatus();
}

absl::Status NotFoundError(absl::string_view org, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(
      "org \"", internal::EscapeForMessage(org), "\" has no slice with id \"",
      internal::EscapeForMessage(id), "\""));
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

// AlreadyExists if another slice than `except_id` has `name_key`, or a
// name that differs from `name` only in invisible characters (the joiners
// of emoji sequences, or those of a name stored before they were refused),
// which may show the same.
absl::Status CheckNameFree(const std::vector<StoredSlice>& slices,
                           absl::string_view org, absl::string_view name,
                           absl::string_view name_key,
                           absl::string_view except_id) {
  const std::string skeleton = internal::SliceNameSkeleton(name);
  for (const StoredSlice& s : slices) {
    if (s.slice.id == except_id) continue;
    const bool same_key = s.name_key == name_key;
    if (same_key || internal::SliceNameSkeleton(s.slice.name) == skeleton) {
      return absl::AlreadyExistsError(absl::StrCat(
          "name \"", name, "\" is taken in org \"", org, "\" by slice \"",
          s.slice.name, "\" (", s.slice.id,
          "); names are compared case-insensitively",
          same_key ? ""
                   : ", ignoring invisible characters (such as the U+200D "
                     "and U+FE0F of emoji sequences)"));
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

// Every time the store keeps can be written as RFC 3339, whose years have
// four digits (0000 to 9999), as slicekit writes them.
absl::Status ValidateTime(absl::Time t, absl::string_view what) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " time is infinite"));
  }
  static const absl::Time kFirst =
      absl::FromCivil(absl::CivilSecond(0, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kAfterLast = absl::FromCivil(
      absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  if (t < kFirst || t >= kAfterLast) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ", what, " time is outside the years 0000 to 9999 (RFC 3339)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateChange(const ChangeInfo& change) {
  if (change.actor.size() > static_cast<size_t>(kMaxActorBytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("actor has ", change.actor.size(), " bytes; the limit is ",
                     kMaxActorBytes));
  }
  SLICEKIT_RETURN_IF_ERROR(ValidateUtf8(change.actor, "actor"));
  if (change.at.has_value()) {
    SLICEKIT_RETURN_IF_ERROR(ValidateTime(*change.at, "change"));
  }
  return absl::OkStatus();
}

// When a change happened: the caller's time (in microseconds, as stored) or
// the clock.
absl::Time ChangedAt(const ChangeInfo& change) {
  if (!change.at.has_value()) return NowMicros();
  return absl::FromUnixMicros(absl::ToUnixMicros(*change.at));
}

std::vector<Slice> SlicesOf(const std::vector<StoredSlice>& stored) {
  std::vector<Slice> slices;
  slices.reserve(stored.size());
  for (const StoredSlice& s : stored) slices.push_back(s.slice);
  return slices;
}

// Shows every reference in `filter` under the current name of the slice
// with its id in `slices` (a reference to a slice not among them keeps the
// name it was saved with).
Expr WithCurrentNames(const Expr& filter,
                      const std::vector<StoredSlice>& slices) {
  return RewriteSliceRefs(filter, [&](const SliceRef& ref) {
    for (const StoredSlice& s : slices) {
      if (s.slice.id == ref.id) return SliceRef{s.slice.name, ref.id};
    }
    return ref;
  });
}

// Shows the references in `versions` under the current names of the
// slices they reference. Reads the org only when there are references: a
// history without them costs no load of the org's slices.
absl::Status ShowCurrentNames(SliceTxn& txn, absl::string_view org,
                              std::vector<SliceVersion>& versions) {
  bool any = false;
  for (const SliceVersion& v : versions) any |= !SliceRefsOf(v.filter).empty();
  if (!any) return absl::OkStatus();
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<StoredSlice> slices,
                            txn.LoadOrg(org));
  for (SliceVersion& v : versions) {
    v.filter = WithCurrentNames(v.filter, slices);
  }
  return absl::OkStatus();
}

// The org's slices, their references showing current names.
absl::StatusOr<std::vector<StoredSlice>> LoadOrgFresh(SliceTxn& txn,
                                                      absl::string_view org) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices, txn.LoadOrg(org));
  for (StoredSlice& s : slices) {
    s.slice.filter = WithCurrentNames(s.slice.filter, slices);
  }
  return slices;
}

// How deep Bind() nests a slice's filter once its IN SLICE references are
// expanded (the referenced filter goes one level below its IN SLICE), and
// the slices on the deepest path, from the slice itself down.
struct ExpandedDepth {
  int levels = 0;
  std::vector<std::string> chain;  // names
};

// Computes ExpandedDepth for every slice `resolved` reached. Its slices come
// after the slices they reference, so each height is known when needed;
// the recursion only follows one filter (at most kMaxFilterDepth levels).
class DepthMeter {
 public:
  explicit DepthMeter(const ResolvedFilter& resolved) {
    for (const ResolvedSlice& slice : resolved.slices()) {
      Height height = Measure(slice.filter);
      heights_[slice.id] = height;
      names_[slice.id] = slice.name;
    }
  }

  // REQUIRES: `id` was among the resolved slices.
  ExpandedDepth Of(const std::string& id) const {
    ExpandedDepth depth;
    depth.levels = heights_.at(id).levels;
    for (std::string at = id; !at.empty(); at = heights_.at(at).via) {
      depth.chain.push_back(names_.at(at));
    }
    return depth;
  }

 private:
  struct Height {
    int levels = 0;
    std::string via;  // the referenced slice on the deepest path, if any
  };

  Height Measure(const Expr& expr) const {
    if (expr.kind() == Expr::Kind::kInSlice) {
      return Height{1 + heights_.at(expr.slice().id).levels, expr.slice().id};
    }
    Height deepest;
    for (const Expr& child : expr.children()) {
      Height height = Measure(child);
      if (height.levels + 1 > deepest.levels) {
        deepest = Height{height.levels + 1, std::move(height.via)};
      }
    }
    return deepest;
  }

  absl::flat_hash_map<std::string, Height> heights_;
  absl::flat_hash_map<std::string, std::string> names_;
};

// "130 levels through 'a' -> 'b' -> ... -> 'z', 65 slices"; a long chain
// shows its first and last few slices.
std::string DepthText(const ExpandedDepth& depth) {
  constexpr size_t kHead = 4;
  constexpr size_t kTail = 3;
  std::vector<std::string> shown;
  for (size_t i = 0; i < depth.chain.size(); ++i) {
    if (depth.chain.size() > kHead + kTail + 1 && i == kHead) {
      shown.push_back("...");
      i = depth.chain.size() - kTail - 1;
      continue;
    }
    shown.push_back(
        absl::StrCat("'", internal::EscapeForMessage(depth.chain[i]), "'"));
  }
  return absl::StrCat(depth.levels, " levels through ",
                      absl::StrJoin(shown, " -> "), ", ", depth.chain.size(),
                      " slices");
}

// The slices of `slices` that reach slice `id` through IN SLICE references,
// directly or through others, nearest first.
std::vector<const Slice*> TransitiveUsersOf(const std::vector<Slice>& slices,
                                            absl::string_view id) {
  std::vector<const Slice*> users;
  absl::flat_hash_set<std::string> seen = {std::string(id)};
  std::vector<std::string> frontier = {std::string(id)};
  while (!frontier.empty()) {
    std::vector<std::string> next;
    for (const Slice& s : slices) {
      if (seen.contains(s.id)) continue;
      for (const SliceRef& ref : SliceRefsOf(s.filter)) {
        if (std::find(frontier.begin(), frontier.end(), ref.id) !=
            frontier.end()) {
          seen.insert(s.id);
          users.push_back(&s);
          next.push_back(s.id);
          break;
        }
      }
    }
    frontier = std::move(next);
  }
  return users;
}

// After a change to slice `id`, every slice that uses it must still resolve
// and bind: its expanded filter within kMaxExpandedFilterNodes nodes and
// kMaxFilterDepth levels. Otherwise the change would break it.
absl::Status CheckUsers(const std::vector<Slice>& after,
                        const SliceResolver& resolver, absl::string_view id) {
  for (const Slice* user : TransitiveUsersOf(after, id)) {
    const std::string uses = absl::StrCat("slice \"", user->name, "\" (",
                                          user->id, ") uses this slice");
    absl::StatusOr<ResolvedFilter> resolved = ResolveSliceRefs(
        Expr::InSlice(SliceRef{user->name, user->id}), resolver);
    if (!resolved.ok()) {
      return absl::Status(resolved.status().code(),
                          absl::StrCat(uses, " through IN SLICE: ",
                                       resolved.status().message()));
    }
    const ExpandedDepth depth = DepthMeter(*resolved).Of(user->id);
    if (depth.levels > kMaxFilterDepth) {
      return absl::InvalidArgumentError(absl::StrCat(
          uses, " through IN SLICE and would then be nested deeper than ",
          kMaxFilterDepth, " levels with its references expanded (",
          DepthText(depth), ")"));
    }
  }
  return absl::OkStatus();
}

// Resolves the references of `written` (a slice about to be saved, new or
// changed) among the org's `slices` as they will be after the write, so a
// cycle through `written` itself is caught. Returns its filter with every
// reference's id and name set. Bind() must be able to evaluate it: its
// expanded filter nests at most kMaxFilterDepth levels (Bind's limit) and,
// with `check_users`, so does that of every slice that uses it.
absl::StatusOr<Expr> ResolveForWrite(absl::string_view org,
                                     const std::vector<StoredSlice>& slices,
                                     const Slice& written, bool check_users) {
  const bool has_refs = !SliceRefsOf(written.filter).empty();
  if (!has_refs && !check_users) return written.filter;
  std::vector<Slice> after = SlicesOf(slices);
  bool replaced = false;
  for (Slice& s : after) {
    if (s.id == written.id) {
      s = written;
      replaced = true;
    }
  }
  if (!replaced) after.push_back(written);
  const SliceListResolver resolver(after, std::string(org));
  Expr filter = written.filter;
  if (has_refs) {
    SLICEKIT_ASSIGN_OR_RETURN(
        const ResolvedFilter resolved,
        ResolveSliceRefs(Expr::InSlice(SliceRef{written.name, written.id}),
                         resolver));
    filter = resolved.Find(written.id)->filter;
    const ExpandedDepth depth = DepthMeter(resolved).Of(written.id);
    if (depth.levels > kMaxFilterDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter is nested deeper than ", kMaxFilterDepth,
                       " levels with its IN SLICE references expanded (",
                       DepthText(depth), ")"));
    }
  }
  if (check_users) {
    SLICEKIT_RETURN_IF_ERROR(CheckUsers(after, resolver, written.id));
  }
  return filter;
}

// The slices of `slices` (other than `id` itself) whose filters reference
// slice `id`.
std::vector<const Slice*> UsersOf(const std::vector<StoredSlice>& slices,
                                  absl::string_view id) {
  std::vector<const Slice*> users;
  for (const StoredSlice& s : slices) {
    if (s.slice.id == id) continue;
    for (const SliceRef& ref : SliceRefsOf(s.slice.filter)) {
      if (ref.id == id) {
        users.push_back(&s.slice);
        break;
      }
    }
  }
  return users;
}

SliceVersion VersionOf(const Slice& slice, SliceChange kind,
                       const ChangeInfo& change, absl::Time changed_at) {
  SliceVersion v;
  v.slice_id = slice.id;
  v.org = slice.org;
  v.version = slice.version;
  v.change = kind;
  v.name = slice.name;
  v.description = slice.description;
  v.filter = slice.filter;
  v.order_by = slice.order_by;
  v.actor = change.actor;
  v.changed_at = changed_at;
  return v;
}

// Inserts a validated new slice: checks room and name, draws an unused id,
// resolves its references, records version 1.
absl::StatusOr<Slice> InsertNew(SliceTxn& txn, absl::string_view org,
                                std::string name, std::string description,
                                const Expr& filter,
                                const std::vector<OrderBy>& order_by,
                                const ChangeInfo& change) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                            LoadOrgFresh(txn, org));
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
  SLICEKIT_ASSIGN_OR_RETURN(
      slice.filter, ResolveForWrite(org, slices, slice, /*check_users=*/false));
  slice.created_at = slice.updated_at = NowMicros();
  slice.version = 1;
  SLICEKIT_RETURN_IF_ERROR(txn.AddVersion(
      VersionOf(slice, SliceChange::kCreated, change, ChangedAt(change))));
  SLICEKIT_RETURN_IF_ERROR(txn.Insert(stored));
  return slice;
}

absl::Status NoHistoryError(absl::string_view org, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(
      "org \"", org, "\" has no history for slice \"",
      internal::EscapeForMessage(id), "\" (never created, or purged)"));
}

absl::Status ValidateTableName(absl::string_view name) {
  if (name.size() > static_cast<size_t>(kMaxTableNameBytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("table name has ", name.size(), " bytes; the limit is ",
                     kMaxTableNameBytes));
  }
  return ValidateUtf8(name, "table name");
}

// The shape of every change in place: in one write transaction, find the
// slice, check `expected_version`, let `edit` edit it (it sees the org's
// other slices and the transaction), resolve its references, bump version
// and updated_at, and store it with a history entry of kind `kind`.
absl::StatusOr<Slice> ChangeInPlace(
    SliceStoreBackend& backend, absl::string_view org, absl::string_view id,
    std::optional<int64_t> expected_version, SliceChange kind,
    const ChangeInfo& change,
    absl::FunctionRef<absl::Status(SliceTxn&, const std::vector<StoredSlice>&,
                                   StoredSlice&, std::optional<int64_t>&)>
        edit) {
  SLICEKIT_RETURN_IF_ERROR(ValidateChange(change));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(backend.Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              LoadOrgFresh(txn, org));
    SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
    StoredSlice stored = slices[i];
    SLICEKIT_RETURN_IF_ERROR(CheckVersion(stored.slice, expected_version));
    std::optional<int64_t> restored_from;
    SLICEKIT_RETURN_IF_ERROR(edit(txn, slices, stored, restored_from));
    // A new filter can break the slices that use this one.
    const bool filter_changed =
        !(stored.slice.filter == slices[i].slice.filter);
    SLICEKIT_ASSIGN_OR_RETURN(
        stored.slice.filter,
        ResolveForWrite(org, slices, stored.slice, filter_changed));
    stored.slice.updated_at = NowMicros();
    ++stored.slice.version;
    SliceVersion version =
        VersionOf(stored.slice, kind, change, ChangedAt(change));
    version.restored_from = restored_from;
    SLICEKIT_RETURN_IF_ERROR(txn.AddVersion(version));
    SLICEKIT_RETURN_IF_ERROR(txn.Replace(stored));
    result = stored.slice;
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace

SliceStore::SliceStore(std::unique_ptr<internal::SliceStoreBackend> backend)
    : backend_(std::move(backend)) {}

SliceStore::~SliceStore() = default;

absl::StatusOr<Slice> SliceStore::Create(absl::string_view org,
                                         const SliceSpec& spec,
                                         const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(std::string name, NormalizeSliceName(spec.name));
  SLICEKIT_RETURN_IF_ERROR(ValidateSliceDescription(spec.description));
  SLICEKIT_RETURN_IF_ERROR(ValidateOrderBy(spec.order_by));
  SLICEKIT_RETURN_IF_ERROR(ValidateFilter(spec.filter));
  SLICEKIT_RETURN_IF_ERROR(ValidateChange(change));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/true, [&](SliceTxn& txn) {
        result = InsertNew(txn, org, name, spec.description, spec.filter,
                           spec.order_by, change);
        return result.status();
      }));
  return result;
}

absl::StatusOr<Slice> SliceStore::Get(absl::string_view org,
                                      absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                                  LoadOrgFresh(txn, org));
        SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
        result = std::move(slices[i].slice);
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<Slice> SliceStore::GetByName(absl::string_view org,
                                            absl::string_view name) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  // Names stored before a rule was added still match: look up under the
  // rules they were stored with.
  absl::StatusOr<std::string> normalized =
      internal::NormalizeStoredSliceName(name);
  if (!normalized.ok()) {
    // No stored name breaks those rules, so no slice can match.
    return absl::NotFoundError(
        absl::StrCat("org \"", org, "\" has no slice named \"",
                     internal::EscapeForMessage(name), "\" (",
                     normalized.status().message(), ")"));
  }
  const std::string key = SliceNameKey(*normalized);
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                                  LoadOrgFresh(txn, org));
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

absl::StatusOr<std::vector<Slice>> SliceStore::List(absl::string_view org,
                                                    SliceListOrder order) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::vector<StoredSlice> slices;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(slices, LoadOrgFresh(txn, org));
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

absl::StatusOr<Slice> SliceStore::UpdateFilter(
    absl::string_view org, absl::string_view id, const Expr& filter,
    const std::vector<OrderBy>& order_by,
    std::optional<int64_t> expected_version, const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_RETURN_IF_ERROR(ValidateOrderBy(order_by));
  SLICEKIT_RETURN_IF_ERROR(ValidateFilter(filter));
  return ChangeInPlace(*backend_, org, id, expected_version,
                       SliceChange::kFilterUpdated, change,
                       [&](SliceTxn&, const std::vector<StoredSlice>&,
                           StoredSlice& stored, std::optional<int64_t>&) {
                         stored.slice.filter = filter;
                         stored.slice.order_by = order_by;
                         return absl::OkStatus();
                       });
}

absl::StatusOr<Slice> SliceStore::UpdateFilterAsNew(
    absl::string_view org, absl::string_view id, absl::string_view new_name,
    const Expr& filter, const std::vector<OrderBy>& order_by,
    std::optional<int64_t> expected_version, const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(std::string name, NormalizeSliceName(new_name));
  SLICEKIT_RETURN_IF_ERROR(ValidateOrderBy(order_by));
  SLICEKIT_RETURN_IF_ERROR(ValidateFilter(filter));
  SLICEKIT_RETURN_IF_ERROR(ValidateChange(change));
  absl::StatusOr<Slice> result;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/true, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                                  txn.LoadOrg(org));
        SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
        SLICEKIT_RETURN_IF_ERROR(
            CheckVersion(slices[i].slice, expected_version));
        result = InsertNew(txn, org, name, slices[i].slice.description, filter,
                           order_by, change);
        return result.status();
      }));
  return result;
}

absl::StatusOr<Slice> SliceStore::Rename(
    absl::string_view org, absl::string_view id, absl::string_view new_name,
    std::optional<int64_t> expected_version, const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(std::string name, NormalizeSliceName(new_name));
  const std::string key = SliceNameKey(name);
  return ChangeInPlace(
      *backend_, org, id, expected_version, SliceChange::kRenamed, change,
      [&](SliceTxn&, const std::vector<StoredSlice>& slices,
          StoredSlice& stored, std::optional<int64_t>&) {
        SLICEKIT_RETURN_IF_ERROR(CheckNameFree(slices, org, name, key, id));
        stored.slice.name = name;
        stored.name_key = key;
        return absl::OkStatus();
      });
}

absl::StatusOr<Slice> SliceStore::SetDescription(
    absl::string_view org, absl::string_view id, absl::string_view description,
    std::optional<int64_t> expected_version, const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_RETURN_IF_ERROR(ValidateSliceDescription(description));
  return ChangeInPlace(*backend_, org, id, expected_version,
                       SliceChange::kDescriptionSet, change,
                       [&](SliceTxn&, const std::vector<StoredSlice>&,
                           StoredSlice& stored, std::optional<int64_t>&) {
                         stored.slice.description = std::string(description);
                         return absl::OkStatus();
                       });
}

absl::Status SliceStore::Delete(absl::string_view org, absl::string_view id,
                                std::optional<int64_t> expected_version,
                                const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_RETURN_IF_ERROR(ValidateChange(change));
  return backend_->Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<StoredSlice> slices,
                              LoadOrgFresh(txn, org));
    SLICEKIT_ASSIGN_OR_RETURN(const size_t i, FindById(slices, org, id));
    const Slice& slice = slices[i].slice;
    SLICEKIT_RETURN_IF_ERROR(CheckVersion(slice, expected_version));
    if (const std::vector<const Slice*> users = UsersOf(slices, id);
        !users.empty()) {
      std::vector<std::string> named;
      for (const Slice* user : users) {
        named.push_back(absl::StrCat("\"", user->name, "\" (", user->id, ")"));
      }
      return absl::FailedPreconditionError(
          absl::StrCat("slice \"", slice.name, "\" (", slice.id,
                       ") is used by ", absl::StrJoin(named, ", "),
                       " through IN SLICE; change or delete those first"));
    }
    SliceVersion gone =
        VersionOf(slice, SliceChange::kDeleted, change, ChangedAt(change));
    ++gone.version;
    SLICEKIT_RETURN_IF_ERROR(txn.AddVersion(gone));
    return txn.Erase(org, id);
  });
}

absl::StatusOr<std::vector<SliceVersion>> SliceStore::History(
    absl::string_view org, absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::vector<SliceVersion> history;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(history, txn.LoadHistory(org, id));
        if (history.empty()) return NoHistoryError(org, id);
        return ShowCurrentNames(txn, org, history);
      }));
  return history;
}

absl::StatusOr<Slice> SliceStore::Restore(
    absl::string_view org, absl::string_view id, int64_t version,
    std::optional<int64_t> expected_version, const ChangeInfo& change) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  absl::StatusOr<Slice> restored = ChangeInPlace(
      *backend_, org, id, expected_version, SliceChange::kRestored, change,
      [&](SliceTxn& txn, const std::vector<StoredSlice>& slices,
          StoredSlice& stored, std::optional<int64_t>& restored_from) {
        SLICEKIT_ASSIGN_OR_RETURN(const std::vector<SliceVersion> history,
                                  txn.LoadHistory(org, id));
        const SliceVersion* old = nullptr;
        for (const SliceVersion& v : history) {
          if (v.version == version) old = &v;
        }
        if (old == nullptr) {
          return absl::NotFoundError(absl::StrCat(
              "slice \"", stored.slice.name, "\" (", id, ") has no version ",
              version, "; its history keeps versions ",
              history.empty() ? 0 : history.front().version, " to ",
              history.empty() ? 0 : history.back().version));
        }
        if (version == stored.slice.version) {
          return absl::InvalidArgumentError(absl::StrCat(
              "version ", version, " of slice \"", stored.slice.name, "\" (",
              id, ") is its current version; nothing to restore"));
        }
        // The name rules of today apply to the old name.
        SLICEKIT_ASSIGN_OR_RETURN(std::string name,
                                  NormalizeSliceName(old->name));
        const std::string key = SliceNameKey(name);
        SLICEKIT_RETURN_IF_ERROR(CheckNameFree(slices, org, name, key, id));
        SLICEKIT_RETURN_IF_ERROR(ValidateSliceDescription(old->description));
        stored.slice.name = std::move(name);
        stored.name_key = key;
        stored.slice.description = old->description;
        stored.slice.filter = old->filter;
        stored.slice.order_by = old->order_by;
        restored_from = version;
        return absl::OkStatus();
      });
  if (absl::IsNotFound(restored.status())) {
    // A deleted slice is not found in the org; say why when its history
    // is still there.
    std::vector<SliceVersion> history;
    SLICEKIT_RETURN_IF_ERROR(
        backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
          SLICEKIT_ASSIGN_OR_RETURN(history, txn.LoadHistory(org, id));
          return absl::OkStatus();
        }));
    if (!history.empty() && history.back().change == SliceChange::kDeleted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "slice \"", history.back().name, "\" (", id,
          ") was deleted; its history is kept until purged, but only a live "
          "slice can be restored: create a new slice from version ",
          version));
    }
  }
  return restored;
}

absl::StatusOr<std::vector<SliceVersion>> SliceStore::ListDeleted(
    absl::string_view org) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::vector<SliceVersion> deleted;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(deleted, txn.LoadDeleted(org));
        return ShowCurrentNames(txn, org, deleted);
      }));
  std::sort(deleted.begin(), deleted.end(),
            [](const SliceVersion& a, const SliceVersion& b) {
              if (a.changed_at != b.changed_at) {
                return a.changed_at > b.changed_at;
              }
              return a.slice_id < b.slice_id;
            });
  return deleted;
}

absl::Status SliceStore::Purge(absl::string_view org, absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  return backend_->Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(const std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    if (FindById(slices, org, id).ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("slice \"", id, "\" of org \"", org,
                       "\" is live; delete it before purging its history"));
    }
    SLICEKIT_ASSIGN_OR_RETURN(const int64_t removed, txn.EraseHistory(org, id));
    if (removed == 0) return NoHistoryError(org, id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::unique_ptr<SliceResolver>> SliceStore::Resolver(
    absl::string_view org) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<Slice> slices,
                            List(org, SliceListOrder::kByCreationTime));
  return std::unique_ptr<SliceResolver>(
      new SliceListResolver(std::move(slices), std::string(org)));
}

absl::StatusOr<std::vector<SnapshotInfo>> SliceStore::ListSnapshots(
    absl::string_view org, absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::vector<SnapshotInfo> snapshots;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(snapshots, txn.LoadSnapshots(org, id));
        return absl::OkStatus();
      }));
  return snapshots;
}

absl::StatusOr<SnapshotInfo> SliceStore::SaveSnapshot(
    absl::string_view org, const SnapshotInfo& info,
    absl::Span<const absl::string_view> member_ids) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_RETURN_IF_ERROR(ValidateTableName(info.table_name));
  SLICEKIT_RETURN_IF_ERROR(ValidateChange(ChangeInfo{info.actor, {}}));
  SLICEKIT_RETURN_IF_ERROR(ValidateTime(info.taken_at, "snapshot"));
  if (info.summary.rows != member_ids.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the snapshot's summary has ", info.summary.rows, " rows, but ",
        member_ids.size(), " member ids were given"));
  }
  std::vector<absl::string_view> sorted;
  SLICEKIT_ASSIGN_OR_RETURN(const absl::Span<const absl::string_view> ids,
                            internal::AscendingMemberIds(member_ids, &sorted));
  SLICEKIT_ASSIGN_OR_RETURN(const std::string members,
                            internal::EncodeMemberIds(ids));
  SnapshotInfo saved = info;
  saved.org = std::string(org);
  // Stored to the microsecond, like every other time of the store.
  saved.taken_at = absl::FromUnixMicros(absl::ToUnixMicros(info.taken_at));
  saved.encoded_bytes = static_cast<int64_t>(members.size());
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/true, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(const std::vector<StoredSlice> slices,
                                  txn.LoadOrg(org));
        SLICEKIT_RETURN_IF_ERROR(FindById(slices, org, info.slice_id).status());
        SLICEKIT_ASSIGN_OR_RETURN(saved.id, txn.InsertSnapshot(saved, members));
        return absl::OkStatus();
      }));
  return saved;
}

absl::StatusOr<std::pair<SnapshotInfo, std::string>> SliceStore::LoadSnapshot(
    absl::string_view org, int64_t snapshot_id) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::optional<std::pair<SnapshotInfo, std::string>> snapshot;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(snapshot, txn.LoadSnapshot(org, snapshot_id));
        return absl::OkStatus();
      }));
  if (!snapshot.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "org \"", org, "\" has no snapshot with id ", snapshot_id));
  }
  return *std::move(snapshot);
}

absl::Status SliceStore::SetAlertRules(absl::string_view org,
                                       absl::string_view id,
                                       absl::string_view rules) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<AlertRule> parsed,
                            ParseAlertRules(rules));
  const std::string canonical = FormatAlertRules(parsed);
  return backend_->Transact(/*write=*/true, [&](SliceTxn& txn) {
    SLICEKIT_ASSIGN_OR_RETURN(const std::vector<StoredSlice> slices,
                              txn.LoadOrg(org));
    SLICEKIT_RETURN_IF_ERROR(FindById(slices, org, id).status());
    return txn.PutAlertRules(org, id, canonical);
  });
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SliceStore::ListAlertRules(absl::string_view org) {
  SLICEKIT_RETURN_IF_ERROR(ValidateOrg(org));
  std::vector<std::pair<std::string, std::string>> rules;
  SLICEKIT_RETURN_IF_ERROR(
      backend_->Transact(/*write=*/false, [&](SliceTxn& txn) {
        SLICEKIT_ASSIGN_OR_RETURN(rules, txn.LoadAlertRules(org));
        return absl::OkStatus();
      }));
  return rules;
}

absl::Status SliceStore::CheckIntegrity() { return backend_->CheckIntegrity(); }

namespace internal {

std::optional<SliceChange> SliceChangeFromName(absl::string_view name) {
  for (SliceChange change :
       {SliceChange::kCreated, SliceChange::kFilterUpdated,
        SliceChange::kRenamed, SliceChange::kDescriptionSet,
        SliceChange::kRestored, SliceChange::kDeleted,
        SliceChange::kMigrated}) {
    if (SliceChangeName(change) == name) return change;
  }
  return std::nullopt;
}

std::string OrderByToJson(const std::vector<OrderBy>& order_by) {
  nlohmann::json keys = nlohmann::json::array();
  for (const OrderBy& key : order_by) {
    keys.push_back({{"column", key.column}, {"descending", key.descending}});
  }
  // Every ordering saved was checked by ValidateOrderBy (UTF-8 columns), so
  // nothing is replaced; the handler only keeps a missed check from
  // throwing out of the store.
  return keys.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

}  // namespace internal

absl::string_view SliceChangeName(SliceChange change) {
  switch (change) {
    case SliceChange::kCreated:
      return "created";
    case SliceChange::kFilterUpdated:
      return "filter_updated";
    case SliceChange::kRenamed:
      return "renamed";
    case SliceChange::kDescriptionSet:
      return "description_set";
    case SliceChange::kRestored:
      return "restored";
    case SliceChange::kDeleted:
      return "deleted";
    case SliceChange::kMigrated:
      return "migrated";
  }
  return "";
}

}  // namespace slicekit
