// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SLICE_STORE_H_
#define SLICEKIT_SLICE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_snapshot.h"

namespace slicekit {

namespace internal {
class SliceStoreBackend;
}  // namespace internal

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
// ChangeInfo::actor: at most 200 bytes of valid UTF-8.
inline constexpr int kMaxActorBytes = 200;

// Returns the stored form of a slice name, or InvalidArgument naming the
// first rule it breaks:
//  - valid UTF-8 (`name is not valid UTF-8 (byte 4)`, 1-based byte position);
//  - leading and trailing Unicode whitespace is removed;
//  - no control characters (category Cc, U+2028, U+2029), no
//    bidirectional formatting characters (U+061C, U+200E, U+200F,
//    U+202A-U+202E, U+2066-U+2069) and no unassigned code points (their
//    normalization could change with Unicode): `name contains a control
//    character (U+0007) at character 3` (1-based, in the trimmed name);
//  - no invisible characters, so that no name looks like another one or
//    like nothing (UTS #39, TR #31): no format character (category Cf:
//    U+200B, U+00AD, a leading U+FEFF, U+0600, ...) and no default-ignorable
//    code point (Hangul fillers, variation selectors, tag characters, ...):
//    `name contains an invisible or format character (U+200B) at
//    character 3`. The exception is emoji: U+FE0F right after a pictograph
//    and U+200D between pictographs (the first with an optional U+FE0F or
//    skin-tone modifier), as in the ZWJ sequences of UTS #51; elsewhere
//    `name contains an invisible character outside an emoji sequence
//    (U+200D) at character 3`. Keycaps (`#` U+FE0F U+20E3) and flag tag
//    sequences are refused;
//  - normalized to NFC (utf8proc), then 3 to 30 characters: `name has 31
//    characters; the limit is 30`, `name has 2 characters; the minimum is 3`;
//  - at least one visible character (a letter, digit, punctuation mark,
//    symbol or private-use character; not only marks and spaces): `name has
//    no visible character (a letter, digit, punctuation mark or symbol)`.
// Since emoji sequences may hold U+200D and U+FE0F, the store also refuses
// a name that differs from another slice's only in invisible characters
// (AlreadyExists): the family emoji with joiners and its three people
// without them may render alike. Names stored by a slicekit before these
// rules (e.g. with U+200B) are still found by name and pass
// CheckIntegrity(); a rename or restore to such a name is refused.
absl::StatusOr<std::string> NormalizeSliceName(absl::string_view name);

// Returns the key under which names are unique within an org: the Unicode
// case folding (utf8proc UTF8PROC_CASEFOLD) of the NFC name, recomposed.
// "Ärger" and "ärger" have the same key. (The store also compares the keys
// without default-ignorable characters, see above.) REQUIRES:
// `normalized_name` came from NormalizeSliceName().
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

// Resolves IN SLICE references among `slices` (one org's, e.g. a List()):
// by id when the reference has one, else by name, case-insensitively after
// normalization as GetByName() does. Immutable; thread-safe.
class SliceListResolver final : public SliceResolver {
 public:
  // `org` only words the NotFound messages.
  explicit SliceListResolver(std::vector<Slice> slices, std::string org = "");
  absl::StatusOr<ResolvedSlice> Resolve(const SliceRef& ref) const override;

