#!/usr/bin/env python3
"""Fails when a program that the project starts has no way onto a fresh machine.

    tools/check-programs.py             check this checkout
    tools/check-programs.py --apt       also ask apt-cache whether every package
                                        exists, and warn when an installed
                                        program comes from another package than
                                        the registry says (dpkg -S)
    tools/check-programs.py --list      print every program use found
    tools/check-programs.py --self-test run the check on made-up trees that
                                        must pass or fail

Finds every program started by the shell scripts (command words of quickstart,
.ci/run, *.sh, need lines), the C++ tests and test lab (run_command, process,
spawn, program_path: argv[0]; host::run/output/try_run: the command words of
the shell text), the Python tools (subprocess argv[0], require(), sh()), the
CMake files (find_program, COMMAND, compilers, emulators) and the Jamfile
(SHELL, launchers). Then, for each use:
  - the program must be in tools/programs.txt;
  - its Debian package must be in a package list that is installed for the
    part that starts it: test/, example/, cli/ and quickstart need the
    quick-start list (tools/debian-packages.txt, what `./quickstart test`
    installs); bench/ the quick-start or the bench list; CI, tools and build
    files any list. An npm: source needs npm under the same rule.
Exit status 1 with one line per problem, 0 when all is well.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import programs  # noqa: E402

QUICK = "tools/debian-packages.txt"
BENCH = "tools/bench-packages.txt"

# Which lists may hold the package of a program, by where it is started.
# First match wins; None: any package list.
PARTS = [
    (("test/", "example/", "cli/", "quickstart"), (QUICK,), "what ./quickstart installs"),
    (("bench/",), (QUICK, BENCH), "what bench/run.sh installs"),
    (("",), None, "a package list"),
]

SCANNED = ("quickstart", "CMakeLists.txt", "Jamfile", "Jamroot", "test", "bench", "example", "cli",
           ".ci", "tools", "cmake", "doc", "src")
SKIPPED_DIRS = {".git", "__pycache__", "node_modules"}
SELF = "tools/check-programs.py"

# ---------------------------------------------------------------------------
# Shell: a small lexer and the words in command position
# ---------------------------------------------------------------------------

OPERATORS = sorted(["&&", "||", ";;", "|&", ">>", "<<", "<&", ">&", "&>", "<(", ">(", ";", "|", "&", "(",
                    ")", "<", ">", "\n"], key=len, reverse=True)
REDIRECTIONS = {">>", "<&", ">&", "&>", "<", ">"}
SEPARATORS = {"\n", ";", "&&", "||", "|", "&", "|&", "("}
WORD_END = set(" \t\n;&|()<>")
BUILTINS = set("""echo printf read cd pwd set shift local export return exit trap eval source . : true false
    test [ wait kill declare typeset readonly unset shopt getopts let pushd popd type hash ulimit umask
    alias break continue mapfile readarray builtin caller compgen complete dirs disown enable fc fg bg
    help history jobs logout suspend times unalias""".split())
# Wrappers whose first non-option word is itself a command.
WRAPPERS = {"exec", "nice", "sudo", "timeout", "env", "xargs", "nohup", "stdbuf", "time"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")


def _skip_quoted(s, i, subs):
    """s[i] is a quote or $-expansion start; returns the index after it."""
    c = s[i]
    n = len(s)
    if c == "'":
        j = s.find("'", i + 1)
        return n if j < 0 else j + 1
    if c == "`":
        j = i + 1
        while j < n and s[j] != "`":
            j += 2 if s[j] == "\\" else 1
        subs.append(s[i + 1:j])
        return j + 1
    if c == '"':
        j = i + 1
        while j < n and s[j] != '"':
            if s[j] == "\\":
                j += 2
            elif s[j] in "$`":
                j = _skip_dollar(s, j, subs) if s[j] == "$" else _skip_quoted(s, j, subs)
            else:
                j += 1
        return j + 1
    return _skip_dollar(s, i, subs)


def _skip_dollar(s, i, subs):
    """s[i] == '$': skips $(...), $((...)), ${...} or just the '$'."""
    n = len(s)
    if s.startswith("$((", i):
        depth, j = 0, i + 1
        while j < n:
            if s[j] == "(":
                depth += 1
            elif s[j] == ")":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return n
    if s.startswith("$(", i):
        j = _skip_group(s, i + 2)
        subs.append(s[i + 2:j - 1])
        return j
    if s.startswith("${", i):
        depth, j = 0, i + 1
        while j < n:
            if s[j] == "{":
                depth += 1
            elif s[j] == "}":
                depth -= 1
                if depth == 0:
                    return j + 1
            elif s[j] in "'\"":
                j = _skip_quoted(s, j, []) - 1
            j += 1
        return n
    return i + 1


def _skip_group(s, i):
    """From just after '(' to just after its ')'."""
    depth, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c in "'\"`":
            i = _skip_quoted(s, i, [])
            continue
        if c == "$":
            i = _skip_dollar(s, i, [])
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return n


def shell_tokens(s):
    """[(kind, text, nested command texts)], kind 'op' or 'word'."""
    tokens, heredocs, i, n = [], [], 0, len(s)
    while i < n:
        c = s[i]
        if c in " \t":
            i += 1
            continue
        if c == "\\" and s.startswith("\\\n", i):
            i += 2
            continue
        if c == "#":
            j = s.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "\n":
            tokens.append(("op", "\n", []))
            i += 1
            for delimiter, strip in heredocs:   # skip here-document bodies
                while i < n:
                    j = s.find("\n", i)
                    line = s[i:n if j < 0 else j]
                    i = n if j < 0 else j + 1
                    if (line.lstrip("\t") if strip else line) == delimiter:
                        break
            heredocs = []
            continue
        op = next((o for o in OPERATORS if s.startswith(o, i)), None)
        if op in ("<(", ">("):
            j = _skip_group(s, i + 2)
            tokens.append(("word", s[i:j], [s[i + 2:j - 1]]))
            i = j
            continue
        if op == "<<" and not s.startswith("<<<", i):
            strip = s.startswith("<<-", i)
            i += 3 if strip else 2
            while i < n and s[i] in " \t":
                i += 1
            j = i
            while j < n and s[j] not in WORD_END:
                j += 1
            heredocs.append((s[i:j].strip("'\""), strip))
            i = j
            continue
        if op == "<<":   # here-string <<<: the word after it is data
            tokens.append(("op", "<", []))
            i += 3
            continue
        if op:
            tokens.append(("op", op, []))
            i += len(op)
            continue
        j, subs = i, []
        while j < n and s[j] not in WORD_END:
            if s[j] == "\\":
                j += 2
            elif s[j] in "'\"`$":
                j = _skip_quoted(s, j, subs)
            else:
                j += 1
        tokens.append(("word", s[i:j], subs))
        i = j
    return tokens


def _plain(word):
    """The word with quotes removed, or None when it expands something."""
    if "$" in word or "`" in word:
        return None
    return re.sub(r"""\\(.)|['"]""", lambda m: m.group(1) or "", word)


def shell_commands(text):
    """[(offset-free) program names in command position, function names defined]."""
    uses, functions = [], set()
    _commands(shell_tokens(text), uses, functions)
    return uses, functions


def _commands(tokens, uses, functions):
    expect, i, n, in_case = True, 0, len(tokens), False
    while i < n:
        kind, text, subs = tokens[i]
        for sub in subs:
            _commands(shell_tokens(sub), uses, functions)
        if kind == "op":
            if text in REDIRECTIONS:
                i += 2   # the file name is not a command
                if i - 1 < n:
                    for sub in tokens[i - 1][2]:
                        _commands(shell_tokens(sub), uses, functions)
                continue
            if text == ";;":
                in_case = True
            expect = text in SEPARATORS
            i += 1
            continue
        if in_case:   # a case pattern, up to its ')'
            if text == "esac":
                in_case, expect = False, False
            else:
                while i < n and tokens[i][:2] != ("op", ")"):
                    i += 1
                in_case, expect = False, True
            i += 1
            continue
        if not expect:
            i += 1
            continue
        if ASSIGNMENT.match(text):
            if text.endswith("=") and i + 1 < n and tokens[i + 1][:2] == ("op", "("):
                i += 2   # an array: skip to its ')'
                while i < n and tokens[i][:2] != ("op", ")"):
                    i += 1
            i += 1
            continue
        word = _plain(text)
        if word in ("if", "then", "else", "elif", "do", "while", "until", "!", "{"):
            i += 1
            continue
        if word in ("fi", "done", "}"):
            expect = False
            i += 1
            continue
        if word in ("for", "select"):
            while i < n and tokens[i][:2] not in (("op", ";"), ("op", "\n")):
                i += 1
            continue
        if word == "case":
            while i < n and _plain(tokens[i][1]) != "in":
                i += 1
            in_case = True
            i += 1
            continue
        if word == "[[":
            while i < n and tokens[i][1] != "]]":
                i += 1
            expect = False
            i += 1
            continue
        if word == "function":
            if i + 1 < n:
                functions.add(_plain(tokens[i + 1][1]))
            i += 2
            continue
        if i + 2 < n and tokens[i + 1][:2] == ("op", "(") and tokens[i + 2][:2] == ("op", ")"):
            functions.add(word)
            i += 3
            continue
        i = _command_word(tokens, i, word, uses)
        expect = False
    return uses


def _command_word(tokens, i, word, uses):
    """Records the command at tokens[i] (and what a wrapper runs); returns the next index."""
    n = len(tokens)
    if word is None or "/" in word or not word:
        return i + 1
    if word == "need":   # need PROGRAM...: every argument is a program
        i += 1
        while i < n and tokens[i][0] == "word":
            name = _plain(tokens[i][1])
            if name:
                uses.append(name)
            i += 1
        return i
    if word == "command":
        i += 1
        query = False
        while i < n and tokens[i][0] == "word" and tokens[i][1].startswith("-"):
            query = query or tokens[i][1] in ("-v", "-V")
            i += 1
        if query:
            while i < n and tokens[i][0] == "word":
                name = _plain(tokens[i][1])
                if name and "/" not in name:
                    uses.append(name)
                i += 1
            return i
        return _command_word(tokens, i, _plain(tokens[i][1]), uses) if i < n and tokens[i][0] == "word" else i
    if word in WRAPPERS:
        if word not in ("exec", "time"):
            uses.append(word)
        i += 1
        while i < n and tokens[i][0] == "word":
            arg = tokens[i][1]
            if word == "env" and arg == "-u":
                i += 2
            elif arg.startswith("-") or ASSIGNMENT.match(arg) or re.match(r"^[0-9.]+[smhd]?$", arg):
                i += 1
            else:
                break
        if i < n and tokens[i][0] == "word":
            return _command_word(tokens, i, _plain(tokens[i][1]), uses)
        return i
    if word in BUILTINS or word in ("]]", "in"):
        return i + 1
    uses.append(word)
    return i + 1


# ---------------------------------------------------------------------------
# Uses in each kind of file
# ---------------------------------------------------------------------------

CXX_ARGV = re.compile(r'\b(?:run_command|spawn|program_path|require_program)\s*\(\s*\{?\s*"([^"\\]+)"'
                      r'|\bprocess\s*(?:\w+\s*)?[({]\s*\{\s*"([^"\\]+)"')
CXX_SHELL = re.compile(r'\.\s*(?:run|output|try_run)\s*\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')
PY_ARGV = re.compile(r"""\b(?:run|Popen|call|check_call|check_output)\s*\(\s*\[\s*["']([^"']+)["']""")
PY_REQUIRE = re.compile(r"""\b(?:require|program)\s*\(\s*["']([^"']+)["']\s*\)""")
PY_SHELL = re.compile(r'\bsh\s*\(\s*"((?:[^"\\]|\\.)*)"')
# A compiler (or emulator) that CMake or a script starts: -DCMAKE_CXX_COMPILER=X, CXX=X, ${CXX:-X}.
SHELL_COMPILER = re.compile(r"(?:CMAKE_(?:C|CXX)_COMPILER(?:_LAUNCHER)?=|\b(?:CXX|CC)=|\$\{\w*(?:CXX|CC)\w*:-)"
                            r"""["']?([A-Za-z][\w.+-]*)""")
CMAKE_COMPILER = re.compile(r"""\bset\s*\(\s*CMAKE_(?:C|CXX)_COMPILER(?:_LAUNCHER)?\s+["']?([A-Za-z][\w.+-]*)"""
                            r"""|CROSSCOMPILING_EMULATOR\s+["']?([A-Za-z][\w.+-]*)""")
CMAKE_FIND = re.compile(r"find_program\s*\(\s*\w+\s+([^)]*)\)", re.S)
CMAKE_COMMAND = re.compile(r"\bCOMMAND\s+([A-Za-z][\w.+-]*)")
CMAKE_TARGET = re.compile(r"\badd_(?:executable|library|custom_target)\s*\(\s*([\w.+-]+)")
JAM_SHELL = re.compile(r'\bSHELL\s+"((?:[^"\\]|\\.)*)"|<testing\.launcher>"((?:[^"\\]|\\.)*)"')
FIND_KEYWORDS = {"NAMES", "NAMES_PER_DIR", "HINTS", "PATHS", "PATH_SUFFIXES", "DOC", "REQUIRED", "NO_CACHE",
                 "NO_DEFAULT_PATH", "ENV", "VALIDATOR", "NO_CMAKE_PATH", "NO_SYSTEM_ENVIRONMENT_PATH"}


def _line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def _c_string(literals):
    joined = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', literals))
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), joined)


