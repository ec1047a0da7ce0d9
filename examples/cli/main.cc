// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// slicekit: query, slice and evaluate model runs from the command line.
//
//   slicekit query --table metrics.csv --where 'confidence < 0.3 AND fp >= 1'
//   slicekit query --table metrics.csv --order-by confidence desc --limit 10
//   slicekit generate --rows 200000 --seed 7 --out metrics.csv
//
// Exit status: 0 success, 1 bad input (the file, the filter, a column), 2 a
// usage error, 3 an alert rule fired (`slice ... check`) or a regression
// (`compare --fail-on-regression`). One file per
// subcommand, each with its table of flags; cli.h holds what they share.
// Here: the overview, `help` and --help, and finding the command.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"

namespace slicekit::cli {

const char kUsage[] =
    "usage: slicekit query --table FILE [--where EXPR]\n"
    "                      [--order-by COLUMN [asc|desc]] [--limit K]\n"
    "                      [--offset N] [--count] [--threads T] [--repeat R]\n"
    "       slicekit generate --rows N [--seed S] [--out FILE]\n"
    "       slicekit slice --store STORE --org ORG COMMAND ...\n"
    "         create --name NAME [--description TEXT] --where EXPR\n"
    "                [--order-by COLUMN [asc|desc]]...\n"
    "         list [--format text|json]\n"
    "         show SLICE | delete SLICE | rename SLICE NEW_NAME\n"
    "         describe SLICE TEXT\n"
    "         update SLICE [--where EXPR] [--order-by COLUMN [asc|desc]]...\n"
    "                (--in-place | --as-new NAME)\n"
    "         explore SLICE --table FILE [--limit K] [--cursor C]\n"
    "                 [--format csv|json|ndjson]\n"
    "         ids SLICE --table FILE\n"
    "         auto --table FILE [--limit K]\n"
    "         history SLICE [--format text|json]\n"
    "         restore SLICE --version N\n"
    "         deleted | purge SLICE\n"
    "         snapshot SLICE --table FILE [--table-name NAME]\n"
    "         snapshots SLICE\n"
    "         diff SLICE [--since TIME] [--table FILE]\n"
    "         alert SLICE RULES\n"
    "         check --table FILE [--snapshot]\n"
    "         (create, update, rename, describe, delete, restore, snapshot\n"
    "          and check also take --actor WHO and --at TIME)\n"
    "       slicekit eval --gt GT.json --pred DETS.json --out "
    "METRICS.csv|.skt\n"
    "                     [--iou-threshold X] [--confidence-threshold Y]\n"
    "                     [--rule coco|labelbox] [--per-class FILE.csv]\n"
    "                     [--class-iou-threshold CLASS=X]...\n"
    "                     [--no-class-columns] [--lenient] [--threads T]\n"
    "       slicekit convert --table FILE --out FILE.skt\n"
    "       slicekit discover --table FILE [--error EXPR]\n"
    "                     [--max-predicates L] [--top K] [--min-support N]\n"
    "                     [--alpha A] [--bins B] [--feature COLUMN]...\n"
    "                     [--save-to STORE --org ORG [--name-prefix P]]\n"
    "       slicekit ap --gt GT.json --pred DETS.json\n"
    "                   [--where EXPR | --slice SLICE --store STORE --org "
    "ORG]\n"
    "                   [--pr-curve FILE.csv] [--sweep FILE.csv] [--iou X]\n"
    "                   [--format text|json] [--lenient]\n"
    "                   [--max-dets N,...] [--iou-thresholds LIST]\n"
    "                   [--rec-thresholds LIST] [--area-ranges LIST]\n"
    "                   [--no-categories] [--threads T]\n"
    "       slicekit errors --gt GT.json --pred DETS.json\n"
    "                   [--where EXPR | --slice SLICE --store STORE --org "
    "ORG]\n"
    "                   [--iou X] [--background-iou X] [--confidence Y]\n"
    "                   [--bins N] [--format text|json] [--lenient]\n"
    "       slicekit label-issues --gt GT.json --pred DETS.json\n"
    "                   [--where EXPR | --slice SLICE --store STORE --org "
    "ORG]\n"
    "                   [--top K] [--min-confidence C] [--match-iou X]\n"
    "                   [--overlap-iou X] [--format text|json] [--lenient]\n"
    "       slicekit report [--table FILE] [--gt GT.json --pred DETS.json]\n"
    "                       [--store STORE --org ORG [--slice SLICE]...]\n"
    "                       [--no-auto] [--title TEXT] [--page-rows N]\n"
    "                       [--bins N] [--threads T] [--compare-base "
    "BASE.json]\n"
    "                       --out REPORT.html\n"
    "       slicekit compare --gt GT.json --base BASE.json --new NEW.json\n"
    "                    | --base-table FILE --new-table FILE\n"
    "                    [--store STORE --org ORG] [--slice NAME]...\n"
    "                    [--where EXPR]... [--metric ap|ap50|ap75|precision|\n"
    "                    recall|f1]... [--bootstrap N] [--seed S]\n"
    "                    [--confidence C] [--fdr Q] [--tolerance X]\n"
    "                    [--min-images N] [--threads T] [--discover]\n"
    "                    [--iou-type TYPE] [--fail-on-regression]\n"
    "                    [--format text|json]\n"
    "       slicekit --help | help COMMAND | COMMAND --help\n"
    "\n"
    "query     prints the data_row_id of each live row matching --where (all\n"
    "          rows without it), one per line, in row order or by --order-by\n"
    "          (NULLs last, ties by data_row_id); --offset skips rows,\n"
    "          --limit caps them; --count prints how many ids would be\n"
    "          printed instead; --threads scans in parallel; --repeat runs\n"
    "          the query R times and prints scan_ns_per_row=<median> to\n"
    "          stderr.\n"
    "generate  writes a synthetic metrics table as CSV (stdout by default);\n"
    "          --seed defaults to 1.\n"
    "slice     manages saved slices in a store (STORE: a SQLite file, created\n"
    "          by the first change, or a postgresql:// URI; commands that\n"
    "          only read open it read-only) for one org; SLICE is a slice's\n"
    "          id or name. create, rename, describe, update and delete\n"
    "          print the slice's id (update --as-new: the new slice's).\n"
    "          Names: 3 to 30 characters, unique in the org ignoring case;\n"
    "          at most 100 slices per org.\n"
    "          explore prints one page of the slice's rows (default 50) in\n"
    "          its order to stdout, and its summary and the next page's\n"
    "          cursor (empty after the last page) to stderr; ids prints\n"
    "          every matching data_row_id; auto lists the auto-generated\n"
    "          slices with row counts and top K (default 5) row ids.\n"
    "          history lists a slice's versions (live or deleted); restore\n"
    "          makes version N current again; deleted lists deleted slices\n"
    "          whose history is kept, purge drops it. snapshot records the\n"
    "          slice's member rows in the table; diff prints the rows that\n"
    "          entered (+id) and left (-id) and each metric's change, from\n"
    "          the snapshot taken at or before --since (else the one before\n"
    "          the last) to the last one or, with --table, the table now.\n"
    "          alert sets a slice's rules (\"size > 500; precision < 0.6;\n"
    "          new_rows > 100\"; \"\" removes them); check prints every\n"
    "          rule as fired/ok/n/a and exits 3 if any fired (--snapshot\n"
    "          then snapshots each checked slice). TIME: RFC 3339 or a\n"
    "          date (UTC).\n"
    "eval      matches COCO detections to ground truth and writes one metrics\n"
    "          row per image (docs/metrics.md), as CSV or, when --out ends\n"
    "          in .skt, as a table file; thresholds default to 0.5,\n"
    "          the rule to coco. --per-class writes one row per (image,\n"
    "          class) with any object; --no-class-columns leaves out the\n"
    "          `<metric>[<class>]` columns; --lenient skips bad records.\n"
    "convert   writes the table (CSV or table file) as a table file: later\n"
    "          commands map it instead of parsing (docs/table-file.md).\n"
    "          Every --table FILE takes either format, told apart by its\n"
    "          first bytes.\n"
    "discover  finds the top K conjunctions of up to L predicates (defaults\n"
    "          10, 3) on the table's metadata columns whose rows err most\n"
    "          (SliceLine's score; docs/slices.md); --error is a per-row\n"
    "          expression (default 'fp + fn'), --alpha weighs error against\n"
    "          size (0.95), --min-support is the fewest rows (32), --bins\n"
    "          the equi-depth bins per numeric column (10), --feature picks\n"
    "          the columns. Prints rank, size, mean error, score and filter;\n"
    "          --save-to saves each as a slice named '<prefix> <rank>'.\n"
    "ap        prints COCO AP/AR like pycocotools' summarize() and per-class\n"
    "          AP with the confidence threshold of best F1 at --iou (0.5),\n"
    "          for all images, the images whose metrics row matches --where,\n"
    "          or a saved slice's; --pr-curve writes the PR curves, --sweep\n"
    "          the TP/FP/FN, precision, recall and F1 at every score. COCO's\n"
    "          Params: --max-dets, --iou-thresholds, --rec-thresholds,\n"
    "          --area-ranges, --no-categories (docs/metrics.md).\n"
    "errors    why the images fail (docs/errors.md): TIDE's dAP per error\n"
    "          type at --iou (0.5; background --background-iou 0.1), the\n"
    "          class-agnostic confusion matrix at --iou and --confidence\n"
    "          (0.5) and the calibration error (ECE, --bins 15) with its\n"
    "          reliability diagram, for all images, --where or a --slice.\n"
    "label-issues lists likely label errors per box, highest score first:\n"
    "          swapped, overlooked, badly_located (docs/errors.md).\n"
    "report    writes one self-contained HTML file (inline CSS and SVG, no\n"
    "          script, nothing fetched) summarizing the saved slices of the\n"
    "          org (all, or each --slice) and the auto slices (unless\n"
    "          --no-auto) beside all data and each dataset, with charts and\n"
    "          each slice's first --page-rows rows (default 10); prints the\n"
    "          file's path. With --gt and --pred: COCO AP and per-class PR\n"
    "          curves per slice, and without --table the table is their\n"
    "          metrics (eval's defaults). With --store: each saved slice's\n"
    "          row count at its snapshots. --compare-base adds a comparison\n"
    "          with that base run (--pred is the new one): a forest plot of\n"
    "          each slice's AP delta with its CI and per-class AP deltas.\n"
    "compare   compares a new run with a base run sharing the ground truth\n"
    "          on all data and each slice (the org's saved slices, or each\n"
    "          --slice, and each --where; docs/compare.md): per --metric\n"
    "          (default all) base, new, delta, a paired bootstrap CI over\n"
    "          images (--bootstrap 1000, --seed 1, --confidence 0.95), a\n"
    "          Benjamini-Hochberg q-value (--fdr 0.05) and a verdict:\n"
    "          regression, improvement, no change or too small (under\n"
    "          --min-images 30). --base/--new: COCO results with --gt, or\n"
    "          NDJSON runs; --base-table/--new-table: two metrics tables\n"
    "          (precision, recall, f1). --discover finds unnamed slices where\n"
    "          the new run errs more. Exits 3 with --fail-on-regression when\n"
    "          a verdict is regression.\n"
    "help      prints this or, for a command (`help slice create` for a slice\n"
    "          command), its usage and flags.\n"
    "\n"
    "exit status: 0 success, 1 bad input, 2 usage error, 3 slice check:\n"
    "an alert rule fired, or compare --fail-on-regression: a regression\n";

namespace {

struct Command {
  const CommandSpec& (*spec)();
  int (*run)(Args& args);
};

constexpr Command kCommands[] = {
    {QuerySpec, Query},
    {GenerateSpec, Generate},
    {SliceSpec, SliceCommand},
    {EvalSpec, Eval},
    {ConvertSpec, Convert},
    {DiscoverSpec, Discover},
    {ApSpec, Ap},
    {ReportSpec, ReportCommand},
    {CompareSpec, Compare},
    {ErrorsSpec, Errors},
    {LabelIssuesSpec, LabelIssues},
};

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : kCommands) {
    if (command.spec().name == name) return &command;
  }
  return nullptr;
}

