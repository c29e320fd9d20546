"""Shared helpers of the asio_ipv4 test oracles (python3 standard library only).

The tools in this directory are independent witnesses of what the kernel did:
they never import or call asio_ipv4. Every tool prints one line per event in a
`word key=value key=value ...` form (values never contain spaces), flushes
after every line, and ends by itself: after --count events, after --timeout
seconds, or when its stdin says "stop" or reaches end of file.
"""

import argparse
import os
import select
import socket
import struct
import sys
import time

# Linux <linux/in.h> numbers; Python's socket module lacks several of them.
IP_TOS = 1
IP_TTL = 2
IP_HDRINCL = 3
IP_OPTIONS = 4
IP_PKTINFO = 8
IP_MTU_DISCOVER = 10
IP_RECVTTL = 12
IP_RECVTOS = 13
IP_RECVORIGDSTADDR = 20
IP_ORIGDSTADDR = 20
IP_MULTICAST_IF = 32
IP_MULTICAST_TTL = 33
IP_MULTICAST_LOOP = 34
IP_ADD_MEMBERSHIP = 35
IP_ADD_SOURCE_MEMBERSHIP = 39
SO_BINDTODEVICE = 25
PMTU_MODES = {"dont": 0, "want": 1, "do": 2, "probe": 3}


def program(name):
    """The path of `name`, a program of the registry tools/programs.txt; a
    program that is not installed ends the tool with one line naming its
    Debian package."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    sys.path.insert(0, os.path.join(top, "tools"))
    import programs  # pylint: disable=import-outside-toplevel
    return programs.require(name)


def emit(word, fields=()):
    """Prints `word k=v ...` and flushes, so a reader sees the line at once."""
    parts = [word] + ["%s=%s" % (k, v) for k, v in fields]
    sys.stdout.write(" ".join(parts) + "\n")
    sys.stdout.flush()


def fail(message):
    """Reports a usage or setup error on stderr and exits with status 2."""
    sys.stderr.write("%s: %s\n" % (os.path.basename(sys.argv[0]), message))
    sys.stderr.flush()
    sys.exit(2)


def number(text):
    """An integer in decimal or with a 0x/0o/0b prefix (for --tos 0xb8)."""
    return int(text, 0)


def add_run_arguments(parser, default_timeout=30.0):
    """Options every receiving tool shares: when to stop."""
    parser.add_argument("--count", type=number, default=0,
                        help="exit after this many reported events (0: no limit)")
    parser.add_argument("--timeout", type=float, default=default_timeout,
                        help="exit after this many seconds in total")
    parser.add_argument("--linger", type=float, default=0.2,
                        help="after 'stop', keep reporting what is already queued "
                             "until the socket stays quiet this long")
    parser.add_argument("--no-stdin", action="store_true",
                        help="do not watch stdin for 'stop' or end of file")


def hex_bytes(data):
    return data.hex() if data else "-"


def parse_ipv4(data, max_payload=2048):
    """The fields of an IPv4 packet as (key, value) pairs, or None if `data`
    is not a whole IPv4 header. Bytes past the total length (Ethernet padding)
    are ignored; a packet shorter than its total length is reported as is
    (caplen says how much there was)."""
    if len(data) < 20:
        return None
    version_ihl, tos, total_length, ident, flags_frag, ttl, proto, checksum = \
        struct.unpack("!BBHHHBBH", data[:12])
    version = version_ihl >> 4
    ihl = version_ihl & 0x0F
    if version != 4 or ihl < 5 or len(data) < ihl * 4:
        return None
    caplen = len(data)
    if total_length >= ihl * 4:
        data = data[:total_length]
    flags = flags_frag >> 13
    frag = flags_frag & 0x1FFF
    fields = [
        ("src", socket.inet_ntoa(data[12:16])),
        ("dst", socket.inet_ntoa(data[16:20])),
        ("tos", tos),
        ("ttl", ttl),
        ("id", ident),
        ("flags", format(flags, "03b")),
        ("frag", frag),
        ("proto", proto),
        ("ihl", ihl),
        ("len", total_length),
        ("caplen", caplen),
        ("csum", checksum),
        ("opts", hex_bytes(data[20:ihl * 4])),
    ]
    rest = data[ihl * 4:]
    if frag == 0 and proto == 17 and len(rest) >= 8:
        sport, dport, ulen = struct.unpack("!HHH", rest[:6])
        fields += [("sport", sport), ("dport", dport), ("ulen", ulen)]
        rest = rest[8:]
    elif frag == 0 and proto == 6 and len(rest) >= 20:
        sport, dport = struct.unpack("!HH", rest[:4])
        fields += [("sport", sport), ("dport", dport)]
        rest = rest[(rest[12] >> 4) * 4:]
    elif frag == 0 and proto == 1 and len(rest) >= 8:
        # rest: bytes 4..7 of the ICMP header (echo id/sequence, pointer...);
        # mtu: the next-hop MTU of "fragmentation needed" (type 3, code 4).
        fields += [("type", rest[0]), ("code", rest[1]), ("rest", rest[4:8].hex())]
        if rest[0] == 3 and rest[1] == 4:
            fields += [("mtu", struct.unpack("!H", rest[6:8])[0])]
        rest = rest[8:]
    fields += [("plen", len(rest)), ("payload", hex_bytes(rest[:max_payload]))]
    return fields


def field(fields, key):
    for k, v in fields:
        if k == key:
            return v
    return None


class Runner:
    """Waits for a socket to become readable while honouring --count,
    --timeout, --linger and the stdin protocol ("stop" or end of file)."""

    def __init__(self, sock, args):
        self.sock = sock
        self.args = args
        self.deadline = time.monotonic() + args.timeout
        self.reported = 0
        self.watch_stdin = not args.no_stdin
        self.stopping = False

    def wait(self):
        """True when the socket is readable; False when it is time to end
        (self.reason says why)."""
        while True:
            if self.args.count and self.reported >= self.args.count:
                self.reason = "count"
                return False
            now = time.monotonic()
            if now >= self.deadline:
                self.reason = "stop" if self.stopping else "timeout"
                return False
            if self.stopping:
                left = min(self.args.linger, self.deadline - now)
            else:
                left = self.deadline - now
            watched = [self.sock]
            if self.watch_stdin and not self.stopping:
                watched.append(sys.stdin)
            readable, _, _ = select.select(watched, [], [], left)
            if self.sock in readable:
                return True
            if sys.stdin in readable:
                line = sys.stdin.readline()
                if line == "" or line.strip() == "stop":
                    self.stopping = True
                    # Quiet for --linger ends the run; a busy link gets 2 s more at most.
                    self.deadline = min(self.deadline,
                                        time.monotonic() + max(self.args.linger, 0.0) + 2.0)
                continue
            if self.stopping:
                self.reason = "stop"
                return False

    def done(self):
        emit("done", [("count", self.reported), ("reason", self.reason)])
