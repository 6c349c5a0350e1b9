"""Authors and papers as short display text: "Vaswani, Shazeer, Parmar et al.",
"Vaswani et al.", "Attention Is All You Need #12, 2017, Vaswani et al.".

Pure text (no Qt, no I/O), so the GUI, the CLI and the exporters can share it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import Paper
from .bibliography import is_organisation, plain_author
from .citation_keys import family_name


def format_authors(authors: Sequence[str], limit: int = 3) -> str:
    """The first `limit` authors as written, then "et al." (the paper table's column).

    Names are joined with ", " unchanged: organisation braces stay, and a "Last, First"
    name reads as two names.
    """
    if len(authors) > limit:
        return ", ".join(authors[:limit]) + " et al."
    return ", ".join(authors)


def short_authors(authors: Sequence[str]) -> str:
    """"Vaswani", "Vaswani & Shazeer", "Vaswani et al."; organisations stay whole."""

    def name(author: str) -> str:
        return plain_author(author) if is_organisation(author) else family_name(author)

    names = [name(a) for a in authors if a.strip()]
    if len(names) <= 1:
        return names[0] if names else ""
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."


def paper_text(paper: Paper) -> str:
    """One line for a table cell: "Title #12, 2017, Vaswani et al."."""
    parts = [f"{' '.join(paper.title.split())} #{paper.id}"]
    if paper.year is not None:
        parts.append(str(paper.year))
    authors = short_authors(paper.authors)
    if authors:
        parts.append(authors)
    return ", ".join(parts)


def paper_details(paper: Paper) -> str:
    """A paper's identifying fields, one per line (for a tooltip)."""
    lines = [paper.title, ", ".join(plain_author(a) for a in paper.authors)]
    lines += [
        f"{label}: {value}"
        for label, value in (
            ("Year", paper.year),
            ("Venue", paper.venue),
            ("DOI", paper.doi),
            ("arXiv", paper.arxiv_id),
            ("Tags", ", ".join(paper.tags)),
            ("Status", paper.status.label),
        )
        if value
    ]
    return "\n".join(line for line in lines if line)
