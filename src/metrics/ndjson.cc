// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/ndjson.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "src/metrics/json_fields.h"
#include "src/util/file_buffer.h"

namespace slicekit {
namespace {

using internal::Context;
using internal::Dump;
using internal::GetBox;
using internal::GetOptionalString;
using internal::Json;

class LineReader {
 public:
  LineReader(const NdjsonOptions& options, ModelRun* run)
      : options_(options), run_(run) {
    for (size_t i = 0; i < options.classes.size(); ++i) {
      class_index_.emplace(options.classes[i], static_cast<int32_t>(i));
    }
  }

  absl::Status CheckClasses() const {
    absl::flat_hash_set<std::string> seen;
    for (const std::string& name : options_.classes) {
      if (name.empty() || !seen.insert(name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("classes: \"", name, "\" is empty or repeated"));
      }
    }
    return absl::OkStatus();
  }

  // Reads one line into a row; on success adds it (and any new classes).
  bool Read(absl::string_view line, Context* ctx) {
    Json j;
    // nlohmann/json, as in coco.cc: one JSON library for the project.
    try {
      j = Json::parse(line.begin(), line.end());
    } catch (const Json::exception& e) {
      return ctx->Fail("line", absl::StrCat("malformed JSON: ", e.what()));
    }
    if (!j.is_object()) return ctx->Fail("line", "not a JSON object");
    DataRow row;
    std::optional<std::string> id;
    if (!GetOptionalString(j, "data_row_id", &id, ctx)) return false;
    if (!id || id->empty()) {
      return ctx->Fail("data_row_id", "missing or empty");
    }
    ctx->record += absl::StrCat(" (id \"", *id, "\")");
    if (ids_.contains(*id)) return ctx->Fail("data_row_id", "duplicate");
    row.data_row_id = *id;
    if (!GetOptionalString(j, "dataset", &row.dataset, ctx) ||
        !GetOptionalString(j, "split", &row.split, ctx) ||
        !GetOptionalString(j, "global_key", &row.global_key, ctx)) {
      return false;
    }
    if (auto it = j.find("metadata"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) return ctx->Fail("metadata", "not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        const Json& v = m.value();
        const std::string field = absl::StrCat("metadata.", m.key());
        if (v.is_string()) {
          row.metadata.emplace_back(m.key(), v.get<std::string>());
        } else if (v.is_number_unsigned() &&
                   v.get<uint64_t>() >
                       static_cast<uint64_t>(
                           std::numeric_limits<int64_t>::max())) {
          // Beyond int64 (get<int64_t> would wrap it to a negative number):
          // the nearest double, as the COCO importer reads it.
          row.metadata.emplace_back(m.key(), v.get<double>());
        } else if (v.is_number_integer()) {
          row.metadata.emplace_back(m.key(), v.get<int64_t>());
        } else if (v.is_number_float()) {
          row.metadata.emplace_back(m.key(), v.get<double>());
        } else if (!v.is_null()) {
          return ctx->Fail(
              field, absl::StrCat("not a string or number (", Dump(v), ")"));
        }
      }
    }
    pending_classes_.clear();
    const size_t record_size = ctx->record.size();
    for (const char* key : {"ground_truth", "predictions"}) {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) continue;
      if (!it->is_array()) return ctx->Fail(key, "not an array");
      const bool gt = key[0] == 'g';
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& o = (*it)[i];
        ctx->record.resize(record_size);
        absl::StrAppend(&ctx->record, ": ", key, "[", i, "]");
        if (!o.is_object()) return ctx->Fail("object", "not an object");
        int32_t cls = 0;
        Box box;
        if (!Class(o, ctx, &cls) || !GetBox(o, &box, ctx)) return false;
        if (gt) {
          GroundTruth g;
          g.class_index = cls;
          g.box = box;
          if (auto c = o.find("iscrowd"); c != o.end() && !c->is_null()) {
            if (c->is_boolean()) {
              g.iscrowd = c->get<bool>();
            } else if (c->is_number_integer() &&
                       (c->get<int64_t>() == 0 || c->get<int64_t>() == 1)) {
              g.iscrowd = c->get<int64_t>() == 1;
            } else {
              return ctx->Fail("iscrowd",
                               absl::StrCat("not 0 or 1 (", Dump(*c), ")"));
            }
          }
          if (auto a = o.find("area"); a != o.end() && !a->is_null()) {
            if (!a->is_number() || !(a->get<double>() >= 0) ||
                !std::isfinite(a->get<double>())) {
              return ctx->Fail(
                  "area", absl::StrCat("not a number >= 0 (", Dump(*a), ")"));
            }
            g.area = a->get<double>();
          }
          row.ground_truths.push_back(g);
        } else {
          Prediction p;
          p.class_index = cls;
          p.box = box;
          if (!Confidence(o, ctx, &p.confidence)) return false;
          row.predictions.push_back(p);
        }
      }
    }
    ctx->record.resize(record_size);
    for (const char* key : {"label", "classification"}) {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) continue;
      if (!it->is_object()) return ctx->Fail(key, "not an object");
      ctx->record.resize(record_size);
      absl::StrAppend(&ctx->record, ": ", key);
      ClassAnswer answer;
      if (!Class(*it, ctx, &answer.class_index) ||
          !Confidence(*it, ctx, &answer.confidence)) {
        return false;
      }
      (key[0] == 'l' ? row.label : row.classification) = answer;
    }
    // The line is good: keep its new classes, then the row.
    for (const std::string& name : pending_classes_) {
      if (class_index_.contains(name)) continue;
      class_index_.emplace(name, static_cast<int32_t>(run_->classes.size()));
      run_->classes.push_back(name);
    }
    ids_.insert(row.data_row_id);
    run_->rows.push_back(std::move(row));
    return true;
  }

 private:
  // Resolves `class`; a class new to a discovered list gets the index it
  // will have once the line is kept.
  bool Class(const Json& o, Context* ctx, int32_t* out) {
    std::optional<std::string> name;
    if (!GetOptionalString(o, "class", &name, ctx)) return false;
    if (!name || name->empty()) return ctx->Fail("class", "missing or empty");
    if (auto it = class_index_.find(*name); it != class_index_.end()) {
      *out = it->second;
      return true;
    }
    if (!options_.classes.empty()) {
      return ctx->Fail("class", absl::StrCat("unknown class \"", *name, "\""));
    }
    for (size_t i = 0; i < pending_classes_.size(); ++i) {
      if (pending_classes_[i] == *name) {
        *out = static_cast<int32_t>(run_->classes.size() + i);
        return true;
      }
    }
    *out = static_cast<int32_t>(run_->classes.size() + pending_classes_.size());
    pending_classes_.push_back(*name);
    return true;
  }

  bool Confidence(const Json& o, Context* ctx, double* out) {
    auto it = o.find("confidence");
    if (it == o.end() || it->is_null()) return true;
    if (!it->is_number()) {
      return ctx->Fail("confidence",
                       absl::StrCat("not a number (", Dump(*it), ")"));
    }
    *out = it->get<double>();
    if (!(*out >= 0 && *out <= 1)) {
      return ctx->Fail("confidence",
                       absl::StrCat("outside [0, 1] (", *out, ")"));
    }
    return true;
  }

  const NdjsonOptions& options_;
  ModelRun* run_;
  absl::flat_hash_map<std::string, int32_t> class_index_;
  absl::flat_hash_set<std::string> ids_;
  std::vector<std::string> pending_classes_;
};

}  // namespace

