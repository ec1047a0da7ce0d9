// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Store operations per second from several client processes sharing one
// durable store: a SQLite file, or a PostgreSQL server (--store=URI).
//
//   70%  get a slice by id
//   20%  list the org's slices
//   10%  update a slice's filter (a change: the SQLite write lock, or the
//        org's row lock in PostgreSQL)
//
// The parent creates the store with 40 slices in one org, closes it and
// forks the clients, which open the store themselves and run the mix for a
// fixed time; all clients work on the same org, so every change contends
// with every other. Any failed call is an error (exit 1). The last lines
// give per kind the count and rate, the total, and the errors.
//
//   store_clients_benchmark [--store=LOCATION] [--processes=8] [--seconds=5]
//
// Without --store the store is a SQLite file in a new temporary directory,
// removed at the end. A PostgreSQL --store should name an empty database or
// schema (e.g. "postgresql:///bench?host=/tmp&options=-csearch_path%3Db1");
// the benchmark leaves its slices there.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"

namespace {

using slicekit::SliceStore;

constexpr int kSlices = 40;
constexpr int kKinds = 3;
const char* const kKindNames[kKinds] = {"get", "list", "update"};

struct Counts {
  int64_t ops[kKinds] = {0, 0, 0};
  int64_t errors = 0;
};

// One client: opens the store and runs the mix until `deadline`.
Counts RunClient(const std::string& location,
                 const std::vector<std::string>& ids, int seed,
                 std::chrono::steady_clock::time_point deadline) {
  Counts counts;
  absl::StatusOr<std::unique_ptr<SliceStore>> store =
      SliceStore::Open(location);
  if (!store.ok()) {
    std::fprintf(stderr, "client: %s\n", store.status().ToString().c_str());
    counts.errors = 1;
    return counts;
  }
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, kSlices - 1), mix(0, 99);
  int64_t i = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const int roll = mix(rng);
    const std::string& id = ids[pick(rng)];
    absl::Status status;
    int kind = 0;
    if (roll < 70) {
      status = (*store)->Get("acme", id).status();
    } else if (roll < 90) {
      kind = 1;
      status =
          (*store)->List("acme", slicekit::SliceListOrder::kByName).status();
    } else {
      kind = 2;
      const auto filter =
          slicekit::ParseFilter(absl::StrCat("fp >= ", seed * 1000000 + (++i)));
      status = (*store)->UpdateFilter("acme", id, *filter, {}).status();
    }
    if (status.ok()) {
      ++counts.ops[kind];
    } else {
      ++counts.errors;
      std::fprintf(stderr, "client: %s\n", status.ToString().c_str());
    }
  }
  return counts;
}

bool Flag(const char* arg, const char* name, std::string* value) {
  const std::string prefix = absl::StrCat("--", name, "=");
  if (std::string(arg).rfind(prefix, 0) != 0) return false;
  *value = std::string(arg).substr(prefix.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string location, value;
  int processes = 8, seconds = 5;
  for (int a = 1; a < argc; ++a) {
    if (Flag(argv[a], "store", &value)) {
      location = value;
    } else if (Flag(argv[a], "processes", &value) &&
               absl::SimpleAtoi(value, &processes) && processes > 0) {
    } else if (Flag(argv[a], "seconds", &value) &&
               absl::SimpleAtoi(value, &seconds) && seconds > 0) {
    } else {
      std::fprintf(stderr,
                   "usage: store_clients_benchmark [--store=LOCATION] "
                   "[--processes=N] [--seconds=S]\n");
      return 2;
    }
  }
  std::string temp_dir;
  if (location.empty()) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "slicekit_clients_XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) return 1;
    temp_dir = tmpl;
    location = temp_dir + "/store.db";
  }
  std::vector<std::string> ids;
  {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::Open(location);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    for (int s = 0; s < kSlices; ++s) {
      auto slice = (*store)->Create("acme", {absl::StrCat("bench slice ", s),
                                             "",
                                             *slicekit::ParseFilter("fp >= 1"),
                                             {}});
      if (!slice.ok()) {
        std::fprintf(stderr, "%s\n", slice.status().ToString().c_str());
        return 1;
      }
      ids.push_back(slice->id);
    }
  }
  const bool postgres = slicekit::IsPostgresUri(location);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::pair<pid_t, int>> clients;  // pid, read end
  std::fflush(nullptr);
  for (int p = 0; p < processes; ++p) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      const Counts counts = RunClient(location, ids, p + 1, deadline);
      const bool sent =
          write(fds[1], &counts, sizeof(counts)) == sizeof(counts);
      _exit(sent ? 0 : 1);
    }
    close(fds[1]);
    clients.emplace_back(pid, fds[0]);
  }
  Counts total;
  bool failed = false;
  for (const auto& [pid, fd] : clients) {
    Counts counts;
    failed |= read(fd, &counts, sizeof(counts)) != sizeof(counts);
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    for (int k = 0; k < kKinds; ++k) total.ops[k] += counts.ops[k];
    total.errors += counts.errors;
  }
  if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  int64_t all = 0;
  std::printf("backend %s, %d client processes, %d s\n",
              postgres ? "postgresql" : "sqlite", processes, seconds);
  for (int k = 0; k < kKinds; ++k) {
    all += total.ops[k];
    std::printf("%-8s %10lld ops %10.0f ops/s\n", kKindNames[k],
                static_cast<long long>(total.ops[k]),
                static_cast<double>(total.ops[k]) / seconds);
  }
  std::printf("total    %10lld ops %10.0f ops/s, errors %lld\n",
              static_cast<long long>(all), static_cast<double>(all) / seconds,
              static_cast<long long>(total.errors));
  return failed || total.errors > 0 ? 1 : 0;
}
