// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Table::Save / Table::Open (docs/table-file.md): random tables round-trip
// exactly (storage, rows, scans, order); truncated, bit-flipped, forged and
// foreign files give a clear error and never a wrong answer; a SIGKILL
// during Save leaves the old file whole.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/column_reader.h"
#include "slicekit/csv.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/table.h"
#include "src/table/table_impl.h"
#include "tests/testing/reference.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/table_file_format.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::IsOkAndHolds;
using ::slicekit::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using Verify = TableOpenOptions::Verify;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Saved(const Table& table) {
  const std::string path = testing::TempPath("saved.skt");
  EXPECT_THAT(table.Save(path), IsOk());
  return testing::ReadFile(path);
}

// Expects the two tables' storage to be identical: every chunk, every
// column's encoding, zone map, validity, values and ids, the dictionaries,
// the tombstones and the counters.
const Table& SmallTableForMode() {
  static const Table* table = [] {
    std::mt19937_64 rng(3);
    return new Table(testing::RandomTable(rng, 50, {64}));
  }();
  return *table;
}

void ExpectSameStorage(const Table& a, const Table& b) {
  const internal::TableImpl& x = internal::ImplOf(a);
  const internal::TableImpl& y = internal::ImplOf(b);
  ASSERT_EQ(x.schema, y.schema);
  ASSERT_EQ(x.options.chunk_rows, y.options.chunk_rows);
  ASSERT_EQ(x.num_rows, y.num_rows);
  ASSERT_EQ(x.num_deleted, y.num_deleted);
  ASSERT_EQ(x.generation, y.generation);
  ASSERT_EQ(x.chunks.size(), y.chunks.size());
  auto same = [](const auto& p, const auto& q) {  // bit for bit
    return p.size() == q.size() &&
           (p.empty() ||
            std::memcmp(p.data(), q.data(), p.size() * sizeof(p[0])) == 0);
  };
  for (size_t k = 0; k < x.chunks.size(); ++k) {
    SCOPED_TRACE(absl::StrCat("chunk ", k));
    const internal::Chunk& c = x.chunks[k];
    const internal::Chunk& d = y.chunks[k];
    ASSERT_EQ(c.size, d.size);
    ASSERT_EQ(c.num_deleted, d.num_deleted);
    ASSERT_TRUE(same(c.deleted, d.deleted));
    for (int col = 0; col < x.schema.num_columns(); ++col) {
      SCOPED_TRACE(absl::StrCat("column ", col));
      const internal::ColumnChunk& p = c.columns[col];
      const internal::ColumnChunk& q = d.columns[col];
      EXPECT_EQ(p.null_count, q.null_count);
      EXPECT_TRUE(same(p.validity, q.validity));
      EXPECT_TRUE(same(p.floats, q.floats));
      EXPECT_EQ(p.float_min, q.float_min);
      EXPECT_EQ(p.float_max, q.float_max);
      EXPECT_EQ(p.int_min, q.int_min);
      EXPECT_EQ(p.int_max, q.int_max);
      EXPECT_EQ(p.base, q.base);
      EXPECT_EQ(p.width, q.width);
      EXPECT_TRUE(same(p.u8, q.u8));
      EXPECT_TRUE(same(p.u16, q.u16));
      EXPECT_TRUE(same(p.u32, q.u32));
      EXPECT_TRUE(same(p.u64, q.u64));
      EXPECT_EQ(p.id_fixed, q.id_fixed);
      EXPECT_EQ(p.id_width, q.id_width);
      EXPECT_EQ(p.id_ascending, q.id_ascending);
      EXPECT_TRUE(same(p.id_bytes, q.id_bytes));
      EXPECT_TRUE(same(p.id_ends, q.id_ends));
    }
  }
  for (int col = 0; col < x.schema.num_columns(); ++col) {
    const internal::StringList& s = x.dictionaries[col].strings;
    const internal::StringList& t = y.dictionaries[col].strings;
    ASSERT_EQ(s.size(), t.size());
    for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i], t[i]);
  }
}

