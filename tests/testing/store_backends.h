// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A test fixture run against both SliceStore backends (memory and a SQLite
// file), for the store's behaviour tests.
#ifndef SLICEKIT_TESTS_TESTING_STORE_BACKENDS_H_
#define SLICEKIT_TESTS_TESTING_STORE_BACKENDS_H_

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "slicekit/slice_store.h"

namespace slicekit::testing {

enum class Backend { kMemory, kSqlite };

inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kMemory ? "memory" : "sqlite");
}

// Removes a SQLite store file and the files SQLite keeps beside it.
inline void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

// store_ is a new store of the backend under test; for SQLite, at path_.
class StoreBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      static int counter = 0;
      path_ = absl::StrCat(::testing::TempDir(), "/slicekit_store_", getpid(),
                           "_", ++counter, ".db");
      RemoveStore(path_);
    }
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    if (!path_.empty()) RemoveStore(path_);
  }
  // SQLite: closes and opens the file again; memory: keeps the store.
  void Reopen() {
    if (GetParam() == Backend::kMemory) {
      if (store_ == nullptr) store_ = SliceStore::InMemory();
      return;
    }
    store_.reset();
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  std::string path_;
  std::unique_ptr<SliceStore> store_;
};

// Test names "Memory" and "Sqlite" for INSTANTIATE_TEST_SUITE_P.
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kMemory ? "Memory" : "Sqlite";
}

// Instantiates `suite` (a StoreBackendTest) for both backends.
#define SLICEKIT_INSTANTIATE_FOR_BACKENDS(suite)                \
  INSTANTIATE_TEST_SUITE_P(                                     \
      Backends, suite,                                          \
      ::testing::Values(::slicekit::testing::Backend::kMemory,  \
                        ::slicekit::testing::Backend::kSqlite), \
      ::slicekit::testing::BackendName)

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_STORE_BACKENDS_H_
