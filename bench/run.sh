#!/usr/bin/env bash
# bench/run.sh -- build and run the asio_ipv4 benchmarks (root: SO_RCVBUFFORCE).
#
#   bench/run.sh            full run (~3-4 minutes): 9 rounds, 200000 datagrams
#                           per drain; rewrites the generated section of
#                           doc/performance.md and doc/performance.svg
#   bench/run.sh --quick    smoke run (< 2 minutes with the build): 3 rounds,
#                           50000 datagrams; writes build/bench/results/ only,
#                           so the committed numbers are never replaced by it
#   options: --rounds N, --datagrams N, --segments N (a multiple of 320),
#            --only REGEX (cases to run), --doc (quick run, but write doc/),
#            --build-dir DIR (default build/bench)
#   bench/run.sh --only shards [--realtime]
#                           the sharding rows alone (1 shard against one per
#                           core, wall clock); they have a section of their own
#                           in doc/performance.md, and only it is rewritten.
#                           --realtime runs them under SCHED_FIFO (chrt), for a
#                           machine that others share
#   bench/run.sh --compare REV
#                           before/after: also builds the benchmarks of git
#                           revision REV (in DIR-REV) and runs every C++ case
#                           with both, interleaved; writes the table of rate
#                           ratios new/old to DIR/results/compare.md (and the
#                           usual tables to DIR/results/, not to doc/). Combine
#                           with --quick or --rounds for a shorter run.
#
# Installs what is missing of tools/debian-packages.txt and
# tools/bench-packages.txt (Go and its x/net), builds with CMake (Release)
# and the Go competitor (GOPATH mode, offline, from /usr/share/gocode).
# Fails when a benchmark fails (a drop in the prefill, a wrong check sum); missed
# performance targets are reported, not failures.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
top=$PWD
. "$top/tools/programs.sh"   # need, install_packages
build=$top/build/bench
quick=0
to_doc=
rounds=
datagrams=
segments=
only=
compare=
realtime=

while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --doc) to_doc=1 ;;
    --rounds) rounds=$2; shift ;;
    --datagrams) datagrams=$2; shift ;;
    --segments) segments=$2; shift ;;
    --only) only=$2; shift ;;
    --compare) compare=$2; shift ;;
    --realtime) realtime=1 ;;
    --build-dir) build=$(readlink -f "$2"); shift ;;
    -h|--help) sed -n '2,26s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$(id -u)" -ne 0 ]; then
  echo "run.sh: needs root (SO_RCVBUFFORCE makes the receive queues big enough)" >&2
  exit 1
fi

if [ $quick = 1 ]; then
  : "${rounds:=3}" "${datagrams:=50000}" "${segments:=32000}"
  label=quick
  if [ -n "$to_doc" ]; then out_md=$top/doc/performance.md; out_svg=$top/doc/performance.svg
  else out_md=$build/results/performance.md; out_svg=$build/results/performance.svg; fi
else
  : "${rounds:=9}" "${datagrams:=200000}" "${segments:=128000}"
  label=full
  out_md=$top/doc/performance.md; out_svg=$top/doc/performance.svg
fi
if [ -n "$compare" ]; then
  # The committed numbers describe one revision; a comparison never replaces them.
  out_md=$build/results/performance.md; out_svg=$build/results/performance.svg
fi
mkdir -p "$build/results" "$(dirname "$out_md")"

install_packages tools/debian-packages.txt tools/bench-packages.txt
need cmake ninja go python3
[ -z "$realtime" ] || need chrt

echo "==> building (CMake, Release) in $build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DASIO_IPV4_BUILD_TESTS=OFF -DASIO_IPV4_BUILD_EXAMPLES=OFF \
    -DASIO_IPV4_BUILD_BENCHMARKS=ON -DASIO_IPV4_INSTALL=OFF >/dev/null
fi
cmake --build "$build" --parallel "${CMAKE_BUILD_PARALLEL_LEVEL:-2}" --target asio_ipv4_bench
coro_args=()
if cmake --build "$build" --parallel 2 --target asio_ipv4_bench_coro >/dev/null 2>&1; then
  coro_args=(--coro "$build/bench/asio_ipv4_bench_coro")
else
  echo "    (no C++20 coroutine benchmark: asio_ipv4_bench_coro did not build)"
fi

echo "==> building the Go competitor (GOPATH mode, offline)"
mkdir -p "$build/go-cache"
(cd "$top/bench/go" &&
  GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$build/go-cache" GOFLAGS= GOPROXY=off \
    go build -o "$build/bench/asio_ipv4_bench_go" drain.go)
go_args=(--go "$build/bench/asio_ipv4_bench_go")

base_args=()
if [ -n "$compare" ]; then
  need git tar
  rev=$(git -C "$top" rev-parse --short "$compare")
  base=$build-$rev
  echo "==> building the benchmarks of $compare ($rev) in $base"
  if [ ! -f "$base/CMakeCache.txt" ]; then
    rm -rf "$base" && mkdir -p "$base/src"
    git -C "$top" archive "$rev" | tar -x -C "$base/src"
    cmake -S "$base/src" -B "$base" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DASIO_IPV4_BUILD_TESTS=OFF -DASIO_IPV4_BUILD_EXAMPLES=OFF \
      -DASIO_IPV4_BUILD_BENCHMARKS=ON -DASIO_IPV4_INSTALL=OFF >/dev/null
  fi
  cmake --build "$base" --parallel "${CMAKE_BUILD_PARALLEL_LEVEL:-2}" --target asio_ipv4_bench
  label_base=$compare
  [ "$(git -C "$top" rev-parse --short "$compare")" = "$compare" ] || label_base="$compare ($rev)"
  base_args=(--baseline-bench "$base/bench/asio_ipv4_bench" --baseline-label "$label_base"
             --compare-markdown "$build/results/compare.md")
  if [ ${#coro_args[@]} -gt 0 ] &&
     cmake --build "$base" --parallel 2 --target asio_ipv4_bench_coro >/dev/null 2>&1; then
    base_args+=(--baseline-coro "$base/bench/asio_ipv4_bench_coro")
  fi
fi

echo "==> running: $rounds rounds, $datagrams datagrams per drain, $segments segments per send"
python3 "$top/bench/driver.py" --bench "$build/bench/asio_ipv4_bench" "${coro_args[@]}" "${go_args[@]}" \
  --rounds "$rounds" --datagrams "$datagrams" --segments "$segments" ${only:+--only "$only"} \
  --markdown "$out_md" --svg "$out_svg" --svg-link "$(basename "$out_svg")" --label "$label" \
  --save "$build/results/$label.json" "${base_args[@]}" ${realtime:+--realtime}
echo "==> wrote the measured sections of $out_md (and $out_svg when the main rows ran)${compare:+, and $build/results/compare.md}"
