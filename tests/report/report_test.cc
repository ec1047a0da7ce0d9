// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The slice report: its numbers against the library's summaries and a
// row-at-a-time reference (randomized, seeded), its HTML parsed as XML
// (every slice present with the same numbers, every user string escaped,
// nothing outside the file referenced), its errors, and the file writer.
#include "slicekit/report.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/auto_slices.h"
#include "slicekit/compare.h"
#include "slicekit/explore.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"
#include "slicekit/table_snapshot.h"
#include "tests/report/xml.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// ---- Tables ---------------------------------------------------------------

// The per-class count columns every test table has: two classes, one with
// markup in its name.
const char* const kClasses[] = {"car", "a<b>&c"};

Schema TestSchema() {
  std::vector<ColumnSpec> columns = {
      {"data_row_id", ColumnType::kId},   {"dataset", ColumnType::kCategorical},
      {"note", ColumnType::kCategorical}, {"tp", ColumnType::kInt},
      {"fp", ColumnType::kInt},           {"fn", ColumnType::kInt},
      {"confidence", ColumnType::kFloat}, {"iou", ColumnType::kFloat}};
  for (const char* c : kClasses) {
    for (const char* m : {"tp", "fp", "fn"}) {
      columns.push_back({absl::StrCat(m, "[", c, "]"), ColumnType::kInt});
    }
  }
  return *Schema::Create(std::move(columns));
}

// A random table of `rows` rows in chunks of 64, with NULLs in every
// nullable column, float values beyond [0, 1] now and then, and about a
// tenth of the rows deleted.
Table RandomTable(uint32_t seed, size_t rows) {
  std::mt19937 random(seed);
  const Schema schema = TestSchema();
  Table table = *Table::Create(schema, TableOptions{64});
  Batch batch(schema);
  const auto chance = [&](double p) {
    return std::uniform_real_distribution<double>(0, 1)(random) < p;
  };
  const char* const datasets[] = {"ds0", "ds0",  "ds0", "ds1",
                                  "ds1", "d<2>", "ds3"};
  for (size_t r = 0; r < rows; ++r) {
    batch.AppendString(0, absl::StrCat("row-", r));
    chance(0.05) ? batch.AppendNull(1)
                 : batch.AppendString(1, datasets[random() % 7]);
    chance(0.5) ? batch.AppendNull(2)
                : batch.AppendString(2, chance(0.5) ? "<script>x</script>"
                                                    : "caf\xC3\xA9 & \"q\"");
    for (int c = 3; c < 6; ++c) {
      chance(0.05) ? batch.AppendNull(c)
                   : batch.AppendInt(c, static_cast<int64_t>(random() % 4));
    }
    for (int c = 6; c < 8; ++c) {
      if (chance(0.1)) {
        batch.AppendNull(c);
      } else {
        const float span = chance(0.02) ? 3.0f : 1.0f;  // sometimes > 1
        batch.AppendFloat(
            c, std::uniform_real_distribution<float>(0, span)(random) -
                   (chance(0.01) ? 1.5f : 0.0f));
      }
    }
    for (int c = 8; c < schema.num_columns(); ++c) {
      chance(0.05) ? batch.AppendNull(c)
                   : batch.AppendInt(c, static_cast<int64_t>(random() % 3));
    }
  }
  EXPECT_THAT(table.Append(batch), IsOk());
  std::vector<std::string> deleted;
  for (size_t r = 0; r < rows; ++r) {
    if (chance(0.1)) deleted.push_back(absl::StrCat("row-", r));
  }
  EXPECT_THAT(table.Delete(deleted), IsOk());
  return table;
}

Slice SavedSlice(std::string name, Expr filter,
                 std::vector<OrderBy> order_by = {},
                 std::string description = "") {
  Slice slice;
  slice.id = absl::StrCat("sl_", name.size());
  slice.org = "acme";
  slice.name = std::move(name);
  slice.description = std::move(description);
  slice.filter = std::move(filter);
  slice.order_by = std::move(order_by);
  return slice;
}

// A random filter over the test schema's columns.
Expr RandomFilter(std::mt19937& random) {
  const float t = static_cast<float>(random() % 100) / 100.0f;
  switch (random() % 6) {
    case 0:
      return Col("confidence") < t;
    case 1:
      return Col("fp") >= static_cast<int64_t>(random() % 3);
    case 2:
      return Col("dataset") == "d<2>" || Col("iou") > t;
    case 3:
      return Col("fn")["car"] >= 1 && Col("confidence").IsNotNull();
    case 4:
      return Col("iou").IsNull();
    default:
      return Col("tp") == 0 && Col("note").IsNull();
  }
}

