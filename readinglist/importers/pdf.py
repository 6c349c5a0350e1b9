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
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ..domain import EntryProblem, PaperRecord
from ..textutil import normalize_arxiv_id, normalize_doi
from .base import ParseResult

FORMAT = "pdf"
EXTENSIONS = (".pdf",)

# Full text kept for search. 2 M characters is a ~1000-page book; beyond that the file is
# more likely a scanned-and-OCRed archive than a paper, and the index would balloon.
MAX_FULLTEXT = 2_000_000
_MAGIC = b"%PDF-"
_SNIFF = 1024  # readers accept the header anywhere in the first kilobyte

ENCRYPTED = "encrypted: needs a password, not imported"


def looks_like_bytes(head: bytes) -> bool:
    """True when the first bytes of a file carry the PDF header."""
    return _MAGIC in head[:_SNIFF]


@dataclass
class FolderParseResult(ParseResult):
    """What `parse_folder` found; `cancelled` says it stopped before the last file."""

    cancelled: bool = False
    files: int = 0  # PDFs found under the folder


# ---------------------------------------------------------------------------------------
# pypdf's log messages
#
# pypdf reports what it repairs in broken files through the "pypdf" logger ("EOF marker
# not found", "Ignoring wrong pointing object"...). During an import those messages are
# noise on the console, but they are also the best description of what is wrong with a
# file. So while this module reads a PDF, the messages logged on the reading thread are
# collected (to quote in the problem) instead of printed; at any other time, or from other
# threads, they go on to the root logger's handlers as if the logger propagated normally.