// Expects `b` to answer like `a`: every row's cells, Find() of every id,
// random filters (1 and 2 threads) and an order by a random column.
void ExpectSameAnswers(const Table& a, const Table& b, std::mt19937_64& rng,
                       int filters) {
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.num_live_rows(), b.num_live_rows());
  for (size_t r = 0; r < a.num_rows(); ++r) {
    const RowIndex row = static_cast<RowIndex>(r);
    ASSERT_EQ(testing::RowDebugString(a, row), testing::RowDebugString(b, row));
    ASSERT_EQ(a.Find(a.RowId(row).value()).value(),
              b.Find(a.RowId(row).value()).value());
  }
  EXPECT_EQ(b.Find("no such id").value(), std::nullopt);
  for (int f = 0; f < filters; ++f) {
    const Expr filter = testing::RandomExpr(rng, a.schema(), 3);
    SCOPED_TRACE(filter.ToString());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection want, Filter(a, filter));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection got,
                                  Filter(b, filter, {.threads = 1 + f % 2}));
    ASSERT_EQ(got, want);
    const OrderBy order{
        a.schema().column(rng() % a.schema().num_columns()).name,
        rng() % 2 == 0};
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto want_rows,
                                  OrderRows(a, want, order, 0, 25));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto got_rows,
                                  OrderRows(b, got, order, 0, 25));
    ASSERT_EQ(got_rows, want_rows);
  }
}

TEST(TableFileTest, RandomTablesRoundTripExactly) {
  const uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  for (int t = 0; t < 8; ++t) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, ", table ", t));
    const size_t chunk = t % 2 == 0 ? 64 : 256;
    Table table = testing::RandomTable(rng, 1 + rng() % 1500, {chunk});
    if (t % 4 == 3)
      table.Compact().value();  // a later generation, fresh encodings
    const std::string path = testing::TempPath("round.skt");
    ASSERT_THAT(table.Save(path), IsOk());
    for (Verify verify : {Verify::kAll, Verify::kOnFirstUse}) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(Table opened,
                                    Table::Open(path, {.verify = verify}));
      ExpectSameStorage(table, opened);
      ExpectSameAnswers(table, opened, rng, 6);
    }
    // The writer is deterministic: saving the opened table again gives the
    // same bytes (the mapped sections are copied through their checksums).
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        Table opened, Table::Open(path, {.verify = Verify::kOnFirstUse}));
    EXPECT_EQ(Saved(opened), testing::ReadFile(path));
  }
}

TEST(TableFileTest, SavedFilesGetTheUsualModeOrKeepTheirs) {
  const std::string path = testing::TempPath("mode.skt");
  const mode_t mask = umask(022);
  ASSERT_THAT(SmallTableForMode().Save(path), IsOk());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  ASSERT_THAT(SmallTableForMode().Save(path), IsOk());
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  umask(mask);
}

TEST(TableFileTest, EmptyTableRoundTrips) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                Table::Create(testing::RandomTableSchema()));
  const std::string path = testing::TempPath("empty.skt");
  ASSERT_THAT(table.Save(path), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table opened, Table::Open(path));
  EXPECT_EQ(opened.num_rows(), 0u);
  EXPECT_EQ(opened.schema(), table.schema());
  EXPECT_EQ(opened.Find("x").value(), std::nullopt);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection all,
                                Filter(opened, *ParseFilter("fp >= 0")));
  EXPECT_EQ(all.Count(), 0u);
}

TEST(TableFileTest, OpenedTablesChangeInMemoryAndSaveOverTheirFile) {
  const uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  for (int t = 0; t < 4; ++t) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, ", table ", t));
    Table memory = testing::RandomTable(rng, 1 + rng() % 800, {64});
    const std::string path = testing::TempPath("cow.skt");
    ASSERT_THAT(memory.Save(path), IsOk());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Table opened, Table::Open(path));
    // A second reader of the same file keeps its pages across the rewrite.
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        Table reader, Table::Open(path, {.verify = Verify::kOnFirstUse}));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Table original, Table::Open(path));

    // The same changes to both: the opened one copies itself first.
    std::mt19937_64 twin = rng;
    ASSERT_THAT(testing::AppendRandomRows(rng, memory, 150, true), IsOk());
    ASSERT_THAT(testing::AppendRandomRows(twin, opened, 150, true), IsOk());
    ASSERT_THAT(testing::DeleteRandomRows(rng, memory), IsOk());
    ASSERT_THAT(testing::DeleteRandomRows(twin, opened), IsOk());
    ExpectSameStorage(memory, opened);
    ASSERT_THAT(opened.Save(path), IsOk());  // over the file it came from

    SLICEKIT_ASSERT_OK_AND_ASSIGN(Table reopened, Table::Open(path));
    ExpectSameStorage(memory, reopened);
    ExpectSameAnswers(memory, reopened, rng, 4);
    ExpectSameAnswers(original, reader, rng, 4);

    ASSERT_THAT(memory.Compact().status(), IsOk());
    ASSERT_THAT(reopened.Compact().status(), IsOk());
    ExpectSameStorage(memory, reopened);
  }
}

