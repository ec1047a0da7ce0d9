# Runs cmake/check_layers.cmake on bad_tree/ (a small tree with one of each
# kind of violation, and one file whose includes are all allowed) and
# requires it to fail, to report each violation with its file and line, and
# to report nothing about the allowed file.
#
#   cmake -DCHECK=<check_layers.cmake> -DROOT=<bad_tree> -P expect_violations.cmake
cmake_minimum_required(VERSION 3.21)

execute_process(
  COMMAND ${CMAKE_COMMAND} -DROOT=${ROOT} -P ${CHECK}
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
if(result EQUAL 0)
  message(FATAL_ERROR "check_layers passed a tree with violations:\n${output}")
endif()

set(expected
  "src/gui/window.cc: 'gui' is not a layer"
  "src/loose.cc: every source file belongs in a layer folder"
  "src/analysis/uses_private.cc:2: includes \"src/scan/kernels.h\": a private header of layer scan, read layer scan through its public headers"
  "src/analysis/uses_private.cc:3: includes \"src/table/buffer.h\": a private header of layer table, read layer table through its public headers"
  "src/metrics/uses_explore.cc:2: includes \"slicekit/explore.h\" (layer analysis), but layer metrics may include only itself and util, table, filter, scan"
  "src/report/uses_impl.cc:2: includes \"src/filter/number_literal.h\": a private header of layer filter (shared with "
  "src/scan/uses_slices.cc:3: includes \"src/store/store.h\" (layer store), but layer scan may include only itself and util, table, filter"
  "src/scan/uses_slices.cc:4: includes \"slicekit/slice_store.h\" (layer store)"
  "src/store/uses_scan.cc:3: includes \"slicekit/scan.h\" (layer scan), but layer store may include only order.h of layer scan"
  "src/table/umbrella.cc:2: includes \"slicekit/slicekit.h\": the library itself may not include the umbrella header"
  "src/util/uses_tests.h:2: includes \"tests/testing/reference.h\": the library may not include test, example or benchmark code"
  "include/slicekit/expr.h:3: includes \"slicekit/scan.h\" (layer scan), but layer filter may include only itself and util, table"
  "include/slicekit/newthing.h: a public header with no layer"
  "include/slicekit/table.h:2: includes \"src/table/table_impl.h\": a public header may not include a private one"
  "layers: 14 violation(s)")
foreach(line IN LISTS expected)
  string(FIND "${output}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "check_layers did not report:\n  ${line}\nIt printed:\n${output}")
  endif()
endforeach()
foreach(allowed "src/store/ok.cc" "src/scan/uses_slices.cc:7"
                "src/store/uses_scan.cc:2")
  string(FIND "${output}" "${allowed}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "check_layers reported allowed includes (${allowed}):\n${output}")
  endif()
endforeach()
message("check_layers reported all 14 violations")
