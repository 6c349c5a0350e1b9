"""BibTeX conventions shared by the BibTeX importer and exporter."""

from __future__ import annotations

# Identifiers, numbers and paths: kept as written (only the enclosing braces go), so
# "pages = {1--10}" exports back unchanged. Every other field is prose and decoded.
RAW_FIELDS = frozenset({
    "pages", "doi", "url", "eprint", "eprinttype", "archiveprefix", "primaryclass",
    "eprintclass", "isbn", "issn", "isrn", "file", "pdf", "urldate", "date", "year",
    "eventdate", "origdate", "volume", "number", "issue", "crossref", "xref", "xdata", "ids",
    "pmid", "pmcid", "mrnumber", "zmnumber", "lccn", "arxivid", "timestamp", "owner",
    "creationdate", "modificationdate", "key", "citeulike-article-id",
})  # fmt: skip


def is_raw(name: str) -> bool:
    """A field whose value is kept as written (identifiers, numbers, dates, paths)."""
    return name in RAW_FIELDS or "url" in name or name.startswith(("bdsk-", "file"))


def venue_field(entry_type: str) -> str:
    """Which BibTeX field holds the venue (journal, proceedings, school ...) for a type."""
    if entry_type in ("article", "periodical"):
        return "journal"
    # Book-like containers too: a publisher is not a venue (it stays a field of its own).
    if entry_type in ("inproceedings", "conference", "incollection", "inbook", "book",
                      "proceedings", "collection"):
        return "booktitle"
    if entry_type in ("phdthesis", "mastersthesis", "thesis"):
        return "school"
    if entry_type in ("techreport", "report"):
        return "institution"
    return "howpublished"


def is_organisation(author: str) -> bool:
    """Braced ("{Google DeepMind}") or a single word ("OpenAI"): not split into parts."""
    author = author.strip()
    braced = author.startswith("{") and author.endswith("}") and balanced(author[1:-1])
    return braced or len(author.split()) <= 1


def plain_author(author: str) -> str:
    """The author as a person reads it: organisation braces dropped."""
    author = author.strip()
    if author.startswith("{") and author.endswith("}") and balanced(author[1:-1]):
        return author[1:-1].strip()
    return author


def balanced(text: str) -> bool:
    """Braces as BibTeX counts them (escaped ones too): balanced, never closing early."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
