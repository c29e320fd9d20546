#!/usr/bin/env python3
"""Prints the IPv4 packets that cross one interface of the namespace it runs in.

An AF_PACKET socket (cooked, SOCK_DGRAM) bound to --iface with ETH_P_ALL sees
both directions; the packet type (sll_pkttype) tells them apart. Output:

    ready iface=veth0 ifindex=3
    pkt dir=out pkttype=outgoing src=10.0.1.1 dst=10.0.1.2 tos=0 ttl=64 id=4321
        flags=010 frag=0 proto=17 ihl=5 len=33 caplen=33 csum=1234 opts=-
        sport=40000 dport=5000 ulen=13 plen=5 payload=68656c6c6f      (one line)
    done count=1 reason=count|timeout|stop

flags are the three header flag bits (reserved, DF, MF); frag is the offset in
8-byte units; ihl is in 32-bit words; opts and payload are hex ("-" if empty);
plen is the whole payload length, payload its first --max-payload bytes.
sport/dport/ulen appear for UDP (type/code for ICMP) in first fragments only.
"""

import argparse
import socket

import toolkit

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_TYPES = {0: "host", 1: "broadcast", 2: "multicast", 3: "otherhost", 4: "outgoing"}


def matches(args, direction, fields):
    get = lambda key: toolkit.field(fields, key)
    if args.direction != "any" and args.direction != direction:
        return False
    if args.proto is not None and get("proto") != args.proto:
        return False
    if args.src is not None and get("src") != args.src:
        return False
    if args.dst is not None and get("dst") != args.dst:
        return False
    if args.sport is not None and get("sport") != args.sport:
        return False
    if args.dport is not None and get("dport") != args.dport:
        return False
    if args.port is not None and args.port not in (get("sport"), get("dport")):
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iface", required=True, help="interface to sniff on")
    parser.add_argument("--proto", type=toolkit.number, help="IP protocol number")
    parser.add_argument("--src", help="IPv4 source address")
    parser.add_argument("--dst", help="IPv4 destination address")
    parser.add_argument("--sport", type=toolkit.number, help="UDP/TCP source port")
    parser.add_argument("--dport", type=toolkit.number, help="UDP/TCP destination port")
    parser.add_argument("--port", type=toolkit.number, help="UDP/TCP port, either side")
    parser.add_argument("--direction", choices=["in", "out", "any"], default="any")
    parser.add_argument("--max-payload", type=toolkit.number, default=2048,
                        help="payload bytes to print at most")
    toolkit.add_run_arguments(parser)
    args = parser.parse_args()

    # Protocol 0 at creation: nothing is queued until bind() names the
    # interface, so no packet of another interface slips in.
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
    try:
        sock.bind((args.iface, ETH_P_ALL))
    except OSError as e:
        toolkit.fail("cannot bind to %s: %s" % (args.iface, e))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    toolkit.emit("ready", [("iface", args.iface),
                           ("ifindex", socket.if_nametoindex(args.iface))])

    runner = toolkit.Runner(sock, args)
    while runner.wait():
        data, address = sock.recvfrom(65535)
        # address: (ifname, protocol, pkttype, hatype, hwaddr)
        if address[1] != ETH_P_IP:
            continue
        fields = toolkit.parse_ipv4(data, args.max_payload)
        if fields is None:
            continue
        pkttype = PACKET_TYPES.get(address[2], str(address[2]))
        direction = "out" if address[2] == 4 else "in"
        if not matches(args, direction, fields):
            continue
        toolkit.emit("pkt", [("dir", direction), ("pkttype", pkttype)] + fields)
        runner.reported += 1
    runner.done()


if __name__ == "__main__":
    main()
