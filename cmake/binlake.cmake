# Helpers shared by every folder's CMakeLists.txt.

# binlake_library(NAME SOURCES ... DEPS ...): one static library per src/ folder.
function(binlake_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# binlake_unit_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with ctest
# under the "unit" label. Tests run with the project root as working directory so that
# fixtures resolve as ../shared/fixtures.
function(binlake_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} binlake_testing GTest::gtest GTest::gmock
                        GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES LABELS unit WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       ENVIRONMENT "BINLAKE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# binlake_integration_test(NAME (SOURCES ... [DEPS ...] | COMMAND ...) [FIXTURES mariadb rgw]
#                          [TIMEOUT seconds])
# An integration test under the "integration" label. With SOURCES it is a GoogleTest binary
# (linked with binlake_testing); with COMMAND any program (e.g. `node --test file.mjs`).
# FIXTURES names the rig servers it needs; ctest starts them once before the first test that
# needs them and stops them after the last, even when tests fail (tests/rig/README.md).
# Environment: BINLAKE_SOURCE_DIR, BINLAKE_RIG_DIR (servers' env files), BINLAKE_BIN (the
# binlake executable).
function(binlake_integration_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;COMMAND;FIXTURES" ${ARGN})
  if(ARG_SOURCES)
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} binlake_testing GTest::gtest GTest::gmock
                          GTest::gtest_main)
    add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  else()
    add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  endif()
  set(fixtures "")
  foreach(f IN LISTS ARG_FIXTURES)
    list(APPEND fixtures rig_${f})
  endforeach()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES
    LABELS integration
    TIMEOUT ${ARG_TIMEOUT}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    FIXTURES_REQUIRED "${fixtures}"
    ENVIRONMENT "BINLAKE_SOURCE_DIR=${PROJECT_SOURCE_DIR};BINLAKE_RIG_DIR=${PROJECT_BINARY_DIR}/rig;BINLAKE_BIN=$<TARGET_FILE:binlake>")
endfunction()

# binlake_fuzzer(NAME SOURCE DEPS ...): a libFuzzer target, built only with -DBINLAKE_FUZZ=ON
# and Clang (scripts/fuzz.sh, in the sanitizer build of scripts/lib/sanitized-build.sh).
function(binlake_fuzzer name source)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  if(BINLAKE_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    add_executable(${name} ${source})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  endif()
endfunction()
