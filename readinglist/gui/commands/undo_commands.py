"""Undoable library changes for the main window's QUndoStack (Edit > Undo / Redo).

A command holds what it needs to undo its change (a MergeUndo, the previous status,
rating or queue order); the library does the work. A command whose change fails marks
itself obsolete, so the stack drops it instead of offering to undo something that never
happened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from ...domain import Paper, Priority, ReadinglistError, Status
from ...library.service import Library, MergeUndo

OnChange = Callable[[], None]
OnError = Callable[[str], None]
OnPaperChange = Callable[[int], None]  # called with the id of the paper that changed

# What a change to the library can fail with: refused (a paper deleted meanwhile), or the
# disk or the database (full, locked). The write rolled back; the command says so.
FAILURES = (ReadinglistError, OSError, sqlite3.Error)


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
        except FAILURES as exc:
            self._fail(f"Could not merge into #{self.keep}: {exc}")
            return
        self._changed()

    def undo(self) -> None:
        if self.isObsolete() or self.undo_record is None:
            return
        try:
            self.library.undo_merge(self.undo_record)
        except FAILURES as exc:
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


def short_title(title: str, limit: int = 48) -> str:
    """A title short enough for Edit > Undo and the status bar."""
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def rating_text(rating: int | None) -> str:
    return f"{rating} star{'' if rating == 1 else 's'}" if rating else "no rating"


def restore_queue_order(library: Library, order: Sequence[int]) -> None:
    """Put the queue back in `order` (ids that are no longer queued are skipped), in one
    transaction."""
    library.set_queue_order(order)


class PaperCommand(QUndoCommand):
    """A change to one paper. Subclasses implement _apply() and _revert(); this class
    turns a failure into a message and an obsolete command, and reports every change
    with `on_change(paper_id)`."""

    def __init__(
        self,
        library: Library,
        paper_id: int,
        text: str,
        on_change: OnPaperChange | None = None,
        on_error: OnError | None = None,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.library = library
        self.paper_id = paper_id
        self.on_change = on_change
        self.on_error = on_error
        self.error: str | None = None

    def _apply(self) -> None:
        raise NotImplementedError

    def _revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        self._run(self._apply, f"“{self.text()}”")

    def undo(self) -> None:
        self._run(self._revert, f"undo “{self.text()}”")

    def _run(self, step: Callable[[], None], what: str) -> None:
        """Do `step`; if it fails, say "Could not <what>: why" and drop the command."""
        if self.isObsolete():
            return
        try:
            step()
        except FAILURES as exc:
            self.error = f"Could not {what}: {exc}"
            self.setObsolete(True)
            if self.on_error is not None:
                self.on_error(self.error)
            return
        if self.on_change is not None:
            self.on_change(self.paper_id)


class StatusCommand(PaperCommand):
    """Set a paper's status; undo gives it back its previous status and, if it was
    queued, its place in the queue. (Undo is itself a status change, so the paper's
    history records both: it tells what happened.)"""

    def __init__(
        self,
        library: Library,
        paper: Paper,
        status: Status,
        on_change: OnPaperChange | None = None,
        on_error: OnError | None = None,
        text: str | None = None,
    ) -> None:
        text = text or f"Set #{paper.id} to {status.label}: {short_title(paper.title)}"
        super().__init__(library, paper.id, text, on_change, on_error)
        self.status = status
        self.before = paper.status
        queue = library.queue_ids() if paper.status is Status.QUEUED else []
        self.queue_index = queue.index(paper.id) if paper.id in queue else None

    def _apply(self) -> None:
        self.library.set_status(self.paper_id, self.status)

    def _revert(self) -> None:
        # Back to where it was in the queue, not its end: one transaction.
        self.library.set_status(self.paper_id, self.before, queue_index=self.queue_index)


class ReadNextCommand(StatusCommand):
    """"Read next": the first paper of the queue becomes 'reading' (library.read_next());
    undo puts it back at the head of the queue."""

    def __init__(
        self,
        library: Library,
        paper: Paper,
        on_change: OnPaperChange | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(library, paper, Status.READING, on_change, on_error,
                         text=f"Read next #{paper.id}: {short_title(paper.title)}")

    def _apply(self) -> None:
        queue = self.library.queue_ids()
        if queue and queue[0] == self.paper_id:
            self.library.read_next()
        else:  # redone after the queue changed: it is this paper that was started
            self.library.set_status(self.paper_id, Status.READING)


class RatingCommand(PaperCommand):
    """Rate a paper 1-5 (None clears); undo restores the previous rating."""

    def __init__(
        self,
        library: Library,
        paper: Paper,
        rating: int | None,
        on_change: OnPaperChange | None = None,
        on_error: OnError | None = None,
    ) -> None:
        text = (f"Rate #{paper.id} {rating_text(rating)}" if rating
                else f"Clear the rating of #{paper.id}")
        super().__init__(library, paper.id, text, on_change, on_error)
        self.rating = rating
        self.before = paper.rating

    def _apply(self) -> None:
        self.library.set_rating(self.paper_id, self.rating)

    def _revert(self) -> None:
        self.library.set_rating(self.paper_id, self.before)


class QueueMoveCommand(PaperCommand):
    """Move queued papers to `index` in the reading queue (0 = next; counted in the queue
    without them), together in the order given; undo restores the whole previous order,
    captured before the move."""

    def __init__(
        self,
        library: Library,
        paper_ids: Sequence[int],
        index: int,
        on_change: OnPaperChange | None = None,
        on_error: OnError | None = None,
    ) -> None:
        ids = list(dict.fromkeys(paper_ids))
        if not ids:
            raise ValueError("nothing to move")
        which = f"#{ids[0]}" if len(ids) == 1 else f"{len(ids)} papers"
        super().__init__(library, ids[0], f"Move {which} to position {index + 1} in the queue",
                         on_change, on_error)
        self.paper_ids = ids
        self.index = index
        self.before = library.queue_ids()

    def _apply(self) -> None:
        queue = self.library.queue_ids()
        missing = [i for i in self.paper_ids if i not in queue]
        if missing:
            raise ReadinglistError(f"paper {missing[0]} is not in the reading queue")
        rest = [i for i in queue if i not in self.paper_ids]
        restore_queue_order(
            self.library, [*rest[: self.index], *self.paper_ids, *rest[self.index :]])

    def _revert(self) -> None:
        restore_queue_order(self.library, self.before)


class PriorityCommand(PaperCommand):
    """Set a paper's priority; undo restores the previous one."""

    def __init__(self, library: Library, paper: Paper, priority: Priority,
                 on_change: OnPaperChange | None = None,
                 on_error: OnError | None = None) -> None:
        super().__init__(library, paper.id, f"Priority of #{paper.id}: {priority.value}",
                         on_change, on_error)
        self.priority = priority
        self.before = paper.priority

    def _apply(self) -> None:
        self.library.set_priority(self.paper_id, self.priority)

    def _revert(self) -> None:
        self.library.set_priority(self.paper_id, self.before)


