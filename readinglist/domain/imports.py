"""What an import did, entry by entry: outcomes, problems, the report."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntryProblem:
    """One entry an importer could not read, with where and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


class Outcome(enum.StrEnum):
    """What an import did with one entry (the report's filter)."""

    ADDED = "added"
    PRESENT = "already present"  # the library has it; nothing changed
    MERGED = "merged"  # the library has it; empty fields were filled in
    POSSIBLE = "possible duplicate"  # added as its own paper, listed for review
    FAILED = "failed"
    WARNING = "warning"


@dataclass(frozen=True)
class ReportEntry:
    """One line of an import report: an entry, where it came from and what became of it."""

    outcome: Outcome
    source: str
    line: int | None
    key: str = ""  # the entry's citation key or RIS ID, if it had one
    paper_id: int | None = None  # the paper it became or was found to be
    title: str = ""
    detail: str = ""  # why: the reason of a failure, the fields merged, the other paper
    other_id: int | None = None  # a possible duplicate: the paper it may be the same as

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome.value, "source": self.source, "line": self.line,
            "key": self.key, "id": self.paper_id, "title": self.title,
            "detail": self.detail, "other_id": self.other_id,
        }


@dataclass
class ImportReport:
    """What an import did: one list per outcome, so callers can print or show each entry."""

    added: list[tuple[int, str]] = field(default_factory=list)  # (paper id, title)
    # Duplicates of papers already in the library that brought something new:
    # (existing id, title, names of the fields filled in).
    merged: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    # Duplicates that brought nothing new: (existing id, title).
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    failed: list[EntryProblem] = field(default_factory=list)
    warnings: list[EntryProblem] = field(default_factory=list)
    cancelled: bool = False
    # Files that could not be read at all (missing, unknown format, not text): messages.
    unreadable: list[str] = field(default_factory=list)
    # Added papers that may be the same work as another: (new id, other id, why).
    possible: list[tuple[int, int, str]] = field(default_factory=list)
    # Every entry that became a paper or was found in the library, in file order, with
    # its source, line and key (failures and warnings are in `failed` and `warnings`).
    entries: list[ReportEntry] = field(default_factory=list)

    def summary(self) -> str:
        merged = f"{len(self.merged)} merged into existing papers, " if self.merged else ""
        count = len(self.possible)
        possible = (f" ({count} of them possible duplicate{'s' if count != 1 else ''} to "
                    "review)" if count else "")
        text = (
            f"{len(self.added)} added{possible}, {merged}{len(self.duplicates)} already "
            f"present, {len(self.failed)} failed"
        )
        return text + (" (cancelled: nothing was imported)" if self.cancelled else "")

    def all_entries(self) -> list[ReportEntry]:
        """Every line of the report (papers, failures, warnings), file by file in order."""
        problems = [
            ReportEntry(outcome, p.source, p.line, detail=p.reason)
            for outcome, group in ((Outcome.FAILED, self.failed),
                                   (Outcome.WARNING, self.warnings))
            for p in group
        ]
        order = {source: n for n, source in enumerate(
            dict.fromkeys(e.source for e in [*self.entries, *problems]))}
        return sorted([*self.entries, *problems],
                      key=lambda e: (order[e.source], e.line or 0))

    def counts(self) -> dict[Outcome, int]:
        """How many report lines each outcome has."""
        return {
            Outcome.ADDED: len(self.added) - len(self.possible),
            Outcome.POSSIBLE: len(self.possible),
            Outcome.MERGED: len(self.merged),
            Outcome.PRESENT: len(self.duplicates),
            Outcome.FAILED: len(self.failed),
            Outcome.WARNING: len(self.warnings),
        }

    def paper_ids(self) -> list[int]:
        """The papers this import added or found in the library, once each."""
        return list(dict.fromkeys(e.paper_id for e in self.entries if e.paper_id is not None))

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "counts": {outcome.value: n for outcome, n in self.counts().items()},
            "added": [{"id": i, "title": t} for i, t in self.added],
            "merged": [
                {"id": i, "title": t, "filled": list(f)} for i, t, f in self.merged
            ],
            "already_present": [{"id": i, "title": t} for i, t in self.duplicates],
            "possible_duplicates": [
                {"id": i, "other_id": o, "reason": r} for i, o, r in self.possible
            ],
            "failed": [
                {"source": p.source, "line": p.line, "reason": p.reason} for p in self.failed
            ],
            "warnings": [
                {"source": p.source, "line": p.line, "reason": p.reason} for p in self.warnings
            ],
            "cancelled": self.cancelled,
            "unreadable": list(self.unreadable),
            "entries": [e.to_dict() for e in self.all_entries()],
        }
