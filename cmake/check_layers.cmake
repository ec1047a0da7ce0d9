# Checks that every #include in src/ and include/slicekit/ points down the
# layers of the library, so the tree keeps the architecture it shows:
#
#   util <- table <- filter <- scan <- metrics ---------- <- compare <- report
#                                   <- store <- analysis <-       <- python
#
# A layer may include its own files and those of the layers it builds on
# (below); metrics and the store/analysis pair are siblings and may not
# include each other; compare (two runs slice by slice, with statistics)
# sits on both, and report on compare. python (src/python: the pybind11
# extension, which binds the public API) sits above them all.
# Each public header in include/slicekit/ belongs to the layer listed here,
# so a new public header must be given one.
#
# src/<layer>/ holds a layer's private files, and a private header is for
# its own layer only: a layer above reads the one below through its public
# headers. util's headers are the exception (the library's shared helpers,
# for every layer). Any other private header that a layer above still
# includes must be on the `shared_private` list below, naming the layers
# allowed; that list is meant to shrink.
#
# A layer may also be held to a few public headers of a layer below it
# (`narrow_includes`): the store runs no query over a table, so of scan it
# may include only order.h.
#
# Prints every violation with file and line, then fails.
#
#   cmake -DROOT=<source tree> -P cmake/check_layers.cmake
cmake_minimum_required(VERSION 3.21)

if(NOT DEFINED ROOT OR ROOT STREQUAL "")
  message(FATAL_ERROR "check_layers: pass -DROOT=<source tree>")
endif()

# The layers, bottom first, and what each may include besides itself.
set(layers util table filter scan metrics store analysis compare report python)
set(below_util "")
set(below_table util)
set(below_filter util table)
set(below_scan util table filter)
set(below_metrics util table filter scan)
# The store keeps data (slices, history, snapshots, alert rules) and runs no
# query over a table: of scan it needs only order.h (OrderBy); what needs a
# table (snapshots of one, alert checks) is analysis, above it.
set(below_store util table filter scan)
set(below_analysis util table filter scan store)
set(below_compare util table filter scan metrics store analysis)
set(below_report util table filter scan metrics store analysis compare)
set(below_python util table filter scan metrics store analysis compare report)

# Private headers another layer may include: "<header>=<layer>,<layer>".
set(shared_private
  "src/table/table_impl.h=scan"
  "src/filter/number_literal.h=analysis")

# Public headers a layer may include from a layer below, when not all:
# "<layer>:<layer below>=<header>,<header>".
set(narrow_includes
  "store:scan=order.h")

# include/slicekit/<header> -> layer. slicekit.h, the umbrella header,
# includes them all and may be included by none of them.
set(public_table schema.h table.h selection.h csv.h column_reader.h)
set(public_filter expr.h filter_text.h filter_json.h slice_resolver.h)
set(public_scan scan.h order.h)
set(public_metrics model_run.h metrics.h coco.h ndjson.h average_precision.h
    tide.h confusion_matrix.h calibration.h label_issues.h)
set(public_store slice.h slice_store.h slice_snapshot.h slice_summary.h
    alert_rules.h)
set(public_analysis explore.h auto_slices.h curation.h slice_alerts.h
    discover.h table_snapshot.h)
set(public_compare compare.h)
set(public_report report.h)
set(umbrella slicekit.h)

set(problems "")
macro(report text)
  list(APPEND problems "${text}")
endmacro()