int PrintUsage(absl::string_view usage) {
  std::fwrite(usage.data(), 1, usage.size(), stdout);
  return std::fflush(stdout) == 0 ? kOk : InputError("cannot write the output");
}

// `slicekit help [COMMAND [SLICE_COMMAND]]`.
int Help(const std::vector<std::string>& words) {
  if (words.empty()) return PrintUsage(kUsage);
  const Command* command = FindCommand(words[0]);
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command '", words[0], "'"));
  }
  const CommandSpec* spec = &command->spec();
  size_t used = 1;
  if (words.size() > used && !spec->subcommands.empty()) {
    spec = spec->FindSubcommand(words[used]);
    if (spec == nullptr) {
      return UsageError(
          absl::StrCat("unknown ", words[0], " command '", words[used], "'"));
    }
    ++used;
  }
  if (words.size() > used) {
    return UsageError(absl::StrCat("unexpected argument '", words[used], "'"));
  }
  return PrintUsage(CommandUsage(*spec));
}

// --help or -h anywhere: the usage of the command it follows (of the slice
// command, for `slice ... create --help`), or the overview.
int HelpFor(int argc, char** argv) {
  const Command* command = argc > 1 ? FindCommand(argv[1]) : nullptr;
  if (command == nullptr) return PrintUsage(kUsage);
  const CommandSpec& spec = command->spec();
  if (!spec.subcommands.empty()) {
    // The command's own flags come first; the word after them names one of
    // its commands, unless they are wrong, which the usage helps with too.
    Args args(argc, argv, 2);
    const absl::StatusOr<ParsedFlags> flags = ParseFlags(spec, args);
    if (flags.ok() && !flags->arguments().empty()) {
      if (const CommandSpec* subcommand =
              spec.FindSubcommand(flags->arguments().front())) {
        return PrintUsage(CommandUsage(*subcommand));
      }
    }
  }
  return PrintUsage(CommandUsage(spec));
}

}  // namespace
}  // namespace slicekit::cli

int main(int argc, char** argv) {
  namespace cli = slicekit::cli;
  const std::vector<std::string> words(argv + 1, argv + argc);
  for (const std::string& word : words) {
    if (word == "--help" || word == "-h") return cli::HelpFor(argc, argv);
  }
  if (words.empty()) return cli::UsageError("missing command");
  if (words[0] == "help") {
    return cli::Help(std::vector<std::string>(words.begin() + 1, words.end()));
  }
  const cli::Command* command = cli::FindCommand(words[0]);
  if (command == nullptr) {
    return cli::UsageError(absl::StrCat("unknown command '", words[0], "'"));
  }
  cli::Args args(argc, argv, 2);
  return command->run(args);
}
