"""Undoable changes to the library as a whole: papers moved to the Trash and back, tags
renamed, merged, deleted and coloured, batch edits of a selection (papers dropped on a
tag among them). Each redo and undo is one
library write (one transaction); a failure drops the step with a message, as for the
commands of one paper (undo_commands.PaperCommand)."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain import Priority, Status
from ...domain.tag_colours import colour_name
from ...library.organizing import UNSET, Unset
from ...library.service import Library
from .undo_commands import OnError, PaperCommand, short_title


def _papers_text(library: Library, ids: Sequence[int]) -> str:
    if len(ids) == 1:
        try:
            return f"#{ids[0]} {short_title(library.get(ids[0]).title)}"
        except Exception:
            return f"#{ids[0]}"
    return f"{len(ids)} papers"


class _LibraryCommand(PaperCommand):
    """A step on many papers: `paper_id` is the first of them (the one an undo selects)."""

    def __init__(self, library: Library, ids: Sequence[int], text: str,
                 on_error: OnError | None = None) -> None:
        self.ids = list(dict.fromkeys(ids))
        if not self.ids:
            raise ValueError("no papers")
        super().__init__(library, self.ids[0], text, on_error=on_error)


class TrashCommand(_LibraryCommand):
    """Move papers to the Trash; undo restores them with everything they had."""

    def __init__(self, library: Library, ids: Sequence[int],
                 on_error: OnError | None = None) -> None:
        super().__init__(library, ids, f"Move {_papers_text(library, ids)} to the Trash",
                         on_error)

    def _apply(self) -> None:
        self.library.delete(*self.ids)

    def _revert(self) -> None:
        self.library.restore(*self.ids)


class RestoreCommand(_LibraryCommand):
    """Put papers back from the Trash; undo moves them there again."""

    def __init__(self, library: Library, ids: Sequence[int],
                 on_error: OnError | None = None) -> None:
        super().__init__(library, ids, f"Restore {_papers_text(library, ids)}", on_error)

    def _apply(self) -> None:
        self.library.restore(*self.ids)

    def _revert(self) -> None:
        self.library.delete(*self.ids)


class TagsAcrossCommand(PaperCommand):
    """Rename, merge or delete tags across the library (`into` None: delete); undo gives
    every paper it touched its tags as they were, and the tags their colours."""

    def __init__(self, library: Library, sources: Sequence[str], into: str | None,
                 on_error: OnError | None = None) -> None:
        self.sources = list(sources)
        self.into = into
        self.before = library.papers_tagged(self.sources)
        # The colours move with the tags (the target's wins): all of them come back.
        self.colours = library.tag_colours_of(
            [*self.sources, *([into] if into is not None else [])])
        names = ", ".join(f"“{s}”" for s in self.sources)
        text = (f"Delete the tag {names}" if into is None else
                f"Rename the tag {names} to “{into}”" if len(self.sources) == 1 else
                f"Merge the tags {names} into “{into}”")
        super().__init__(library, min(self.before, default=0), text, on_error=on_error)

    def _apply(self) -> None:
        if self.into is None:
            self.library.delete_tag(self.sources[0])
        else:
            self.library.merge_tags(self.sources, self.into)

    def _revert(self) -> None:
        self.library.put_tags(self.before, colours=self.colours)


def colour_text(colour: str | None) -> str:
    """A tag colour as Edit > Undo names it: "red", or "#12ab34" off the palette."""
    return "no colour" if colour is None else colour_name(colour) or colour


class TagColourCommand(PaperCommand):
    """Give a tag a colour (None: take it away); undo gives back the one it had."""

    def __init__(self, library: Library, tag: str, colour: str | None,
                 on_error: OnError | None = None) -> None:
        self.tag = tag
        self.colour = colour
        self.before = library.tag_colours_of([tag])[tag]
        text = (f"Take the colour off the tag “{tag}”" if colour is None else
                f"Colour the tag “{tag}” {colour_text(colour)}")
        super().__init__(library, 0, text, on_error=on_error)

    def _apply(self) -> None:
        self.library.set_tag_colour(self.tag, self.colour)

    def _revert(self) -> None:
        self.library.set_tag_colour(self.tag, self.before)


class BatchCommand(_LibraryCommand):
    """One edit of many papers as one step: a status, a priority, or tags added and
    removed (`text`: what Edit > Undo calls it, if not the usual). Undo gives each paper
    back what it had, in one transaction."""

    def __init__(self, library: Library, ids: Sequence[int], *,
                 status: Status | None = None, priority: Priority | None = None,
                 add_tags: Sequence[str] = (), remove_tags: Sequence[str] = (),
                 rating: int | Unset | None = UNSET,
                 on_error: OnError | None = None, text: str | None = None) -> None:
        what = (f"status {status.label}" if status else
                f"priority {priority.value}" if priority else
                "rating" if not isinstance(rating, Unset) else "tags")
        super().__init__(library, ids,
                         text or f"Set the {what} of {_papers_text(library, ids)}", on_error)
        self.status, self.priority = status, priority
        self.add_tags, self.remove_tags = list(add_tags), list(remove_tags)
        self.rating = rating
        papers = library.get_many(self.ids)
        self.before = {p.id: (p.status, p.priority, p.tags) for p in papers}
        self.ratings = {p.id: p.rating for p in papers}
        self.queue = library.queue_ids()  # a status change moves papers in or out of it

    def _apply(self) -> None:
        self.library.edit_many(self.ids, status=self.status, priority=self.priority,
                               add_tags=self.add_tags, remove_tags=self.remove_tags,
                               rating=self.rating)

    def _revert(self) -> None:
        self.library.restore_many({
            paper_id: (status if self.status else None,
                       priority if self.priority else None,
                       tags if (self.add_tags or self.remove_tags) else None)
            for paper_id, (status, priority, tags) in self.before.items()},
            queue=self.queue if self.status else None,
            ratings=None if isinstance(self.rating, Unset) else self.ratings)


def tag_papers_text(library: Library, ids: Sequence[int], tag: str) -> str:
    """What Edit > Undo calls papers dropped on a tag: "Tag 3 papers “llm”"."""
    return f"Tag {_papers_text(library, ids)} “{tag}”"
