#!/usr/bin/env python3
"""No message prints a peer's text unescaped: a static check.

Every string a peer chose (a name it sent or one looked up for it, a
path, a header, a reason, a status line) reaches the operator's terminal
only through log_escape() (src/base/log.c), which writes every byte but
printable ASCII as \\xNN.  This finds every call of a function that
formats a message (those declared with format(printf, ...), and those
defined with "const char *fmt, ...", and asprintf() and snprintf() into
a reason: a cause, a why) in src/, and every argument that a %s of its
format prints, and fails unless that argument is

  - string literals (a ?: of them included),
  - a call of log_escape(), or the buffer a log_escape() call of the
    same function wrote,
  - or named in tests/peertext.own: an expression known to be
    sockcat's own text or the operator's (the command line, a file it
    named), each with the reason why.

So a new message that prints a new string fails here until the string is
escaped or shown to be nobody else's; an entry of peertext.own that no
call uses any more fails too.

    peertext.py [SRCDIR [OWNFILE]]

prints one line per finding and exits 1 when there is one.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def strip_comments(text):
    """The text without comments and preprocessor lines, lines kept."""
    out = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'),
                 text, flags=re.S)
    out = out.replace('\\\n', ' \n')
    return re.sub(r'^#.*$', '', out, flags=re.M)


def skip_quoted(text, i):
    """The index after the literal that starts at text[i]."""
    q = text[i]
    i += 1
    while text[i] != q:
        if text[i] == '\\':
            i += 1
        i += 1
    return i + 1


def call_args(text, i):
    """The arguments of the call whose '(' is text[i], and its end."""
    depth, args, start = 0, [], i + 1
    while i < len(text):
        c = text[i]
        if c in '"\'':
            i = skip_quoted(text, i)
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if depth == 0:
                args.append(text[start:i].strip())
                return args, i
        elif c == ',' and depth == 1:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    return args, i


def top_split(expr, sep):
    """expr split at the top-level characters sep (not in () or "")."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(expr):
        c = expr[i]
        if c in '"\'':
            i = skip_quoted(expr, i)
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        elif c in sep and depth == 0:
            parts.append(expr[start:i].strip())
            start = i + 1
        i += 1
    parts.append(expr[start:].strip())
    return parts


def is_literal(expr):
    return re.fullmatch(r'("(?:[^"\\]|\\.)*"\s*)+', expr) is not None


def values(expr):
    """The expressions expr may stand for: both sides of a ?:."""
    q = top_split(expr, '?')
    if len(q) < 2:
        return [expr]
    rest = '?'.join(q[1:])
    branches = top_split(rest, ':')
    if len(branches) < 2:
        return [expr]
    return values(branches[0]) + values(':'.join(branches[1:]))


def format_string(expr):
    """The text of a format made of literals, or None."""
    if not is_literal(expr):
        return None
    return ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', expr))


CONV = re.compile(r'%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?'
                  r'(hh|h|ll|l|z|j|t|L)?([diouxXcspfeEgGaA%n])')


def string_args(fmt, args):
    """The arguments the %s conversions of fmt print."""
    k, out = 0, []
    for width, prec, _, conv in CONV.findall(fmt):
        if conv == '%':
            continue
        k += (width == '*') + (prec == '*')
        if conv == 's' and k < len(args):
            out.append(args[k])
        k += 1
    return out


def formatters(files):
    """Function name -> index of its format among its arguments."""
    found = {}
    for path, text in files.items():
        for m in re.finditer(r'(\w+)\s*\(([^;{)]*)\)\s*(?:__attribute__|'
                             r'\n\s*__attribute__)\s*\(\(format\(printf,'
                             r'\s*(\d+)', text):
            found[m.group(1)] = int(m.group(3)) - 1
        for m in re.finditer(r'__attribute__\s*\(\(format\(printf,\s*'
                             r'(\d+)[^)]*\)\)\)\s*\n(\w+)\(', text):
            found[m.group(2)] = int(m.group(1)) - 1
        for m in re.finditer(r'^(\w+)\(([^)]*)\bconst char \*fmt, \.\.\.\)',
                             text, re.M):
            found[m.group(1)] = m.group(2).count(',')
    return found


