#!/usr/bin/env bash
# The cross-build stages of CI (.ci/run), also for use by hand:
#   bash .ci/cross.sh macos      zig 0.11, x86_64-macos and aarch64-macos:
#                                compile and link (nothing here runs macOS code);
#                                x86_64 builds the whole project, aarch64 what
#                                proves its ABI (see stage_macos)
#   bash .ci/cross.sh windows    mingw-w64, x86_64 Windows: build, and run the
#                                programs under Wine
#   add --check-pending to also try the sources listed below as not compiling
#   yet, and say which of them compile now
#
# For each target, with the toolchain file of cmake/toolchains/:
#  1. the toolchain check (cmake/toolchains/check): portable library sources,
#     an Asio UDP program and a Boost.Test program, linked; on Windows also
#     run by ctest under Wine, and once inside a network namespace;
#  2. the project: the library, the tool, every example and the unit-test
#     program, less the sources listed below. On Windows its unit tests run
#     under Wine. aarch64-macos builds the library, the tool and the unit-test
#     program only (stage_macos says why).
# Build trees: build-cross/<target>/{check,project}. Missing Debian packages
# (.ci/debian-packages.txt) are installed; zig comes from tools/get-zig.
set -euo pipefail

# ---- not built yet ----------------------------------------------------------
# What does not build for a platform yet, one entry a line, "WHAT: why":
#   path/of/source.cpp: why    it does not compile: left out, and its target
#                              is compiled source by source, not linked
#   link TARGET: why           it compiles but does not link
# A program links only when every library of the build is complete. The stage
# prints what it leaves out and fails when an entry names nothing of the build.
# Both lists are empty since the platform seam (issue 8) and the Windows code
# (issue 9): every target is built and linked, and the Windows stage runs the
# unit tests and test/windows under Wine. --check-pending says which entries
# build now when a list has some again.
pending_macos=()
pending_windows=()
# Targets that are Linux by design, never cross-built.
linux_only_targets=(
  "asio_ipv4_netns_tests: behaviour tests across Linux network namespaces"
  "asio_ipv4_test_lab: the Linux network-namespace lab"
  "asio_ipv4_loopback_tests: sockets in the test's own Linux network namespace"
  "asio_ipv4_uring_loopback_tests: Asio's io_uring backend"
  "asio_ipv4_uring_netns_tests: Asio's io_uring backend, the Linux network-namespace lab"
  "asio_ipv4_soak_tests: loopback soak measured through Linux's /proc (drops, resident memory)"
)
# The pure-logic test program, which the Windows stage runs under Wine once
# it links, and its CTest names (test/logic: asio_ipv4_logic_tests, ^logic\.).
unit_test_program=asio_ipv4_logic_tests
unit_test_regex='^logic\.'
# The Windows test programs (test/windows: options, memberships, interfaces,
# blocking receive; cmsg_socket's overlapped driver; named, counted skips),
# run under Wine after them.
windows_test_programs=(asio_ipv4_windows_tests asio_ipv4_windows_cmsg_tests)
windows_test_regex='^windows\.'

cd "$(dirname "$(readlink -f "$0")")/.."
top=$PWD
jobs=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
project_args=()
# Debug (assertions on, -O0) without debug information: these builds prove
# that the code compiles, links and (Windows) runs; nobody debugs them here.
# Measured: little for compiling (mingw test/windows/cmsg_socket_test.cpp:
# 21.5 s of CPU with or without -g), smaller objects and static links.
# CROSS_DEBUG_FLAGS=-g gives the debug information back.
debug_flags=${CROSS_DEBUG_FLAGS:--g0}
check_pending=false
# need and install_packages: the program registry (tools/programs.txt).
. "$top/tools/programs.sh"

say() { printf '==> %s\n' "$*"; }
die() { printf 'cross: %s\n' "$*" >&2; exit 1; }

# timed LABEL COMMAND...: runs it and prints how long it took.
timed() {
  local label=$1 t0=$SECONDS
  shift
  "$@"
  say "$label: $((SECONDS - t0)) s"
}


