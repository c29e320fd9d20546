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
# say: CMake reads it from the environment), FUZZ_PARALLEL (default 1: how
# many fuzzers run at once, each on one core for the full time; CI runs
# them side by side on its two cores).
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

parallel=${FUZZ_PARALLEL:-1}
[[ $parallel =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_PARALLEL: not a number: $parallel" >&2; exit 2; }

# fuzz MANIFEST: runs one fuzzer; its output goes to $scratch/<name>.log when
# fuzzers run side by side (printed whole afterwards), else to the terminal.
fuzz() {
  local name executable corpus
  name=$(basename "$1" .txt)
  { read -r executable; read -r corpus; } <"$1"
  mkdir -p "$scratch/$name"
  [[ -d $corpus ]] && cp -R "$corpus/." "$scratch/$name/"
  echo "=== $name: ${seconds}s over $(ls "$scratch/$name" | wc -l) seeds"
  if "$executable" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$scratch/$name"; then
    echo "=== $name: ok"
  else
    echo "=== $name: FAILED (exit $?); inputs in $artifacts" >&2
    return 1
  fi
}

failed=()
pids=()
names=()
flush() {   # waits for the running fuzzers, prints their logs
  local i
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${names[$i]}")
    cat "$scratch/${names[$i]}.log"
  done
  pids=()
  names=()
}
for manifest in "${manifests[@]}"; do
  name=$(basename "$manifest" .txt)
  if [[ $parallel -eq 1 ]]; then
    fuzz "$manifest" || failed+=("$name")
    continue
  fi
  fuzz "$manifest" >"$scratch/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  [[ ${#pids[@]} -lt $parallel ]] || flush
done
flush

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzzers that failed: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#manifests[@]} fuzzers ran ${seconds}s without a crash"
