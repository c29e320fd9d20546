# Cross-compiles for macOS on x86_64 with zig 0.11 (compile and link only:
# nothing here can run the programs). See doc/portability.md.
#   cmake -S . -B build-macos --toolchain cmake/toolchains/zig-x86_64-macos.cmake
set(ZIG_TARGET x86_64-macos)
include(${CMAKE_CURRENT_LIST_DIR}/zig.cmake)
