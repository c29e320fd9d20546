#!/usr/bin/env python3
"""Sends UDP datagrams, setting every IPv4 option with its own setsockopt.

    sent i=0 bytes=10 src=10.0.1.1 sport=40000      (one per datagram)
    error i=3 errno=EMSGSIZE                        (a send that failed)
    done count=N

The payload of datagram i is --payload with "{i}" replaced by i (default
"datagram {i}"), or the bytes of --payload-hex; --size pads it with '.' to
that length. The exit status is 1 when a send failed.
"""

import argparse
import errno
import socket
import struct
import time

import toolkit


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dst", required=True, help="destination IPv4 address")
    parser.add_argument("--port", type=toolkit.number, required=True, help="destination port")
    parser.add_argument("--src", default="0.0.0.0", help="local address to bind")
    parser.add_argument("--sport", type=toolkit.number, default=0, help="local port to bind")
    parser.add_argument("--tos", type=toolkit.number, help="IP_TOS")
    parser.add_argument("--ttl", type=toolkit.number, help="IP_TTL")
    parser.add_argument("--mcast-ttl", type=toolkit.number, help="IP_MULTICAST_TTL")
    parser.add_argument("--mcast-if", help="IP_MULTICAST_IF by local address")
    parser.add_argument("--mcast-ifindex", type=toolkit.number,
                        help="IP_MULTICAST_IF by interface index (ip_mreqn)")
    parser.add_argument("--mcast-loop", type=toolkit.number, choices=[0, 1],
                        help="IP_MULTICAST_LOOP")
    parser.add_argument("--pmtu", choices=sorted(toolkit.PMTU_MODES), help="IP_MTU_DISCOVER")
    parser.add_argument("--broadcast", action="store_true", help="SO_BROADCAST")
    parser.add_argument("--bind-device", help="SO_BINDTODEVICE")
    parser.add_argument("--count", type=toolkit.number, default=1)
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between datagrams")
    parser.add_argument("--payload", default="datagram {i}")
    parser.add_argument("--payload-hex", help="fixed payload bytes in hex")
    parser.add_argument("--size", type=toolkit.number, help="pad the payload to this length")
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if args.tos is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_TOS, args.tos)
        if args.ttl is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_TTL, args.ttl)
        if args.mcast_ttl is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_MULTICAST_TTL, args.mcast_ttl)
        if args.mcast_if is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_MULTICAST_IF,
                            socket.inet_aton(args.mcast_if))
        if args.mcast_ifindex is not None:
            mreqn = struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, args.mcast_ifindex)
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_MULTICAST_IF, mreqn)
        if args.mcast_loop is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_MULTICAST_LOOP, args.mcast_loop)
        if args.pmtu is not None:
            sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_MTU_DISCOVER,
                            toolkit.PMTU_MODES[args.pmtu])
        if args.broadcast:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        if args.bind_device:
            sock.setsockopt(socket.SOL_SOCKET, toolkit.SO_BINDTODEVICE,
                            args.bind_device.encode())
        sock.bind((args.src, args.sport))
    except OSError as e:
        toolkit.fail("setup: %s" % e)

    failed = False
    for i in range(args.count):
        if args.payload_hex is not None:
            payload = bytes.fromhex(args.payload_hex)
        else:
            payload = args.payload.replace("{i}", str(i)).encode()
        if args.size is not None and len(payload) < args.size:
            payload += b"." * (args.size - len(payload))
        try:
            sent = sock.sendto(payload, (args.dst, args.port))
            src, sport = sock.getsockname()
            toolkit.emit("sent", [("i", i), ("bytes", sent), ("src", src), ("sport", sport)])
        except OSError as e:
            failed = True
            toolkit.emit("error", [("i", i), ("errno", errno.errorcode.get(e.errno, e.errno))])
        if args.interval and i + 1 < args.count:
            time.sleep(args.interval)
    toolkit.emit("done", [("count", args.count)])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
