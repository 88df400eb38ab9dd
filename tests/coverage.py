#!/usr/bin/env python3
"""Line and branch coverage of src/, per file and in total.

    coverage.py [--gcov GCOV] [--gcov-tool GCOV_TOOL] [--profiles DIR]
                [--min-lines PERCENT] [--min-branches PERCENT]
                BUILDDIR SRCDIR

reads the counts that a build configured with --enable-coverage left in
BUILDDIR (the .gcno files the compiler wrote, the .gcda files the runs
wrote; a source file never run counts as not covered at all) through
gcov's JSON output, which comes with gcc: nothing else is needed.  With
--profiles, each directory in DIR holds more counts, written elsewhere
through GCOV_PREFIX (tests/lib.sh: one per suite), and gcov-tool adds
them all to BUILDDIR's before gcov reads them; BUILDDIR's own files are
left as they are, so the report can be made again.  A line
is covered when it ran; a branch when it was taken.  A header's lines
count once, however many files include it.  The last line is
"coverage: lines L% (a/b), branches B% (c/d)"; with --min-lines or
--min-branches, the status is 1 when lines or branches are below their
PERCENT.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def gcov_json(gcov, builddir, gcnos):
    """The JSON documents gcov gives for gcnos, one per line."""
    docs = []
    for i in range(0, len(gcnos), 64):
        out = subprocess.run(
            [gcov, '--json-format', '--stdout', '--branch-probabilities']
            + gcnos[i:i + 64], cwd=builddir, capture_output=True,
            check=True).stdout
        for line in out.splitlines():
            line = line.strip()
            if line.startswith(b'{'):
                docs.append(json.loads(line))
    return docs


def profile_files(top, stems):
    """{stem: path} of the .gcda files under top, named after the stems
    (src/io/pty for src/io/pty.gcno) they belong to: a file's name is the
    longest tail of its path under top that is a stem, whatever number of
    the build directory's components GCOV_PREFIX_STRIP took off."""
    found = {}
    for root, _, files in os.walk(top):
        for f in files:
            if not f.endswith('.gcda'):
                continue
            parts = os.path.relpath(os.path.join(root, f[:-5]),
                                    top).split(os.sep)
            for i in range(len(parts)):
                stem = '/'.join(parts[i:])
                if stem in stems:
                    found[stem] = os.path.join(root, f)
                    break
    return found


# The count files left unreadable (by a process killed while it wrote
# them), skipped by merge_profiles().
SKIPPED = []


