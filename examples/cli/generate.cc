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

int Generate(Args& args) {
  std::optional<uint64_t> rows;
  uint64_t seed = 1;
  std::optional<std::string> out_path;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag.rfind("--", 0) != 0) {
      return UsageError(absl::StrCat("unexpected argument '", flag, "'"));
    }
    if (flag != "--rows" && flag != "--seed" && flag != "--out") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--out") {
      out_path = *value;
      continue;
    }
    // Ids are row positions of a Table: at most 2^32 - 1 rows.
    const uint64_t max = flag == "--rows"
                             ? uint64_t{0xFFFFFFFF}
                             : std::numeric_limits<uint64_t>::max();
    std::optional<uint64_t> number = ParseCount(*value, 0, max);
    if (!number) {
      return UsageError(absl::StrCat(flag, " needs an integer in [0, ", max,
                                     "], not '", *value, "'"));
    }
    if (flag == "--rows") {
      rows = *number;
    } else {
      seed = *number;
    }
  }
  if (!rows) return UsageError("generate needs --rows N");

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
