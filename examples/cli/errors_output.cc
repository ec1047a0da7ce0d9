// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "examples/cli/errors_output.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/cli/cli.h"

namespace slicekit::cli {
namespace {

nlohmann::json Optional(const std::optional<double>& v) {
  return v.has_value() ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json CalibrationJson(const Calibration& c) {
  nlohmann::json bins = nlohmann::json::array();
  for (const ReliabilityBin& b : c.bins) {
    bins.push_back({{"lower", b.lower},
                    {"upper", b.upper},
                    {"count", b.count},
                    {"mean_confidence", Optional(b.mean_confidence)},
                    {"accuracy", Optional(b.accuracy)}});
  }
  return {{"ece", Optional(c.ece)},
          {"detections", c.num_detections},
          {"bins", std::move(bins)}};
}

nlohmann::json PredictionJson(const ModelRun& run, const Prediction& p) {
  return {{"category", run.classes[p.class_index]},
          {"category_id", run.class_ids.empty()
                              ? nlohmann::json(nullptr)
                              : nlohmann::json(run.class_ids[p.class_index])},
          {"bbox", {p.box.x, p.box.y, p.box.w, p.box.h}},
          {"score", p.confidence}};
}

}  // namespace

nlohmann::json ErrorsJson(const TideErrors& t, const ConfusionMatrix& m,
                          const CalibrationReport& c, const ModelRun& run,
                          int64_t images) {
  nlohmann::json out;
  out["images"] = images;
  out["tide"] = {
      {"ap50", t.ap},
      {"main",
       {{"cls", t.cls},
        {"loc", t.loc},
        {"both", t.both},
        {"dupe", t.dupe},
        {"bkg", t.bkg},
        {"miss", t.miss}}},
      {"special", {{"false_pos", t.false_pos}, {"false_neg", t.false_neg}}},
      {"counts",
       {{"cls", t.num_cls},
        {"loc", t.num_loc},
        {"both", t.num_both},
        {"dupe", t.num_dupe},
        {"bkg", t.num_bkg},
        {"miss", t.num_miss}}}};
  out["confusion"] = {{"labels", m.labels},
                      {"columns", m.columns},
                      {"matrix", m.counts},
                      {"crowd", m.crowd}};
  nlohmann::json calibration = CalibrationJson(c.all);
  nlohmann::json per_class = nlohmann::json::object();
  for (const Calibration& k : c.per_class) {
    per_class[run.classes[k.class_index]] = CalibrationJson(k);
  }
  calibration["per_class"] = std::move(per_class);
  out["calibration"] = std::move(calibration);
  return out;
}

bool PrintErrorsText(const TideErrors& t, const ConfusionMatrix& m,
                     const CalibrationReport& c, const ModelRun& run,
                     int64_t images) {
  Output out;
  out.Line(absl::StrFormat("images: %d of %d", images, run.rows.size()));
  out.Line(absl::StrFormat("TIDE (dAP in AP points), AP50 %.2f", t.ap));
  out.Line(absl::StrFormat("%-6s %6s %6s %6s %6s %6s %6s", "", "cls", "loc",
                           "both", "dupe", "bkg", "miss"));
  out.Line(absl::StrFormat("%-6s %6.2f %6.2f %6.2f %6.2f %6.2f %6.2f", "dAP",
                           t.cls, t.loc, t.both, t.dupe, t.bkg, t.miss));
  out.Line(absl::StrFormat("%-6s %6d %6d %6d %6d %6d %6d", "count", t.num_cls,
                           t.num_loc, t.num_both, t.num_dupe, t.num_bkg,
                           t.num_miss));
  out.Line(absl::StrFormat("false positives %.2f, false negatives %.2f",
                           t.false_pos, t.false_neg));
  out.Line("");
  out.Line("confusion matrix (rows: ground truth; columns: predicted):");
  size_t width = 10;
  for (const std::string& l : m.labels) width = std::max(width, l.size());
  std::string header = absl::StrFormat("%-*s", width, "");
  for (const std::string& col : m.columns) {
    absl::StrAppend(&header, " ", absl::StrFormat("%8s", TextField(col)));
  }
  out.Line(header);
  for (size_t r = 0; r < m.labels.size(); ++r) {
    std::string line = absl::StrFormat("%-*s", width, TextField(m.labels[r]));
    for (int64_t v : m.counts[r])
      absl::StrAppend(&line, absl::StrFormat(" %8d", v));
    out.Line(line);
  }
  int64_t crowd = 0;
  for (int64_t v : m.crowd) crowd += v;
  out.Line(
      absl::StrFormat("(%d predictions in crowd regions, not counted)", crowd));
  out.Line("");
  out.Line(c.all.ece.has_value()
               ? absl::StrFormat("calibration: ECE %.4f over %d detections",
                                 *c.all.ece, c.all.num_detections)
               : std::string("calibration: no detections"));
  out.Line(absl::StrFormat("%-13s %7s %10s %9s", "bin", "count", "confidence",
                           "accuracy"));
  for (const ReliabilityBin& b : c.all.bins) {
    out.Line(absl::StrFormat(
        "[%.3f,%.3f) %7d %10s %9s", b.lower, b.upper, b.count,
        b.mean_confidence ? absl::StrFormat("%.3f", *b.mean_confidence) : "-",
        b.accuracy ? absl::StrFormat("%.3f", *b.accuracy) : "-"));
  }
  return out.Flush();
}

nlohmann::json LabelIssuesJson(const std::vector<LabelIssue>& issues,
                               const ModelRun& run) {
  nlohmann::json list = nlohmann::json::array();
  for (const LabelIssue& i : issues) {
    const DataRow& row = run.rows[i.row];
    nlohmann::json j;
    j["image_id"] = row.data_row_id;
    int64_t id = 0;
    if (absl::SimpleAtoi(row.data_row_id, &id)) j["image_id"] = id;
    j["annotation_id"] =
        i.ground_truth.has_value()
            ? nlohmann::json(row.ground_truths[*i.ground_truth].id)
            : nlohmann::json(nullptr);
    j["kind"] = std::string(LabelIssueKindName(i.kind));
    j["score"] = i.score;
    j["prediction"] = PredictionJson(run, row.predictions[i.prediction]);
    if (i.ground_truth.has_value()) {
      const GroundTruth& g = row.ground_truths[*i.ground_truth];
      j["ground_truth"] = {{"category", run.classes[g.class_index]},
                           {"bbox", {g.box.x, g.box.y, g.box.w, g.box.h}}};
    }
    list.push_back(std::move(j));
  }
  return {{"issues", std::move(list)}};
}

bool PrintLabelIssuesText(const std::vector<LabelIssue>& issues,
                          const ModelRun& run) {
  Output out;
  out.Line(
      "rank\tscore\tkind\timage_id\tannotation_id\tlabel\tpredicted\t"
      "confidence");
  for (size_t k = 0; k < issues.size(); ++k) {
    const LabelIssue& i = issues[k];
    const DataRow& row = run.rows[i.row];
    const Prediction& p = row.predictions[i.prediction];
    std::string annotation = "-", label = "-";
    if (i.ground_truth.has_value()) {
      const GroundTruth& g = row.ground_truths[*i.ground_truth];
      annotation = absl::StrCat(g.id);
      label = TextField(run.classes[g.class_index]);
    }
    out.Line(absl::StrFormat(
        "%d\t%.4f\t%s\t%s\t%s\t%s\t%s\t%.4f", k + 1, i.score,
        LabelIssueKindName(i.kind), TextField(row.data_row_id), annotation,
        label, TextField(run.classes[p.class_index]), p.confidence));
  }
  return out.Flush();
}

}  // namespace slicekit::cli
