// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs a program as a child process and captures its exit code, stdout and
// stderr: what the CLI tests need to drive the `slicekit` binary.
#ifndef SLICEKIT_TESTS_TESTING_RUN_PROGRAM_H_
#define SLICEKIT_TESTS_TESTING_RUN_PROGRAM_H_

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace slicekit::testing {

struct RunResult {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;
  std::string err;
  // The first line of stderr.
  std::string error_line() const { return err.substr(0, err.find('\n')); }
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// A fresh path in the test's temporary directory (unique per call).
inline std::string TempPath(absl::string_view name) {
  static int counter = 0;
  return absl::StrCat(::testing::TempDir(), "/slicekit_test_", getpid(), "_",
                      ++counter, "_", name);
}

// Runs `program` with `args` (argv[1...]); stdout and stderr go through
// temporary files so large outputs cannot block the child.
//
// With `uid` (and `gid`), the child takes that user's ids before it runs the
// program (exit 125 if it cannot): as root, the way to run it as a user the
// file permissions hold to.
inline RunResult RunProgramAs(const std::string& program,
                              const std::vector<std::string>& args, int uid,
                              int gid) {
  const std::string out_path = TempPath("stdout");
  const std::string err_path = TempPath("stderr");
  std::vector<std::string> argv_strings = {program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
    if (uid >= 0 &&
        (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
      _exit(125);
    }
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  RunResult result;
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    ADD_FAILURE() << "cannot run " << program;
    return result;
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

inline RunResult RunProgram(const std::string& program,
                            const std::vector<std::string>& args) {
  return RunProgramAs(program, args, -1, -1);
}

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_RUN_PROGRAM_H_