# toolchain_check TARGET TOOLCHAIN: configures and builds cmake/toolchains/check.
toolchain_check() {
  local dir=$top/build-cross/$1/check
  say "$1: toolchain check (cmake/toolchains/check) in ${dir#$top/}"
  cmake -S "$top/cmake/toolchains/check" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="$debug_flags" \
    --toolchain "$top/cmake/toolchains/$2" --no-warn-unused-cli >/dev/null
  cmake --build "$dir" --parallel "$jobs"
}

# plan_has PLAN KIND TARGET: the plan has a KIND line for TARGET.
plan_has() {
  awk -F'\t' -v kind="$2" -v target="$3" \
    '$1 == kind && $2 == target { found = 1 } END { exit !found }' "$1"
}

# project_build TARGET TOOLCHAIN PENDING...: configures the project and builds
# what compiles for the target, linking what links (see the lists above, and
# .ci/cross_plan.py). Sets $unit_tests_linked. The CMake arguments in the
# array project_args (if set) come after the defaults (examples on, every
# test suite).
project_build() {
  local target=$1 toolchain=$2 dir=$top/build-cross/$1/project
  shift 2
  local pending=("$@") entry
  say "$target: project (cmake/toolchains/$toolchain) in ${dir#$top/}"
  cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="$debug_flags" \
    --toolchain "$top/cmake/toolchains/$toolchain" --no-warn-unused-cli \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DASIO_IPV4_BUILD_TESTS=ON -DASIO_IPV4_BUILD_EXAMPLES=ON \
    -DASIO_IPV4_BUILD_BENCHMARKS=OFF -DASIO_IPV4_BUILD_DOCS=OFF -DASIO_IPV4_INSTALL=OFF \
    "${project_args[@]}" >/dev/null
  python3 "$top/.ci/cross_plan.py" "$dir" "$top" \
    "$(printf '%s\n' "${linux_only_targets[@]%%:*}")" \
    "$(printf '%s\n' "${pending[@]%%:*}")" > "$dir/cross-plan.txt"

  local plan=$dir/cross-plan.txt
  for entry in "${linux_only_targets[@]}"; do
    if plan_has "$plan" linuxonly "${entry%%:*}"; then
      echo "  not built, Linux only: $entry"
    fi
  done
  if [ ${#pending[@]} -gt 0 ]; then
    echo "  left out for $target (the list in .ci/cross.sh):"
    printf '    %s\n' "${pending[@]}"
  fi
  awk -F'\t' '
    $1 == "link" { linked = linked " " $2 }
    $1 == "nolink" { order[++n] = $2; why[$2] = $3 }
    $1 == "compile" { compiled[$2] = compiled[$2] "\n      " $3 }
    END {
      print "  built and linked:" (linked == "" ? " nothing" : linked)
      for (i = 1; i <= n; i++) {
        t = order[i]
        print "  not linked: " t " (" why[t] ")"
        if (t in compiled) print "    compiled:" compiled[t]
      }
    }' "$plan"
  ninja -C "$dir" -j "$jobs" $(awk -F'\t' '$1 == "link" || $1 == "compile" { print $NF }' "$plan")
  if plan_has "$plan" link "$unit_test_program"; then
    unit_tests_linked=true
  else
    unit_tests_linked=false
  fi

  if $check_pending; then
    echo "  trying what is listed (--check-pending):"
    local kind name source object
    while IFS=$'\t' read -r kind name source object; do
      [ "$kind" = pending ] || continue
      if ninja -C "$dir" -j "$jobs" "$object" >/dev/null 2>&1; then
        echo "    compiles now: $source (remove it from the list)"
      else
        echo "    still fails:  $source"
      fi
    done < "$plan"
    for entry in "${pending[@]%%:*}"; do
      [ "${entry#link }" != "$entry" ] || continue
      if cmake --build "$dir" --target "${entry#link }" >/dev/null 2>&1; then
        echo "    links now: ${entry#link } (remove it from the list)"
      else
        echo "    still fails:  $entry"
      fi
    done
  fi
}

# programs_of TARGET: the programs the last project_build of TARGET linked.
programs_of() {
  awk -F'\t' -v dir="$top/build-cross/$1/project" \
    '$1 == "link" && $3 == "EXECUTABLE" { print dir "/" $4 }' "$top/build-cross/$1/project/cross-plan.txt"
}

# check_macho FILE ARCH: FILE is a 64-bit Mach-O executable for ARCH.
check_macho() {
  local want got
  case $2 in
    x86_64) want="cf fa ed fe 07 00 00 01" ;;
    aarch64) want="cf fa ed fe 0c 00 00 01" ;;
  esac
  got=$(od -An -tx1 -N8 "$1" | xargs)
  [ "$got" = "$want" ] || die "$1: starts with $got, not a Mach-O header for $2 ($want)"
  echo "  ${1#$top/}: Mach-O 64-bit, $2"
}

