// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "examples/cli/cli.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "slicekit/csv.h"

namespace slicekit::cli {

int UsageError(absl::string_view problem) {
  std::fprintf(stderr, "slicekit: %.*s\n%s", static_cast<int>(problem.size()),
               problem.data(), kUsage);
  return kUsageError;
}

int InputError(absl::string_view problem) {
  std::fprintf(stderr, "slicekit: %.*s\n", static_cast<int>(problem.size()),
               problem.data());
  return kBadInput;
}

std::string Args::NextFlag() {
  std::string arg = args_[next_++];
  inline_value_.reset();
  if (arg.rfind("--", 0) == 0) {
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      inline_value_ = arg.substr(eq + 1);
      arg.resize(eq);
    }
  }
  return arg;
}

std::optional<std::string> Args::Value() {
  if (inline_value_) return std::exchange(inline_value_, std::nullopt);
  if (done() || args_[next_].rfind("--", 0) == 0) return std::nullopt;
  return args_[next_++];
}

std::optional<bool> Args::Direction() {
  if (done()) return std::nullopt;
  const std::string word = absl::AsciiStrToLower(args_[next_]);
  if (word != "asc" && word != "desc") return std::nullopt;
  ++next_;
  return word == "desc";
}

std::optional<uint64_t> ParseCount(const std::string& text, uint64_t min,
                                   uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

Output::Output() : buffer_(new char[kCapacity]) {}

void Output::Line(absl::string_view text) {
  if (size_ + text.size() + 1 > kCapacity) {
    Flush();
    if (text.size() + 1 > kCapacity) {
      ok_ &= std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
      ok_ &= std::fputc('\n', stdout) != EOF;
      return;
    }
  }
  std::memcpy(buffer_.get() + size_, text.data(), text.size());
  size_ += text.size();
  buffer_[size_++] = '\n';
}

bool Output::Flush() {
  if (size_ > 0) {
    ok_ &= std::fwrite(buffer_.get(), 1, size_, stdout) == size_;
    size_ = 0;
  }
  ok_ &= std::fflush(stdout) == 0;
  return ok_;
}

absl::StatusOr<Table> LoadTable(const std::string& path) {
  return ReadCsvFile(path);
}

absl::StatusOr<Slice> ResolveSlice(SliceStore& store, const std::string& org,
                                   const std::string& slice) {
  absl::StatusOr<Slice> by_id = store.Get(org, slice);
  if (by_id.ok() || !absl::IsNotFound(by_id.status())) return by_id;
  absl::StatusOr<Slice> by_name = store.GetByName(org, slice);
  if (by_name.ok() || !absl::IsNotFound(by_name.status())) return by_name;
  return absl::NotFoundError(absl::StrCat(
      "org \"", org, "\" has no slice with the id or name \"", slice, "\""));
}

}  // namespace slicekit::cli
