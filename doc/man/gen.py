#!/usr/bin/env python3
# Make the manual's pages from their sources and the option table:
#
#	python3 doc/man/gen.py [--check] SOCKCAT
#
# SOCKCAT is a built sockcat: its --dump-options gives each option's
# spelling, argument and topic, its --dump-topics the topics (their page
# and NAME line).  doc/man/TOPIC.mdoc is the text of a topic's page and
# doc/man/opt/NAME.mdoc the entry of one option (NAME its long name, or
# its letter), which goes into its topic's page under the .It line made
# from the table.  The pages are written beside doc/man (doc/sockcat.1,
# doc/sockcat-TOPIC.7); "make man" runs this, and tests/t-docs.sh fails
# when a page differs from what this makes (--check says how, status 1).
#
# In a topic's text, these comment lines stand for what is made:
#	.\" @SYNOPSIS	the topic's options as the SYNOPSIS's .Op lines
#	.\" @OPTIONS	its options' list, .Bl to .El
#	.\" @TOPICLIST	the topics in short, a line each (sockcat(1))
#	.\" @TOPICS	the index of the topics: sections, options
# and its SEE ALSO, if it has one, names the pages of other projects; the
# made SEE ALSO adds the pages of sockcat's own.  A source that lacks
# what it should, or has what it should not, stops this with one line.

import argparse
import difflib
import email.utils
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

COPYRIGHT = """\
.\\" Copyright (c) 2026 The sockcat developers
.\\"
.\\" Permission to use, copy, modify, and distribute this software for any
.\\" purpose with or without fee is hereby granted, provided that the above
.\\" copyright notice and this permission notice appear in all copies.
.\\"
.\\" Made by doc/man/gen.py from doc/man/: do not edit; see doc/design.md.
"""


class Error(Exception):
    pass


def run(sockcat, what):
    try:
        out = subprocess.run([sockcat, what], check=True,
                             stdout=subprocess.PIPE, universal_newlines=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise Error("%s %s: %s" % (sockcat, what, e))
    return out.stdout


def read_table(text):
    rows = []
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) != 12:
            raise Error("--dump-options: a row of %d fields: %s"
                        % (len(f), line))
        rows.append({"letter": None if f[0] == "-" else f[0],
                     "long": None if f[1] == "-" else f[1],
                     "has_arg": f[2], "arg": f[3], "topic": f[11]})
    return rows


def read_topics(text):
    topics = []
    for line in text.splitlines():
        name, page, section, summary = line.split("\t")
        topics.append({"name": name, "page": page, "section": section,
                       "summary": summary})
    return topics


def key(r):
    """The name of an option's entry file: its long name, or letter."""
    return r["long"] or r["letter"]


def sort_key(r):
    """The order of a page's list: by letter or long name, as in nc(1)
    and curl(1), a capital letter before its small one."""
    k = r["letter"] or r["long"]
    return (k.lower(), not k[0].isupper(), k)


def mdoc_arg(spec):
    """An argument as --help writes it, PROXY_ADDRESS[:PORT] or N|forever,
    in mdoc: a capitalised word is an Ar, any other a Cm; ':' and ','
    join what follows to them, '[' and ']' are Oo and Oc."""
    out, glue = [], False
    for tok in re.findall(r"[A-Za-z0-9_@]+|[][|:,=]", spec):
        if tok == "[":
            out += ["Ns", "Oo"]
            glue = False
        elif tok == "]":
            out.append("Oc")
        elif tok in (":", ","):
            out.append(tok)
            glue = True
        elif tok == "|":
            out.append("|")
            glue = False
        else:
            if glue:
                out.append("Ns")
            glue = False
            if re.search("[a-z]", tok):
                out += ["Cm", tok]
            else:
                out += ["Ar", tok.lower()]
    return " ".join(out)


def spelled(r, name):
    """One name of an option and its argument, as mdoc: Fl -x Ar file."""
    s = "Fl " + name
    if r["has_arg"] == "required":
        s += " " + mdoc_arg(r["arg"])
    elif r["has_arg"] == "optional":
        s += " Ns Op = Ns " + mdoc_arg(r["arg"])
    return s


