#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each one for a bounded
# time over a scratch copy of its seed corpus (the committed corpus never
# grows). Fails if any fuzzer finds a crash; inputs that crash are kept in
# $FUZZ_BUILD_DIR/fuzz-artifacts/.
#
#   test/fuzz/run.sh <seconds-per-target>
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz, relative to the current
# directory), FUZZ_CXX (default clang++), CMAKE_CXX_COMPILER_LAUNCHER (ccache,
# say: CMake reads it from the environment).
set -euo pipefail

if [[ $# -ne 1 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 <seconds-per-target>" >&2
  exit 2
fi
seconds=$1
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$source_dir/tools/programs.sh"   # need
need cmake ninja
[[ -n ${FUZZ_CXX:-} ]] || need clang++
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
artifacts=$build_dir/fuzz-artifacts

configure=(-DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++}"
  # Optimised but with assertions and frames for the sanitizers' reports.
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -fno-omit-frame-pointer"
  -DASIO_IPV4_BUILD_FUZZERS=ON -DASIO_IPV4_BUILD_TESTS=OFF -DASIO_IPV4_BUILD_EXAMPLES=OFF
  -DASIO_IPV4_BUILD_BENCHMARKS=OFF -DASIO_IPV4_INSTALL=OFF)
cmake -S "$source_dir" -B "$build_dir" -G Ninja "${configure[@]}"
cmake --build "$build_dir" --target asio_ipv4_fuzzers

shopt -s nullglob
manifests=("$build_dir"/test/fuzz/fuzzers/*.txt)
if [[ ${#manifests[@]} -eq 0 ]]; then
  echo "no fuzzers found in $build_dir/test/fuzz/fuzzers" >&2
  exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

failed=()
for manifest in "${manifests[@]}"; do
  name=$(basename "$manifest" .txt)
  { read -r executable; read -r corpus; } <"$manifest"
  mkdir -p "$scratch/$name"
  [[ -d $corpus ]] && cp -R "$corpus/." "$scratch/$name/"
  echo "=== $name: ${seconds}s over $(ls "$scratch/$name" | wc -l) seeds"
  if "$executable" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$scratch/$name"; then
    echo "=== $name: ok"
  else
    echo "=== $name: FAILED (exit $?); inputs in $artifacts" >&2
    failed+=("$name")
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzzers that failed: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#manifests[@]} fuzzers ran ${seconds}s without a crash"
