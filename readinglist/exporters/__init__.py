"""Exporters: one module per format, each ``export(papers, context) -> str``.

An exporter is a pure function from domain ``Paper`` objects to text: it never touches the
library. What the library knows about a paper but ``Paper`` does not hold (its status
history) travels in an ``ExportContext``. ``FORMATS`` names every format for the CLI and
the GUI.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from ..domain import Paper, StatusChange
from ..text.bibliography import is_organisation, plain_author
from ..text.citation_keys import base_key, clean_key, unique_key


@dataclass(frozen=True)
class ExportContext:
    """Extras for an export that ``Paper`` does not carry."""

    # Status changes by paper id, oldest first (Library.history(paper_id)).
    history: Mapping[int, Sequence[StatusChange]] = field(default_factory=dict)
    generated: datetime | None = None  # when the export was made (Markdown header)
    title: str = "Reading list"  # Markdown document title
    include_abstracts: bool = False  # Markdown: print each paper's abstract


Exporter = Callable[[Iterable[Paper], ExportContext | None], str]


class ExportFormat(NamedTuple):
    """A format of the registry below: its module in this package, imported on the first
    export (so that naming the formats, as `readinglist --help` does, imports none)."""

    module: str  # the module of this package that writes it (its `export`)
    extension: str  # default file extension, with the dot
    description: str

    @property
    def export(self) -> Exporter:
        """The module's ``export(papers, context) -> str``."""
        exporter: Exporter = importlib.import_module(f"{__name__}.{self.module}").export
        return exporter


# --- Helpers shared by several formats -------------------------------------------------

# "Jr.", "III"; a lone "V" only after a comma ("Apu V" is a name with an initial).
_SUFFIX = re.compile(
    r"^(?P<name>.+?)(?:(?:,\s*|\s+)(?P<suffix>(?:Jr|Sr)\.?|II|III|IV)|,\s*(?P<five>V))$")


@dataclass(frozen=True)
class PersonName:
    """An author split into BibTeX's name parts; ``literal`` for an organisation."""

    given: str = ""
    particle: str = ""  # the "von" part: van, de la ...
    family: str = ""
    suffix: str = ""  # Jr., III
    literal: str = ""  # kept whole: "Google DeepMind", "Plato"


def split_author(author: str) -> PersonName:
    """Split a display name ("Ludwig van Beethoven", "Martin Luther King Jr.", "Müller, Jörg")
    into parts the way BibTeX does (lower-case words before the last name are the particle).
    """
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    author = " ".join(author.split())
    if is_organisation(author):
        return PersonName(literal=plain_author(author))
    suffix = ""
    match = _SUFFIX.match(author)
    # "King, Jr., Martin" (BibTeX's own order) has two commas: the parser reads it right.
    if match and match.group("name").count(",") == 0:
        author, suffix = match.group("name"), match.group("suffix") or match.group("five")
    try:
        parts = parse_single_name_into_parts(author, strict=False)
    except Exception:  # a name the parser rejects is still a name: keep it whole
        return PersonName(literal=author)
    if not parts.last:
        return PersonName(literal=author)
    return PersonName(
        given=" ".join(parts.first),
        particle=" ".join(parts.von),
        family=" ".join(parts.last),
        suffix=suffix or " ".join(parts.jr),
    )


def paper_value(paper: Paper, name: str) -> str:
    """An optional attribute as text ("" when the paper has none): priority and rating,
    which Paper is gaining; an enum gives its value."""
    value = getattr(paper, name, None)
    if value is None:
        return ""
    return str(getattr(value, "value", value))




def export_keys(papers: Sequence[Paper]) -> list[str]:
    """One citation key per paper, unique within the export (case-insensitively, as BibTeX
    compares them) and the same for the same input.

    A paper keeps its own key; a paper without one, or whose key an earlier paper in the
    export already uses, gets a fresh author-year-word key that no paper here claims.
    """
    own = [clean_key(p.citation_key) for p in papers]
    used: set[str] = set()
    keep: list[bool] = []
    for key in own:
        keep.append(bool(key) and key.casefold() not in used)
        if key:
            used.add(key.casefold())
    keys: list[str] = []
    for paper, key, kept in zip(papers, own, keep, strict=True):
        if not kept:
            key = unique_key(
                base_key(paper.title, paper.authors, paper.year),
                lambda k: k.casefold() in used,
            )
            used.add(key.casefold())
        keys.append(key)
    return keys


# --- The registry ------------------------------------------------------------------------
# By module name: each module is imported on its first export (ExportFormat.export).

FORMATS: dict[str, ExportFormat] = {
    "bibtex": ExportFormat("bibtex", ".bib", "BibTeX (JabRef, Zotero, biber)"),
    "csljson": ExportFormat("csljson", ".json", "CSL-JSON (Zotero, pandoc, citeproc)"),
    "csv": ExportFormat("csv_table", ".csv", "CSV table (spreadsheets)"),
    "markdown": ExportFormat("markdown", ".md", "Markdown reading list"),
    "ris": ExportFormat("ris", ".ris", "RIS (EndNote, Zotero, Mendeley)"),
    # The owner adds "json" (Readinglist's own format, readinglist_json.export) here.
}

if not TYPE_CHECKING:  # hidden from mypy, which would take every name for defined

    def __getattr__(name: str) -> object:
        """The modules of this package (`exporters.bibtex`), imported on first use
        (PEP 562), as they were when this package imported them all."""
        if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
