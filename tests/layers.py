#!/usr/bin/env python3
# The layers of src/, checked on what the compiler made of them: which
# object file defines each symbol (nm) and which uses it.  A file may
# call files of its own layer and of the layers below it; no call goes
# up, and no two modules call each other, directly or round a longer
# loop.  A module is one file, or the files of one layer that MODULES
# names together: those may call each other freely.  The includes are
# checked too: a file's first header of ours is its own layer's, and it
# includes no higher layer's (the headers themselves make that an error
# at compile time, given the first).
#
# usage: layers.py SRCDIR BUILDDIR
#        layers.py --self-test [BUILDDIR]
# Prints each fault and exits 1 if there is any.  The self-test plants
# faults the checker must find, in made-up symbol tables and, given
# BUILDDIR, in a copy of the real one; it prints what it missed.

import os
import re
import subprocess
import sys

# Bottom to top, as doc/design.md draws them.
LAYERS = ["base", "codec", "pump", "io", "net", "http", "ws", "side", "modes",
          "front"]

# The modules of more than one file, each a list of the files of one
# layer that were one file split along its seams.  Such files share a
# private header (pump/pump-int.h) and call each other round in circles
# as one file's functions would; outside it, a module counts as one file.
MODULES = [
    ["front/opttab.c", "front/optset.c"],
    ["codec/addr.c", "codec/addr-socat.c", "codec/addr-opt.c"],
    ["pump/pump.c", "pump/session.c", "pump/fastpath.c",
     "pump/datagram.c", "pump/inject.c", "pump/pace.c"],
    ["ws/wsconn.c", "ws/wsread.c", "ws/wszip.c", "ws/wsping.c",
     "ws/wspre.c"],
    ["side/side.c", "side/sidelocal.c", "side/sideurl.c",
     "side/sidepriv.c", "side/sidesock.c"],
    ["io/tls.c", "io/tlssecret.c"],
    ["side/listen.c", "side/netconn.c"],
    ["modes/forward.c", "modes/forward-conn.c"],
    ["modes/proxyd.c", "modes/proxyd-relay.c"],
    ["modes/plain.c", "modes/plain-client.c", "modes/plain-exec.c"],
]


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


def symbols(paths):
    """The global symbols each of paths defines, and those it uses: a
    dict of (defined, used) by path, from one nm for all of them."""
    out = {p: (set(), set()) for p in paths}
    if not paths:
        return out
    nm = subprocess.run(["nm", "-P", "-A"] + paths, capture_output=True,
                        text=True, check=True).stdout
    for line in nm.splitlines():
        path, sep, rest = line.partition(": ")
        f = rest.split()
        if not sep or path not in out or len(f) < 2:
            continue
        defined, used = out[path]
        if f[1] == "U":
            used.add(f[0])
        elif f[1] in "TDBRGSCVW":
            defined.add(f[0])
    return out


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


def module_name(files):
    """How a module is named in a fault: pump/{datagram,pump}.c."""
    if len(files) == 1:
        return files[0]
    layer = files[0].split("/")[0]
    names = sorted(f.split("/", 1)[1][:-2] for f in files)
    return "%s/{%s}.c" % (layer, ",".join(names))


def module_of(files, modules, faults):
    """Each file's module name, given the files there are."""
    mod = {f: f for f in files}
    for m in modules:
        layers = set(f.split("/")[0] for f in m)
        if len(layers) != 1:
            faults.append("module of more than one layer: " + " ".join(m))
            continue
        for f in m:
            if f not in mod:
                faults.append("module file %s was not built" % f)
            else:
                mod[f] = module_name(m)
    return mod


def check_table(table, faults, modules=None):
    """Check table, a list of (layer, file, defined, used) symbol sets."""
    if modules is None:
        modules = MODULES
    owner, uses, layer_of = {}, {}, {}
    for layer, name, defined, used in table:
        layer_of[name] = layer
        uses[name] = used
        for s in defined:
            owner[s] = name
    mod = module_of(layer_of, modules, faults)
    edges = {}
    for name, used in sorted(uses.items()):
        for s in sorted(used):
            to = owner.get(s)
            if to is None or to == name:
                continue
            if LAYERS.index(layer_of[to]) > LAYERS.index(layer_of[name]):
                faults.append("%s calls %s of %s, a higher layer" %
                              (name, s, to))
            if mod[to] != mod[name]:
                edges.setdefault(mod[name], set()).add(mod[to])
    for comp in cycles(edges):
        faults.append("files that call each other: " + " ".join(comp))


