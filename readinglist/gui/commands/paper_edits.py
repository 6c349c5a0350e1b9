"""The user's edits of one paper as undoable commands: the one way the GUI changes a
paper's status, rating, priority, tags and note.

The detail pane and the window's triage keys call these; each pushes a command on the
undo stack, the command calls one library method (one transaction), and the views update
from the Changes the library publishes. Nothing here redraws anything.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from ...domain import Paper, PaperNotFound, Priority, Status
from ...library.service import Library
from .undo_commands import NoteCommand, PriorityCommand, RatingCommand, StatusCommand, TagsCommand

Say = Callable[[str], None]  # shows a message (the window's status bar)

BUSY = ("The import is still being saved: this change was not made, so that the window "
        "does not freeze; try again in a moment")


def ready_to_write(library: Library, say: Say) -> bool:
    """False (and a message) for a read-only library, and while an import holds the
    writer: an edit made now would freeze the window until the import commits."""
    if library.read_only_reason:
        say(f"The library is read-only ({library.read_only_reason}): nothing was changed")
        return False
    if library.writing_elsewhere():
        say(BUSY)
        return False
    return True


class PaperEdits(QObject):
    """Undoable edits of papers on `undo_stack`; `say(message)` tells of a failure."""

    def __init__(self, library: Library, undo_stack: QUndoStack,
                 say: Say | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.undo_stack = undo_stack
        self.say: Say = say or (lambda _message: None)

    def paper(self, paper_id: int) -> Paper | None:
        try:
            return self.library.get(paper_id)
        except PaperNotFound:
            return None

    def change_status(self, paper_id: int, status: Status, paper: Paper | None = None) -> bool:
        """Give a paper a status. False if nothing changed (the same status, or no such
        paper)."""
        paper = paper or self.paper(paper_id)
        if paper is None or paper.status is status or not ready_to_write(self.library, self.say):
            return False
        self.undo_stack.push(StatusCommand(self.library, paper, status,
                                           on_error=self._failed))
        return True

    def change_rating(self, paper_id: int, rating: int | None,
                      paper: Paper | None = None) -> bool:
        paper = paper or self.paper(paper_id)
        if paper is None or paper.rating == rating or not ready_to_write(self.library, self.say):
            return False
        self.undo_stack.push(RatingCommand(self.library, paper, rating, on_error=self._failed))
        return True

    def change_priority(self, paper_id: int, priority: Priority) -> bool:
        paper = self.paper(paper_id)
        if paper is None or paper.priority is priority or not ready_to_write(
                self.library, self.say):
            return False
        self.undo_stack.push(PriorityCommand(self.library, paper, priority,
                                             on_error=self._failed))
        return True

    def change_tags(self, paper_id: int, tags: list[str]) -> bool:
        paper = self.paper(paper_id)
        if paper is None or [t.casefold() for t in tags] == [t.casefold() for t in paper.tags]:
            return False
        if not ready_to_write(self.library, self.say):
            return False
        self.undo_stack.push(TagsCommand(self.library, paper, tags, on_error=self._failed))
        return True

    def change_note(self, paper_id: int, before: str, after: str) -> bool:
        """Save a note (the editor's autosave): consecutive saves of one note merge into
        one undo step. False (and a message) if the save failed: the editor keeps the
        text."""
        if before == after:
            return True
        failures: list[str] = []

        def failed(message: str) -> None:
            failures.append(message)
            self._failed(message)

        # A command that fails in its first redo makes itself obsolete: the stack drops it.
        self.undo_stack.push(NoteCommand(self.library, paper_id, before, after,
                                         on_error=failed))
        return not failures

    def _failed(self, message: str) -> None:
        self.say(message)
