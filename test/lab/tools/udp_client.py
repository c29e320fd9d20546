#!/usr/bin/env python3
"""Sends one UDP request and reports where the reply came from.

The socket is bound (--src/--sport) but not connected, so a reply from any
address is accepted and its real source is printed; a connected socket would
let the kernel drop a reply from an address other than the one asked. Output:

    sent bytes=7 src=10.0.1.1 sport=40000 dst=10.0.1.3 dport=5000
    reply src=10.0.1.3 sport=5000 len=12 payload=68656c6c6f     (one per reply)
    done count=1 reason=count|timeout|stop

--count replies are awaited (default 1) within --timeout seconds. The exit
status is 1 when fewer replies came.
"""

import argparse
import socket

import toolkit


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dst", required=True, help="server IPv4 address")
    parser.add_argument("--port", type=toolkit.number, required=True, help="server port")
    parser.add_argument("--src", default="0.0.0.0", help="local address to bind")
    parser.add_argument("--sport", type=toolkit.number, default=0, help="local port to bind")
    parser.add_argument("--broadcast", action="store_true", help="SO_BROADCAST")
    parser.add_argument("--payload", default="request", help="the request's text")
    parser.add_argument("--max-payload", type=toolkit.number, default=2048)
    toolkit.add_run_arguments(parser, default_timeout=10.0)
    parser.set_defaults(count=1)
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if args.broadcast:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.bind((args.src, args.sport))
        sent = sock.sendto(args.payload.encode(), (args.dst, args.port))
    except OSError as e:
        toolkit.fail("send: %s" % e)
    src, sport = sock.getsockname()
    toolkit.emit("sent", [("bytes", sent), ("src", src), ("sport", sport),
                          ("dst", args.dst), ("dport", args.port)])

    runner = toolkit.Runner(sock, args)
    while runner.wait():
        try:
            data, sender = sock.recvfrom(65535)
        except OSError as e:
            # An ICMP error for the request (port unreachable) surfaces here.
            toolkit.emit("error", [("errno", e.errno), ("text", str(e).replace(" ", "_"))])
            continue
        toolkit.emit("reply", [("src", sender[0]), ("sport", sender[1]), ("len", len(data)),
                               ("payload", toolkit.hex_bytes(data[:args.max_payload]))])
        runner.reported += 1
    runner.done()
    raise SystemExit(0 if runner.reported >= args.count else 1)


if __name__ == "__main__":
    main()
