#!/usr/bin/env bash
# bench/profile.sh -- user-space instructions per datagram of each drain
# receiver (and per segment of each sender), counted by callgrind (repeatable, unlike times on a shared
# machine). Needs a build made by bench/run.sh (which also installs valgrind,
# from tools/bench-packages.txt).
#
#   bench/profile.sh [--build-dir DIR] [--datagrams N] [--annotate CASE]
#
# Only the drain loop is counted (callgrind --toggle-collect on the loop's
# function, or on Asio's scheduler::run for the Asio-driven receivers); the
# prefill and the set-up are left out. System calls are not instructions of
# the process and are not counted: the numbers are what the library (and
# Asio) add on top of the kernel's work. --annotate CASE also prints the
# functions that cost the most for that case.
# Note: valgrind counts each byte of a `rep stosb` memset as an instruction,
# which inflates large memsets (the mmsghdr array of a batch).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
. "$PWD/tools/programs.sh"   # need
build=$PWD/build/bench
datagrams=20000
annotate=

while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) build=$(readlink -f "$2"); shift ;;
    --datagrams) datagrams=$2; shift ;;
    --annotate) annotate=$2; shift ;;
    -h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

need valgrind callgrind_annotate
bench=$build/bench/asio_ipv4_bench
coro=$build/bench/asio_ipv4_bench_coro
[ -x "$bench" ] || { echo "profile.sh: no $bench; run bench/run.sh first" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

asio='boost::asio::detail::scheduler::run*'
cases=(
  "raw_recvmsg|$bench|*raw_recvmsg*"
  "raw_recvmsg_epoll|$bench|*raw_recvmsg*"
  "raw_recvmmsg_64|$bench|*raw_recvmmsg*"
  "cmsg_receive_from_sync|$bench|*cmsg_sync*"
  "asio_receive_from|$bench|$asio"
  "cmsg_receive_from|$bench|$asio"
  "cmsg_receive_from_coro|$coro|$asio"
  "cmsg_receive_batch_8|$bench|$asio"
  "cmsg_receive_batch_32|$bench|$asio"
  "cmsg_receive_batch_64|$bench|$asio"
)

# Send cases: instructions per segment (1200 bytes each; GSO: 40 per call).
segments=$(( (datagrams + 319) / 320 * 320 ))
send_cases=(
  "raw_sendto|$bench|*raw_sendto*"
  "raw_sendmmsg_64|$bench|*raw_sendmmsg*"
  "raw_gso_40|$bench|*raw_gso*"
  "asio_send_to|$bench|*asio_send_to*"
  "cmsg_send_to|$bench|*cmsg_send_to*"
  "cmsg_async_send_batch_64|$bench|$asio"
  "cmsg_send_to_gso_40|$bench|*cmsg_send_to*"
  "cmsg_async_send_to_gso_40|$bench|$asio"
)

# count MODE NAME PROGRAM TOGGLE N: prints the table row.
count() {
  local mode=$1 name=$2 prog=$3 toggle=$4 n=$5 ir
  [ -x "$prog" ] || return 0
  valgrind --tool=callgrind --callgrind-out-file="$out/$name" --collect-atstart=no \
    "--toggle-collect=$toggle" "$prog" "$mode" "$name" "$n" >/dev/null 2>"$out/$name.log" ||
    { cat "$out/$name.log" >&2; exit 1; }
  ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$name.log")
  printf '| %s | %d |\n' "$name" $((ir / n))
}

printf '| receive case | instructions/datagram |\n|---|--:|\n'
for c in "${cases[@]}"; do
  IFS='|' read -r name prog toggle <<<"$c"
  count drain "$name" "$prog" "$toggle" "$datagrams"
done
echo
printf '| send case | instructions/segment |\n|---|--:|\n'
for c in "${send_cases[@]}"; do
  IFS='|' read -r name prog toggle <<<"$c"
  count send "$name" "$prog" "$toggle" "$segments"
done

if [ -n "$annotate" ]; then
  echo
  echo "Most expensive functions of $annotate (instructions per datagram, exclusive):"
  [ -f "$out/$annotate" ] || { echo "profile.sh: no case $annotate" >&2; exit 1; }
  callgrind_annotate --inclusive=no "$out/$annotate" 2>/dev/null |
    awk -v n="$datagrams" '
      /file:function/ { go = 1; next }
      go && match($0, /^ *[0-9,]+ /) {
        v = substr($0, RSTART, RLENGTH); gsub(/[ ,]/, "", v)
        f = $0; sub(/^[^)]*\) */, "", f); sub(/ \[.*$/, "", f); sub(/^[^:]*:/, "", f)
        gsub(/boost::asio::/, "", f)
        printf "%8.1f  %s\n", v / n, substr(f, 1, 150)
        if (++k == 25) exit
      }'
fi