def symbol_table(builddir):
    """(layer, file, defined, used) of every object file of builddir."""
    objs = objects(builddir)
    syms = symbols([path for _, _, path in objs])
    return [(layer, name) + syms[path] for layer, name, path in objs]


def check_symbols(builddir, faults, modules=None):
    table = symbol_table(builddir)
    if not table:
        faults.append("no object files under %s/src" % builddir)
        return
    check_table(table, faults, modules)


def self_test(builddir):
    """Plant faults the checker must find.  Returns what it missed."""
    missed = []

    def expect(what, table, modules, want):
        faults = []
        check_table(table, faults, modules)
        if isinstance(want, str):
            want = [want]
        if want is None:
            if faults:
                missed.append("%s: unexpected %s" % (what, faults))
        elif not any(all(w in f for w in want) for f in faults):
            missed.append("%s: no fault saying %r, only %s" %
                          (what, want, faults))

    def row(layer, name, defined, used):
        return (layer, layer + "/" + name, set(defined), set(used))

    mod = [["pump/a.c", "pump/b.c"]]
    base = [row("base", "x.c", ["x"], []),
            row("pump", "a.c", ["a"], ["b", "x"]),
            row("pump", "b.c", ["b"], ["a", "c"]),
            row("pump", "c.c", ["c"], ["x"]),
            row("net", "n.c", ["n"], ["a", "c"])]
    expect("a cycle inside a module", base, mod, None)
    expect("the same cycle without the module", base, [],
           "files that call each other: pump/a.c pump/b.c")
    up = base[:3] + [row("pump", "c.c", ["c"], ["x", "n"])] + base[4:]
    expect("a planted upward call", up, mod,
           "pump/c.c calls n of net/n.c, a higher layer")
    cyc = base[:3] + [row("pump", "c.c", ["c"], ["x", "a"])] + base[4:]
    expect("a planted cycle between modules", cyc, mod,
           "files that call each other: pump/c.c pump/{a,b}.c")
    expect("the planted cycle without the module", cyc, [],
           "files that call each other: pump/a.c pump/b.c pump/c.c")
    expect("a module file not built", base,
           mod + [["pump/gone.c", "pump/c.c"]],
           "module file pump/gone.c was not built")
    expect("a module across layers", base, [["pump/c.c", "net/n.c"]],
           "module of more than one layer")
    if builddir is None:
        return missed

    # The real tree: clean as it is, and faulty with a call planted.
    table = symbol_table(builddir)
    if not table:
        missed.append("no object files under %s/src" % builddir)
        return missed
    expect("the tree as built", table, MODULES, None)
    owner = {}
    for layer, name, defined, used in table:
        for s in defined:
            owner[s] = (layer, name)
    # An upward call: the lowest layer's first file calls the top's.
    low, top = table[0], [t for t in table if t[2]][-1]
    sym = sorted(top[2])[0]
    planted = [(low[0], low[1], low[2], low[3] | {sym})] + table[1:]
    expect("an upward call planted in the tree", planted, MODULES,
           "%s calls %s of %s, a higher layer" % (low[1], sym, top[1]))
    # A cycle: a module (a declared one if there is any) that calls
    # another is called back by it.
    mod = module_of([name for l, name, d, u in table], MODULES, [])
    defs = dict((name, d) for l, name, d, u in table)
    edges = sorted((name, owner[s][1]) for l, name, d, used in table
                   for s in used
                   if s in owner and mod[owner[s][1]] != mod[name])
    edges = [e for e in edges if defs[e[0]]]
    declared = [e for e in edges if mod[e[0]] != e[0]]
    if not edges:
        missed.append("no module of the tree calls another")
        return missed
    caller, callee = (declared or edges)[0]
    back = sorted(defs[caller])[0]
    planted = [(l, n, d, u | {back} if n == callee else u)
               for l, n, d, u in table]
    expect("a cycle planted between %s and %s" % (mod[caller], mod[callee]),
           planted, MODULES, [mod[caller], mod[callee]])
    return missed


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
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        missed = self_test(sys.argv[2] if len(sys.argv) > 2 else None)
        for m in missed:
            print("self-test: " + m)
        return 1 if missed else 0
    srcdir, builddir = sys.argv[1], sys.argv[2]
    faults = []
    check_includes(srcdir, faults)
    check_symbols(builddir, faults)
    for f in faults:
        print(f)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
