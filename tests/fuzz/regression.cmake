# The fuzz targets as ctest tests of the main build (label `fuzz`), with PI_BUILD_FUZZERS=ON.
# They are compiled by clang++-14 in <build>/fuzz, a second CMake build of this tree with
# PI_FUZZ=ON, made by the target `fuzzers` (not part of `all`: scripts/test.sh builds it).
# Each test runs every committed input of its corpus (a regression test), then fuzzes for
# PI_FUZZ_SECONDS more, and fails on any crash, leak, timeout or failed check.
include(ExternalProject)
find_program(PI_FUZZ_CXX clang++-14)
if(NOT PI_FUZZ_CXX)
  message(FATAL_ERROR "PI_BUILD_FUZZERS needs clang++-14 (scripts/install-deps.sh installs it)")
endif()
set(PI_FUZZ_SECONDS 15 CACHE STRING "How long each fuzz test fuzzes after its corpus")
set(PI_FUZZ_JOBS 2 CACHE STRING "Parallel jobs of the fuzz build")

set(PI_FUZZ_BUILD_DIR ${CMAKE_BINARY_DIR}/fuzz)
set(fuzz_cmake_args -DPI_FUZZ=ON -DCMAKE_CXX_COMPILER=${PI_FUZZ_CXX}
                    -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if(CMAKE_CXX_COMPILER_LAUNCHER)
  list(APPEND fuzz_cmake_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER})
endif()
ExternalProject_Add(fuzzers
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${PI_FUZZ_BUILD_DIR}
  CMAKE_ARGS ${fuzz_cmake_args}
  BUILD_COMMAND ${CMAKE_COMMAND} --build ${PI_FUZZ_BUILD_DIR} --target pi_fuzzers
                -j ${PI_FUZZ_JOBS}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  EXCLUDE_FROM_ALL ON
  USES_TERMINAL_BUILD ON)

include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
foreach(entry ${PI_FUZZ_TARGETS})
  string(REPLACE ":" ";" parts ${entry})
  list(GET parts 0 name)
  set(flags)
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/dict/${name}.dict)
    set(flags -dict=${CMAKE_CURRENT_LIST_DIR}/dict/${name}.dict)
  endif()
  add_test(NAME fuzz.${name}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/run-fuzzer.sh
                   ${PI_FUZZ_BUILD_DIR}/tests/fuzz/${name}_fuzzer ${PI_FUZZ_SECONDS}
                   ${CMAKE_CURRENT_LIST_DIR}/corpus/${name} ${CMAKE_BINARY_DIR}/fuzz-state/${name}
                   ${flags})
  math(EXPR timeout "${PI_FUZZ_SECONDS} + 300")
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT ${timeout})
endforeach()
