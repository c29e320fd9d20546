# Cross-compiles for macOS on Apple silicon with zig 0.11 (compile and link
# only: nothing here can run the programs). See doc/portability.md.
#   cmake -S . -B build-macos-arm --toolchain cmake/toolchains/zig-aarch64-macos.cmake
set(ZIG_TARGET aarch64-macos)
include(${CMAKE_CURRENT_LIST_DIR}/zig.cmake)
