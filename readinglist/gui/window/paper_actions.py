"""Status, rating and reading-queue changes made in the main window, as undoable steps.

Triage keys, queue moves (Alt+Up/Down/Home and drops in the queue view) and "read next"
become commands on the window's undo stack; the detail pane's buttons go through the same
PaperEdits. Nothing here redraws: the views update from the library's Changes. After an
undo the paper it changed is selected again, so triage goes back to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from ...domain import Paper, Priority, Status
from ...library.service import Library
from ..commands.paper_edits import PaperEdits, ready_to_write
from ..commands.undo_commands import PaperCommand, QueueMoveCommand, ReadNextCommand, short_title
from ..table.paper_table_model import format_rating


class Selection(Protocol):
    """The window's list and selection, as far as the paper actions need them."""

    def current_paper_id(self) -> int | None: ...

    def shown_ids(self) -> list[int]: ...

    def select_paper(self, paper_id: int) -> bool: ...

    def open_paper(self, paper_id: int) -> None: ...


class PaperActions(QObject):
    """The undoable paper changes of one window, and the window's undo stack.

    Given what it uses: the library, the window's selection, and `say(message, ms)` (the
    status bar)."""

    def __init__(self, library: Library, selection: Selection,
                 say: Callable[[str, int], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.library = library
        self._selection = selection
        self._say = say
        # The window's undo stack. Owned here, so that it is destroyed after this object
        # stopped listening: a stack being destroyed empties itself and signals that.
        self.undo_stack = QUndoStack(self)
        self.edits = PaperEdits(library, self.undo_stack,
                                say=lambda message: say(message, 8000), parent=self)
        self._undo_index = 0
        self.undo_stack.indexChanged.connect(self._undo_index_changed)

    def stop(self) -> None:
        """The window closes (kept for the window's close sequence; nothing is pending)."""

    # -- status and rating ---------------------------------------------------------------

    def current_paper(self) -> Paper | None:
        paper_id = self._selection.current_paper_id()
        return None if paper_id is None else self.edits.paper(paper_id)

    def set_status(self, status: Status) -> bool:
        """Give the current paper a status, as an undoable step. False if nothing changed."""
        return self._push_status(self.current_paper(), status)

    def change_status(self, paper_id: int, status: Status) -> bool:
        """The detail pane's status buttons: the same undoable step, for its paper."""
        return self._push_status(self.edits.paper(paper_id), status)

    def set_rating(self, rating: int | None) -> bool:
        """Rate the current paper (None clears), as an undoable step."""
        return self._push_rating(self.current_paper(), rating)

    def change_rating(self, paper_id: int, rating: int | None) -> bool:
        return self._push_rating(self.edits.paper(paper_id), rating)

    def _push_status(self, paper: Paper | None, status: Status) -> bool:
        if paper is None or not self.edits.change_status(paper.id, status, paper):
            return False
        self._say(
            f"#{paper.id} {short_title(paper.title)} → {status.label}   (u or Ctrl+Z: undo)",
            6000)
        return True

    def _push_rating(self, paper: Paper | None, rating: int | None) -> bool:
        if paper is None or not self.edits.change_rating(paper.id, rating, paper):
            return False
        shown = format_rating(rating) or "no rating"
        self._say(f"#{paper.id} {short_title(paper.title)}: {shown}", 6000)
        return True

    def change_priority(self, paper_id: int, priority: Priority) -> bool:
        """The detail pane's priority box, as an undoable step."""
        return self.edits.change_priority(paper_id, priority)

    def change_tags(self, paper_id: int, tags: list[str]) -> bool:
        """The detail pane's tag field, as an undoable step."""
        return self.edits.change_tags(paper_id, tags)

    # -- the reading queue ------------------------------------------------------------------

    def move_queued(self, step: int | None) -> None:
        """Move the current paper `step` places in the reading queue (None: to the top)."""
        paper = self.current_paper()
        if paper is None:
            return
        queue = self.library.queue_ids()
        if paper.id not in queue:
            self._say(
                f"#{paper.id} is not in the reading queue (q in triage mode queues it)", 6000)
            return
        place = queue.index(paper.id)
        target = 0 if step is None else place + step
        if target == place or not 0 <= target < len(queue):
            where = "first" if target <= place else "last"
            self._say(f"#{paper.id} is already {where} in the queue", 4000)
            return
        if not ready_to_write(self.library, self._say_long):
            return
        self.undo_stack.push(QueueMoveCommand(self.library, [paper.id], target,
                                              self._queue_changed, self._command_failed))

    def queue_dropped(self, paper_ids: list[int], row: int) -> None:
        """Rows of the queue view were dropped before `row`: move those papers there."""
        queue = self.library.queue_ids()
        moving = [i for i in paper_ids if i in queue]
        if not moving:
            return
        rest = [i for i in queue if i not in moving]
        shown = self._selection.shown_ids()
        # Before the first queued paper shown from `row` on; else after the last one shown
        # above it (a search may show only part of the queue).
        after = next((i for i in shown[row:] if i in rest), None)
        if after is not None:
            index = rest.index(after)
        else:
            before = next((i for i in reversed(shown[:row]) if i in rest), None)
            index = rest.index(before) + 1 if before is not None else len(rest)
        if [*rest[:index], *moving, *rest[index:]] == queue:
            return  # dropped where it was
        if not ready_to_write(self.library, self._say_long):
            return
        self.undo_stack.push(QueueMoveCommand(self.library, moving, index,
                                              self._queue_changed, self._command_failed))

    def _queue_changed(self, paper_id: int) -> None:
        """Say where the moved paper is now (the queue view relists from the Changes)."""
        queue = self.library.queue_ids()
        if paper_id in queue:
            self._selection.select_paper(paper_id)
            self._say(f"#{paper_id} is number {queue.index(paper_id) + 1} of {len(queue)} in "
                      "the queue", 5000)

    def read_next(self) -> None:
        """Start the first paper of the queue (it becomes Reading) and open it."""
        queue = self.library.queue_ids()
        if not queue:
            self._say("The reading queue is empty: nothing to read next. Queue papers with q "
                      "in triage mode (Ctrl+T) or with the Queued status.", 8000)
            return
        paper = self.library.get(queue[0])
        if not ready_to_write(self.library, self._say_long):
            return
        self.undo_stack.push(ReadNextCommand(self.library, paper,
                                             on_error=self._command_failed))
        self._selection.open_paper(paper.id)
        self._say(f"Reading #{paper.id} {short_title(paper.title)}   ({len(queue) - 1} left "
                  "in the queue)", 8000)

    # -- after a command -----------------------------------------------------------------

    def _say_long(self, message: str) -> None:
        self._say(message, 8000)

    def _command_failed(self, message: str) -> None:
        self._say(message, 8000)

    def _undo_index_changed(self, index: int) -> None:
        """After an undo, show the paper it changed: triage goes back to that paper."""
        undone = index < self._undo_index
        self._undo_index = index
        if not undone:
            return
        command = self.undo_stack.command(index)
        if isinstance(command, PaperCommand):
            self._selection.select_paper(command.paper_id)
            self._say(f"Undone: {command.text()}", 6000)