// The row-at-a-time reference for Histogram: every position, live and
// selected rows only, GetFloat per row.
Histogram ReferenceHistogram(const Table& table, const Selection& rows,
                             int column, double lo, double hi, int bins) {
  Histogram h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(static_cast<size_t>(bins), 0);
  for (RowIndex r = 0; r < table.num_rows(); ++r) {
    if (!table.IsLive(r) || !rows.Contains(r)) continue;
    const std::optional<float> v = table.GetFloat(r, column).value();
    if (!v.has_value()) {
      ++h.nulls;
      continue;
    }
    const double position = (*v - lo) * (bins / (hi - lo));
    const int bin = position <= 0 ? 0 : std::min(bins - 1, int(position));
    ++h.counts[static_cast<size_t>(bin)];
  }
  return h;
}

// [min(0, lowest), max(1, highest)] over every stored value.
std::pair<double, double> ReferenceRange(const Table& table, int column) {
  double lo = 0, hi = 1;
  for (RowIndex r = 0; r < table.num_rows(); ++r) {
    if (const std::optional<float> v = table.GetFloat(r, column).value()) {
      lo = std::min<double>(lo, *v);
      hi = std::max<double>(hi, *v);
    }
  }
  return {lo, hi};
}

// ---- The numbers ----------------------------------------------------------

TEST(ReportTest, NumbersMatchTheLibrarysSummariesAndAReference) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 random(seed);
    const Table table = RandomTable(seed, 50 + random() % 700);
    std::vector<Slice> saved;
    for (int i = 0; i < 4; ++i) {
      saved.push_back(SavedSlice(absl::StrCat("slice ", i),
                                 RandomFilter(random),
                                 {{"confidence", random() % 2 == 0}}));
    }
    ReportOptions options;
    options.bins = 1 + static_cast<int>(random() % 30);
    options.page_rows = random() % 15;
    options.max_datasets = 3;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report report,
                                  BuildReport(table, saved, options));

    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary all, SummarizeAll(table));
    EXPECT_EQ(report.all, all);
    const int confidence = *table.schema().Find("confidence");
    const int iou = *table.schema().Find("iou");
    const auto [c_lo, c_hi] = ReferenceRange(table, confidence);
    const auto [i_lo, i_hi] = ReferenceRange(table, iou);
    EXPECT_EQ(report.confidence,
              ReferenceHistogram(table, table.LiveRows(), confidence, c_lo,
                                 c_hi, options.bins));
    EXPECT_EQ(report.iou, ReferenceHistogram(table, table.LiveRows(), iou, i_lo,
                                             i_hi, options.bins));

    // Datasets: the 3 largest, by rows, each SummarizeDataset's.
    ASSERT_THAT(report.datasets, SizeIs(3));
    EXPECT_EQ(report.datasets_left_out, 1u);
    for (size_t d = 0; d < report.datasets.size(); ++d) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          const SliceSummary expected,
          SummarizeDataset(table, report.datasets[d].dataset));
      EXPECT_EQ(report.datasets[d].summary, expected);
      if (d > 0) {
        EXPECT_GE(report.datasets[d - 1].summary.rows, expected.rows);
      }
    }

    const std::vector<AutoSlice> autos = AutoSlices(table.schema());
    ASSERT_EQ(report.slices.size(), saved.size() + autos.size());
    for (size_t s = 0; s < report.slices.size(); ++s) {
      const ReportSlice& got = report.slices[s];
      const bool is_saved = s < saved.size();
      const Expr& filter =
          is_saved ? saved[s].filter : autos[s - saved.size()].filter;
      const std::vector<OrderBy>& order =
          is_saved ? saved[s].order_by : autos[s - saved.size()].order_by;
      SCOPED_TRACE(filter.ToString());
      ASSERT_FALSE(got.error.has_value()) << *got.error;
      EXPECT_EQ(got.kind, is_saved ? ReportSlice::Kind::kSaved
                                   : ReportSlice::Kind::kAuto);
      EXPECT_EQ(got.filter_text, filter.ToString());
      SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection rows,
                                    Filter(table, filter));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary summary,
                                    Summarize(table, rows));
      EXPECT_EQ(got.summary, summary);
      EXPECT_EQ(got.confidence, ReferenceHistogram(table, rows, confidence,
                                                   c_lo, c_hi, options.bins));
      EXPECT_EQ(got.iou,
                ReferenceHistogram(table, rows, iou, i_lo, i_hi, options.bins));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          const std::vector<std::string> ids,
          SliceRowIds(table, filter, order, 0, options.page_rows));
      ASSERT_EQ(got.page.rows.size(), ids.size());
      for (size_t r = 0; r < ids.size(); ++r) {
        EXPECT_EQ(got.page.rows[r][0], ids[r]);
      }
    }
  }
}

