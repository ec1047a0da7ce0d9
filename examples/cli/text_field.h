// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// One field of the CLI's text output (tab-separated lines, `key: value`
// lines, one id per line), made safe to print: a stored name, description,
// filter, actor or id may hold a newline, a tab or a terminal escape, and
// printed raw it would forge a line (a slice that does not exist, a version
// that never happened) or drive the terminal. JSON output needs none of
// this (nlohmann escapes).
#ifndef SLICEKIT_EXAMPLES_CLI_TEXT_FIELD_H_
#define SLICEKIT_EXAMPLES_CLI_TEXT_FIELD_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace slicekit::cli {

// `text` itself when it is valid UTF-8 without control characters (C0,
// DEL, C1), line or paragraph separators or bidirectional formatting
// characters, and does not start with '"': what nearly every name and id
// is, so ordinary output is unchanged. Otherwise the text in double quotes
// with C-style escapes: \" \\ \n \r \t, \xHH for a byte that is not UTF-8
// or a control byte below 0x80, \u{HHHH} for any other such code point.
// A reader tells the two apart by the first byte, and ParseTextField()
// inverts it.
std::string TextField(absl::string_view text);

// For messages (errors, notes on stderr): `text` with each character
// TextField() would escape escaped the same way, and nothing else changed
// (no quotes; a message is read, not parsed).
std::string Printable(absl::string_view text);

// The text TextField() printed as `field`; nullopt when `field` is not a
// form TextField() makes.
std::optional<std::string> ParseTextField(absl::string_view field);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_TEXT_FIELD_H_
