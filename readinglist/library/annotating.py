"""Highlights on a paper's abstract: made, recoloured, commented, deleted and restored,
each one write through the library's writer. A service the Library holds and forwards
to; it also moves highlights when an abstract is corrected (re-anchoring)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain import HIGHLIGHT_COLOURS, Annotation, ReadinglistError
from ..domain.changes import NOTHING, Changes
from ..store.paper_store import PaperStore
from ..store.writer import Writer
from ..text.anchoring import reanchor


class Annotating:
    def __init__(self, store: PaperStore, writer: Writer) -> None:
        self.store = store
        self.writer = writer

    def reanchor(self, annotations: Iterable[Annotation], abstract: str) -> None:
        """Move highlights to where their passage now is; flag those whose passage is gone
        (kept, never dropped, so the user can see and fix them)."""
        for note in annotations:
            place = reanchor(abstract, note.start, note.quote)
            if place is None:
                if note.anchored:
                    self.store.update_annotation(note.id, {"anchored": 0})
            elif place != (note.start, note.end) or not note.anchored:
                self.store.update_annotation(
                    note.id, {"start": place[0], "end": place[1], "anchored": 1}
                )

    def add_annotation(self, paper_id: int, start: int, end: int, colour: str = "yellow",
                       comment: str = "") -> Changes:
        """Highlight abstract[start:end] of a paper in a colour, with an optional comment
        (the Changes carries the new `annotation`)."""
        abstract = self.store.get_paper(paper_id).abstract
        if not 0 <= start < end <= len(abstract):
            raise ReadinglistError(
                f"a highlight must lie inside the abstract (0..{len(abstract)}), "
                f"not {start}..{end}"
            )
        _check_colour(colour)
        with self.writer.write() as write:
            annotation_id = self.store.insert_annotation(
                paper_id, start, end, abstract[start:end], colour, comment
            )
        return write.changes.carrying(annotation=self.store.get_annotation(annotation_id))

    def update_annotation(self, annotation_id: int, colour: str | None = None,
                          comment: str | None = None) -> Changes:
        fields: dict[str, Any] = {}
        if colour is not None:
            _check_colour(colour)
            fields["colour"] = colour
        if comment is not None:
            fields["comment"] = comment
        changes = NOTHING
        if fields:
            with self.writer.write() as write:
                self.store.update_annotation(annotation_id, fields)
            changes = write.changes
        return changes.carrying(annotation=self.store.get_annotation(annotation_id))

    def delete_annotation(self, annotation_id: int) -> Changes:
        """Delete a highlight; the Changes carries it, so that it can be restored (undo)."""
        annotation = self.store.get_annotation(annotation_id)
        with self.writer.write() as write:
            self.store.delete_annotation(annotation_id)
        return write.changes.carrying(annotation=annotation)

    def restore_annotation(self, annotation: Annotation) -> Changes:
        """Put back a deleted highlight (as a new annotation with the same content and
        dates, so it keeps its place among the highlights)."""
        paper = self.store.get_paper(annotation.paper_id)
        place = reanchor(paper.abstract, annotation.start, annotation.quote)
        start, end = place or (annotation.start, annotation.end)
        with self.writer.write() as write:
            annotation_id = self.store.insert_annotation(
                annotation.paper_id, start, end, annotation.quote, annotation.colour,
                annotation.comment, made=(annotation.created, annotation.modified),
            )
            if place is None:
                self.store.update_annotation(annotation_id, {"anchored": 0})
        return write.changes.carrying(annotation=self.store.get_annotation(annotation_id))



def _check_colour(colour: str) -> None:
    if colour not in HIGHLIGHT_COLOURS:
        raise ReadinglistError(
            f"unknown colour {colour!r}; choose one of: {', '.join(HIGHLIGHT_COLOURS)}"
        )
