# Helpers in the spirit of absl_cc_library / absl_cc_test: one call per target,
# the same warnings and include root everywhere.

set(PUMPURS_WARNINGS -Wall -Wextra -Wno-unused-parameter)

# pumpurs_cc_library(NAME n SRCS ... DEPS ... [PUBLIC_INCLUDES ...])
function(pumpurs_cc_library)
  cmake_parse_arguments(P "" "NAME" "SRCS;DEPS;PUBLIC_INCLUDES" ${ARGN})
  add_library(${P_NAME} STATIC ${P_SRCS})
  target_include_directories(${P_NAME} PUBLIC ${CMAKE_SOURCE_DIR} ${P_PUBLIC_INCLUDES})
  target_compile_options(${P_NAME} PRIVATE ${PUMPURS_WARNINGS})
  target_link_libraries(${P_NAME} PUBLIC ${P_DEPS})
  set_target_properties(${P_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# pumpurs_cc_test(NAME n SRCS ... DEPS ...): a GoogleTest binary registered
# with CTest, one test per binary so a failure names its file.
function(pumpurs_cc_test)
  cmake_parse_arguments(P "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${P_NAME} ${P_SRCS})
  target_compile_options(${P_NAME} PRIVATE ${PUMPURS_WARNINGS})
  target_link_libraries(${P_NAME} PRIVATE ${P_DEPS} GTest::gmock GTest::gtest_main)
  set_target_properties(${P_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${P_NAME} COMMAND ${P_NAME})
  if(NOT P_TIMEOUT)
    set(P_TIMEOUT 300)
  endif()
  set_tests_properties(${P_NAME} PROPERTIES TIMEOUT ${P_TIMEOUT} LABELS "unit;${P_LABELS}")
endfunction()

# Links every generated message into `target` (whole archive), so server
# reflection can describe services nothing references yet.
function(pumpurs_link_all_protos target)
  set_target_properties(${target} PROPERTIES LINK_LIBRARY_OVERRIDE_pumpurs_proto WHOLE_ARCHIVE)
endfunction()
