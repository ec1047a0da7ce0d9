// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A test fixture run against every SliceStore backend (memory, a SQLite
// file, a PostgreSQL server), for the store's behaviour tests. Each suite
// file is compiled once and linked into two binaries (tests/store/
// CMakeLists.txt): its own, for memory and SQLite, and
// slice_store_postgres_test, for PostgreSQL alone, which runs as one ctest
// so that its cases share one server (testing/pg_server.h). Which backends
// a binary instantiates is the one backend file it links
// (store_backends_local.cc or store_backends_postgres.cc).
#ifndef SLICEKIT_TESTS_TESTING_STORE_BACKENDS_H_
#define SLICEKIT_TESTS_TESTING_STORE_BACKENDS_H_

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "slicekit/slice_store.h"
#include "tests/testing/pg_server.h"

namespace slicekit::testing {

enum class Backend { kMemory, kSqlite, kPostgres };

inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kMemory   ? "memory"
          : backend == Backend::kSqlite ? "sqlite"
                                        : "postgres");
}

// Removes a SQLite store file and the files SQLite keeps beside it.
inline void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

// store_ is a new store of the backend under test; for SQLite, at path_;
// location_ is what SliceStore::Open() opens it by (path_, or a
// PostgreSQL URI of a schema of its own).
class StoreBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      SLICEKIT_PG_SERVER_OR_SKIP(server);
      location_ = server->NewStoreUri();
    }
    if (GetParam() == Backend::kSqlite) {
      static int counter = 0;
      path_ = absl::StrCat(::testing::TempDir(), "/slicekit_store_", getpid(),
                           "_", ++counter, ".db");
      RemoveStore(path_);
      location_ = path_;
    }
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    if (!path_.empty()) RemoveStore(path_);
  }
  // SQLite, PostgreSQL: closes and opens the store again; memory: keeps
  // the store.
  void Reopen() {
    if (GetParam() == Backend::kMemory) {
      if (store_ == nullptr) store_ = SliceStore::InMemory();
      return;
    }
    store_.reset();
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::Open(location_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  std::string path_;
  std::string location_;
  std::unique_ptr<SliceStore> store_;
};

// Test names "Memory", "Sqlite" and "Postgres" for INSTANTIATE_TEST_SUITE_P.
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kMemory   ? "Memory"
         : info.param == Backend::kSqlite ? "Sqlite"
                                          : "Postgres";
}

// The backends of this binary: memory and SQLite, or PostgreSQL alone
// (see the top of this file). Called while GoogleTest registers the
// parameterized suites, after static initialization.
std::vector<Backend> BackendsOfThisBinary();
// The same without the memory backend: for suites that need a store other
// processes can open.
inline std::vector<Backend> SharedBackendsOfThisBinary() {
  std::vector<Backend> backends;
  for (Backend backend : BackendsOfThisBinary()) {
    if (backend != Backend::kMemory) backends.push_back(backend);
  }
  return backends;
}

// Instantiates `suite` (a StoreBackendTest) for the backends of this binary.
#define SLICEKIT_INSTANTIATE_FOR_BACKENDS(suite)                            \
  INSTANTIATE_TEST_SUITE_P(                                                 \
      Backends, suite,                                                      \
      ::testing::ValuesIn(::slicekit::testing::BackendsOfThisBinary()), \
      ::slicekit::testing::BackendName)

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_STORE_BACKENDS_H_
