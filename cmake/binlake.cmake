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
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES LABELS unit WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       ENVIRONMENT "BINLAKE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