TEST(ReportTest, HistogramBinsIncludeTheirLowEdgeAndTheTopValue) {
  const Schema schema = *Schema::Create(
      {{"data_row_id", ColumnType::kId}, {"confidence", ColumnType::kFloat}});
  Table table = *Table::Create(schema);
  Batch batch(schema);
  const float values[] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.999f};
  for (size_t i = 0; i < std::size(values); ++i) {
    batch.AppendString(0, absl::StrCat(i));
    batch.AppendFloat(1, values[i]);
  }
  ASSERT_THAT(table.Append(batch), IsOk());
  ReportOptions options;
  options.bins = 4;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report report,
                                BuildReport(table, {}, options));
  EXPECT_EQ(report.confidence.lo, 0);
  EXPECT_EQ(report.confidence.hi, 1);
  // [0, .25) [.25, .5) [.5, .75) [.75, 1]
  EXPECT_EQ(report.confidence.counts, (std::vector<int64_t>{1, 1, 1, 3}));
  EXPECT_EQ(report.confidence.nulls, 0);
  EXPECT_TRUE(report.iou.counts.empty());  // no iou column
}

// ---- The HTML -------------------------------------------------------------

// Checks the data-value of `cell` against `expected` (exactly; "" for n/a).
void ExpectValue(xmlNodePtr cell, const std::optional<double>& expected) {
  const std::string value = XmlDoc::Attribute(cell, "data-value");
  if (!expected.has_value()) {
    EXPECT_EQ(value, "") << XmlDoc::Attribute(cell, "data-metric");
    EXPECT_EQ(XmlDoc::Content(cell), "n/a");
    return;
  }
  ASSERT_FALSE(value.empty()) << XmlDoc::Attribute(cell, "data-metric");
  EXPECT_EQ(std::strtod(value.c_str(), nullptr), *expected)
      << XmlDoc::Attribute(cell, "data-metric");
}

// Checks the metric cells of table row `row` against `summary`.
void ExpectRow(const XmlDoc& doc, xmlNodePtr row, const SliceSummary& summary,
               size_t total_rows) {
  const auto cell = [&](const char* metric) {
    const std::vector<xmlNodePtr> cells =
        doc.Nodes(absl::StrCat("td[@data-metric='", metric, "']"), row);
    EXPECT_THAT(cells, SizeIs(1)) << metric;
    return cells.empty() ? nullptr : cells[0];
  };
  ExpectValue(cell("rows"), static_cast<double>(summary.rows));
  ExpectValue(cell("share"),
              total_rows == 0
                  ? std::nullopt
                  : std::optional<double>(static_cast<double>(summary.rows) /
                                          static_cast<double>(total_rows)));
  ExpectValue(cell("tp"), static_cast<double>(summary.tp));
  ExpectValue(cell("fp"), static_cast<double>(summary.fp));
  ExpectValue(cell("fn"), static_cast<double>(summary.fn));
  ExpectValue(cell("precision"), summary.precision);
  ExpectValue(cell("recall"), summary.recall);
  ExpectValue(cell("f1"), summary.f1);
  ExpectValue(cell("mean_confidence"), summary.mean_confidence);
  ExpectValue(cell("mean_iou"), summary.mean_iou);
}

// Saved slices whose names and descriptions hold markup, quotes, non-ASCII
// and a byte that is not UTF-8, and one that does not fit the table.
std::vector<Slice> HostileSlices() {
  return {SavedSlice("<b>\"FPs\" & 'co'</b>", Col("fp") >= 1,
                     {{"confidence", true}}, "desc <i>&amp;</i>"),
          SavedSlice("\xC3\x9Cmlaut \xF0\x9F\x9A\x97 d<2>",
                     Col("dataset") == "d<2>' OR 1=1 --"),
          SavedSlice("bad \xFF byte", Col("iou") < 0.25f),
          SavedSlice("Missing column", Col("confidense") < 0.5)};
}

