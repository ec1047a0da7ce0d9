// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A table file opened with Verify::kOnFirstUse whose column is corrupt: every
// reader of the library, from the table layer up to the report, returns
// DataLoss naming the file and the section where it first reads the column,
// never a wrong answer and never the end of the process; readers of other
// columns keep working. (In tests/report: the report is the highest layer
// it covers.)
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/column_reader.h"
#include "slicekit/curation.h"
#include "slicekit/discover.h"
#include "slicekit/explore.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/report.h"
#include "slicekit/scan.h"
#include "slicekit/table.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/table_file_format.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Matcher;

constexpr uint32_t kValues = 2;  // a FileSection kind

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The generated metrics table in 256-row chunks with a row deleted, saved;
// a copy of the file
// with one byte of chunk 2's values of `column` flipped; the copy opened
// with kOnFirstUse.
struct CorruptFile {
  Table original;
  std::string path;
  Table table;
};

CorruptFile Corrupt(const std::string& column_name) {
  absl::StatusOr<Table> generated =
      examples::GenerateMetricsTable(2000, /*seed=*/5, {.chunk_rows = 256});
  EXPECT_THAT(generated.status(), IsOk());
  // A deleted row, so that Compact() has rows to move.
  EXPECT_THAT(generated->Delete({std::string(generated->RowId(10).value())}),
              IsOk());
  const std::string good = testing::TempPath("good.skt");
  EXPECT_THAT(generated->Save(good), IsOk());
  std::string bytes = testing::ReadFile(good);
  const int column = *generated->schema().Find(column_name);
  bool flipped = false;
  for (const testing::FileSection& s : testing::Sections(bytes)) {
    if (s.kind == kValues && s.chunk == 2 &&
        s.column == static_cast<uint32_t>(column)) {
      bytes[s.offset + s.bytes / 2] ^= 0x04;
      flipped = true;
    }
  }
  EXPECT_TRUE(flipped) << column_name;
  const std::string path = testing::TempPath(column_name + ".skt");
  WriteFile(path, bytes);
  absl::StatusOr<Table> opened =
      Table::Open(path, {.verify = TableOpenOptions::Verify::kOnFirstUse});
  EXPECT_THAT(opened.status(), IsOk());
  return {*std::move(generated), path, *std::move(opened)};
}

// DataLoss naming the file, the section (with the chunk and the column)
// and the checksum.
Matcher<absl::Status> NamesTheSection(const CorruptFile& f,
                                      const std::string& column) {
  return StatusIs(
      absl::StatusCode::kDataLoss,
      AllOf(HasSubstr(f.path), HasSubstr("section"),
            HasSubstr(absl::StrCat("chunk 2 column '", column, "' values")),
            HasSubstr("checksum mismatch")));
}

Expr Parse(const std::string& text) {
  absl::StatusOr<Expr> e = ParseFilter(text);
  EXPECT_THAT(e.status(), IsOk()) << text;
  return *e;
}