class TagsCommand(PaperCommand):
    """Give a paper these tags; undo gives it back the tags it had."""

    def __init__(self, library: Library, paper: Paper, tags: Sequence[str],
                 on_change: OnPaperChange | None = None,
                 on_error: OnError | None = None) -> None:
        super().__init__(library, paper.id, f"Tags of #{paper.id}: {', '.join(tags) or 'none'}",
                         on_change, on_error)
        self.tags = list(tags)
        self.before = list(paper.tags)

    def _apply(self) -> None:
        self.library.set_tags(self.paper_id, self.tags)

    def _revert(self) -> None:
        self.library.set_tags(self.paper_id, self.before)


NOTE_COMMAND_ID = 1001  # QUndoCommand.id(): consecutive note saves merge into one step


class NoteCommand(PaperCommand):
    """Save a note (the editor's autosave pushes one per save); undo puts back the note
    as it was before this run of edits. Consecutive saves of one paper's note merge into
    one step, so Edit > Undo undoes a writing session, not one autosave of it."""

    def __init__(self, library: Library, paper_id: int, before: str, after: str,
                 on_change: OnPaperChange | None = None,
                 on_error: OnError | None = None) -> None:
        super().__init__(library, paper_id, f"Edit the note of #{paper_id}", on_change,
                         on_error)
        self.before = before
        self.after = after

    def id(self) -> int:
        return NOTE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteCommand) or other.paper_id != self.paper_id:
            return False
        self.after = other.after
        return True

    def _apply(self) -> None:
        self.library.set_note(self.paper_id, self.after)

    def _revert(self) -> None:
        self.library.set_note(self.paper_id, self.before)