class _PypdfLogRouter(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sink: list[str] | None = getattr(_capture, "messages", None)
        if sink is None:
            logging.getLogger().handle(record)
        else:
            sink.append(record.getMessage())


_capture = threading.local()
_router_lock = threading.Lock()


def _install_router() -> None:
    with _router_lock:
        logger = logging.getLogger("pypdf")
        if not any(isinstance(h, _PypdfLogRouter) for h in logger.handlers):
            logger.addHandler(_PypdfLogRouter())
            logger.propagate = False


@contextmanager
def _pypdf_messages() -> Iterator[list[str]]:
    """Collect what pypdf logs on this thread inside the block, instead of printing it."""
    _install_router()
    outer = getattr(_capture, "messages", None)
    messages: list[str] = []
    _capture.messages = messages
    try:
        yield messages
    finally:
        _capture.messages = outer


# ---------------------------------------------------------------------------------------
# Reading the file


class _Unreadable(Exception):
    """The file cannot be imported; the message is the whole reason."""


@dataclass
class _Span:
    """A run of text as drawn on page 1: effective font size and baseline height."""

    text: str
    size: float
    y: float


@dataclass
class _Document:
    pages: list[str]
    spans: list[_Span]  # page 1, upright text only
    page_height: float
    info: dict[str, str]
    xmp: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


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
        data = path.read_bytes()
    except IsADirectoryError:
        return problem("is a folder, not a PDF file")
    except OSError as exc:
        return problem(f"cannot read the file ({exc.strerror or exc})")
    if not data:
        return problem("not a readable PDF (the file is empty)")
    if not looks_like_bytes(data):
        return problem(f"not a readable PDF ({_what_instead(data)})")
    with _pypdf_messages() as messages:
        try:
            document = _read(data)
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


def _read(data: bytes) -> _Document:
    reader = PdfReader(BytesIO(data), strict=False)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        # An empty user password (common: "no copying" PDFs) opens like any other file.
        raise _Unreadable(ENCRYPTED)
    pages = reader.pages
    if len(pages) == 0:
        raise _Unreadable("not a readable PDF (it has no pages)")
    document = _Document(pages=[], spans=[], page_height=0.0,
                         info=_info(reader), xmp=_xmp(reader))
    try:
        box = pages[0].mediabox
        document.page_height = float(box.top)
        bottom = float(box.bottom)
    except Exception:
        bottom = 0.0
    collected = 0
    for number, page in enumerate(pages, start=1):
        if collected > MAX_FULLTEXT:
            break  # the rest would be cut anyway
        visitor = _span_collector(document.spans) if number == 1 else None
        try:
            text = page.extract_text(visitor_text=visitor)
        except Exception as exc:
            document.warnings.append(f"page {number}: text could not be extracted ({exc})")
            text = ""
        text = text.replace("\x00", "")
        document.pages.append(text)
        collected += len(text)
    if document.page_height:
        # Height relative to the page's bottom edge, whatever the MediaBox origin.
        document.page_height -= bottom
        for span in document.spans:
            span.y -= bottom
    return document


def _span_collector(spans: list[_Span]) -> Callable[..., None]:
    def visit(text: str, cm: Sequence[float], tm: Sequence[float],
              font: object, font_size: float) -> None:
        if not text.strip():
            return
        try:
            m = _multiply(tm, cm)
            size = abs(float(font_size)) * math.hypot(m[2], m[3])
        except (TypeError, ValueError, IndexError):
            return  # odd operands: lose the font size of this run, keep the text
        if abs(m[1]) > 1e-3 or abs(m[2]) > 1e-3 or m[0] <= 0 or m[3] <= 0:
            return  # rotated or mirrored: arXiv's stamp in the margin, figure labels
        for piece in text.split("\n"):
            if piece.strip():
                spans.append(_Span(piece.strip(), round(size, 1), m[5]))

    return visit


def _multiply(a: Sequence[float], b: Sequence[float]) -> tuple[float, ...]:
    """Product of two PDF matrices [a b c d e f]."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _info(reader: PdfReader) -> dict[str, str]:
    """The Info dictionary's text fields; an unreadable dictionary counts as empty."""
    try:
        info = reader.metadata
    except Exception:
        return {}
    if info is None:
        return {}
    out: dict[str, str] = {}
    for key in ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate"):
        try:
            value = info.get(key)
            value = value.get_object() if value is not None else None
        except Exception:
            continue
        if isinstance(value, str):
            out[key[1:].lower()] = _clean(value)
    return out


def _xmp(reader: PdfReader) -> dict[str, Any]:
    """The XMP fields used here, from a packet that may be malformed."""
    out: dict[str, Any] = {}
    try:
        xmp = reader.xmp_metadata
    except Exception:
        return out
    if xmp is None:
        return out
    for name, getter in (
        ("title", lambda: xmp.dc_title),
        ("creator", lambda: xmp.dc_creator),
        ("subject", lambda: xmp.dc_subject),
        ("description", lambda: xmp.dc_description),
        ("keywords", lambda: xmp.pdf_keywords),
        ("created", lambda: xmp.xmp_create_date),
    ):
        try:
            value = getter()
        except Exception:
            continue
        if value:
            out[name] = value
    return out


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


def _clean(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


def _lines(text: str) -> list[str]:
    return [c for c in (_clean(line) for line in text.splitlines()) if c]


# --- metadata fields -------------------------------------------------------------------

_JUNK_TITLES = {
    "untitled", "untitled document", "no title", "title", "document", "paper", "main",
    "draft", "manuscript", "article", "slides", "presentation", "powerpoint presentation",
    "abstract", "template", "none", "null", "unknown", "preprint", "submission",
    "camera ready", "camera-ready", "final", "final version", "arxiv", "pdf",
}
_JUNK_TITLE_RE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b|document\d|slide \d|"
    r"(?:formatting |submission |author )?(?:instructions|guidelines) for\b|"
    r".*\b(?:latex )?author guidelines\b|.*\btemplate\b)",
    re.IGNORECASE,
)
_FILE_NAME_RE = re.compile(
    r"^[^\s/\\]*[\w\-. ]*\.(?:pdf|dvi|tex|ps|eps|docx?|odt|rtf|pptx?|key|pages|txt|indd|qxd)$",
    re.IGNORECASE,
)
_ID_LIKE_RE = re.compile(
    r"^(?:arxiv:?\s*)?(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$"
    r"|^(?:doi:?\s*)?10\.\d{4,9}/\S+$",
    re.IGNORECASE,
)


def _sane_title(title: str) -> bool:
    """False for the placeholder titles tools write into Info/XMP instead of the title."""
    words = title.split()
    letters = sum(c.isalpha() for c in title)
    if len(title) < 3 or len(title) > 300 or letters < 3:
        return False
    lowered = title.casefold().strip(" .")
    if lowered in _JUNK_TITLES or _JUNK_TITLE_RE.match(title):
        return False
    if _FILE_NAME_RE.match(title) or _ID_LIKE_RE.match(title):
        return False
    if "\\" in title or title.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", title):
        return False  # a path
    if len(words) < 3 and (title == title.upper() or "_" in title):
        return False  # codes like "CVPR2024_0123", "MAIN", "paper_final"
    return not (len(words) == 1 and any(c.isdigit() for c in title))  # "draft3", "v2final"


def _metadata_title(document: _Document) -> str:
    candidates = [document.info.get("title", "")]
    xmp_title = document.xmp.get("title")
    if isinstance(xmp_title, dict) and xmp_title:
        candidates.append(str(xmp_title.get("x-default") or next(iter(xmp_title.values()))))
    for candidate in candidates:
        candidate = _clean(candidate)
        if candidate and _sane_title(candidate):
            return candidate
    return ""


_JUNK_AUTHORS = {
    "administrator", "admin", "user", "owner", "author", "authors", "the author",
    "the authors", "unknown", "default", "guest", "root", "test", "me", "anonymous",
    "anonymous author", "anonymous authors", "anonymous submission", "name", "your name",
    "first author", "first last", "pc", "home", "windows user", "microsoft office user",
}
_AUTHOR_TOOL_RE = re.compile(
    r"latex|hyperref|pdftex|tex\b|acrobat|microsoft|\bword\b|openoffice|libreoffice|"
    r"www\.|https?:|@|\bsubmission\b|\bpaper id\b",
    re.IGNORECASE,
)


def _split_names(value: str) -> list[str]:
    """Names from an author field: "A B, C D and E F", "B, A; D, C" or "A B & C D"."""
    value = _clean(value)
    if ";" in value:
        parts = [p.strip() for p in value.split(";")]
        return [_flip(p) for p in parts if p]
    parts = [p.strip() for p in re.split(r",|\band\b|&", value) if p.strip()]
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(len(p.split()) == 1 for p in parts):
        # "Smith, Alice, Jones, Bob": last, first pairs
        return [f"{parts[i + 1]} {parts[i]}" for i in range(0, len(parts), 2)]
    return parts


def _flip(name: str) -> str:
    """"Last, First" -> "First Last"; other forms unchanged."""
    if name.count(",") == 1:
        last, first = (s.strip() for s in name.split(","))
        return f"{first} {last}" if first and last else last or first
    return name


def _name_like(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or any(c.isdigit() for c in name):
        return False
    return sum(c.isalpha() for c in name) >= 2


def _sane_authors(value: str) -> list[str]:
    """Authors from a metadata field, or [] when the field holds a login or a tool name."""
    value = _clean(value)
    if not value or value.casefold() in _JUNK_AUTHORS or _AUTHOR_TOOL_RE.search(value):
        return []
    names = _split_names(value)
    if not names or not all(_name_like(n) for n in names):
        return []
    if len(names) == 1 and len(names[0].split()) == 1:
        return []  # a lone word is a login name ("jsmith") far more often than an author
    return names


def _metadata_authors(document: _Document) -> list[str]:
    authors = _sane_authors(document.info.get("author", ""))
    if authors:
        return authors
    creators = document.xmp.get("creator")
    if isinstance(creators, list):
        names = [n for c in creators for n in _sane_authors(str(c))]
        if names:
            return names
    return []


def _metadata_year(document: _Document) -> int | None:
    match = re.match(r"^(?:D:)?\s*(\d{4})", document.info.get("creationdate", ""))
    year: int | None = int(match.group(1)) if match else None
    created = document.xmp.get("created")
    if year is None and created is not None and hasattr(created, "year"):
        year = created.year
    # PDF dates from before the format existed, or from the future, are clock errors.
    if year is not None and 1993 <= year <= date.today().year + 1:
        return year
    return None


def _metadata_keywords(document: _Document) -> str:
    keywords = document.info.get("keywords", "") or str(document.xmp.get("keywords", ""))
    if not keywords:
        subjects = document.xmp.get("subject")
        if isinstance(subjects, list):
            keywords = ", ".join(str(s) for s in subjects)
    keywords = _clean(keywords)
    # Some tools put the DOI or an id there; keywords are words.
    if not re.search(r"[^\W\d_]{3}", keywords) or _ID_LIKE_RE.match(keywords):
        return ""
    return keywords


def _metadata_abstract(document: _Document) -> str:
    """The Subject or XMP description, when it is prose (some publishers put the abstract
    there; most put a journal name or nothing)."""
    candidates = [document.info.get("subject", "")]
    description = document.xmp.get("description")
    if isinstance(description, dict) and description:
        candidates.append(str(description.get("x-default") or next(iter(description.values()))))
    for candidate in candidates:
        candidate = _clean(candidate)
        if len(candidate.split()) >= 25 and "." in candidate:
            return candidate
    return ""


# --- identifiers -----------------------------------------------------------------------

# arXiv's stamp: "arXiv:2401.12345v2 [cs.CL] 3 Jan 2024" (older: "arXiv:cs/0112017v1").
_STAMP_RE = re.compile(
    r"arXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)\s*"
    r"\[[^\]]{2,30}\]\s*\d{1,2}\s*[A-Z][a-z]{2,8}\s*\d{4}",
)
# Archives of old-style ids (before April 2007), so that "paper1234567.pdf" is no id.
_OLD_ARCHIVES = (
    "astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nucl-ex|nucl-th|quant-ph|"
    "physics|math|cs|nlin|q-bio|q-fin|stat|chao-dyn|solv-int|patt-sol|adap-org|comp-gas|"
    "chem-ph|alg-geom|dg-ga|funct-an|q-alg|mtrl-th|supr-con|acc-phys|ao-sci|atom-ph|"
    "bayes-an|plasm-ph|cmp-lg"
)
_FILE_ARXIV_RE = re.compile(
    rf"^(?:arxiv[-_. ]?)?(?:(\d{{4}}\.\d{{4,5}})"
    rf"|((?:{_OLD_ARCHIVES})(?:\.[a-z]{{2}})?)[_/]?(\d{{2}}(?:0[1-9]|1[0-2])\d{{3}}))(?:v\d+)?$",
    re.IGNORECASE,
)
_DOI_RE = re.compile(
    r"(?:doi\.org/|\bdoi\s*:?\s*)(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE
)


def _valid_new_arxiv(identifier: str) -> bool:
    """YYMM must be a month since the scheme began (April 2007)."""
    match = re.match(r"(\d{2})(\d{2})\.", identifier)
    return match is not None and 1 <= int(match.group(2)) <= 12 and identifier[:4] >= "0704"


def _stamp_arxiv_id(text: str) -> str:
    match = _STAMP_RE.search(text)
    if not match:
        return ""
    identifier = normalize_arxiv_id(match.group(1))
    if "." in identifier and "/" not in identifier and not _valid_new_arxiv(identifier):
        return ""
    return identifier


def _file_arxiv_id(stem: str) -> str:
    match = _FILE_ARXIV_RE.match(stem.strip())
    if not match:
        return ""
    if match.group(1):
        return match.group(1) if _valid_new_arxiv(match.group(1)) else ""
    return normalize_arxiv_id(f"{match.group(2)}/{match.group(3)}")


def _arxiv_year(identifier: str) -> int | None:
    match = re.match(r"(\d{2})(\d{2})\.\d{4,5}$", identifier) or re.search(
        r"/(\d{2})(\d{2})\d{3}$", identifier
    )
    if not match:
        return None
    yy = int(match.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy  # old-style ids start in 1991


def _find_doi(text: str) -> str:
    match = _DOI_RE.search(text)
    if not match:
        return ""
    doi = match.group(1).rstrip(".,;:")
    # A closing bracket belongs to the DOI only if it closes one opened inside it:
    # "(doi:10.1/abc)" vs "10.1002/(SICI)1097-4636(199706)".
    while doi and doi[-1] in ")]":
        opener = "(" if doi[-1] == ")" else "["
        if doi.count(opener) >= doi.count(doi[-1]):
            break
        doi = doi[:-1].rstrip(".,;:")
    return normalize_doi(doi)


# --- page text -------------------------------------------------------------------------

# Lines on page 1 that are never the title.
_HEADER_RE = re.compile(
    r"^(?:preprint\b|under review\b|published (?:as|in)\b|accepted (?:at|to|for|by|as)\b|"
    r"to appear\b|in proceedings\b|proceedings of\b|technical report\b|draft\b(?!-)|"
    r"arxiv preprint\b|copyright\b|©|\(c\) |submitted to\b|camera[- ]ready\b|"
    r"journal of\b|vol\.|volume \d|page \d|this (?:paper|work|article|version) )",
    re.IGNORECASE,
)
_VENUE_YEAR_RE = re.compile(
    r"\b(?:conference|proceedings|workshop|symposium|journal|transactions|ICLR|NeurIPS|NIPS|"
    r"ICML|ACL|EMNLP|NAACL|EACL|COLING|CVPR|ICCV|ECCV|AAAI|IJCAI|KDD|SIGIR|WWW|CHI|UAI|"
    r"AISTATS|COLT|TACL|JMLR|TMLR)\b.*\b(?:19|20)\d{2}\b"
)
# The abstract's heading, alone on its line or run in with punctuation ("Abstract. We",
# "Abstract—We", "ABSTRACT We"). "Abstract Syntax Notation" is not one.
_ABSTRACT_RE = re.compile(
    r"^(?:(?:Abstract|ABSTRACT|A B S T R A C T|a b s t r a c t)\s*$"
    r"|(?:Abstract|ABSTRACT)\s*[.:\u2014\u2013-]+\s*(.*)$"
    r"|ABSTRACT\s+(.*)$)"
)
# What ends an abstract: the first numbered heading ("1 Introduction", "I. INTRODUCTION"),
# an unnumbered "Introduction", or the keyword block many journals put after it.
_SECTION_RE = re.compile(
    r"^(?:1\.?\s+[A-Z]|I\.\s+[A-Z]"
    r"|(?i:(?:\d+(?:\.\d+)*\.?\s+)?(?:introduction|background|related work|motivation)\b)"
    r"|(?i:keywords|key words|index terms|ccs concepts|acm reference format|general terms|"
    r"mathematics subject classification)\b)"
)


def _is_junk_line(line: str) -> bool:
    """Stamps, running headers, venue lines, addresses and page numbers."""
    if line.lower().startswith("arxiv:") or _HEADER_RE.match(line):
        return True
    if len(line) <= 120 and _VENUE_YEAR_RE.search(line):
        return True
    if "@" in line or re.search(r"https?://|www\.", line, re.IGNORECASE):
        return True
    return len(line) < 3 or sum(c.isalpha() for c in line) < 3


def _font_title(spans: list[_Span], page_height: float,
                lines: list[str]) -> tuple[str, int]:
    """The largest-font text near the top of page 1, and the index of its last line in
    `lines`. ("", -1) when no text stands out by size."""
    if not spans:
        return "", -1
    sizes = Counter[float]()
    for span in spans:
        sizes[span.size] += len(span.text)
    body = sizes.most_common(1)[0][0]
    top = page_height * 0.4 if page_height else -math.inf
    candidates = [
        s for s in spans
        if s.y >= top and not _is_junk_line(s.text) and not _ABSTRACT_RE.match(s.text)
    ]
    if not candidates:
        return "", -1
    biggest = max(s.size for s in candidates)
    if biggest < body * 1.15:
        return "", -1
    chosen = {id(s) for s in candidates if s.size == biggest}
    start = next(i for i, s in enumerate(spans) if id(s) in chosen)
    picked = [spans[start]]
    for span in spans[start + 1:]:
        if abs(span.size - biggest) <= 0.5:
            if picked[-1].y - span.y > biggest * 2.5:
                break  # same size but far below: another block
            picked.append(span)
        elif sum(c.isalpha() for c in span.text) > 1:
            break  # footnote marks and superscripts may interrupt; words end the title
    title = _clean(" ".join(s.text for s in picked))
    end = _match_lines(lines, picked)
    if end is not None:
        # The page text has pypdf's word spacing, better than joining runs with spaces.
        first, last = end
        title = " ".join(lines[first:last + 1])
        return (title, last) if _plausible_title(title) else ("", -1)
    return (title, -1) if _plausible_title(title) else ("", -1)


def _match_lines(lines: list[str], picked: list[_Span]) -> tuple[int, int] | None:
    """Which consecutive lines of the page text the title runs make up."""
    blob = "".join("".join(s.text.split()) for s in picked)
    first = None
    for i, line in enumerate(lines):
        squeezed = "".join(line.split())
        if squeezed and squeezed in blob and len(squeezed) >= min(len(blob), 3):
            if first is None:
                first = i
        elif first is not None:
            return first, i - 1
    return (first, len(lines) - 1) if first is not None else None


def _plausible_title(title: str) -> bool:
    return 3 <= len(title) <= 300 and sum(c.isalpha() for c in title) >= 3


# A title line ending in one of these words continues on the next line.
_CONTINUES = {
    "a", "an", "the", "of", "for", "and", "or", "in", "on", "to", "with", "via", "from",
    "by", "at", "as", "into", "towards", "toward", "using", "through", "without", "is",
    "are", "under", "over", "beyond", "between", "versus", "vs",
}


def _first_lines_title(lines: list[str]) -> tuple[str, int]:
    """The first substantial line(s) of page 1, skipping stamps, headers and addresses."""
    for i, line in enumerate(lines[:30]):
        if _ABSTRACT_RE.match(line) or _SECTION_RE.match(line):
            return "", -1  # reached the body without a title
        if _is_junk_line(line) or len(line.split()) < 2:
            continue
        title, end = line, i
        if i + 1 < len(lines):
            following = lines[i + 1]
            last_word = line.rsplit(None, 1)[-1].casefold()
            joins = line.endswith((":", "-", "\u2013", "\u2014")) or last_word in _CONTINUES
            if (joins or following[:1].islower()) and not _is_junk_line(following):
                title = f"{line}{following}" if line.endswith("-") else f"{line} {following}"
                end = i + 1
        return (title, end) if _plausible_title(title) else ("", -1)
    return "", -1


# Affiliation words: a line with one is an address, not a list of names.
_AFFILIATION_RE = re.compile(
    r"\b(?:universit\w*|institut\w*|college|school|department|dept|faculty|laborator\w*|"
    r"lab|labs|research|center|centre|inc|ltd|corporation|corp|company|academy|foundation|"
    r"group|team|hospital|google|deepmind|microsoft|meta|openai|facebook|amazon|apple|"
    r"nvidia|ibm|baidu|alibaba|tencent|huawei|brain|ai)\b",
    re.IGNORECASE,
)
_NAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la",
                   "le", "bin", "ibn", "al", "dos", "das", "y", "ter", "ten"}
_MARKS = "*\u2217\u2020\u2021\u00a7\u00b6\u22c6\u2660\u2663\u2665\u2666#"


def _names_in_line(line: str) -> list[str] | None:
    """The names on an author line, or None unless every part reads as a person's name."""
    if _AFFILIATION_RE.search(line) or _is_junk_line(line):
        return None
    # Footnote marks and affiliation numbers glued to names: "Alice Smith1,2*".
    parts = [re.sub(rf"[{re.escape(_MARKS)}\d]+", " ", p) for p in re.split(r",|;|\band\b|&", line)]
    parts = [p for p in parts if p.strip()]
    names: list[str] = []
    for part in parts:
        words = part.split()
        given = [w for w in words if w.casefold() not in _NAME_PARTICLES]
        # Without separators, "Alice Smith Bob Jones" could be one name or two: not clear.
        if not 2 <= len(words) <= 4 or (len(parts) == 1 and len(given) > 3):
            return None
        for word in words:
            if word.casefold() in _NAME_PARTICLES:
                continue
            if not re.fullmatch(r"[^\W\d_][^\W\d_'.\-]*\.?", word) or not word[0].isupper():
                return None
        names.append(" ".join(words))
    return names or None


def _text_authors(lines: list[str], start: int) -> list[str]:
    """Names on the lines right after the title, when they are plainly a list of names.

    Stops at the first line that is not; gives up (returns []) if more name-like lines
    follow before the abstract, because then names and affiliations are interleaved and
    which is which is a guess.
    """
    authors: list[str] = []
    i = start
    while i < len(lines) and (names := _names_in_line(lines[i])):
        authors.extend(names)
        i += 1
    for line in lines[i:i + 15]:
        if _ABSTRACT_RE.match(line) or _SECTION_RE.match(line):
            break
        if _names_in_line(line):
            return []
    return authors


def _abstract(lines: list[str], title: str) -> str:
    """The paragraph after an "Abstract" heading, up to the next heading, or ""."""
    start = None
    first = ""
    for i, line in enumerate(lines):
        match = _ABSTRACT_RE.match(line)
        # "Abstract Representations of Code" is a title, not a heading with text after it.
        if match and line != title and not title.startswith(line):
            start, first = i, match.group(1) or match.group(2) or ""
            break
    if start is None:
        return ""
    body = [first] if first else []
    for line in lines[start + 1:]:
        if _SECTION_RE.match(line) or (body and _ends_abstract(line)):
            break
        body.append(line)
        if sum(len(b) for b in body) > 5000:
            return ""  # no heading ended it: not an abstract we can trust
    return _clean(" ".join(body))


def _ends_abstract(line: str) -> bool:
    """Page furniture that follows an abstract in the text when no heading does: a running
    footer ("Preprint. Under review."), a venue line, a footnote, a contact address.
    (A URL does not end it: "Code is at https://..." is common in abstracts.)"""
    if line.lower().startswith("arxiv:") or _HEADER_RE.match(line) or "@" in line:
        return True
    if len(line) <= 120 and _VENUE_YEAR_RE.search(line):
        return True
    return line[0] in _MARKS or bool(re.match(r"^\d\s?[A-Z][a-z]+ (?:contribution|author)", line))


# --- hyphenation -----------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_BREAK_RE = re.compile(r"(?<![\w-])([^\W\d_]+(?:-[^\W\d_]+)*)-[ \t]*\n[ \t]*([^\W\d_]+)")


def _dehyphenate_pages(pages: list[str]) -> list[str]:
    """Each page with `_dehyphenate` applied, the whole document serving as vocabulary."""
    if not any("-\n" in p or re.search(r"-[ \t]+\n", p) for p in pages):
        return pages
    vocabulary = {w.casefold() for p in pages for w in _WORD_RE.findall(p)}
    return [_dehyphenate(p, vocabulary) for p in pages]


def _dehyphenate(text: str, vocabulary: set[str] | None = None) -> str:
    """Undo hyphenation at line ends where the document itself says how the word is spelt.

    "trans-\\nformer" becomes "transformer" when "transformer" occurs elsewhere in the text,
    and "self-\\nattention" becomes "self-attention" when that spelling does; a break with
    no such evidence is left alone, since guessing would glue real compounds together.
    """
    if "-\n" not in text and not re.search(r"-[ \t]+\n", text):
        return text
    if vocabulary is None:
        vocabulary = {w.casefold() for w in _WORD_RE.findall(text)}

    def repair(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        if not right[0].islower():
            return match.group(0)
        head = left.rsplit("-", 1)[-1]
        if f"{head}{right}".casefold() in vocabulary:
            return f"{left}{right}"
        if f"{head}-{right}".casefold() in vocabulary:
            return f"{left}-{right}"
        return match.group(0)

    return _BREAK_RE.sub(repair, text)


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
