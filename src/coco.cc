// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/coco.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "src/json_fields.h"

namespace slicekit {
namespace {

using internal::Context;
using internal::Dump;
using internal::GetBox;
using internal::GetInt;
using internal::GetOptionalString;
using internal::Json;

absl::StatusOr<Json> Parse(absl::string_view text, absl::string_view source) {
  // nlohmann/json: one JSON library for the project; exceptions stay here.
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": malformed JSON: ", e.what()));
  }
}

class Importer {
 public:
  explicit Importer(const ImportOptions& options) : options_(options) {}

  // Returns false after a strict-mode error (in error_) and for a skipped
  // record; `*counter` counts skips.
  bool Handle(Context& ctx, bool ok, int64_t* counter) {
    if (ok) return true;
    if (!options_.lenient) {
      error_ = absl::InvalidArgumentError(ctx.error);
      return false;
    }
    ++*counter;
    if (report_.reasons.size() < ImportReport::kMaxReasons) {
      report_.reasons.push_back(ctx.error);
    }
    return false;
  }

  absl::Status Run(const Json& gt, const Json& dets, absl::string_view gt_name,
                   absl::string_view dets_name, ModelRun* run) {
    if (!gt.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(gt_name, ": not a COCO instances object"));
    }
    for (const char* key : {"images", "annotations", "categories"}) {
      auto it = gt.find(key);
      if (it == gt.end() || !it->is_array()) {
        return absl::InvalidArgumentError(absl::StrCat(
            gt_name, ": ", key,
            it == gt.end() ? ": missing required field" : ": not an array"));
      }
    }
    if (!dets.is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat(dets_name, ": not a COCO results list"));
    }

    // Categories.
    absl::flat_hash_map<int64_t, int32_t> category_index;
    absl::flat_hash_set<std::string> category_names;
    const Json& categories = gt["categories"];
    for (size_t i = 0; i < categories.size(); ++i) {
      const Json& c = categories[i];
      Context ctx(gt_name, absl::StrCat("categories[", i, "]"));
      int64_t id = 0;
      std::optional<std::string> name;
      bool ok = c.is_object() || ctx.Fail("category", "not an object");
      ok = ok && GetInt(c, "id", true, &id, &ctx);
      if (ok) ctx.record += absl::StrCat(" (id ", id, ")");
      ok = ok && GetOptionalString(c, "name", &name, &ctx);
      if (ok && (!name || name->empty())) {
        ok = ctx.Fail("name", "missing or empty");
      }
      if (ok && category_index.contains(id)) ok = ctx.Fail("id", "duplicate");
      if (ok && category_names.contains(*name)) {
        ok = ctx.Fail("name", absl::StrCat("duplicate (\"", *name, "\")"));
      }
      if (!Handle(ctx, ok, &report_.skipped_categories)) {
        if (!error_.ok()) return error_;
        continue;
      }
      category_index[id] = static_cast<int32_t>(run->classes.size());
      category_names.insert(*name);
      run->classes.push_back(*name);
      run->class_ids.push_back(id);
    }

    // Images.
    absl::flat_hash_map<int64_t, int32_t> image_index;
    const Json& images = gt["images"];
    run->rows.reserve(images.size());
    for (size_t i = 0; i < images.size(); ++i) {
      const Json& im = images[i];
      Context ctx(gt_name, absl::StrCat("images[", i, "]"));
      DataRow row;
      int64_t id = 0;
      bool ok = im.is_object() || ctx.Fail("image", "not an object");
      ok = ok && GetInt(im, "id", true, &id, &ctx);
      if (ok) ctx.record += absl::StrCat(" (id ", id, ")");
      if (ok && image_index.contains(id)) ok = ctx.Fail("id", "duplicate");
      ok = ok && GetOptionalString(im, "dataset", &row.dataset, &ctx);
      ok = ok && GetOptionalString(im, "split", &row.split, &ctx);
      ok = ok && GetOptionalString(im, "global_key", &row.global_key, &ctx);
      if (ok) {
        for (auto it = im.begin(); it != im.end(); ++it) {
          const std::string& key = it.key();
          if (key == "id" || key == "dataset" || key == "split" ||
              key == "global_key") {
            continue;
          }
          const Json& v = it.value();
          if (v.is_string()) {
            row.metadata.emplace_back(key, v.get<std::string>());
          } else if (v.is_number_integer()) {
            row.metadata.emplace_back(key, v.get<int64_t>());
          } else if (v.is_number_float()) {
            double d = v.get<double>();
            if (!std::isfinite(d)) {
              ok = ctx.Fail(key, "not finite");
              break;
            }
            row.metadata.emplace_back(key, d);
          }
          // Objects, arrays, booleans and null are not metadata.
        }
      }
      if (!Handle(ctx, ok, &report_.skipped_images)) {
        if (!error_.ok()) return error_;
        continue;
      }
      row.data_row_id = absl::StrCat(id);
      image_index[id] = static_cast<int32_t>(run->rows.size());
      run->rows.push_back(std::move(row));
    }

    // Reads image_id and category_id of an annotation or detection.
    auto image_and_class = [&](const Json& o, Context* ctx, int32_t* row,
                               int32_t* cls) {
      int64_t image_id = 0, category_id = 0;
      if (!GetInt(o, "image_id", true, &image_id, ctx)) return false;
      if (!GetInt(o, "category_id", true, &category_id, ctx)) return false;
      auto im = image_index.find(image_id);
      if (im == image_index.end()) {
        return ctx->Fail("image_id",
                         absl::StrCat("unknown image (", image_id, ")"));
      }
      auto c = category_index.find(category_id);
      if (c == category_index.end()) {
        return ctx->Fail("category_id",
                         absl::StrCat("unknown category (", category_id, ")"));
      }
      *row = im->second;
      *cls = c->second;
      return true;
    };

    // Annotations.
    absl::flat_hash_set<int64_t> annotation_ids;
    const Json& annotations = gt["annotations"];
    for (size_t i = 0; i < annotations.size(); ++i) {
      const Json& a = annotations[i];
      Context ctx(gt_name, absl::StrCat("annotations[", i, "]"));
      GroundTruth g;
      int32_t row = 0;
      int64_t crowd = 0;
      bool ok = a.is_object() || ctx.Fail("annotation", "not an object");
      ok = ok && GetInt(a, "id", true, &g.id, &ctx);
      if (ok) ctx.record += absl::StrCat(" (id ", g.id, ")");
      if (ok && annotation_ids.contains(g.id)) ok = ctx.Fail("id", "duplicate");
      ok = ok && image_and_class(a, &ctx, &row, &g.class_index);
      ok = ok && GetBox(a, &g.box, &ctx);
      if (ok) {
        auto it = a.find("iscrowd");
        if (it != a.end() && it->is_boolean()) {
          crowd = it->get<bool>() ? 1 : 0;
        } else {
          ok = GetInt(a, "iscrowd", false, &crowd, &ctx);
          if (ok && crowd != 0 && crowd != 1) {
            ok = ctx.Fail("iscrowd", absl::StrCat("not 0 or 1 (", crowd, ")"));
          }
        }
      }
      if (ok) {
        auto it = a.find("area");
        if (it != a.end() && !it->is_null()) {
          if (!it->is_number()) {
            ok = ctx.Fail("area",
                          absl::StrCat("not a number (", Dump(*it), ")"));
          } else {
            double area = it->get<double>();
            if (!std::isfinite(area) || area < 0) {
              ok = ctx.Fail(
                  "area", absl::StrCat("negative or not finite (", area, ")"));
            }
            g.area = area;
          }
        }
      }
      if (!Handle(ctx, ok, &report_.skipped_annotations)) {
        if (!error_.ok()) return error_;
        continue;
      }
      g.iscrowd = crowd != 0;
      annotation_ids.insert(g.id);
      run->rows[row].ground_truths.push_back(g);
    }

    // Detections.
    for (size_t i = 0; i < dets.size(); ++i) {
      const Json& d = dets[i];
      Context ctx(dets_name, absl::StrCat("[", i, "]"));
      Prediction p;
      int32_t row = 0;
      bool ok = d.is_object() || ctx.Fail("detection", "not an object");
      ok = ok && image_and_class(d, &ctx, &row, &p.class_index);
      ok = ok && GetBox(d, &p.box, &ctx);
      if (ok) {
        auto it = d.find("score");
        if (it != d.end() && !it->is_null()) {
          if (!it->is_number()) {
            ok = ctx.Fail("score",
                          absl::StrCat("not a number (", Dump(*it), ")"));
          } else {
            p.confidence = it->get<double>();
            if (!(p.confidence >= 0 && p.confidence <= 1)) {
              ok = ctx.Fail(
                  "score", absl::StrCat("outside [0, 1] (", p.confidence, ")"));
            }
          }
        }
      }
      if (!Handle(ctx, ok, &report_.skipped_detections)) {
        if (!error_.ok()) return error_;
        continue;
      }
      run->rows[row].predictions.push_back(p);
    }
    return absl::OkStatus();
  }

  ImportReport& report() { return report_; }

 private:
  ImportOptions options_;
  ImportReport report_;
  absl::Status error_;
};

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return std::move(text).str();
}

}  // namespace

