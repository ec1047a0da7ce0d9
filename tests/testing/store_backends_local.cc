// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The backends of a store suite's own binary (testing/store_backends.h).
#include <vector>

#include "tests/testing/store_backends.h"

namespace slicekit::testing {

std::vector<Backend> BackendsOfThisBinary() {
  return {Backend::kMemory, Backend::kSqlite};
}

}  // namespace slicekit::testing