def _without_line_comments(text, marker):
    """Blanks comment lines (keeping line numbers)."""
    return "\n".join("" if line.lstrip().startswith(marker) else line for line in text.split("\n"))


def _shell_uses_at(code, line):
    uses, functions = shell_commands(code)
    return [(line, u) for u in uses if u not in functions]


def file_kind(path, text):
    name = os.path.basename(path)
    if name in ("CMakeLists.txt",) or name.endswith(".cmake"):
        return "cmake"
    if name in ("Jamfile", "Jamroot") or name.endswith(".jam"):
        return "jam"
    if name.endswith((".cpp", ".hpp", ".h", ".cc", ".ipp")):
        return "cxx"
    if name.endswith(".py") or text.startswith("#!/usr/bin/env python") or text.startswith("#!/usr/bin/python"):
        return "python"
    if name.endswith(".sh") or re.match(r"#!\s*/(usr/)?bin/(env\s+)?(ba)?sh\b", text):
        return "shell"
    return None


def uses_in(path, text, cmake_targets=frozenset(), shell_functions=frozenset()):
    """[(line, program)] started by one file; shell_functions: defined in files it may source."""
    kind = file_kind(path, text)
    found = []
    if kind == "shell":
        # Line by line keeps line numbers; a command spanning lines (a
        # continued line, a quoted multi-line argument) is parsed whole.
        uses, functions = shell_commands(text)
        lines = text.split("\n")
        for program in uses:
            if program in functions or program in shell_functions:
                continue
            pattern = re.compile(r"(^|[\s;|&(`$!{])" + re.escape(program) + r"($|[\s;|&)])")
            number = next((k + 1 for k, l in enumerate(lines)
                           if pattern.search(l) and not l.lstrip().startswith("#")), 0)
            found.append((number, program))
        for m in SHELL_COMPILER.finditer(text):
            found.append((_line_of(text, m.start()), m.group(1)))
    elif kind == "cxx":
        code = _without_line_comments(text, "//")
        for m in CXX_ARGV.finditer(code):
            found.append((_line_of(code, m.start()), m.group(1) or m.group(2)))
        for m in CXX_SHELL.finditer(code):
            found += _shell_uses_at(_c_string(m.group(1)), _line_of(code, m.start()))
    elif kind == "python":
        code = _without_line_comments(text, "#")
        for pattern in (PY_ARGV, PY_REQUIRE):
            for m in pattern.finditer(code):
                found.append((_line_of(code, m.start()), m.group(1)))
        for m in PY_SHELL.finditer(code):
            found += _shell_uses_at(_c_string('"' + m.group(1) + '"'), _line_of(code, m.start()))
        for m in SHELL_COMPILER.finditer(code):
            found.append((_line_of(code, m.start()), m.group(1)))
    elif kind == "cmake":
        code = _without_line_comments(text, "#")
        for m in CMAKE_FIND.finditer(code):
            words = m.group(1).split()
            for word in words:
                if word in FIND_KEYWORDS:
                    if word != "NAMES":
                        break
                    continue
                if not word.startswith("$"):
                    found.append((_line_of(code, m.start()), word.strip('"')))
        for m in CMAKE_COMMAND.finditer(code):
            if m.group(1) not in cmake_targets:
                found.append((_line_of(code, m.start()), m.group(1)))
        for m in CMAKE_COMPILER.finditer(code):
            found.append((_line_of(code, m.start()), m.group(1) or m.group(2)))
    elif kind == "jam":
        code = _without_line_comments(text, "#")
        for m in JAM_SHELL.finditer(code):
            found += _shell_uses_at(_c_string('"' + (m.group(1) or m.group(2)) + '"'), _line_of(code, m.start()))
    return [(line, p) for line, p in found if p and "/" not in p and not p.startswith(("$", "-"))]


