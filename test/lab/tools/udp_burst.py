#!/usr/bin/env python3
"""Sends numbered UDP datagrams quickly, each with its own TOS, or GSO sends.

    sent count=N                        (after the burst)
    error errno=E                       (a send that failed; exit status 1)

Datagram i carries the 4-byte little-endian number i, padded with '.' to
--size bytes. With --tos-cycle, datagram i is sent with IP_TOS = (i % 64) << 2
(set by setsockopt before each send). With --gso SEG, each send is one buffer
of --size bytes cut by the kernel into SEG-byte datagrams (UDP_SEGMENT).
"""

import argparse
import socket
import struct
import sys

import toolkit

SOL_UDP = 17
UDP_SEGMENT = 103


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dst", required=True)
    parser.add_argument("--port", type=toolkit.number, required=True)
    parser.add_argument("--src", default="0.0.0.0")
    parser.add_argument("--count", type=toolkit.number, default=1)
    parser.add_argument("--size", type=toolkit.number, default=16)
    parser.add_argument("--ttl", type=toolkit.number)
    parser.add_argument("--tos-cycle", action="store_true")
    parser.add_argument("--gso", type=toolkit.number, default=0)
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.src, 0))
    if args.ttl is not None:
        sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_TTL, args.ttl)
    if args.gso:
        sock.setsockopt(SOL_UDP, UDP_SEGMENT, args.gso)
    for i in range(args.count):
        if args.tos_cycle:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_TOS, (i % 64) << 2)
        payload = struct.pack("<I", i)
        payload += b"." * max(0, args.size - len(payload))
        try:
            sock.sendto(payload, (args.dst, args.port))
        except OSError as e:
            toolkit.emit("error", [("errno", e.errno)])
            sys.exit(1)
    toolkit.emit("sent", [("count", args.count)])


if __name__ == "__main__":
    main()
