// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The victim of slice_store_kill_test: runs random slice store operations
// on the SQLite store at STORE until it is killed.
//
//   slice_store_chaos_worker STORE LOG SEED
//
// Every operation is logged to LOG (truncated at start) twice, each line with
// one write(2) followed by fsync(2), so a line in the log means exactly what
// it says even if the process dies right after:
//
//   B <seq> <op> <org> <target id> <name> <description> <filter> <order>
//     <expected version>
//       before the call is made (the call may or may not have happened);
//   E <seq> OK <id> <name> <description> <filter> <order> <version>
//       after it returned the slice (Delete: no slice fields);
//   E <seq> ERR <status code> <message>
//       after it returned an error.
//
// Fields are separated by tabs (no value contains a tab or a newline).
// <filter> is FormatFilter() text, <order> is "col:a,col:d" ("" for none),
// unused fields are empty. After the B line is durable, "B <seq>" goes to
// stdout so the supervisor can aim its SIGKILL at a chosen operation.
//
// The operations are Create, UpdateFilter, UpdateFilterAsNew, Rename,
// SetDescription and Delete on two orgs, with names that collide case-
// insensitively (Straße/STRASSE), stale expected versions, unknown ids and
// invalid names, so errors are logged and checked as well as successes. The
// worker keeps its own copy of the store's state (read once at start) only
// to choose plausible targets; the supervisor checks everything.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"

namespace {

using slicekit::OrderBy;
using slicekit::Slice;

int log_fd = -1;

// Writes `line` with one write(2) and makes it durable.
void Log(const std::string& line) {
  const std::string text = line + "\n";
  if (write(log_fd, text.data(), text.size()) !=
          static_cast<ssize_t>(text.size()) ||
      fsync(log_fd) != 0) {
    std::_Exit(3);
  }
}

void Notify(const std::string& line) {
  const std::string text = line + "\n";
  if (write(STDOUT_FILENO, text.data(), text.size()) !=
      static_cast<ssize_t>(text.size())) {
    std::_Exit(3);
  }
}

std::string OrderText(const std::vector<OrderBy>& order_by) {
  std::vector<std::string> keys;
  for (const OrderBy& k : order_by) {
    keys.push_back(absl::StrCat(k.column, k.descending ? ":d" : ":a"));
  }
  return absl::StrJoin(keys, ",");
}

// Status messages may quote user text; keep the log line one line.
std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\t", " "}, {"\n", " "}});
}

std::string SliceFields(const Slice& s) {
  return absl::StrJoin(
      {s.id, s.name, s.description, slicekit::FormatFilter(s.filter),
       OrderText(s.order_by), absl::StrCat(s.version)},
      "\t");
}

class Chaos {
 public:
  Chaos(slicekit::SliceStore& store, uint64_t seed)
      : store_(store), rng_(seed) {}

  bool LoadState() {
    for (const char* org : {"acme", "zeta"}) {
      auto slices = store_.List(org, slicekit::SliceListOrder::kByCreationTime);
      if (!slices.ok()) return false;
      for (const Slice& s : *slices) state_[org][s.id] = s;
    }
    return true;
  }

