"""What the commands share for printing: the program name for messages, JSON output, a
paper's one-line summary, and a progress counter on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..domain import Paper

PROG = "readinglist"


def _dump(data: Any, out: TextIO) -> None:
    """--json output: indented, non-ASCII kept as is."""
    json.dump(data, out, indent=2, ensure_ascii=False)
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
    return f"{paper.id:>5}  {paper.status.value:<7}  {year}  {paper.title}{tags}"
