// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit convert`: writes a table (CSV or table file) as a table file
// (docs/table-file.md), which later commands open without parsing.
#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"

namespace slicekit::cli {

const CommandSpec& ConvertSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "convert",
      .invocation = "slicekit convert",
      .summary =
          "Writes the table (CSV or table file) as a table file, which later "
          "commands map instead of parsing (docs/table-file.md).",
      .flags = {
          {.name = "--table",
           .value_name = "FILE",
           .help = "the table to convert",
           .required = true},
          {.name = "--out",
           .value_name = "FILE.skt",
           .help = "the table file to write",
           .required = true},
      }};
  return *kSpec;
}

int Convert(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(ConvertSpec(), args, &flags)) {
    return *rc;
  }
  const std::string in = flags.Get("--table").value_or("");
  const std::string out = flags.Get("--out").value_or("");
  if (in.empty() || out.empty()) {
    return UsageError("convert needs --table FILE and --out FILE.skt");
  }
  absl::StatusOr<Table> table = LoadTable(in);
  if (!table.ok()) return InputError(table.status().message());
  const absl::Status saved = table->Save(out);
  if (!saved.ok()) return InputError(saved.message());
  return kOk;
}

}  // namespace slicekit::cli
