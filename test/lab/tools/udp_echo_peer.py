#!/usr/bin/env python3
"""Sends numbered requests to a UDP echo server from many source ports and
counts the echoes.

Request i goes out of flow socket i % --flows (each flow its own source
port) and carries "req <i>" padded with '.' to --size bytes. At most
--window requests are unanswered at any time, so a server queue never
overflows. Each reply is matched to its request: it must come back to the
flow that sent it, from the address and port the request went to, with the
same bytes. Output:

    sent count=N flows=F cpu=C          (after the last request; cpu: the CPU
                                         the sends ran on, /proc's "processor")
    reply id=I flow=F src=A sport=P     (one per reply, with --verbose)
    done sent=N replies=R unique=U duplicates=D missing=M wrong_source=W wrong_payload=X

--cpu C pins the tool to CPU C (sched_setaffinity) before it opens a
socket. The exit status is 1 unless every request got exactly one right
echo within --timeout seconds.
"""

import argparse
import os
import selectors
import socket
import time

import toolkit


def current_cpu():
    """The CPU this thread last ran on: field 39 of /proc/thread-self/stat."""
    with open("/proc/thread-self/stat") as f:
        stat = f.read()
    return int(stat[stat.rindex(")") + 2:].split()[36])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dst", required=True)
    parser.add_argument("--port", type=toolkit.number, required=True)
    parser.add_argument("--count", type=toolkit.number, default=100)
    parser.add_argument("--flows", type=toolkit.number, default=16)
    parser.add_argument("--size", type=toolkit.number, default=32)
    parser.add_argument("--window", type=toolkit.number, default=32)
    parser.add_argument("--cpu", type=toolkit.number)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    if args.cpu is not None:
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError as e:
            toolkit.fail("cannot run on CPU %d: %s" % (args.cpu, e))

    selector = selectors.DefaultSelector()
    flows = []
    for f in range(args.flows):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("0.0.0.0", 0))
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, f)
        flows.append(sock)

    def payload(i):
        text = ("req %d " % i).encode()
        return text + b"." * max(0, args.size - len(text))

    answers = {}  # id -> replies seen
    outstanding = set()
    wrong_source = wrong_payload = 0
    deadline = time.monotonic() + args.timeout

    def receive(wait):
        nonlocal wrong_source, wrong_payload
        for key, _ in selector.select(wait):
            sock, flow = key.fileobj, key.data
            while True:
                try:
                    data, sender = sock.recvfrom(65535)
                except BlockingIOError:
                    break
                except OSError as e:
                    toolkit.emit("error", [("errno", e.errno), ("flow", flow)])
                    continue
                words = data.split(b" ")
                try:
                    i = int(words[1])
                except (IndexError, ValueError):
                    wrong_payload += 1
                    continue
                if i % args.flows != flow or data != payload(i):
                    wrong_payload += 1
                    continue
                if sender != (args.dst, args.port):
                    wrong_source += 1
                answers[i] = answers.get(i, 0) + 1
                outstanding.discard(i)
                if args.verbose:
                    toolkit.emit("reply", [("id", i), ("flow", flow), ("src", sender[0]),
                                           ("sport", sender[1])])

    sent = 0
    while sent < args.count and time.monotonic() < deadline:
        if len(outstanding) >= args.window:
            receive(0.05)
            continue
        try:
            flows[sent % args.flows].sendto(payload(sent), (args.dst, args.port))
        except BlockingIOError:
            receive(0.01)
            continue
        except OSError as e:
            toolkit.fail("send: %s" % e)
        outstanding.add(sent)
        sent += 1
    toolkit.emit("sent", [("count", sent), ("flows", args.flows), ("cpu", current_cpu())])
    while outstanding and time.monotonic() < deadline:
        receive(0.05)
    # A short linger: a second echo of a request would come now.
    linger = time.monotonic() + 0.3
    while time.monotonic() < linger:
        receive(0.05)

    unique = len(answers)
    duplicates = sum(n - 1 for n in answers.values())
    missing = sent - unique
    toolkit.emit("done", [("sent", sent), ("replies", sum(answers.values())), ("unique", unique),
                          ("duplicates", duplicates), ("missing", missing),
                          ("wrong_source", wrong_source), ("wrong_payload", wrong_payload)])
    ok = sent == args.count and missing == 0 and duplicates == 0 and wrong_source == 0 and wrong_payload == 0
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
