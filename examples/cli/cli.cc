// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "examples/cli/cli.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "slicekit/csv.h"
#include "slicekit/filter_text.h"

namespace slicekit::cli {

int UsageError(absl::string_view problem) {
  // The problem may quote what was typed: escaped, like every message.
  const std::string text = Printable(problem);
  std::fprintf(stderr, "slicekit: %s\n%s", text.c_str(), kUsage);
  return kUsageError;
}

int InputError(absl::string_view problem) {
  // Messages quote names, filters and ids: escaped, so a stored newline or
  // terminal escape cannot forge a line or drive the terminal.
  const std::string text = Printable(problem);
  std::fprintf(stderr, "slicekit: %s\n", text.c_str());
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

FlagSpec IouTypeFlag() {
  return {.name = "--iou-type",
          .value_name = "TYPE",
          .help = "bbox (default), segm (masks) or keypoints (OKS)"};
}

FlagSpec ThreadsFlag() {
  return {.name = "--threads",
          .value_name = "T",
          .help = "threads for matching (default: every core)",
          .integer = IntegerRange{1, 256}};
}

int ParseThreads(const ParsedFlags& flags) {
  if (std::optional<uint64_t> n = flags.GetInteger("--threads")) {
    return static_cast<int>(*n);
  }
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u,
                                     256u));
}

absl::StatusOr<IouType> ParseIouType(const ParsedFlags& flags) {
  const std::string text = flags.Get("--iou-type").value_or("bbox");
  if (text == "bbox") return IouType::kBbox;
  if (text == "segm") return IouType::kSegm;
  if (text == "keypoints") return IouType::kKeypoints;
  return absl::InvalidArgumentError(absl::StrCat(
      "--iou-type must be bbox, segm or keypoints, not '", text, "'"));
}

const char* IouTypeName(IouType type) {
  switch (type) {
    case IouType::kSegm:
      return "segm";
    case IouType::kKeypoints:
      return "keypoints";
    default:
      return "bbox";
  }
}

FlagSpec KeypointSigmasFlag() {
  return {.name = "--kpt-sigmas",
          .value_name = "S1,S2,...",
          .help =
              "OKS sigmas of the classes with that many keypoints "
              "(default: COCO's 17 person sigmas)"};
}

absl::Status ApplyKeypointSigmas(const ParsedFlags& flags, ModelRun* run) {
  const std::optional<std::string> text = flags.Get("--kpt-sigmas");
  if (!text) return absl::OkStatus();
  std::vector<double> sigmas;
  for (absl::string_view part : absl::StrSplit(*text, ',')) {
    double v = 0;
    if (!absl::SimpleAtod(part, &v) || !(v > 0) || !std::isfinite(v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--kpt-sigmas needs positive numbers, not '", part, "'"));
    }
    sigmas.push_back(v);
  }
  size_t fitted = 0;
  for (KeypointSchema& schema : run->keypoints) {
    if (schema.names.size() != sigmas.size()) continue;
    schema.sigmas = sigmas;
    ++fitted;
  }
  if (fitted == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--kpt-sigmas gives ", sigmas.size(),
                     " sigmas; no class of the run has that many keypoints"));
  }
  return absl::OkStatus();
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

