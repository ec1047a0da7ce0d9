// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Umbrella header: the whole public API.
#ifndef SLICEKIT_SLICEKIT_H_
#define SLICEKIT_SLICEKIT_H_

#include "slicekit/alert_rules.h"
#include "slicekit/auto_slices.h"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/column_reader.h"
#include "slicekit/compare.h"
#include "slicekit/csv.h"
#include "slicekit/curation.h"
#include "slicekit/discover.h"
#include "slicekit/explore.h"
#include "slicekit/expr.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/ndjson.h"
#include "slicekit/order.h"
#include "slicekit/report.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/slice.h"
#include "slicekit/slice_alerts.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_snapshot.h"
#include "slicekit/slice_store.h"
#include "slicekit/slice_summary.h"
#include "slicekit/table.h"
#include "slicekit/table_snapshot.h"
#include "slicekit/tide.h"

#endif  // SLICEKIT_SLICEKIT_H_