TEST(ReportTest, HtmlHoldsEverySliceWithTheLibrarysNumbers) {
  const Table table = RandomTable(7, 400);
  const std::vector<Slice> saved = HostileSlices();
  ReportOptions options;
  options.title = "Nightly <report> & \"more\"";
  options.page_rows = 5;
  options.generated_at = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  ModelRun run;
  run.classes = {"car", "a<b>&c"};
  run.rows.resize(3);
  run.rows[0].ground_truths.resize(2);
  run.rows[1].predictions.resize(5);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report report,
                                BuildReport(table, saved, options, &run));
  const std::string html = RenderReportHtml(report);
  absl::StatusOr<XmlDoc> parsed = XmlDoc::Parse(html);
  ASSERT_THAT(parsed, IsOk());
  const XmlDoc& doc = *parsed;

  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_EQ(doc.Text("/html/head/title"), options.title);
  EXPECT_EQ(doc.Text("//h1[@id='title']"), options.title);
  EXPECT_THAT(doc.Text("//p[@class='meta']"),
              HasSubstr("generated 2026-01-01 00:00:00 UTC"));
  // The run's rows have no ids the table knows: said, and no image counts.
  EXPECT_EQ(doc.Text("//p[@id='run']"),
            "Model run: 3 data rows, 2 ground-truth objects, 5 predictions, "
            "2 classes. Only 0 of its data rows are live rows of the table; "
            "the slices' AP counts only those.");

  // All data and the datasets.
  const size_t total = report.all.rows;
  ExpectRow(doc, doc.Nodes("//section[@id='all-data']//tr[@data-row='all']")[0],
            report.all, total);
  const std::vector<xmlNodePtr> dataset_rows =
      doc.Nodes("//section[@id='all-data']//tr[@data-row='dataset']");
  ASSERT_EQ(dataset_rows.size(), report.datasets.size());
  for (size_t d = 0; d < dataset_rows.size(); ++d) {
    EXPECT_EQ(XmlDoc::Attribute(dataset_rows[d], "data-dataset"),
              report.datasets[d].dataset);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const SliceSummary expected,
        SummarizeDataset(table, report.datasets[d].dataset));
    ExpectRow(doc, dataset_rows[d], expected, total);
  }

  // Every slice: its section, name, filter and numbers.
  const std::vector<xmlNodePtr> sections =
      doc.Nodes("//section[@class='slice']");
  const std::vector<AutoSlice> autos = AutoSlices(table.schema());
  ASSERT_EQ(sections.size(), saved.size() + autos.size());
  ASSERT_EQ(doc.Nodes("//table[@class='index']/tbody/tr").size(),
            sections.size());
  for (size_t s = 0; s < sections.size(); ++s) {
    const bool is_saved = s < saved.size();
    const std::string name =
        is_saved ? saved[s].name : autos[s - saved.size()].name;
    const Expr& filter =
        is_saved ? saved[s].filter : autos[s - saved.size()].filter;
    SCOPED_TRACE(name);
    xmlNodePtr section = sections[s];
    EXPECT_EQ(XmlDoc::Attribute(section, "id"), absl::StrCat("slice-", s));
    // Invalid UTF-8 is replaced; everything else comes back as given.
    const std::string shown =
        name == "bad \xFF byte" ? "bad \xEF\xBF\xBD byte" : name;
    EXPECT_EQ(XmlDoc::Attribute(section, "data-name"), shown);
    EXPECT_EQ(XmlDoc::Attribute(section, "data-kind"),
              is_saved ? "saved" : "auto");
    EXPECT_THAT(doc.Text("h2", section), StartsWith(shown));
    EXPECT_EQ(doc.Text(".//code[@class='filter']", section), filter.ToString());
    EXPECT_EQ(doc.Text(absl::StrCat("//table[@class='index']/tbody/tr[", s + 1,
                                    "]/td[1]/a/@href")),
              absl::StrCat("#slice-", s));
    if (name == "Missing column") {
      EXPECT_THAT(doc.Text(".//p[@class='error']", section),
                  HasSubstr("unknown column 'confidense'"));
      EXPECT_TRUE(doc.Nodes(".//svg:svg", section).empty());
      continue;
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection rows, Filter(table, filter));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary summary,
                                  Summarize(table, rows));
    EXPECT_EQ(XmlDoc::Attribute(section, "data-rows"),
              absl::StrCat(summary.rows));
    ExpectRow(doc, doc.Nodes(".//tr[@data-row='slice']", section)[0], summary,
              total);
    ExpectRow(doc, doc.Nodes(".//tr[@data-row='all']", section)[0], report.all,
              total);
    // Index row: the same numbers.
    xmlNodePtr index_row = doc.Nodes(
        absl::StrCat("//table[@class='index']/tbody/tr[", s + 1, "]"))[0];
    ExpectValue(doc.Nodes("td[@data-metric='rows']", index_row)[0],
                static_cast<double>(summary.rows));
    ExpectValue(doc.Nodes("td[@data-metric='f1']", index_row)[0], summary.f1);

    // Charts: P/R/F1, confidence, IoU, per-class counts.
    const std::vector<xmlNodePtr> charts = doc.Nodes(".//svg:svg", section);
    ASSERT_EQ(charts.size(), 4u);
    EXPECT_EQ(doc.Text("svg:title", charts[0]), "Precision, recall and F1");
    const std::vector<xmlNodePtr> precision_bar = doc.Nodes(
        "svg:g/svg:rect[@data-series='precision' and "
        "@data-category='this slice']",
        charts[0]);
    if (summary.precision.has_value()) {
      ASSERT_THAT(precision_bar, SizeIs(1));
      ExpectValue(precision_bar[0], summary.precision);
    } else {
      EXPECT_THAT(precision_bar, SizeIs(0));
    }
    EXPECT_EQ(doc.Text("svg:title", charts[1]), "Confidence");
    EXPECT_EQ(doc.Nodes("svg:g[@data-series='this slice']/svg:rect", charts[1])
                  .size(),
              static_cast<size_t>(options.bins));
    EXPECT_EQ(doc.Text("svg:title", charts[2]), "IoU");
    EXPECT_EQ(doc.Text("svg:title", charts[3]), "TP, FP and FN per class");
    for (const ClassSummary& c : summary.classes) {
      const std::vector<xmlNodePtr> fp_bar = doc.Nodes(
          absl::StrCat("svg:g/svg:rect[@data-series='FP' and @data-category='",
                       c.class_name == "car" ? "car" : "a<b>&c", "']"),
          charts[3]);
      ASSERT_THAT(fp_bar, SizeIs(1));
      ExpectValue(fp_bar[0], static_cast<double>(c.fp));
    }

    // The first page, in the slice's order.
    const std::vector<OrderBy>& order =
        is_saved ? saved[s].order_by : autos[s - saved.size()].order_by;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<std::string> ids,
                                  SliceRowIds(table, filter, order, 0, 5));
    const std::vector<xmlNodePtr> page_rows =
        doc.Nodes(".//table[@class='rows']/tbody/tr", section);
    ASSERT_EQ(page_rows.size(), ids.size());
    for (size_t r = 0; r < ids.size(); ++r) {
      EXPECT_EQ(doc.Text("td[1]", page_rows[r]), ids[r]);
    }
    // COCO stats over no image: all undefined; so no curve. No store, so
    // no history and nothing said about it.
    EXPECT_THAT(doc.Nodes(".//table[@class='coco']//td[@data-metric='slice' "
                          "and @data-value='']",
                          section),
                SizeIs(12));
    EXPECT_THAT(doc.Nodes(".//p[@data-empty='curves']", section), SizeIs(1));
    EXPECT_THAT(doc.Nodes(".//p[@data-empty='history']", section), SizeIs(0));
  }
  // The description and the hostile cell values come back unchanged.
  EXPECT_EQ(doc.Text("//section[@id='slice-0']/p[@class='description']"),
            "desc <i>&amp;</i>");
  EXPECT_FALSE(doc.Nodes("//td[text()='<script>x</script>']").empty());
  EXPECT_FALSE(doc.Nodes("//td[text()='caf\xC3\xA9 & \"q\"']").empty());
}