absl::StatusOr<ModelRun> ImportCoco(absl::string_view gt_json,
                                    absl::string_view dets_json,
                                    const ImportOptions& options,
                                    ImportReport* report,
                                    absl::string_view gt_name,
                                    absl::string_view dets_name) {
  absl::StatusOr<Json> gt = Parse(gt_json, gt_name);
  if (!gt.ok()) return gt.status();
  absl::StatusOr<Json> dets = Parse(dets_json, dets_name);
  if (!dets.ok()) return dets.status();
  Importer importer(options);
  ModelRun run;
  absl::Status status = importer.Run(*gt, *dets, gt_name, dets_name, &run);
  if (!status.ok()) return status;
  if (report != nullptr) *report = std::move(importer.report());
  return run;
}

absl::StatusOr<ModelRun> ImportCocoFiles(const std::string& gt_path,
                                         const std::string& dets_path,
                                         const ImportOptions& options,
                                         ImportReport* report) {
  absl::StatusOr<std::string> gt = ReadFile(gt_path);
  if (!gt.ok()) return gt.status();
  absl::StatusOr<std::string> dets = ReadFile(dets_path);
  if (!dets.ok()) return dets.status();
  return ImportCoco(*gt, *dets, options, report, BaseName(gt_path),
                    BaseName(dets_path));
}

}  // namespace slicekit
