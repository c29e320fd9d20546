#!/usr/bin/env python3
"""Turns `ip -j addr show` of the namespace it runs in into plain lines:

    link index=3 name=veth0 mtu=1500 flags=BROADCAST,MULTICAST,UP,LOWER_UP
    addr index=3 address=10.0.1.1 prefix=24 label=veth0

one link line per interface in ip's order, each followed by its IPv4
addresses in ip's order ("local" when ip shows it, else "address"). flags are
ip's own flag names (ip hides IFF_RUNNING: it shows NO-CARRIER instead when an
interface is UP without RUNNING).
"""

import json
import subprocess
import sys

import toolkit


def main():
    try:
        text = subprocess.run([toolkit.program("ip"), "-j", "addr", "show"], check=True,
                              capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError) as e:
        toolkit.fail("ip -j addr show: %s" % e)
    for link in json.loads(text):
        toolkit.emit("link", [("index", link["ifindex"]), ("name", link["ifname"]),
                              ("mtu", link.get("mtu", 0)),
                              ("flags", ",".join(link.get("flags", [])) or "-")])
        for info in link.get("addr_info", []):
            if info.get("family") != "inet":
                continue
            toolkit.emit("addr", [("index", link["ifindex"]),
                                  ("address", info.get("local", info.get("address"))),
                                  ("prefix", info["prefixlen"]),
                                  ("label", info.get("label", "-"))])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
