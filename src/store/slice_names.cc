// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slice name and description rules (NormalizeSliceName and friends).
#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_internal.h"

namespace slicekit {
namespace {

const utf8proc_uint8_t* Bytes(absl::string_view text) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data());
}

// `text` as code points, with the byte offset where each starts (and, last,
// the end).
struct Decoded {
  std::vector<int32_t> code_points;
  std::vector<size_t> offsets;
};

// Decodes `text`; on invalid UTF-8 (including overlong forms and
// surrogates) returns InvalidArgument naming `what` and the 1-based
// position of the first bad byte.
absl::StatusOr<Decoded> Decode(absl::string_view text, absl::string_view what) {
  Decoded decoded;
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n =
        utf8proc_iterate(Bytes(text) + pos, text.size() - pos, &cp);
    if (n <= 0 || cp < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is not valid UTF-8 (byte ", pos + 1, ")"));
    }
    decoded.code_points.push_back(cp);
    decoded.offsets.push_back(pos);
    pos += static_cast<size_t>(n);
  }
  decoded.offsets.push_back(pos);
  return decoded;
}

// Unicode White_Space: the Zs category plus the listed controls/separators.
bool IsWhitespace(int32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x85:
    case 0x2028:
    case 0x2029:
      return true;
    default:
      return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
  }
}

bool IsControl(int32_t cp) {
  const utf8proc_category_t category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

// Characters that change the display direction of the text around them;
// they let a name look like another (or like nothing), so names refuse them.
bool IsBidiFormatting(int32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Runs utf8proc_map over valid UTF-8 `text`. Only fails on allocation.
std::string Map(absl::string_view text, int options) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(Bytes(text), static_cast<utf8proc_ssize_t>(text.size()),
                   &out, static_cast<utf8proc_option_t>(options));
  std::string result;
  if (n >= 0 && out != nullptr) {
    result.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  }
  std::free(out);
  return result;
}

size_t CountCodePoints(absl::string_view valid_utf8) {
  size_t count = 0;
  for (const char c : valid_utf8) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return count;
}

}  // namespace

absl::StatusOr<std::string> NormalizeSliceName(absl::string_view name) {
  absl::StatusOr<Decoded> decoded = Decode(name, "name");
  if (!decoded.ok()) return decoded.status();
  const std::vector<int32_t>& cps = decoded->code_points;
  const std::vector<size_t>& offsets = decoded->offsets;

  // Trim by code points, then find the byte range of what is left.
  size_t first = 0;
  size_t last = cps.size();
  while (first < last && IsWhitespace(cps[first])) ++first;
  while (last > first && IsWhitespace(cps[last - 1])) --last;
  if (first == last) {
    return absl::InvalidArgumentError(
        absl::StrCat("name is empty; it must have ", kMinSliceNameChars, " to ",
                     kMaxSliceNameChars, " characters"));
  }
  for (size_t i = first; i < last; ++i) {
    const int32_t cp = cps[i];
    // Unassigned code points (and noncharacters) have no normalization or
    // case folding yet; a later Unicode version could give them one and
    // change the stored name's key, so names refuse them.
    const char* kind = IsControl(cp) ? "a control character"
                       : IsBidiFormatting(cp)
                           ? "a bidirectional formatting character"
                       : utf8proc_category(cp) == UTF8PROC_CATEGORY_CN
                           ? "an unassigned character"
                           : nullptr;
    if (kind != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("name contains %s (U+%04X) at character %d", kind, cp,
                          i - first + 1));
    }
  }
  const size_t begin = offsets[first];
  const size_t length = offsets[last] - begin;
  const std::string nfc =
      Map(name.substr(begin, length), UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  const size_t chars = CountCodePoints(nfc);
  if (chars > static_cast<size_t>(kMaxSliceNameChars)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name has ", chars, " characters; the limit is ", kMaxSliceNameChars));
  }
  if (chars < static_cast<size_t>(kMinSliceNameChars)) {
    return absl::InvalidArgumentError(
        absl::StrCat("name has ", chars, " characters; the minimum is ",
                     kMinSliceNameChars));
  }
  return nfc;
}

std::string SliceNameKey(absl::string_view normalized_name) {
  return Map(normalized_name,
             UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

absl::Status ValidateSliceDescription(absl::string_view description) {
  absl::StatusOr<Decoded> decoded = Decode(description, "description");
  if (!decoded.ok()) return decoded.status();
  const size_t chars = decoded->code_points.size();
  if (chars > static_cast<size_t>(kMaxSliceDescriptionChars)) {
    return absl::InvalidArgumentError(absl::StrCat("description has ", chars,
                                                   " characters; the limit is ",
                                                   kMaxSliceDescriptionChars));
  }
  return absl::OkStatus();
}

namespace internal {

absl::Status ValidateUtf8(absl::string_view text, absl::string_view what) {
  return Decode(text, what).status();
}

}  // namespace internal
}  // namespace slicekit
