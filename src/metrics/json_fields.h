// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. Field readers of the nlohmann/json importers
// (NDJSON), with errors that name the source, record and field. The COCO
// importer has simdjson versions of them (src/metrics/coco.cc).
#ifndef SLICEKIT_SRC_METRICS_JSON_FIELDS_H_
#define SLICEKIT_SRC_METRICS_JSON_FIELDS_H_

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "slicekit/model_run.h"
#include "src/util/utf8_text.h"

namespace slicekit::internal {

using Json = nlohmann::json;

// Collects the error of the record being read. The importer checks every
// field of a record before keeping any of it, so a bad record is either the
// import's error (strict) or skipped whole (lenient).
struct Context {
  Context(absl::string_view source_name, std::string record_name)
      : source(source_name), record(std::move(record_name)) {}
  std::string source;  // "gt.json"
  std::string record;  // "annotations[17] (id 40)"
  std::string error;   // empty while the record is good

  bool Fail(absl::string_view field, absl::string_view problem) {
    if (error.empty()) {
      error = absl::StrCat(source, ": ", record, ": ", field, ": ", problem);
    }
    return false;
  }
};

// `value` for a message, cut to 37 bytes when long. Parsed values hold only
// UTF-8 (the parser checks), so dump() cannot throw; the cut keeps whole
// characters so the message stays UTF-8.
inline std::string Dump(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 40) {
    text = absl::StrCat(Utf8Prefix(text, 37), "...");
  }
  return text;
}

inline bool GetOptionalString(const Json& object, const char* field,
                              std::optional<std::string>* out, Context* ctx) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    return ctx->Fail(field, absl::StrCat("not a string (", Dump(*it), ")"));
  }
  *out = it->get<std::string>();
  return true;
}

inline bool GetBox(const Json& object, Box* box, Context* ctx) {
  auto it = object.find("bbox");
  if (it == object.end()) return ctx->Fail("bbox", "missing required field");
  if (!it->is_array() || it->size() != 4) {
    return ctx->Fail(
        "bbox", absl::StrCat("not an array of 4 numbers (", Dump(*it), ")"));
  }
  double v[4];
  static constexpr const char* kNames[4] = {"x", "y", "width", "height"};
  for (int i = 0; i < 4; ++i) {
    const Json& e = (*it)[i];
    if (!e.is_number()) {
      return ctx->Fail(
          "bbox", absl::StrCat(kNames[i], " is not a number (", Dump(e), ")"));
    }
    v[i] = e.get<double>();
    if (!std::isfinite(v[i])) {
      return ctx->Fail("bbox", absl::StrCat(kNames[i], " is not finite"));
    }
    if (i >= 2 && v[i] < 0) {
      return ctx->Fail("bbox",
                       absl::StrCat(kNames[i], " is negative (", v[i], ")"));
    }
  }
  *box = Box{v[0], v[1], v[2], v[3]};
  return true;
}

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_METRICS_JSON_FIELDS_H_