TEST(ReportTest, HtmlIsSelfContained) {
  const Table table = RandomTable(3, 300);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report report,
                                BuildReport(table, HostileSlices()));
  const std::string html = RenderReportHtml(report);
  // No script (the cells hold "<script>" text, escaped), no external
  // resource: no src, no href but in-page anchors, no CSS url() or
  // @import, no link element; "http" only as the SVG namespace name.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;x&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  const std::regex href("href=\"([^\"]*)\"");
  size_t anchors = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href);
       it != std::sregex_iterator(); ++it, ++anchors) {
    EXPECT_THAT((*it)[1].str(), StartsWith("#slice-"));
  }
  EXPECT_EQ(anchors, report.slices.size());
  std::string without_namespace = html;
  for (size_t at;
       (at = without_namespace.find("xmlns=\"http://www.w3.org/2000/svg\"")) !=
       std::string::npos;) {
    without_namespace.erase(at, 34);
  }
  EXPECT_THAT(without_namespace, Not(HasSubstr("http")));
}

TEST(ReportTest, CurvesAndHistoryAreDrawnWhenFilled) {
  const Table table = RandomTable(5, 200);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Report report, BuildReport(table, {SavedSlice("History", Col("fp") >= 1)},
                                 {.auto_slices = false}));
  ASSERT_THAT(report.slices, SizeIs(1));
  ReportSlice& slice = report.slices[0];
  // Curves and history filled by hand: the renderer draws whatever is there.
  for (int c = 0; c < 7; ++c) {  // more than one chart's worth of lines
    ClassCurve& curve = slice.curves.emplace_back();
    curve.class_name = c == 0 ? "car <&>" : absl::StrCat("class ", c);
    curve.points = {{0, 1}, {0.5, 0.9 - 0.1 * c}, {0.8, 0.2}};
    if (c != 3) curve.ap = 0.5 + 0.05 * c;
  }
  const absl::Time start = absl::FromUnixSeconds(1767225600);
  for (int day = 0; day < 5; ++day) {
    slice.history.push_back({start + absl::Hours(24 * day), 100 + 10 * day});
  }
  absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(RenderReportHtml(report));
  ASSERT_THAT(doc, IsOk());
  xmlNodePtr section = doc->Nodes("//section[@id='slice-0']")[0];
  const std::vector<xmlNodePtr> pr =
      doc->Nodes(".//svg:svg[svg:title='Precision-recall']", section);
  ASSERT_THAT(pr, SizeIs(2));  // 6 + 1 classes
  EXPECT_THAT(doc->Nodes("svg:g[@class='line']", pr[0]), SizeIs(6));
  EXPECT_THAT(doc->Nodes("svg:g[@class='line']", pr[1]), SizeIs(1));
  EXPECT_THAT(
      doc->Nodes("svg:g[@data-series='car <&>']/svg:path[@class='point']",
                 pr[0]),
      SizeIs(3));
  const std::vector<xmlNodePtr> ap_cells =
      doc->Nodes(".//table[@class='ap']//td[@data-metric='ap']", section);
  ASSERT_THAT(ap_cells, SizeIs(7));
  ExpectValue(ap_cells[0], 0.5);
  ExpectValue(ap_cells[3], std::nullopt);
  const std::vector<xmlNodePtr> history =
      doc->Nodes(".//svg:svg[svg:title='Rows over time']", section);
  ASSERT_THAT(history, SizeIs(1));
  const std::vector<xmlNodePtr> points =
      doc->Nodes(".//svg:path[@class='point']", history[0]);
  ASSERT_THAT(points, SizeIs(5));
  ExpectValue(points[4], 140);
  EXPECT_THAT(doc->Text("svg:text[@class='tick'][1]", history[0]),
              StartsWith("2026-01-0"));
  EXPECT_THAT(doc->Nodes(".//p[@data-empty]", section), SizeIs(0));
}