TEST(TableFileTest, CursorsAndStringFiltersWorkOnMappedDictionaries) {
  std::mt19937_64 rng(77);
  Table table = testing::RandomTable(rng, 900, {64});
  const std::string path = testing::TempPath("dict.skt");
  ASSERT_THAT(table.Save(path), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table opened, Table::Open(path, {.verify = Verify::kOnFirstUse}));
  const OrderBy keys[] = {{"dataset", false}, {"confidence", true}};
  std::string cursor_a, cursor_b;
  for (int page = 0; page < 5; ++page) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        OrderedPage a, OrderPage(table, table.LiveRows(), keys, cursor_a, 37));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        OrderedPage b,
        OrderPage(opened, opened.LiveRows(), keys, cursor_b, 37));
    ASSERT_EQ(a.rows, b.rows);
    ASSERT_EQ(a.next_cursor, b.next_cursor);
    cursor_a = a.next_cursor;
    cursor_b = b.next_cursor;
  }
  // An IN list with strings absent from the dictionary, and ids.
  const Expr filter =
      *ParseFilter("split IN ('train', 'no-such-split') OR data_row_id = '" +
                   std::string(table.RowId(5).value()) + "'");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection want, Filter(table, filter));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection got, Filter(opened, filter));
  EXPECT_EQ(got, want);
}

TEST(TableReserveTest, SizesTheIdIndexOnceAndChangesNothingElse) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                Table::Create(testing::RandomTableSchema()));
  const size_t before = table.DictionaryBytes(table.schema().id_column());
  table.Reserve(5000);
  const size_t reserved = table.DictionaryBytes(table.schema().id_column());
  EXPECT_GT(reserved, before);
  std::mt19937_64 rng(8);
  ASSERT_THAT(testing::AppendRandomRows(rng, table, 4000), IsOk());
  EXPECT_EQ(table.DictionaryBytes(table.schema().id_column()), reserved);
  EXPECT_EQ(table.num_rows(), 4000u);
  EXPECT_EQ(table.Find(table.RowId(3999).value()).value(), 3999u);
}

// ---- Bad files ----

// A small table file with every section kind: NULLs (validity), deletes
// (tombstones), mixed-length ids (id offsets), categorical columns.
std::string SmallFile() {
  std::mt19937_64 rng(4242);
  Table table = testing::RandomTable(rng, 700, {64});
  return Saved(table);
}

const Table& SmallTable() {
  static const Table* table = [] {
    std::mt19937_64 rng(4242);
    return new Table(testing::RandomTable(rng, 700, {64}));
  }();
  return *table;
}

// Opens `bytes` as a file and checks the rule: an error that names the
// file, or (when the change hit padding or nothing that matters) a table
// that answers exactly like the original. With kOnFirstUse a corrupt
// column section must fail Verify() and a filter on that column.
void ExpectErrorOrSameTable(const std::string& bytes, std::mt19937_64& rng,
                            absl::string_view what) {
  SCOPED_TRACE(what);
  const std::string path = testing::TempPath("bad.skt");
  WriteFile(path, bytes);
  absl::StatusOr<Table> all = Table::Open(path, {.verify = Verify::kAll});
  absl::StatusOr<Table> lazy =
      Table::Open(path, {.verify = Verify::kOnFirstUse});
  if (!all.ok()) {
    EXPECT_THAT(all.status().message(), HasSubstr(path));
    if (lazy.ok()) {
      // The damage is in a column section: found when it is first read.
      const absl::Status verified = lazy->Verify();
      ASSERT_FALSE(verified.ok());
      EXPECT_THAT(verified,
                  StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path)));
      EXPECT_EQ(verified.message(), all.status().message());
    } else {
      EXPECT_EQ(lazy.status(), all.status());
    }
    return;
  }
  ASSERT_TRUE(lazy.ok()) << lazy.status();
  ExpectSameAnswers(SmallTable(), *all, rng, 2);
  ExpectSameAnswers(SmallTable(), *lazy, rng, 2);
}