# Sets `out` to the layer of public header `header`, or "" if it has none.
function(public_layer header out)
  set(result "")
  foreach(layer IN LISTS layers)
    if(header IN_LIST public_${layer})
      set(result ${layer})
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Sets `out` to the layers that may include private header `header` from
# outside its own layer (the shared_private list), or "".
function(shared_private_layers header out)
  set(result "")
  foreach(entry IN LISTS shared_private)
    if(entry MATCHES "^([^=]+)=(.*)$" AND CMAKE_MATCH_1 STREQUAL header)
      string(REPLACE "," ";" result "${CMAKE_MATCH_2}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Sets `out` to the public headers of layer `below` that layer `layer` may
# include (the narrow_includes list), or "" when it may include them all.
function(narrow_headers layer below out)
  set(result "")
  foreach(entry IN LISTS narrow_includes)
    if(entry MATCHES "^([^:]+):([^=]+)=(.*)$" AND CMAKE_MATCH_1 STREQUAL layer
       AND CMAKE_MATCH_2 STREQUAL below)
      string(REPLACE "," ";" result "${CMAKE_MATCH_3}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Checks the includes of `file` (relative to ROOT), which is in `layer`.
function(check_file file layer)
  file(STRINGS "${ROOT}/${file}" lines)
  set(line_number 0)
  set(found "")
  foreach(line IN LISTS lines)
    math(EXPR line_number "${line_number} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      continue()
    endif()
    set(included "${CMAKE_MATCH_1}")
    set(where "${file}:${line_number}: includes \"${included}\"")
    set(target "")
    set(private_header "")
    if(included MATCHES "^src/([^/]+)/")
      set(target "${CMAKE_MATCH_1}")
      if(file MATCHES "^include/")
        list(APPEND found "${where}: a public header may not include a private one")
        continue()
      endif()
      if(NOT target IN_LIST layers)
        list(APPEND found "${where}: '${target}' is not a layer")
        continue()
      endif()
      set(private_header "${included}")
    elseif(included MATCHES "^slicekit/(.+)$")
      set(header "${CMAKE_MATCH_1}")
      if(header STREQUAL umbrella)
        list(APPEND found "${where}: the library itself may not include the umbrella header")
        continue()
      endif()
      public_layer("${header}" target)
      if(target STREQUAL "")
        # Reported once, where the header itself is checked.
        continue()
      endif()
    elseif(included MATCHES "^(tests|examples|bench)/")
      list(APPEND found "${where}: the library may not include test, example or benchmark code")
      continue()
    else()
      continue()  # a third-party header
    endif()
    if(NOT target STREQUAL layer AND NOT target IN_LIST below_${layer})
      string(REPLACE ";" ", " allowed "${below_${layer}}")
      if(allowed STREQUAL "")
        set(allowed "nothing")
      endif()
      list(APPEND found "${where} (layer ${target}), but layer ${layer} may include only itself and ${allowed}")
      continue()
    endif()
    if(NOT private_header AND NOT target STREQUAL layer)
      narrow_headers("${layer}" "${target}" narrow)
      if(narrow AND NOT header IN_LIST narrow)
        string(REPLACE ";" ", " only "${narrow}")
        list(APPEND found "${where} (layer ${target}), but layer ${layer} may include only ${only} of layer ${target}")
        continue()
      endif()
    endif()
    if(private_header AND NOT target STREQUAL layer AND NOT target STREQUAL "util")
      shared_private_layers("${private_header}" sharers)
      if(NOT layer IN_LIST sharers)
        set(shared "")
        if(sharers)
          string(REPLACE ";" ", " shared "${sharers}")
          set(shared " (shared with ${shared} only)")
        endif()
        list(APPEND found "${where}: a private header of layer ${target}${shared}, read layer ${target} through its public headers")
      endif()
    endif()
  endforeach()
  set(file_problems "${found}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE private_files RELATIVE "${ROOT}"
     "${ROOT}/src/*.h" "${ROOT}/src/*.cc")
list(SORT private_files)
foreach(file IN LISTS private_files)
  if(NOT file MATCHES "^src/([^/]+)/")
    report("${file}: every source file belongs in a layer folder src/<layer>/")
    continue()
  endif()
  set(layer "${CMAKE_MATCH_1}")
  if(NOT layer IN_LIST layers)
    string(REPLACE ";" ", " known "${layers}")
    report("${file}: '${layer}' is not a layer (the layers: ${known})")
    continue()
  endif()
  check_file("${file}" ${layer})
  list(APPEND problems ${file_problems})
endforeach()

file(GLOB public_files RELATIVE "${ROOT}" "${ROOT}/include/slicekit/*.h")
list(SORT public_files)
foreach(file IN LISTS public_files)
  get_filename_component(header "${file}" NAME)
  if(header STREQUAL umbrella)
    continue()
  endif()
  public_layer("${header}" layer)
  if(layer STREQUAL "")
    report("${file}: a public header with no layer: add it to a public_<layer> list in cmake/check_layers.cmake")
    continue()
  endif()
  check_file("${file}" ${layer})
  list(APPEND problems ${file_problems})
endforeach()

list(LENGTH private_files private_count)
list(LENGTH public_files public_count)
if(problems)
  list(LENGTH problems count)
  foreach(problem IN LISTS problems)
    message("${problem}")
  endforeach()
  message(FATAL_ERROR "layers: ${count} violation(s)")
endif()
message("layers: ok (${private_count} private files, ${public_count} public headers)")
