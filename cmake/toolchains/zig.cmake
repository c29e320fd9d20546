# zig as the C and C++ cross compiler, archiver and linker for ZIG_TARGET
# (an <arch>-<os> triple, set by the zig-<arch>-<os>.cmake file including this).
#
# zig is taken from -DZIG=<path>, else $ZIG, else where tools/get-zig puts it
# (~/.cache/asio_ipv4/zig-0.11.0/zig), else `zig` on the PATH. Tested with
# zig 0.11.0, whose `zig c++ -target <arch>-macos` brings libc++ and the macOS
# libc headers and stubs, so no Apple SDK is needed.
if(NOT ZIG_TARGET)
  message(FATAL_ERROR "zig.cmake: set ZIG_TARGET (e.g. x86_64-macos) before including it")
endif()
set(ZIG_TESTED_VERSION 0.11.0)

if(NOT ZIG AND DEFINED ENV{ZIG})
  set(ZIG "$ENV{ZIG}")
endif()
if(NOT ZIG)
  if(DEFINED ENV{XDG_CACHE_HOME})
    set(_zig_cache "$ENV{XDG_CACHE_HOME}")
  else()
    set(_zig_cache "$ENV{HOME}/.cache")
  endif()
  find_program(ZIG zig PATHS "${_zig_cache}/asio_ipv4/zig-${ZIG_TESTED_VERSION}"
    NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  find_program(ZIG zig NO_CMAKE_FIND_ROOT_PATH)
  unset(_zig_cache)
endif()
if(NOT ZIG)
  message(FATAL_ERROR "zig not found: run tools/get-zig, or pass -DZIG=/path/to/zig")
endif()
# try_compile projects read this file again: hand them the same zig.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ZIG)

if(NOT ZIG_VERSION)
  execute_process(COMMAND "${ZIG}" version OUTPUT_VARIABLE ZIG_VERSION
    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _zig_rc)
  if(NOT _zig_rc EQUAL 0)
    message(FATAL_ERROR "${ZIG} does not run (`zig version` exited with ${_zig_rc})")
  endif()
  if(NOT ZIG_VERSION STREQUAL ZIG_TESTED_VERSION)
    message(WARNING "zig ${ZIG_VERSION} at ${ZIG}: these toolchain files are tested with "
      "zig ${ZIG_TESTED_VERSION} (tools/get-zig installs it)")
  endif()
  set(ZIG_VERSION "${ZIG_VERSION}" CACHE INTERNAL "")
endif()

string(REGEX MATCH "^([^-]+)-([^-.]+)" _zig_triple "${ZIG_TARGET}")
set(_zig_arch "${CMAKE_MATCH_1}")
set(_zig_os "${CMAKE_MATCH_2}")
if(_zig_os STREQUAL "macos")
  set(CMAKE_SYSTEM_NAME Darwin)
  # Apple's name for aarch64.
  string(REPLACE "aarch64" "arm64" CMAKE_SYSTEM_PROCESSOR "${_zig_arch}")
  # No Apple SDK: zig brings its own headers and libSystem stubs.
  set(CMAKE_OSX_SYSROOT "" CACHE PATH "" FORCE)
else()
  message(FATAL_ERROR "zig.cmake: no CMake system name known for ${ZIG_TARGET}")
endif()

# CMake wants one program per tool: tiny scripts that call zig with its
# subcommand and the target, written once into the build tree.
set(_zig_tools "${CMAKE_BINARY_DIR}/zig-${ZIG_TARGET}")
foreach(_tool cc c++ ar ranlib)
  if(_tool MATCHES "^c")
    # Drops -Wl,-v (CMake's compiler check passes it; zig's linker refuses it).
    string(CONCAT _script "#!/bin/sh\n"
      "for a\ndo\n  shift\n  [ \"$a\" = -Wl,-v ] || set -- \"$@\" \"$a\"\ndone\n"
      "exec \"${ZIG}\" ${_tool} -target ${ZIG_TARGET} \"$@\"\n")
  else()
    set(_script "#!/bin/sh\nexec \"${ZIG}\" ${_tool} \"$@\"\n")
  endif()
  set(_old "")
  if(EXISTS "${_zig_tools}/${_tool}")
    file(READ "${_zig_tools}/${_tool}" _old)
  endif()
  if(NOT _old STREQUAL _script)
    file(WRITE "${_zig_tools}/${_tool}" "${_script}")
    file(CHMOD "${_zig_tools}/${_tool}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
      GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  endif()
endforeach()
set(CMAKE_C_COMPILER "${_zig_tools}/cc")
set(CMAKE_CXX_COMPILER "${_zig_tools}/c++")
set(CMAKE_AR "${_zig_tools}/ar" CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB "${_zig_tools}/ranlib" CACHE FILEPATH "" FORCE)
unset(_tool)
unset(_script)
unset(_old)

# Find nothing of the host's but programs; the target's libraries are
# zig's, so there is nothing to search but the build tree.
set(CMAKE_FIND_ROOT_PATH "${CMAKE_BINARY_DIR}")
include(${CMAKE_CURRENT_LIST_DIR}/cross.cmake)
