# Cross-compiles for Windows 10 and later on x86_64 with mingw-w64 (Debian:
# g++-mingw-w64-x86-64-posix); ctest runs the programs under Wine (Debian:
# wine, wine64) through wine-run beside this file. See doc/portability.md.
#   cmake -S . -B build-windows --toolchain cmake/toolchains/mingw-x86_64-windows.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_SYSTEM_VERSION 10.0)

# The posix thread model: std::thread and std::mutex, which Asio uses.
set(_mingw x86_64-w64-mingw32)
find_program(CMAKE_C_COMPILER ${_mingw}-gcc-posix NO_CMAKE_FIND_ROOT_PATH)
find_program(CMAKE_CXX_COMPILER ${_mingw}-g++-posix NO_CMAKE_FIND_ROOT_PATH)
if(NOT CMAKE_CXX_COMPILER)
  message(FATAL_ERROR "${_mingw}-g++-posix not found: install the Debian package "
    "g++-mingw-w64-x86-64-posix")
endif()
set(CMAKE_FIND_ROOT_PATH /usr/${_mingw})
unset(_mingw)

# Windows 10 APIs (Asio asks for _WIN32_WINNT); Winsock, its Microsoft
# extensions and bcrypt (Asio's pipes: BCryptGenRandom) for every program;
# libstdc++, libgcc and winpthread linked in (-static), so the programs need
# no DLL beside them.
set(CMAKE_CXX_FLAGS_INIT "-D_WIN32_WINNT=0x0A00")
set(CMAKE_CXX_STANDARD_LIBRARIES "-lws2_32 -lmswsock -lbcrypt" CACHE STRING
  "Libraries linked into every C++ program")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# ctest (and try_run) run the programs under Wine, each in its own prefix.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-run")

include(${CMAKE_CURRENT_LIST_DIR}/cross.cmake)
