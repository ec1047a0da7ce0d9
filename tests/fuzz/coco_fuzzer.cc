// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes the COCO importer (slicekit/coco.h) through its in-memory entry
// point. The input is the instances file, then a line `%%`, then the
// results file; without the separator it is all instances and the results
// are `[]`. Checks:
//  - strict and lenient imports either succeed or return InvalidArgument
//    starting with the file's source name;
//  - when the strict import succeeds, the lenient one does too, skips
//    nothing and loads the same rows;
//  - a loaded run keeps model_run.h's invariants and survives matching and
//    the metrics table.
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
#include "tests/fuzz/model_run_checks.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "coco_fuzzer";
constexpr absl::string_view kSeparator = "\n%%\n";

void CheckError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument ||
      !(absl::StartsWith(status.message(), "gt.json") ||
        absl::StartsWith(status.message(), "dets.json"))) {
    fuzz::Fail(kTarget, "error is not InvalidArgument naming the file",
               status.ToString());
  }
}

void TestOneInput(absl::string_view input) {
  absl::string_view gt = input;
  absl::string_view dets = "[]";
  if (size_t at = input.find(kSeparator); at != absl::string_view::npos) {
    gt = input.substr(0, at);
    dets = input.substr(at + kSeparator.size());
  }
  absl::StatusOr<ModelRun> strict = ImportCoco(gt, dets);
  ImportReport report;
  absl::StatusOr<ModelRun> lenient =
      ImportCoco(gt, dets, ImportOptions{.lenient = true}, &report);
  const ModelRun* run =
      fuzz::CheckStrictAndLenient(kTarget, strict, lenient, report, CheckError);
  if (run == nullptr) return;
  fuzz::EvaluateRun(*run);
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
