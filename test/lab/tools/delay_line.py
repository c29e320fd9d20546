#!/usr/bin/env python3
"""A link with a known delay, for kernels without netem: a TUN device in this
host whose packets come out, --delay milliseconds after they were read, in
another host (given by its namespace file), through a raw socket.

    ready ifname=dly0
    held dst=239.1.2.3 proto=17 len=92 ms=20.013   (one per packet: read -> written)
    done count=N reason=count|timeout|stop

Each packet is written no earlier than --delay ms after it was read from the
TUN device, so anything stamped before it entered the device (a sender's
send call, its send stamps) is at least that much older than anything
stamped after it came out (the receiver's arrival stamp). Packets keep their
order. The UDP checksum is zeroed (RFC 768: no checksum), since the sender's
kernel may have left it to a device offload that the TUN device does not do.
Multicast comes out through --out-address's interface and is looped back to
the other host's own members (IP_MULTICAST_LOOP), unicast to a local address
of the other host is delivered there.

Linux only; needs CAP_NET_ADMIN (TUN, setns) and CAP_NET_RAW.
"""

import argparse
import collections
import ctypes
import fcntl
import os
import select
import socket
import struct
import sys
import time

import toolkit

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            toolkit.fail("setns %s: %s" % (path, os.strerror(ctypes.get_errno())))
    finally:
        os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ifname", default="dly0", help="the TUN device to create here")
    parser.add_argument("--delay", type=float, required=True, help="milliseconds each packet is held")
    parser.add_argument("--out-netns", required=True, help="namespace file of the host packets come out in")
    parser.add_argument("--out-address", required=True,
                        help="an address of that host: the interface multicast leaves by")
    toolkit.add_run_arguments(parser)
    args = parser.parse_args()

    try:
        tun = os.open("/dev/net/tun", os.O_RDWR)
        fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", args.ifname.encode(), IFF_TUN | IFF_NO_PI))
        os.set_blocking(tun, False)
        # Only this thread moves; the TUN device stays where it was made.
        setns(args.out_netns)
        out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        out.setsockopt(socket.IPPROTO_IP, toolkit.IP_MULTICAST_IF, socket.inet_aton(args.out_address))
        out.setsockopt(socket.IPPROTO_IP, toolkit.IP_MULTICAST_LOOP, 1)
    except OSError as e:
        toolkit.fail("setup: %s" % e)
    toolkit.emit("ready", [("ifname", args.ifname)])

    held = collections.deque()   # (due, read_at, packet)
    reported = 0
    deadline = time.monotonic() + args.timeout
    watch_stdin = not args.no_stdin
    reason = "timeout"
    while True:
        now = time.monotonic()
        while held and held[0][0] <= now:
            due, read_at, packet = held.popleft()
            dst = socket.inet_ntoa(packet[16:20])
            try:
                out.sendto(packet, (dst, 0))
            except OSError as e:
                toolkit.emit("error", [("dst", dst), ("errno", e.errno)])
                continue
            toolkit.emit("held", [("dst", dst), ("proto", packet[9]), ("len", len(packet)),
                                  ("ms", "%.3f" % ((time.monotonic() - read_at) * 1000))])
            reported += 1
            if args.count and reported >= args.count:
                reason = "count"
                break
        if args.count and reported >= args.count:
            break
        if now >= deadline:
            break
        wait = deadline - now
        if held:
            wait = min(wait, max(0.0, held[0][0] - now))
        fds = [tun] + ([sys.stdin] if watch_stdin else [])
        readable, _, _ = select.select(fds, [], [], wait)
        if sys.stdin in readable:
            line = sys.stdin.readline()
            if not line or line.strip() == "stop":
                reason = "stop"
                break
        if tun in readable:
            while True:
                try:
                    packet = bytearray(os.read(tun, 65536))
                except BlockingIOError:
                    break
                read_at = time.monotonic()
                if len(packet) < 20 or packet[0] >> 4 != 4:
                    continue
                ihl = (packet[0] & 15) * 4
                if packet[9] == socket.IPPROTO_UDP and len(packet) >= ihl + 8:
                    packet[ihl + 6:ihl + 8] = b"\0\0"
                held.append((read_at + args.delay / 1000.0, read_at, bytes(packet)))
    toolkit.emit("done", [("count", reported), ("reason", reason)])


if __name__ == "__main__":
    main()
