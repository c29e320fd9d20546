#!/usr/bin/env bash
# The cross-build stages of CI (.ci/run), also for use by hand:
#   bash .ci/cross.sh macos      zig 0.11, x86_64-macos and aarch64-macos:
#                                compile and link (nothing here runs macOS code)
#   bash .ci/cross.sh windows    mingw-w64, x86_64 Windows: build, and run the
#                                programs under Wine
#   add --check-pending to also try the sources listed below as not compiling
#   yet, and say which of them compile now
#
# For each target, with the toolchain file of cmake/toolchains/:
#  1. the toolchain check (cmake/toolchains/check): portable library sources,
#     an Asio UDP program and a Boost.Test program, linked; on Windows also
#     run by ctest under Wine, and once inside a network namespace;
#  2. the project: the library, every example and the unit-test program,
#     less the sources listed below. On Windows its unit tests run under Wine.
# Build trees: build-cross/<target>/{check,project}. Missing Debian packages
# (.ci/cross-packages.txt) are installed; zig comes from tools/get-zig.
set -euo pipefail

# ---- not built yet ----------------------------------------------------------
# Sources that do not compile for a platform yet, "path: why". While a
# platform's list is not empty, the project is built source by source without
# them and nothing of it is linked; the stage prints what it leaves out. When
# the platform seam (issue 8) or the Windows code (issue 9) lands, empty the
# list: the stage then builds and links everything, and runs the Windows unit
# tests under Wine. --check-pending says which entries compile again.
pending_macos=(
  "src/cmsg_codec.cpp: <linux/errqueue.h> (detail/cmsg_codec.hpp)"
  "src/network_interface.cpp: <linux/if.h>"
  "src/segmented_send.cpp: mmsghdr, sendmmsg"
  "src/source_filter.cpp: group_filter, MCAST_MSFILTER"
  "test/unit/cmsg_codec_test.cpp: <linux/errqueue.h>"
  "test/unit/contract_test.cpp: the whole API (<linux/errqueue.h>)"
  "test/unit/icmp_type_test.cpp: <netinet/ip_icmp.h> Linux names"
  "test/unit/network_interface_test.cpp: <linux/if.h>"
  "test/unit/raw_test.cpp: SO_DOMAIN, SO_PROTOCOL"
  "test/unit/socket_option_test.cpp: IP_MTU, IP_FREEBIND, IP_PMTUDISC_*, SOL_RAW"
  "example/demo.cpp: the whole API (<linux/errqueue.h>)"
  "example/multicast_receiver.cpp: the whole API (<linux/errqueue.h>)"
  "example/ping_cpp20.cpp: the whole API (<linux/errqueue.h>)"
  "example/traceroute_cpp20.cpp: the whole API (<linux/errqueue.h>)"
  "example/udp_server_cpp20.cpp: the whole API (<linux/errqueue.h>)"
)
pending_windows=(
  "src/cmsg_codec.cpp: <linux/errqueue.h> (detail/cmsg_codec.hpp)"
  "src/network_interface.cpp: <linux/if.h>"
  "src/segmented_send.cpp: <sys/socket.h>"
  "src/source_filter.cpp: <netinet/in.h>"
  "test/unit/cmsg_codec_test.cpp: <linux/errqueue.h>"
  "test/unit/contract_test.cpp: the whole API (<linux/errqueue.h>)"
  "test/unit/header_test.cpp: <netinet/ip.h>"
  "test/unit/icmp_type_test.cpp: <netinet/ip_icmp.h>"
  "test/unit/ip_options_roundtrip_test.cpp: <netinet/in.h> (ip4/ip_options.hpp)"
  "test/unit/network_interface_test.cpp: <linux/if.h>"
  "test/unit/raw_test.cpp: <netinet/in.h> (ip4/raw.hpp)"
  "test/unit/socket_option_test.cpp: <linux/errqueue.h>"
  "example/demo.cpp: the whole API (<linux/errqueue.h>)"
  "example/multicast_receiver.cpp: the whole API (<linux/errqueue.h>)"
  "example/ping_cpp20.cpp: the whole API (<linux/errqueue.h>)"
  "example/traceroute_cpp20.cpp: the whole API (<linux/errqueue.h>)"
  "example/udp_server_cpp20.cpp: the whole API (<linux/errqueue.h>)"
)
# Targets that are Linux by design, never cross-built.
linux_only_targets=(
  "asio_ipv4_net_tests: behaviour tests across Linux network namespaces"
  "asio_ipv4_uring_tests: Asio's io_uring backend"
)

cd "$(dirname "$(readlink -f "$0")")/.."
top=$PWD
jobs=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
check_pending=false

say() { printf '==> %s\n' "$*"; }
die() { printf 'cross: %s\n' "$*" >&2; exit 1; }

# timed LABEL COMMAND...: runs it and prints how long it took.
timed() {
  local label=$1 t0=$SECONDS
  shift
  "$@"
  say "$label: $((SECONDS - t0)) s"
}