 private:
  std::vector<Slice> slices_;
  std::vector<std::string> keys_;  // SliceNameKey per slice
  std::string org_;
};

// How SliceStore::OpenSqlite() opens a store file.
struct SqliteStoreOptions {
  // Read the store only: the file is opened read-only and nothing is ever
  // written to it, its schema included, so a user who may read the file
  // but not write it (or its directory) can read the store. Every change
  // (Create, Rename, SaveSnapshot, ...) is then FailedPrecondition naming
  // the file. A missing file is NotFound (it is not created) and an empty
  // one FailedPrecondition; a store of format 2 is read as it is (without
  // format 3's row checks: it is upgraded only by a writer), one of format
  // 1 is FailedPrecondition (open it once for writing). When no other
  // process has the file open and its directory is not writable (no -shm
  // file can be made), SQLite reads it as immutable and the store notices a
  // writer that opens it later by the file's size, inode and modification
  // time, and reopens it.
  bool read_only = false;
};

// How SliceStore::OpenPostgres() opens a store.
struct PostgresStoreOptions {
  // Read the store only: every transaction is READ ONLY, the schema is
  // neither created nor upgraded, and every change is FailedPrecondition
  // naming the server. A database without the store's schema is
  // FailedPrecondition (it is not created).
  bool read_only = false;
};

// Whether `location` is a PostgreSQL connection URI (it starts with
// "postgresql://" or "postgres://"), which SliceStore::Open() opens with
// OpenPostgres(); anything else is a SQLite file path.
bool IsPostgresUri(absl::string_view location);

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
// History: every change (create, filter update, rename, description,
// restore, delete) adds a version to the slice's history with the caller's
// ChangeInfo; History() lists them and Restore() makes an old one current
// again. A deleted slice keeps its history and snapshots until Purge().
// Neither history nor snapshots count toward the 100-slice limit.
//
// References: a filter may hold `IN SLICE 'name'` (Expr::InSlice). Saving
// it resolves each reference among the org's slices and keeps the
// referenced slice's id, so renaming that slice keeps the reference (the
// filter's text shows the new name); a reference to a missing slice is
// NotFound and one that closes a cycle InvalidArgument, naming the cycle.
// Saving also refuses (InvalidArgument, naming the chain of slices) a
// filter that Bind() could not evaluate once its references are expanded
// (deeper than kMaxFilterDepth, or more than kMaxExpandedFilterNodes
// nodes), and a changed filter that would make any slice using it so.
// Deleting a slice that another one references is FailedPrecondition,
// naming the slices that use it. Resolver() binds such filters.
//
// Errors: InvalidArgument (a name, description, org, actor or ordering that
// breaks the rules), NotFound (no such slice in the org), AlreadyExists (the
// name is taken in the org, case-insensitively), ResourceExhausted (the org
// has 100 slices), FailedPrecondition (an `expected_version` that is not the
// slice's current version), Internal/DataLoss (the backend failed; text
// read back that is not UTF-8, which the store never writes, is DataLoss
// naming the SQLite file and the row).
//
// Backends: InMemory(), OpenSqlite() and OpenPostgres() (or Open(), which
// picks by the location) choose where the data is kept; the
// operations and their rules are the same over every backend, since the
// store implements each once over the backend's transactions.
class SliceStore final {
 public:
  // A new empty store in memory.
  static std::unique_ptr<SliceStore> InMemory();

  // Opens the SQLite store at `path`, creating the file (and its schema)
  // when it is missing or empty. A file that is not a slicekit store (not
  // SQLite, another application's database, a newer store format version,
  // corrupt) is an error (FailedPrecondition or DataLoss) and is left
  // unmodified. A store of format version 1 (before history) or 2 (before
  // row checksums) is upgraded to version 3 in one transaction, after
  // `PRAGMA integrity_check` and the checks of CheckIntegrity() pass: its
  // slices keep their ids, names, filters, orders, timestamps and versions
  // (a format-1 slice gets one history entry, SliceChange::kMigrated); a
  // slicekit that reads only an older version then refuses the file, and
  // one that had it open already gets an error on its next change. The
  // store uses WAL mode with synchronous=FULL: a change that returned OK
  // survives a process crash and a power loss. Each operation is one
  // `BEGIN IMMEDIATE` transaction; writers wait for each other (up to 30 s,
  // then Unavailable).
  //
  // Damage: every row an operation reads carries a checksum, and every set
  // of rows it answers from (an org's slices, a slice's history) is checked
  // against a record of that set, whichever index found it; damage is
  // DataLoss naming the file before the operation answers or writes
  // (docs/reliability.md says what each check costs and catches).
  //
  // With `options.read_only`, see SqliteStoreOptions.
  static absl::StatusOr<std::unique_ptr<SliceStore>> OpenSqlite(
      const std::string& path, const SqliteStoreOptions& options = {});

  // Opens the PostgreSQL store at connection URI `uri` (libpq's syntax:
  // "postgresql://user@host:5432/db", "postgresql://user@/db?host=/run/sock";
  // libpq's environment variables and ~/.pgpass apply), creating its schema
  // in the database when the database has none (docs/postgresql.md). The
  // database must use the UTF8 encoding. A database whose store schema is
  // another application's or a newer version is FailedPrecondition and is
  // left unchanged. Every operation is one transaction: a change takes a
  // row lock on its org's row of `slicekit_orgs` first (READ COMMITTED), so
  // the limit, name and history checks and the writes that follow cannot
  // interleave with another client's change to that org on any host; reads
  // run REPEATABLE READ, READ ONLY. A deadlock or serialization failure
  // (which the lock order rules out, but a server may still report) is
  // retried up to 4 more times, then Aborted. A server that cannot be
  // reached, or is lost mid-operation, is Unavailable naming the server
  // (host, port, database, user; never the password) and the operation's
  // transaction is rolled back by the server, except when the connection
  // is lost during COMMIT, when the change may or may not have happened;
  // the next call connects again. A bad URI is InvalidArgument, a refused
  // login PermissionDenied.
  static absl::StatusOr<std::unique_ptr<SliceStore>> OpenPostgres(
      const std::string& uri, const PostgresStoreOptions& options = {});

