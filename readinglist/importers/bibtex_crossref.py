"""``crossref`` and ``xdata`` inheritance: a child entry takes the fields it lacks from its
parents, as BibTeX and BibLaTeX do, except those that name the parent itself."""

from __future__ import annotations

from .bibtex_records import RawEntry

# What a child takes from its crossref parent in BibTeX is every field it lacks; these
# belong to the parent alone (its own identity, or the user's notes on it). Without this
# every paper of a proceedings volume would get the volume's DOI and be merged into one.
_NOT_INHERITED = frozenset({
    "title", "subtitle", "titleaddon", "shorttitle", "sorttitle", "ids", "crossref", "xref",
    "xdata", "entryset", "label", "shorthand", "sortkey", "doi", "url", "urldate", "eprint",
    "eprinttype", "archiveprefix", "primaryclass", "eprintclass", "abstract", "file", "pdf",
    "note", "annote", "annotation", "comment", "keywords", "readstatus",
    "readinglist-status", "pages", "owner", "timestamp", "creationdate", "modificationdate",
    "groups", "ranking", "priority", "relevance", "qualityassured", "printed", "pmid",
    "pmcid", "arxivid",
})  # fmt: skip
_MAX_INHERITANCE_DEPTH = 20  # real chains are 1-2 deep; this keeps recursion bounded


def inherit_all(entries: list[RawEntry]) -> None:
    """Give children the fields they lack from their ``xdata`` and ``crossref`` parents
    (keys compared case-insensitively, as BibTeX does)."""
    by_key = {e.key.lower(): e for e in entries}
    done: set[int] = set()

    def resolve(entry: RawEntry, chain: tuple[str, ...]) -> None:
        if id(entry) in done:
            return
        done.add(id(entry))
        if len(chain) > _MAX_INHERITANCE_DEPTH:
            entry.warnings.append("crossref/xdata chain too long; the rest was not followed")
            return
        for ref in _split_keys(entry.fields.get("xdata", "")):
            parent = _parent(entry, ref, by_key, chain, "xdata")
            if parent is not None:
                resolve(parent, (*chain, entry.key.lower()))
                for name, value in parent.fields.items():
                    if name not in ("ids", "xdata"):
                        entry.fields.setdefault(name, value)
        ref = entry.fields.get("crossref", "").strip()
        if ref:
            parent = _parent(entry, ref, by_key, chain, "crossref")
            if parent is not None:
                resolve(parent, (*chain, entry.key.lower()))
                _inherit(entry, parent)

    for entry in entries:
        resolve(entry, ())


def _split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def _parent(
    entry: RawEntry, ref: str, by_key: dict[str, RawEntry], chain: tuple[str, ...], kind: str
) -> RawEntry | None:
    parent = by_key.get(ref.lower())
    if parent is None:
        entry.warnings.append(f"{kind} '{ref}' is not in the file; imported without its fields")
        return None
    if parent is entry or ref.lower() in chain:
        entry.warnings.append(f"{kind} '{ref}' refers back to this entry; ignored")
        return None
    parent.is_parent = True
    if kind == "crossref":
        entry.parent_title = parent.fields.get("title", "")
    return parent


def _inherit(child: RawEntry, parent: RawEntry) -> None:
    for name, value in parent.fields.items():
        if name not in _NOT_INHERITED:
            child.fields.setdefault(name, value)
    # A paper in a proceedings volume or book takes the volume's title as its booktitle
    # (BibLaTeX's rule; BibTeX files usually spell out booktitle in the parent too).
    if child.entry_type != "article" and "booktitle" not in child.fields:
        title = parent.fields.get("title", "")
        if title.strip():
            child.fields["booktitle"] = title
