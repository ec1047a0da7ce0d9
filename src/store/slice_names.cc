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

constexpr int32_t kZeroWidthJoiner = 0x200D;
constexpr int32_t kEmojiPresentation = 0xFE0F;  // VARIATION SELECTOR-16

bool IsPictographic(int32_t cp) {
  return utf8proc_get_property(cp)->boundclass ==
         UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
}

bool IsEmojiModifier(int32_t cp) { return cp >= 0x1F3FB && cp <= 0x1F3FF; }

// Whether cps[i], a U+200D or U+FE0F, is part of an emoji sequence
// (UTS #51): U+FE0F right after a pictograph; U+200D between a pictograph
// (with its modifier or U+FE0F) and the next pictograph. Those are the
// joiners TR #31 allows in identifiers for emoji; anywhere else they are
// invisible.
bool JoinsEmoji(const std::vector<int32_t>& cps, size_t first, size_t last,
                size_t i) {
  if (i == first) return false;
  size_t before = i - 1;
  if (cps[i] == kEmojiPresentation) return IsPictographic(cps[before]);
  if (i + 1 >= last || !IsPictographic(cps[i + 1])) return false;
  if ((cps[before] == kEmojiPresentation || IsEmojiModifier(cps[before])) &&
      before > first) {
    --before;
  }
  return IsPictographic(cps[before]);
}

// Characters that show nothing or change how others show: format
// characters (Cf) and default-ignorable code points (Hangul fillers,
// variation selectors, tags, ...). Inserted into a name, they make it look
// like another one, or like nothing (UTS #39 section 3.1.1).
bool IsInvisible(int32_t cp) {
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  return property->ignorable || property->category == UTF8PROC_CATEGORY_CF;
}

// Letters, digits, punctuation, symbols and private-use characters: what a
// name needs at least one of to be seen. Marks alone attach to nothing and
// spaces show as a gap.
bool IsVisible(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CN:
      return false;
    default:
      return !utf8proc_get_property(cp)->ignorable;
  }
}

// What refuses code point cps[i] of a trimmed name, or nullptr. Under the
// rules of stored names (`visible_rules` false) only the older ones apply.
const char* RefusedKind(const std::vector<int32_t>& cps, size_t first,
                        size_t last, size_t i, bool visible_rules) {
  const int32_t cp = cps[i];
  if (IsControl(cp)) return "a control character";
  if (IsBidiFormatting(cp)) return "a bidirectional formatting character";
  // Unassigned code points (and noncharacters) have no normalization or
  // case folding yet; a later Unicode version could give them one and
  // change the stored name's key, so names refuse them.
  if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CN) {
    return "an unassigned character";
  }
  if (!visible_rules || !IsInvisible(cp)) return nullptr;
  if (cp == kZeroWidthJoiner || cp == kEmojiPresentation) {
    return JoinsEmoji(cps, first, last, i)
               ? nullptr
               : "an invisible character outside an emoji sequence";
  }
  return "an invisible or format character";
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

// NormalizeSliceName, or with `visible_rules` false the rules names were
// stored under before invisible characters were refused (for looking up
// and checking names already stored).
absl::StatusOr<std::string> Normalize(absl::string_view name,
                                      bool visible_rules) {
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
  bool visible = false;
  for (size_t i = first; i < last; ++i) {
    if (const char* kind = RefusedKind(cps, first, last, i, visible_rules)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("name contains %s (U+%04X) at character %d", kind,
                          cps[i], i - first + 1));
    }
    visible = visible || IsVisible(cps[i]);
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
  if (visible_rules && !visible) {
    return absl::InvalidArgumentError(
        "name has no visible character (a letter, digit, punctuation mark or "
        "symbol)");
  }
  return nfc;
}

}  // namespace

absl::StatusOr<std::string> NormalizeSliceName(absl::string_view name) {
  return Normalize(name, /*visible_rules=*/true);
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

absl::StatusOr<std::string> NormalizeStoredSliceName(absl::string_view name) {
  return Normalize(name, /*visible_rules=*/false);
}

std::string SliceNameSkeleton(absl::string_view normalized_name) {
  return Map(normalized_name, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                  UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
}

}  // namespace internal
}  // namespace slicekit
