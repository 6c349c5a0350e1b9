"""Undoable edits of a paper's metadata (the paper editor) and papers added by hand.

An edit writes only the fields the user changed, and its undo writes back what they
were: one `library.update` (one transaction) each way. Changing the abstract moves the
paper's highlights with their text (the library re-anchors them), both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domain import Paper
from ...library.service import Library
from .undo_commands import OnError, OnPaperChange, PaperCommand, short_title

# How Edit > Undo names the fields.
FIELD_NAMES = {
    "entry_type": "type", "title": "title", "authors": "authors", "year": "year",
    "venue": "venue", "doi": "DOI", "arxiv_id": "arXiv id", "url": "URL",
    "citation_key": "citation key", "abstract": "abstract", "extra": "BibTeX fields",
}


def stored_value(paper: Paper, name: str) -> Any:
    """A field of the paper as `library.update` takes it back."""
    value = getattr(paper, name)
    if name == "authors":
        return list(value)
    if name == "extra":
        return dict(value)
    return value


def edit_text(paper: Paper, names: list[str]) -> str:
    """"Edit the title and year of #12" (or "Edit #12: Title" for many fields)."""
    shown = [FIELD_NAMES.get(n, n) for n in names]
    if 1 <= len(shown) <= 2:
        return f"Edit the {' and '.join(shown)} of #{paper.id}"
    return f"Edit #{paper.id}: {short_title(paper.title)}"


class EditPaperCommand(PaperCommand):
    """Give a paper these field values; undo gives back the values it had."""

    def __init__(self, library: Library, paper: Paper, after: Mapping[str, Any],
                 on_change: OnPaperChange | None = None,
                 on_error: OnError | None = None) -> None:
        if not after:
            raise ValueError("nothing to change")
        super().__init__(library, paper.id, edit_text(paper, list(after)), on_change, on_error)
        self.after = dict(after)
        self.before = {name: stored_value(paper, name) for name in after}

    def _apply(self) -> None:
        self.library.update(self.paper_id, **self.after)

    def _revert(self) -> None:
        self.library.update(self.paper_id, **self.before)


class AddPaperCommand(PaperCommand):
    """Add a paper by hand. Undo moves it to the Trash (where the user can also find it);
    redo after that puts it back from the Trash: the same paper, id and all, rather than
    a second copy."""

    def __init__(self, library: Library, title: str, fields: Mapping[str, Any],
                 on_change: OnPaperChange | None = None,
                 on_error: OnError | None = None) -> None:
        super().__init__(library, 0, f"Add “{short_title(title)}”", on_change, on_error)
        self.title = title
        self.fields = dict(fields)
        self.added = False

    def _apply(self) -> None:
        if self.added:
            self.library.restore(self.paper_id)
            return
        changes = self.library.add(self.title, **self.fields)
        assert changes.paper is not None
        self.paper_id = changes.paper.id
        self.added = True

    def _revert(self) -> None:
        self.library.delete(self.paper_id)
