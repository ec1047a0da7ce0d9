// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What only the PostgreSQL backend has: URIs and their errors (which never
// show the password), a server restarted under an open store, schema
// versions, another application's tables, read-only opening, rows changed
// outside slicekit, openers racing to create the schema. Runs against the
// binary's own server (tests/testing/pg_server.h); the shared store suites
// run on it too (their */Postgres cases, same binary).
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "tests/testing/pg_server.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::PgTestServer;
using ::slicekit::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

SliceSpec Spec(std::string name) {
  return SliceSpec{std::move(name), "", *ParseFilter("fp >= 1"), {}};
}

// The schema name of a store URI from PgTestServer::NewStoreUri().
std::string SchemaOf(const std::string& uri) {
  return uri.substr(uri.rfind("%3D") + 3);
}

TEST(PostgresStoreTest, UrisChooseTheBackend) {
  EXPECT_TRUE(IsPostgresUri("postgresql://u@h/db"));
  EXPECT_TRUE(IsPostgresUri("postgres:///db?host=/run/sock"));
  EXPECT_FALSE(IsPostgresUri("store.db"));
  EXPECT_FALSE(IsPostgresUri("/data/postgresql://x"));
  EXPECT_FALSE(IsPostgresUri("POSTGRESQL://u@h/db"));  // a file name then
}

TEST(PostgresStoreTest, ABadUriIsInvalidArgumentWithoutItsPassword) {
  // No server is needed to refuse these.
  for (const std::string& uri :
       {std::string("postgresql://ann:Hunter2-secret@db.example:notaport/x"),
        std::string("postgresql://ann@db.example/x?password=Hunter2-secret&"
                    "nosuchoption=1")}) {
    SCOPED_TRACE(uri);
    const auto store = SliceStore::Open(uri);
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << store.status();
    EXPECT_THAT(std::string(store.status().message()),
                AllOf(HasSubstr("db.example"), Not(HasSubstr("Hunter2"))));
  }
}

TEST(PostgresStoreTest, ARefusedConnectionIsUnavailableNamingTheServer) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  // A socket directory with no server, and a TCP port nothing listens on.
  for (const std::string& uri :
       {std::string("postgresql://ann:Hunter2-secret@/x?host=/nonexistent"),
        std::string("postgresql://ann:Hunter2-secret@127.0.0.1:1/x?"
                    "connect_timeout=2")}) {
    SCOPED_TRACE(uri);
    const auto store = SliceStore::Open(uri);
    ASSERT_FALSE(store.ok());
    EXPECT_THAT(store.status(), StatusIs(absl::StatusCode::kUnavailable,
                                         AllOf(HasSubstr("postgresql://ann@"),
                                               Not(HasSubstr("Hunter2")))));
  }
}

TEST(PostgresStoreTest, AWrongPasswordIsRefusedWithoutPrintingIt) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  ASSERT_EQ(server->Sql(absl::StrCat("CREATE DATABASE pwdb OWNER ",
                                     PgTestServer::kPasswordUser),
                        "postgres"),
            "");
  const std::string user = PgTestServer::kPasswordUser;
  const auto wrong =
      SliceStore::Open(server->Uri("", user + ":Wrong-guess-123", "pwdb"));
  EXPECT_THAT(wrong.status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("password authentication failed"),
                             HasSubstr(user), Not(HasSubstr("Wrong-guess")))));
  const auto none = SliceStore::Open(server->Uri("", user, "pwdb"));
  EXPECT_TRUE(absl::IsPermissionDenied(none.status())) << none.status();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      auto store,
      SliceStore::Open(server->Uri(
          "", absl::StrCat(user, ":", PgTestServer::kPassword), "pwdb")));
  ASSERT_THAT(store->Create("acme", Spec("with a password")), IsOk());
  // Errors later in the store's life do not show it either.
  const auto missing = store->Get("acme", "sl_0000000000000000");
  EXPECT_THAT(std::string(missing.status().message()),
              Not(HasSubstr(PgTestServer::kPassword)));
}

TEST(PostgresStoreTest, ARestartedServerIsUnavailableThenReconnects) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store,
                                SliceStore::Open(server->NewStoreUri()));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice before,
                                store->Create("acme", Spec("before")));
  ASSERT_TRUE(server->Stop());
  EXPECT_THAT(store->Create("acme", Spec("while down")).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("PostgreSQL server postgresql://"
                                       "slicekit@:"),
                             HasSubstr(server->dir()))));
  // Down, every call says so again (it tries to connect).
  EXPECT_TRUE(absl::IsUnavailable(store->Get("acme", before.id).status()));
  ASSERT_TRUE(server->Start());
  EXPECT_THAT(store->Get("acme", before.id), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto all,
                                store->List("acme", SliceListOrder::kByName));
  EXPECT_EQ(all.size(), 1u);  // the change refused while down is not there
  EXPECT_THAT(store->Create("acme", Spec("after")), IsOk());
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
}