# Functions that write a message for a caller to print later: those of
# their calls whose destination is named as a reason (cause, why,
# refused) are checked as messages are.
BUILDERS = {'asprintf': 1, 'snprintf': 2}
REASON = re.compile(r'^&?[\w>.-]*\b(cause|why|fwhy|refused)$')


def load_own(path):
    """peertext.own: (file or '*', pattern, line number) entries."""
    own = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            # A comment: a line of its own, or after a blank ("# ...").
            line = re.sub(r'(^|\s)#(\s.*)?$', '', line.rstrip('\n')).strip()
            if not line:
                continue
            where, expr = line.split(None, 1)
            own.append((where, expr.strip(), n))
    return own


def matches(pattern, expr):
    if pattern.endswith('*'):
        return expr.startswith(pattern[:-1])
    return expr == pattern


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..',
                                                              'src')
    ownfile = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        HERE, 'peertext.own')
    files = {}
    for d in sorted(os.listdir(src)):
        if not os.path.isdir(os.path.join(src, d)):
            continue
        for name in sorted(os.listdir(os.path.join(src, d))):
            if name.endswith(('.c', '.h')):
                with open(os.path.join(src, d, name)) as f:
                    files[d + '/' + name] = strip_comments(f.read())
    funcs = formatters(files)
    funcs.update(BUILDERS)
    own = load_own(ownfile)
    used = set()
    bad = ncalls = nargs = 0
    call = re.compile(r'\b(%s)\s*\(' % '|'.join(sorted(funcs)))
    for path, text in files.items():
        if not path.endswith('.c'):
            continue
        for m in call.finditer(text):
            line = text.count('\n', 0, m.start()) + 1
            # A definition or a prototype starts its line (style(9)).
            if m.start() == 0 or text[m.start() - 1] == '\n':
                continue
            args, end = call_args(text, m.end() - 1)
            args = [' '.join(a.split()) for a in args]
            fi = funcs[m.group(1)]
            if fi >= len(args):
                continue
            if m.group(1) in BUILDERS and not REASON.match(args[0]):
                continue
            # Only a wrapper hands its format on.
            if args[fi] == 'fmt':
                continue
            fmts = [format_string(f) for f in values(args[fi])]
            if None in fmts:
                print('src/%s:%d: %s() with a format that is not a '
                      'literal: %s' % (path, line, m.group(1), args[fi]))
                bad += 1
                continue
            ncalls += 1
            body = text[text.rfind('\n}\n', 0, m.start()):m.start()]
            escaped = set(re.findall(r'\blog_escape\(\s*([\w>.-]+)\s*,',
                                     body))
            printed = []
            for fmt in fmts:
                printed += [a for a in string_args(fmt, args[fi + 1:])
                            if a not in printed]
            for arg in printed:
                for v in values(arg):
                    nargs += 1
                    if is_literal(v) or v.startswith('log_escape(') or \
                            v in escaped:
                        continue
                    hit = [e for e in own if e[0] in ('*', 'src/' + path)
                           and matches(e[1], v)]
                    if hit:
                        used.update(e[2] for e in hit)
                        continue
                    print('src/%s:%d: %s() prints "%s" with %%s: escape '
                          'it with log_escape(), or say in %s why it is '
                          'no peer\'s' % (path, line, m.group(1), v,
                                          os.path.relpath(ownfile)))
                    bad += 1
    for where, expr, n in own:
        if n not in used:
            print('%s:%d: "%s" (%s) is printed by no message any more' %
                  (os.path.relpath(ownfile), n, expr, where))
            bad += 1
    print('peertext: %d messages, %d strings printed with %%s, %d '
          'findings' % (ncalls, nargs, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
