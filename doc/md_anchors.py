#!/usr/bin/env python3
"""Doxygen input filter for the Markdown pages (FILTER_PATTERNS in doc/Doxyfile.in).

GitHub gives every heading an anchor made from its text (`#join_group--leave_group`);
Doxygen 1.9 knows only explicit labels, and they are global to the whole site. This
filter gives each heading below a page's title the label `<page>-<GitHub anchor>` and
rewrites the links that point at headings (`#anchor` in the same page, `other.md#anchor`
in another) to match, so that the pages link the same way on GitHub and in the reference.
A link to a page that does not exist (yet: doc/cli.md comes with the command-line tool)
keeps its text only, with a note on stderr, where Doxygen would fail on it.
Headings lose their backticks: Doxygen 1.9 shows a code span in a title as a raw
`<tt>` tag in the navigation tree and the page index. The top-level README.md, whose
title is the project's name like the main page's, is titled "asio_ipv4 README" so that
the index does not list two pages named asio_ipv4.
No line is added or removed: Doxygen's warnings keep their line numbers.

Usage (as Doxygen runs it): md_anchors.py FILE > filtered
"""

import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*#*\s*$")
TITLE = re.compile(r"^#\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"\]\(([^)\s#]*\.md)?#([^)\s]+)\)")
PAGE_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s#:]+\.md)(#[^)\s]*)?\)")


def page_label(path):
    """A label prefix unique to the page: its path from the top, as an identifier."""
    rel = os.path.relpath(os.path.abspath(path), TOP)
    return "md-" + re.sub(r"[^A-Za-z0-9]+", "-", os.path.splitext(rel)[0]).strip("-")


def github_anchor(text):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)   # a link keeps its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def main(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    label = page_label(path)
    here = os.path.dirname(os.path.abspath(path))

    def link(match):
        target, anchor = match.group(1), match.group(2)
        page = label if not target else page_label(os.path.join(here, target))
        return "](#%s-%s)" % (page, anchor)

    def page_link(match):
        if os.path.exists(os.path.join(here, match.group(2))):
            return match.group(0)
        sys.stderr.write("%s:%d: note: %s does not exist, link left out\n"
                         % (path, number, match.group(2)))
        return match.group(1)

    seen = {}
    fenced = False
    titled = False
    out = []
    for number, line in enumerate(lines, 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            title = None if titled else TITLE.match(line)
            heading = HEADING.match(line)
            if title:
                titled = True
                text = title.group(1).replace("`", "")
                if label == "md-README":
                    text = "asio_ipv4 README"
                line = "# " + text
            elif heading and "{#" not in line:
                anchor = github_anchor(heading.group(2))
                count = seen.get(anchor, 0)
                seen[anchor] = count + 1
                if count:
                    anchor = "%s-%d" % (anchor, count)
                text = heading.group(2).replace("`", "")
                line = "%s %s {#%s-%s}" % (heading.group(1), text, label, anchor)
            elif heading:
                line = line.replace("`", "")
            line = LINK.sub(link, PAGE_LINK.sub(page_link, line))
        out.append(line)
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
