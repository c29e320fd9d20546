#!/usr/bin/env python3
"""Receives UDP datagrams and prints what recvmsg's control messages say.

IP_PKTINFO, IP_RECVTOS, IP_RECVTTL and IP_RECVORIGDSTADDR are on. Output:

    ready addr=0.0.0.0 port=5000
    dgram src=10.0.1.1 sport=40000 dst=239.1.2.3 local=10.0.1.2 ifindex=3 tos=184
        ttl=63 origdst=239.1.2.3:5000 len=10 trunc=0 payload=6461746167...   (one line)
    done count=1 reason=count|timeout|stop

dst is the packet's destination (ipi_addr), local the address a reply would
come from (ipi_spec_dst). A field the kernel did not report reads "-".
--join GROUP joins on the default interface, GROUP@ADDR on the interface with
that address, GROUP%INDEX on that interface index; --join-source
GROUP,SOURCE[@ADDR] joins one source (IP_ADD_SOURCE_MEMBERSHIP). --echo sends
each datagram back to its sender.
"""

import argparse
import socket
import struct

import toolkit


def join(sock, spec):
    group, _, where = spec.partition("@")
    index = 0
    if "%" in group:
        group, _, index_text = group.partition("%")
        index = int(index_text)
    mreqn = struct.pack("=4s4si", socket.inet_aton(group),
                        socket.inet_aton(where or "0.0.0.0"), index)
    sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_ADD_MEMBERSHIP, mreqn)


def join_source(sock, spec):
    pair, _, where = spec.partition("@")
    group, _, source = pair.partition(",")
    # struct ip_mreq_source: multiaddr, interface, sourceaddr
    mreq = (socket.inet_aton(group) + socket.inet_aton(where or "0.0.0.0")
            + socket.inet_aton(source))
    sock.setsockopt(socket.IPPROTO_IP, toolkit.IP_ADD_SOURCE_MEMBERSHIP, mreq)


def decode(ancillary):
    info = {"dst": "-", "local": "-", "ifindex": "-", "tos": "-", "ttl": "-", "origdst": "-"}
    for level, kind, data in ancillary:
        if level != socket.IPPROTO_IP:
            continue
        if kind == toolkit.IP_PKTINFO and len(data) >= 12:
            ifindex, spec_dst, addr = struct.unpack("=i4s4s", data[:12])
            info["ifindex"] = ifindex
            info["local"] = socket.inet_ntoa(spec_dst)
            info["dst"] = socket.inet_ntoa(addr)
        elif kind == toolkit.IP_TOS and len(data) >= 1:
            info["tos"] = data[0]
        elif kind == toolkit.IP_TTL and len(data) >= 4:
            info["ttl"] = struct.unpack("=i", data[:4])[0]
        elif kind == toolkit.IP_ORIGDSTADDR and len(data) >= 8:
            port, addr = struct.unpack("!2xH4s", data[:8])
            info["origdst"] = "%s:%d" % (socket.inet_ntoa(addr), port)
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=toolkit.number, required=True, help="0: any free port")
    parser.add_argument("--bind", default="0.0.0.0", help="local address to bind")
    parser.add_argument("--join", action="append", default=[], help="GROUP[@ADDR|%%INDEX]")
    parser.add_argument("--join-source", action="append", default=[],
                        help="GROUP,SOURCE[@ADDR]")
    parser.add_argument("--bind-device", help="SO_BINDTODEVICE")
    parser.add_argument("--transparent", action="store_true", help="IP_TRANSPARENT (TPROXY)")
    parser.add_argument("--echo", action="store_true", help="send each datagram back")
    parser.add_argument("--max-payload", type=toolkit.number, default=2048)
    toolkit.add_run_arguments(parser)
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for option in (toolkit.IP_PKTINFO, toolkit.IP_RECVTOS, toolkit.IP_RECVTTL,
                       toolkit.IP_RECVORIGDSTADDR):
            sock.setsockopt(socket.IPPROTO_IP, option, 1)
        if args.transparent:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_TRANSPARENT, 1)
        if args.bind_device:
            sock.setsockopt(socket.SOL_SOCKET, toolkit.SO_BINDTODEVICE,
                            args.bind_device.encode())
        sock.bind((args.bind, args.port))
        for spec in args.join:
            join(sock, spec)
        for spec in args.join_source:
            join_source(sock, spec)
    except OSError as e:
        toolkit.fail("setup: %s" % e)
    address, port = sock.getsockname()
    toolkit.emit("ready", [("addr", address), ("port", port)])

    runner = toolkit.Runner(sock, args)
    while runner.wait():
        data, ancillary, flags, sender = sock.recvmsg(65535, 1024)
        info = decode(ancillary)
        fields = [("src", sender[0]), ("sport", sender[1])] + list(info.items())
        fields += [("len", len(data)), ("trunc", 1 if flags & socket.MSG_TRUNC else 0),
                   ("payload", toolkit.hex_bytes(data[:args.max_payload]))]
        toolkit.emit("dgram", fields)
        runner.reported += 1
        if args.echo:
            sock.sendto(data, sender)
    runner.done()


if __name__ == "__main__":
    main()
