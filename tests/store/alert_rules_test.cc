// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The alert rule grammar: parsing, the canonical text, and errors with
// their byte offsets. Keeping and checking rules: tests/analysis/
// slice_snapshot_test.cc.
#include "slicekit/alert_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;

TEST(AlertRulesTest, ParsesTheGrammar) {
  const struct {
    std::string text;
    std::string canonical;
  } cases[] = {
      {"size > 500", "size > 500"},
      {"  rows>=1e3 ", "size >= 1000"},
      {"precision < 0.6; recall<=0.25\nf1 != 1",
       "precision < 0.6; recall <= 0.25; f1 != 1"},
      {"new rows since last snapshot > 100", "new_rows > 100"},
      {"New   Rows = 0;;  LEFT_ROWS > 5;", "new_rows = 0; left_rows > 5"},
      {"mean_confidence < -0.5; mean_iou >= 0.75; tp > 1; fp > 2; fn > 3",
       "mean_confidence < -0.5; mean_iou >= 0.75; tp > 1; fp > 2; fn > 3"},
      {"", ""},
      {" ; \n", ""},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::vector<AlertRule>> rules = ParseAlertRules(c.text);
    ASSERT_THAT(rules, IsOk()) << c.text;
    EXPECT_EQ(FormatAlertRules(*rules), c.canonical) << c.text;
    EXPECT_EQ(*ParseAlertRules(c.canonical), *rules) << c.text;
  }
}

TEST(AlertRulesTest, ReportsMistakesWithTheirOffset) {
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"size",
       "alert rules at 0: expected a comparison (<, <=, >, >=, =, !=) in "
       "'size'"},
      {"size > 1; precison < 0.5",
       "alert rules at 10: unknown metric 'precison' (known: size, tp, fp, "
       "fn, precision, recall, f1, mean_confidence, mean_iou, new_rows, "
       "left_rows)"},
      {"size > lots",
       "alert rules at 7: expected a number after '>', not 'lots'"},
      {"size >", "alert rules at 6: expected a number after '>', not ''"},
      {"size > 1e999",
       "alert rules at 7: expected a number after '>', not '1e999'"},
      {"size > nan",
       "alert rules at 7: expected a number after '>', not 'nan'"},
      {"size ! 3", "alert rules at 5: unexpected '!' (not equal is '!=')"},
      {"> 3", "alert rules at 0: expected a metric before the comparison"},
      {"size >> 3", "alert rules at 6: expected a number after '>', not '> 3'"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ParseAlertRules(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.text;
  }
}

}  // namespace
}  // namespace slicekit