TEST(CorruptFileReadersTest, EveryReaderOfAFloatColumnReturnsTheError) {
  CorruptFile f = Corrupt("confidence");
  const Table& t = f.table;
  const int confidence = *t.schema().Find("confidence");
  const auto bad = NamesTheSection(f, "confidence");
  const Selection live = t.LiveRows();

  // The table layer.
  EXPECT_THAT(t.GetFloat(0, confidence).status(), bad);
  EXPECT_THAT(t.VerifyColumn(confidence), bad);
  EXPECT_THAT(t.Verify(), bad);
  EXPECT_THAT(TableReader::Make(t, std::vector{confidence}).status(), bad);
  EXPECT_THAT(TableReader::Make(t, std::vector<std::string>{"fp", "confidence"})
                  .status(),
              bad);
  EXPECT_THAT(t.Save(testing::TempPath("copy.skt")), bad);
  // Scans and orders.
  EXPECT_THAT(Bind(Parse("confidence < 0.5"), t).status(), bad);
  EXPECT_THAT(Filter(t, Parse("fp >= 1 AND confidence < 0.5")).status(), bad);
  EXPECT_THAT(OrderRows(t, live, {"confidence", true}, 0, 10).status(), bad);
  EXPECT_THAT(OrderPage(t, live, {{"confidence", false}}, "", 10).status(),
              bad);
  // Analysis.
  EXPECT_THAT(Summarize(t, live).status(), bad);
  EXPECT_THAT(SummarizeAll(t).status(), bad);
  EXPECT_THAT(CompareSummaries(t, live, "ds1").status(), bad);
  EXPECT_THAT(Explore(t, Parse("fp >= 1"), ExploreOptions{}).status(), bad);
  EXPECT_THAT(
      SliceRowIds(t, Parse("confidence > 0.9"), {}, 0, std::nullopt, nullptr)
          .status(),
      bad);
  std::ostringstream exported;
  EXPECT_THAT(ExportRows(t, {0, 1, 2}, ExportFormat::kCsv, exported), bad);
  EXPECT_EQ(exported.str(), "");  // nothing written
  EXPECT_THAT(
      DiscoverSlices(t, {.error = "1 - confidence", .features = {"dataset"}})
          .status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr(f.path)));
  EXPECT_THAT(DiscoverSlices(t, {.error = "fp + fn",
                                 .features = {"dataset", "confidence"}})
                  .status(),
              bad);
  Slice slice;
  slice.id = "s-1";
  slice.name = "Unsure";
  slice.filter = Parse("confidence < 0.2");
  EXPECT_THAT(Curator::Create(t, {slice}).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(f.path)));
  // The report reads every column.
  EXPECT_THAT(BuildReport(t, {}, ReportOptions{}).status(), bad);

  // Changes verify everything first and change nothing.
  EXPECT_THAT(f.table.Compact().status(), bad);
  std::vector<std::string> ids = {std::string(f.original.RowId(3).value())};
  EXPECT_THAT(f.table.Delete(ids), bad);
  EXPECT_EQ(t.num_live_rows(), f.original.num_live_rows());

  // Readers of other columns answer exactly as on the original.
  EXPECT_THAT(t.RowId(7), testing::IsOkAndHolds(f.original.RowId(7).value()));
  const int fp = *t.schema().Find("fp");
  EXPECT_EQ(t.GetInt(9, fp).value(), f.original.GetInt(9, fp).value());
  absl::StatusOr<Selection> rows = Filter(t, Parse("fp >= 2"));
  ASSERT_THAT(rows.status(), IsOk());
  EXPECT_EQ(*rows, Filter(f.original, Parse("fp >= 2")).value());
  // And the bad column keeps failing: a column is never half verified.
  EXPECT_THAT(t.GetFloat(0, confidence).status(), bad);
}

TEST(CorruptFileReadersTest, EveryReaderOfTheIdsReturnsTheError) {
  // The ids are read by lookups, ties, exports and slice ids; a corrupt id
  // section fails each of them.
  CorruptFile f = Corrupt("data_row_id");
  const Table& t = f.table;
  const Selection live = t.LiveRows();
  const auto bad = NamesTheSection(f, "data_row_id");
  EXPECT_THAT(t.RowId(0).status(), bad);
  EXPECT_THAT(t.Find("dr-00000001").status(), bad);
  EXPECT_THAT(Bind(Parse("data_row_id = 'dr-00000001'"), t).status(), bad);
  EXPECT_THAT(OrderRows(t, live, {"fp", true}, 0, 10).status(), bad);
  EXPECT_THAT(
      SliceRowIds(t, Parse("fp >= 1"), {}, 0, std::nullopt, nullptr).status(),
      bad);
  std::ostringstream exported;
  EXPECT_THAT(ExportRows(t, {0}, ExportFormat::kNdjson, exported), bad);
  EXPECT_THAT(DiscoverSlices(t, {.features = {"dataset"}}).status(), bad);
  EXPECT_THAT(BuildReport(t, {}, ReportOptions{}).status(), bad);
  // A filter that reads no id still scans.
  EXPECT_THAT(Filter(t, Parse("fp >= 1")).status(), IsOk());
  EXPECT_THAT(Summarize(t, live).status(), IsOk());
}

TEST(CorruptFileReadersTest, EveryReaderOfACategoricalColumnReturnsTheError) {
  CorruptFile f = Corrupt("dataset");
  const Table& t = f.table;
  const int dataset = *t.schema().Find("dataset");
  const auto bad = NamesTheSection(f, "dataset");
  EXPECT_THAT(t.GetString(0, dataset).status(), bad);
  EXPECT_THAT(Bind(Parse("dataset = 'ds1'"), t).status(), bad);
  EXPECT_THAT(SummarizeDataset(t, "ds1").status(), bad);
  EXPECT_THAT(OrderRows(t, t.LiveRows(), {"dataset", false}, 0, 5).status(),
              bad);
  EXPECT_THAT(DiscoverSlices(t, {.features = {"dataset"}}).status(), bad);
  EXPECT_THAT(BuildReport(t, {}, ReportOptions{}).status(), bad);
  // Summaries read no categorical column.
  EXPECT_THAT(SummarizeAll(t).status(), IsOk());
}

}  // namespace
}  // namespace slicekit