stage_macos() {
  local zig arch target program
  need npm python3 ninja cmake
  zig=$(tools/get-zig)
  say "zig $("$zig" version) at $zig"
  export ZIG=$zig
  # x86_64 builds everything that is not Linux only. aarch64 needs less: the
  # sources are the same, what differs is the ABI (alignment, the 64-bit
  # sizes of the system's structures), and compiling and linking the library,
  # the tool (the options and control messages through the public API) and
  # the unit-test program (the codec and its cmsg layouts against the
  # system's own headers) shows it; the examples add nothing x86_64 does
  # not show.
  for arch in x86_64 aarch64; do
    target=$arch-macos
    project_args=()
    [ $arch = x86_64 ] ||
      project_args=(-DASIO_IPV4_BUILD_EXAMPLES=OFF "-DASIO_IPV4_TEST_SUITES=logic/.*")
    timed "$target toolchain check" toolchain_check "$target" "zig-$target.cmake"
    check_macho "$top/build-cross/$target/check/udp_roundtrip" $arch
    check_macho "$top/build-cross/$target/check/unit_test_check" $arch
    timed "$target project" project_build "$target" "zig-$target.cmake" "${pending_macos[@]}"
    for program in $(programs_of "$target"); do
      check_macho "$program" $arch
    done
  done
  echo "macOS: compiled and linked, not run (no macOS here)."
}

stage_windows() {
  local target=x86_64-windows dir
  install_packages tools/debian-packages.txt .ci/debian-packages.txt
  need x86_64-w64-mingw32-g++-posix wine
  timed "$target toolchain check" toolchain_check "$target" mingw-x86_64-windows.cmake
  dir=$top/build-cross/$target/check
  timed "$target toolchain check under Wine" \
    ctest --test-dir "$dir" --output-on-failure --no-tests=error
  timed "$target toolchain check in a network namespace" \
    bash "$top/cmake/toolchains/check/netns_check.sh" "$dir"
  timed "$target project" project_build "$target" mingw-x86_64-windows.cmake "${pending_windows[@]}"
  if $unit_tests_linked; then
    timed "$target unit tests under Wine" ctest --test-dir "$top/build-cross/$target/project" \
      --output-on-failure --no-tests=error -R "$unit_test_regex"
    # Suites compiled out here (test/skip_suite.hpp): CTest says "Skipped";
    # their reasons, from the log.
    grep -h '^asio_ipv4 skipped suite: ' "$top/build-cross/$target/project/Testing/Temporary/LastTest.log" |
      sed 's/^/  /' || true
  else
    echo "unit tests under Wine: not run, $unit_test_program is not linked yet (see above)"
  fi
  local program
  for program in "${windows_test_programs[@]}"; do
    plan_has "$top/build-cross/$target/project/cross-plan.txt" link "$program" ||
      die "$program is not linked (see above)"
  done
  # -V: the programs' own reports (passes, and each skip with its reason).
  timed "$target Windows test programs under Wine" ctest --test-dir "$top/build-cross/$target/project" \
    -V --no-tests=error -R "$windows_test_regex"
}

[ $# -ge 1 ] || die "usage: cross.sh macos|windows [--check-pending]"
stage=$1
shift
for arg; do
  case $arg in
    --check-pending) check_pending=true ;;
    *) die "unknown argument: $arg" ;;
  esac
done
case $stage in
  macos) stage_macos ;;
  windows) stage_windows ;;
  *) die "usage: cross.sh macos|windows [--check-pending]" ;;
esac