// IN SLICE references resolve through the store, or without one among the
// saved slices given; with a store, a saved slice's history is the row
// counts of its snapshots, oldest first.
TEST(ReportTest, SlicesOfSlicesAndHistoryFromTheStore) {
  const Table table = RandomTable(11, 300);
  std::unique_ptr<SliceStore> store = SliceStore::InMemory();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice base,
      store->Create("acme", {.name = "Has FPs", .filter = Col("fp") >= 1}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice derived,
      store->Create("acme", {.name = "FPs and TPs",
                             .filter = InSlice("Has FPs") && Col("tp") >= 1}));
  const absl::Time start = absl::FromUnixSeconds(1767225600);
  for (int day : {0, 3}) {
    ASSERT_THAT(TakeSnapshot(*store, "acme", base.id, table,
                             {.taken = {.at = start + absl::Hours(24 * day)}}),
                IsOk());
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection fps,
                                Filter(table, Col("fp") >= 1));
  const size_t base_rows = fps.Count();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Selection both, Filter(table, Col("fp") >= 1 && Col("tp") >= 1));
  const std::vector<Slice> saved = {base, derived};

  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report with_store,
      BuildReport(table, saved,
                  {.auto_slices = false, .store = store.get(), .org = "acme"}));
  EXPECT_TRUE(with_store.history_from_store);
  ASSERT_THAT(with_store.slices, SizeIs(2));
  ASSERT_THAT(with_store.slices[0].history, SizeIs(2));
  EXPECT_EQ(with_store.slices[0].history[0].time, start);
  EXPECT_EQ(with_store.slices[0].history[1].time, start + absl::Hours(72));
  EXPECT_EQ(with_store.slices[0].history[1].rows,
            static_cast<int64_t>(base_rows));
  EXPECT_THAT(with_store.slices[1].history, SizeIs(0));
  EXPECT_EQ(with_store.slices[1].error, std::nullopt);
  EXPECT_EQ(with_store.slices[1].summary.rows, both.Count());

  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report without, BuildReport(table, saved, {.auto_slices = false}));
  EXPECT_FALSE(without.history_from_store);
  EXPECT_EQ(without.slices[1].summary.rows, both.Count());
  EXPECT_THAT(without.slices[0].history, SizeIs(0));
  // The referenced slice neither given nor in a store: the slice says so.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report alone,
      BuildReport(table, {derived}, {.auto_slices = false}));
  ASSERT_TRUE(alone.slices[0].error.has_value());
  EXPECT_THAT(*alone.slices[0].error, HasSubstr("Has FPs"));
  // An org without a store is a mistake, not silently ignored.
  EXPECT_THAT(
      BuildReport(table, saved, {.org = "acme"}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no store")));
}

TEST(ReportTest, ShowsOnlyTheLargestDatasetsAndClasses) {
  const Table table = RandomTable(9, 500);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report report,
      BuildReport(table, {}, {.max_datasets = 1, .max_classes = 1}));
  ASSERT_THAT(report.datasets, SizeIs(1));
  EXPECT_EQ(report.datasets[0].dataset, "ds0");  // 3 in 7 rows
  EXPECT_EQ(report.datasets_left_out, 3u);
  const std::string html = RenderReportHtml(report);
  EXPECT_THAT(html, HasSubstr("3 smaller datasets are not shown."));
  EXPECT_THAT(html, HasSubstr("1 class with fewer TP + FP + FN is not shown."));
  absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(html);
  ASSERT_THAT(doc, IsOk());
  EXPECT_THAT(
      doc->Nodes("//section[@id='all-data']//svg:svg[svg:title='TP, FP and FN "
                 "per class']//svg:rect[@class='bar']"),
      SizeIs(3));  // one class: TP, FP, FN
}

