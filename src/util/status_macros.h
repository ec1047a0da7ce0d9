// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. Debian 12's Abseil (20220623) has no status
// macros, so slicekit carries these two.
#ifndef SLICEKIT_SRC_UTIL_STATUS_MACROS_H_
#define SLICEKIT_SRC_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SLICEKIT_RETURN_IF_ERROR(expr)              \
  do {                                              \
    const ::absl::Status slicekit_status_ = (expr); \
    if (!slicekit_status_.ok()) {                   \
      return slicekit_status_;                      \
    }                                               \
  } while (false)

#define SLICEKIT_CONCAT_INNER_(a, b) a##b
#define SLICEKIT_CONCAT_(a, b) SLICEKIT_CONCAT_INNER_(a, b)

// SLICEKIT_ASSIGN_OR_RETURN(auto x, MakeX()); declares or assigns `x`.
#define SLICEKIT_ASSIGN_OR_RETURN(lhs, rexpr) \
  SLICEKIT_ASSIGN_OR_RETURN_IMPL_(            \
      SLICEKIT_CONCAT_(slicekit_statusor_, __LINE__), lhs, rexpr)

#define SLICEKIT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) {                                       \
    return std::move(statusor).status();                      \
  }                                                           \
  lhs = *std::move(statusor)

#endif  // SLICEKIT_SRC_UTIL_STATUS_MACROS_H_