TEST(TableFileFaultTest, TruncatedAtEverySectionBoundaryAndRandomOffsets) {
  const std::string file = SmallFile();
  std::vector<size_t> cuts = {0, 1, 7, 8, 9, 63, 64, file.size() - 1};
  for (const testing::FileSection& s : testing::Sections(file)) {
    cuts.push_back(s.offset);
    cuts.push_back(s.offset + s.bytes);
    if (s.bytes > 1) cuts.push_back(s.offset + s.bytes / 2);
  }
  const uint64_t dir =
      testing::LoadAt<uint64_t>(file, testing::kDirectoryOffsetAt);
  cuts.push_back(dir);
  cuts.push_back(dir + 1);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 40; ++i) cuts.push_back(rng() % file.size());
  ASSERT_GT(testing::Sections(file).size(), 40u);
  for (size_t cut : cuts) {
    const std::string path = testing::TempPath("cut.skt");
    WriteFile(path, file.substr(0, cut));
    const absl::Status status = Table::Open(path).status();
    SCOPED_TRACE(absl::StrCat("cut at ", cut));
    if (cut < 8) {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("not a slicekit table file")));
    } else {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kDataLoss,
                                   HasSubstr("truncated")));
    }
    EXPECT_THAT(status.message(), HasSubstr(path));
  }
}

TEST(TableFileFaultTest, BitFlipsInEverySectionAreCaughtOrHarmless) {
  const std::string file = SmallFile();
  const uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  std::vector<size_t> offsets;
  for (const testing::FileSection& s : testing::Sections(file)) {
    if (s.bytes == 0) continue;
    offsets.push_back(s.offset + rng() % s.bytes);  // inside every section
  }
  for (size_t at = 0; at < 64; at += 4) offsets.push_back(at);  // header
  const uint64_t dir =
      testing::LoadAt<uint64_t>(file, testing::kDirectoryOffsetAt);
  for (size_t at = dir; at < file.size(); at += 97) offsets.push_back(at);
  for (int i = 0; i < 30; ++i) offsets.push_back(rng() % file.size());
  int caught = 0;
  for (size_t at : offsets) {
    std::string bad = file;
    bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
    const std::string path = testing::TempPath("flip.skt");
    WriteFile(path, bad);
    caught += !Table::Open(path).ok();
    ExpectErrorOrSameTable(bad, rng,
                           absl::StrCat("seed ", seed, ", flip at ", at));
  }
  // Every section's flip is caught (only padding can be harmless).
  EXPECT_GE(caught, static_cast<int>(testing::Sections(file).size()));
}

TEST(TableFileFaultTest, CorruptColumnIsReportedWhereItIsFirstRead) {
  const std::string file = SmallFile();
  // Flip a byte of chunk 3's values of column 0 (confidence).
  std::string bad = file;
  bool flipped = false;
  for (const testing::FileSection& s : testing::Sections(file)) {
    if (s.kind == 2 && s.chunk == 3 && s.column == 0) {
      bad[s.offset + 1] ^= 0x10;
      flipped = true;
    }
  }
  ASSERT_TRUE(flipped);
  const std::string path = testing::TempPath("column.skt");
  WriteFile(path, bad);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, Table::Open(path, {.verify = Verify::kOnFirstUse}));
  const std::string message =
      "section .* \\(chunk 3 column 'confidence' values, bytes "
      "[0-9]+\\.\\.[0-9]+"
      "\\): checksum mismatch";
  EXPECT_THAT(
      Bind(*ParseFilter("confidence < 0.5"), table).status(),
      StatusIs(absl::StatusCode::kDataLoss, ::testing::ContainsRegex(message)));
  // Other columns still work; the bad one keeps failing.
  EXPECT_THAT(Bind(*ParseFilter("fp >= 1"), table).status(), IsOk());
  EXPECT_THAT(
      OrderRows(table, table.LiveRows(), {"confidence", true}, 0, 3).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path)));
  EXPECT_THAT(table.VerifyColumn(0),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("checksum")));
  EXPECT_THAT(
      table.Save(testing::TempPath("copy.skt")),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("nothing was written")));
  std::vector<std::string> ids = {std::string(SmallTable().RowId(0).value())};
  EXPECT_THAT(table.Delete(ids),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("checksum")));
  EXPECT_EQ(table.num_rows(), SmallTable().num_rows());  // unchanged
  EXPECT_THAT(table.Compact().status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path)));
  EXPECT_EQ(table.num_rows(), SmallTable().num_rows());  // unchanged
  // The one-value accessors and a reader report it too; other columns read.
  EXPECT_THAT(
      table.GetFloat(0, 0).status(),
      StatusIs(absl::StatusCode::kDataLoss, ::testing::ContainsRegex(message)));
  EXPECT_THAT(
      TableReader::Make(table, std::vector{0}).status(),
      StatusIs(absl::StatusCode::kDataLoss, ::testing::ContainsRegex(message)));
  EXPECT_THAT(TableReader::Make(table, std::vector{1, 0}).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path)));
  EXPECT_THAT(table.RowId(0), IsOkAndHolds(SmallTable().RowId(0).value()));
  EXPECT_THAT(table.Find(SmallTable().RowId(5).value()),
              IsOkAndHolds(std::optional<RowIndex>(5)));
  EXPECT_THAT(TableReader::Make(table, std::vector{1}).status(), IsOk());
  EXPECT_THAT(table.GetFloat(0, 0).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("checksum")));
}