install_packages() {
  local wanted missing=() p
  wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/.ci/cross-packages.txt")
  for p in $wanted; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# toolchain_check TARGET TOOLCHAIN: configures and builds cmake/toolchains/check.
toolchain_check() {
  local dir=$top/build-cross/$1/check
  say "$1: toolchain check (cmake/toolchains/check) in ${dir#$top/}"
  cmake -S "$top/cmake/toolchains/check" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    --toolchain "$top/cmake/toolchains/$2" >/dev/null
  cmake --build "$dir" --parallel "$jobs"
}

# project_build TARGET TOOLCHAIN PENDING...: configures the project and builds
# what compiles for the target (see the lists above). Returns 0 with
# $project_linked true when everything was built and linked.
project_build() {
  local target=$1 toolchain=$2 dir=$top/build-cross/$1/project
  shift 2
  local pending=("$@") entry
  say "$target: project (cmake/toolchains/$toolchain) in ${dir#$top/}"
  cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    --toolchain "$top/cmake/toolchains/$toolchain" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DASIO_IPV4_BUILD_TESTS=ON -DASIO_IPV4_BUILD_EXAMPLES=ON \
    -DASIO_IPV4_BUILD_BENCHMARKS=OFF -DASIO_IPV4_INSTALL=OFF >/dev/null

  # target <TAB> source relative to the top <TAB> object, for each compiled source.
  local linux_only_names="" pending_paths=""
  for entry in "${linux_only_targets[@]}"; do linux_only_names+="${entry%%:*} "; done
  for entry in "${pending[@]}"; do pending_paths+="${entry%%:*} "; done
  python3 - "$dir" "$top" "$linux_only_names" "$pending_paths" > "$dir/cross-plan.txt" <<'EOF'
import json, os, re, shlex, sys
build, top, linux_only, pending = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
entries = json.load(open(os.path.join(build, "compile_commands.json")))
sources = set()
for e in entries:
    args = shlex.split(e["command"])
    output = os.path.relpath(os.path.join(e["directory"], args[args.index("-o") + 1]), build)
    target = re.search(r"CMakeFiles/([^/]+)\.dir/", output).group(1)
    source = os.path.relpath(os.path.join(e["directory"], e["file"]), top)
    sources.add(source)
    kind = "linux-only" if target in linux_only else "pending" if source in pending else "build"
    print(target, source, output, kind, sep="\t")
for p in pending:
    if p not in sources:
        sys.exit(f"pending source {p} is not in the build: update the list in .ci/cross.sh")
EOF

  local left_out
  left_out=$(awk -F'\t' '$4 == "linux-only" { print $1 }' "$dir/cross-plan.txt" | sort -u)
  for entry in "${linux_only_targets[@]}"; do
    if grep -qx "${entry%%:*}" <<<"$left_out"; then
      echo "  not built, Linux only: $entry"
    fi
  done
  if [ ${#pending[@]} -eq 0 ]; then
    local targets
    targets=$(awk -F'\t' '$4 == "build" { print $1 }' "$dir/cross-plan.txt" | sort -u)
    echo "  building and linking:" $targets
    cmake --build "$dir" --parallel "$jobs" --target $targets
    project_linked=true
    return 0
  fi
  echo "  left out, not compiling for $target yet (the list in .ci/cross.sh):"
  printf '    %s\n' "${pending[@]}"
  echo "  so nothing of the project is linked; compiling the rest, source by source:"
  awk -F'\t' '$4 == "build" { printf "    %-24s %s\n", $1, $2 }' "$dir/cross-plan.txt"
  ninja -C "$dir" -j "$jobs" $(awk -F'\t' '$4 == "build" { print $3 }' "$dir/cross-plan.txt")
  if $check_pending; then
    echo "  trying the left-out sources (--check-pending):"
    local line source object
    while IFS=$'\t' read -r _ source object kind; do
      [ "$kind" = pending ] || continue
      if ninja -C "$dir" -j "$jobs" "$object" >/dev/null 2>&1; then
        echo "    compiles now: $source (remove it from the list)"
      else
        echo "    still fails:  $source"
      fi
    done < "$dir/cross-plan.txt"
  fi
  project_linked=false
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
  local zig arch target
  zig=$(tools/get-zig)
  say "zig $("$zig" version) at $zig"
  export ZIG=$zig
  for arch in x86_64 aarch64; do
    target=$arch-macos
    timed "$target toolchain check" toolchain_check "$target" "zig-$target.cmake"
    check_macho "$top/build-cross/$target/check/udp_roundtrip" $arch
    check_macho "$top/build-cross/$target/check/unit_test_check" $arch
    timed "$target project" project_build "$target" "zig-$target.cmake" "${pending_macos[@]}"
  done
  echo "macOS: compiled and linked, not run (no macOS here)."
}

stage_windows() {
  local target=x86_64-windows dir
  install_packages
  timed "$target toolchain check" toolchain_check "$target" mingw-x86_64-windows.cmake
  dir=$top/build-cross/$target/check
  timed "$target toolchain check under Wine" \
    ctest --test-dir "$dir" --output-on-failure --no-tests=error
  timed "$target toolchain check in a network namespace" \
    bash "$top/cmake/toolchains/check/netns_check.sh" "$dir"
  timed "$target project" project_build "$target" mingw-x86_64-windows.cmake "${pending_windows[@]}"
  if $project_linked; then
    timed "$target unit tests under Wine" ctest --test-dir "$top/build-cross/$target/project" \
      --output-on-failure --no-tests=error -R '^unit\.'
  else
    echo "unit tests under Wine: not run, the unit-test program is not linked yet (see above)"
  fi
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
