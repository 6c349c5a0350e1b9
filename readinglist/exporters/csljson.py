"""CSL-JSON export, as Zotero, pandoc and citeproc read it.

Each paper becomes one item; ``id`` (and ``citation-key``) is the paper's citation key, the
same one the BibTeX export writes, so pandoc documents can cite either file. Text stays
plain Unicode (CSL-JSON has no markup to escape). An arXiv id also goes into ``note`` as an
"arXiv: ID" line, the way Zotero records it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from ..domain import Paper
from . import ExportContext, export_keys, split_author

# BibTeX / biblatex entry type -> CSL type.
_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "book": "book",
    "collection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}
_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# Other BibTeX fields (from Paper.extra) that CSL has a variable for.
_VARIABLES = {
    "volume": "volume",
    "issue": "issue",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "isbn": "ISBN",
    "issn": "ISSN",
    "edition": "edition",
    "series": "collection-title",
    "chapter": "chapter-number",
    "language": "language",
    "eventtitle": "event-title",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "version": "version",
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def export(papers: Iterable[Paper], context: ExportContext | None = None) -> str:
    """The papers as a CSL-JSON array (UTF-8 text, indented)."""
    papers = list(papers)
    items = [item(p, key) for p, key in zip(papers, export_keys(papers), strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def csl_type(paper: Paper) -> str:
    entry_type = paper.entry_type.strip().lower()
    if entry_type in _TYPES:
        return _TYPES[entry_type]
    # misc, or no type at all: an arXiv paper is a preprint (CSL "article"); else a document.
    return "article" if paper.arxiv_id else "document"


def item(paper: Paper, key: str) -> dict[str, Any]:
    """One paper as a CSL-JSON item (empty variables left out)."""
    extra = {str(k).lower(): str(v).strip() for k, v in paper.extra.items() if v is not None}
    kind = csl_type(paper)
    entry_type = paper.entry_type.strip().lower()
    data: dict[str, Any] = {"id": key, "citation-key": key, "type": kind, "title": paper.title}
    authors = [_csl_name(a) for a in paper.authors if a.strip()]
    if authors:
        data["author"] = authors
    editors = [_csl_name(e) for e in re.split(r"\s+and\s+", extra.get("editor", "")) if e]
    if editors:
        data["editor"] = editors
    if paper.year is not None:
        parts = [paper.year]
        month = _month(extra.get("month", ""))
        if month:
            parts.append(month)
        data["issued"] = {"date-parts": [parts]}

    container = paper.venue or extra.get("journal") or extra.get("journaltitle")
    container = container or extra.get("booktitle", "")
    if container:
        if kind in ("thesis", "report") or entry_type in ("book", "proceedings", "collection"):
            # The venue of a thesis or report is who published it, not a container.
            data["publisher"] = container
        else:
            data["container-title"] = container
    for name, variable in _VARIABLES.items():
        if extra.get(name) and variable not in data:
            data[variable] = extra[name]
    if extra.get("number"):
        # A journal's "number" is its issue; a report's is the report number.
        data["issue" if kind == "article-journal" and "issue" not in data else "number"] = (
            extra["number"]
        )
    if extra.get("pages"):
        data["page"] = re.sub(r"\s*(--|–|—)\s*", "-", extra["pages"])
    if "publisher" not in data:
        for name in ("school", "institution", "organization"):
            if extra.get(name):
                data["publisher"] = extra[name]
                break
    if entry_type in _GENRES:
        data["genre"] = _GENRES[entry_type]
    if paper.abstract:
        data["abstract"] = paper.abstract
    if paper.doi:
        data["DOI"] = paper.doi
    if paper.url:
        data["URL"] = paper.url
    if paper.arxiv_id and kind == "article":
        # How Zotero exports a preprint: the repository as publisher, the id as number.
        data.setdefault("publisher", "arXiv")
        data.setdefault("number", f"arXiv:{paper.arxiv_id}")
    if paper.tags:
        data["keyword"] = ", ".join(paper.tags)
    notes = [paper.note.strip(), extra.get("note", "")]
    if paper.arxiv_id:
        notes.append(f"arXiv: {paper.arxiv_id}")
    note = "\n".join(n for n in notes if n)
    if note:
        data["note"] = note
    return data


def _csl_name(author: str) -> dict[str, str]:
    name = split_author(author)
    if name.literal:
        return {"literal": name.literal}
    result = {"family": name.family, "given": name.given}
    if name.particle:
        result["non-dropping-particle"] = name.particle
    if name.suffix:
        result["suffix"] = name.suffix
    return {k: v for k, v in result.items() if v}


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value[:3]) if value[:3].isalpha() else None
