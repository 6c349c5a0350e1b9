"""Importers: one module per format. This package picks the format (from ``--format``,
the extension, or the content), decodes the file, and hands it to the module; it never
touches the library.

Text formats have ``parse(text, source) -> ParseResult``; PDFs are read from the file.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..domain import ImportFailed
from ..system.attachment_paths import not_regular
from .base import ParseResult

if TYPE_CHECKING:  # made on first use by __getattr__ below (the modules are imported)
    TEXT_FORMATS: tuple[ModuleType, ...]
    EXTENSIONS: tuple[str, ...]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# The registry: each format's name and its module in this package, imported the first
# time a file is read (the CLI's parser needs the names only; PDFs bring in pypdf).
# Sniffing order matters: the most specific shapes first (Readinglist's JSON before
# CSL-JSON, a Web of Science .txt before a list of identifiers and before a Daily Papers
# page, which is loose prose). tests/test_startup_imports.py checks each module's FORMAT.
_TEXT_MODULES: dict[str, str] = {
    "json": "readinglist_json",
    "csljson": "csljson",
    "bibtex": "bibtex",
    "ris": "ris",
    "wos": "wos",
    "csv": "csv_table",
    "ids": "identifiers",
    "dailypapers": "daily_papers",
}
PDF_FORMAT = "pdf"  # importers/pdf.py: files and folders of PDFs
_MODULES: dict[str, str] = {**_TEXT_MODULES, PDF_FORMAT: "pdf"}
FORMATS: tuple[str, ...] = tuple(_MODULES)


def format_module(fmt: str) -> ModuleType:
    """The module that reads format `fmt` (a name of FORMATS), imported on first use."""
    return importlib.import_module(f"{__name__}.{_MODULES[fmt]}")


def _text_formats() -> tuple[ModuleType, ...]:
    """The text formats' modules, in sniffing order."""
    return tuple(format_module(fmt) for fmt in _TEXT_MODULES)


def _extensions() -> tuple[str, ...]:
    """Every file name ending the importers read (the file dialog's filter list and
    drag-and-drop accept these)."""
    modules = [format_module(fmt) for fmt in FORMATS]
    return tuple(sorted({ext for m in modules for ext in getattr(m, "EXTENSIONS", ())}
                        | {".txt"}))


