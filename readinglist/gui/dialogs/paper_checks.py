"""What the paper editor checks as the user types, and how it turns its text boxes into
the values the library stores. Pure text work (no Qt): each check returns the value to
store and a problem to show beside the field ("" when there is none)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ...domain import ReadinglistError
from ...library.importing import check_year
from ...lookup.identifiers import parse_identifier
from ...text.citation_keys import clean_key
from ...text.normalize import normalize_doi

# The entry types BibTeX and biblatex styles know; the box also takes any other word.
ENTRY_TYPES = (
    "article", "inproceedings", "incollection", "book", "inbook", "booklet", "phdthesis",
    "mastersthesis", "techreport", "manual", "proceedings", "online", "unpublished", "misc",
)
# BibTeX fields with a box of their own in the editor (kept in the paper's `extra`).
OWN_BOXES = ("volume", "number", "pages", "publisher")
# As the BibTeX export accepts them (exporters/bibtex.py): other names are not written.
_ENTRY_TYPE = re.compile(r"[a-z][a-z0-9_-]*")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_:.+-]*")

Checked = tuple[object, str]  # (the value to store, the problem: "" if none)


def check_title(text: str) -> tuple[str, str]:
    title = " ".join(text.split())
    return title, "" if title else "A paper needs a title"


def split_authors(text: str) -> list[str]:
    """One author a line, in order; blank lines are skipped."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def check_year_text(text: str) -> tuple[int | None, str]:
    try:
        return check_year(text.strip()), ""
    except ReadinglistError:
        return None, "A year is a number like 2024"


def check_doi(text: str) -> tuple[str, str]:
    """A DOI in any usual spelling (doi:…, https://doi.org/…), stored bare and lower-case."""
    text = text.strip()
    if not text:
        return "", ""
    doi = normalize_doi(text).rstrip(".,;")
    # parse_identifier counts an arXiv DOI (10.48550/arXiv.…) as the arXiv id: still a DOI.
    if parse_identifier(text) is None or not doi.startswith("10."):
        return text, "Not a DOI: a DOI looks like 10.1234/abc (or https://doi.org/10.1234/abc)"
    return doi, ""


def check_arxiv(text: str) -> tuple[str, str]:
    """An arXiv id in any usual spelling (arXiv:…, an arxiv.org link), stored bare."""
    text = text.strip()
    if not text:
        return "", ""
    found = parse_identifier(text)
    if found is None or found.kind != "arxiv":
        return text, "Not an arXiv id: one looks like 2401.12345 or hep-th/9711200"
    return found.value, ""


def check_entry_type(text: str) -> tuple[str, str]:
    entry_type = text.strip().lower()
    if entry_type and not _ENTRY_TYPE.fullmatch(entry_type):
        return entry_type, "An entry type is one word, like article or inproceedings"
    return entry_type, ""


def check_citation_key(text: str, required: bool, taken: bool) -> tuple[str, str]:
    """`required`: the paper has a key to keep (a new paper gets one made when empty);
    `taken`: another paper has this key."""
    key = text.strip()
    if not key:
        return "", "A citation key cannot be empty" if required else ""
    if clean_key(key) != key:
        return key, 'A citation key has no spaces and none of , { } ( ) " # % = \\ ~'
    return key, "Another paper (perhaps one in the Trash) has this key" if taken else ""


def check_extra(rows: Iterable[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """The other BibTeX fields from the table's (name, value) rows: names lower-cased,
    rows without a value dropped."""
    extra: dict[str, str] = {}
    for raw_name, raw_value in rows:
        name, value = raw_name.strip().lower(), raw_value.strip()
        if not name and not value:
            continue
        if not name:
            return extra, "A field needs a name"
        if not _FIELD_NAME.fullmatch(name):
            return extra, f"“{name}” is not a BibTeX field name (letters, digits, - _ : . +)"
        if name in extra or name in OWN_BOXES:
            what = "has its own box above" if name in OWN_BOXES else "is there twice"
            return extra, f"The field “{name}” {what}"
        if value:
            extra[name] = value
    return extra, ""


def without_empty(extra: Mapping[str, object]) -> dict[str, str]:
    """A paper's extra fields as the editor would write them back (empty ones dropped)."""
    return {str(k).lower(): str(v).strip() for k, v in extra.items() if str(v).strip()}
