// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes Table::Open (docs/table-file.md) on arbitrary bytes:
//  - Open either succeeds or returns InvalidArgument, FailedPrecondition or
//    DataLoss naming the file; opening with kOnFirstUse and then Verify()
//    reaches the same verdict;
//  - an opened table keeps its promises: every row reads back through the
//    accessors, ids are unique (or the first id lookup reports DataLoss)
//    and Find() maps each live id to its row, random filters select exactly
//    the rows the row-at-a-time reference selects, ordering works, and Save
//    then Open round-trips the bytes.
// When the first byte is odd, the rest has its checksums recomputed
// (tests/testing/table_file_format.h) before it is opened, so mutations get
// past the checksums to the structural checks behind them.
// Any violation aborts, which libFuzzer reports as a crash.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/table.h"
#include "tests/fuzz/fail.h"
#include "tests/testing/reference.h"
#include "tests/testing/table_file_format.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "table_file_fuzzer";

// The bytes as a file without touching the disk.
class MemoryFile {
 public:
  explicit MemoryFile(const std::string& bytes)
      : fd_(memfd_create("fuzz.skt", MFD_CLOEXEC)) {
    if (fd_ < 0 || ::write(fd_, bytes.data(), bytes.size()) !=
                       static_cast<ssize_t>(bytes.size())) {
      fuzz::Fail(kTarget, "cannot make the memory file", "");
    }
    path_ = absl::StrCat("/proc/self/fd/", fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void CheckError(const absl::Status& status, const std::string& path) {
  const absl::StatusCode code = status.code();
  if (code != absl::StatusCode::kInvalidArgument &&
      code != absl::StatusCode::kFailedPrecondition &&
      code != absl::StatusCode::kDataLoss) {
    fuzz::Fail(kTarget, "unexpected error code", status.ToString());
  }
  if (!absl::StrContains(status.message(), path)) {
    fuzz::Fail(kTarget, "the error does not name the file", status.ToString());
  }
}

void CheckTable(const Table& table, const std::string& path, uint64_t seed) {
  // The first id lookup builds the index; a forged file may repeat an id.
  absl::StatusOr<BoundFilter> by_id =
      Bind(*ParseFilter("data_row_id IN ('a', 'b')"), table);
  const bool ids_unique = by_id.ok();
  if (!ids_unique) CheckError(by_id.status(), path);
  for (size_t r = 0; r < table.num_rows(); ++r) {
    const RowIndex row = static_cast<RowIndex>(r);
    const std::string text = testing::RowDebugString(table, row);
    if (ids_unique && table.IsLive(row) &&
        table.Find(table.RowId(row).value()).value() != row) {
      fuzz::Fail(kTarget, "Find() does not map an id to its row", text);
    }
  }
  if (table.num_live_rows() != table.LiveRows().Count()) {
    fuzz::Fail(kTarget, "live row count disagrees", "");
  }
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 4; ++i) {
    const Expr filter = testing::RandomExpr(rng, table.schema(), 2);
    absl::StatusOr<Selection> got = Filter(table, filter, {.threads = 1});
    if (!got.ok()) {
      // Only an id filter over repeated ids may fail.
      if (ids_unique)
        fuzz::Fail(kTarget, "Filter failed", got.status().ToString());
      continue;
    }
    if (*got != testing::ReferenceFilter(table, filter)) {
      fuzz::Fail(kTarget, "the scan disagrees with the reference",
                 filter.ToString());
    }
    const OrderBy order{
        table.schema().column(rng() % table.schema().num_columns()).name,
        rng() % 2 == 0};
    absl::StatusOr<std::vector<RowIndex>> rows =
        OrderRows(table, *got, order, 0, 10);
    if (!rows.ok() || rows->size() != std::min<size_t>(10, got->Count())) {
      fuzz::Fail(kTarget, "OrderRows failed", order.column);
    }
  }
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace slicekit;
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) testing::Reseal(bytes);
  const MemoryFile file(bytes);
  absl::StatusOr<Table> all = Table::Open(file.path());
  absl::StatusOr<Table> lazy = Table::Open(
      file.path(), {.verify = TableOpenOptions::Verify::kOnFirstUse});
  if (!all.ok()) {
    CheckError(all.status(), file.path());
    const absl::Status lazy_status = lazy.ok() ? lazy->Verify() : lazy.status();
    if (lazy_status != all.status()) {
      fuzz::Fail(kTarget, "kOnFirstUse + Verify() disagrees with kAll",
                 absl::StrCat(all.status().ToString(), " vs ",
                              lazy_status.ToString()));
    }
    return 0;
  }
  if (!lazy.ok()) fuzz::Fail(kTarget, "kAll opens, kOnFirstUse does not", "");
  CheckTable(*all, file.path(), size);
  // Saved again, it opens to the same table: the same bytes once more.
  char tmp[] = "/tmp/table_file_fuzzer.XXXXXX";
  if (mkdtemp(tmp) == nullptr) fuzz::Fail(kTarget, "no temporary folder", "");
  const std::string a = std::string(tmp) + "/a.skt";
  const std::string b = std::string(tmp) + "/b.skt";
  absl::Status saved = lazy->Save(a);
  if (!saved.ok()) fuzz::Fail(kTarget, "Save failed", saved.ToString());
  absl::StatusOr<Table> again = Table::Open(a);
  if (!again.ok())
    fuzz::Fail(kTarget, "a saved table does not open",
               again.status().ToString());
  saved = again->Save(b);
  if (!saved.ok()) fuzz::Fail(kTarget, "Save failed", saved.ToString());
  if (ReadFile(a) != ReadFile(b)) {
    fuzz::Fail(kTarget, "Save of a reopened table changed the bytes", "");
  }
  ::unlink(a.c_str());
  ::unlink(b.c_str());
  ::rmdir(tmp);
  return 0;
}