// Flags and reserved bytes that version 1 does not define, with valid
// checksums: refused, naming what is wrong (they were ignored before).
TEST(TableFileFaultTest, UnknownHeaderFlagsAndReservedBytesAreRejected) {
  const std::string file = SmallFile();
  const uint64_t dir =
      testing::LoadAt<uint64_t>(file, testing::kDirectoryOffsetAt);
  struct Case {
    const char* name;
    size_t at;
    const char* error;
  } cases[] = {
      {"a flag", 44,
       "header: unknown flags 0x00000004 (format version 2 has none)"},
      {"a high flag", 47, "header: unknown flags 0x04000000"},
      {"a reserved header byte", 50, "header: reserved bytes are not 0"},
      {"the directory head's reserved word", dir + 56,
       "directory: the head's reserved bytes are not 0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string bad = file;
    bad[c.at] = static_cast<char>(bad[c.at] | 0x04);
    ASSERT_TRUE(testing::Reseal(bad));
    const std::string path = testing::TempPath("flags.skt");
    WriteFile(path, bad);
    EXPECT_THAT(Table::Open(path).status(),
                StatusIs(absl::StatusCode::kDataLoss,
                         AllOf(HasSubstr(path), HasSubstr(c.error))));
  }
}

TEST(TableFileFaultTest, ForgedFilesWithValidChecksumsAreRejected) {
  const std::string file = SmallFile();
  const std::vector<testing::FileSection> sections = testing::Sections(file);
  struct Forgery {
    const char* name;
    uint32_t kind;
    const char* error;
    bool one_bit;  // flip bit 0 (counts change by one), else write 0xff
  };
  // The first section of each kind changed, checksums fixed: the checks
  // behind the checksums must catch it.
  const Forgery forgeries[] = {
      {"codes beyond the dictionary", 2, "outside the chunk's zone map", false},
      {"tombstones", 1, "deleted count", true},
      {"validity", 3, "validity bits", true},
      {"id offsets", 4, "id", false},
      {"dictionary offsets", 5, "dictionary", false},
  };
  for (const Forgery& forgery : forgeries) {
    SCOPED_TRACE(forgery.name);
    std::string bad = file;
    const testing::FileSection* target = nullptr;
    for (const testing::FileSection& s : sections) {
      // Values: a categorical column (3: split) so 0xff is not a code.
      if (s.kind == forgery.kind && (s.kind != 2 || s.column == 3)) {
        target = &s;
        break;
      }
    }
    ASSERT_NE(target, nullptr);
    if (forgery.one_bit) {
      bad[target->offset] = static_cast<char>(bad[target->offset] ^ 1);
    } else {
      bad[target->offset] = static_cast<char>(0xff);
    }
    ASSERT_TRUE(testing::Reseal(bad));
    const std::string path = testing::TempPath("forged.skt");
    WriteFile(path, bad);
    const absl::Status status = Table::Open(path).status();
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kDataLoss,
                                 HasSubstr(forgery.error)));
    EXPECT_THAT(status.message(), HasSubstr(path));
  }
}

