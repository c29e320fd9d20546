#!/usr/bin/env python3
"""Decides what .ci/cross.sh builds in a configured project tree.

    cross_plan.py BUILD_DIR TOP LINUX_ONLY_TARGETS PENDING

LINUX_ONLY_TARGETS: target names, one a line. PENDING: one entry a line, the
part before ": " of .ci/cross.sh's lists: a source path relative to TOP (it
does not compile) or "link TARGET" (it compiles but does not link).

Reads BUILD_DIR/compile_commands.json and `ninja -t targets all`, and prints
tab-separated lines:
    link      TARGET KIND OUTPUT       build the target (KIND EXECUTABLE is
                                       linked, STATIC_LIBRARY archived)
    compile   TARGET SOURCE OBJECT     compile only: the target cannot be linked
    pending   TARGET SOURCE OBJECT     listed as not compiling
    nolink    TARGET WHY               why TARGET is not linked
    linuxonly TARGET
A target links when none of its sources is listed, it is not listed as
"link TARGET", and every target ninja builds before linking it (its
libraries) links. Exits non-zero when an entry names nothing of the
build, so the lists cannot go stale unseen.
"""
import json
import os
import re
import shlex
import subprocess
import sys

build, top, linux_only, pending = sys.argv[1:5]
linux_only = set(linux_only.split())
pending = [p for p in pending.splitlines() if p.strip()]
pending_sources = {p for p in pending if not p.startswith("link ")}
pending_links = {p.split()[1] for p in pending if p.startswith("link ")}

# target -> [(source, object)] from the compile commands
objects = {}
for e in json.load(open(os.path.join(build, "compile_commands.json"))):
    args = shlex.split(e["command"])
    obj = os.path.relpath(os.path.join(e["directory"], args[args.index("-o") + 1]), build)
    target = re.search(r"CMakeFiles/([^/]+)\.dir/", obj).group(1)
    source = os.path.relpath(os.path.join(e["directory"], e["file"]), top)
    objects.setdefault(target, []).append((source, obj))

# target -> (kind, output) from the link rules, e.g.
# "example/demo: CXX_EXECUTABLE_LINKER__demo_Debug"
outputs = {}
listing = subprocess.run(["ninja", "-C", build, "-t", "targets", "all"], check=True,
                         capture_output=True, text=True).stdout
for line in listing.splitlines():
    m = re.match(r"(.+): CXX_(STATIC_LIBRARY|EXECUTABLE|SHARED_LIBRARY)_LINKER__(.+)_[A-Za-z]+$", line)
    if m:
        outputs[m.group(3)] = (m.group(2), m.group(1))

all_sources = {s for objs in objects.values() for s, _ in objs}
stale = sorted((pending_sources - all_sources) | (pending_links - set(outputs)))
if stale:
    sys.exit("cross_plan: listed but not in the build (update the list in .ci/cross.sh): "
             + ", ".join(stale))

targets = sorted(t for t in objects if t in outputs)
by_output = {outputs[t][1]: t for t in targets}


def dependencies(t):
    """The targets whose outputs ninja needs before it links t."""
    query = subprocess.run(["ninja", "-C", build, "-t", "query", outputs[t][1]], check=True,
                           capture_output=True, text=True).stdout
    inputs = query.split("outputs:")[0].replace("||", " ").replace("|", " ").split()
    return [by_output[i] for i in inputs if i in by_output]


def why_not_linked(t, seen=()):
    listed = [s for s, _ in objects[t] if s in pending_sources]
    if listed:
        return "sources listed as not compiling: " + " ".join(listed)
    if t in pending_links:
        return "listed as not linking"
    for d in dependencies(t):
        if d not in seen and why_not_linked(d, seen + (t,)):
            return "needs " + d + ", not linked"
    return None


for t in targets:
    if t in linux_only:
        print("linuxonly", t, sep="\t")
        continue
    why = why_not_linked(t)
    if why is None:
        print("link", t, outputs[t][0], outputs[t][1], sep="\t")
        continue
    print("nolink", t, why, sep="\t")
    for s, o in objects[t]:
        print("pending" if s in pending_sources else "compile", t, s, o, sep="\t")