def scanned_files(top):
    for entry in SCANNED:
        path = os.path.join(top, entry)
        if os.path.isfile(path):
            yield entry
        elif os.path.isdir(path):
            for directory, subdirs, files in os.walk(path):
                subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
                for name in sorted(files):
                    relative = os.path.relpath(os.path.join(directory, name), top)
                    if relative != SELF:
                        yield relative


def all_uses(top):
    texts = {}
    for relative in scanned_files(top):
        try:
            with open(os.path.join(top, relative), encoding="utf-8") as f:
                texts[relative] = f.read()
        except (UnicodeDecodeError, OSError):
            continue
    targets, functions = set(), set()
    for relative, text in texts.items():
        kind = file_kind(relative, text)
        if kind == "cmake":
            targets.update(CMAKE_TARGET.findall(text))
        elif kind == "shell":   # functions of a library such as tools/programs.sh
            functions.update(shell_commands(text)[1])
    uses = []
    for relative, text in texts.items():
        uses += [(relative, line, program) for line, program in uses_in(relative, text, targets, functions)]
    return uses


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------

def part_of(relative):
    for prefixes, lists, what in PARTS:
        if relative.startswith(prefixes):
            return lists, what
    raise AssertionError(relative)


def check(top):
    """The problems, one line each."""
    try:
        entries = programs.registry(top)
    except (ValueError, OSError) as e:
        return [str(e)]
    lists = programs.package_lists(top)
    problems = []
    for name, packages in lists.items():
        for package in packages:
            if not re.match(r"^[a-z0-9][a-z0-9+.-]+$", package):
                problems.append("%s: %r is not a Debian package name" % (name, package))
    for relative, line, program in all_uses(top):
        where = "%s:%d" % (relative, line)
        seen = set()
        while program not in seen:
            seen.add(program)
            if program not in entries:
                problems.append("%s: %s is started but not registered in %s" % (where, program, programs.REGISTRY))
                break
            source = entries[program][0]
            if source.startswith("npm:"):
                program = "npm"   # fetched with npm: npm must get there too
                continue
            allowed, what = part_of(relative)
            holding = [name for name, packages in lists.items() if source in packages]
            if allowed is None and not holding:
                problems.append("%s: %s comes from %s, which is in no package list (%s)" % (
                    where, program, source, " ".join(sorted(lists)) or "none found"))
            elif allowed is not None and not set(holding) & set(allowed):
                problems.append("%s: %s comes from %s, which is not in %s (%s)" % (
                    where, program, source, " or ".join(allowed), what))
    return sorted(set(problems))


