# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Every public C++ operation has a Python counterpart.

The public API is read from include/slicekit/*.h: every function declared
at namespace scope, and the public methods of Table and SliceStore. Each
must be in COUNTERPARTS (its Python name, which must exist) or in
NOT_BOUND with the reason it has none. A new header function with
neither fails here, so the Python package cannot silently fall behind
the library (docs/python.md, "What is not bound")."""

import pathlib
import re

import slicekit as sk

INCLUDE = pathlib.Path(__file__).resolve().parents[2] / "include" / "slicekit"

# C++ operation -> the Python attribute path doing the same.
COUNTERPARTS = {
    # Filters
    "ParseFilter": "parse_filter", "FormatFilter": "format_filter",
    "FilterToJson": "filter_to_json", "FilterFromJson": "filter_from_json",
    # Tables
    "ReadCsv": "read_csv_text", "ReadCsvFile": "read_csv",
    "StandardColumns": "standard_column_types",
    "StandardColumnType": "standard_column_types",
    "ExportRows": "export_rows",
    "Table::Open": "open_table", "Table::Save": "Table.save",
    "Table::Create": "Table.from_pandas", "Table::Append": "Table.append",
    "Table::Delete": "Table.delete", "Table::Compact": "Table.compact",
    "Table::Find": "Table.find", "Table::LiveRows": "Table.live_rows",
    "Table::IsLive": "Table.is_live", "Table::RowId": "Table.row_ids",
    "Table::EndWatermark": "Table.end_watermark",
    "Table::ColumnBytes": "Table.column_bytes",
    "Table::DictionaryBytes": "Table.memory_bytes",
    "Table::Verify": "Table.verify", "Table::VerifyColumn": "Table.column",
    "Table::GetFloat": "Table.column", "Table::GetInt": "Table.column",
    "Table::GetString": "Table.column",
    "Table::CheckSelection": "Selection.count",
    # Scans and order
    "Bind": "bind", "Filter": "scan", "ScanMany": "scan_many",
    "OrderRows": "order_rows", "OrderPage": "order_page",
    "OrderCursor": "order_cursor",
    # Model runs and metrics
    "ImportCocoFiles": "load_coco", "ImportNdjsonFile": "eval_ndjson",
    "ComputeMetrics": "eval_coco", "MetricsToTable": "ModelRun.metrics",
    "WritePerClassCsv": "ModelRun.per_class", "EvaluateCoco": "coco_ap",
    "CocoStatLine": "AveragePrecision", "MetricColumnNames": "eval_coco",
    "ValidateCocoParams": "coco_ap", "CocoStatSpecOf": "AveragePrecision",
    # Analysis
    "Summarize": "summarize", "SummarizeAll": "summarize_all",
    "SummarizeDataset": "summarize_dataset",
    "CompareSummaries": "compare_summaries", "Explore": "explore",
    "SliceRowIds": "slice_row_ids", "AutoSlices": "auto_slices",
    "DiscoverSlices": "discover", "NewRowsBySlice": "Curator.new_rows",
    "CheckAlerts": "SliceStore.check_alerts",
    "TakeSnapshot": "SliceStore.snapshot",
    "DiffWithTable": "SliceStore.diff_with_table",
    # Comparison and report
    "CompareRuns": "compare_coco", "CompareTables": "compare_tables",
    "SavedCompareSlices": "compare",
    # Why a slice fails
    "ComputeTide": "errors", "ComputeConfusionMatrix": "confusion_matrix",
    "ComputeCalibration": "errors", "FindLabelIssues": "label_issues",
    "BuildReport": "report", "RenderReportHtml": "report",
    "WriteReport": "write_report", "WriteReportHtml": "write_report",
    # The slice store
    "NormalizeSliceName": "normalize_slice_name",
    "SliceNameKey": "slice_name_key",
    "ValidateSliceDescription": "validate_slice_description",
    "SliceStore::InMemory": "SliceStore.in_memory",
    "SliceStore::OpenSqlite": "SliceStore.open_sqlite",
    "SliceStore::Open": "SliceStore.open",
    "SliceStore::OpenPostgres": "SliceStore.open",
    "SliceStore::Create": "SliceStore.create",
    "SliceStore::Get": "SliceStore.get",
    "SliceStore::GetByName": "SliceStore.get_by_name",
    "SliceStore::List": "SliceStore.list",
    "SliceStore::UpdateFilter": "SliceStore.update_filter",
    "SliceStore::UpdateFilterAsNew": "SliceStore.update_filter_as_new",
    "SliceStore::Rename": "SliceStore.rename",
    "SliceStore::SetDescription": "SliceStore.set_description",
    "SliceStore::Delete": "SliceStore.delete",
    "SliceStore::History": "SliceStore.history",
    "SliceStore::Restore": "SliceStore.restore",
    "SliceStore::ListDeleted": "SliceStore.list_deleted",
    "SliceStore::Purge": "SliceStore.purge",
    "SliceStore::Resolver": "SliceStore.resolver",
    "SliceStore::SaveSnapshot": "SliceStore.snapshot",
    "SliceStore::GetSnapshot": "SliceStore.get_snapshot",
    "SliceStore::ListSnapshots": "SliceStore.list_snapshots",
    "SliceStore::SnapshotMembers": "SliceStore.snapshot_members",
    "SliceStore::Diff": "SliceStore.diff",
    "SliceStore::DiffWithMembers": "SliceStore.diff_with_table",
    "SliceStore::SetAlertRules": "SliceStore.set_alert_rules",
    "SliceStore::ListAlertRules": "SliceStore.list_alert_rules",
    "SliceStore::CheckIntegrity": "SliceStore.check_integrity",
}

# C++ operations with no Python function of their own, and why.
NOT_BOUND = {
    # Parsing and naming helpers that Python reaches through the
    # operations taking text (the enums are strings in Python).
    "AlertMetricName": "alert metrics are strings in check_alerts()",
    "FormatAlertRules": "set_alert_rules()/list_alert_rules() take and "
                        "give the text",
    "ParseAlertRules": "set_alert_rules() parses (InvalidArgumentError)",
    "CompareMetricName": "metrics are strings in compare()",
    "ParseCompareMetric": "compare() parses its metric names",
    "CompareTestName": "tests are strings in compare()'s frame",
    "VerdictName": "verdicts are strings in compare()'s frame",
    "CompareOpSymbol": "str(Expr) writes the symbols",
    "InSlice": "the builder has no IN SLICE node: write the text "
               "(parse_filter(\"IN SLICE 'name'\"))",
    "ColumnTypeName": "Table.schema gives the names",
    "ExportFormatName": "export_rows() takes the format name",
    "ParseExportFormat": "export_rows() parses the format name",
    "SliceChangeName": "SliceVersion.change is the name",
    "IsPostgresUri": "SliceStore.open() chooses the backend by the URI",
    "LabelIssueKindName": "label_issues() gives the kind as a string",
    "AutoSliceSpec": "AutoSlice carries its filter, name and description",
    # COCO's fixed parameters: the values are in AveragePrecision's
    # frames (iou_threshold, recall) and STAT_NAMES.
    "CocoAreaMax": "COCO constant", "CocoAreaMin": "COCO constant",
    "CocoAreaName": "COCO constant", "CocoIouThreshold": "COCO constant",
    "CocoMaxDetsSetting": "COCO constant",
    "CocoRecallThreshold": "COCO constant",
    "CocoLinspace": "numpy.linspace gives the same thresholds to coco_ap",
    "CocoPersonKeypointSigmas": "COCO constant: the default of "
                                "load_coco(kpt_oks_sigmas=)",
    "CocoIou": "one box pair at a time: NumPy does it per array",
    # In-memory sources: Python gives files (eval_coco, load_coco) or a
    # DataFrame (Table.from_pandas).
    "ImportCoco": "load_coco()/eval_coco() read the files",
    "ImportNdjson": "eval_ndjson() reads the file",
    "WriteMetricsCsv": "ModelRun.metrics().to_pandas().to_csv() or "
                       "export_rows()",
    # The bootstrap's internals.
    "BootstrapMultiplicities": "compare()'s resampling, not an API of its "
                               "own",
    # The slice-reference rewriting that the store and Bind() do.
    "ResolveSliceRefs": "bind(..., resolver=) resolves references",
    "RewriteSliceRefs": "the store rewrites references on save",
    "SliceRefsOf": "internal to the store's reference checks",
    # The table layer's implementation seam (not for users).
    "ImplOf": "implementation seam of the table and scan layers",
    "Table::DictionarySize": "Table.memory_bytes; a categorical's values "
                             "are in Table.column()",
    "Table::Reserve": "capacity for appends; Table.append sizes itself",
}


def _free_functions(text):
    return set(re.findall(
        r"^(?!class|struct|namespace|enum|using|template|#|\}|friend|"
        r"inline constexpr)[A-Za-z][^;{(]*?\b([A-Z]\w*)\(", text, re.M))


def _methods(text, cls):
    start = re.search(rf"^class {cls}\b[^;]*?\{{", text, re.M)
    assert start, cls
    body = text[start.end():text.index("\n};", start.end())]
    public = body.split(" private:")[0]
    # Two-space indented declarations of the class itself (not nested
    # structs, which are indented further).
    names = set(re.findall(r"^  (?:static |virtual )?(?!struct|enum|class|"
                           r"friend|using)(?:[A-Za-z][^;(\n]*?\b)?"
                           r"([A-Z]\w*)\(", public, re.M))
    return {f"{cls}::{n}" for n in names if n != cls}


def public_api():
    ops = set()
    for header in sorted(INCLUDE.glob("*.h")):
        text = re.sub(r"//[^\n]*", "", header.read_text())
        ops |= _free_functions(text)
        for cls in ("Table", "SliceStore"):
            if re.search(rf"^class {cls}\b[^;]*?\{{", text, re.M):
                ops |= _methods(text, cls)
    return ops


def _resolve(path):
    obj = sk
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_public_cpp_operation_has_a_python_counterpart():
    ops = public_api()
    assert len(ops) > 80, sorted(ops)  # the scan itself works
    missing = sorted(ops - set(COUNTERPARTS) - set(NOT_BOUND))
    assert not missing, ("public C++ operations with no Python counterpart "
                         "(bind them, or list them in NOT_BOUND with the "
                         f"reason): {missing}")
    stale = sorted((set(COUNTERPARTS) | set(NOT_BOUND)) - ops)
    assert not stale, f"listed but not in include/slicekit/: {stale}"
    assert not set(COUNTERPARTS) & set(NOT_BOUND)
    for op, path in COUNTERPARTS.items():
        assert callable(_resolve(path)) or isinstance(_resolve(path), type), \
            (op, path)