def names(r):
    return ([r["letter"]] if r["letter"] else []) + \
        (["-" + r["long"]] if r["long"] else [])


def it_line(r):
    return ".It " + " , ".join(spelled(r, n) for n in names(r))


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise Error("%s: %s" % (path, e.strerror))


def bare_nm(text):
    """The lines that use Nm without a name: in a page of section 7 it
    would print the page's name, not sockcat's."""
    bad = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith("."):
            continue
        words = line[1:].split()
        for i, w in enumerate(words):
            if w == "Nm" and (i + 1 == len(words) or
                              not re.match(r"[a-z]", words[i + 1])):
                bad.append(n)
                break
    return bad


def entry(src, r, section, heads, pages):
    """The list entry of option r: its .It line and its text, whose
    references are to heads, the sections of its page, and pages."""
    path = os.path.join(src, "opt", key(r) + ".mdoc")
    if not os.path.exists(path):
        raise Error("%s: missing: %s has no entry" % (
            path, "--" + r["long"] if r["long"] else "-" + r["letter"]))
    text = read(path)
    if not text.endswith("\n") or not text.strip():
        raise Error("%s: empty, or no newline at its end" % path)
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"\.(It|Sh|Ss)\b", line):
            raise Error("%s:%d: %s: an entry is its text only (gen.py "
                        "writes its .It line)" % (path, n, line.split()[0]))
    depth = 0
    for line in text.splitlines():
        depth += line.startswith(".Bl") - line.startswith(".El")
    if depth != 0:
        raise Error("%s: .Bl and .El do not pair" % path)
    if section != "1" and bare_nm(text):
        raise Error("%s:%d: Nm without a name in a page of section %s: "
                    "write .Nm sockcat" % (path, bare_nm(text)[0], section))
    check_refs(path, text, heads, pages)
    return it_line(r) + "\n" + text


def synopsis(rs):
    """The .Op lines of a SYNOPSIS for options rs: the letters that take
    no argument in one, then each other option."""
    rs = sorted(rs, key=sort_key)
    flags = "".join(r["letter"] for r in rs
                    if r["letter"] and r["has_arg"] == "none")
    out = [".Op Fl " + flags] if flags else []
    for r in rs:
        if r["letter"] and r["has_arg"] != "none":
            out.append(".Op " + spelled(r, r["letter"]))
    for r in rs:
        if not r["letter"]:
            out.append(".Op " + spelled(r, "-" + r["long"]))
    return "\n".join(out) + "\n"


def headings(text):
    """The section and subsection names of a page's text, but those
    every page has."""
    return [m.group(2) for m in
            re.finditer(r"^\.(Sh|Ss) (.*)$", text, re.M)
            if m.group(2) not in ("NAME", "SYNOPSIS", "DESCRIPTION",
                                  "OPTIONS", "SEE ALSO")]


def index(topics, texts, rows):
    """The index of sockcat(1): for each other topic, its page, its
    sections and its options."""
    out = [".Bl -tag -width Ds"]
    for t in topics:
        if t["section"] == "1":
            continue
        out.append(".It Cm %s" % t["name"])
        out.append(".Xr %s %s ." % (t["page"], t["section"]))
        hs = headings(texts[t["name"]])
        if hs:
            out.append("Sections:")
            for i, h in enumerate(hs):
                out.append(".Dq %s%s" % (h, " ," if i + 1 < len(hs)
                                         else " ."))
        opts = sorted((r for r in rows if r["topic"] == t["name"]),
                      key=sort_key)
        if opts:
            out.append("Options:")
            for i, r in enumerate(opts):
                out.append(".Fl %s%s" % (names(r)[-1], " ," if i + 1 <
                                         len(opts) else " ."))
    out.append(".El")
    return "\n".join(out) + "\n"