TEST(PostgresStoreTest, ANewerSchemaIsRefusedAndLeftUnchanged) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::Open(uri));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                store->Create("acme", Spec("first")));
  ASSERT_EQ(server->Sql(absl::StrCat("UPDATE ", SchemaOf(uri),
                                     ".slicekit_meta SET value = '2' WHERE "
                                     "key = 'version'")),
            "");
  EXPECT_THAT(SliceStore::Open(uri).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("has schema version 2, newer than")));
  // A store already open notices on its next operation.
  EXPECT_THAT(store->Get("acme", s.id).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("now has schema version 2")));
  EXPECT_THAT(store->Create("acme", Spec("second")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("now has schema version 2")));
}

TEST(PostgresStoreTest, AnotherApplicationsTablesAreLeftAlone) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  const std::string schema = SchemaOf(uri);
  ASSERT_EQ(server->Sql(absl::StrCat("CREATE TABLE ", schema,
                                     ".slices (x int); INSERT INTO ", schema,
                                     ".slices VALUES (7)")),
            "");
  EXPECT_THAT(SliceStore::Open(uri).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("is not a slicekit slice store"),
                             HasSubstr("\"slices\""))));
  // Nothing was created beside it.
  EXPECT_THAT(
      server->Sql(absl::StrCat("SELECT 1 FROM ", schema, ".slicekit_meta")),
      HasSubstr("does not exist"));
}

TEST(PostgresStoreTest, ReadOnlyStoresReadAndRefuseChanges) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  EXPECT_THAT(SliceStore::Open(uri, /*read_only=*/true).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("has no schema (a new store)")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto writer, SliceStore::Open(uri));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                writer->Create("acme", Spec("kept")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto reader,
                                SliceStore::Open(uri, /*read_only=*/true));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice read, reader->Get("acme", s.id));
  EXPECT_EQ(read.name, "kept");
  EXPECT_THAT(reader->Create("acme", Spec("refused")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("was opened read-only")));
  EXPECT_THAT(reader->CheckIntegrity(), IsOk());
}

// The roles and grants of docs/postgresql.md ("Deploying it for a team"),
// on a store's own schema instead of public: a writer changes slices, a
// reader reads, and what a role was not granted is PermissionDenied.
TEST(PostgresStoreTest, TheDocumentedGrantsAreEnoughAndNoMore) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  const std::string schema = SchemaOf(uri);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto owner, SliceStore::Open(uri));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice seed,
                                owner->Create("acme", Spec("seeded")));
  const std::string writer = absl::StrCat(schema, "_writer");
  const std::string reader = absl::StrCat(schema, "_reader");
  const std::string nobody = absl::StrCat(schema, "_nobody");
  ASSERT_EQ(
      server->Sql(absl::StrCat(
          "CREATE ROLE ", writer, " LOGIN; CREATE ROLE ", reader,
          " LOGIN; CREATE ROLE ", nobody, " LOGIN; GRANT USAGE ON SCHEMA ",
          schema, " TO ", writer, ", ", reader,
          "; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ",
          schema, " TO ", writer, "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA ",
          schema, " TO ", writer, "; GRANT SELECT ON ALL TABLES IN SCHEMA ",
          schema, " TO ", reader)),
      "");
  const std::string path = absl::StrCat("options=-csearch_path%3D", schema);

  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto as_writer,
                                SliceStore::Open(server->Uri(path, writer)));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice made,
                                as_writer->Create("acme", Spec("by writer")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice renamed,
                                as_writer->Rename("acme", made.id, "renamed"));
  EXPECT_EQ(renamed.name, "renamed");
  EXPECT_THAT(as_writer->Create("globex", Spec("new org")).status(), IsOk());
  EXPECT_THAT(as_writer->Delete("acme", seed.id), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto history,
                                as_writer->History("acme", made.id));
  EXPECT_EQ(history.size(), 2u);

  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      auto as_reader,
      SliceStore::Open(server->Uri(path, reader), /*read_only=*/true));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const std::vector<Slice> listed,
      as_reader->List("acme", SliceListOrder::kByName));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "renamed");
  EXPECT_THAT(as_reader->CheckIntegrity(), IsOk());

  // The reader without read_only: the server refuses its change.
  absl::StatusOr<std::unique_ptr<SliceStore>> reader_rw =
      SliceStore::Open(server->Uri(path, reader));
  const absl::Status change =
      reader_rw.ok() ? (*reader_rw)->Create("acme", Spec("refused")).status()
                     : reader_rw.status();
  EXPECT_THAT(change, StatusIs(absl::StatusCode::kPermissionDenied,
                               AllOf(HasSubstr("permission denied"),
                                     HasSubstr("docs/postgresql.md"))));
  // A role with no grant at all cannot read either.
  absl::StatusOr<std::unique_ptr<SliceStore>> as_nobody =
      SliceStore::Open(server->Uri(path, nobody), /*read_only=*/true);
  const absl::Status read =
      as_nobody.ok()
          ? (*as_nobody)->List("acme", SliceListOrder::kByName).status()
          : as_nobody.status();
  EXPECT_THAT(read, StatusIs(absl::StatusCode::kPermissionDenied,
                             HasSubstr("has no USAGE on the schema")));
  // A search path naming no schema that exists.
  EXPECT_THAT(
      SliceStore::Open(server->Uri("options=-csearch_path%3Dnowhere")).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("no schema of the search path exists")));
  // Nothing the refused roles tried changed the store.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<Slice> after,
                                owner->List("acme", SliceListOrder::kByName));
  EXPECT_EQ(after.size(), 1u);
}

