"""Undoable changes to highlights (annotations) for the window's QUndoStack.

Deleting a highlight and undoing that puts it back under a *new* id
(`Library.restore_annotation`), so a command cannot hold on to an annotation id: an
older "change colour" command further down the stack would then point at a highlight
that no longer exists. Commands hold an `AnnotationRef` instead, one per highlight per
library, which follows the highlight to every id it gets.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtGui import QUndoCommand

from ...domain import Annotation
from ...library.service import Library
from .undo_commands import PaperCommand

OnChange = Callable[[int], None]  # called with the paper id after each change
OnError = Callable[[str], None]

QUOTE_IN_TEXT = 40  # characters of the passage shown in Edit > Undo "…"


def short_quote(quote: str, limit: int = QUOTE_IN_TEXT) -> str:
    """The passage on one line, cut at `limit` characters: for menus and messages."""
    text = " ".join(quote.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(eq=False)
class AnnotationRef:
    """One highlight, whatever id it has at the moment (it changes when a delete is undone)."""

    paper_id: int
    id: int
    created: datetime | None


class AnnotationRefs:
    """The refs of one library's highlights, by current id."""

    def __init__(self) -> None:
        self._by_id: dict[int, AnnotationRef] = {}

    def ref_for(self, annotation: Annotation) -> AnnotationRef:
        """The ref that follows `annotation` (the same one every command of it shares)."""
        ref = self._by_id.get(annotation.id)
        # An id can be used again after a delete (SQLite reuses the highest rowid), so a
        # ref only counts if it is the same highlight: same paper, same creation time.
        if ref is None or ref.paper_id != annotation.paper_id or (
            ref.created != annotation.created
        ):
            ref = AnnotationRef(annotation.paper_id, annotation.id, annotation.created)
            self._by_id[annotation.id] = ref
        return ref

    def moved(self, ref: AnnotationRef, annotation: Annotation) -> None:
        """`ref`'s highlight lives on as `annotation` (restored under a new id)."""
        if self._by_id.get(ref.id) is ref:
            del self._by_id[ref.id]
        ref.id = annotation.id
        ref.paper_id = annotation.paper_id
        ref.created = annotation.created
        self._by_id[annotation.id] = ref

    def gone(self, ref: AnnotationRef) -> None:
        """`ref`'s highlight was deleted: its id may be given to another one."""
        if self._by_id.get(ref.id) is ref:
            del self._by_id[ref.id]


_REFS: weakref.WeakKeyDictionary[Library, AnnotationRefs] = weakref.WeakKeyDictionary()


def annotation_refs(library: Library) -> AnnotationRefs:
    """The refs shared by every view and command working on `library`."""
    refs = _REFS.get(library)
    if refs is None:
        refs = _REFS[library] = AnnotationRefs()
    return refs


class _AnnotationCommand(PaperCommand):
    """What the three commands share: the library, callbacks, failing cleanly (see
    PaperCommand: a change that fails makes the command obsolete, so the stack drops it
    instead of keeping a step that does nothing)."""

    def __init__(self, text: str, library: Library, paper_id: int,
                 on_change: OnChange | None, on_error: OnError | None,
                 parent: QUndoCommand | None) -> None:
        super().__init__(library, paper_id, text, on_change, on_error, parent)
        self.refs = annotation_refs(library)


class AddAnnotationCommand(_AnnotationCommand):
    """Highlight abstract[start:end] of a paper; undo deletes the highlight, redo puts it
    back (with the colour and comment it had)."""

    def __init__(self, library: Library, paper_id: int, start: int, end: int,
                 colour: str = "yellow", comment: str = "",
                 on_change: OnChange | None = None, on_error: OnError | None = None,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__("Highlight", library, paper_id, on_change, on_error, parent)
        self.start, self.end = start, end
        self.colour, self.comment = colour, comment
        self.ref: AnnotationRef | None = None
        # The highlight as it was when undone: what redo restores.
        self._removed: Annotation | None = None

    @property
    def annotation_id(self) -> int | None:
        """The highlight's id now (None before the first redo or after a failure)."""
        return self.ref.id if self.ref is not None and self.error is None else None

    def redo(self) -> None:
        def add() -> None:
            if self._removed is None:
                made = self.library.add_annotation(self.paper_id, self.start, self.end,
                                                   self.colour, self.comment).annotation_written()
                self.ref = self.refs.ref_for(made)
                self.setText(f"Highlight “{short_quote(made.quote)}”")
            else:
                assert self.ref is not None
                restored = self.library.restore_annotation(self._removed)
                self.refs.moved(self.ref, restored.annotation_written())
                self._removed = None

        self._run(add, "highlight the passage")

    def undo(self) -> None:
        def remove() -> None:
            assert self.ref is not None
            self._removed = self.library.delete_annotation(self.ref.id).annotation_written()
            self.refs.gone(self.ref)

        self._run(remove, "remove the highlight")


class EditAnnotationCommand(_AnnotationCommand):
    """Change a highlight's colour and/or comment (None: leave as it is)."""

    def __init__(self, library: Library, annotation: Annotation, colour: str | None = None,
                 comment: str | None = None, on_change: OnChange | None = None,
                 on_error: OnError | None = None, parent: QUndoCommand | None = None) -> None:
        if colour is not None and comment is None:
            text = f"Change highlight colour to {colour}"
        elif comment is not None and colour is None:
            text = "Edit highlight comment" if comment else "Remove highlight comment"
        else:
            text = "Edit highlight"
        super().__init__(text, library, annotation.paper_id, on_change, on_error, parent)
        self.ref = self.refs.ref_for(annotation)
        self.new = (colour, comment)
        self.old = (annotation.colour if colour is not None else None,
                    annotation.comment if comment is not None else None)

    def redo(self) -> None:
        self._run(lambda: self._update(*self.new), "change the highlight")

    def undo(self) -> None:
        self._run(lambda: self._update(*self.old), "undo the change to the highlight")

    def _update(self, colour: str | None, comment: str | None) -> None:
        self.library.update_annotation(self.ref.id, colour=colour, comment=comment)


class DeleteAnnotationCommand(_AnnotationCommand):
    """Delete a highlight; undo restores it (under a new id, which its ref follows)."""

    def __init__(self, library: Library, annotation: Annotation,
                 on_change: OnChange | None = None, on_error: OnError | None = None,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(f"Delete highlight “{short_quote(annotation.quote)}”", library,
                         annotation.paper_id, on_change, on_error, parent)
        self.ref = self.refs.ref_for(annotation)
        self._removed: Annotation | None = None

    def redo(self) -> None:
        def remove() -> None:
            self._removed = self.library.delete_annotation(self.ref.id).annotation_written()
            self.refs.gone(self.ref)

        self._run(remove, "delete the highlight")

    def undo(self) -> None:
        def restore() -> None:
            assert self._removed is not None
            restored = self.library.restore_annotation(self._removed)
            self.refs.moved(self.ref, restored.annotation_written())
            self._removed = None

        self._run(restore, "restore the highlight")