def gcov_merge(tool, out, a, b):
    """gcov-tool merge of directories a and b into out: did it work?"""
    return subprocess.run([tool, 'merge', '-o', out, a, b],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def merge_profiles(tool, builddir, stems, profiles, tmp):
    """A directory in tmp laid out as builddir's .gcno files (linked
    there), with the .gcda files of builddir and of every directory in
    profiles added up, one gcov-tool merge per directory."""
    dirs = [builddir] + [os.path.join(profiles, d)
                         for d in sorted(os.listdir(profiles))
                         if os.path.isdir(os.path.join(profiles, d))]
    acc = None
    for n, d in enumerate(dirs):
        if d == builddir:
            found = {s: os.path.join(d, s + '.gcda') for s in stems
                     if os.path.exists(os.path.join(d, s + '.gcda'))}
        else:
            found = profile_files(d, stems)
        if not found:
            continue
        src = os.path.join(tmp, 'in%d' % n)
        for stem, path in found.items():
            os.makedirs(os.path.dirname(os.path.join(src, stem)),
                        exist_ok=True)
            shutil.copyfile(path, os.path.join(src, stem + '.gcda'))
        if acc is None:
            acc = src
            continue
        out = os.path.join(tmp, 'sum%d' % n)
        if not gcov_merge(tool, out, acc, src):
            # A process killed while writing its counts leaves a file
            # no one can add to: drop each file that does not merge
            # with the sum so far, and say which.
            for stem in list(found):
                mine = os.path.join(acc, stem + '.gcda')
                if not os.path.exists(mine):
                    continue
                pair = []
                for side, path in (('a', mine),
                                   ('b', os.path.join(src, stem + '.gcda'))):
                    one = os.path.join(tmp, 'one' + side)
                    shutil.rmtree(one, ignore_errors=True)
                    os.makedirs(os.path.dirname(os.path.join(one, stem)))
                    shutil.copyfile(path, os.path.join(one, stem + '.gcda'))
                    pair.append(one)
                shutil.rmtree(os.path.join(tmp, 'oneout'), ignore_errors=True)
                if not gcov_merge(tool, os.path.join(tmp, 'oneout'), *pair):
                    os.unlink(os.path.join(src, stem + '.gcda'))
                    SKIPPED.append(os.path.relpath(found[stem], profiles))
            shutil.rmtree(out, ignore_errors=True)
            if not gcov_merge(tool, out, acc, src):
                raise RuntimeError('gcov-tool merge %s failed' % d)
        acc = out
    top = os.path.join(tmp, 'build')
    for stem in stems:
        os.makedirs(os.path.dirname(os.path.join(top, stem)), exist_ok=True)
        os.symlink(os.path.join(builddir, stem + '.gcno'),
                   os.path.join(top, stem + '.gcno'))
        if acc is not None and os.path.exists(
                os.path.join(acc, stem + '.gcda')):
            shutil.copyfile(os.path.join(acc, stem + '.gcda'),
                            os.path.join(top, stem + '.gcda'))
    return top


def main():
    ap = argparse.ArgumentParser(prog='coverage.py')
    ap.add_argument('--gcov', default=os.environ.get('GCOV', 'gcov'))
    ap.add_argument('--gcov-tool',
                    default=os.environ.get('GCOV_TOOL', 'gcov-tool'))
    ap.add_argument('--profiles')
    ap.add_argument('--min-lines', type=float)
    ap.add_argument('--min-branches', type=float)
    ap.add_argument('builddir')
    ap.add_argument('srcdir')
    opts = ap.parse_args()
    builddir = os.path.abspath(opts.builddir)
    srcdir = os.path.realpath(opts.srcdir)
    gcnos = []
    for root, _, files in os.walk(os.path.join(builddir, 'src')):
        gcnos += [os.path.relpath(os.path.join(root, f), builddir)
                  for f in files if f.endswith('.gcno')]
    if not gcnos:
        print('coverage.py: no .gcno files under %s/src: configure with '
              '--enable-coverage and build first' % builddir,
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix='coverage.') as tmp:
        readdir = builddir
        if opts.profiles and os.path.isdir(opts.profiles):
            stems = set(g[:-5].replace(os.sep, '/') for g in gcnos)
            readdir = merge_profiles(opts.gcov_tool, builddir, stems,
                                     opts.profiles, tmp)
        docs = gcov_json(opts.gcov, readdir, sorted(gcnos))
    return report(docs, builddir, srcdir, opts.min_lines, opts.min_branches)


def report(docs, builddir, srcdir, min_lines, min_branches):
    """Print the table and the totals of docs; 1 below min_lines or
    min_branches."""
    # lines[file][line] = count; branches[file][line] = [count, ...]
    lines, branches = {}, {}
    for doc in docs:
        cwd = doc.get('current_working_directory', builddir)
        for f in doc['files']:
            path = os.path.realpath(os.path.join(cwd, f['file']))
            rel = os.path.relpath(path, srcdir)
            if not rel.startswith('src' + os.sep):
                continue
            fl = lines.setdefault(rel, {})
            fb = branches.setdefault(rel, {})
            seen = {}
            for ln in f['lines']:
                n = ln['line_number']
                fl[n] = max(fl.get(n, 0), ln['count'])
                counts = [b['count'] for b in ln['branches']
                          if not b.get('throw')]
                # A line in several functions of one file (a macro's
                # expansion) has each one's branches; the same line in
                # another file's copy of a header has the same branches.
                seen.setdefault(n, []).extend(counts)
            for n, counts in seen.items():
                old = fb.get(n)
                if old is None or len(old) != len(counts):
                    if old is None or len(counts) > len(old):
                        fb[n] = counts
                else:
                    fb[n] = [max(a, b) for a, b in zip(old, counts)]
    rows = []
    tl = th = tb = tt = 0
    for rel in sorted(lines):
        nl = len(lines[rel])
        hl = sum(1 for c in lines[rel].values() if c > 0)
        bl = [c for v in branches[rel].values() for c in v]
        nb = len(bl)
        hb = sum(1 for c in bl if c > 0)
        if nl == 0:
            continue
        rows.append((rel, hl, nl, hb, nb))
        tl += nl
        th += hl
        tb += nb
        tt += hb

    def pct(a, b):
        return 100.0 * a / b if b else 100.0
    width = max(len(r[0]) for r in rows)
    print('%-*s %16s %16s' % (width, 'file', 'lines', 'branches'))
    for rel, hl, nl, hb, nb in rows:
        print('%-*s %6.1f%% %4d/%-4d %6.1f%% %4d/%-4d'
              % (width, rel, pct(hl, nl), hl, nl, pct(hb, nb), hb, nb))
    print('least covered (lines not run): %s' % ', '.join(
        '%s %d' % (r[0], r[2] - r[1])
        for r in sorted(rows, key=lambda r: r[1] - r[2])[:8]))
    if SKIPPED:
        print('count files skipped, left unreadable by a process ended '
              'while writing them: %s' % ', '.join(SKIPPED))
    print('coverage: lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)'
          % (pct(th, tl), th, tl, pct(tt, tb), tt, tb))
    status = 0
    for what, got, least in (('lines', pct(th, tl), min_lines),
                             ('branches', pct(tt, tb), min_branches)):
        if least is not None and got < least:
            print('coverage.py: %s %.1f%% is below %g%%'
                  % (what, got, least), file=sys.stderr)
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
