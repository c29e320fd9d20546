#!/usr/bin/env bash
# Runs the Windows build of udp_roundtrip under Wine inside a network
# namespace, against a UDP echo peer in that namespace (Python's socket
# module: the oracle), to check that wine-run gives the program sockets of
# the namespace it runs in:
#   bash cmake/toolchains/check/netns_check.sh BUILD_DIR     (as root)
# BUILD_DIR is a build of this folder with mingw-x86_64-windows.cmake.
#
# Control, which must fail: the same program in the same namespace through a
# prefix whose wineserver runs in this script's namespace gets that
# namespace's sockets and reaches no peer. It shows the check can fail.
set -euo pipefail

build=${1:?usage: netns_check.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
wine_run=$here/../wine-run
program=$build/udp_roundtrip.exe
[ -f "$program" ] || { echo "netns_check: no $program" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "netns_check: needs root (ip netns)" >&2; exit 1; }

ns=a4t$$x1
work=$(mktemp -d)
peer_pid=
cleanup() {
  [ -z "$peer_pid" ] || kill "$peer_pid" 2>/dev/null || true
  # The namespace's wineserver would keep it alive for its linger time.
  ip netns exec "$ns" "$wine_run" --end 2>/dev/null || true
  ip netns delete "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

# start_peer: a UDP echo peer on 127.0.0.1 inside the namespace; sets $port.
# It answers datagrams for 60 s at most and logs each sender.
start_peer() {
  rm -f "$work/port" "$work/peer.log"
  ip netns exec "$ns" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(60)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
with open(sys.argv[2], "a") as log:
    while True:
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            break
        s.sendto(data, peer)
        print(f"{len(data)} bytes from {peer[0]}:{peer[1]}", file=log, flush=True)
' "$work/port" "$work/peer.log" &
  peer_pid=$!
  for _ in $(seq 100); do [ -f "$work/port" ] && break; sleep 0.1; done
  port=$(cat "$work/port")
}

start_peer
echo "== udp_roundtrip under Wine in namespace $ns, echo peer 127.0.0.1:$port there"
ip netns exec "$ns" "$wine_run" "$program" 127.0.0.1 "$port"
echo "peer saw: $(cat "$work/peer.log")"
[ "$(wc -l < "$work/peer.log")" -eq 1 ] || { echo "netns_check: the peer did not see exactly one datagram" >&2; exit 1; }
kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; peer_pid=

echo "== control: the same through a prefix whose wineserver runs outside the namespace"
host_prefix=$("$wine_run" --prefix)
start_peer
if ip netns exec "$ns" env WINEPREFIX="$host_prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
    wine "$program" 127.0.0.1 "$port"; then
  echo "netns_check: the control reached the peer: this Wine gives a program its own namespace's" \
    "sockets whatever the prefix, so the check above proves nothing; revisit wine-run" >&2
  exit 1
fi
[ ! -s "$work/peer.log" ] || { echo "netns_check: the peer saw the control's datagram" >&2; exit 1; }
echo "control failed as it must: the peer in $ns saw nothing"
echo "netns_check: ok"
