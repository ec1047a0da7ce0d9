// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// IsOk() and StatusIs(code, message_matcher) for absl::Status and StatusOr.
#ifndef SLICEKIT_TESTS_TESTING_STATUS_MATCHERS_H_
#define SLICEKIT_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace slicekit::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

// A StatusOr that is OK and whose value matches `value_matcher`.
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace slicekit::testing

#define SLICEKIT_ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  SLICEKIT_ASSERT_OK_AND_ASSIGN_IMPL_(            \
      SLICEKIT_TEST_CONCAT_(slicekit_statusor_, __LINE__), lhs, rexpr)
#define SLICEKIT_TEST_CONCAT_INNER_(a, b) a##b
#define SLICEKIT_TEST_CONCAT_(a, b) SLICEKIT_TEST_CONCAT_INNER_(a, b)
#define SLICEKIT_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                        \
  ASSERT_TRUE(statusor.ok()) << statusor.status();                \
  lhs = *std::move(statusor)

#endif  // SLICEKIT_TESTS_TESTING_STATUS_MATCHERS_H_
