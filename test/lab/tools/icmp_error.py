#!/usr/bin/env python3
"""Sends one crafted ICMP error message from a raw socket.

The message quotes an IPv4 header and the start of a datagram, as a router
or host would when it reports an error for that datagram, but every field is
chosen on the command line, so it can quote another socket's datagram, a
header with options, a header cut short, or nonsense:

    sent bytes=N                         (the ICMP message's length)

--quote-src/--quote-dst/--sport/--dport/--quote-payload describe the quoted
datagram (UDP by default); --quote-ihl sets the quoted header's IHL field
(options are zero bytes), --quote-cut keeps only the first N bytes of what is
quoted (IP header included), --info fills bytes 4..7 of the ICMP header
(the next-hop MTU for type 3 code 4, the pointer for type 12), and
--bad-checksum spoils the ICMP checksum. --icmp-hex sends these exact ICMP
bytes instead (checksum included as given).
"""

import argparse
import socket
import struct

import toolkit


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def quoted_datagram(args):
    payload = args.quote_payload.encode()
    ihl = args.quote_ihl
    options = b"\0" * max(0, ihl * 4 - 20)
    header_len = max(20, ihl * 4)
    if args.quote_proto == 17:
        transport = struct.pack("!HHHH", args.sport, args.dport, 8 + len(payload), 0) + payload
    else:
        transport = payload
    total = header_len + len(transport)
    header = struct.pack("!BBHHHBBH4s4s", (4 << 4) | (ihl & 0x0F), 0, total, 0x1234, 0, args.quote_ttl,
                         args.quote_proto, 0, socket.inet_aton(args.quote_src),
                         socket.inet_aton(args.quote_dst)) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    quoted = header + transport
    if args.quote_cut is not None:
        quoted = quoted[:args.quote_cut]
    return quoted


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dst", required=True, help="where the ICMP message goes")
    parser.add_argument("--type", type=toolkit.number, default=3)
    parser.add_argument("--code", type=toolkit.number, default=3)
    parser.add_argument("--info", type=toolkit.number, default=0, help="ICMP header bytes 4..7")
    parser.add_argument("--quote-src", default="0.0.0.0")
    parser.add_argument("--quote-dst", default="0.0.0.0")
    parser.add_argument("--quote-proto", type=toolkit.number, default=17)
    parser.add_argument("--quote-ttl", type=toolkit.number, default=64)
    parser.add_argument("--quote-ihl", type=toolkit.number, default=5)
    parser.add_argument("--sport", type=toolkit.number, default=0)
    parser.add_argument("--dport", type=toolkit.number, default=0)
    parser.add_argument("--quote-payload", default="")
    parser.add_argument("--quote-cut", type=toolkit.number, help="keep only this many quoted bytes")
    parser.add_argument("--bad-checksum", action="store_true")
    parser.add_argument("--icmp-hex", help="send these ICMP bytes as they are")
    args = parser.parse_args()

    if args.icmp_hex:
        message = bytes.fromhex(args.icmp_hex)
    else:
        body = quoted_datagram(args)
        message = struct.pack("!BBHI", args.type, args.code, 0, args.info & 0xFFFFFFFF) + body
        value = checksum(message)
        if args.bad_checksum:
            value ^= 0x5555
        message = message[:2] + struct.pack("!H", value) + message[4:]
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.sendto(message, (args.dst, 0))
    toolkit.emit("sent", [("bytes", len(message))])


if __name__ == "__main__":
    main()
