# Reads the version from include/asio_ipv4/version.hpp, its only source, into
# ASIO_IPV4_VERSION ("MAJOR.MINOR.PATCH") for project(). Included before
# project(), so it uses nothing project() sets.
get_filename_component(_asio_ipv4_version_header
  ${CMAKE_CURRENT_LIST_DIR}/../include/asio_ipv4/version.hpp ABSOLUTE)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_asio_ipv4_version_header})
file(STRINGS ${_asio_ipv4_version_header} _asio_ipv4_version_lines
  REGEX "^#define ASIO_IPV4_VERSION_(MAJOR|MINOR|PATCH|STRING) ")
foreach(_part MAJOR MINOR PATCH STRING)
  if(NOT _asio_ipv4_version_lines MATCHES "#define ASIO_IPV4_VERSION_${_part} +([0-9]+|\"[0-9.]+\")")
    message(FATAL_ERROR "${_asio_ipv4_version_header}: no ASIO_IPV4_VERSION_${_part}")
  endif()
  string(REPLACE "\"" "" _asio_ipv4_version_${_part} "${CMAKE_MATCH_1}")
endforeach()
set(ASIO_IPV4_VERSION
  ${_asio_ipv4_version_MAJOR}.${_asio_ipv4_version_MINOR}.${_asio_ipv4_version_PATCH})
if(NOT ASIO_IPV4_VERSION STREQUAL _asio_ipv4_version_STRING)
  message(FATAL_ERROR "${_asio_ipv4_version_header}: ASIO_IPV4_VERSION_STRING is "
    "\"${_asio_ipv4_version_STRING}\", the numbers say ${ASIO_IPV4_VERSION}")
endif()