  void RunOne(int seq) {
    const std::string org = Chance(0.85) ? "acme" : "zeta";
    auto& slices = state_[org];
    // Keep the org near its limit, so that ResourceExhausted is exercised
    // as well as deletes.
    const double create_p = slices.size() < 95 ? 0.4 : 0.2;
    std::string op;
    if (slices.empty() || Chance(create_p)) {
      op = "create";
    } else {
      static const char* kOps[] = {"update", "as_new", "rename", "describe",
                                   "delete"};
      op = kOps[Uniform(0, 4)];
    }
    std::string target;
    std::optional<int64_t> expected;
    if (op != "create") {
      if (Chance(0.03)) {
        target = "sl_00000000deadbeef";  // never issued: NotFound
      } else {
        auto it = slices.begin();
        std::advance(it, Uniform(0, static_cast<int>(slices.size()) - 1));
        target = it->first;
        const double r = Uniform01();
        if (r < 0.2) {
          expected = it->second.version;
        } else if (r < 0.3) {
          expected = it->second.version + (Chance(0.5) ? 1 : -1);  // stale
        }
      }
    }
    const bool named = op == "create" || op == "as_new" || op == "rename";
    const bool filtered = op == "create" || op == "update" || op == "as_new";
    const std::string name = named ? RandomName() : "";
    const std::string description =
        op == "create" || op == "describe" ? RandomDescription() : "";
    const slicekit::Expr filter = filtered ? RandomFilter() : slicekit::Expr();
    const std::vector<OrderBy> order_by =
        filtered ? RandomOrder() : std::vector<OrderBy>();
    Log(absl::StrJoin(
        {std::string("B"), absl::StrCat(seq), op, org, target, name,
         description, filtered ? slicekit::FormatFilter(filter) : "",
         OrderText(order_by),
         expected.has_value() ? absl::StrCat(*expected) : ""},
        "\t"));
    Notify(absl::StrCat("B ", seq));

    absl::StatusOr<Slice> result;
    if (op == "create") {
      result = store_.Create(org, {name, description, filter, order_by});
    } else if (op == "update") {
      result = store_.UpdateFilter(org, target, filter, order_by, expected);
    } else if (op == "as_new") {
      result = store_.UpdateFilterAsNew(org, target, name, filter, order_by,
                                        expected);
    } else if (op == "rename") {
      result = store_.Rename(org, target, name, expected);
    } else if (op == "describe") {
      result = store_.SetDescription(org, target, description, expected);
    } else {
      const absl::Status deleted = store_.Delete(org, target, expected);
      if (deleted.ok()) {
        Log(absl::StrCat("E\t", seq, "\tOK"));
        slices.erase(target);
        return;
      }
      result = deleted;
    }
    if (!result.ok()) {
      Log(absl::StrCat("E\t", seq, "\tERR\t",
                       absl::StatusCodeToString(result.status().code()), "\t",
                       OneLine(result.status().message())));
      return;
    }
    Log(absl::StrCat("E\t", seq, "\tOK\t", SliceFields(*result)));
    slices[result->id] = *result;
  }

 private:
  bool Chance(double p) { return Uniform01() < p; }
  double Uniform01() {
    return std::uniform_real_distribution<double>(0, 1)(rng_);
  }
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  // Few enough distinct names that they collide, in spellings that are
  // equal after case folding (and, for the padded one, after trimming).
  std::string RandomName() {
    if (Chance(0.02)) return "x";  // too short: InvalidArgument
    static const char* kStems[] = {"slice",   "Slice", "SLICE", "Straße",
                                   "STRASSE", "ärger", "Ärger", " fehler "};
    return absl::StrCat(kStems[Uniform(0, 7)], Uniform(0, 59));
  }
  std::string RandomDescription() {
    if (Chance(0.3)) return "";
    return absl::StrCat("description ", Uniform(0, 999), " é ",
                        std::string(static_cast<size_t>(Uniform(0, 200)), 'd'));
  }
  slicekit::Expr RandomFilter() {
    static const char* kFilters[] = {"fp >= 1", "confidence < 0.5 AND fp >= 1",
                                     "iou IS NULL", "dataset IN ('ds1', 'ds2')",
                                     "NOT (tp >= 1) OR recall < 0.25"};
    std::string text = kFilters[Uniform(0, 4)];
    absl::StrAppend(&text, " AND fn <= ", Uniform(0, 99));
    return *slicekit::ParseFilter(text);
  }
  std::vector<OrderBy> RandomOrder() {
    static const char* kColumns[] = {"confidence", "iou", "fp"};
    std::vector<OrderBy> order_by;
    const int first = Uniform(0, 2);
    for (int i = 0, n = Uniform(0, 2); i < n; ++i) {
      order_by.push_back({kColumns[(first + i) % 3], Chance(0.5)});
    }
    return order_by;
  }

  slicekit::SliceStore& store_;
  std::mt19937_64 rng_;
  std::map<std::string, std::map<std::string, Slice>> state_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: slice_store_chaos_worker STORE LOG SEED\n");
    return 2;
  }
  log_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
  if (log_fd < 0) return 3;
  auto store = slicekit::SliceStore::OpenSqlite(argv[1]);
  if (!store.ok()) {
    Log(absl::StrCat("X\topen\t", OneLine(store.status().ToString())));
    return 1;
  }
  Chaos chaos(**store, std::strtoull(argv[3], nullptr, 10));
  if (!chaos.LoadState()) {
    Log("X\tlist");
    return 1;
  }
  for (int seq = 1;; ++seq) chaos.RunOne(seq);
}
