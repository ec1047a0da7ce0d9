// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit convert`: writes a table (CSV or table file) as a table file
// (docs/table-file.md), which later commands open without parsing.
#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"

namespace slicekit::cli {

int Convert(Args& args) {
  std::string in, out;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag != "--table" && flag != "--out") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    const std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    (flag == "--table" ? in : out) = *value;
  }
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