TEST(PostgresStoreTest, ARowChangedOutsideSlicekitIsDataLoss) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::Open(uri));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                store->Create("acme", Spec("honest")));
  ASSERT_EQ(server->Sql(absl::StrCat("UPDATE ", SchemaOf(uri),
                                     ".slices SET filter_json = "
                                     "replace(filter_json, '1', '2')")),
            "");
  EXPECT_THAT(store->Get("acme", s.id).status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("postgresql://slicekit@"),
                             HasSubstr(absl::StrCat("slice ", s.id,
                                                    " does not match its "
                                                    "checksum")))));
  EXPECT_TRUE(absl::IsDataLoss(store->CheckIntegrity()));
}

TEST(PostgresStoreTest, OpenersRacingOnANewDatabaseMakeOneSchema) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  constexpr int kOpeners = 6;
  std::vector<absl::Status> results(kOpeners);
  std::vector<std::thread> threads;
  for (int t = 0; t < kOpeners; ++t) {
    threads.emplace_back([&, t] {
      auto store = SliceStore::Open(uri);
      results[t] = store.ok()
                       ? (*store)
                             ->Create("acme", Spec(absl::StrCat("slice ", t)))
                             .status()
                       : store.status();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : results) EXPECT_THAT(status, IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::Open(uri));
  EXPECT_EQ(store->List("acme", SliceListOrder::kByName)->size(),
            static_cast<size_t>(kOpeners));
}

// A TEXT value cannot hold U+0000; the store escapes it (and its escape
// byte, 0x01) and reads back the same bytes, as the other backends do.
TEST(PostgresStoreTest, KeepsNulAndItsEscapeByteExact) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  const std::string uri = server->NewStoreUri();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::Open(uri));
  const std::string org("ac\0me\1", 7);
  SliceSpec spec = Spec("with a nul");
  spec.description = std::string(
      "a\0b\1\1"
      "0c\1"
      "0",
      9);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice made, store->Create(org, spec));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto again, SliceStore::Open(uri));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice read, again->Get(org, made.id));
  EXPECT_EQ(read.org, org);
  EXPECT_EQ(read.description, spec.description);
  EXPECT_TRUE(absl::IsNotFound(again->Get("ac", made.id).status()));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto history, again->History(org, made.id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].description, spec.description);
  EXPECT_THAT(again->CheckIntegrity(), IsOk());
}

#ifdef SLICEKIT_CLI_PATH
// Every CLI --store takes a URI: a change, then a command that only reads
// (which opens the store read-only).
TEST(PostgresStoreTest, TheCliTakesAUriForItsStore) {
  SLICEKIT_PG_SERVER_OR_SKIP(server);
  using ::slicekit::testing::RunProgram;
  const std::string uri = server->NewStoreUri();
  const auto created = RunProgram(
      SLICEKIT_CLI_PATH, {"slice", "--store", uri, "--org", "acme", "create",
                          "--name", "Confident FPs", "--where", "fp >= 1"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto listed = RunProgram(
      SLICEKIT_CLI_PATH, {"slice", "--store", uri, "--org", "acme", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("Confident FPs\tv1\tfp >= 1"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::Open(uri));
  EXPECT_THAT(store->GetByName("acme", "confident fps"), IsOk());
}
#endif

}  // namespace
}  // namespace slicekit
