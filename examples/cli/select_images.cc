// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The images a COCO command (ap, errors, label-issues) works on.
#include <memory>
#include <optional>
#include <string>

#include "examples/cli/cli.h"
#include "slicekit/metrics.h"
#include "slicekit/scan.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

// The images to evaluate: those whose metrics row (default options, as
// `slicekit eval` writes it) matches the --where filter or the saved
// --slice's; nullopt for all.
absl::StatusOr<std::optional<Selection>> SelectImages(
    const ParsedFlags& flags, const std::optional<Expr>& where,
    const ModelRun& run, const Evaluator& evaluator) {
  std::optional<Expr> filter = where;
  std::unique_ptr<SliceResolver> resolver;  // the store's, for IN SLICE
  if (const std::string slice = flags.Get("--slice").value_or("");
      !slice.empty()) {
    const std::string org = *flags.Get("--org");
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        OpenStoreToRead(*flags.Get("--store"));
    if (!store.ok()) return store.status();
    absl::StatusOr<Slice> found = ResolveSlice(**store, org, slice);
    if (!found.ok()) return found.status();
    filter = found->filter;
    absl::StatusOr<std::unique_ptr<SliceResolver>> made =
        (*store)->Resolver(org);
    if (!made.ok()) return made.status();
    resolver = *std::move(made);
  }
  if (!filter) return std::optional<Selection>();
  MetricsOptions options;
  options.iou_type = evaluator.iou_type();
  // pycocotools' maxDets for keypoints.
  if (options.iou_type == IouType::kKeypoints) options.max_detections = 20;
  absl::StatusOr<RunMetrics> metrics = evaluator.Compute(options);
  if (!metrics.ok()) return metrics.status();
  absl::StatusOr<Table> table = MetricsToTable(run, *metrics);
  if (!table.ok()) return table.status();
  absl::StatusOr<BoundFilter> bound =
      resolver ? Bind(*filter, *table, *resolver) : Bind(*filter, *table);
  if (!bound.ok()) return bound.status();
  return std::optional<Selection>(bound->Scan());
}

}  // namespace slicekit::cli