TEST(ReportTest, TableWithoutMetricColumnsStillReports) {
  const Schema schema =
      *Schema::Create({{"data_row_id", ColumnType::kId},
                       {"weather", ColumnType::kCategorical}});
  Table table = *Table::Create(schema);
  Batch batch(schema);
  batch.AppendString(0, "a");
  batch.AppendString(1, "rain");
  ASSERT_THAT(table.Append(batch), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report report,
      BuildReport(table, {SavedSlice("Rainy", Col("weather") == "rain")}));
  EXPECT_TRUE(report.datasets.empty());
  ASSERT_THAT(report.slices, SizeIs(1));  // no auto slice applies
  EXPECT_EQ(report.slices[0].summary.rows, 1u);
  const std::string html = RenderReportHtml(report);
  EXPECT_THAT(XmlDoc::Parse(html), IsOk());
  EXPECT_THAT(html, HasSubstr("No confidence histogram: the table has no "
                              "float column 'confidence'."));
}

TEST(ReportTest, EmptyTable) {
  Table table = *Table::Create(TestSchema());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report report, BuildReport(table, {}));
  EXPECT_EQ(report.all.rows, 0u);
  absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(RenderReportHtml(report));
  ASSERT_THAT(doc, IsOk());
  ExpectValue(doc->Nodes("//section[@id='all-data']//tr[@data-row='all']"
                         "/td[@data-metric='share']")[0],
              std::nullopt);
}

// ---- Errors ---------------------------------------------------------------

