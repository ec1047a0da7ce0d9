// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes the NDJSON importer (slicekit/ndjson.h). Checks:
//  - strict and lenient imports, with and without a fixed class list,
//    either succeed or return InvalidArgument (naming the source for a bad
//    line);
//  - when the strict import succeeds, the lenient one does too, skips
//    nothing and loads the same rows;
//  - a loaded run keeps model_run.h's invariants, and (with the classes
//    from the file) survives matching and the metrics table.
// Any violation aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "slicekit/coco.h"
#include "slicekit/model_run.h"
#include "slicekit/ndjson.h"
#include "tests/fuzz/model_run_checks.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "ndjson_fuzzer";
constexpr absl::string_view kSource = "rows.ndjson";

void CheckError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument ||
      !absl::StartsWith(status.message(), kSource)) {
    fuzz::Fail(kTarget, "error is not InvalidArgument naming the source",
               status.ToString());
  }
}

void ImportBoth(absl::string_view input, NdjsonOptions options, bool evaluate) {
  absl::StatusOr<ModelRun> strict = ImportNdjson(input, options);
  options.import.lenient = true;
  ImportReport report;
  absl::StatusOr<ModelRun> lenient = ImportNdjson(input, options, &report);
  const ModelRun* run =
      fuzz::CheckStrictAndLenient(kTarget, strict, lenient, report, CheckError);
  if (run == nullptr) return;
  if (!options.classes.empty() && run->classes != options.classes) {
    fuzz::Fail(kTarget, "the run's classes are not the given list", "");
  }
  if (evaluate) fuzz::EvaluateRun(*run);
}

void TestOneInput(absl::string_view input) {
  ImportBoth(input, NdjsonOptions{}, /*evaluate=*/true);
  NdjsonOptions fixed;
  fixed.classes = {"car", "person", "traffic light"};
  ImportBoth(input, fixed, /*evaluate=*/false);
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
