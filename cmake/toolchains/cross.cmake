# Shared by every cross toolchain file here (included last, after the
# compilers and CMAKE_FIND_ROOT_PATH are set).
#
# Libraries, headers and CMake packages are looked for only under the target's
# root (CMAKE_FIND_ROOT_PATH), never the host's /usr: a host library found for
# the target would fail late, at link time. Programs are the host's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# find_package(Boost CONFIG) finds the header-only Boost package beside this
# file: the host's Boost headers (Asio, header-only Boost.Test), which are the
# same for every target. Pass -DBoost_DIR=<dir> to use a Boost built for the
# target instead.
set(Boost_DIR "${CMAKE_CURRENT_LIST_DIR}/boost" CACHE PATH
  "Directory holding BoostConfig.cmake for the target")
