// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit generate`: a synthetic metrics table as CSV.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "examples/metrics_generator.h"

namespace slicekit::cli {

const CommandSpec& GenerateSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "generate",
      .invocation = "slicekit generate",
      .summary = "Writes a synthetic metrics table as CSV.",
      .flags = {
          // Ids are row positions of a Table: at most 2^32 - 1 rows.
          {.name = "--rows",
           .value_name = "N",
           .help = "the number of rows",
           .required = true,
           .integer = IntegerRange{0, 0xFFFFFFFF}},
          {.name = "--seed",
           .value_name = "S",
           .help = "the random seed (default 1)",
           .integer = IntegerRange{0, std::numeric_limits<uint64_t>::max()}},
          {.name = "--out",
           .value_name = "FILE",
           .help = "where to write the CSV (default stdout)"},
      }};
  return *kSpec;
}

int Generate(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(GenerateSpec(), args, &flags)) {
    return *rc;
  }
  const std::optional<uint64_t> rows = flags.GetInteger("--rows");
  if (!rows) return UsageError("generate needs --rows N");
  const uint64_t seed = flags.GetInteger("--seed").value_or(1);
  const std::optional<std::string> out_path = flags.Get("--out");

  std::FILE* out = stdout;
  if (out_path) {
    out = std::fopen(out_path->c_str(), "wb");
    if (out == nullptr) {
      return InputError(absl::StrCat("cannot open '", *out_path,
                                     "' for writing: ", std::strerror(errno)));
    }
  }
  absl::Status status = slicekit::examples::WriteMetricsCsv(*rows, seed, out);
  if (out != stdout && std::fclose(out) != 0 && status.ok()) {
    status = absl::UnknownError(
        absl::StrCat("cannot write '", *out_path, "': ", std::strerror(errno)));
  }
  if (!status.ok()) return InputError(status.message());
  return kOk;
}

}  // namespace slicekit::cli