def depends_of(package):
    """The packages `package` depends on directly (apt-cache depends)."""
    out = subprocess.run([programs.require("apt-cache"), "depends", package], capture_output=True, text=True,
                         check=False).stdout
    return {m.group(1) for m in re.finditer(r"^\s*\|?(?:Pre)?Depends: <?([\w.+-]+)", out, re.M)}


def apt_problems(top):
    """Packages that apt does not know; warnings for programs from another package."""
    entries = programs.registry(top)
    origin = {}   # package -> the file naming it
    for name, packages in programs.package_lists(top).items():
        for package in packages:
            origin.setdefault(package, name)
    for source, _ in entries.values():
        if not source.startswith("npm:"):
            origin.setdefault(source, programs.REGISTRY)
    out = subprocess.run([programs.require("apt-cache"), "policy"] + sorted(origin),
                         capture_output=True, text=True, check=False).stdout
    candidate, known = None, {}
    for line in out.split("\n"):
        if line and not line.startswith(" ") and line.endswith(":"):
            candidate = line[:-1]
        elif candidate and line.strip().startswith("Candidate:"):
            known[candidate] = line.split(":", 1)[1].strip() != "(none)"
    problems = ["%s: apt knows no package %s (a typo?)" % (origin[p], p) for p in sorted(origin) if not known.get(p)]
    # Which package owns each installed program: every hop of its symlink
    # chain (alternatives), with and without /usr (merged /usr), in one call.
    hops = {}
    for program, (source, fixed) in sorted(entries.items()):
        path = programs.find(program, fixed)
        if source.startswith("npm:") or not path:
            continue
        chain, seen = [], set()
        while path not in seen:
            seen.add(path)
            chain += [path, re.sub(r"^/usr(?=/s?bin/|/lib/)", "", path)]
            if not os.path.islink(path):
                break
            path = os.path.join(os.path.dirname(path), os.readlink(path))
        hops[program] = (source, chain)
    every = sorted({p for _, chain in hops.values() for p in chain})
    out = subprocess.run([programs.require("dpkg-query"), "-S"] + every, capture_output=True, text=True,
                         check=False).stdout
    owners_of = {}
    for line in out.split("\n"):
        if ": " in line and not line.startswith("diversion"):
            packages, path = line.split(": ", 1)
            owners_of.setdefault(path.strip(), set()).update(p.strip().split(":")[0] for p in packages.split(","))
    for program, (source, chain) in sorted(hops.items()):
        owners = set().union(*(owners_of.get(p, set()) for p in chain))
        if owners and source not in owners and not owners & depends_of(source):
            print("warning: %s here comes from %s, the registry says %s" % (chain[0], ", ".join(sorted(owners)), source),
                  file=sys.stderr)
    return problems


