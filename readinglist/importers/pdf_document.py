"""What pypdf gives for a PDF file: the text of its pages, page 1's text runs with their
font sizes and heights, and the Info and XMP metadata; plus the capture of what pypdf logs
while it reads, to quote when a file turns out to be broken.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pypdf import PasswordType, PdfReader

from .pdf_text import _clean

ENCRYPTED = "encrypted: needs a password, not imported"


# ---------------------------------------------------------------------------------------
# pypdf's log messages
#
# pypdf reports what it repairs in broken files through the "pypdf" logger ("EOF marker
# not found", "Ignoring wrong pointing object"...). During an import those messages are
# noise on the console, but they are also the best description of what is wrong with a
# file. So while a PDF is read (inside `_pypdf_messages`), the messages logged on the
# reading thread are collected (to quote in the problem) instead of printed; at any other
# time, or from other threads, they go on to the root logger's handlers as if the logger
# propagated normally.


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


def _read(data: bytes, max_text: int) -> _Document:
    """The pages' text, page 1's runs and the metadata; pages past `max_text` characters
    of text are not read (the caller keeps no more than that)."""
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
        if collected > max_text:
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
