// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes slice-name and description validation (slicekit/slice_store.h)
// against an independent UTF-8 decoder (tests/fuzz/utf8.h):
//  - NormalizeSliceName fails with InvalidArgument, saying "not valid
//    UTF-8" exactly when the input is not valid UTF-8;
//  - a normalized name is valid UTF-8 of 3 to 30 code points, is a fixed
//    point (normalize(normalize(x)) == normalize(x)), and surrounding
//    whitespace does not change it;
//  - its key (SliceNameKey) is valid, non-empty UTF-8;
//  - ValidateSliceDescription accepts exactly the valid UTF-8 of at most
//    1,000 code points.
// Any violation aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice_store.h"
#include "tests/fuzz/fail.h"
#include "tests/fuzz/utf8.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "slice_name_fuzzer";

using fuzz::CountUtf8;

void CheckName(absl::string_view input) {
  const std::optional<size_t> chars = CountUtf8(input);
  absl::StatusOr<std::string> name = NormalizeSliceName(input);
  if (!name.ok()) {
    if (name.status().code() != absl::StatusCode::kInvalidArgument) {
      fuzz::Fail(kTarget, "name error is not InvalidArgument", input,
                 name.status().ToString());
    }
    const bool says_utf8 =
        absl::StrContains(name.status().message(), "not valid UTF-8");
    if (says_utf8 == chars.has_value()) {
      fuzz::Fail(kTarget, "UTF-8 verdict differs from the reference decoder",
                 input, name.status().ToString());
    }
    return;
  }
  if (!chars.has_value())
    fuzz::Fail(kTarget, "accepted invalid UTF-8", input, *name);
  const std::optional<size_t> name_chars = CountUtf8(*name);
  if (!name_chars.has_value())
    fuzz::Fail(kTarget, "normalized name is not UTF-8", input, *name);
  if (*name_chars < static_cast<size_t>(kMinSliceNameChars) ||
      *name_chars > static_cast<size_t>(kMaxSliceNameChars)) {
    fuzz::Fail(kTarget, "normalized name length out of range", input, *name);
  }
  absl::StatusOr<std::string> again = NormalizeSliceName(*name);
  if (!again.ok() || *again != *name) {
    fuzz::Fail(kTarget, "normalize is not idempotent", input,
               again.ok() ? *again : again.status().ToString());
  }
  absl::StatusOr<std::string> padded =
      NormalizeSliceName(absl::StrCat(" \t\xE3\x80\x80", input, "\n "));
  if (!padded.ok() || *padded != *name) {
    fuzz::Fail(kTarget, "surrounding whitespace changes the name", input,
               padded.ok() ? *padded : padded.status().ToString());
  }
  const std::string key = SliceNameKey(*name);
  if (key.empty() || !CountUtf8(key).has_value()) {
    fuzz::Fail(kTarget, "bad name key", input, key);
  }
}

void CheckDescription(absl::string_view input) {
  const std::optional<size_t> chars = CountUtf8(input);
  const absl::Status status = ValidateSliceDescription(input);
  const bool want_ok = chars.has_value() &&
                       *chars <= static_cast<size_t>(kMaxSliceDescriptionChars);
  if (status.ok() != want_ok) {
    fuzz::Fail(kTarget, "description verdict differs from the reference", input,
               status.ToString());
  }
  if (!status.ok() && status.code() != absl::StatusCode::kInvalidArgument) {
    fuzz::Fail(kTarget, "description error is not InvalidArgument", input,
               status.ToString());
  }
}

void TestOneInput(absl::string_view input) {
  CheckName(input);
  CheckDescription(input);
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