// Found by table_file_fuzzer: a section placed after the directory (its
// offset past the data area) once made the checksum read out of bounds.
TEST(TableFileFaultTest, ForgedSectionOutsideTheDataAreaIsRejected) {
  std::string file = SmallFile();
  const uint64_t dir =
      testing::LoadAt<uint64_t>(file, testing::kDirectoryOffsetAt);
  const uint64_t bytes =
      testing::LoadAt<uint64_t>(file, testing::kDirectoryBytesAt);
  const uint32_t n =
      testing::LoadAt<uint32_t>(file, dir + testing::kNumSectionsAt);
  const uint64_t last = dir + bytes - testing::kSectionEntryBytes;
  ASSERT_GT(n, 0u);
  testing::StoreAt<uint64_t>(file, last, dir + (uint64_t{1} << 40));
  ASSERT_TRUE(testing::Reseal(file));
  const std::string path = testing::TempPath("outside.skt");
  WriteFile(path, file);
  EXPECT_THAT(Table::Open(path).status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("lies outside the data area")));
}

TEST(TableFileFaultTest, ForeignFilesAreNotTableFiles) {
  const std::string csv = testing::TempPath("table.csv");
  WriteFile(csv, "data_row_id,confidence\na,0.5\n");
  const std::string sqlite = testing::TempPath("store.db");
  WriteFile(sqlite,
            std::string("SQLite format 3\0", 16) + std::string(4080, '\0'));
  const std::string empty = testing::TempPath("empty.skt");
  WriteFile(empty, "");
  const std::string dir = testing::TempPath("folder.skt");
  // A run that died, or an earlier process with the same pid, may have left
  // it (temporary names are made of the pid and a counter).
  rmdir(dir.c_str());
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0) << std::strerror(errno);
  for (const std::string& path : {csv, sqlite, empty, dir}) {
    EXPECT_THAT(
        Table::Open(path).status(),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr(absl::StrCat(path, ": not a slicekit table file"))));
  }
  EXPECT_THAT(Table::Open(testing::TempPath("missing.skt")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot open")));
  EXPECT_THAT(
      SmallTable().Save(testing::TempPath("no/such/dir/x.skt")),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("temporary file")));
  rmdir(dir.c_str());
  for (const std::string& path : {csv, sqlite, empty}) {
    std::remove(path.c_str());
  }
}

TEST(TableFileFaultTest, NewerFormatVersionIsRefused) {
  std::string file = SmallFile();
  testing::StoreAt<uint32_t>(file, testing::kVersionAt, 3);
  testing::Reseal(file);
  const std::string path = testing::TempPath("v3.skt");
  WriteFile(path, file);
  EXPECT_THAT(Table::Open(path).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("format version 3 is newer than this build")));
}

// A child process saves tables A and B over one path in a loop; SIGKILL at
// random moments must leave a file that opens and equals A or B.
TEST(TableFileFaultTest, KillDuringSaveLeavesTheOldFileWhole) {
  std::mt19937_64 rng(99);
  const Table a = testing::RandomTable(rng, 60000, {4096});
  const Table b = testing::RandomTable(rng, 50000, {4096});
  const std::string a_bytes = Saved(a);
  const std::string b_bytes = Saved(b);
  const std::string path = testing::TempPath("killed.skt");
  ASSERT_THAT(a.Save(path), IsOk());
  const uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 delays(seed);
  for (int kill = 0; kill < 12; ++kill) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0;; ++i) {
        if (!(i % 2 == 0 ? b : a).Save(path).ok()) _exit(3);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delays() % 40000));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the saver stopped by itself";
    const std::string now = testing::ReadFile(path);
    ASSERT_TRUE(now == a_bytes || now == b_bytes) << "kill " << kill;
    EXPECT_THAT(Table::Open(path).status(), IsOk());
  }
}

// Format version 1 (crc32 checksums) as slicekit wrote it before version 2:
// tests/data/table_file_v1/metrics_300.skt is `slicekit convert` of the
// committed metrics_300.csv by that build.
class TableFileVersion1Test : public ::testing::Test {
 protected:
  static std::string Dir() {
    return std::string(SLICEKIT_TEST_DATA_DIR) + "/table_file_v1";
  }
  static std::string V1Path() { return Dir() + "/metrics_300.skt"; }
  static Table FromCsv() {
    absl::StatusOr<Table> table = ReadCsvFile(Dir() + "/metrics_300.csv");
    EXPECT_THAT(table.status(), IsOk());
    return *std::move(table);
  }
};