  // Opens `location`: OpenPostgres() for a PostgreSQL URI (IsPostgresUri),
  // else OpenSqlite() of the file path; `read_only` as in both options.
  static absl::StatusOr<std::unique_ptr<SliceStore>> Open(
      const std::string& location, bool read_only = false);

  ~SliceStore();
  SliceStore(const SliceStore&) = delete;
  SliceStore& operator=(const SliceStore&) = delete;

  // Saves a new slice (version 1) and returns it with its new id and
  // timestamps. The name is normalized (NormalizeSliceName); the filter and
  // ordering are stored as given (IN SLICE references resolved). Ordering
  // columns must be non-empty and not repeated.
  absl::StatusOr<Slice> Create(absl::string_view org, const SliceSpec& spec,
                               const ChangeInfo& change = {});

  // Returns the slice with `id` in `org`.
  absl::StatusOr<Slice> Get(absl::string_view org, absl::string_view id);

  // Returns the slice of `org` whose name equals `name` case-insensitively
  // (after normalization).
  absl::StatusOr<Slice> GetByName(absl::string_view org,
                                  absl::string_view name);

  // Returns all slices of `org` (possibly none) in `order`.
  absl::StatusOr<std::vector<Slice>> List(absl::string_view org,
                                          SliceListOrder order);

  // Replaces the filter and ordering of slice `id` in place: same id,
  // version + 1, new updated_at. With `expected_version`, fails with
  // FailedPrecondition (changing nothing) unless the slice is at that
  // version.
  absl::StatusOr<Slice> UpdateFilter(
      absl::string_view org, absl::string_view id, const Expr& filter,
      const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version = std::nullopt,
      const ChangeInfo& change = {});

  // Saves `filter` and `order_by` as a new slice named `new_name` (new id,
  // version 1, the original's description) and leaves slice `id` unchanged.
  // Counts against the org's limit like Create(). `expected_version` as in
  // UpdateFilter(), checked against the original.
  absl::StatusOr<Slice> UpdateFilterAsNew(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      const Expr& filter, const std::vector<OrderBy>& order_by,
      std::optional<int64_t> expected_version = std::nullopt,
      const ChangeInfo& change = {});

  // Renames slice `id` (version + 1). Renaming to a name that differs from
  // the current one only in case is allowed.
  absl::StatusOr<Slice> Rename(
      absl::string_view org, absl::string_view id, absl::string_view new_name,
      std::optional<int64_t> expected_version = std::nullopt,
      const ChangeInfo& change = {});

  // Replaces the description of slice `id` (version + 1); empty clears it.
  absl::StatusOr<Slice> SetDescription(
      absl::string_view org, absl::string_view id,
      absl::string_view description,
      std::optional<int64_t> expected_version = std::nullopt,
      const ChangeInfo& change = {});

  // Deletes slice `id`. Its name becomes free; its id is never used again;
  // its history (ending with a kDeleted entry) and snapshots stay until
  // Purge(); its alert rules go. FailedPrecondition while other slices
  // reference it with IN SLICE (the message lists them).
  absl::Status Delete(absl::string_view org, absl::string_view id,
                      std::optional<int64_t> expected_version = std::nullopt,
                      const ChangeInfo& change = {});

  // --- History -------------------------------------------------------------

  // Returns every kept version of slice `id` (live or deleted), oldest
  // first: versions strictly increase, with no gaps from the slice's first
  // kept version (version 1, or the version a format-1 store held when it
  // was upgraded). Filters show referenced slices by their current names.
  // NotFound when the store has no history for the id (never existed,
  // purged, or another org's).
  absl::StatusOr<std::vector<SliceVersion>> History(absl::string_view org,
                                                    absl::string_view id);

  // Makes version `version` of live slice `id` current again: its name,
  // description, filter and order become a new version (kRestored,
  // restored_from = `version`). The rules of a change apply as of now: the
  // name must be free (AlreadyExists) and valid, and IN SLICE references
  // must resolve (NotFound if a referenced slice is gone). NotFound for a
  // version the history does not have; InvalidArgument for the current
  // version; FailedPrecondition for a deleted slice (its history stays
  // readable: create a new slice from the version).
  absl::StatusOr<Slice> Restore(
      absl::string_view org, absl::string_view id, int64_t version,
      std::optional<int64_t> expected_version = std::nullopt,
      const ChangeInfo& change = {});

  // Returns the last history entry (kDeleted) of each deleted slice of
  // `org` whose history is kept, most recently deleted first.
  absl::StatusOr<std::vector<SliceVersion>> ListDeleted(absl::string_view org);

