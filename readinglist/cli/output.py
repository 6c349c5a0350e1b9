"""What the commands share for printing: the program name for messages, JSON output, a
paper's one-line summary, a progress counter on stderr, and text made safe for a
terminal.

Text is text: titles, notes and file names come from files of the web, and a control
character among them (ESC, BEL, a lone CR...) would make the terminal retitle itself,
clear the screen, hide text or write the clipboard (OSC 52). Every command's text output
goes through :class:`TerminalText`, which removes them (text.normalize.strip_controls);
JSON output escapes them.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO, cast

from ..domain import Paper
from ..text.normalize import strip_controls

PROG = "readinglist"
# What json.dumps leaves raw with ensure_ascii=False: DEL and C1 (it escapes C0 itself).
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


class TerminalText:
    """Writes to `stream` with control characters removed (tab and newline stay). Wrap a
    command's output in it with :func:`terminal`; it has what print() and the commands
    use of a text stream (write, flush, isatty)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(strip_controls(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def terminal(stream: TextIO) -> TextIO:
    """`stream` made safe for a terminal (the same object if it is already)."""
    if isinstance(stream, TerminalText):
        return cast(TextIO, stream)
    return cast(TextIO, TerminalText(stream))


def plain_text(command: Callable[[Any, Any, TextIO], int]
               ) -> Callable[[Any, Any, TextIO], int]:
    """A command whose output goes through :class:`TerminalText`."""
    @functools.wraps(command)
    def safe(library: Any, args: Any, out: TextIO) -> int:
        return command(library, args, terminal(out))
    return safe


def error_stream() -> TextIO:
    """Standard error, made safe for a terminal (messages name files and entries)."""
    return terminal(sys.stderr)


def _dump(data: Any, out: TextIO) -> None:
    """--json output: indented, non-ASCII kept as is; control characters escaped
    (json escapes C0 as \\u001b; DEL and C1 are escaped here)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    out.write(_JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text))
    out.write("\n")


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A progress printer for the terminal (silent when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


def _line(paper: Paper) -> str:
    """One paper on one line (list, search, similar): id, status, year, title, tags."""
    tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
    year = str(paper.year) if paper.year else "    "
    # One line: a newline in a title (set by a script) would break the listing.
    title = " ".join(strip_controls(paper.title).split())
    return strip_controls(f"{paper.id:>5}  {paper.status.value:<7}  {year}  {title}{tags}")