absl::StatusOr<ModelRun> ImportNdjson(absl::string_view text,
                                      const NdjsonOptions& options,
                                      ImportReport* report,
                                      absl::string_view source_name) {
  ModelRun run;
  run.classes = options.classes;
  LineReader reader(options, &run);
  if (absl::Status s = reader.CheckClasses(); !s.ok()) return s;
  ImportReport local;
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == absl::string_view::npos) continue;
    Context ctx(source_name, absl::StrCat("line ", line_number));
    if (reader.Read(line, &ctx)) continue;
    if (!options.import.lenient) return absl::InvalidArgumentError(ctx.error);
    ++local.skipped_rows;
    if (local.reasons.size() < ImportReport::kMaxReasons) {
      local.reasons.push_back(ctx.error);
    }
  }
  if (report != nullptr) *report = std::move(local);
  return run;
}

absl::StatusOr<ModelRun> ImportNdjsonFile(const std::string& path,
                                          const NdjsonOptions& options,
                                          ImportReport* report) {
  // Read whole into huge pages, no growing copies (src/util/file_buffer.h).
  absl::StatusOr<internal::FileBuffer> text = internal::FileBuffer::Read(path);
  if (!text.ok()) return absl::NotFoundError(text.status().message());
  const size_t slash = path.find_last_of('/');
  return ImportNdjson(
      text->view(), options, report,
      slash == std::string::npos ? path : path.substr(slash + 1));
}

}  // namespace slicekit
