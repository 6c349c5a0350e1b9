"""What every importer returns. Importers parse; they never touch the library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain import EntryProblem, PaperRecord


@dataclass
class ParseResult:
    records: list[PaperRecord] = field(default_factory=list)
    problems: list[EntryProblem] = field(default_factory=list)  # entries not imported
    warnings: list[EntryProblem] = field(default_factory=list)  # imported, with a caveat
    # Readinglist's own JSON: whole papers (status history, annotations ...) to restore,
    # each with its file's name and its position in the file (for messages).
    snapshots: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    # Records that hold an identifier only, to be completed by a lookup (arXiv, Crossref).
    needs_lookup: bool = False
    format: str = ""  # the format the file was read as

    def extend(self, other: ParseResult) -> None:
        self.records += other.records
        self.problems += other.problems
        self.warnings += other.warnings
        self.snapshots += other.snapshots
        self.needs_lookup = self.needs_lookup or other.needs_lookup