# ---------------------------------------------------------------------------
# Self-test: made-up trees that must pass or fail with a given line
# ---------------------------------------------------------------------------

GOOD_TREE = {
    "tools/programs.txt": "ip iproute2\nnft nftables\npython3 python3\nsh dash\ncmake cmake\n"
                          "go golang-go\nnpm npm\nzig npm:@example/zig\nsed sed\nwine wine\ncat coreutils\n",
    "tools/debian-packages.txt": "# quick start\niproute2 nftables python3\ndash\ncmake sed coreutils\n",
    "tools/bench-packages.txt": "golang-go\n",
    ".ci/debian-packages.txt": "npm wine\n",
    "test/net/a_test.cpp": 'void f() {\n  lab.a.run("nft add table ip lab && ip link show");\n'
                           '  auto r = t::run_command({"sh", "-c", "true"});\n'
                           '  // lab.a.run("nmap comment only");\n}\n',
    "test/net/tools/t.py": 'import subprocess\nsubprocess.run(["ip", "-j", "addr"])\n',
    "bench/run.sh": "#!/usr/bin/env bash\nneed go cmake\nf() { sed -n 1p; }\nf\n"
                    "case $1 in\n  --x|-y) cmake --version ;;\nesac\n"
                    "words=(alpha beta)\nx=$(sed -n 1p <<<\"$(go version)\")\n",
    ".ci/run": "#!/usr/bin/env bash\nzig version\ncat <<'EOF'\nnmap inside a here-document\nEOF\n"
               "command -v wine >/dev/null\n",
}