namespace {

// Usage lines are wrapped to fit a terminal.
constexpr size_t kUsageWidth = 80;

// Levenshtein distance, case-insensitive, for "did you mean" hints.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same =
          absl::ascii_tolower(a[i - 1]) == absl::ascii_tolower(b[j - 1]);
      row[j] =
          std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The command's flag nearest `typed`, or empty when none is near enough to
// be what was meant: the same bound as the column hints (Schema's).
absl::string_view ClosestFlag(const CommandSpec& spec,
                              absl::string_view typed) {
  absl::ConsumePrefix(&typed, "--");
  absl::string_view best;
  size_t best_distance = std::max<size_t>(2, typed.size() / 3) + 1;
  for (const FlagSpec& flag : spec.flags) {
    absl::string_view name = flag.name;
    absl::ConsumePrefix(&name, "--");
    const size_t d = EditDistance(typed, name);
    if (d < best_distance) {
      best_distance = d;
      best = flag.name;
    }
  }
  return best;
}

std::string UnknownFlagMessage(const CommandSpec& spec,
                               absl::string_view flag) {
  std::string message = absl::StrCat("unknown flag '", flag, "'");
  if (absl::string_view closest = ClosestFlag(spec, flag); !closest.empty()) {
    absl::StrAppend(&message, " (did you mean '", closest, "'?)");
  }
  return message;
}

// `prefix` and then `words`, a space between each, in lines of at most
// kUsageWidth columns (a longer word gets a line of its own); lines after
// the first start with `indent` spaces. Ends with a line break.
std::string Wrap(absl::string_view prefix,
                 const std::vector<std::string>& words, size_t indent) {
  std::string text(prefix);
  size_t column = prefix.size();
  bool line_has_words = false;
  for (const std::string& word : words) {
    if (line_has_words && column + 1 + word.size() > kUsageWidth) {
      absl::StrAppend(&text, "\n", std::string(indent, ' '));
      column = indent;
      line_has_words = false;
    }
    if (line_has_words) {
      text.push_back(' ');
      ++column;
    }
    text.append(word);
    column += word.size();
    line_has_words = true;
  }
  text.push_back('\n');
  return text;
}

std::vector<std::string> Words(absl::string_view text) {
  return absl::StrSplit(text, ' ', absl::SkipEmpty());
}

// "--order-by COLUMN [asc|desc]".
std::string FlagWithValue(const FlagSpec& flag) {
  std::string text(flag.name);
  if (!flag.value_name.empty()) absl::StrAppend(&text, " ", flag.value_name);
  if (flag.direction) absl::StrAppend(&text, " [asc|desc]");
  return text;
}

// "[--feature COLUMN]...", as the synopsis shows a flag.
std::string FlagSynopsis(const FlagSpec& flag) {
  const std::string text = FlagWithValue(flag);
  return absl::StrCat(flag.required ? text : absl::StrCat("[", text, "]"),
                      flag.repeatable ? "..." : "");
}

// "--feature COLUMN...", as the list of flags names a flag.
std::string FlagEntry(const FlagSpec& flag) {
  return absl::StrCat(FlagWithValue(flag), flag.repeatable ? "..." : "");
}

// "  LEFT    help", LEFT padded to `width` and the help wrapped under
// itself.
std::string HelpLine(absl::string_view left, size_t width,
                     absl::string_view help) {
  const std::string padding(width - std::min(width, left.size()), ' ');
  return Wrap(absl::StrCat("  ", left, padding, "  "), Words(help), width + 4);
}

// A summary's first sentence: a command's line in its parent's list.
absl::string_view FirstSentence(absl::string_view summary) {
  const size_t end = summary.find(". ");
  return end == absl::string_view::npos ? summary : summary.substr(0, end + 1);
}

}  // namespace

const FlagSpec* CommandSpec::FindFlag(absl::string_view flag) const {
  for (const FlagSpec& spec : flags) {
    if (spec.name == flag) return &spec;
  }
  return nullptr;
}

const CommandSpec* CommandSpec::FindSubcommand(absl::string_view name) const {
  for (const CommandSpec* command : subcommands) {
    if (command->name == name) return command;
  }
  return nullptr;
}

const std::vector<FlagValue>* ParsedFlags::Find(absl::string_view flag) const {
  if (spec_ != nullptr && spec_->FindFlag(flag) == nullptr) {
    std::fprintf(stderr, "slicekit: bug: %s reads the undeclared flag %.*s\n",
                 spec_->invocation.c_str(), static_cast<int>(flag.size()),
                 flag.data());
    std::abort();
  }
  auto it = values_.find(flag);
  return it == values_.end() ? nullptr : &it->second;
}

bool ParsedFlags::Has(absl::string_view flag) const {
  return Find(flag) != nullptr;
}

std::optional<std::string> ParsedFlags::Get(absl::string_view flag) const {
  const std::vector<FlagValue>* values = Find(flag);
  if (values == nullptr) return std::nullopt;
  return values->back().text;
}

std::optional<uint64_t> ParsedFlags::GetInteger(absl::string_view flag) const {
  const std::vector<FlagValue>* values = Find(flag);
  if (values == nullptr) return std::nullopt;
  return values->back().integer;
}

std::vector<FlagValue> ParsedFlags::GetAll(absl::string_view flag) const {
  const std::vector<FlagValue>* values = Find(flag);
  return values == nullptr ? std::vector<FlagValue>() : *values;
}