  // Removes the history and snapshots of deleted slice `id`. NotFound when
  // there is nothing to remove; FailedPrecondition for a live slice.
  absl::Status Purge(absl::string_view org, absl::string_view id);

  // --- References ----------------------------------------------------------

  // Returns a resolver for Bind() over the org's slices as they are now (one
  // List()): IN SLICE references resolve by id, else by name as GetByName
  // does. Thread-safe; it does not see later changes.
  absl::StatusOr<std::unique_ptr<SliceResolver>> Resolver(
      absl::string_view org);

  // --- Snapshots -----------------------------------------------------------
  //
  // A snapshot is a slice's membership at one time, kept with its summary:
  // TakeSnapshot() (slicekit/table_snapshot.h) computes one from a table and
  // saves it here; everything below needs no table.

  // Saves a snapshot of live slice `info.slice_id`: `info` with a new id,
  // `org` and encoded_bytes set and taken_at to the microsecond, its other
  // fields kept as given (the slice's name and version the members were
  // computed with, the table's name, the actor, the summary), and the
  // member rows' data_row_ids `member_ids` (any order; kept sorted,
  // front-coded, zlib: about 1 to 2 bytes per id for ids such as
  // "dr-00000001"). Errors: InvalidArgument for a bad table name or actor,
  // for an id given twice, or when info.summary.rows is not the number of
  // ids; NotFound unless the slice is live in `org`.
  absl::StatusOr<SnapshotInfo> SaveSnapshot(
      absl::string_view org, const SnapshotInfo& info,
      absl::Span<const absl::string_view> member_ids);

  // Returns snapshot `snapshot_id` of `org` (NotFound when there is none).
  absl::StatusOr<SnapshotInfo> GetSnapshot(absl::string_view org,
                                           int64_t snapshot_id);

  // Returns the snapshots of slice `id` (live or deleted), oldest first.
  absl::StatusOr<std::vector<SnapshotInfo>> ListSnapshots(absl::string_view org,
                                                          absl::string_view id);

  // Returns the member ids of snapshot `snapshot_id`, ascending byte-wise.
  // NotFound when the org has no such snapshot; DataLoss when its stored
  // ids do not decode.
  absl::StatusOr<std::vector<std::string>> SnapshotMembers(
      absl::string_view org, int64_t snapshot_id);

  // Compares two snapshots of the org (of one slice, or of two): the rows
  // that entered and left between them and the change of every summary
  // metric. Cost: decoding both (linear in their members) and one merge.
  absl::StatusOr<SnapshotDiff> Diff(absl::string_view org, int64_t from_id,
                                    int64_t to_id);

  // Compares snapshot `from_id` with a membership that is not saved: `to`
  // (returned as given, e.g. with id 0) and its member ids `to_members` (any
  // order). DiffWithTable() (slicekit/table_snapshot.h) compares with a
  // table now this way. Errors: those of Diff(), and InvalidArgument for an
  // id given twice.
  absl::StatusOr<SnapshotDiff> DiffWithMembers(
      absl::string_view org, int64_t from_id, const SnapshotInfo& to,
      absl::Span<const absl::string_view> to_members);

  // --- Alerts --------------------------------------------------------------

  // Replaces the alert rules of live slice `id` (slicekit/alert_rules.h;
  // checked against a table by CheckAlerts, slicekit/slice_alerts.h):
  // InvalidArgument, naming the place, for rules that do not parse. Empty
  // text removes them. Not a version change.
  absl::Status SetAlertRules(absl::string_view org, absl::string_view id,
                             absl::string_view rules);

  // The alert rules of the org's slices that have any: (slice id, rules in
  // canonical text), by slice id.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ListAlertRules(absl::string_view org);

  // Checks the store's consistency (for SQLite, `PRAGMA integrity_check`
  // plus the slicekit invariants: at most 100 slices per org, unique
  // names, every stored filter readable and its references resolving
  // within the org without a cycle, every live slice's current version in
  // its history; for format 3, every row against its checksum and every
  // row set against its record). Returns DataLoss naming the first
  // problem. Cost: reads the whole store.
  absl::Status CheckIntegrity();

 private:
  // Where a backend plugs in: a factory (InMemory(), OpenSqlite(), and a
  // new one beside them for each new backend) makes an
  // internal::SliceStoreBackend (src/store/slice_store_backend.h) and hands
  // it over here; every operation above is written once over its
  // transactions.
  explicit SliceStore(std::unique_ptr<internal::SliceStoreBackend> backend);

  // Returns snapshot `snapshot_id` of `org` and its encoded members.
  absl::StatusOr<std::pair<SnapshotInfo, std::string>> LoadSnapshot(
      absl::string_view org, int64_t snapshot_id);

  std::unique_ptr<internal::SliceStoreBackend> backend_;
};

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_STORE_H_
