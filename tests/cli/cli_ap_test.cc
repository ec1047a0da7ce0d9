// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs `slicekit ap` (SLICEKIT_CLI_PATH) on the COCO parity set and checks
// its numbers against pycocotools' committed answers.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ReadFile;
using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string DataPath(const std::string& name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_small/", name);
}

RunResult Ap(std::vector<std::string> args) {
  std::vector<std::string> all = {"ap", "--gt", DataPath("gt.json"), "--pred",
                                  DataPath("dets.json")};
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram(SLICEKIT_CLI_PATH, all);
}

nlohmann::json Oracle(const std::string& file, const std::string& set) {
  const nlohmann::json all = nlohmann::json::parse(ReadFile(DataPath(file)));
  return file == "summarize.json" ? all[set] : all["sets"][set];
}

void ExpectStats(const nlohmann::json& got, const nlohmann::json& want) {
  ASSERT_EQ(got.size(), 12u);
  for (int i = 0; i < 12; ++i) {
    EXPECT_NEAR(got[i].get<double>(), want[i].get<double>(), 1e-9) << i;
  }
}

TEST(CliApTest, PrintsSummarizeLinesForTheWholeRun) {
  const RunResult r = Ap({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  ASSERT_GT(lines.size(), 20u);
  // pycocotools prints these for coco_small (summarize.json, 3 decimals).
  EXPECT_EQ(lines[0],
            " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | "
            "maxDets=100 ] = 0.304");
  EXPECT_EQ(lines[1],
            " Average Precision  (AP) @[ IoU=0.50      | area=   all | "
            "maxDets=100 ] = 0.506");
  EXPECT_EQ(lines[11],
            " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | "
            "maxDets=100 ] = 0.439");
  EXPECT_EQ(lines[12], "");
  EXPECT_THAT(lines[13], StartsWith("images: 300 of 300;"));
  EXPECT_THAT(r.out, HasSubstr("\ntraffic light "));
  EXPECT_THAT(r.out, HasSubstr("\n(all classes) "));
}

TEST(CliApTest, JsonStatsEqualPycocotools) {
  const RunResult r = Ap({"--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  EXPECT_EQ(got["images"], 300);
  const nlohmann::json want = Oracle("summarize.json", "all");
  ExpectStats(got["stats"], want["stats"]);
  for (const auto& c : got["classes"]) {
    EXPECT_NEAR(c["ap"].get<double>(),
                want["ap_per_class_iou50_95_area_all_maxdets100"][c["class"]]
                    .get<double>(),
                1e-9);
  }
}

// --where runs over the metrics table of the run: the slice's images are
// the ones whose row matches, and AP is pycocotools' on just those.
TEST(CliApTest, WhereSelectsTheImagesPycocotoolsWasGiven) {
  const RunResult r = Ap({"--where", "dataset = 'drone'", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  const nlohmann::json want = Oracle("ap_oracle.json", "drone");
  EXPECT_EQ(got["images"], want["image_ids"].size());
  ExpectStats(got["stats"], want["stats"]);
}

TEST(CliApTest, SavedSliceGivesItsImages) {
  const std::string store = TempPath("ap_store.db");
  const RunResult created = RunProgram(
      SLICEKIT_CLI_PATH,
      {"slice", "--store", store, "--org", "acme", "create", "--name",
       "Wide eval", "--where", "split IN ('val', 'test') AND width >= 1280"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const RunResult r = Ap({"--slice", "wide eval", "--store", store, "--org",
                          "acme", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  const nlohmann::json want = Oracle("ap_oracle.json", "val_test_wide");
  EXPECT_EQ(got["images"], want["image_ids"].size());
  ExpectStats(got["stats"], want["stats"]);
  // A slice of that slice (IN SLICE, resolved through the store): the same
  // images when its own condition keeps them all.
  const RunResult derived = RunProgram(
      SLICEKIT_CLI_PATH,
      {"slice", "--store", store, "--org", "acme", "create", "--name",
       "Wide eval again", "--where", "IN SLICE 'Wide eval' AND tp >= 0"});
  ASSERT_EQ(derived.exit_code, 0) << derived.err;
  const RunResult again = Ap({"--slice", "Wide eval again", "--store", store,
                              "--org", "acme", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const nlohmann::json got_again = nlohmann::json::parse(again.out);
  EXPECT_EQ(got_again["images"], want["image_ids"].size());
  ExpectStats(got_again["stats"], want["stats"]);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(store, suffix).c_str());
  }
}

TEST(CliApTest, WritesPrCurvesAndSweeps) {
  const std::string pr = TempPath("pr.csv");
  const std::string sweep = TempPath("sweep.csv");
  const RunResult r = Ap({"--pr-curve", pr, "--sweep", sweep, "--iou", "0.75"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("best F1 at IoU 0.75"));
  const std::vector<std::string> lines =
      absl::StrSplit(ReadFile(pr), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1 + 6 * 10 * 101u);
  EXPECT_EQ(lines[0], "class,iou_threshold,recall,precision,score");
  // person at IoU .5: pycocotools' curve, value for value.
  const nlohmann::json want = Oracle(
      "ap_oracle.json", "all")["precision_area_all_maxdets100"]["0"]["person"];
  for (int r = 0; r < 101; ++r) {
    const std::vector<std::string> f = absl::StrSplit(lines[1 + r], ',');
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(f[0], "person");
    EXPECT_EQ(f[1], "0.5");
    EXPECT_EQ(std::stod(f[3]), want[r].get<double>()) << r;
  }
  // A class name with a space is written as is (no comma to quote).
  EXPECT_THAT(ReadFile(pr), HasSubstr("\ntraffic light,0.95,1,"));
  const std::string sweeps = ReadFile(sweep);
  EXPECT_THAT(sweeps, StartsWith("class,threshold,tp,fp,fn,precision,recall,"
                                 "f1\nperson,"));
  EXPECT_THAT(sweeps, HasSubstr("\nall,"));
  std::remove(pr.c_str());
  std::remove(sweep.c_str());
}

TEST(CliApTest, BadArgumentsAndInputs) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--format", "xml"}, 2, "--format must be text or json, not 'xml'"},
      {{"--where", "fp >= 1", "--slice", "x"},
       2,
       "ap takes --where or --slice, not both"},
      {{"--slice", "x"}, 2, "--slice needs --store STORE and --org ORG"},
      {{"--bogus", "1"}, 2, "unknown flag '--bogus'"},
      {{"--iou"}, 2, "--iou needs a value"},
      {{"--where", "fp >="}, 1, "at 5: expected a value after '>='"},
      {{"--where", "weather = 'fog'"}, 1, "unknown column 'weather'"},
      {{"--iou", "0.52"},
       1,
       "iou_threshold must be one of the evaluator's IoU thresholds (0.5, "
       "0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95), got 0.52"},
      {{"--max-dets", "1,x"}, 2, "--max-dets: item 1 'x' is not an integer"},
      {{"--max-dets", "10,1"},
       2,
       "--max-dets: COCO parameters: max_dets[1] = 1 is not above the one "
       "before"},
      {{"--iou-thresholds", ".5,1.5"},
       2,
       "--iou-thresholds: COCO parameters: iou_thresholds[1] = 1.5 is not "
       "in (0, 1]"},
      {{"--iou-thresholds", ".5:0:.9"},
       2,
       "--iou-thresholds: in '.5:0:.9' the step must be positive"},
      {{"--rec-thresholds", "0,,1"},
       2,
       "--rec-thresholds: item 1 '' is not a finite number"},
      {{"--area-ranges", "all=0:1e10,small"},
       2,
       "--area-ranges: item 1 'small' is not LABEL=MIN:MAX"},
      {{"--area-ranges", "all=5:1"},
       2,
       "--area-ranges: COCO parameters: area_ranges[0] (all): min 5 is "
       "above max 1"},
      {{"--iou-type", "keypoints", "--no-categories"},
       2,
       "--no-categories: COCO parameters: use_cats false is not supported "
       "for keypoints"},
      {{"--iou-type", "mask"},
       2,
       "--iou-type must be bbox, segm or keypoints, not 'mask'"},
      {{"--iou-type", "segm"},
       1,
       "row 1000: ground_truths[0]: no mask (segm evaluation needs a "
       "segmentation)"},
      {{"--pr-curve", "/nonexistent/dir/pr.csv"},
       1,
       "cannot write /nonexistent/dir/pr.csv"},
  };
  for (const Case& c : cases) {
    const RunResult r = Ap(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.message << "\n" << r.err;
    EXPECT_THAT(r.error_line(), HasSubstr(c.message));
  }
  const RunResult missing =
      RunProgram(SLICEKIT_CLI_PATH, {"ap", "--gt", DataPath("gt.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.error_line(), HasSubstr("ap needs --gt and --pred"));
  const RunResult no_file = RunProgram(
      SLICEKIT_CLI_PATH,
      {"ap", "--gt", "/nonexistent.json", "--pred", DataPath("dets.json")});
  EXPECT_EQ(no_file.exit_code, 1);
  EXPECT_THAT(no_file.error_line(), HasSubstr("/nonexistent.json"));
}

// `--iou-type segm` on the instance-mask set (tests/data/coco_segm): the
// stats pycocotools' COCOeval(gt, dt, "segm") gives, and the JSON says
// which IoU it used; `slicekit eval --iou-type segm` writes rows with
// evalImgs' counts.
TEST(CliApTest, SegmMatchesPycocotoolsAndSaysSo) {
  const std::string dir = absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_segm/");
  const nlohmann::json oracle =
      nlohmann::json::parse(ReadFile(dir + "oracle.json"));
  for (const std::string dets : {"dets.json", "dets_bbox.json"}) {
    const RunResult r = RunProgram(
        SLICEKIT_CLI_PATH, {"ap", "--gt", dir + "gt.json", "--pred", dir + dets,
                            "--iou-type", "segm", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json got = nlohmann::json::parse(r.out);
    EXPECT_EQ(got["iou_type"], "segm");
    ExpectStats(got["stats"], oracle[dets]["stats"]);
  }
  const RunResult boxes = RunProgram(
      SLICEKIT_CLI_PATH, {"ap", "--gt", dir + "gt.json", "--pred",
                          dir + "dets_bbox.json", "--format", "json"});
  ASSERT_EQ(boxes.exit_code, 0) << boxes.err;
  EXPECT_EQ(nlohmann::json::parse(boxes.out)["iou_type"], "bbox");

  const std::string out = TempPath("segm_metrics.csv");
  const RunResult eval = RunProgram(
      SLICEKIT_CLI_PATH,
      {"eval", "--gt", dir + "gt.json", "--pred", dir + "dets.json", "--out",
       out, "--iou-type", "segm", "--confidence-threshold", "0"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const std::vector<std::string> lines =
      absl::StrSplit(ReadFile(out), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 33u);  // header and 32 images
  const std::vector<std::string> header = absl::StrSplit(lines[0], ',');
  ASSERT_GE(header.size(), 6u);
  EXPECT_EQ(header[0], "data_row_id");
  EXPECT_EQ(header[3], "tp");
  int checked = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    const nlohmann::json& want = oracle["dets.json"]["per_image"][f[0]][0];
    EXPECT_EQ(f[3], absl::StrCat(want[0].get<int>())) << f[0];
    EXPECT_EQ(f[4], absl::StrCat(want[1].get<int>())) << f[0];
    EXPECT_EQ(f[5], absl::StrCat(want[2].get<int>())) << f[0];
    ++checked;
  }
  EXPECT_EQ(checked, 32);
}

// eval --threads: the same table with any thread count (the library test
// EvaluatorTest.ThreadsGiveTheSameEvaluatorAsOne checks runs large enough
// to split); a count outside 1..256 is a usage error naming the flag.
TEST(CliApTest, EvalThreadsWriteTheSameTable) {
  const std::string dir = absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_segm/");
  std::vector<std::string> outputs;
  for (const char* threads : {"1", "3"}) {
    const std::string out = TempPath(absl::StrCat("threads_", threads, ".csv"));
    const RunResult r = RunProgram(
        SLICEKIT_CLI_PATH,
        {"eval", "--gt", dir + "gt.json", "--pred", dir + "dets.json", "--out",
         out, "--iou-type", "segm", "--threads", threads});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs.push_back(ReadFile(out));
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_THAT(outputs[0], HasSubstr("data_row_id,"));
  const RunResult bad = RunProgram(
      SLICEKIT_CLI_PATH,
      {"eval", "--gt", dir + "gt.json", "--pred", dir + "dets.json", "--out",
       TempPath("never.csv"), "--threads", "0"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--threads"));
}

// `--iou-type keypoints` (and `--kpt-sigmas`) on tests/data/coco_keypoints:
// _summarizeKps' ten lines and stats as pycocotools gives them.
TEST(CliApTest, KeypointsMatchPycocotools) {
  const std::string dir =
      absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_keypoints/");
  const nlohmann::json oracle =
      nlohmann::json::parse(ReadFile(dir + "oracle.json"));
  const std::vector<std::string> base = {
      "ap",         "--gt",     dir + "gt.json", "--pred", dir + "dets.json",
      "--iou-type", "keypoints"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--format", "json"});
  RunResult r = RunProgram(SLICEKIT_CLI_PATH, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json got = nlohmann::json::parse(r.out);
  EXPECT_EQ(got["iou_type"], "keypoints");
  ASSERT_EQ(got["stats"].size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(got["stats"][i].get<double>(),
                oracle["default"]["stats"][i].get<double>(), 1e-9);
  }
  std::string sigmas;
  for (const auto& s : oracle["custom_sigmas"]["sigmas"]) {
    absl::StrAppend(&sigmas, sigmas.empty() ? "" : ",", s.dump());
  }
  args.insert(args.end(), {"--kpt-sigmas", sigmas});
  r = RunProgram(SLICEKIT_CLI_PATH, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  got = nlohmann::json::parse(r.out);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(got["stats"][i].get<double>(),
                oracle["custom_sigmas"]["stats"][i].get<double>(), 1e-9);
  }
  const RunResult text = RunProgram(SLICEKIT_CLI_PATH, base);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::vector<std::string> lines = absl::StrSplit(text.out, '\n');
  ASSERT_GT(lines.size(), 11u);
  EXPECT_THAT(lines[9], StartsWith(" Average Recall     (AR) @[ IoU=0.50:0.95 "
                                   "| area= large | maxDets= 20 ] = "));
  EXPECT_EQ(lines[10], "");
  // `eval --iou-type keypoints` matches at most 20 per (image, class), as
  // pycocotools' maxDets: its rows hold evalImgs' counts.
  const std::string out = TempPath("keypoint_metrics.csv");
  const RunResult eval = RunProgram(
      SLICEKIT_CLI_PATH,
      {"eval", "--gt", dir + "gt.json", "--pred", dir + "dets.json", "--out",
       out, "--iou-type", "keypoints", "--confidence-threshold", "0"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const std::vector<std::string> rows =
      absl::StrSplit(ReadFile(out), '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 41u);  // header and 40 images
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string> f = absl::StrSplit(rows[i], ',');
    const nlohmann::json& want = oracle["default"]["per_image"][f[0]][0];
    EXPECT_EQ(f[3], absl::StrCat(want[0].get<int>())) << f[0];
    EXPECT_EQ(f[4], absl::StrCat(want[1].get<int>())) << f[0];
    EXPECT_EQ(f[5], absl::StrCat(want[2].get<int>())) << f[0];
  }
  std::vector<std::string> bad = base;
  bad.insert(bad.end(), {"--kpt-sigmas", "0.1,0.1"});
  const RunResult wrong = RunProgram(SLICEKIT_CLI_PATH, bad);
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.error_line(),
              HasSubstr("--kpt-sigmas gives 2 sigmas; no class of the run has "
                        "that many keypoints"));
}

}  // namespace
}  // namespace slicekit

namespace slicekit {
namespace {

// The COCO parameter flags on the bbox parity set under the Params of
// tests/data/coco_params: pycocotools' stats and lines, and the JSON
// carries the params used.
TEST(CliApTest, CocoParameterFlagsMatchPycocotools) {
  const std::string dir = absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/");
  const nlohmann::json oracle = nlohmann::json::parse(
      ReadFile(dir + "coco_params/oracle.json"));
  struct Case {
    std::string name;
    std::vector<std::string> flags;
  };
  const std::vector<Case> cases = {
      {"bbox_custom",
       {"--iou-thresholds", "0.3,0.5,0.62,0.75,0.9", "--rec-thresholds",
        "0,0.05,0.33,0.5,0.8,0.97,1", "--area-ranges",
        "all=0:1e10,tiny=0:256,small=0:1024,huge=16384:1e10"}},
      {"bbox_max_dets_2_100_300",
       {"--max-dets", "2,100,300", "--iou-thresholds", ".5,.6,.75,.8,.95",
        "--rec-thresholds", "0:.1:1"}},
      {"bbox_no_categories", {"--no-categories"}},
      {"bbox_no_categories_custom",
       {"--no-categories", "--max-dets", "3,30,60", "--iou-thresholds",
        ".55:.1:.85", "--rec-thresholds", "0:.05:1", "--area-ranges",
        "all=0:1e10,medium=1024:9216,large=9216:1e10"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const nlohmann::json& want = oracle[c.name];
    std::vector<std::string> args = {"ap", "--gt", dir + "coco_ap/gt.json",
                                     "--pred", dir + "coco_ap/dets.json"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const RunResult text = RunProgram(SLICEKIT_CLI_PATH, args);
    ASSERT_EQ(text.exit_code, 0) << text.err;
    const std::vector<std::string> lines = absl::StrSplit(text.out, '\n');
    ASSERT_GT(lines.size(), 12u);
    for (int i = 0; i < 12; ++i) {
      EXPECT_EQ(lines[i], want["lines"][i].get<std::string>());
    }
    args.insert(args.end(), {"--format", "json"});
    const RunResult json = RunProgram(SLICEKIT_CLI_PATH, args);
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const nlohmann::json got = nlohmann::json::parse(json.out);
    ExpectStats(got["stats"], want["stats"]);
    const nlohmann::json& p = got["params"];
    // 0:.1:1 and .55:.1:.85 are numpy.linspace's values, bit for bit.
    EXPECT_EQ(p["iou_thresholds"], want["params"]["iou_thresholds"]);
    EXPECT_EQ(p["recall_thresholds"], want["params"]["recall_thresholds"]);
    EXPECT_EQ(p["max_dets"], want["params"]["max_dets"]);
    EXPECT_EQ(p["use_cats"], want["params"]["use_cats"]);
    ASSERT_EQ(p["area_ranges"].size(), want["params"]["area_ranges"].size());
    for (size_t a = 0; a < p["area_ranges"].size(); ++a) {
      EXPECT_EQ(p["area_ranges"][a]["label"],
                want["params"]["area_ranges"][a]["label"]);
      EXPECT_EQ(p["area_ranges"][a]["min"],
                want["params"]["area_ranges"][a]["min"]);
    }
    if (!want["params"]["use_cats"].get<bool>()) {
      ASSERT_EQ(got["classes"].size(), 1u);
      EXPECT_EQ(got["classes"][0]["class"], "all");
    }
  }
}

}  // namespace
}  // namespace slicekit
