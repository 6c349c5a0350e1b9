"""Whether a file is a PDF, from its first kilobyte: without importing pypdf, so that
telling a .bib from a PDF (every import of a file without the .pdf suffix asks) costs
nothing."""

from __future__ import annotations

MAGIC = b"%PDF-"
SNIFF = 1024  # readers accept the header anywhere in the first kilobyte


def looks_like_bytes(head: bytes) -> bool:
    """True when the first bytes of a file carry the PDF header."""
    return MAGIC in head[:SNIFF]
