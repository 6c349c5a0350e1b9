"""BibTeX conventions shared by the BibTeX importer and exporter."""

from __future__ import annotations


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
