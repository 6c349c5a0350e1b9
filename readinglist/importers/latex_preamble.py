"""The macros a file's @preamble defines (\\newcommand, \\def, \\let ..., with the usual
``\\ifx\\name\\undefined`` guards), and the expansion of one call of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .latex_macros import _BUILT_IN
from .latex_pylatexenc import _pylatexenc_macros
from .latex_syntax import _argument, _brace_depths, _group, _skip_spaces, _substitute

_PREAMBLE_COMMAND = re.compile(
    r"\\(newcommand|renewcommand|providecommand|DeclareRobustCommand|def|gdef|edef|xdef"
    r"|let|ifx|if[A-Za-z]*|else|fi)(?![A-Za-z])\s*(\*?)\s*"
)


@dataclass(frozen=True)
class _Macro:
    """A macro defined in a file's @preamble."""

    body: str
    arguments: int = 0
    default: str | None = None  # \newcommand's optional first argument
    prefix: str = ""  # \def\a.#1{}: text that must follow the name
    delimiters: tuple[str, ...] = ()  # \def\a#1\stop{}: what ends each argument



def _read_preamble(preamble: str) -> dict[str, _Macro]:
    r"""The macros a @preamble defines: \newcommand{\name}[n][default]{body},
    \newcommand\name{body}, \renewcommand, \providecommand, \def\name#1#2{body} (also
    with delimiters), \let\name=\other. Definitions inside ``\ifx\name\undefined ...
    \fi`` (the usual guard) only count for a name that is not known already."""
    macros: dict[str, _Macro] = {}
    # One entry per open \if...: whether it is an "\ifx \name \undefined" guard, and
    # whether its \else was passed.
    conditionals: list[list[bool]] = []
    pos = 0
    while True:
        match = _PREAMBLE_COMMAND.search(preamble, pos)
        if match is None:
            return macros
        command, pos = match.group(1), match.end()
        if command == "fi":
            if conditionals:
                conditionals.pop()
            continue
        if command == "else":
            if conditionals:
                conditionals[-1][1] = True
            continue
        if command.startswith("if"):
            guard = False
            if command == "ifx":
                first, pos = _argument(preamble, pos)
                second, pos = _argument(preamble, pos)
                guard = "\\undefined" in (first, second)
            conditionals.append([guard, False])
            continue
        if any(guard and in_else for guard, in_else in conditionals):
            continue  # the \else of a guard: for when the name is defined already
        provide = command == "providecommand" or any(guard for guard, _ in conditionals)
        definition = _definition(command, preamble, pos, macros)
        if definition is None:
            continue
        name, macro, pos = definition
        if name in _BUILT_IN or (provide and (name in macros or name in _pylatexenc_macros())):
            continue
        macros[name] = macro


def _definition(
    command: str, preamble: str, pos: int, macros: Mapping[str, _Macro]
) -> tuple[str, _Macro, int] | None:
    """The name and macro of one definition whose command ends at `pos`, and where the
    definition ends; None when it cannot be read."""
    if command == "let":
        let = re.match(r"\\([A-Za-z]+)\s*=?\s*(\\(?:[A-Za-z]+|.))", preamble[pos:])
        if let is None:
            return None
        target = let.group(2)[1:]
        macro = macros.get(target, _Macro(body=let.group(2) + " "))
        return let.group(1), macro, pos + let.end()
    if command in ("def", "gdef", "edef", "xdef"):
        head = re.match(r"\\([A-Za-z]+)([^{]*)", preamble[pos:])
        if head is None:
            return None
        body, end = _group(preamble, pos + head.end())
        parameters = _parameters(head.group(2))
        if body is None or parameters is None:
            return None
        prefix, delimiters = parameters
        macro = _Macro(body, len(delimiters), None, prefix, delimiters)
        return head.group(1), macro, end
    # \newcommand and friends: {\name} or \name, then [n], [default], {body}.
    name, end = _argument(preamble, pos)
    name = name.strip()
    if not re.fullmatch(r"\\[A-Za-z]+", name):
        return None
    count, default = 0, None
    options = re.match(r"\s*\[\s*(\d)\s*\]", preamble[end:])
    if options:
        count = int(options.group(1))
        end += options.end()
        optional = re.match(r"\s*\[", preamble[end:])
        if optional:
            start = end + optional.end() - 1
            close = _closing_bracket(preamble, start)
            default = preamble[start + 1 : close]
            end = close + 1
    body, end = _group(preamble, _skip_spaces(preamble, end))
    if body is None:
        return None
    return name[1:], _Macro(body, count, default), end


def _parameters(text: str) -> tuple[str, tuple[str, ...]] | None:
    r"""A \def's parameter text ("#1#2", "#1\stop", ".#1") as the text that must
    follow the name and what ends each parameter ("" for an undelimited one); None
    unless the parameters are #1, #2 ... in order."""
    pieces = re.split(r"#([1-9])", text)
    numbers = [int(n) for n in pieces[1::2]]
    if numbers != list(range(1, len(numbers) + 1)):
        return None
    return pieces[0].strip(), tuple(piece.strip() for piece in pieces[2::2])


def _call(macro: _Macro, rest: str, end: int) -> tuple[str | None, int]:
    """The expansion of a call of a file's macro at `end` (after its name), or None when
    the text does not match the macro's \\def pattern."""
    args: list[str] = []
    if macro.prefix:
        start = _skip_spaces(rest, end)
        if not rest.startswith(macro.prefix, start):
            return None, end
        end = start + len(macro.prefix)
    for index in range(macro.arguments):
        delimiter = macro.delimiters[index] if macro.delimiters else ""
        if index == 0 and macro.default is not None:
            start = _skip_spaces(rest, end)
            if rest.startswith("[", start):
                close = _closing_bracket(rest, start)
                args.append(rest[start + 1 : close])
                end = close + 1
            else:
                args.append(macro.default)
            continue
        if delimiter:
            found = _delimited(rest, end, delimiter)
            if found is None:
                return None, end
            arg, end = found
            args.append(arg)
        else:
            arg, end = _argument(rest, end)
            args.append(arg)
    return _substitute(macro.body, args), end


def _closing_bracket(rest: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(rest)):
        char = rest[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "]" and depth <= 0:
            return index
    return len(rest) - 1


def _delimited(rest: str, pos: int, delimiter: str) -> tuple[str, int] | None:
    """A \\def argument that runs to `delimiter` (outside braces)."""
    for index, depth in _brace_depths(rest, pos):
        if depth == 0 and rest.startswith(delimiter, index):
            after = index + len(delimiter)
            # "\stop" ends an argument, "\stopper" does not.
            if not (delimiter[-1].isalpha() and rest[after : after + 1].isalpha()):
                arg = rest[pos:index].strip()
                group, group_end = _group(arg, 0)
                if group is not None and group_end == len(arg):
                    arg = group  # TeX strips the braces around a whole argument
                return arg, after
        if depth == 0 and rest[index] == "}":  # closes a group opened before `pos`
            return None
    return None
