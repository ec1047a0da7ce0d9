// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Writes a bbox COCO set of any size from bench/coco_generator.h, for the
// whole-process comparisons (bench/compare_faster_coco_eval.sh): the
// generator's model at a chosen number of images, ground truths, detections
// and classes, as DIR/gt.json and DIR/dets.json. The benchmark programs fix
// their sets at COCO-val size (5,000 images); the larger sets of issue 23
// (60k images with ~5.6 boxes and ~9.6 detections each; an Objects365-sized
// 80k images, 1.2M ground truths, 2M detections) come from here.
//
//   write_coco_set --out=DIR [--images=N] [--ground_truths=G]
//                  [--detections=D] [--categories=C] [--seed=S]
//
// Defaults: 60,000 images, 5.6 ground truths and 9.6 detections per image,
// 80 classes, seed 42. Prints the counts written.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "bench/coco_generator.h"

namespace {

// The value of --name=VALUE as a positive integer, or nullopt if argv[i] is
// another flag; exits naming the flag when the value is not one.
std::optional<int64_t> IntFlag(const char* arg, const char* name) {
  const std::string prefix = std::string("--") + name + "=";
  if (std::strncmp(arg, prefix.c_str(), prefix.size()) != 0) {
    return std::nullopt;
  }
  const char* text = arg + prefix.size();
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0) {
    std::fprintf(stderr, "write_coco_set: --%s wants a count, got \"%s\"\n",
                 name, text);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  slicekit::bench::CocoShape shape;
  shape.images = 60000;
  std::optional<int64_t> ground_truths, detections;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (std::strncmp(arg, "--out=", 6) == 0) {
      out = arg + 6;
    } else if (auto v = IntFlag(arg, "images")) {
      shape.images = *v;
    } else if (auto v = IntFlag(arg, "ground_truths")) {
      ground_truths = *v;
    } else if (auto v = IntFlag(arg, "detections")) {
      detections = *v;
    } else if (auto v = IntFlag(arg, "categories")) {
      shape.categories = static_cast<int32_t>(*v);
    } else if (auto v = IntFlag(arg, "seed")) {
      shape.seed = static_cast<uint64_t>(*v);
    } else {
      std::fprintf(stderr, "write_coco_set: unknown argument \"%s\"\n", arg);
      return 2;
    }
  }
  if (out.empty() || shape.categories < 1 || shape.categories > 1000000) {
    std::fprintf(stderr,
                 "usage: write_coco_set --out=DIR [--images=N] "
                 "[--ground_truths=G] [--detections=D] [--categories=C "
                 "(1..1000000)] [--seed=S]\n");
    return 2;
  }
  shape.ground_truths = ground_truths.value_or(shape.images * 28 / 5);
  shape.detections = detections.value_or(shape.images * 48 / 5);
  const auto [gt, dets] =
      slicekit::bench::CocoJson(slicekit::bench::GenerateCocoRun(shape));
  for (const auto& [name, text] : {std::pair{"/gt.json", &gt},
                                   std::pair{"/dets.json", &dets}}) {
    std::ofstream file(out + name, std::ios::binary);
    file << *text;
    if (!file.flush()) {
      std::fprintf(stderr, "write_coco_set: cannot write %s%s\n", out.c_str(),
                   name);
      return 1;
    }
  }
  std::printf("%lld images, %lld ground truths, %lld detections, %d classes\n",
              static_cast<long long>(shape.images),
              static_cast<long long>(shape.ground_truths),
              static_cast<long long>(shape.detections), shape.categories);
  return 0;
}
