// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The backend of slice_store_postgres_test (testing/store_backends.h).
#include <vector>

#include "tests/testing/store_backends.h"

namespace slicekit::testing {

std::vector<Backend> BackendsOfThisBinary() { return {Backend::kPostgres}; }

}  // namespace slicekit::testing
