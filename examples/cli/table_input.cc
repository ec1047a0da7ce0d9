// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// LoadTable: what a `--table PATH` names, read once: a table file (mapped),
// a CSV file, or a CSV through a pipe.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "slicekit/csv.h"
#include "slicekit/table.h"

namespace slicekit::cli {

namespace {

// Opens the pipe at `path` without blocking, then waits for its first
// bytes (or its end), saying so on stderr once a wait lasts: a named pipe
// with no writer would otherwise hang without a word. Returns the
// descriptor, blocking again for the reads that follow.
absl::StatusOr<int> OpenPipe(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  bool said = false;
  while (true) {
    struct pollfd wait = {fd, POLLIN, 0};
    const int ready = ::poll(&wait, 1, /*timeout ms=*/2000);
    if (ready > 0) break;
    if (ready < 0 && errno != EINTR) {
      const int error = errno;
      ::close(fd);
      return absl::UnknownError(
          absl::StrCat("cannot read '", path, "': ", std::strerror(error)));
    }
    if (ready == 0 && !said) {
      std::fprintf(stderr,
                   "slicekit: waiting for data on the pipe '%s' (nothing "
                   "writes to it yet; Ctrl-C to stop)\n",
                   path.c_str());
      said = true;
    }
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// Everything a pipe at `path` holds, to its end.
absl::StatusOr<std::string> ReadPipe(const std::string& path) {
  absl::StatusOr<int> fd = OpenPipe(path);
  if (!fd.ok()) return fd.status();
  std::string text;
  char chunk[1 << 16];
  while (true) {
    const ssize_t got = ::read(*fd, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      ::close(*fd);
      return absl::UnknownError(
          absl::StrCat("cannot read '", path, "': ", std::strerror(error)));
    }
    if (got == 0) break;
    text.append(chunk, static_cast<size_t>(got));
  }
  ::close(*fd);
  return text;
}

bool IsTableFile(absl::string_view bytes) {
  return absl::StartsWith(bytes, kTableFileMagic);
}

}  // namespace

absl::StatusOr<Table> LoadTable(const std::string& path) {
  // By content, not by name: a table file starts with its magic. A pipe
  // (`/dev/stdin`, `<(...)`, a named pipe) is read once, whole, and told
  // apart from the bytes read: reading its start to sniff, then opening it
  // again, would lose that start.
  struct stat st = {};
  const bool found = ::stat(path.c_str(), &st) == 0;
  if (found && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
    absl::StatusOr<std::string> text = ReadPipe(path);
    if (!text.ok()) return text.status();
    if (IsTableFile(*text)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", path,
          "' is a pipe carrying a table file: table files are mapped, so "
          "give the file itself (or pipe the CSV)"));
    }
    return ReadCsv(*text, path);
  }
  // Anything else that is not a regular file (a terminal, /dev/zero) is
  // refused by the readers below.
  char magic[8] = {};
  size_t got = 0;
  if (found && S_ISREG(st.st_mode)) {
    if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
      got = std::fread(magic, 1, sizeof(magic), file);
      std::fclose(file);
    }
  }
  if (IsTableFile(absl::string_view(magic, got))) {
    // Mapped, and each column verified when first read (a TableReader, or
    // whatever reads it, reports a corrupt one).
    return Table::Open(path, {.verify = TableOpenOptions::Verify::kOnFirstUse});
  }
  return ReadCsvFile(path);
}

}  // namespace slicekit::cli
