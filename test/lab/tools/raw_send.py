#!/usr/bin/env python3
"""Sends IPv4 packets of one protocol on a raw socket; the kernel writes the header.

socket(AF_INET, SOCK_RAW, --proto) without IP_HDRINCL: what is sent is the
payload, and the kernel puts an IPv4 header in front of it with the socket's
IP_TOS, IP_TTL and IP_OPTIONS, each set with its own setsockopt.

    sent i=0 bytes=10 dst=10.0.1.2 proto=253       (one per packet)
    error i=3 errno=EMSGSIZE                       (a send that failed)
    done count=N

The payload of packet i is --payload with "{i}" replaced by i (default
"raw {i}"), or the bytes of --payload-hex. The exit status is 1 when a send
failed.
"""

import argparse
import errno
import socket
import time

import toolkit


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dst", required=True, help="destination IPv4 address")
    parser.add_argument("--proto", type=toolkit.number, required=True, help="IP protocol number")
    parser.add_argument("--src", default="0.0.0.0", help="local address to bind")
    parser.add_argument("--tos", type=toolkit.number, help="IP_TOS")
    parser.add_argument("--ttl", type=toolkit.number, help="IP_TTL")
    parser.add_argument("--options-hex", help="IP_OPTIONS bytes in hex")
    parser.add_argument("--count", type=toolkit.number, default=1)
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between packets")
    parser.add_argument("--payload", default="raw {i}")
    parser.add_argument("--payload-hex", help="fixed payload bytes in hex")
    args = parser.parse_args()

    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, args.proto)
        if args.tos is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_TOS, args.tos)
        if args.ttl is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_TTL, args.ttl)
        if args.options_hex is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_OPTIONS, bytes.fromhex(args.options_hex))
        sock.bind((args.src, 0))
    except OSError as e:
        toolkit.fail("setup: %s" % e)

    failed = False
    for i in range(args.count):
        if args.payload_hex is not None:
            payload = bytes.fromhex(args.payload_hex)
        else:
            payload = args.payload.replace("{i}", str(i)).encode()
        try:
            sent = sock.sendto(payload, (args.dst, 0))
            toolkit.emit("sent", [("i", i), ("bytes", sent), ("dst", args.dst),
                                  ("proto", args.proto)])
        except OSError as e:
            failed = True
            toolkit.emit("error", [("i", i), ("errno", errno.errorcode.get(e.errno, e.errno))])
        if args.interval and i + 1 < args.count:
            time.sleep(args.interval)
    toolkit.emit("done", [("count", args.count)])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
