// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A writer process for slice_store_process_test. Opens the store at PATH (a
// SQLite file, or a PostgreSQL URI), prints "ready", waits for one byte on
// stdin, then writes, printing one line per finished call with a single
// write(2), after the call returned, so every line the parent reads is an
// acknowledged result:
//
//   slice_store_worker create PATH ORG PREFIX COUNT
//     creates slices PREFIX0..PREFIX<COUNT-1>; prints "ok ID NAME",
//     "exhausted" or "error MESSAGE" per call.
//   slice_store_worker churn PATH ORG PREFIX
//     creates PREFIX0, PREFIX1, ... forever; prints "created ID NAME"; when
//     the org is full, prints "deleting ID", deletes its oldest slice and
//     prints "deleted ID".
//     Meant to be killed.
//   slice_store_worker update PATH ORG SLICE_ID COUNT TAG
//     replaces slice SLICE_ID's filter COUNT times with `fp = <TAG>0000 + i`
//     (no expected version, actor TAG); prints "ok VERSION I" per call, or
//     "error MESSAGE".
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"

namespace {

void Say(const std::string& line) {
  const std::string text = line + "\n";
  if (write(STDOUT_FILENO, text.data(), text.size()) !=
      static_cast<ssize_t>(text.size())) {
    std::_Exit(3);
  }
}

slicekit::SliceSpec Spec(const std::string& name) {
  // The filter names the slice, so the parent can check it is intact.
  return slicekit::SliceSpec{
      name,
      absl::StrCat("made by worker ", getpid()),
      *slicekit::ParseFilter(absl::StrCat("name = '", name, "' AND fp >= 1")),
      {{"confidence", true}}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: slice_store_worker create|churn|update PATH|URI ORG "
                 "PREFIX|SLICE_ID [COUNT [TAG]]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::string org = argv[3];
  const std::string prefix = argv[4];
  // A SQLite file path or a PostgreSQL URI.
  auto store = slicekit::SliceStore::Open(argv[2]);
  if (!store.ok()) {
    Say(absl::StrCat("error ", store.status().ToString()));
    return 1;
  }
  Say("ready");
  char go;
  if (read(STDIN_FILENO, &go, 1) != 1) return 1;

  if (mode == "create" && argc == 6) {
    const int count = std::atoi(argv[5]);
    for (int i = 0; i < count; ++i) {
      const auto slice = (*store)->Create(org, Spec(absl::StrCat(prefix, i)));
      if (slice.ok()) {
        Say(absl::StrCat("ok ", slice->id, " ", slice->name));
      } else if (absl::IsResourceExhausted(slice.status())) {
        Say("exhausted");
      } else {
        Say(absl::StrCat("error ", slice.status().ToString()));
      }
    }
    return 0;
  }
  if (mode == "update" && argc == 7) {
    const int count = std::atoi(argv[5]);
    const std::string tag = argv[6];
    for (int i = 0; i < count; ++i) {
      const auto filter = slicekit::ParseFilter(
          absl::StrCat("fp = ", std::atoi(tag.c_str()) * 10000 + i));
      const auto slice = (*store)->UpdateFilter(
          org, prefix, *filter, {}, std::nullopt, {tag, std::nullopt});
      if (slice.ok()) {
        Say(absl::StrCat("ok ", slice->version, " ", i));
      } else {
        Say(absl::StrCat("error ", slice.status().ToString()));
      }
    }
    return 0;
  }
  if (mode == "churn") {
    for (int i = 0;; ++i) {
      const auto slice = (*store)->Create(org, Spec(absl::StrCat(prefix, i)));
      if (slice.ok()) {
        Say(absl::StrCat("created ", slice->id, " ", slice->name));
        continue;
      }
      if (!absl::IsResourceExhausted(slice.status())) {
        Say(absl::StrCat("error ", slice.status().ToString()));
        return 1;
      }
      const auto all =
          (*store)->List(org, slicekit::SliceListOrder::kByCreationTime);
      if (!all.ok() || all->empty()) return 1;
      // Announced first: if killed now, the parent knows which slice may
      // be gone without an acknowledgement.
      Say(absl::StrCat("deleting ", all->front().id));
      const absl::Status deleted = (*store)->Delete(org, all->front().id);
      if (!deleted.ok()) {
        Say(absl::StrCat("error ", deleted.ToString()));
        return 1;
      }
      Say(absl::StrCat("deleted ", all->front().id));
    }
  }
  std::fprintf(stderr, "slice_store_worker: bad arguments\n");
  return 2;
}
