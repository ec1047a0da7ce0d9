// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes the JSON filter loader (slicekit/filter_json.h):
//  - FilterFromJson either succeeds or returns InvalidArgument;
//  - a loaded filter round-trips: FilterToJson of it loads back to an equal
//    tree and is written identically again (the writer is canonical);
//  - its text form parses back to an equal tree, so both forms agree
//    (unless it holds a NaN, which only JSON can carry; slice ids, which
//    only JSON carries, are dropped from the comparison).
// Any violation aborts, which libFuzzer reports as a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_resolver.h"
#include "tests/fuzz/fail.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "filter_json_fuzzer";

bool IsNan(const Literal& literal) {
  return literal.kind() == Literal::Kind::kDouble &&
         std::isnan(literal.double_value());
}

// Whether `expr` holds what the text form cannot carry: a NaN literal or an
// empty IN list (docs/filter-json.md, docs/filter-language.md "Round trip").
bool LacksTextForm(const Expr& expr) {
  switch (expr.kind()) {
    case Expr::Kind::kCompare:
      return IsNan(expr.value());
    case Expr::Kind::kBetween:
      return IsNan(expr.low()) || IsNan(expr.high());
    case Expr::Kind::kIn:
      if (expr.values().empty()) return true;
      for (const Literal& value : expr.values()) {
        if (IsNan(value)) return true;
      }
      return false;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      for (const Expr& child : expr.children()) {
        if (LacksTextForm(child)) return true;
      }
      return false;
    default:
      return false;
  }
}

void TestOneInput(absl::string_view input) {
  absl::StatusOr<Expr> loaded = FilterFromJson(input);
  if (!loaded.ok()) {
    if (loaded.status().code() != absl::StatusCode::kInvalidArgument ||
        loaded.status().message().empty()) {
      fuzz::Fail(kTarget, "load error is not InvalidArgument", input,
                 loaded.status().ToString());
    }
    return;
  }
  const std::string json = FilterToJson(*loaded);
  absl::StatusOr<Expr> reloaded = FilterFromJson(json);
  if (!reloaded.ok()) {
    fuzz::Fail(kTarget, "written JSON does not load", input,
               json + "\n  " + reloaded.status().ToString());
  }
  if (!(*reloaded == *loaded)) {
    fuzz::Fail(kTarget, "load(write(e)) != e", input,
               json + "\n  " + reloaded->ToString());
  }
  if (FilterToJson(*reloaded) != json) {
    fuzz::Fail(kTarget, "writing is not stable", input, json);
  }
  if (LacksTextForm(*loaded)) return;
  const std::string text = FormatFilter(*loaded);
  absl::StatusOr<Expr> parsed = ParseFilter(text);
  const Expr without_ids = RewriteSliceRefs(*loaded, [](const SliceRef& ref) {
    return SliceRef{ref.name, ""};
  });
  if (!parsed.ok() || !(*parsed == without_ids)) {
    fuzz::Fail(
        kTarget, "text form does not parse back", input,
        text + "\n  " +
            (parsed.ok() ? parsed->ToString() : parsed.status().ToString()));
  }
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::TestOneInput(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