def topic_list(topics):
    """The topics in short, a line each: the word, the page, what it
    holds."""
    out = [".Bl -tag -width websocket -offset indent -compact"]
    for t in topics:
        out.append(".It Cm %s" % t["name"])
        if t["section"] == "1":
            out.append("this page:")
        else:
            out.append(".Xr %s %s :" % (t["page"], t["section"]))
        out.append(t["summary"])
    out.append(".El")
    return "\n".join(out) + "\n"


def see_also(page, text, topics):
    """The page's SEE ALSO: the pages its source names, and every other
    page of sockcat's, by section and then by name."""
    m = re.search(r"^\.Sh SEE ALSO\n(.*)", text, re.M | re.S)
    refs = set()
    if m:
        for line in m.group(1).splitlines():
            x = re.match(r"\.Xr (\S+) (\S+)( ,)?$", line)
            if not x:
                raise Error("%s: SEE ALSO: not an .Xr line: %s"
                            % (page, line))
            refs.add((x.group(2), x.group(1)))
        text = text[:m.start()]
    for t in topics:
        if t["page"] != page:
            refs.add((t["section"], t["page"]))
    refs = sorted(refs)
    lines = [".Sh SEE ALSO"]
    for i, (sec, name) in enumerate(refs):
        lines.append(".Xr %s %s%s" % (name, sec, " ," if i + 1 < len(refs)
                                      else ""))
    return text + "\n".join(lines) + "\n"


# The mdoc macros that may follow another on its line: where the words
# of an Sx end.
CALLABLE = set("""Ac Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cm Dc Do Dq
Dv Dx Ec Em En Eo Er Es Ev Fa Fc Fl Fn Fo Fr Ft Fx Ic Li Lk Ms Mt Nm No Ns
Nx Oc Oo Op Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc So Sq Sx Sy Ta Tn Ux Va Vt Xc
Xo Xr""".split())


def check_refs(path, text, heads, pages):
    """In the source path, every Sx names a section of its page (heads),
    every Xr of sockcat's a page that is made."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith(".") or line.startswith('.\\"'):
            continue
        words = line[1:].split()
        for i, w in enumerate(words):
            if w == "Sx":
                name = []
                for v in words[i + 1:]:
                    if v in CALLABLE or re.fullmatch(r"[][.,:;()|!?]+", v):
                        break
                    name.append(v)
                if " ".join(name) not in heads:
                    raise Error("%s:%d: Sx %s: no such section in its "
                                "page" % (path, n, " ".join(name)))
            elif w == "Xr" and i + 2 < len(words) and \
                    words[i + 1].startswith("sockcat") and \
                    (words[i + 1], words[i + 2]) not in pages:
                raise Error("%s:%d: Xr %s %s: no such page"
                            % (path, n, words[i + 1], words[i + 2]))


def changelog_date(path):
    """debian/changelog's latest date, as .Dd writes it."""
    for line in read(path).splitlines():
        m = re.match(r" -- .*>  (.*)$", line)
        if m:
            d = email.utils.parsedate_to_datetime(m.group(1))
            return "%s %d, %d" % (d.strftime("%B"), d.day, d.year)
    raise Error("%s: no date" % path)


