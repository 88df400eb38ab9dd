#!/usr/bin/env python3
# Make a shell's completion for sockcat from its option table:
#
#	sockcat --dump-options | python3 completions/gen.py bash|zsh|fish
#
# "make completions" writes the three files with it; tests/t-options.sh
# fails when a file differs from what the table makes.  The names, the
# arguments, the value lists and the descriptions all come from the table
# (src/front/opttab.c): the descriptions are the --help lines.  An option
# that takes no argument but has words (-h, --help: the topics) is
# completed with them in the word after it.

import sys

HEAD = "Made by completions/gen.py from \"sockcat --dump-options\": do not edit."


def rows(f):
    out = []
    for line in f:
        line = line.rstrip("\n")
        if not line:
            continue
        (letter, name, has_arg, arg, group, comp, words, repeat, exits,
         help_, excl, topic) = line.split("\t")
        out.append({
            "short": None if letter == "-" else "-" + letter,
            "long": None if name == "-" else "--" + name,
            "has_arg": has_arg, "arg": None if arg == "-" else arg,
            "comp": comp, "words": words.split(), "repeat": repeat == "1",
            "exits": exits == "1", "help": help_, "excl": excl.split(),
            "topic": topic,
        })
    return out


def names(r):
    return [n for n in (r["short"], r["long"]) if n is not None]


def zsh_quote(s):
    return s.replace("'", "'\\''")


ZSH_ACTIONS = {
    "file": "_files", "dir": "_files -/", "host": "_hosts", "command": "_command_names -e",
    "port": "_ports", "user": "_users",
}


def zsh_row(r):
    short, long_ = r["short"], r["long"]
    if r["has_arg"] == "required":
        short_s, long_s = (short or "") + "+", (long_ or "") + "="
    elif r["has_arg"] == "optional":
        short_s, long_s = short, (long_ or "") + "=-"
    else:
        short_s, long_s = short, long_
    desc = "[" + zsh_quote(r["help"].replace("]", "\\]")) + "]"
    if r["arg"] is not None:
        msg = zsh_quote(r["arg"].lower().replace(":", "\\:"))
        if r["comp"] == "words":
            action = "(" + " ".join(r["words"]) + ")"
        else:
            action = ZSH_ACTIONS.get(r["comp"], "")
        colon = "::" if r["has_arg"] == "optional" else ":"
        desc += colon + msg + (":" + action if action else "")
    elif r["words"]:
        # A word after it, which may be left out: --help's topic.
        desc += "::topic:(" + " ".join(r["words"]) + ")"
    # What zsh no longer offers once this is given: its other name and the
    # options it excludes (two flags of one field, the conflict table).
    if r["exits"]:
        prefix = "'(- *)'"
    elif r["repeat"]:
        prefix = "'*'"
    elif (short and long_) or r["excl"]:
        prefix = "'(" + " ".join(names(r) * (short is not None and
                                             long_ is not None) +
                                 r["excl"]) + ")'"
    else:
        prefix = ""
    if short and long_:
        spec = "{" + short_s + "," + long_s + "}"
    else:
        spec = "'" + (short_s if short else long_s) + "'"
    if not (short and long_):
        # One quoted word: '(- *)--version[...]'.
        return "  '" + prefix[1:-1] + spec[1:-1] + desc + "'"
    return "  " + prefix + spec + "'" + desc + "'"


# The kinds of address (src/codec/addr.c) an operand may start with.
ADDR_WORDS = ["tcp:", "udp:", "unix:", "tls:", "dtls:", "ws://", "wss://",
              "vsock:", "tcp-l:", "udp-l:", "unix-l:", "tls-l:", "ws-l:",
              "exec:", "file:", "serial:", "pty:"]


def zsh(rs):
    # _alternative takes no compadd options: its action starts with a
    # space, which _arguments runs unchanged (otherwise it puts "-J group
    # ..." after the first word, and _alternative says "bad option" for
    # each).  The address kinds have a function of their own, given the
    # options _alternative makes.
    out = ["#compdef sockcat sockchat",
           "# zsh completion for sockcat and sockchat.",
           "# " + HEAD, "",
           "_sockcat_addresses() {",
           "  compadd -S '' \"$@\" -- " + " ".join(ADDR_WORDS),
           "}", "", "_arguments -s -S \\"]
    out += [zsh_row(r) + " \\" for r in rs]
    out += ["  '1:host or address: _alternative \"hosts:host:_hosts\" "
            "\"addresses:address:_sockcat_addresses\"' \\",
            "  '*:port or address: _alternative \"ports:port:_ports\" "
            "\"addresses:address:_sockcat_addresses\"'"]
    return "\n".join(out) + "\n"


def fish_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


FISH_ACTIONS = {
    "dir": "(__fish_complete_directories)",
    "host": "(__fish_print_hostnames)", "command": "(__fish_complete_command)",
    "user": "(__fish_complete_users)",
}


def fish_row(r):
    w = ["complete -c sockcat"]
    if r["short"]:
        w.append("-s " + r["short"][1:])
    if r["long"]:
        w.append("-l " + r["long"][2:])
    if r["has_arg"] == "required":
        w.append("-r" if r["comp"] == "file" else "-x")
    elif r["has_arg"] == "optional":
        w.append("-f")
    if r["comp"] == "words" and r["has_arg"] != "none":
        w.append("-a " + fish_quote(" ".join(r["words"])))
    elif r["comp"] in FISH_ACTIONS:
        w.append("-a " + fish_quote(FISH_ACTIONS[r["comp"]]))
    w.append("-d " + fish_quote(r["help"]))
    line = " ".join(w)
    if r["has_arg"] == "none" and r["words"]:
        # The word after it: --help's topic.
        line += "\ncomplete -c sockcat -n " + fish_quote(
            "__fish_prev_arg_in " + " ".join(names(r))) + " -f -a " + \
            fish_quote(" ".join(r["words"])) + " -d topic"
    return line


