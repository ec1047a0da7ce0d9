// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What format 2 of the SQLite slice store ran to upgrade a format-1 store
// (its schema text and statements, frozen), so that tests can make a store
// of format 2 from the format-1 fixture (tests/data/slice_store_v1) as the
// last format-2 release did.
#ifndef SLICEKIT_TESTS_TESTING_STORE_FORMAT2_H_
#define SLICEKIT_TESTS_TESTING_STORE_FORMAT2_H_

namespace slicekit::testing {

// Creates format 2's tables, index and triggers.
inline constexpr char kFormat2Schema[] = R"sql(
CREATE TABLE slice_versions (
  slice_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  org TEXT NOT NULL,
  change TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  filter_text TEXT NOT NULL,
  filter_json TEXT NOT NULL,
  order_by_json TEXT NOT NULL,
  actor TEXT NOT NULL,
  changed_at_us INTEGER NOT NULL,
  restored_from INTEGER,
  PRIMARY KEY (slice_id, version)
) WITHOUT ROWID;
CREATE INDEX slice_versions_org_change ON slice_versions (org, change);
CREATE TABLE snapshots (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  slice_id TEXT NOT NULL,
  slice_version INTEGER NOT NULL,
  slice_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  actor TEXT NOT NULL,
  taken_at_us INTEGER NOT NULL,
  member_count INTEGER NOT NULL,
  summary_json TEXT NOT NULL,
  members BLOB NOT NULL
);
CREATE INDEX snapshots_org_slice ON snapshots (org, slice_id);
CREATE TABLE alert_rules (
  slice_id TEXT PRIMARY KEY NOT NULL,
  org TEXT NOT NULL,
  rules TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER slices_insert_needs_history BEFORE INSERT ON slices
WHEN NOT EXISTS (SELECT 1 FROM slice_versions
                 WHERE slice_id = NEW.id AND version = NEW.version)
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 2, which keeps the history of every slice; this writer does not keep it (a slicekit older than format 2?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER slices_update_needs_history BEFORE UPDATE ON slices
WHEN NOT EXISTS (SELECT 1 FROM slice_versions
                 WHERE slice_id = NEW.id AND version = NEW.version)
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 2, which keeps the history of every slice; this writer does not keep it (a slicekit older than format 2?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER slices_delete_needs_history BEFORE DELETE ON slices
WHEN NOT EXISTS (SELECT 1 FROM slice_versions
                 WHERE slice_id = OLD.id AND change = 'deleted')
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 2, which keeps the history of every slice; this writer does not keep it (a slicekit older than format 2?): reopen the store with a newer slicekit');
END;
)sql";

// Gives every slice its one history entry and records format 2.
inline constexpr char kFormat2Upgrade[] = R"sql(
INSERT INTO slice_versions (slice_id, version, org, change, name,
  description, filter_text, filter_json, order_by_json, actor, changed_at_us,
  restored_from)
SELECT id, version, org, 'migrated', name, description, filter_text,
  filter_json, order_by_json, '', updated_at_us, NULL FROM slices;
UPDATE slicekit_meta SET value = '2' WHERE key = 'version';
)sql";

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_STORE_FORMAT2_H_