BAD_TREES = [
    ("a C++ test starts an unregistered program through host::run",
     {"test/net/b_test.cpp": 'void g() { lab.b.try_run("tshark -i veth0"); }\n'},
     "test/net/b_test.cpp:1: tshark is started but not registered"),
    ("a C++ test starts an unregistered program as argv[0]",
     {"test/net/b_test.cpp": 'void g() { t::process p({"socat", "-"}); }\n'},
     "test/net/b_test.cpp:1: socat is started but not registered"),
    ("a shell script needs an unregistered program",
     {"test/fuzz/run.sh": "#!/usr/bin/env bash\nset -e\nneed valgrind\n"},
     "test/fuzz/run.sh:3: valgrind is started but not registered"),
    ("a program inside a command substitution",
     {".ci/run": "#!/usr/bin/env bash\nv=\"$(doxygen --version)\"\n"},
     ".ci/run:2: doxygen is started but not registered"),
    ("a Python tool runs an unregistered program",
     {"test/net/tools/t.py": 'import subprocess\nsubprocess.run(["ethtool", "-k", "veth0"])\n'},
     "test/net/tools/t.py:2: ethtool is started but not registered"),
    ("a test needs a package that only the CI list has",
     {"tools/programs.txt": GOOD_TREE["tools/programs.txt"] + "socat socat\n",
      ".ci/debian-packages.txt": "npm wine socat\n",
      "test/net/b_test.cpp": 'void g() { lab.b.run("socat - UDP4:10.0.1.1:5"); }\n'},
     "test/net/b_test.cpp:1: socat comes from socat, which is not in tools/debian-packages.txt"),
    ("the nftables case: registered, but its package is in no list",
     {"tools/debian-packages.txt": "iproute2 python3 dash cmake sed coreutils\n"},
     "test/net/a_test.cpp:2: nft comes from nftables, which is not in tools/debian-packages.txt"),
    ("a CI stage program whose package is in no list",
     {".ci/debian-packages.txt": "npm\n"},
     ".ci/run:6: wine comes from wine, which is in no package list"),
    ("an npm source without npm in a list",
     {".ci/debian-packages.txt": "wine\n"},
     ".ci/run:2: npm comes from npm, which is in no package list"),
    ("a benchmark program from the CI list only",
     {"tools/bench-packages.txt": "\n", ".ci/debian-packages.txt": "npm wine golang-go\n"},
     "bench/run.sh:2: go comes from golang-go, which is not in tools/debian-packages.txt or tools/bench-packages.txt"),
    ("a registry line without a source",
     {"tools/programs.txt": GOOD_TREE["tools/programs.txt"] + "tc\n"},
     "tools/programs.txt:12: expected PROGRAM SOURCE [PATH]"),
    ("a CMake find_program of an unregistered program",
     {"cmake/docs.cmake": "find_program(ASIO_IPV4_DOXYGEN NAMES doxygen REQUIRED)\n"},
     "cmake/docs.cmake:1: doxygen is started but not registered"),
    ("a compiler set on the cmake command line",
     {".ci/run": "#!/usr/bin/env bash\ncmake -S . -B b -DCMAKE_CXX_COMPILER=x86_64-w64-mingw32-g++-posix\n"},
     ".ci/run:2: x86_64-w64-mingw32-g++-posix is started but not registered"),
]