def fish(rs):
    out = ["# fish completion for sockcat.", "# " + HEAD, "",
           "complete -c sockcat -n '__fish_is_first_arg' -f "
           "-a '(__fish_print_hostnames)'",
           "complete -c sockcat -f -a " + fish_quote(" ".join(ADDR_WORDS)) +
           " -d address"]
    out += [fish_row(r) for r in rs]
    return "\n".join(out) + "\n"


BASH_ACTIONS = [
    ("file", ["_filedir"]),
    ("dir", ["_filedir -d"]),
    ("host", ['_known_hosts_real -- "$cur"']),
    ("command", ["compopt -o filenames",
                 'COMPREPLY=($(compgen -c -- "$cur"))']),
    ("user", ['COMPREPLY=($(compgen -u -- "$cur"))']),
]

BASH_TAIL = """\t# Any other "--option=value": nothing to offer.
\t$split && return

\tif [[ $cur == -* ]]; then
\t\tCOMPREPLY=($(compgen -W '%s' -- "$cur"))
\t\t[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
\t\treturn
\tfi
\t# With -U the operand is a socket path.
\tlocal w
\tfor w in "${words[@]:1:cword-1}"; do
\t\tif [[ $w == -U || $w == --unixsock || $w == -[!-]*U* ]]; then
\t\t\t_filedir
\t\t\treturn
\t\tfi
\tdone
\t_known_hosts_real -- "$cur"
\t# An address: its kind first (tcp:, ws://, ...).
\tif [[ $cur == [a-z]* ]]; then
\t\tCOMPREPLY+=($(compgen -W '%s' -- "$cur"))
\t\t[[ ${COMPREPLY-} == *[:/] ]] && compopt -o nospace
\tfi
} &&
\tcomplete -F _sockcat sockcat sockchat

# ex: filetype=sh
"""


def fill(words, used, indent="\t\t    ", width=76):
    """Words joined by spaces, broken into lines of at most width
    columns; the first line has used columns already."""
    lines, cur = [], ""
    for w in words:
        n = len(cur.expandtabs()) + (used if not lines else 0)
        if cur.strip() and n + 1 + len(w) > width:
            lines.append(cur)
            cur = indent + w
        else:
            cur = cur + (" " if cur.strip() else "") + w
    lines.append(cur)
    return "\n".join(lines)


def bash_case(pattern, body):
    """A case branch: "-a | --b)", the body, return."""
    lines, cur = [], "\t" + pattern[0]
    for p in pattern[1:]:
        if len(cur.expandtabs()) + len(p) + 6 > 78:
            lines.append(cur + " | \\")
            cur = "\t    " + p
        else:
            cur += " | " + p
    lines.append(cur + ")")
    return lines + ["\t\t" + b for b in body] + ["\t\treturn", "\t\t;;"]


def bash(rs):
    out = ["# bash completion for sockcat and sockchat"
           "                  -*- shell-script -*-",
           "# " + HEAD, "", "_sockcat()", "{",
           "\tlocal cur prev words cword split",
           "\t_init_completion -s || return", "", "\tcase $prev in"]
    required = [r for r in rs if r["has_arg"] == "required"]
    for r in required:
        if r["comp"] == "words":
            out += bash_case(names(r), [
                "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))" %
                fill(r["words"], 38)])
    for r in rs:
        if r["has_arg"] == "none" and r["words"]:
            # The word after it: --help's topic.
            out += bash_case(names(r), [
                "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))" %
                fill(r["words"], 38)])
    for comp, body in BASH_ACTIONS:
        pat = [n for r in required if r["comp"] == comp for n in names(r)]
        if pat:
            out += bash_case(pat, body)
    rest = [n for r in required if r["comp"] in ("none", "port")
            for n in names(r)]
    out += bash_case(rest, [])
    for r in rs:
        if r["has_arg"] == "optional" and r["comp"] == "words":
            out += ["\t" + r["long"] + ")",
                    "\t\t# Its value is optional: only \"%s=WHEN\" "
                    "takes one." % r["long"],
                    "\t\tif $split; then",
                    "\t\t\tCOMPREPLY=($(compgen -W '%s' -- \"$cur\"))" %
                    " ".join(r["words"]),
                    "\t\t\treturn", "\t\tfi", "\t\t;;"]
    out.append("\tesac")
    words = []
    for r in rs:
        words += names(r)
        if r["has_arg"] == "optional" and r["comp"] == "words":
            words.append(r["long"] + "=")
    text = "\n".join(out) + "\n"
    return text + BASH_TAIL % (fill(words, 38), fill(ADDR_WORDS, 39))


def main():
    shell = sys.argv[1] if len(sys.argv) == 2 else None
    makers = {"bash": bash, "zsh": zsh, "fish": fish}
    if shell not in makers:
        sys.exit("usage: sockcat --dump-options | gen.py bash|zsh|fish")
    sys.stdout.write(makers[shell](rows(sys.stdin)))


main()
