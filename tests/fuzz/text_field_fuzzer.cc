// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes the CLI's text output escaping (examples/cli/text_field.h), what
// keeps a stored name, filter or id from forging lines, columns or terminal
// escapes in `slicekit slice list` and friends:
//  - TextField(x) is valid UTF-8 (tests/fuzz/utf8.h's decoder) with no
//    control character (C0, DEL, C1), no line or paragraph separator and
//    no bidirectional formatting character;
//  - ParseTextField(TextField(x)) == x (no two texts print the same);
//  - x is printed as it is when it needs none of this;
//  - Printable(x) is as safe, and ParseTextField never crashes on any
//    input.
// Any violation aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "examples/cli/text_field.h"
#include "tests/fuzz/fail.h"
#include "tests/fuzz/utf8.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "text_field_fuzzer";

// Code points that must never reach the output raw.
bool Unsafe(uint32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
         c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// True when `text` is valid UTF-8 holding no unsafe code point.
bool Safe(absl::string_view text) {
  if (!fuzz::CountUtf8(text).has_value()) return false;
  bool safe = true;
  fuzz::ForEachCodePoint(text, [&](uint32_t c) { safe &= !Unsafe(c); });
  return safe;
}

void Check(absl::string_view input) {
  const std::string field = cli::TextField(input);
  if (!Safe(field)) {
    fuzz::Fail(kTarget, "TextField output is not safe to print", field);
  }
  const std::optional<std::string> back = cli::ParseTextField(field);
  if (!back.has_value() || *back != input) {
    fuzz::Fail(kTarget, "ParseTextField(TextField(x)) != x", field);
  }
  const bool plain = Safe(input) && (input.empty() || input.front() != '"');
  if (plain != (field == input)) {
    fuzz::Fail(kTarget,
               plain ? "plain text was changed" : "unsafe text was not escaped",
               field);
  }
  if (!Safe(cli::Printable(input))) {
    fuzz::Fail(kTarget, "Printable output is not safe to print",
               cli::Printable(input));
  }
  (void)cli::ParseTextField(input);  // any input: no crash
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::Check(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