TEST(ReportTest, RejectsOptionsOutOfRange) {
  const Table table = RandomTable(2, 10);
  const auto build = [&](ReportOptions options) {
    return BuildReport(table, {}, options).status();
  };
  EXPECT_THAT(build({.bins = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "bins is 0; it must be in [1, 200]"));
  EXPECT_THAT(build({.bins = 201}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "bins is 201; it must be in [1, 200]"));
  EXPECT_THAT(build({.page_rows = 1001}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "page_rows is 1001; the limit is 1000"));
  EXPECT_THAT(build({.max_datasets = 101}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "max_datasets is 101; the limit is 100"));
  EXPECT_THAT(build({.max_classes = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "max_classes is 0; it must be in [1, 200]"));
  EXPECT_THAT(build({.threads = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "threads is 0; it must be >= 1"));
  EXPECT_THAT(build({.page_columns = {"data_row_id", "confidense"}}),
              StatusIs(absl::StatusCode::kNotFound,
                       "page column 'confidense' is not in the table (did you "
                       "mean 'confidence'?)"));
}

TEST(ReportTest, RejectsMetricColumnsOfTheWrongType) {
  const Schema schema = *Schema::Create(
      {{"data_row_id", ColumnType::kId}, {"tp", ColumnType::kFloat}});
  Table table = *Table::Create(schema);
  EXPECT_THAT(BuildReport(table, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column 'tp' is float; a summary needs it to be int"));
}

TEST(ReportTest, SliceThatDoesNotFitTheTableIsShownNotFatal) {
  const Table table = RandomTable(4, 100);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report report,
      BuildReport(table,
                  {SavedSlice("Bad filter", Col("confidense") < 0.5),
                   SavedSlice("Bad order", Col("fp") >= 1, {{"nope", false}}),
                   SavedSlice("Bad type", Col("dataset") > 3)},
                  {.auto_slices = false}));
  ASSERT_THAT(report.slices, SizeIs(3));
  EXPECT_EQ(report.slices[0].error,
            "unknown column 'confidense' (did you mean 'confidence'?)");
  ASSERT_TRUE(report.slices[1].error.has_value());
  EXPECT_THAT(*report.slices[1].error, HasSubstr("nope"));
  ASSERT_TRUE(report.slices[2].error.has_value());
  EXPECT_THAT(*report.slices[2].error, HasSubstr("dataset"));
  for (const ReportSlice& slice : report.slices) {
    EXPECT_EQ(slice.summary, SliceSummary{});
    EXPECT_TRUE(slice.page.rows.empty());
  }
}

// ---- Files ----------------------------------------------------------------

std::vector<std::string> DirectoryEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// A comparison given through ReportOptions gets its own section: a forest
// plot per metric whose rows carry each slice's delta, CI and verdict, and
// a table with the same numbers.
TEST(ReportTest, ComparisonSectionDrawsEachSlicesDeltaAndVerdict) {
  const Table table = RandomTable(11, 120);
  Comparison comparison;
  comparison.base_name = "base <run>.json";
  comparison.new_name = "new.json";
  comparison.options.metrics = {CompareMetric::kAp, CompareMetric::kRecall};
  comparison.images = 120;
  const Verdict verdicts[] = {Verdict::kRegression, Verdict::kNoChange,
                              Verdict::kTooSmall};
  for (CompareMetric metric : comparison.options.metrics) {
    for (int s = 0; s < 3; ++s) {
      CompareResult& r = comparison.results.emplace_back();
      r.slice = s == 0 ? "all data" : absl::StrCat("slice & ", s);
      r.metric = metric;
      r.images = 120 / (s + 1);
      r.verdict = verdicts[s];
      if (s < 2) {
        r.base = 0.5;
        r.new_value = 0.5 - 0.1 / (s + 1);
        r.delta = *r.new_value - *r.base;
        r.ci = std::make_pair(*r.delta - 0.03, *r.delta + 0.02 * s);
        r.p_value = 0.01;
        r.q_value = 0.02;
      }
    }
  }
  comparison.classes = {{"car", 10, 0.6, 0.4}, {"bike", 3, 0.2, 0.3}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Report report,
      BuildReport(table, {},
                  {.auto_slices = false, .comparison = &comparison}));
  ASSERT_TRUE(report.comparison.has_value());
  absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(RenderReportHtml(report));
  ASSERT_THAT(doc, IsOk());
  const std::vector<xmlNodePtr> section =
      doc->Nodes("//section[@id='comparison']");
  ASSERT_THAT(section, SizeIs(1));
  EXPECT_THAT(doc->Text("p[@class='meta']", section[0]),
              HasSubstr("base base <run>.json"));
  for (const char* metric : {"ap", "recall"}) {
    SCOPED_TRACE(metric);
    const std::vector<xmlNodePtr> plot = doc->Nodes(
        absl::StrCat(".//svg:svg[svg:title='", metric, ": new - base']"),
        section[0]);
    ASSERT_THAT(plot, SizeIs(1));
    const std::vector<xmlNodePtr> rows =
        doc->Nodes(".//svg:g[@class='forest-row']", plot[0]);
    ASSERT_THAT(rows, SizeIs(3));
    EXPECT_EQ(XmlDoc::Attribute(rows[1], "data-series"), "slice & 1");
    EXPECT_EQ(XmlDoc::Attribute(rows[0], "data-verdict"), "regression");
    EXPECT_EQ(XmlDoc::Attribute(rows[2], "data-verdict"), "too small");
    EXPECT_DOUBLE_EQ(XmlDoc::Number(rows[0], "data-value"), -0.1);
    EXPECT_DOUBLE_EQ(XmlDoc::Number(rows[0], "data-lo"), -0.13);
    // The regression's marks are vermillion; a too-small slice has no CI.
    EXPECT_EQ(XmlDoc::Attribute(doc->Nodes("svg:line[@class='ci']", rows[0])[0],
                                "stroke"),
              "#D55E00");
    EXPECT_THAT(doc->Nodes("svg:line[@class='ci']", rows[2]), SizeIs(0));
    const std::vector<xmlNodePtr> cells =
        doc->Nodes(absl::StrCat(".//table[@data-metric='", metric,
                                "']//td[@data-verdict]"),
                   section[0]);
    ASSERT_THAT(cells, SizeIs(3));
    EXPECT_EQ(XmlDoc::Content(cells[1]), "no change");
  }
  const std::vector<xmlNodePtr> classes =
      doc->Nodes(".//table[@class='compare-classes']//tr[td]", section[0]);
  ASSERT_THAT(classes, SizeIs(2));
  EXPECT_EQ(XmlDoc::Content(doc->Nodes("td", classes[0])[0]), "car");  // worst
  // Without a comparison there is no section.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report plain,
                                BuildReport(table, {}, {.auto_slices = false}));
  EXPECT_EQ(RenderReportHtml(plain).find("id=\"comparison\""),
            std::string::npos);
}

TEST(ReportTest, WriteReportReplacesTheFileWhole) {
  const Table table = RandomTable(6, 150);
  const std::string dir = TempPath("reports");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  const std::string path = dir + "/report.html";
  ReportOptions options;
  options.generated_at = absl::FromUnixSeconds(0);
  const std::vector<Slice> saved = {SavedSlice("FPs", Col("fp") >= 1)};
  ASSERT_THAT(WriteReport(table, saved, options, path), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Report report,
                                BuildReport(table, saved, options));
  EXPECT_EQ(ReadFile(path), RenderReportHtml(report));
  // Again, over the old file: replaced, and no temporary file left.
  options.title = "second";
  ASSERT_THAT(WriteReport(table, saved, options, path), IsOk());
  EXPECT_THAT(ReadFile(path), HasSubstr("<title>second</title>"));
  EXPECT_EQ(DirectoryEntries(dir), std::vector<std::string>{"report.html"});
  // A path that cannot be replaced (a directory): an error naming it, and
  // nothing left behind.
  const std::string sub = dir + "/sub";
  ASSERT_EQ(mkdir(sub.c_str(), 0700), 0);
  EXPECT_THAT(WriteReport(table, saved, options, sub),
              StatusIs(absl::StatusCode::kUnknown,
                       AllOf(StartsWith("cannot replace " + sub),
                             HasSubstr("directory"))));
  EXPECT_EQ(DirectoryEntries(dir),
            (std::vector<std::string>{"report.html", "sub"}));
  EXPECT_THAT(WriteReport(table, saved, options, dir + "/missing/report.html"),
              StatusIs(absl::StatusCode::kUnknown,
                       "cannot write the report " + dir +
                           "/missing/report.html: No such file or directory"));
  std::remove(path.c_str());
  rmdir(sub.c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace slicekit::testing
