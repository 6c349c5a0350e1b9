"""What every importer returns. Importers parse; they never touch the library."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import EntryProblem, PaperRecord


@dataclass
class ParseResult:
    records: list[PaperRecord] = field(default_factory=list)
    problems: list[EntryProblem] = field(default_factory=list)  # entries not imported
    warnings: list[EntryProblem] = field(default_factory=list)  # imported, with a caveat
