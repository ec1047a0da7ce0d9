# Installs a built slicekit into a fresh prefix, builds the consumer project
# next to this file against it, and runs it. Any failing step is fatal.
#
#   cmake -DSOURCE_DIR=<repo> -DBUILD_DIR=<slicekit build> -DWORK_DIR=<scratch>
#         [-DCMAKE_GENERATOR=<generator>] -P run_install_smoke.cmake
foreach(var SOURCE_DIR BUILD_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_smoke: pass -D${var}=...")
  endif()
endforeach()

# Build settings of the slicekit build, so the consumer uses the same
# compiler, configuration and Abseil.
function(read_cache name out)
  file(STRINGS "${BUILD_DIR}/CMakeCache.txt" line REGEX "^${name}:[A-Z]+=")
  string(REGEX REPLACE "^${name}:[A-Z]+=" "" value "${line}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()
if(NOT EXISTS "${BUILD_DIR}/CMakeCache.txt")
  message(FATAL_ERROR "install_smoke: ${BUILD_DIR} is not a configured build")
endif()
read_cache(CMAKE_BUILD_TYPE build_type)
read_cache(CMAKE_CXX_COMPILER cxx_compiler)
read_cache(absl_DIR absl_dir)
if(build_type STREQUAL "")
  set(build_type Release)
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_step name)
  message(STATUS "install_smoke: ${name}")
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_smoke: ${name} failed (${rc})\n"
                        "command: ${ARGN}\n${out}\n${err}")
  endif()
  if(NOT out STREQUAL "")
    message(STATUS "${out}")
  endif()
endfunction()

# The library itself; a no-op when it is already built.
run_step("build slicekit"
  "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target slicekit
                     --config "${build_type}")
run_step("install"
  "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}"
                     --config "${build_type}")

# Private headers stay private.
foreach(private status_macros.h table_impl.h bound_program.h kernels.h)
  file(GLOB_RECURSE leaked "${prefix}/*/${private}")
  if(leaked)
    message(FATAL_ERROR "install_smoke: private header installed: ${leaked}")
  endif()
endforeach()
if(NOT EXISTS "${prefix}/include/slicekit/slicekit.h")
  message(FATAL_ERROR "install_smoke: include/slicekit/slicekit.h missing")
endif()

set(generator_args)
if(DEFINED CMAKE_GENERATOR AND NOT CMAKE_GENERATOR STREQUAL "")
  set(generator_args -G "${CMAKE_GENERATOR}")
endif()
set(cache_args "-DCMAKE_PREFIX_PATH=${prefix}"
               "-DSLICEKIT_EXPECTED_PREFIX=${prefix}"
               "-DCMAKE_BUILD_TYPE=${build_type}")
if(NOT cxx_compiler STREQUAL "")
  list(APPEND cache_args "-DCMAKE_CXX_COMPILER=${cxx_compiler}")
endif()
if(NOT absl_dir STREQUAL "" AND NOT absl_dir MATCHES "NOTFOUND$")
  list(APPEND cache_args "-Dabsl_DIR=${absl_dir}")
endif()
run_step("configure consumer"
  "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install_smoke"
                     -B "${consumer_build}" ${generator_args} ${cache_args})
run_step("build consumer"
  "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${build_type}")

# Single-config generators put the program in the build dir, multi-config
# ones in a per-configuration folder.
set(consumer "")
foreach(candidate "${consumer_build}/consumer"
                  "${consumer_build}/${build_type}/consumer"
                  "${consumer_build}/consumer.exe"
                  "${consumer_build}/${build_type}/consumer.exe")
  if(EXISTS "${candidate}")
    set(consumer "${candidate}")
    break()
  endif()
endforeach()
if(consumer STREQUAL "")
  message(FATAL_ERROR "install_smoke: no consumer program in ${consumer_build}")
endif()
run_step("run consumer" "${consumer}")
message(STATUS "install_smoke: passed")
