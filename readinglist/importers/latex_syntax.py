"""Reading TeX syntax, for the preamble reader and the rewriting pass of latex_text.py:
control sequences, spaces, braced groups, macro arguments and their #1 ... parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|(.))", re.DOTALL)
_PARAMETER = re.compile(r"#(#|[1-9])")


def _skip_spaces(rest: str, pos: int) -> int:
    while pos < len(rest) and rest[pos].isspace():
        pos += 1
    return pos


def _brace_depths(rest: str, pos: int) -> Iterator[tuple[int, int]]:
    """Each index of `rest` from `pos` on, but the character a backslash escapes, with
    the depth of braces opened (less those closed) since `pos`, before that index."""
    depth = 0
    index = pos
    while index < len(rest):
        yield index, depth
        char = rest[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        index += 1


def _group(rest: str, pos: int) -> tuple[str | None, int]:
    """The text of the braced group at `pos` and where it ends; None if there is none.
    An unclosed group runs to the end."""
    if not rest.startswith("{", pos):
        return None, pos
    for index, depth in _brace_depths(rest, pos):
        if depth == 1 and rest[index] == "}":  # the brace that closes the group
            return rest[pos + 1 : index], index + 1
    return rest[pos + 1 :], len(rest)


def _argument(rest: str, pos: int) -> tuple[str, int]:
    """A TeX macro argument: a braced group's text, or the next token."""
    pos = _skip_spaces(rest, pos)
    group, end = _group(rest, pos)
    if group is not None:
        return group, end
    if pos >= len(rest):
        return "", pos
    if rest[pos] == "\\":
        token = _CONTROL.match(rest, pos)
        if token:
            return token.group(0), token.end()
    return rest[pos], pos + 1


def _substitute(body: str, args: list[str]) -> str:
    def parameter(match: re.Match[str]) -> str:
        which = match.group(1)
        if which == "#":
            return "#"
        index = int(which) - 1
        return args[index] if index < len(args) else ""

    return _PARAMETER.sub(parameter, body)