def self_test():
    failures = 0

    def run(tree):
        with tempfile.TemporaryDirectory() as top:
            for relative, text in tree.items():
                os.makedirs(os.path.dirname(os.path.join(top, relative)), exist_ok=True)
                with open(os.path.join(top, relative), "w", encoding="utf-8") as f:
                    f.write(text)
            return check(top)

    good = run(GOOD_TREE)
    if good:
        failures += 1
        print("self-test FAILED: the good tree has problems:\n  " + "\n  ".join(good))
    for what, changes, expected in BAD_TREES:
        problems = run(dict(GOOD_TREE, **changes))
        if not any(p.startswith(expected) for p in problems):
            failures += 1
            print("self-test FAILED: %s: expected a line starting with\n  %s\ngot:\n  %s" % (
                what, expected, "\n  ".join(problems) or "(no problem)"))
    if failures:
        return 1
    print("self-test: the good tree passes, %d bad trees fail as they must" % len(BAD_TREES))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apt", action="store_true", help="also check the packages against apt-cache and dpkg")
    parser.add_argument("--list", action="store_true", help="print every program use found")
    parser.add_argument("--self-test", action="store_true", help="check the check on made-up trees")
    parser.add_argument("--top", default=programs.TOP, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if args.list:
        for relative, line, program in sorted(all_uses(args.top)):
            print("%s:%d: %s" % (relative, line, program))
        return 0
    problems = check(args.top)
    if args.apt:
        problems += apt_problems(args.top)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("check-programs: %d problem(s); the registry is %s" % (len(problems), programs.REGISTRY), file=sys.stderr)
        return 1
    uses = all_uses(args.top)
    print("check-programs: %d uses of %d programs, all registered and listed" % (
        len(uses), len({p for _, _, p in uses})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
