# A header-only Boost package for cross builds (found through Boost_DIR, which
# the toolchain files in the folder above set).
#
# It serves the host's Boost headers (CROSS_BOOST_INCLUDEDIR, default
# /usr/include) to any target: Asio and the rest of header-only Boost are the
# same source for every platform. The compiler sees them through a folder of
# the build tree holding only a `boost` symlink, as a system include
# directory, so no other host header (/usr/include/*.h) can leak into a
# target's build.
#
# Targets, as Boost's own CMake package names them:
#   Boost::headers, Boost::boost   the headers
#   Boost::system                  header-only since Boost 1.69
#   Boost::unit_test_framework     Boost.Test in its header-only form: the
#                                  framework and main() are compiled into each
#                                  program linking it (one extra source), so a
#                                  test program is written as for the static
#                                  library: BOOST_TEST_MODULE in one file,
#                                  <boost/test/unit_test.hpp> everywhere.
# Other compiled components are not provided: find_package fails for them.
set(CROSS_BOOST_INCLUDEDIR "${CROSS_BOOST_INCLUDEDIR}" CACHE PATH
  "Host directory whose boost/ subdirectory holds the Boost headers for cross builds")
if(NOT CROSS_BOOST_INCLUDEDIR)
  set(CROSS_BOOST_INCLUDEDIR /usr/include CACHE PATH
    "Host directory whose boost/ subdirectory holds the Boost headers for cross builds" FORCE)
endif()

set(_boost_components headers boost system unit_test_framework)
set(_boost_missing "")
foreach(_comp IN LISTS Boost_FIND_COMPONENTS)
  if(_comp IN_LIST _boost_components)
    set(Boost_${_comp}_FOUND TRUE)
  else()
    set(Boost_${_comp}_FOUND FALSE)
    if(Boost_FIND_REQUIRED_${_comp})
      list(APPEND _boost_missing ${_comp})
    endif()
  endif()
endforeach()
unset(_comp)
unset(_boost_components)
if(_boost_missing)
  set(Boost_FOUND FALSE)
  set(Boost_NOT_FOUND_MESSAGE "Boost components ${_boost_missing} are compiled "
    "libraries, which this header-only package (${CMAKE_CURRENT_LIST_FILE}) does not "
    "have: pass -DBoost_DIR=<dir> for a Boost built for the target")
  unset(_boost_missing)
  return()
endif()
unset(_boost_missing)

# The folder the compiler is given: <build>/cross-boost/include/boost -> the headers.
set(_boost_include "${CMAKE_BINARY_DIR}/cross-boost/include")
if(NOT IS_SYMLINK "${_boost_include}/boost")
  file(MAKE_DIRECTORY "${_boost_include}")
  file(CREATE_LINK "${CROSS_BOOST_INCLUDEDIR}/boost" "${_boost_include}/boost" SYMBOLIC)
endif()

if(NOT TARGET Boost::headers)
  add_library(Boost::headers INTERFACE IMPORTED)
  # Imported targets' include directories are system ones (-isystem).
  set_target_properties(Boost::headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_boost_include}")
  add_library(Boost::boost INTERFACE IMPORTED)
  set_target_properties(Boost::boost PROPERTIES INTERFACE_LINK_LIBRARIES Boost::headers)
  add_library(Boost::system INTERFACE IMPORTED)
  set_target_properties(Boost::system PROPERTIES INTERFACE_LINK_LIBRARIES Boost::headers)
  add_library(Boost::unit_test_framework INTERFACE IMPORTED)
  set_target_properties(Boost::unit_test_framework PROPERTIES
    INTERFACE_LINK_LIBRARIES Boost::headers
    INTERFACE_SOURCES "${CMAKE_CURRENT_LIST_DIR}/unit_test_framework.cpp")
endif()

set(Boost_FOUND TRUE)
set(Boost_INCLUDE_DIRS "${_boost_include}")
set(Boost_LIBRARIES "")
unset(_boost_include)
