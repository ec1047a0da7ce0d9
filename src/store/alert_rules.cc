// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Alert rules as stored data: their small grammar and canonical text.
#include "slicekit/alert_rules.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

constexpr AlertMetric kMetrics[] = {
    AlertMetric::kSize,      AlertMetric::kTp,
    AlertMetric::kFp,        AlertMetric::kFn,
    AlertMetric::kPrecision, AlertMetric::kRecall,
    AlertMetric::kF1,        AlertMetric::kMeanConfidence,
    AlertMetric::kMeanIou,   AlertMetric::kNewRows,
    AlertMetric::kLeftRows,
};

absl::Status ErrorAt(size_t offset, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("alert rules at ", offset, ": ", message));
}

// Lower case, runs of spaces and tabs made one space.
std::string CanonicalWords(absl::string_view text) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    out.append(absl::AsciiStrToLower(word));
  }
  return out;
}

std::optional<AlertMetric> LookupMetric(absl::string_view words) {
  const std::string name = CanonicalWords(words);
  if (name == "rows") return AlertMetric::kSize;
  if (name == "new rows" || name == "new rows since last snapshot") {
    return AlertMetric::kNewRows;
  }
  if (name == "left rows" || name == "left rows since last snapshot") {
    return AlertMetric::kLeftRows;
  }
  for (AlertMetric metric : kMetrics) {
    if (AlertMetricName(metric) == name) return metric;
  }
  return std::nullopt;
}

std::string ShortestDouble(double value) {
  char buffer[64];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// Parses one rule, `text` starting at byte `offset` of the input.
absl::StatusOr<AlertRule> ParseRule(absl::string_view text, size_t offset) {
  const size_t op_at = text.find_first_of("<>=!");
  if (op_at == absl::string_view::npos) {
    return ErrorAt(offset,
                   absl::StrCat("expected a comparison (<, <=, >, >=, =, !=) "
                                "in '",
                                absl::StripAsciiWhitespace(text), "'"));
  }
  AlertRule rule;
  const absl::string_view metric_text =
      absl::StripAsciiWhitespace(text.substr(0, op_at));
  const size_t metric_at =
      offset + static_cast<size_t>(metric_text.data() - text.data());
  if (metric_text.empty()) {
    return ErrorAt(offset, "expected a metric before the comparison");
  }
  std::optional<AlertMetric> metric = LookupMetric(metric_text);
  if (!metric.has_value()) {
    std::vector<std::string> known;
    for (AlertMetric m : kMetrics) known.emplace_back(AlertMetricName(m));
    return ErrorAt(metric_at,
                   absl::StrCat("unknown metric '", metric_text,
                                "' (known: ", absl::StrJoin(known, ", "), ")"));
  }
  rule.metric = *metric;
  const bool eq_follows = op_at + 1 < text.size() && text[op_at + 1] == '=';
  size_t op_len = 1;
  switch (text[op_at]) {
    case '<':
      rule.op = eq_follows ? CompareOp::kLe : CompareOp::kLt;
      op_len = eq_follows ? 2 : 1;
      break;
    case '>':
      rule.op = eq_follows ? CompareOp::kGe : CompareOp::kGt;
      op_len = eq_follows ? 2 : 1;
      break;
    case '=':
      rule.op = CompareOp::kEq;
      break;
    default:  // '!'
      if (!eq_follows) {
        return ErrorAt(offset + op_at, "unexpected '!' (not equal is '!=')");
      }
      rule.op = CompareOp::kNe;
      op_len = 2;
      break;
  }
  const absl::string_view number_text =
      absl::StripAsciiWhitespace(text.substr(op_at + op_len));
  const size_t number_at =
      number_text.empty()
          ? offset + text.size()
          : offset + static_cast<size_t>(number_text.data() - text.data());
  double threshold = 0;
  if (number_text.empty() || !absl::SimpleAtod(number_text, &threshold) ||
      !std::isfinite(threshold) ||
      number_text.find_first_not_of("0123456789+-.eE") !=
          absl::string_view::npos) {
    return ErrorAt(number_at, absl::StrCat("expected a number after '",
                                           CompareOpSymbol(rule.op), "', not '",
                                           number_text, "'"));
  }
  rule.threshold = threshold;
  return rule;
}

}  // namespace

absl::string_view AlertMetricName(AlertMetric metric) {
  switch (metric) {
    case AlertMetric::kSize:
      return "size";
    case AlertMetric::kTp:
      return "tp";
    case AlertMetric::kFp:
      return "fp";
    case AlertMetric::kFn:
      return "fn";
    case AlertMetric::kPrecision:
      return "precision";
    case AlertMetric::kRecall:
      return "recall";
    case AlertMetric::kF1:
      return "f1";
    case AlertMetric::kMeanConfidence:
      return "mean_confidence";
    case AlertMetric::kMeanIou:
      return "mean_iou";
    case AlertMetric::kNewRows:
      return "new_rows";
    case AlertMetric::kLeftRows:
      return "left_rows";
  }
  return "";
}

std::string AlertRule::ToString() const {
  return absl::StrCat(AlertMetricName(metric), " ", CompareOpSymbol(op), " ",
                      ShortestDouble(threshold));
}

absl::StatusOr<std::vector<AlertRule>> ParseAlertRules(absl::string_view text) {
  std::vector<AlertRule> rules;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(";\n", start);
    if (end == absl::string_view::npos) end = text.size();
    const absl::string_view part = text.substr(start, end - start);
    if (!absl::StripAsciiWhitespace(part).empty()) {
      SLICEKIT_ASSIGN_OR_RETURN(AlertRule rule, ParseRule(part, start));
      rules.push_back(rule);
    }
    start = end + 1;
  }
  return rules;
}

std::string FormatAlertRules(const std::vector<AlertRule>& rules) {
  return absl::StrJoin(rules, "; ", [](std::string* out, const AlertRule& r) {
    out->append(r.ToString());
  });
}

}  // namespace slicekit