absl::StatusOr<ParsedFlags> ParseFlags(const CommandSpec& spec, Args& args) {
  ParsedFlags parsed(spec);
  const bool has_subcommands = !spec.subcommands.empty();
  while (!args.done()) {
    const std::string word = args.NextFlag();
    if (word.rfind("--", 0) != 0) {
      parsed.arguments_.push_back(word);
      if (has_subcommands) break;  // the command, whose flags follow
      if (spec.wrong_arguments.empty() &&
          parsed.arguments_.size() > spec.num_arguments) {
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected argument '", word, "'"));
      }
      continue;
    }
    const FlagSpec* flag = spec.FindFlag(word);
    if (flag == nullptr) {
      return absl::NotFoundError(UnknownFlagMessage(spec, word));
    }
    FlagValue value;
    if (flag->value_name.empty()) {
      if (args.has_inline_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat(word, " takes no value"));
      }
    } else {
      std::optional<std::string> text = args.Value();
      if (!text) {
        return absl::InvalidArgumentError(absl::StrCat(word, " needs a value"));
      }
      value.text = *std::move(text);
      if (const std::optional<IntegerRange>& range = flag->integer) {
        const std::optional<uint64_t> n =
            ParseCount(value.text, range->min, range->max);
        if (!n) {
          return absl::InvalidArgumentError(
              absl::StrCat(word, " needs an integer in [", range->min, ", ",
                           range->max, "], not '", value.text, "'"));
        }
        value.integer = *n;
      }
      if (flag->direction) value.descending = args.Direction().value_or(false);
    }
    std::vector<FlagValue>& values = parsed.values_[flag->name];
    if (!flag->repeatable) values.clear();  // the last one wins
    values.push_back(std::move(value));
  }
  if (!has_subcommands && !spec.wrong_arguments.empty() &&
      parsed.arguments_.size() != spec.num_arguments) {
    return absl::InvalidArgumentError(spec.wrong_arguments);
  }
  return parsed;
}

std::optional<int> ParseCommandFlags(const CommandSpec& spec, Args& args,
                                     ParsedFlags* flags) {
  absl::StatusOr<ParsedFlags> parsed = ParseFlags(spec, args);
  if (parsed.ok()) {
    *flags = *std::move(parsed);
    return std::nullopt;
  }
  if (!absl::IsNotFound(parsed.status())) {
    return UsageError(parsed.status().message());
  }
  const std::string problem = Printable(parsed.status().message());
  std::fprintf(stderr, "slicekit: %s\n%s", problem.c_str(),
               CommandUsage(spec).c_str());
  return kUsageError;
}

std::string CommandUsage(const CommandSpec& spec) {
  std::vector<std::string> synopsis;
  for (const FlagSpec& flag : spec.flags) {
    synopsis.push_back(FlagSynopsis(flag));
  }
  // A command's arguments come first, but a command of commands' last:
  // its flags must come before the command they stop at.
  std::vector<std::string> arguments = Words(spec.arguments);
  synopsis.insert(spec.subcommands.empty() ? synopsis.begin() : synopsis.end(),
                  arguments.begin(), arguments.end());
  const std::string head =
      absl::StrCat("usage: ", spec.invocation, synopsis.empty() ? "" : " ");
  // Continuation lines start under the first flag, unless that is far right.
  std::string usage = Wrap(head, synopsis, head.size() <= 30 ? head.size() : 9);
  if (!spec.summary.empty()) {
    absl::StrAppend(&usage, Wrap("", Words(spec.summary), 0));
  }
  size_t width = 0;
  for (const FlagSpec& flag : spec.flags) {
    width = std::max(width, FlagEntry(flag).size());
  }
  for (const FlagSpec& flag : spec.flags) {
    absl::StrAppend(&usage, HelpLine(FlagEntry(flag), width, flag.help));
  }
  if (spec.subcommands.empty()) return usage;

  absl::StrAppend(&usage, "commands (slicekit help ", spec.name,
                  " COMMAND: one's flags):\n");
  auto entry = [](const CommandSpec& command) {
    return command.arguments.empty()
               ? command.name
               : absl::StrCat(command.name, " ", command.arguments);
  };
  width = 0;
  for (const CommandSpec* command : spec.subcommands) {
    width = std::max(width, entry(*command).size());
  }
  for (const CommandSpec* command : spec.subcommands) {
    absl::StrAppend(&usage, HelpLine(entry(*command), width,
                                     FirstSentence(command->summary)));
  }
  return usage;
}

absl::StatusOr<std::optional<Expr>> ParseWhere(const ParsedFlags& flags) {
  const std::optional<std::string> text = flags.Get("--where");
  if (!text) return std::optional<Expr>();
  if (absl::StripAsciiWhitespace(*text).empty()) {
    return absl::InvalidArgumentError("empty filter");
  }
  absl::StatusOr<Expr> expr = ParseFilter(*text);
  if (!expr.ok()) return expr.status();
  return std::optional<Expr>(*std::move(expr));
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

absl::StatusOr<std::unique_ptr<SliceStore>> OpenStoreToRead(
    const std::string& path) {
  // A PostgreSQL URI names a server, not a file: read-only there too.
  if (IsPostgresUri(path)) return SliceStore::Open(path, /*read_only=*/true);
  struct stat info;
  if ((stat(path.c_str(), &info) != 0 && errno == ENOENT) ||
      (S_ISREG(info.st_mode) && info.st_size == 0)) {
    return SliceStore::InMemory();
  }
  return SliceStore::Open(path, /*read_only=*/true);
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
