"""Undoable library changes for the main window's QUndoStack (Edit > Undo / Redo).

A command holds what the library returned for undoing its change (a MergeUndo); the
library does the work. A command whose change fails marks itself obsolete, so the stack
drops it instead of offering to undo something that never happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from ..domain import ReadinglistError
from ..service import Library, MergeUndo

OnChange = Callable[[], None]
OnError = Callable[[str], None]


def merge_text(keep: int, others: Sequence[int]) -> str:
    """What Edit > Undo says: "Merge 2 papers into #12" (the papers that go into #12)."""
    count = len(others)
    return f"Merge {count} paper{'' if count == 1 else 's'} into #{keep}"


class MergeCommand(QUndoCommand):
    """Merge papers `others` into `keep`; undo puts every one of them back, ids included.

    The first redo() (run by QUndoStack.push) merges, unless `done` is given: then the
    merge already happened (in a background task) and `done` is its MergeUndo. Every later
    redo() merges again. `on_change` is called after each change to the library,
    `on_error(message)` when a merge or undo fails (the command then becomes obsolete and
    the stack discards it).
    """

    def __init__(
        self,
        library: Library,
        keep: int,
        others: Sequence[int],
        on_change: OnChange | None = None,
        on_error: OnError | None = None,
        done: MergeUndo | None = None,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(merge_text(keep, others), parent)
        self.library = library
        self.keep = keep
        self.others = tuple(others)
        self.on_change = on_change
        self.on_error = on_error
        self.undo_record: MergeUndo | None = done
        self._skip_first_redo = done is not None
        self.error: str | None = None

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            self._changed()
            return
        if self.isObsolete():
            return
        try:
            self.undo_record = self.library.merge_papers(self.keep, self.others)
        except ReadinglistError as exc:
            self._fail(f"Could not merge into #{self.keep}: {exc}")
            return
        self._changed()

    def undo(self) -> None:
        if self.isObsolete() or self.undo_record is None:
            return
        try:
            self.library.undo_merge(self.undo_record)
        except ReadinglistError as exc:
            self._fail(f"Could not undo the merge into #{self.keep}: {exc}")
            return
        self.undo_record = None
        self._changed()

    def _fail(self, message: str) -> None:
        self.error = message
        self.undo_record = None
        # Obsolete: QUndoStack deletes the command rather than keeping a step that
        # would undo (or redo) nothing.
        self.setObsolete(True)
        if self.on_error is not None:
            self.on_error(message)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
