"""Status, rating and reading-queue changes made in the main window, as undoable steps.

Triage keys, the detail pane's status and star buttons, queue moves (Alt+Up/Down/Home and
drops in the queue view) and "read next" all become commands on the window's undo stack.
When a command changes a paper, its row, the counts and the detail pane are brought up to
date; after an undo the paper it changed is selected again, so triage goes back to it.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStatusBar, QWidget

from ..domain import Paper, PaperNotFound, Priority, Status
from ..service import Library
from .detail_pane import DetailPane
from .paper_table_model import PaperTableModel, format_rating
from .undo_commands import (
    NoteCommand,
    PaperCommand,
    PriorityCommand,
    QueueMoveCommand,
    RatingCommand,
    ReadNextCommand,
    StatusCommand,
    TagsCommand,
    short_title,
)


class PaperActionsHost(Protocol):
    """What of the window the paper actions use (MainWindow has it): no more."""

    closed: bool
    library: Library
    model: PaperTableModel
    detail: DetailPane

    def statusBar(self) -> QStatusBar: ...  # Qt's name

    def current_paper_id(self) -> int | None: ...

    def in_queue_view(self) -> bool: ...

    def open_paper(self, paper_id: int) -> None: ...

    def paper_edited(self, paper_id: int) -> None: ...

    def refresh_list(self) -> None: ...

    def select_row(self, row: int) -> None: ...

    def show_detail(self, paper_id: int | None, reload: bool = False) -> None: ...


class PaperActions(QObject):
    """The undoable paper changes of one window, and the window's undo stack."""

    def __init__(self, window: PaperActionsHost, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = window
        self.library = window.library
        # The window's undo stack. Owned here, so that it is destroyed after this object
        # stopped listening: a stack being destroyed empties itself and signals that.
        self.undo_stack = QUndoStack(self)
        self._undo_index = 0
        self.undo_stack.indexChanged.connect(self._undo_index_changed)
        self._detail_refresh: int | None = None
        self._detail_timer = QTimer(self, singleShot=True, interval=0)
        self._detail_timer.timeout.connect(self._refresh_detail_if_still_shown)

    def stop(self) -> None:
        """The window closes: no delayed redrawing any more."""
        self._detail_timer.stop()

    def _say(self, message: str, timeout: int) -> None:
        self._window.statusBar().showMessage(message, timeout)

    # -- status and rating ---------------------------------------------------------------

    def current_paper(self) -> Paper | None:
        paper_id = self._window.current_paper_id()
        return None if paper_id is None else self._paper_or_none(paper_id)

    def _paper_or_none(self, paper_id: int) -> Paper | None:
        try:
            return self.library.get(paper_id)
        except PaperNotFound:
            return None

    def set_status(self, status: Status) -> bool:
        """Give the current paper a status, as an undoable step. False if nothing changed."""
        return self._push_status(self.current_paper(), status)

    def change_status(self, paper_id: int, status: Status) -> bool:
        """The detail pane's status buttons: the same undoable step, for its paper."""
        return self._push_status(self._paper_or_none(paper_id), status)

    def set_rating(self, rating: int | None) -> bool:
        """Rate the current paper (None clears), as an undoable step."""
        return self._push_rating(self.current_paper(), rating)

    def change_rating(self, paper_id: int, rating: int | None) -> bool:
        return self._push_rating(self._paper_or_none(paper_id), rating)

    def _push_status(self, paper: Paper | None, status: Status) -> bool:
        if paper is None or paper.status is status:
            return False
        self.undo_stack.push(StatusCommand(self.library, paper, status,
                                           self._paper_changed, self._command_failed))
        self._say(
            f"#{paper.id} {short_title(paper.title)} → {status.label}   (u or Ctrl+Z: undo)",
            6000)
        return True

    def _push_rating(self, paper: Paper | None, rating: int | None) -> bool:
        if paper is None or paper.rating == rating:
            return False
        self.undo_stack.push(RatingCommand(self.library, paper, rating,
                                           self._paper_changed, self._command_failed))
        shown = format_rating(rating) or "no rating"
        self._say(f"#{paper.id} {short_title(paper.title)}: {shown}", 6000)
        return True

    def change_priority(self, paper_id: int, priority: Priority) -> bool:
        """The detail pane's priority box, as an undoable step."""
        paper = self._paper_or_none(paper_id)
        if paper is None or paper.priority is priority:
            return False
        self.undo_stack.push(PriorityCommand(self.library, paper, priority,
                                             self._paper_changed, self._command_failed))
        return True

    def change_tags(self, paper_id: int, tags: list[str]) -> bool:
        """The detail pane's tag field, as an undoable step."""
        paper = self._paper_or_none(paper_id)
        if paper is None:
            return False
        self.undo_stack.push(TagsCommand(self.library, paper, tags, self._paper_changed,
                                         self._command_failed))
        return True

    def note_saved(self, paper_id: int, before: str, after: str) -> None:
        """The note editor saved a note: a step Edit > Undo can take back (consecutive
        saves of one note merge into one step)."""
        if before != after:
            self.undo_stack.push(NoteCommand(self.library, paper_id, before, after,
                                             self._note_changed, self._command_failed))

    def _note_changed(self, paper_id: int) -> None:
        """Edit > Undo or Redo changed a note: the editor shows it as it is now."""
        self._window.detail.note_editor.show_saved(paper_id)
        self._paper_changed(paper_id)

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
        self.undo_stack.push(QueueMoveCommand(self.library, [paper.id], target,
                                              self._queue_changed, self._command_failed))

    def queue_dropped(self, paper_ids: list[int], row: int) -> None:
        """Rows of the queue view were dropped before `row`: move those papers there."""
        queue = self.library.queue_ids()
        moving = [i for i in paper_ids if i in queue]
        if not moving:
            return
        rest = [i for i in queue if i not in moving]
        shown = self._window.model.ids
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
        self.undo_stack.push(QueueMoveCommand(self.library, moving, index,
                                              self._queue_changed, self._command_failed))

    def _queue_changed(self, paper_id: int) -> None:
        window = self._window
        if window.closed:
            return
        if window.in_queue_view():
            window.refresh_list()  # the rows take their new order
            row = window.model.row_of(paper_id)
            if row is not None:
                window.select_row(row)
        else:
            window.model.refresh_papers([paper_id])
        queue = self.library.queue_ids()
        if paper_id in queue:
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
        self.undo_stack.push(ReadNextCommand(self.library, paper, self._paper_changed,
                                             self._command_failed))
        self._window.open_paper(paper.id)
        self._say(f"Reading #{paper.id} {short_title(paper.title)}   ({len(queue) - 1} left "
                  "in the queue)", 8000)

    # -- after a command -----------------------------------------------------------------

    def _paper_changed(self, paper_id: int) -> None:
        """A command changed a paper: repaint its row, the counts and the detail pane."""
        window = self._window
        if window.closed:
            return
        window.paper_edited(paper_id)
        if window.detail.paper is not None and window.detail.paper.id == paper_id:
            # Once control returns to the event loop: a triage key moves on to the next
            # paper first, and then this paper needs no redrawing.
            self._detail_refresh = paper_id
            self._detail_timer.start()

    def _refresh_detail_if_still_shown(self) -> None:
        paper_id, self._detail_refresh = self._detail_refresh, None
        detail = self._window.detail
        if paper_id is not None and detail.paper is not None and detail.paper.id == paper_id:
            self._window.show_detail(paper_id, reload=True)  # its status buttons, timeline

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
            row = self._window.model.row_of(command.paper_id)
            if row is not None:
                self._window.select_row(row)
            self._say(f"Undone: {command.text()}", 6000)
