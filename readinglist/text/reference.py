"""A paper as a formatted reference and as a web link, in plain text.

`reference` writes an APA-like line ("Vaswani, A., & Shazeer, N. (2017). Attention Is All
You Need. NeurIPS. https://doi.org/10.x"); the title is kept as written (APA's sentence
case would lower proper nouns and acronyms). `web_link` is the page a paper opens in a
browser. Pure text: no Qt, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..domain import Paper
from .bibliography import is_organisation, plain_author
from .citation_keys import family_name

APA_MAX_AUTHORS = 20  # APA 7: up to 20 names; beyond, the first 19, "…", the last
_SUFFIX = re.compile(r"(?:,\s*|\s+)(Jr\.?|Sr\.?|II|III|IV)$")


def doi_link(doi: str) -> str:
    return f"https://doi.org/{doi.strip()}" if doi.strip() else ""


def arxiv_link(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id.strip()}" if arxiv_id.strip() else ""


def web_link(paper: Paper) -> str:
    """The paper's page: its URL, else its DOI's, else its arXiv abstract ("" if none)."""
    return paper.url.strip() or doi_link(paper.doi) or arxiv_link(paper.arxiv_id)


def _initials(given: str) -> str:
    """"Ashish" -> "A.", "Jean-Pierre" -> "J.-P.", "Harry L." -> "H. L."."""
    words = []
    for word in given.replace(".", ". ").split():
        parts = [p for p in word.split("-") if p]
        if parts:
            words.append("-".join(f"{p[0].upper()}." for p in parts))
    return " ".join(words)


def apa_author(author: str) -> str:
    """"Ashish Vaswani" or "Vaswani, Ashish" -> "Vaswani, A."; organisations whole."""
    author = " ".join(author.split())
    if is_organisation(author):
        return plain_author(author)
    match = _SUFFIX.search(author)
    suffix = match.group(1) if match else ""
    name = author[: match.start()] if match else author
    family = family_name(name)
    if "," in name:
        given = name.split(",", 1)[1]
    else:
        given = name[: len(name) - len(family)] if name.endswith(family) else ""
    initials = _initials(given)
    text = f"{family}, {initials}" if initials else family
    return f"{text}, {suffix}" if suffix else text


def apa_authors(authors: Sequence[str]) -> str:
    """The author list as APA writes it: "A, B, & C"; past 20, the first 19, "…", last."""
    names = [apa_author(a) for a in authors if a.strip()]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) > APA_MAX_AUTHORS:
        return ", ".join(names[: APA_MAX_AUTHORS - 1]) + ", … " + names[-1]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _sentence(text: str) -> str:
    """The text as a sentence: a full stop added unless it ends in one (or ? or !)."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".?!" else text + "."


def reference(paper: Paper) -> str:
    """One reference line: "Authors (Year). Title. Venue. Link" (the parts it has;
    the link is the DOI's, else the URL, else the arXiv page)."""
    year = f"({paper.year})." if paper.year is not None else "(n.d.)."
    authors = apa_authors(paper.authors)
    title = _sentence(paper.title)
    # No author: APA moves the title to the author's place.
    parts = [f"{authors} {year}", title] if authors else [title, year]
    if paper.venue.strip():
        parts.append(_sentence(paper.venue))
    link = doi_link(paper.doi) or paper.url.strip() or arxiv_link(paper.arxiv_id)
    if link:
        parts.append(link)
    return " ".join(p for p in parts if p)