if not TYPE_CHECKING:  # hidden from mypy, which would take every name for defined

    def __getattr__(name: str) -> object:
        """TEXT_FORMATS, EXTENSIONS, and the modules of this package (`importers.pdf`),
        imported on first use (PEP 562)."""
        if name == "TEXT_FORMATS":
            return _text_formats()
        if name == "EXTENSIONS":
            return _extensions()
        if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of at most limits.MAX_FILE_BYTES (200 MB), read
    no further than that (ImportFailed or LimitExceeded name the file and why)."""
    from . import limits

    return limits.read_file(path)


def detect_format(path: Path, text: str) -> str:
    """The format of a text file: its extension when only one format uses it and the
    content agrees, else the first format whose shape the content has."""
    if not text.strip():
        raise ImportFailed(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    text_formats = _text_formats()
    by_extension = [m for m in text_formats if suffix in getattr(m, "EXTENSIONS", ())]
    for module in by_extension:
        if module.looks_like(text):
            return str(module.FORMAT)
    for module in text_formats:
        if module.looks_like(text):
            return str(module.FORMAT)
    if len(by_extension) == 1 and suffix != ".txt":
        # A .csv without a title column, say: its parser says what is wrong with it.
        return str(by_extension[0].FORMAT)
    raise ImportFailed(
        f"{path}: cannot tell which format this is; formats: {', '.join(FORMATS)} "
        "(choose one with --format)"
    )


# What each format's reader looks for, to say why a file gave no entries.
_LOOKS_FOR = {
    "bibtex": "entries such as '@article{key, title = {...}}'",
    "ris": "records from 'TY  - ' to 'ER  - '",
    "wos": "Web of Science records from 'PT ' to 'ER'",
    "csljson": "a JSON list of CSL items with titles",
    "csv": "a header row naming a title column, and rows under it",
    "json": "a Readinglist JSON export with a list of papers",
    "ids": "lines that are arXiv ids, arXiv URLs or DOIs",
    "dailypapers": "title lines, each followed by its abstract paragraph",
    "pdf": "PDF files",
}


def nothing_found(path: Path, fmt: str | None) -> str:
    """The message for a file in which no entry was found."""
    looked_for = _LOOKS_FOR.get(fmt or "", "entries")
    read_as = f" (read as {fmt}; looked for {looked_for})" if fmt else ""
    return f"no entries found in {path}{read_as}"


def is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    from .pdf_header import SNIFF, looks_like_bytes

    try:
        with path.open("rb") as handle:
            return looks_like_bytes(handle.read(SNIFF))
    except OSError:
        return False


def parse_path(
    path: Path,
    fmt: str | None = None,
    *,
    encoding: str | None = None,
    attach_mode: str = "copy",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    attachments_from: Sequence[Path] = (),
    library_files: Path | None = None,
) -> ParseResult:
    """Parse a file or a folder (of PDFs). ImportFailed if it cannot be read at all.

    Files the entries name are attached only from the file's folder (a folder: the
    folder itself), `attachments_from` (folders the user chose) and, for Readinglist
    JSON restores, the library's `library_files`; see importers/attachments.py."""
    from .attachments import vet_attachments

    result = _parse_path(path, fmt, encoding, attach_mode, progress, cancelled)
    folder = path if path.is_dir() else path.parent
    chosen = [] if path.is_dir() else [path]
    vet_attachments(result, [folder, *attachments_from], chosen, library_files)
    return result


def _parse_path(path: Path, fmt: str | None, encoding: str | None, attach_mode: str,
                progress: Progress | None, cancelled: Cancelled | None) -> ParseResult:
    if fmt is not None and fmt not in FORMATS:
        raise ImportFailed(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    if path.is_dir():
        from . import pdf

        if fmt not in (None, pdf.FORMAT):
            raise ImportFailed(f"{path}: is a folder; only PDFs are imported from folders")
        result: ParseResult = pdf.parse_folder(path, attach_mode, progress, cancelled)
        if not (result.records or result.problems):
            raise ImportFailed(f"{path}: is a folder with no PDF files in it")
        result.format = pdf.FORMAT
        return result
    problem = not_regular(path)
    if problem:
        # A FIFO would block the read for ever, a device (/dev/zero) never end.
        raise ImportFailed(f"{path}: {problem}" + (
            "" if problem == "no such file" else "; only files and folders are imported"))
    if fmt == PDF_FORMAT or (fmt is None and is_pdf(path)):
        from . import pdf

        result = pdf.parse_pdf(path, attach_mode)
        result.format = pdf.FORMAT
        return result
    from . import limits
    from .encoding import decode

    text, warnings = decode(_read_bytes(path), path.name, encoding)
    # Classic Mac OS files end lines with CR alone: one line ending for every reader.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    fmt = fmt or detect_format(path, text)
    module = format_module(fmt)
    parse = module.parse
    if fmt in ("bibtex", "ris", "csv"):
        # Attachment paths in these files are relative to the file's folder.
        parse = functools.partial(module.parse, base_dir=path.parent.resolve())
    result = parse(text, path.name)
    # Every format: an entry with a field over 4 MB, or over 8 MB in all, is skipped
    # with a problem naming its line and the limit (the rest of the file is imported).
    limits.drop_oversized(result, path.name)
    result.warnings[:0] = warnings
    result.format = fmt
    if fmt == "ids":
        result.needs_lookup = True
    return result


def parse_file(path: Path, fmt: str | None = None) -> ParseResult:
    """Parse one file (kept for callers that import a single text file)."""
    return parse_path(path, fmt)
