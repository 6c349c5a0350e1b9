"""PDF files and folders of PDFs: one paper per file, with the file attached.

Metadata comes from the PDF's own Info dictionary or XMP packet when those look sane
(word processors and LaTeX templates fill them with junk such as "Microsoft Word -
draft3.docx" or "Administrator"), else from the text of the first page: the title is
the largest-font text at the top of page 1, or failing that its first substantial lines;
the abstract is the paragraph after an "Abstract" heading; the arXiv id comes from
arXiv's stamp or the file name, the DOI from page 1.

Unlike the text importers this one reads bytes, so its contract is ``looks_like_bytes``
and ``parse_pdf(path)``/``parse_folder(folder)`` instead of ``looks_like``/``parse``.
Nothing here raises on a bad file: encrypted, broken, empty or mislabelled files come
back as problems with the reason.

This module checks the file, puts the record together and walks folders; the parts live
beside it: pdf_document (what pypdf reads), pdf_metadata (which Info/XMP fields to trust),
pdf_front_matter (title, authors, abstract from page 1), pdf_identifiers (arXiv id, DOI),
pdf_text (whitespace and hyphenation).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf.errors import DependencyError

from ..domain import EntryProblem, PaperRecord
from .base import ParseResult
from .limits import FileRefused, LimitExceeded, read_file
from .pdf_document import ENCRYPTED as ENCRYPTED  # re-exported: the importer's public reason
from .pdf_document import _Document, _pypdf_messages, _read, _Unreadable
from .pdf_front_matter import _abstract, _first_lines_title, _font_title, _text_authors
from .pdf_header import SNIFF
from .pdf_header import looks_like_bytes as looks_like_bytes  # the importer's contract
from .pdf_identifiers import _arxiv_year, _file_arxiv_id, _find_doi, _stamp_arxiv_id
from .pdf_metadata import (
    _metadata_abstract,
    _metadata_authors,
    _metadata_keywords,
    _metadata_title,
    _metadata_year,
)
from .pdf_text import _dehyphenate_pages, _lines

FORMAT = "pdf"
EXTENSIONS = (".pdf",)

# Full text kept for search. 2 M characters is a ~1000-page book; beyond that the file is
# more likely a scanned-and-OCRed archive than a paper, and the index would balloon.
MAX_FULLTEXT = 2_000_000
_SNIFF = SNIFF


@dataclass
class FolderParseResult(ParseResult):
    """What `parse_folder` found; `cancelled` says it stopped before the last file."""

    cancelled: bool = False
    files: int = 0  # PDFs found under the folder


def parse_pdf(path: Path, attach_mode: str = "copy") -> ParseResult:
    """One paper for the PDF at `path`, with the file to attach and its text for search.

    Never raises: a file that cannot be imported comes back as a problem saying why.
    """
    return _parse(path, attach_mode, path.name)


def _parse(path: Path, attach_mode: str, label: str) -> ParseResult:
    result = ParseResult()

    def problem(reason: str) -> ParseResult:
        result.problems.append(EntryProblem(label, None, reason))
        return result

    try:
        # Only regular files, bounded: a FIFO named "stuck.pdf" blocked a folder's import
        # for ever, and /dev/zero behind a symlink would fill the memory.
        data = read_file(path)
    except (FileRefused, LimitExceeded) as exc:
        return problem(f"cannot read the file: {exc.reason}")
    if not data:
        return problem("not a readable PDF (the file is empty)")
    if not looks_like_bytes(data):
        return problem(f"not a readable PDF ({_what_instead(data)})")
    with _pypdf_messages() as messages:
        try:
            document = _read(data, MAX_FULLTEXT)
        except _Unreadable as exc:
            return problem(str(exc))
        except DependencyError:
            # pypdf needs the `cryptography` package for AES; RC4 it does by itself.
            return problem(
                "encrypted with AES: reading it needs the 'cryptography' package, not imported"
            )
        except Exception as exc:  # pypdf raises many kinds on broken files; report them all
            return problem(f"not a readable PDF ({_describe(exc, messages)})")
    try:
        record, warnings = _record(document, path, attach_mode)
    except Exception as exc:  # a bug here must not stop a folder import: report the file
        return problem(f"not imported: unexpected error reading it ({type(exc).__name__}: {exc})")
    result.records.append(record)
    result.warnings.extend(EntryProblem(label, None, w) for w in document.warnings + warnings)
    return result


def _what_instead(data: bytes) -> str:
    head = data[:_SNIFF].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "it is a web page saved as .pdf, perhaps a login or error page"
    if head.startswith(b"pk\x03\x04"):
        return "it is a ZIP archive"
    return "no %PDF header; the file is something else"


def _describe(exc: Exception, messages: Sequence[str]) -> str:
    """Why pypdf could not read a file, in words a user can act on."""
    reason = str(exc).strip() or type(exc).__name__
    if any("EOF marker not found" in m for m in messages):
        return f"the file is cut short, perhaps an unfinished download: {reason}"
    if messages:
        return f"{reason}; {messages[0]}"
    return reason


# ---------------------------------------------------------------------------------------
# From the document to a record


def _record(document: _Document, path: Path, attach_mode: str) -> tuple[PaperRecord, list[str]]:
    warnings: list[str] = []
    pages = _dehyphenate_pages(document.pages)
    page1 = pages[0] if pages else ""
    lines1 = _lines(page1)
    has_text = any(p.strip() for p in document.pages)

    title = _metadata_title(document)
    title_end = -1  # index in lines1 of the last title line, when the title is from the text
    if not title and has_text:
        title, title_end = _font_title(document.spans, document.page_height, lines1)
        if not title:
            title, title_end = _first_lines_title(lines1)
        # Runs placed apart on the page can come out glued: "QLoRA:Efficient Finetuning".
        title = re.sub(r"(?<=[^\W\d_]):(?=[A-Z][a-z])", ": ", title)
    named = "" if title else "; the file name is used as its title"
    if not has_text:
        warnings.append(f"no text layer (scanned?); nothing to search in it{named}")
    elif not title:
        warnings.append(f"no title found in the PDF{named}")
    title = title or path.stem

    authors = _metadata_authors(document)
    if not authors and title_end >= 0:
        authors = _text_authors(lines1, title_end + 1)

    fulltext = "\n\n".join(pages)
    if len(fulltext) > MAX_FULLTEXT:
        cut = fulltext.rfind(" ", 0, MAX_FULLTEXT)
        fulltext = fulltext[: cut if cut > MAX_FULLTEXT // 2 else MAX_FULLTEXT]
        warnings.append(
            f"text longer than {MAX_FULLTEXT:,} characters; only the first part is kept for search"
        )

    arxiv_id = _stamp_arxiv_id(page1) or _file_arxiv_id(path.stem)
    doi = _find_doi(page1) or _find_doi(
        " ".join(document.info.get(k, "") for k in ("subject", "keywords"))
    )
    abstract = _abstract(_lines("\n".join(pages[:2])), title) if has_text else ""
    if not abstract:
        abstract = _metadata_abstract(document)
    keywords = _metadata_keywords(document)

    record = PaperRecord(
        title=title,
        authors=authors,
        year=_metadata_year(document) or _arxiv_year(arxiv_id),
        arxiv_id=arxiv_id,
        doi=doi,
        abstract=abstract,
        source=path.name,
        files=[str(path.resolve())],
        fulltext=fulltext,
        attach_mode=attach_mode,
        extra={"keywords": keywords} if keywords else {},
    )
    return record, warnings


# ---------------------------------------------------------------------------------------
# Folders


def pdf_files(folder: Path) -> list[Path]:
    """Every PDF under `folder`, recursively, in a stable order; hidden folders and files
    (".git", macOS "._paper.pdf" resource forks) are skipped, symlinked folders not followed."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(root) / n for n in names if n.lower().endswith(".pdf") and not n.startswith(".")
        )
    return sorted(found, key=lambda p: [s.casefold() for s in p.relative_to(folder).parts])


def parse_folder(
    folder: Path,
    attach_mode: str = "copy",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FolderParseResult:
    """Every PDF under `folder`, one paper each; problems name files by their path
    relative to the folder.

    `progress(done, total)` is called after each file. When `cancelled()` turns true the
    walk stops and what was read so far is returned with ``cancelled=True``.
    """
    result = FolderParseResult()
    if not folder.is_dir():
        reason = "is a file, not a folder" if folder.exists() else "no such folder"
        result.problems.append(EntryProblem(folder.name or str(folder), None, reason))
        return result
    files = pdf_files(folder)
    result.files = len(files)
    for done, path in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            result.cancelled = True
            return result
        one = _parse(path, attach_mode, path.relative_to(folder).as_posix())
        result.records.extend(one.records)
        result.problems.extend(one.problems)
        result.warnings.extend(one.warnings)
        if progress is not None:
            progress(done, len(files))
    return result
