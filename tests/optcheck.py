#!/usr/bin/env python3
# The manual against the option table: every option of
# "sockcat --dump-options" has exactly one .It entry in the manual's
# option lists, under its short and its long name, with the table's
# argument name (the first word of it, in lower case, as netcat's manual
# writes it; a word of the table in lower case is a keyword, Cm), in the
# page of its topic (TOPICS, "sockcat --dump-topics":
# sockcat.1 or sockcat-TOPIC.7); and the lists have no entry the table
# lacks.  Prints one line per problem.
#
#	sockcat --dump-options | optcheck.py TOPICS doc/sockcat.1 doc/*.7

import os
import re
import sys


def option_items(path):
    """The .It lines of the page's option list, without nested lists."""
    items, on, depth = [], False, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("The options are as follows:"):
                on = True
                continue
            if not on:
                continue
            if line.startswith(".Bl"):
                depth += 1
            elif line.startswith(".El"):
                depth -= 1
                if depth == 0:
                    break
            elif depth == 1 and line.startswith(".It "):
                items.append(line[4:])
    return items


def entries(item):
    """Each "Fl name ..." of an .It line: (option, what follows it)."""
    out = []
    for part in re.split(r" , (?=Fl )", item):
        m = re.match(r"Fl (\S+)(.*)", part)
        if m:
            out.append(("-" + m.group(1), m.group(2).strip()))
    return out


def expected_arg(has_arg, arg):
    if has_arg == "none":
        return None
    m = re.match(r"[A-Za-z0-9_@]+", arg)
    word = m.group(0) if m else "?"
    # A word in capitals is the argument's name; any other is itself.
    word = "Cm " + word if re.search("[a-z]", word) else "Ar " + word.lower()
    if has_arg == "optional":
        return "Ns Op = Ns " + word
    return word


def main():
    pages = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            name, page, section, _ = line.rstrip("\n").split("\t")
            pages[name] = "%s.%s" % (page, section)
    documented = {}
    for path in sys.argv[2:]:
        for item in option_items(path):
            for opt, rest in entries(item):
                documented.setdefault(opt, []).append(
                    (os.path.basename(path), rest))
    problems, known = [], set()
    for line in sys.stdin:
        f = line.rstrip("\n").split("\t")
        letter, name, has_arg, arg, topic = f[0], f[1], f[2], f[3], f[11]
        for opt in (["-" + letter] if letter != "-" else []) + \
                (["--" + name] if name != "-" else []):
            known.add(opt)
            if opt not in documented:
                problems.append("%s: no .It entry" % opt)
                continue
            if len(documented[opt]) > 1:
                problems.append("%s: %d entries: %s" % (
                    opt, len(documented[opt]),
                    ", ".join(p for p, _ in documented[opt])))
            page, rest = documented[opt][0]
            if page != pages.get(topic):
                problems.append("%s: in %s, not in %s, its topic's (%s)"
                                % (opt, page, pages.get(topic), topic))
            want = expected_arg(has_arg, arg)
            if want is None and rest.startswith(("Ar ", "Ns ")):
                problems.append("%s: takes no argument, the manual "
                                "gives it \"%s\"" % (opt, rest))
            elif want is not None and not rest.startswith(want):
                problems.append("%s: the manual has \"%s\", not \"%s\""
                                % (opt, rest, want))
    for opt in documented:
        if opt not in known:
            problems.append("%s: in the manual, not in the table" % opt)
    for p in problems:
        print(p)


main()
