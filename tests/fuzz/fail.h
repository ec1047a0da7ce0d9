// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// How a fuzz target reports a broken invariant: a message on stderr, then
// abort(), which libFuzzer records as a crash with the input that caused it.
#ifndef SLICEKIT_TESTS_FUZZ_FAIL_H_
#define SLICEKIT_TESTS_FUZZ_FAIL_H_

#include <cstdio>
#include <cstdlib>

#include "absl/strings/string_view.h"

namespace slicekit::fuzz {

[[noreturn]] inline void Fail(absl::string_view target, absl::string_view what,
                              absl::string_view detail) {
  std::fprintf(stderr, "%.*s: %.*s\n  %.*s\n", static_cast<int>(target.size()),
               target.data(), static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// With the (text) input that broke it, for short inputs worth printing.
[[noreturn]] inline void Fail(absl::string_view target, absl::string_view what,
                              absl::string_view input,
                              absl::string_view detail) {
  std::fprintf(stderr, "%.*s: %.*s\n  input: %.*s\n  %.*s\n",
               static_cast<int>(target.size()), target.data(),
               static_cast<int>(what.size()), what.data(),
               static_cast<int>(input.size()), input.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace slicekit::fuzz

#endif  // SLICEKIT_TESTS_FUZZ_FAIL_H_
