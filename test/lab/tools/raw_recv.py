#!/usr/bin/env python3
"""Receives IPv4 packets of one protocol on a raw socket (SOCK_RAW, --proto).

A raw IPv4 socket hands over the whole packet, header included. Output:

    ready proto=1
    raw ifindex=3 src=10.0.1.1 dst=10.0.1.2 tos=0 ttl=64 id=1 flags=010 frag=0 proto=1
        ihl=5 len=84 caplen=84 csum=... opts=- type=8 code=0 plen=56 payload=...  (one line)
    done count=1 reason=count|timeout|stop

The header fields are those of sniff.py (see toolkit.parse_ipv4); ifindex
comes from IP_PKTINFO. --src filters on the source address, --type on the
ICMP type.
"""

import argparse
import socket
import struct

import toolkit


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proto", type=toolkit.number, required=True, help="IP protocol number")
    parser.add_argument("--bind", default="0.0.0.0", help="local address to bind")
    parser.add_argument("--src", help="only packets from this address")
    parser.add_argument("--type", type=toolkit.number, help="only this ICMP type")
    parser.add_argument("--max-payload", type=toolkit.number, default=2048)
    toolkit.add_run_arguments(parser)
    args = parser.parse_args()

    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, args.proto)
        sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_PKTINFO, 1)
        sock.bind((args.bind, 0))
    except OSError as e:
        toolkit.fail("setup: %s" % e)
    toolkit.emit("ready", [("proto", args.proto)])

    runner = toolkit.Runner(sock, args)
    while runner.wait():
        data, ancillary, _, _ = sock.recvmsg(65535, 256)
        fields = toolkit.parse_ipv4(data, args.max_payload)
        if fields is None:
            continue
        if args.src is not None and toolkit.field(fields, "src") != args.src:
            continue
        if args.type is not None and toolkit.field(fields, "type") != args.type:
            continue
        ifindex = "-"
        for level, kind, cdata in ancillary:
            if level == socket.IPPROTO_IP and kind == toolkit.IP_PKTINFO and len(cdata) >= 4:
                ifindex = struct.unpack("=i", cdata[:4])[0]
        toolkit.emit("raw", [("ifindex", ifindex)] + fields)
        runner.reported += 1
    runner.done()


if __name__ == "__main__":
    main()
