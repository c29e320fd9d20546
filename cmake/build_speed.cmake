# Build speed for the programs the project builds for itself: tests,
# examples, benchmarks (not the library or the installed tool, which link as a
# user's build would). Included by the top-level CMakeLists.txt when any of
# them is built. Measured in CPU seconds on the 2-core CI machine (issue 16,
# .ci/run's header has the numbers).
#
#   ASIO_IPV4_FAST_LINKER (ON)    link them with lld (-fuse-ld=lld) when the
#                                 compiler takes it: the netns test program
#                                 links in 1.0 s of CPU instead of 2.7 s with
#                                 GNU ld, and the links are the serial tail of
#                                 every build. Debian's lld (quick-start list).
#   ASIO_IPV4_TEST_DEBUG_INFO (lines)
#                                 debug information of the test programs and
#                                 examples in RelWithDebInfo: "lines" (-g1:
#                                 file:line in backtraces, no locals) or
#                                 "full" (-g, as the library). -g1 compiles
#                                 loopback/socket_option_test.cpp in 39 s of
#                                 CPU instead of 55 s.
#   ASIO_IPV4_PRECOMPILED_HEADERS (OFF)
#                                 precompile Boost.Test and the common Asio
#                                 headers once per test program
#                                 (target_precompile_headers). Off by default:
#                                 it measured no gain on these sources, whose
#                                 cost is code generation, not parsing.
#
#   ASIO_IPV4_UNITY_BUILD (ON)    compile the test programs and the lab in
#                                 batches of ASIO_IPV4_UNITY_BATCH_SIZE
#                                 sources (CMake's UNITY_BUILD): every test
#                                 source instantiates and optimises the same
#                                 Asio and cmsg_socket templates, a batch does
#                                 it once. A source that cannot share a batch
#                                 sets SKIP_UNITY_BUILD_INCLUSION.
#
# ASIO_IPV4_FAST_LINK_OPTIONS holds the link options to add (add_link_options
# in test/, example/, bench/).
option(ASIO_IPV4_FAST_LINKER "Link the tests, examples and benchmarks with lld when available" ON)
option(ASIO_IPV4_PRECOMPILED_HEADERS "Precompiled headers for the test programs" OFF)
option(ASIO_IPV4_UNITY_BUILD "Compile the test programs in batches of sources (unity build)" ON)
set(ASIO_IPV4_UNITY_BATCH_SIZE 4 CACHE STRING "Sources per unity batch of a test program")

set(ASIO_IPV4_TEST_DEBUG_INFO lines CACHE STRING
  "Debug information of the tests and examples in RelWithDebInfo: lines (-g1) or full (-g)")
set_property(CACHE ASIO_IPV4_TEST_DEBUG_INFO PROPERTY STRINGS lines full)
# ASIO_IPV4_TEST_COMPILE_OPTIONS: compile options of the tests and examples
# (add_compile_options in test/ and example/), after the build type's flags.
set(ASIO_IPV4_TEST_OPTIMIZATION -O1 CACHE STRING
  "Optimisation of the tests and examples in RelWithDebInfo (empty: the build type's -O2)")
set(ASIO_IPV4_TEST_COMPILE_OPTIONS "")
if(CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
  foreach(flag ${ASIO_IPV4_TEST_OPTIMIZATION})
    list(APPEND ASIO_IPV4_TEST_COMPILE_OPTIONS $<$<CONFIG:RelWithDebInfo>:${flag}>)
  endforeach()
endif()
if(ASIO_IPV4_TEST_DEBUG_INFO STREQUAL "lines" AND CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
  list(APPEND ASIO_IPV4_TEST_COMPILE_OPTIONS $<$<CONFIG:RelWithDebInfo>:-g1>)
elseif(NOT ASIO_IPV4_TEST_DEBUG_INFO MATCHES "^(lines|full)$")
  message(FATAL_ERROR "ASIO_IPV4_TEST_DEBUG_INFO is lines or full, not ${ASIO_IPV4_TEST_DEBUG_INFO}")
endif()

set(ASIO_IPV4_FAST_LINK_OPTIONS "")
if(ASIO_IPV4_FAST_LINKER AND NOT CMAKE_CROSSCOMPILING
   AND CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_LINK_OPTIONS -fuse-ld=lld)
  check_cxx_source_compiles("int main() { return 0; }" ASIO_IPV4_HAVE_LLD)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(ASIO_IPV4_HAVE_LLD)
    set(ASIO_IPV4_FAST_LINK_OPTIONS -fuse-ld=lld)
  else()
    message(STATUS "lld not found: the tests link with the default linker (apt-get install lld)")
  endif()
endif()

# asio_ipv4_test_pch(TARGET): the precompiled headers of a test program, when
# ASIO_IPV4_PRECOMPILED_HEADERS is on. test/main.cpp defines BOOST_TEST_MODULE
# before it includes Boost.Test, so it is compiled without them.
function(asio_ipv4_test_pch target)
  if(NOT ASIO_IPV4_PRECOMPILED_HEADERS)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE
    <boost/test/unit_test.hpp> <boost/asio/io_context.hpp> <boost/asio/ip/udp.hpp>
    <boost/asio/buffer.hpp> <string> <vector>)
  set_source_files_properties(${PROJECT_SOURCE_DIR}/test/main.cpp PROPERTIES
    SKIP_PRECOMPILE_HEADERS ON)
endfunction()

# asio_ipv4_test_unity(TARGET): TARGET is compiled in unity batches when
# ASIO_IPV4_UNITY_BUILD is on. test/main.cpp defines BOOST_TEST_MODULE
# before it includes Boost.Test: it stays a translation unit of its own.
function(asio_ipv4_test_unity target)
  if(NOT ASIO_IPV4_UNITY_BUILD)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON
    UNITY_BUILD_BATCH_SIZE ${ASIO_IPV4_UNITY_BATCH_SIZE})
  # A fixture from a source's anonymous namespace, used by a test case of
  # that source, is fine; GCC warns once the source is included in a batch.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
  set_source_files_properties(${PROJECT_SOURCE_DIR}/test/main.cpp PROPERTIES
    SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()