def make(src, rows, topics, date):
    """The pages: {file name: text}."""
    by_name = {t["name"]: t for t in topics}
    for r in rows:
        if r["topic"] not in by_name:
            raise Error("option -%s: no topic %s" % (names(r)[-1],
                                                     r["topic"]))
    stray = sorted(set(os.listdir(os.path.join(src, "opt"))) -
                   set(key(r) + ".mdoc" for r in rows))
    if stray:
        raise Error("%s: no such option in the table" %
                    os.path.join(src, "opt", stray[0]))
    stray = sorted(set(f for f in os.listdir(src) if f.endswith(".mdoc")) -
                   set(t["name"] + ".mdoc" for t in topics))
    if stray:
        raise Error("%s: no such topic" % os.path.join(src, stray[0]))
    texts = {t["name"]: read(os.path.join(src, t["name"] + ".mdoc"))
             for t in topics}
    pages = set((t["page"], t["section"]) for t in topics)
    out = {}
    for t in topics:
        path = os.path.join(src, t["name"] + ".mdoc")
        text = texts[t["name"]]
        if t["section"] != "1" and bare_nm(text):
            raise Error("%s:%d: Nm without a name in a page of section %s: "
                        "write .Nm sockcat" % (path, bare_nm(text)[0],
                                               t["section"]))
        heads = set(re.findall(r"^\.S[hs] (.*)$", text, re.M)) | \
            {"NAME", "SEE ALSO"}
        check_refs(path, text, heads, pages)
        rs = [r for r in rows if r["topic"] == t["name"]]
        made = {
            "SYNOPSIS": lambda: synopsis(rs),
            "OPTIONS": lambda: ".Bl -tag -width Ds\n" + "".join(
                entry(src, r, t["section"], heads, pages) for r in
                sorted(rs, key=sort_key)) + ".El\n",
            "TOPICS": lambda: index(topics, texts, rows),
            "TOPICLIST": lambda: topic_list(topics),
        }
        body, used = [], set()
        for line in text.splitlines(keepends=True):
            m = re.match(r'\.\\" @([A-Z]+)$', line.rstrip("\n"))
            if m:
                if m.group(1) not in made:
                    raise Error("%s: no such mark: @%s" % (path,
                                                           m.group(1)))
                body.append(made[m.group(1)]())
                used.add(m.group(1))
            else:
                body.append(line)
        if rs and "OPTIONS" not in used:
            raise Error("%s: it has options but no @OPTIONS" % path)
        names_ = [t["page"]] + (["sockchat"] if t["section"] == "1" else [])
        head = (COPYRIGHT + ".Dd %s\n.Dt %s %s\n.Os\n.Sh NAME\n" %
                (date, t["page"].upper(), t["section"]) +
                "".join(".Nm %s%s\n" % (n, " ," if i + 1 < len(names_)
                                         else "")
                        for i, n in enumerate(names_)) +
                ".Nd %s\n" % t["summary"])
        out["%s.%s" % (t["page"], t["section"])] = see_also(
            t["page"], head + "".join(body), topics)
    return out


def main():
    ap = argparse.ArgumentParser(description="Make the manual's pages.")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; say which pages differ")
    ap.add_argument("--src", default=HERE, help="the sources (doc/man)")
    ap.add_argument("--out", default=os.path.dirname(HERE),
                    help="where the pages go (doc)")
    ap.add_argument("--changelog", default=os.path.join(
        os.path.dirname(os.path.dirname(HERE)), "debian", "changelog"))
    ap.add_argument("--table", help="--dump-options, read from a file")
    ap.add_argument("--topics", help="--dump-topics, read from a file")
    ap.add_argument("sockcat", nargs="?")
    a = ap.parse_args()
    try:
        if a.sockcat is None and (a.table is None or a.topics is None):
            raise Error("usage: gen.py [--check] SOCKCAT")
        rows = read_table(read(a.table) if a.table else
                          run(a.sockcat, "--dump-options"))
        topics = read_topics(read(a.topics) if a.topics else
                             run(a.sockcat, "--dump-topics"))
        pages = make(a.src, rows, topics, changelog_date(a.changelog))
    except Error as e:
        sys.exit("gen.py: %s" % e)
    differ = stray = 0
    old = set(f for f in os.listdir(a.out)
              if re.match(r"sockcat.*\.[17]$", f))
    for f in sorted(old - set(pages)):
        print("%s: no topic makes it" % os.path.join(a.out, f))
        stray = 1
    for f, text in sorted(pages.items()):
        path = os.path.join(a.out, f)
        try:
            with open(path, encoding="utf-8") as fp:
                have = fp.read()
        except OSError:
            have = ""
        if have == text:
            continue
        differ = 1
        if a.check:
            sys.stdout.writelines(list(difflib.unified_diff(
                have.splitlines(True), text.splitlines(True), path,
                path + " (made)"))[:40])
        else:
            with open(path + ".tmp", "w", encoding="utf-8") as fp:
                fp.write(text)
            os.replace(path + ".tmp", path)
    sys.exit(1 if stray or (differ and a.check) else 0)


main()
