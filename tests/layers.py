#!/usr/bin/env python3
# The layers of src/, checked on what the compiler made of them: which
# object file defines each symbol (nm) and which uses it.  A file may
# call files of its own layer and of the layers below it; no call goes
# up, and no two files call each other, directly or round a longer loop.
# The includes are checked too: a file's first header of ours is its own
# layer's, and it includes no higher layer's (the headers themselves make
# that an error at compile time, given the first).
#
# usage: layers.py SRCDIR BUILDDIR
# Prints each fault and exits 1 if there is any.

import os
import re
import subprocess
import sys

# Bottom to top, as doc/design.md draws them.
LAYERS = ["base", "codec", "pump", "io", "net", "modes", "front"]


def objects(builddir):
    """(layer, name, path) of every object file of the program."""
    out = []
    for layer in LAYERS:
        d = os.path.join(builddir, "src", layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".o"):
                out.append((layer, layer + "/" + f[:-2] + ".c",
                            os.path.join(d, f)))
    return out


def symbols(path):
    """The global symbols path defines, and those it uses."""
    nm = subprocess.run(["nm", "-P", path], capture_output=True,
                        text=True, check=True).stdout
    defined, used = set(), set()
    for line in nm.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        if f[1] == "U":
            used.add(f[0])
        elif f[1] in "TDBRGSCVW":
            defined.add(f[0])
    return defined, used


def cycles(edges):
    """The strongly connected components of more than one file."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def check_symbols(builddir, faults):
    objs = objects(builddir)
    if not objs:
        faults.append("no object files under %s/src" % builddir)
        return
    owner, uses, layer_of = {}, {}, {}
    for layer, name, path in objs:
        defined, used = symbols(path)
        layer_of[name] = layer
        uses[name] = used
        for s in defined:
            owner[s] = name
    edges = {}
    for name, used in uses.items():
        for s in sorted(used):
            to = owner.get(s)
            if to is None or to == name:
                continue
            edges.setdefault(name, set()).add(to)
            if LAYERS.index(layer_of[to]) > LAYERS.index(layer_of[name]):
                faults.append("%s calls %s of %s, a higher layer" %
                              (name, s, to))
    for comp in cycles(edges):
        faults.append("files that call each other: " + " ".join(comp))


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_includes(srcdir, faults):
    for layer in LAYERS:
        d = os.path.join(srcdir, "src", layer)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".c"):
                continue
            with open(os.path.join(d, f)) as fp:
                incs = INCLUDE.findall(fp.read())
            name = layer + "/" + f
            if not incs or incs[0] != layer + ".h":
                faults.append('%s: its first header must be "%s.h"' %
                              (name, layer))
            for inc in incs:
                top = inc.split("/")[0] if "/" in inc else layer
                base = os.path.basename(inc)[:-2]
                if top in LAYERS and base in LAYERS and \
                        LAYERS.index(base) > LAYERS.index(layer):
                    faults.append("%s includes %s, a higher layer" %
                                  (name, inc))


def main():
    srcdir, builddir = sys.argv[1], sys.argv[2]
    faults = []
    check_includes(srcdir, faults)
    check_symbols(builddir, faults)
    for f in faults:
        print(f)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
