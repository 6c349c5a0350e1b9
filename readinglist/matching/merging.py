"""What merging a duplicate into a paper changes: pure functions, no I/O.

The rule, for imports and for the "find duplicates" view alike: empty fields are filled
from the other copy, tags are added, nothing already there is overwritten. Notes are the
one exception, and only when merging two papers of the library: both are the user's own
words, so they are kept one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain import Paper, PaperRecord

# Fields filled when the paper has none and the duplicate has one, in report order.
FILLABLE = ("authors", "year", "venue", "arxiv_id", "doi", "url", "abstract", "entry_type",
            "links")
# Where a paper added by identifier alone says its details are still to come.
PLACEHOLDER_SOURCE = "identifier (details not fetched yet)"
NOTE_SEPARATOR = "\n\n---\n\n"


@dataclass
class FillPlan:
    """The changes that bring a duplicate's information into an existing paper."""

    fields: dict[str, Any] = field(default_factory=dict)  # for update_fields()
    tags: list[str] = field(default_factory=list)  # tags to add
    files: list[str] = field(default_factory=list)  # files to attach
    fulltext: str = ""  # full text to store, when the paper has none
    new_extra: tuple[str, ...] = ()  # names of the extra fields added

    def filled(self) -> tuple[str, ...]:
        """Names of what changed, for reports ("abstract", "tags", "attachment" ...)."""
        names = [name for name in self.fields if name not in ("source", "extra")]
        names += sorted(self.new_extra)
        if self.tags:
            names.append("tags")
        if self.files:
            names.append("attachment")
        if self.fulltext:
            names.append("full text")
        return tuple(names)

    def __bool__(self) -> bool:
        return bool(self.fields or self.tags or self.files or self.fulltext)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == []


def plan_fill(existing: Paper, record: PaperRecord, has_fulltext: bool,
              merge_notes: bool = False) -> FillPlan:
    """What `record` (a duplicate of `existing`) adds to it.

    `merge_notes`: keep both notes (merging two papers of the library); otherwise the
    record's note is used only when the paper has none (an import never overwrites).
    """
    plan = FillPlan()
    # Added by identifier while offline, or imported untitled and named by its DOI or
    # arXiv id: the fetched (or a fuller) record brings the real title.
    stand_in = existing.title in {existing.doi, f"arXiv:{existing.arxiv_id}"}
    placeholder = existing.source == PLACEHOLDER_SOURCE
    if (placeholder or stand_in) and record.title and record.source != PLACEHOLDER_SOURCE and (
            record.title not in {existing.title, record.doi, f"arXiv:{record.arxiv_id}"}):
        plan.fields["title"] = record.title
        if placeholder:
            plan.fields["source"] = record.source
    for name in FILLABLE:
        mine, theirs = getattr(existing, name), getattr(record, name)
        if _empty(mine) and not _empty(theirs):
            plan.fields[name] = list(theirs) if isinstance(theirs, list | tuple) else theirs
    if existing.rating is None and record.rating:
        plan.fields["rating"] = record.rating
    if existing.priority.value == "normal" and record.priority not in ("", "normal"):
        plan.fields["priority"] = record.priority
    new_extra = {k: v for k, v in record.extra.items() if k not in existing.extra and v}
    if new_extra:
        plan.fields["extra"] = {**existing.extra, **new_extra}
        plan.new_extra = tuple(new_extra)
    if record.note.strip() and record.note.strip() not in existing.note:
        if not existing.note.strip():
            plan.fields["note"] = record.note
        elif merge_notes:
            plan.fields["note"] = existing.note.rstrip() + NOTE_SEPARATOR + record.note.strip()
    have = {t.casefold() for t in existing.tags}
    plan.tags = [t for t in dict.fromkeys(record.tags) if t.casefold() not in have]
    attached = {a.path for a in existing.attachments}
    plan.files = [f for f in record.files if f not in attached]
    if record.fulltext and not has_fulltext:
        plan.fulltext = record.fulltext
    return plan


def record_from_paper(paper: Paper, fulltext: str = "") -> PaperRecord:
    """A paper of the library seen as an import record (to merge it into another)."""
    return PaperRecord(
        title=paper.title,
        authors=list(paper.authors),
        year=paper.year,
        venue=paper.venue,
        arxiv_id=paper.arxiv_id,
        doi=paper.doi,
        url=paper.url,
        abstract=paper.abstract,
        links=list(paper.links),
        source=paper.source,
        tags=list(paper.tags),
        entry_type=paper.entry_type,
        citation_key=paper.citation_key,
        extra=dict(paper.extra),
        note=paper.note,
        status=paper.status.value,
        priority=paper.priority.value,
        rating=paper.rating,
        fulltext=fulltext,
    )