TEST_F(TableFileVersion1Test, OpensAndAnswersAsItsCsv) {
  const std::string bytes = testing::ReadFile(V1Path());
  ASSERT_EQ(testing::LoadAt<uint32_t>(bytes, testing::kVersionAt), 1u);
  const Table csv = FromCsv();
  std::mt19937_64 rng(11);
  for (const Verify verify : {Verify::kAll, Verify::kOnFirstUse}) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table v1,
                                  Table::Open(V1Path(), {.verify = verify}));
    ExpectSameStorage(csv, v1);
    ExpectSameAnswers(csv, v1, rng, 8);
    EXPECT_THAT(v1.Verify(), IsOk());
  }
}

TEST_F(TableFileVersion1Test, AFlippedBitFailsItsCrc32) {
  const std::string bytes = testing::ReadFile(V1Path());
  const std::vector<testing::FileSection> sections = testing::Sections(bytes);
  ASSERT_FALSE(sections.empty());
  int refused = 0;
  for (const testing::FileSection& s : sections) {
    if (s.bytes == 0) continue;
    std::string flipped = bytes;
    flipped[s.offset + s.bytes / 2] ^= 0x10;
    const std::string path = testing::TempPath("v1_flipped.skt");
    WriteFile(path, flipped);
    const absl::StatusOr<Table> opened = Table::Open(path);
    EXPECT_THAT(opened.status(), StatusIs(absl::StatusCode::kDataLoss,
                                          HasSubstr("checksum mismatch")));
    refused += !opened.ok();
  }
  EXPECT_GT(refused, 10);
}

// Saving a table opened from a version 1 file writes version 2: every
// section checked against its crc32 as it is copied, then sealed with XXH3.
TEST_F(TableFileVersion1Test, SavingWritesVersion2WithTheSameTable) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Table v1, Table::Open(V1Path(), {.verify = Verify::kOnFirstUse}));
  const std::string saved = Saved(v1);
  EXPECT_EQ(testing::LoadAt<uint32_t>(saved, testing::kVersionAt), 2u);
  // Resealing with version 2's checksum changes nothing: every stored
  // checksum is XXH3's (and none is crc32's, or this could not fail).
  std::string resealed = saved;
  ASSERT_TRUE(testing::Reseal(resealed));
  EXPECT_EQ(resealed, saved);
  std::string as_crc32 = saved;
  testing::StoreAt<uint32_t>(as_crc32, testing::kVersionAt, 1);
  ASSERT_TRUE(testing::Reseal(as_crc32));
  testing::StoreAt<uint32_t>(as_crc32, testing::kVersionAt, 2);
  EXPECT_NE(as_crc32.substr(64), saved.substr(64));

  const std::string path = testing::TempPath("v1_resaved.skt");
  WriteFile(path, saved);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table v2, Table::Open(path));
  std::mt19937_64 rng(12);
  ExpectSameStorage(FromCsv(), v2);
  ExpectSameAnswers(FromCsv(), v2, rng, 8);
}

// A version 1 table changed after opening (copy on write) and saved: the
// new file holds the change and is version 2.
TEST_F(TableFileVersion1Test, ChangedAndSavedKeepsTheChange) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table v1, Table::Open(V1Path()));
  Table csv = FromCsv();
  const std::vector<std::string> gone = {std::string(*csv.RowId(5)),
                                         std::string(*csv.RowId(77))};
  ASSERT_THAT(v1.Delete(gone), IsOk());
  ASSERT_THAT(csv.Delete(gone), IsOk());
  const std::string saved = Saved(v1);
  EXPECT_EQ(testing::LoadAt<uint32_t>(saved, testing::kVersionAt), 2u);
  const std::string path = testing::TempPath("v1_changed.skt");
  WriteFile(path, saved);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table reopened, Table::Open(path));
  std::mt19937_64 rng(13);
  ExpectSameAnswers(csv, reopened, rng, 4);
  EXPECT_EQ(reopened.num_live_rows(), 298u);
}

}  // namespace
}  // namespace slicekit
