"""Importers: one module per format, each ``parse(text, source) -> ParseResult``.

This package picks the format (from ``--format``, the extension, or the content) and
decodes the file; it never touches the library.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..domain import ImportFailed
from . import daily_papers
from .base import ParseResult

Parser = Callable[[str, str], ParseResult]

PARSERS: dict[str, Parser] = {
    daily_papers.FORMAT: daily_papers.parse,
}
FORMATS = tuple(PARSERS)


def read_text(path: Path) -> str:
    """The file's text; ImportFailed with a clear reason if it is missing or not UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Guessing another encoding would risk silent mojibake: say what is wrong instead.
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8 and import it again"
        ) from None


def detect_format(path: Path, text: str) -> str:
    if daily_papers.looks_like(text):
        return daily_papers.FORMAT
    raise ImportFailed(
        f"{path}: cannot tell which format this is; formats: {', '.join(FORMATS)} "
        "(choose one with --format)"
    )


def parse_file(path: Path, fmt: str | None = None) -> ParseResult:
    text = read_text(path)
    if fmt is None:
        fmt = detect_format(path, text)
    elif fmt not in PARSERS:
        raise ImportFailed(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return PARSERS[fmt](text, path.name)
